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
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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

// Print is what a statement's wording contributes to the judgement. Its
// word sets are kept in the Grouper's fixed order (see terms).
type Print struct {
	quote   terms    // words inside quotation marks; nil below MinQuoteWords
	words   terms    // content words of the whole sentence
	numbers []string // numbers, sorted, which must agree: "operation 5" is not "operation 6"
}

// term is a word and its hash; terms are a set of words sorted by hash,
// then text, so that two sets meet in one merge and a set's first words
// are its prefix.
type term struct {
	h  uint32
	w  string
	id int32 // the word's id in a Grouper, plus one (0: not looked up yet)
}

type terms []term

func compareTerms(a, b term) int {
	if a.h != b.h { // the text is compared only when the hashes tie
		return cmp.Compare(a.h, b.h)
	}
	return strings.Compare(a.w, b.w)
}

// set sorts and deduplicates ts.
func (ts terms) set() terms {
	slices.SortFunc(ts, compareTerms)
	return slices.CompactFunc(ts, func(a, b term) bool { return a.w == b.w })
}

// common is the number of words in both sets.
func common(a, b terms) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := compareTerms(a[i], b[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Of fingerprints a statement's sentence.
func Of(st news.Statement) Print {
	// about one word in six bytes: the words' slice is made once
	p := Print{words: make(terms, 0, len(st.Sentence)/6+1)}
	inQuote := false
	var word []byte
	start := 0 // where the word began in the sentence
	flush := func(end int) {
		class := classes[string(word)] // word is lower case already
		if len(word) == 0 || class == frameWord {
			word = word[:0]
			return
		}
		// a word written as its print holds it (lower case, a straight
		// apostrophe) is the sentence's own bytes: no copy
		w := st.Sentence[start:end]
		if w != string(word) {
			w = string(word)
		}
		word = word[:0]
		t := term{h: hash(w), w: w}
		if inQuote {
			p.quote = append(p.quote, t)
		}
		if class != stopWord {
			p.words = append(p.words, t)
		}
		if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			p.numbers = append(p.numbers, w)
		}
	}
	for i, r := range st.Sentence {
		if len(word) == 0 {
			start = i
		}
		switch {
		case r == '"' || r == '“' || r == '”' || r == '«' || r == '»':
			flush(i)
			inQuote = !inQuote
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-':
			word = utf8.AppendRune(word, unicode.ToLower(r)) // as strings.ToLower does
		case r == '\'' || r == '’':
			// a possessive or contraction stays in the word
			word = append(word, '\'')
		default:
			flush(i)
		}
	}
	flush(len(st.Sentence))
	p.words = p.words.set()
	if p.quote = p.quote.set(); len(p.quote) < MinQuoteWords {
		p.quote = nil
	}
	slices.Sort(p.numbers)
	p.numbers = slices.Compact(p.numbers)
	return p
}

// Similar reports whether two prints carry the same words: the same
// quotation when both quote one, else near-identical content words.
func (p Print) Similar(q Print) bool {
	if !slices.Equal(p.numbers, q.numbers) {
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

func containment(a, b terms) float64 {
	small := min(len(a), len(b))
	if small == 0 {
		return 0
	}
	return float64(common(a, b)) / float64(small)
}

func jaccard(a, b terms) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := common(a, b)
	return float64(n) / float64(len(a)+len(b)-n)
}

// A word's class: frame is the reporting around a claim, which outlets
// word differently, left out of both prints; stop words carry no claim,
// left out of the content words.
const (
	contentWord = iota
	frameWord
	stopWord
)

var classes = func() map[string]int {
	m := map[string]int{}
	for _, w := range strings.Fields(`said says say saying told tells reporters statement statements according added adding
		spokesman spokeswoman spokesperson spokespeople official officials senior monday tuesday wednesday
		thursday friday saturday sunday today yesterday earlier later on in at a an the`) {
		m[w] = frameWord
	}
	for _, w := range strings.Fields(`and or but of to for with by from that this these those it its it's was were is are be been
		has have had will would could should may might not no as than then there their them they we our us
		he she his her who which what when where also about after before over into against`) {
		if m[w] == contentWord {
			m[w] = stopWord
		}
	}
	return m
}()

// Grouper sorts statements into claims one at a time at a cost that
// follows the claims a statement could belong to, not the square of their
// number. It uses prefix filtering, exact for the thresholds above: with
// the words of a print in one fixed order, two prints whose content words
// reach WordsJaccard share a word among the first n-ceil(WordsJaccard·n)+1
// of each, and a quotation held at QuoteContainment by another shares a
// word of its own first n-ceil(QuoteContainment·n)+1 with all of the
// other's. The words are keyed with what Compatible and Similar require to
// be equal or to overlap (the numbers, the kind, and a speaker country or
// the speaker), so only the claims found that way are judged. Claims keep
// the order in which they were first seen.
//
// The order is by hash unless Group fixed it first: then the words the
// statements to come share least come first, so that a word they all carry
// (a search's own words, in every hit) is in no prefix and does not make
// every claim a candidate. Which claim a statement joins does not depend on
// the order, only the cost of finding it.
type Grouper struct {
	claims      []group
	byPrefix    map[key][]int // party + content word in a claim's content prefix
	byQuote     map[key][]int // party + any word of a claim's quotation
	byQuoteHead map[key][]int // party + word in a claim's quotation prefix
	marks       []uint32      // per claim: the find call that last took it as a candidate
	call        uint32        //

	// Words and parties are looked up as numbers: keys of two small
	// integers hash faster than keys of two strings.
	ids     map[string]int32 // word → id
	parties map[string]int32 // party key → id
	freq    []int32          // per word id, set by prepare (Group): in how many of its statements the word occurs
	ranked  []rankedTerm     // scratch for prefix
	buf     []byte           // scratch for party keys
}

// rankedTerm is a term's count, place in its print and id.
type rankedTerm struct{ n, i, id int32 }

// prepare fixes the Grouper's word order from the prints of the
// statements it will be given: rarer words first. It must come before the
// first Add; later it does nothing.
func (g *Grouper) prepare(prints []Print) {
	if len(g.claims) > 0 || g.freq != nil {
		return
	}
	g.freq = []int32{}
	for _, p := range prints {
		for i := range p.words {
			t := &p.words[i]
			t.id = g.id(t.w) + 1
			g.freq[t.id-1]++
		}
		for i := range p.quote {
			t := &p.quote[i]
			t.id = g.id(t.w) + 1
			if _, in := slices.BinarySearchFunc(p.words, *t, compareTerms); !in {
				g.freq[t.id-1]++
			}
		}
	}
}

// idOf is t's word's id.
func (g *Grouper) idOf(t term) int32 {
	if t.id > 0 {
		return t.id - 1
	}
	return g.id(t.w)
}

// id is w's number, given w on first sight.
func (g *Grouper) id(w string) int32 {
	if id, ok := g.ids[w]; ok {
		return id
	}
	if g.ids == nil {
		g.ids = map[string]int32{}
	}
	id := int32(len(g.ids))
	g.ids[w] = id
	if g.freq != nil {
		g.freq = append(g.freq, 0)
	}
	return id
}

// Group puts sts (each from the article of the same index) into claims on
// a fresh Grouper whose word order is fixed from sts themselves, rarest
// first (see Grouper), and returns each statement's claim number. Each
// statement's print is made once.
func Group(sts []news.Statement, articles []string) []int {
	var g Grouper
	prints := printsOf(sts)
	// sized for what the statements hold, so that the maps do not grow
	// (and rehash) as they fill: every word, for a page of hits; for a
	// long list, where words repeat, four to a statement. A statement
	// files under two parties or more (its countries, its speaker).
	words := 0
	for _, p := range prints {
		words += len(p.words) + len(p.quote)
	}
	g.ids = make(map[string]int32, min(words, 4*len(sts)+1024))
	g.parties = make(map[string]int32, 2*len(sts))
	g.prepare(prints)
	g.byPrefix, g.byQuote, g.byQuoteHead = make(map[key][]int, 8*len(sts)), make(map[key][]int, len(sts)), make(map[key][]int, len(sts))
	out := make([]int, len(sts))
	for i, st := range sts {
		out[i] = g.add(st, prints[i], articles[i])
	}
	return out
}

// parallelPrints is the fewest statements whose prints printsOf makes on
// more than one core.
const parallelPrints = 1024

// printsOf is the print of each statement, made on every core when there
// are many: Of is a pure function of one statement.
func printsOf(sts []news.Statement) []Print {
	out := make([]Print, len(sts))
	workers := min(runtime.GOMAXPROCS(0), len(sts)/(parallelPrints/2))
	if workers <= 1 {
		for i, st := range sts {
			out[i] = Of(st)
		}
		return out
	}
	chunk := (len(sts) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(sts); lo += chunk {
		hi := min(lo+chunk, len(sts))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				out[i] = Of(sts[i])
			}
		})
	}
	wg.Wait()
	return out
}

// key is a party (see partyKey) and a word, by their ids.
type key struct{ party, word int32 }

type group struct {
	first    news.Statement
	print    Print
	articles []string // few: a claim is carried by a handful of outlets
}

// words is a print's words as the Grouper looks them up, by id.
type words struct {
	prefix    []int32 // content prefix
	quote     []int32 // the whole quotation, in order
	quoteHead []int32 // quotation prefix
}

func (g *Grouper) wordsOf(p Print) words {
	quote := make([]int32, len(p.quote))
	for i, t := range p.quote {
		quote[i] = g.idOf(t)
	}
	return words{prefix: g.prefix(p.words, WordsJaccard, MinWords), quote: quote, quoteHead: g.prefix(p.quote, QuoteContainment, MinQuoteWords)}
}

// Parties: a claim's first statement is filed under each of its speaker
// countries and under its speaker; one without countries also under
// "speaker, no country". A statement with countries looks under its
// countries and among the claims without countries under its speaker; one
// without looks under its speaker. That is every claim Compatible can
// accept (countries overlap when both have them, else the speakers are
// equal), and the kind and numbers are in every key.
func (g *Grouper) party(kind news.Kind, nums, tag, name string) int32 {
	b := append(g.buf[:0], nums...)
	b = append(b, kind...)
	b = append(b, 0)
	b = append(b, tag...)
	b = append(b, strings.ToLower(strings.TrimSpace(name))...)
	b = append(b, 0)
	g.buf = b
	if id, ok := g.parties[string(b)]; ok {
		return id
	}
	if g.parties == nil {
		g.parties = map[string]int32{}
	}
	id := int32(len(g.parties))
	g.parties[string(b)] = id
	return id
}

func (g *Grouper) filed(st news.Statement, nums string) []int32 {
	keys := make([]int32, 0, len(st.SpeakerCountry)+2)
	for _, c := range st.SpeakerCountry {
		keys = append(keys, g.party(st.Kind, nums, "c:", c))
	}
	keys = append(keys, g.party(st.Kind, nums, "s:", st.Speaker))
	if len(st.SpeakerCountry) == 0 {
		keys = append(keys, g.party(st.Kind, nums, "n:", st.Speaker))
	}
	return keys
}

func (g *Grouper) looked(st news.Statement, nums string) []int32 {
	if len(st.SpeakerCountry) == 0 {
		return []int32{g.party(st.Kind, nums, "s:", st.Speaker)}
	}
	keys := make([]int32, 0, len(st.SpeakerCountry)+1)
	for _, c := range st.SpeakerCountry {
		keys = append(keys, g.party(st.Kind, nums, "c:", c))
	}
	return append(keys, g.party(st.Kind, nums, "n:", st.Speaker))
}

// Find is the claim that st, from article, reports among those added (the
// earliest added that matches), or -1. A claim never takes a second
// statement of an article it already has.
func (g *Grouper) Find(st news.Statement, article string) int {
	p := Of(st)
	return g.find(st, p, g.wordsOf(p), g.looked(st, numberKey(p)), article)
}

func (g *Grouper) find(st news.Statement, p Print, w words, parties []int32, article string) int {
	if len(g.claims) == 0 {
		return -1
	}
	g.call++
	if g.call == 0 { // wrapped: forget every mark
		clear(g.marks)
		g.call = 1
	}
	var cands []int
	add := func(m map[key][]int, ws []int32) {
		for _, party := range parties {
			for _, w := range ws {
				for _, c := range m[key{party, w}] {
					if g.marks[c] != g.call {
						g.marks[c] = g.call
						cands = append(cands, c)
					}
				}
			}
		}
	}
	add(g.byPrefix, w.prefix)
	add(g.byQuote, w.quoteHead)
	add(g.byQuoteHead, w.quote)
	slices.Sort(cands)
	for _, c := range cands {
		gr := &g.claims[c]
		if slices.Contains(gr.articles, article) || !Compatible(gr.first, st) || !gr.print.Similar(p) {
			continue
		}
		return c
	}
	return -1
}

// Add puts st, from article, into the claim it reports (Find) or a new one,
// and returns the claim's number (0, 1, … in first-seen order).
func (g *Grouper) Add(st news.Statement, article string) int {
	return g.add(st, Of(st), article)
}

func (g *Grouper) add(st news.Statement, p Print, article string) int {
	w := g.wordsOf(p)
	nums := numberKey(p)
	if c := g.find(st, p, w, g.looked(st, nums), article); c >= 0 {
		g.claims[c].articles = append(g.claims[c].articles, article)
		return c
	}
	if g.byPrefix == nil {
		g.byPrefix, g.byQuote, g.byQuoteHead = map[key][]int{}, map[key][]int{}, map[key][]int{}
	}
	c := len(g.claims)
	g.claims = append(g.claims, group{first: st, print: p, articles: []string{article}})
	g.marks = append(g.marks, 0)
	for _, party := range g.filed(st, nums) {
		for _, x := range w.prefix {
			g.byPrefix[key{party, x}] = append(g.byPrefix[key{party, x}], c)
		}
		for _, x := range w.quote {
			g.byQuote[key{party, x}] = append(g.byQuote[key{party, x}], c)
		}
		for _, x := range w.quoteHead {
			g.byQuoteHead[key{party, x}] = append(g.byQuoteHead[key{party, x}], c)
		}
	}
	return c
}

// numberKey is the print's numbers as a key prefix.
func numberKey(p Print) string {
	return strings.Join(p.numbers, ",") + "\x00"
}

// prefix is the ids of the first n-ceil(t·n)+1 words of ts in the
// Grouper's order (none below min words): ts's own (by hash), or rarest
// first once prepare counted the words (then by hash among equals).
func (g *Grouper) prefix(ts terms, t float64, minWords int) []int32 {
	n := len(ts)
	if n < minWords {
		return nil
	}
	k := max(1, min(n-int(math.Ceil(t*float64(n)))+1, n))
	out := make([]int32, k)
	if g.freq == nil {
		for i := range out {
			out[i] = g.idOf(ts[i])
		}
		return out
	}
	// rarest first, then in the terms' own order (ts is sorted)
	rs := g.ranked[:0]
	for i, t := range ts {
		id := g.idOf(t)
		rs = append(rs, rankedTerm{g.freq[id], int32(i), id})
	}
	g.ranked = rs
	slices.SortFunc(rs, func(a, b rankedTerm) int { return cmp.Or(cmp.Compare(a.n, b.n), cmp.Compare(a.i, b.i)) })
	for i := range out {
		out[i] = rs[i].id
	}
	return out
}

// hash is 32-bit FNV-1a.
func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
