package index

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/newsdesk/newsdesk/news"
)

// Option configures Open, OpenMem, Rebuild and RebuildFrom.
type Option func(*options)

type options struct {
	actors []news.Actor
}

// WithActors gives the index the gazetteer whose names its statement
// documents are tagged with: each statement document lists, in the
// keyword fields mentions (sentence) and title_mentions (headline), the
// canonical name of every actor one of whose names the sentence or the
// headline contains as a phrase, exactly as a match_phrase query with the
// field's analyzer would find it; mentions also holds the statement's
// accused (the actors field). A search for an actor's mention (a
// news.Query.Mentions entry equal to that actor's names) is then two term
// lookups instead of a phrase search per name and field.
//
// The index records the gazetteer's fingerprint when it is created with
// one (and Rebuild creates it so); an index created before, or written to
// with another gazetteer or none, keeps answering mentions with phrase
// searches, which give the same hits, until it is rebuilt (newsdesk
// reindex).
func WithActors(actors []news.Actor) Option {
	return func(o *options) { o.actors = actors }
}

func collect(opts []Option) options {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// Fields holding the tags, and the internal key holding the fingerprint of
// the gazetteer every statement document was tagged with.
const (
	fMentions      = "mentions"
	fTitleMentions = "title_mentions"
)

var internalTagsKey = []byte("newsdesk.mention_tags")

// taggerVersion is part of the fingerprint: a change to how names are
// matched changes it, and indexes tagged before answer with phrases until
// they are rebuilt.
const taggerVersion = "2"

// tagger finds the actors a text names, as phrase queries of their names
// would.
type tagger struct {
	analyzer    analysis.Analyzer
	fingerprint string
	byFirst     map[string][]pattern // a name's first term → the names starting with it
	// names is each actor's name list as a query carries it (see nameKey),
	// by canonical name lower-cased; "" for a canonical name two actors
	// share, whose mentions are then searched with phrases.
	names map[string]string
}

// pattern is one name, analyzed: slots[0] holds the first term, never
// empty; an empty slot (a stop word) matches any term, as in a phrase
// query.
type pattern struct {
	actor string // the tag: the canonical name, lower-cased
	slots [][]string
}

// mentionNames is the names of a mention that are searched: the first
// maxMentionNames distinct ones (case-insensitively), trimmed.
func mentionNames(names []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		key := strings.ToLower(n)
		if n == "" || seen[key] {
			continue
		}
		if len(seen) == maxMentionNames {
			break
		}
		seen[key] = true
		out = append(out, n)
	}
	return out
}

// nameKey identifies a mention's name list: a query's mention is answered
// by the tags only when its names are those the documents were tagged with.
func nameKey(names []string) string {
	return strings.ToLower(strings.Join(mentionNames(names), "\x00"))
}

func newTagger(m mapping.IndexMapping, actors []news.Actor) (*tagger, error) {
	if len(actors) == 0 {
		return nil, nil
	}
	an := m.AnalyzerNamed(en.AnalyzerName)
	if an == nil {
		return nil, fmt.Errorf("mention tags: no %q analyzer in the mapping", en.AnalyzerName)
	}
	t := &tagger{analyzer: an, byFirst: map[string][]pattern{}, names: map[string]string{}}
	h := sha256.New()
	fmt.Fprintf(h, "tagger %s analyzer %s\n", taggerVersion, en.AnalyzerName)
	for _, a := range actors {
		names := append([]string{a.Name}, a.Aliases...)
		canon := strings.ToLower(strings.TrimSpace(a.Name))
		if canon == "" {
			continue
		}
		key := nameKey(names)
		if prev, dup := t.names[canon]; dup {
			if prev != key {
				t.names[canon] = ""
			}
			continue
		}
		t.names[canon] = key
		fmt.Fprintf(h, "%q\n", key)
		for _, n := range mentionNames(names) {
			slots := phraseSlots(an.Analyze([]byte(n)))
			if len(slots) == 0 {
				continue // a phrase of no terms matches nothing
			}
			p := pattern{actor: canon, slots: slots}
			for _, first := range slots[0] {
				t.byFirst[first] = append(t.byFirst[first], p)
			}
		}
	}
	t.fingerprint = hex.EncodeToString(h.Sum(nil))
	return t, nil
}

// phraseSlots is the phrase a match_phrase query makes of a token stream:
// one slot per position from the first token's to the last's.
func phraseSlots(ts analysis.TokenStream) [][]string {
	if len(ts) == 0 {
		return nil
	}
	first, last := ts[0].Position, ts[0].Position
	for _, tk := range ts {
		first, last = min(first, tk.Position), max(last, tk.Position)
	}
	slots := make([][]string, last-first+1)
	for _, tk := range ts {
		slots[tk.Position-first] = append(slots[tk.Position-first], string(tk.Term))
	}
	return slots
}

// tagged answers whether the tags answer a mention with these names, and
// gives its tag.
func (t *tagger) tagged(names []string) (string, bool) {
	if t == nil || len(names) == 0 {
		return "", false
	}
	canon := strings.ToLower(strings.TrimSpace(names[0]))
	key, ok := t.names[canon]
	if !ok || key == "" || key != nameKey(names) {
		return "", false
	}
	return canon, true
}

// positions indexes a token stream by position.
type positions struct {
	ts analysis.TokenStream
	at []int // position → index in ts + 1; 0: none
}

func byPosition(ts analysis.TokenStream) positions {
	last := 0
	for _, tk := range ts {
		last = max(last, tk.Position)
	}
	p := positions{ts: ts, at: make([]int, last+1)}
	for i, tk := range ts {
		if tk.Position >= 0 && p.at[tk.Position] == 0 {
			p.at[tk.Position] = i + 1
		}
	}
	return p
}

// match calls fn with the tokens of every occurrence of a name in the
// text, for the names of the actors keep allows (nil: every actor).
func (t *tagger) match(text string, keep func(actor string) bool, fn func(actor string, toks []*analysis.Token)) {
	if text == "" {
		return
	}
	ps := byPosition(t.analyzer.Analyze([]byte(text)))
	var toks []*analysis.Token
	for _, tk := range ps.ts {
		for _, p := range t.byFirst[string(tk.Term)] {
			if keep != nil && !keep(p.actor) {
				continue
			}
			toks = toks[:0]
			if ps.matchAt(tk.Position, p.slots, &toks) {
				fn(p.actor, toks)
			}
		}
	}
}

// matchAt reports whether the slots match at position pos, appending the
// matched tokens (not the empty slots') to toks.
func (ps positions) matchAt(pos int, slots [][]string, toks *[]*analysis.Token) bool {
	for i, alts := range slots {
		if len(alts) == 0 {
			continue
		}
		at := pos + i
		if at >= len(ps.at) || ps.at[at] == 0 {
			return false
		}
		tk := ps.ts[ps.at[at]-1]
		found := false
		for _, a := range alts {
			if bytes.Equal(tk.Term, []byte(a)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
		*toks = append(*toks, tk)
	}
	return true
}

// mentions is a statement's mentions tags: the actors its sentence names
// (names, from tagger.named) and those it accuses (extraction's accused,
// which the actors field holds), so that a tag query needs no field that
// articles share.
func (t *tagger) mentions(names []nameMarks, accused []string) []string {
	out := make([]string, 0, len(names)+len(accused))
	for _, n := range names {
		out = append(out, n.Actor)
	}
	for _, a := range accused {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// tags is the distinct actors a text names.
func (t *tagger) tags(text string) []string {
	var out []string
	t.match(text, nil, func(actor string, _ []*analysis.Token) {
		for _, a := range out {
			if a == actor {
				return
			}
		}
		out = append(out, actor)
	})
	return out
}

// marks is the byte ranges, in text, of the terms of every name of the
// given actors that text contains: what a phrase query's locations mark.
func (t *tagger) marks(text string, actors map[string]bool) [][2]int {
	var out [][2]int
	t.match(text, func(a string) bool { return actors[a] }, func(_ string, toks []*analysis.Token) {
		for _, tk := range toks {
			out = append(out, [2]int{tk.Start, tk.End})
		}
	})
	return out
}

// named is, for every actor text names, in the order first named, the
// byte ranges of its names' terms: the distinct actors of tags and the
// marks of marks, from one analysis of the text.
func (t *tagger) named(text string) []nameMarks {
	var out []nameMarks
	t.match(text, nil, func(actor string, toks []*analysis.Token) {
		i := slices.IndexFunc(out, func(n nameMarks) bool { return n.Actor == actor })
		if i < 0 {
			i = len(out)
			out = append(out, nameMarks{Actor: actor})
		}
		for _, tk := range toks {
			out[i].Marks = append(out[i].Marks, [2]int{tk.Start, tk.End})
		}
	})
	return out
}

// storedMarks is what marks finds in a stored hit's sentence, read from
// the names stored with it; ok is false when the hit has none stored (an
// earlier index).
func storedMarks(h storedHit, actors map[string]bool) (out [][2]int, ok bool) {
	if !h.Tagged {
		return nil, false
	}
	for _, n := range h.Names {
		if actors[n.Actor] {
			out = append(out, n.Marks...)
		}
	}
	return out, true
}
