package actors

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/news"
)

//go:embed data/actors.json
var embedded []byte

// Notice is MITRE's ATT&CK licence notice, which must travel with the data.
//
//go:embed NOTICE
var Notice string

// Campaign is a MITRE ATT&CK campaign attributed to an actor.
type Campaign struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	FirstSeen string `json:"first_seen,omitempty"` // YYYY-MM-DD
	LastSeen  string `json:"last_seen,omitempty"`
}

type record struct {
	news.Actor
	MitreID   string     `json:"mitre_id,omitempty"`
	Campaigns []Campaign `json:"campaigns,omitempty"`
}

type file struct {
	Notice      string   `json:"notice"`
	Attribution string   `json:"attribution"`
	Provenance  []string `json:"provenance"`
	Rule        string   `json:"canonical_name_rule"`
	Actors      []record `json:"actors"`
}

// Gazetteer resolves actor names. It is immutable and safe for concurrent use.
type Gazetteer struct {
	actors      []record
	attribution string
	byKey       map[string]int       // normalised name or alias -> index
	scan        map[string][]pattern // first token (lower case) -> patterns, longest first
	suggest     []suggestion         // sorted by key
}

type pattern struct {
	exact  string   // if set, the text must be exactly this (case-sensitive)
	tokens []string // lower-case tokens after the first... all tokens, lower case
	actor  int
}

type suggestion struct {
	key     string
	display string
	actor   int
	canon   bool
}

// Mention is one occurrence of an actor's name or alias in text (see
// news.Mention).
type Mention = news.Mention

// Default returns the gazetteer built from the embedded data, parsed once.
var Default = sync.OnceValue(func() *Gazetteer {
	g, err := Parse(embedded)
	if err != nil {
		panic(fmt.Sprintf("actors: embedded data/actors.json is corrupt (regenerate with go generate ./actors): %v", err))
	}
	return g
})

// Parse builds a gazetteer from data in the data/actors.json format.
func Parse(data []byte) (*Gazetteer, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse gazetteer: %w", err)
	}
	if !strings.Contains(f.Notice, "The MITRE Corporation") {
		return nil, fmt.Errorf("parse gazetteer: the MITRE licence notice is missing")
	}
	if len(f.Actors) == 0 {
		return nil, fmt.Errorf("parse gazetteer: no actors")
	}
	g := &Gazetteer{actors: f.Actors, attribution: f.Attribution, byKey: map[string]int{}, scan: map[string][]pattern{}}
	for i, a := range f.Actors {
		if a.Name == "" {
			return nil, fmt.Errorf("parse gazetteer: actor %d has no name", i)
		}
		for j, n := range append([]string{a.Name}, a.Aliases...) {
			k := key(n)
			if k == "" {
				continue
			}
			if prev, dup := g.byKey[k]; dup {
				if prev != i {
					return nil, fmt.Errorf("parse gazetteer: %q names both %q and %q", n, f.Actors[prev].Name, a.Name)
				}
				continue
			}
			g.byKey[k] = i
			g.suggest = append(g.suggest, suggestion{key: k, display: n, actor: i, canon: j == 0})
			for _, v := range scanForms(n) {
				toks := tokens(v)
				g.scan[toks[0]] = append(g.scan[toks[0]], pattern{tokens: toks, actor: i})
			}
			if isAcronym(n) && isAgency(a.Actor) {
				// "GRU", "MSS": too short to scan case-blind, but as
				// written in capitals they name the agency
				toks := tokens(n)
				g.scan[toks[0]] = append(g.scan[toks[0]], pattern{tokens: toks, actor: i, exact: n})
			}
		}
	}
	for k, ps := range g.scan {
		slices.SortStableFunc(ps, func(a, b pattern) int { return len(b.tokens) - len(a.tokens) })
		g.scan[k] = ps
	}
	slices.SortFunc(g.suggest, func(a, b suggestion) int { return strings.Compare(a.key, b.key) })
	return g, nil
}

// Attribution is the MISP courtesy attribution carried with the data.
func (g *Gazetteer) Attribution() string { return g.attribution }

func (g *Gazetteer) actor(i int) news.Actor {
	a := g.actors[i].Actor
	a.Aliases = slices.Clone(a.Aliases)
	a.References = slices.Clone(a.References)
	a.Sources = slices.Clone(a.Sources)
	return a
}

// Lookup resolves a canonical name or any alias, ignoring case, spaces and
// punctuation: "violet typhoon", "ZIRCONIUM", "apt 31" and "APT-31" all give
// APT31.
func (g *Gazetteer) Lookup(name string) (news.Actor, bool) {
	i, ok := g.byKey[key(name)]
	if !ok {
		return news.Actor{}, false
	}
	return g.actor(i), true
}

// Campaigns lists the MITRE ATT&CK campaigns attributed to the actor that
// name resolves to.
func (g *Gazetteer) Campaigns(name string) []Campaign {
	i, ok := g.byKey[key(name)]
	if !ok {
		return nil
	}
	return slices.Clone(g.actors[i].Campaigns)
}

// All returns every actor, sorted by canonical name (case-insensitively).
func (g *Gazetteer) All() []news.Actor {
	out := make([]news.Actor, len(g.actors))
	for i := range g.actors {
		out[i] = g.actor(i)
	}
	return out
}

// Suggest returns up to n names starting with prefix (compared like Lookup),
// for autocomplete: canonical names first, then aliases; within each, actors
// documented by MITRE ATT&CK first, then shorter, then alphabetical. Every
// string returned resolves with Lookup. An empty prefix suggests canonical
// names of ATT&CK groups.
func (g *Gazetteer) Suggest(prefix string, n int) []string {
	if n <= 0 {
		return nil
	}
	p := key(prefix)
	lo, _ := slices.BinarySearchFunc(g.suggest, p, func(s suggestion, p string) int { return strings.Compare(s.key, p) })
	var cands []suggestion
	for i := lo; i < len(g.suggest) && strings.HasPrefix(g.suggest[i].key, p); i++ {
		s := g.suggest[i]
		if p == "" && (!s.canon || g.actors[s.actor].MitreID == "") {
			continue
		}
		cands = append(cands, s)
	}
	slices.SortStableFunc(cands, func(a, b suggestion) int {
		if a.canon != b.canon {
			if a.canon {
				return -1
			}
			return 1
		}
		am, bm := g.actors[a.actor].MitreID != "", g.actors[b.actor].MitreID != ""
		if am != bm {
			if am {
				return -1
			}
			return 1
		}
		if len(a.key) != len(b.key) {
			return len(a.key) - len(b.key)
		}
		return strings.Compare(strings.ToLower(a.display), strings.ToLower(b.display))
	})
	out := make([]string, 0, min(n, len(cands)))
	for _, s := range cands {
		if len(out) == n {
			break
		}
		out = append(out, s.display)
	}
	return out
}

// Find returns the mentions of actor names and aliases in text, in order:
// whole words (case-insensitive), the longest match at each position,
// non-overlapping. Invalid UTF-8 is tolerated.
func (g *Gazetteer) Find(text string) []Mention {
	var out []Mention
	var toks []tok
	var buf []byte
	toks = tokenize(text, toks[:0])
	for i := 0; i < len(toks); {
		buf = lowerInto(buf[:0], text[toks[i].start:toks[i].end])
		ps := g.scan[string(buf)]
		best, bestLen := -1, 0
		for _, p := range ps {
			if len(p.tokens) <= bestLen || i+len(p.tokens) > len(toks) {
				continue
			}
			ok := p.exact == "" || text[toks[i].start:toks[i+len(p.tokens)-1].end] == p.exact
			for j := 1; ok && j < len(p.tokens); j++ {
				if !equalFoldLower(text[toks[i+j].start:toks[i+j].end], p.tokens[j]) {
					ok = false
					break
				}
			}
			if ok {
				best, bestLen = p.actor, len(p.tokens)
				break // patterns are longest first
			}
		}
		if best < 0 {
			i++
			continue
		}
		start, end := toks[i].start, toks[i+bestLen-1].end
		out = append(out, Mention{Actor: g.actor(best), Start: start, End: end, Text: text[start:end]})
		i += bestLen
	}
	return out
}

type tok struct{ start, end int }

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// tokenize splits text into maximal runs of letters and digits.
func tokenize(text string, out []tok) []tok {
	start := -1
	for i := 0; i < len(text); {
		c := text[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		word := c < utf8.RuneSelf && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') ||
			c >= utf8.RuneSelf && r != utf8.RuneError && isWordRune(r)
		if word {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			out = append(out, tok{start, i})
			start = -1
		}
		i += size
	}
	if start >= 0 {
		out = append(out, tok{start, len(text)})
	}
	return out
}

func tokens(s string) []string {
	var out []string
	for _, t := range tokenize(s, nil) {
		out = append(out, strings.ToLower(s[t.start:t.end]))
	}
	return out
}

func lowerInto(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return append(buf[:0], strings.ToLower(s)...)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

func equalFoldLower(s, lower string) bool {
	if len(s) != len(lower) {
		return strings.ToLower(s) == lower
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(s) == lower
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// key normalises a name for Lookup: lower-case letters and digits only.
func key(s string) string {
	var b strings.Builder
	for _, r := range s {
		if isWordRune(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// scanForms returns the spellings of a name to look for in prose: none for
// unsafe names, and "APT 31" besides "APT31".
// AgencySource marks the gazetteer's state agencies (GRU, MSS, ...).
const AgencySource = "newsdesk state agencies (actors/internal/build.StateAgencies)"

func isAgency(a news.Actor) bool { return slices.Contains(a.Sources, AgencySource) }

// isAcronym: two to five capital letters, nothing else.
func isAcronym(s string) bool {
	if len(s) < 2 || len(s) > 5 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func scanForms(name string) []string {
	k := key(name)
	if utf8.RuneCountInString(k) < 4 || stoplist[k] || len(tokens(name)) == 0 {
		return nil
	}
	if strings.HasPrefix(k, "apt") && len(k) > 3 && strings.Trim(k[3:], "0123456789") == "" {
		return []string{name, "APT " + k[3:]}
	}
	// a single word of letters then digits is also written with a space:
	// "Anonymous64" / "Anonymous 64", "TA505" / "TA 505"
	if toks := tokens(name); len(toks) == 1 {
		if i := strings.IndexAny(name, "0123456789"); i >= 2 && strings.Trim(name[i:], "0123456789") == "" && strings.Trim(strings.ToLower(name[:i]), "abcdefghijklmnopqrstuvwxyz") == "" {
			return []string{name, name[:i] + " " + name[i:]}
		}
	}
	return []string{name}
}

// stoplist holds names and aliases (as keys) that are ordinary words or
// otherwise common in news prose; they are not scanned for.
var stoplist = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
	alibaba anonymous armageddon basin butterfly calcium cardinal castle chimera cicada cleaver cobalt copper
	dune elfin equation gorilla helium inception indra kairos krypton lead lexus machete mantis mask mercury
	mirage moonlight nickel nitro oxygen pickaxe pioneer platinum play plutonium polaris polonium potassium
	radium reaper scarab silence silicon snake sodium summit superman tick trident venom voyeur watchdog
	wraith zinc boron bromine aluminum aluminium chromium cerium sauron hezb infy luder pupa sima madi nian
	mimo kazu hagga danti orova sarit sayad scimitar topgear unknown foudre patchwork vermin strider
	callisto calypso triton medusa`) {
		m[w] = true
	}
	return m
}()
