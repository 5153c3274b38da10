// Package claims owns the judgement that two statements from different
// articles report one claim: the same kind, from the same government (or
// the same named speaker), about overlapping accused, in the same quoted
// words or near-identical wording. Search, show and digests use it to list
// such a claim once with every outlet that carried it.
//
// claims imports only news. The judgement is a few named thresholds over
// word sets, not a model: wording that agencies rewrite is not matched,
// and two different claims in one sentence shape may be (the thresholds
// keep that rare on press copy).
package claims

import (
	"cmp"
	"hash/fnv"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/newsdesk/newsdesk/news"
)

// Thresholds.
const (
	// MinQuoteWords is the shortest quotation that identifies a claim.
	MinQuoteWords = 4
	// QuoteContainment is the share of the shorter quotation's words the
	// longer one must hold (outlets cut quotations at different places).
	QuoteContainment = 0.8
	// WordsJaccard is the overlap of content words two unquoted sentences
	// need, and MinWords the content words each must have: short
	// sentences that differ in one word are different claims.
	WordsJaccard = 0.75
	MinWords     = 5
)

// Print is what a statement's wording contributes to the judgement.
type Print struct {
	quote   map[string]bool // words inside quotation marks
	words   map[string]bool // content words of the whole sentence
	numbers map[string]bool // numbers, which must agree: "operation 5" is not "operation 6"
}

// Of fingerprints a statement's sentence.
func Of(st news.Statement) Print {
	p := Print{quote: map[string]bool{}, words: map[string]bool{}, numbers: map[string]bool{}}
	inQuote := false
	var word strings.Builder
	flush := func() {
		w := strings.ToLower(word.String())
		word.Reset()
		if w == "" || frame[w] {
			return
		}
		if inQuote {
			p.quote[w] = true
		}
		if !stop[w] {
			p.words[w] = true
		}
		if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			p.numbers[w] = true
		}
	}
	for _, r := range st.Sentence {
		switch {
		case r == '"' || r == '“' || r == '”' || r == '«' || r == '»':
			flush()
			inQuote = !inQuote
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-':
			word.WriteRune(r)
		case r == '\'' || r == '’':
			// a possessive or contraction stays in the word
			word.WriteRune('\'')
		default:
			flush()
		}
	}
	flush()
	if len(p.quote) < MinQuoteWords {
		p.quote = nil
	}
	return p
}

// Similar reports whether two prints carry the same words: the same
// quotation when both quote one, else near-identical content words.
func (p Print) Similar(q Print) bool {
	if !maps.Equal(p.numbers, q.numbers) {
		return false
	}
	if p.quote != nil && q.quote != nil {
		return containment(p.quote, q.quote) >= QuoteContainment
	}
	if len(p.words) < MinWords || len(q.words) < MinWords {
		return false
	}
	return jaccard(p.words, q.words) >= WordsJaccard
}

// Same reports whether a and b report one claim.
func Same(a, b news.Statement) bool {
	return Compatible(a, b) && Of(a).Similar(Of(b))
}

// Compatible reports whether a and b could be one claim whatever their
// wording: the same kind, the same government or speaker, and accused
// that overlap (or are missing on one side).
func Compatible(a, b news.Statement) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch {
	case len(a.SpeakerCountry) > 0 && len(b.SpeakerCountry) > 0:
		if !overlap(a.SpeakerCountry, b.SpeakerCountry) {
			return false
		}
	case !strings.EqualFold(strings.TrimSpace(a.Speaker), strings.TrimSpace(b.Speaker)):
		return false
	}
	if len(a.Accused) > 0 && len(b.Accused) > 0 && !overlap(a.Accused, b.Accused) {
		return false
	}
	return true
}

func overlap(a, b []string) bool {
	return slices.ContainsFunc(a, func(x string) bool {
		return slices.ContainsFunc(b, func(y string) bool { return strings.EqualFold(x, y) })
	})
}

func containment(a, b map[string]bool) float64 {
	small, big := a, b
	if len(big) < len(small) {
		small, big = big, small
	}
	if len(small) == 0 {
		return 0
	}
	n := 0
	for w := range small {
		if big[w] {
			n++
		}
	}
	return float64(n) / float64(len(small))
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for w := range a {
		if b[w] {
			n++
		}
	}
	return float64(n) / float64(len(a)+len(b)-n)
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var (
	// frame is the reporting around a claim, which outlets word
	// differently: left out of both prints.
	frame = set(`said says say saying told tells reporters statement statements according added adding
		spokesman spokeswoman spokesperson spokespeople official officials senior monday tuesday wednesday
		thursday friday saturday sunday today yesterday earlier later on in at a an the`)
	// stop words carry no claim: left out of the content words.
	stop = set(`and or but of to for with by from that this these those it its it's was were is are be been
		has have had will would could should may might not no as than then there their them they we our us
		he she his her who which what when where also about after before over into against`)
)

// Grouper sorts statements into claims one at a time at a cost that
// follows the claims a statement could belong to, not the square of their
// number. It uses prefix filtering, exact for the thresholds above: with
// the words of a print in one fixed order, two prints whose content words
// reach WordsJaccard share a word among the first n-ceil(WordsJaccard·n)+1
// of each, and a quotation held at QuoteContainment by another shares a
// word of its own first n-ceil(QuoteContainment·n)+1 with all of the
// other's. Only the claims found that way are judged, and only those with
// the same numbers. Claims keep the order in which they were first seen.
//
// The order is by hash unless Prepare fixed it first: then the words the
// statements to come share least come first, so that a word they all carry
// (a search's own words, in every hit) is in no prefix and does not make
// every claim a candidate. Which claim a statement joins does not depend on
// the order, only the cost of finding it.
type Grouper struct {
	claims      []group
	byPrefix    map[string][]int // numbers + content word in a claim's content prefix
	byQuote     map[string][]int // numbers + any word of a claim's quotation
	byQuoteHead map[string][]int // numbers + word in a claim's quotation prefix
	freq        map[string]int   // set by Prepare: in how many of its statements a word occurs
}

// Prepare fixes the Grouper's word order from the statements it will be
// given (or a sample of them): rarer words first. It must come before the
// first Add; later it does nothing.
func (g *Grouper) Prepare(sts []news.Statement) {
	if len(g.claims) > 0 || g.freq != nil {
		return
	}
	g.freq = map[string]int{}
	for _, st := range sts {
		p := Of(st)
		for w := range p.words {
			g.freq[w]++
		}
		for w := range p.quote {
			if !p.words[w] {
				g.freq[w]++
			}
		}
	}
}

type group struct {
	first    news.Statement
	print    Print
	articles map[string]bool
}

// Find is the claim that st, from article, reports among those added (the
// earliest added that matches), or -1. A claim never takes a second
// statement of an article it already has.
func (g *Grouper) Find(st news.Statement, article string) int {
	return g.find(st, Of(st), article)
}

func (g *Grouper) find(st news.Statement, p Print, article string) int {
	nums := numberKey(p)
	seen := map[int]bool{}
	var cands []int
	add := func(m map[string][]int, words []string) {
		for _, w := range words {
			for _, c := range m[nums+w] {
				if !seen[c] {
					seen[c] = true
					cands = append(cands, c)
				}
			}
		}
	}
	add(g.byPrefix, g.prefix(p.words, WordsJaccard, MinWords))
	add(g.byQuote, g.prefix(p.quote, QuoteContainment, MinQuoteWords))
	add(g.byQuoteHead, g.ordered(p.quote))
	slices.Sort(cands)
	for _, c := range cands {
		gr := g.claims[c]
		if gr.articles[article] || !Compatible(gr.first, st) || !gr.print.Similar(p) {
			continue
		}
		return c
	}
	return -1
}

// Add puts st, from article, into the claim it reports (Find) or a new one,
// and returns the claim's number (0, 1, … in first-seen order).
func (g *Grouper) Add(st news.Statement, article string) int {
	p := Of(st)
	if c := g.find(st, p, article); c >= 0 {
		g.claims[c].articles[article] = true
		return c
	}
	if g.byPrefix == nil {
		g.byPrefix, g.byQuote, g.byQuoteHead = map[string][]int{}, map[string][]int{}, map[string][]int{}
	}
	c := len(g.claims)
	g.claims = append(g.claims, group{first: st, print: p, articles: map[string]bool{article: true}})
	nums := numberKey(p)
	for _, w := range g.prefix(p.words, WordsJaccard, MinWords) {
		g.byPrefix[nums+w] = append(g.byPrefix[nums+w], c)
	}
	for _, w := range g.ordered(p.quote) {
		g.byQuote[nums+w] = append(g.byQuote[nums+w], c)
	}
	for _, w := range g.prefix(p.quote, QuoteContainment, MinQuoteWords) {
		g.byQuoteHead[nums+w] = append(g.byQuoteHead[nums+w], c)
	}
	return c
}

// numberKey is the print's numbers, sorted, as a key prefix.
func numberKey(p Print) string {
	ns := slices.Sorted(maps.Keys(p.numbers))
	return strings.Join(ns, ",") + "\x00"
}

// ordered is the words in the Grouper's fixed order: by frequency among
// the prepared statements (unprepared words and Groupers count 0), then FNV
// hash, then text.
func (g *Grouper) ordered(words map[string]bool) []string {
	out := slices.Collect(maps.Keys(words))
	slices.SortFunc(out, func(a, b string) int {
		if fa, fb := g.freq[a], g.freq[b]; fa != fb {
			return cmp.Compare(fa, fb)
		}
		if ha, hb := hash(a), hash(b); ha != hb {
			return cmp.Compare(ha, hb)
		}
		return strings.Compare(a, b)
	})
	return out
}

// prefix is the first n-ceil(t·n)+1 words in order (none below min words).
func (g *Grouper) prefix(words map[string]bool, t float64, minWords int) []string {
	n := len(words)
	if n < minWords {
		return nil
	}
	k := n - int(math.Ceil(t*float64(n))) + 1
	return g.ordered(words)[:max(1, min(k, n))]
}

func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}
