package extract

import (
	"slices"
	"strings"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/news"
)

type entSpan struct {
	t0, t1 int // token range [t0, t1)
	ent    entity
}

type cueSpan struct {
	t0, t1   int
	class    cclass
	negated  bool
	cond     bool // after if, whether, would, could: an act that may not happen
	hypo     bool // after if, whether: an accusation that is not made
	verb     bool
	lowerKey string
}

// sent is one analysed sentence.
type sent struct {
	text  string
	toks  []token
	ents  []entSpan
	entAt []int // token -> index in ents or -1
	cues  []cueSpan
	stop  int // where the last leftSubjectCo stopped skipping
	// the previous sentence spoke of cyber matters: "It described how the
	// group compromised networks. The minister said it was a pattern of
	// behaviour by China."
	prevCyber bool

	// mentions of gazetteer actors, found once per sentence (mentionsOf)
	mentions      []news.Mention
	mentionsFound bool

	// whether the sentence speaks of cyber matters, decided once (cyber)
	isCyber, cyberKnown bool

	authority uint8 // designationSanction: 0 unknown, 1 a sanctioning authority is named, 2 none
}

func analyse(text string) *sent {
	s := &sent{text: text, toks: tokenize(text)}
	s.entAt = make([]int, len(s.toks))
	for i := range s.entAt {
		s.entAt[i] = -1
	}
	// entities: longest phrase at each word, words joined only by nothing or hyphens
	for i := 0; i < len(s.toks); i++ {
		t := s.toks[i]
		if !t.word {
			continue
		}
		for _, p := range lex.first[t.lower] {
			end, ok := s.matchWords(i, p.toks)
			if !ok {
				continue
			}
			if p.ent.exact != "" && s.text[t.start:s.toks[end-1].end] != p.ent.exact {
				continue
			}
			s.ents = append(s.ents, entSpan{i, end, p.ent})
			for k := i; k < end; k++ {
				s.entAt[k] = len(s.ents) - 1
			}
			i = end - 1
			break
		}
	}
	// cues, outside entities
	ifSeen, hypo := false, false
	for i := 0; i < len(s.toks); i++ {
		t := s.toks[i]
		if !t.word || s.entAt[i] >= 0 {
			continue
		}
		if t.lower == "if" || t.lower == "would" || t.lower == "could" || t.lower == "whether" {
			ifSeen = true
			hypo = hypo || t.lower != "would" && t.lower != "could"
		}
		for _, c := range cues[t.lower] {
			end, ok := s.matchWords(i, c.toks)
			if !ok || c.class == cAct && t.lower == "wanted" && !s.wantedAsAct(i) || !s.cueSense(c, i, end) {
				continue
			}
			cs := cueSpan{t0: i, t1: end, class: c.class, cond: ifSeen, hypo: hypo, lowerKey: t.lower, verb: c.verb}
			if c.class == cPred && linkVerbs[t.lower] && s.activeLink(i) {
				// "CERT-UA has linked the attacks to UAC-0219": an accusing
				// verb whose subject speaks, not "a group linked to Russia"
				cs.class, cs.verb = cAccuse, true
			}
			cs.negated = s.negatedAt(i)
			s.cues = append(s.cues, cs)
			i = end - 1
			break
		}
	}
	return s
}

// linkVerbs attribute when used actively: "X linked/tied/traced Y to Z".
var linkVerbs = set("links link linked linking tied ties tying traced traces trace tracing connected connects connecting")

var beWords = set("is are was were be been being 's am")

// activeLink: a link verb at i with an object before its "to" ("has linked
// the attacks to", "traced the intrusion back to"), not a participle ("a
// group linked to", "were tied to").
func (s *sent) activeLink(i int) bool {
	if _, pw := s.prevWord(i); beWords[pw] {
		return false
	}
	k, nw := s.nextWord(i + 1)
	if k < 0 || nw == "to" || nw == "with" || nw == "by" || nw == "back" || nw == "in" {
		return false
	}
	for m, n := k+1, 0; m < len(s.toks) && n < 15; m++ {
		t := s.toks[m]
		if !t.word {
			if t.lower == ";" || t.lower == ":" {
				return false
			}
			continue
		}
		n++
		if t.lower == "to" {
			return true
		}
	}
	return false
}

// matchWords matches lower-case words starting at token i; it returns the
// end token index.
func (s *sent) matchWords(i int, words []string) (int, bool) {
	k := i
	for n, w := range words {
		if n > 0 {
			// allow hyphens between words
			for k < len(s.toks) && (s.toks[k].lower == "-" || s.toks[k].lower == "‑") {
				k++
			}
		}
		if k >= len(s.toks) || !s.toks[k].word || s.toks[k].lower != w {
			return 0, false
		}
		k++
	}
	return k, true
}

func (s *sent) negatedAt(i int) bool {
	n := 0
	for j := i - 1; j >= 0 && n < 7; j-- {
		t := s.toks[j]
		if !t.word {
			if t.lower == "," || t.lower == ";" {
				break
			}
			continue
		}
		n++
		switch t.lower {
		case "formerly":
			return true // "formerly designated": no longer
		case "not", "'t", "no", "never", "nothing", "without", "neither", "nor":
			// "not ruling out further actions to hold X accountable" is
			// a double negative
			if k, w := s.nextWord(j + 1); k >= 0 && k < i && (w == "ruling" || w == "rule" || w == "ruled" || w == "rules") {
				if _, w2 := s.nextWord(k + 1); w2 == "out" {
					return false
				}
			}
			return true
		}
	}
	return false
}

func (s *sent) ent(i int) *entSpan {
	if i < 0 || i >= len(s.toks) || s.entAt[i] < 0 {
		return nil
	}
	return &s.ents[s.entAt[i]]
}

// span of tokens naming a speaker
type span struct{ t0, t1 int }

const (
	subjNone = iota
	subjSpan
	subjFirst // we, I
	subjThird // he, she, they
)

var lightVerbs = set(`imposed imposing impose imposes slapped levied placed brought filed announced announcing announces issued issuing unveiled rolled extended
	expanded signed authorizing authorized approved offered offering unsealed unsealing responded retaliated adopted adopt adopts levelled leveled
	lodged lodge lodges lodging made make makes`)

var partnerLead = set("with alongside partnership together along joined coordination conjunction")

// negWords are skipped between a subject and its verb ("we do not believe");
// the cue carries the negation itself (cueSpan.negated).
var negWords = set("not 't never")

// leftSubjectCo finds the noun phrase before cue c. Noun cues
// ("sanctions", "charges") have a subject only after a light verb
// ("imposed sanctions"). Co-speakers in a parenthetical ("Treasury — in
// partnership with the EU — sanctioned") are returned too.
func (s *sent) leftSubjectCo(c cueSpan) (int, span, []span) {
	var co []span
	j := c.t0 - 1
	if s.toks[c.t0].lower == "saying" && j >= 0 && s.toks[j].lower == "as" { // quoted X as saying
		j--
	}
	if strings.HasSuffix(s.toks[c.t0].lower, "ing") && j >= 0 && (s.toks[j].lower == "," || s.toks[j].lower == "—") && s.toks[c.t0].lower != "saying" {
		return subjNone, span{}, nil // participial clause
	}
	if kind, sp, ok := s.frontedSubject(c); ok {
		return kind, sp, nil
	}
	noun := nounCues[s.toks[c.t0].lower] && !s.nounAsVerb(c)
	light := false
	for n := 0; j >= 0 && n < 12; n++ {
		l := s.toks[j].lower
		if (l == "—" || l == "–" || l == ",") && j > 0 {
			// parenthetical: "— in partnership with the EU, UK —", ", alongside our allies and partners,"
			if open := s.parenOpen(j); open >= 0 {
				co = append(co, span{open + 1, j})
				j = open - 1
				continue
			}
			// an aside: "NATO, in its first rebuke of Beijing, condemned",
			// "The Dutch defence minister, Ank Bijleveld, said"
			if open := s.asideOpen(j); open >= 0 {
				j = open - 1
				continue
			}
		}
		if noun && (nounSkip[l] || l[0] >= '0' && l[0] <= '9') && s.entAt[j] < 0 {
			j--
			continue
		}
		if lightVerbs[l] && c.class != cReport {
			light = true
			j--
			continue
		}
		if (skipWords[l] || negWords[l] || len(l) > 4 && strings.HasSuffix(l, "ly") && !s.toks[j].cap) && s.entAt[j] < 0 && l != "," {
			j--
			continue
		}
		if k := s.timeBefore(j); k < j {
			j = k // "The US and UK on Monday sanctioned"
			continue
		}
		break
	}
	s.stop = j
	if noun && !light {
		s.stop = -1
		return subjNone, span{}, nil
	}
	if j < 0 || s.toks[j].lower == "and" && s.entAt[j] < 0 {
		// "... claims that X and identifies Y": a coordinated verb shares
		// the clause's subject (the caller falls back to leadSubject)
		return subjNone, span{}, nil
	}
	if l := s.toks[j].lower; s.entAt[j] >= 0 {
		// an entity, not a pronoun ("US")
	} else if pronounsFirst[l] {
		return subjFirst, span{j, j + 1}, co
	} else if pronounsThird[l] {
		return subjThird, span{j, j + 1}, co
	}
	end := j + 1
	for n := 0; j >= 0 && n < 30; n++ {
		t := s.toks[j]
		if s.entAt[j] < 0 && j < end-1 && (s.cueAt(j) || t.cap && leadStrip[t.lower] && j > 0 && s.toks[j-1].cap) {
			break // a run-in heading: "Imposing Additional Sanctions Treasury", "... Activity Today the United States"
		}
		if s.entAt[j] >= 0 || npWords[t.lower] || numberWords[t.lower] || t.word && t.cap && !(j == 0 && leadStrip[t.lower]) || t.lower == "(" || t.lower == ")" {
			j--
			continue
		}
		break
	}
	if k := s.leadsIn(c, j+1, end); k >= 0 {
		// "Australia leads allies in accusing China": the leader accuses
		return s.leftSubjectCo(cueSpan{t0: k, t1: k + 1, class: c.class, verb: true, lowerKey: s.toks[k].lower})
	}
	return subjSpan, s.trimSubject(j+1, end), co
}

// leadVerbs: "X leads/led allies in accusing Y": the gerund's subject is X
// ("X joined Y in condemning Z" is left alone: both condemn, and "joined" is
// a cue of its own).
var leadVerbs = set("leads led lead leading")

// leadsIn: for a gerund cue after "in" whose noun phrase [a,end) follows a
// leading verb, the verb's token; else -1.
func (s *sent) leadsIn(c cueSpan, a, end int) int {
	if !strings.HasSuffix(s.toks[c.t0].lower, "ing") || end > c.t0 || s.toks[end-1].lower != "in" || a >= end-1 {
		return -1
	}
	if k, w := s.prevWord(a); k >= 0 && leadVerbs[w] && k > 0 {
		return k
	}
	return -1
}

var asideLead = set("in at after on during speaking citing while when following which who whose")

// asideOpen: for a comma at j that closes an aside between a subject and its
// verb, the comma that opens it; else -1. An aside opens with a preposition
// or relative ("in its first rebuke of Beijing", "which leads the
// investigation"), or is a personal name after a title ("the minister, Ank
// Bijleveld,"); a list of states ("the US, UK, and Japan") is no aside.
func (s *sent) asideOpen(j int) int {
	for k := j - 1; k > 0 && j-k < 20; k-- {
		l := s.toks[k].lower
		if l == "—" || l == "–" || l == ";" || l == ":" || l == "\"" {
			return -1
		}
		if l != "," {
			continue
		}
		w, lw := s.nextWord(k + 1)
		if w < 0 || w >= j {
			return -1
		}
		if pk, _ := s.prevWord(k); pk < 0 {
			return -1
		}
		if asideLead[lw] && s.entAt[w] < 0 {
			return k
		}
		// a name: two to four capitalised words, no entity
		n := 0
		for m := k + 1; m < j; m++ {
			t := s.toks[m]
			if !t.word || !t.cap || s.entAt[m] >= 0 {
				return -1
			}
			n++
		}
		if n >= 2 && n <= 4 {
			if x := s.ent(k - 1); x != nil && (x.ent.class == ecTitle || x.ent.class == ecOfficial) {
				return k
			}
		}
		return -1
	}
	return -1
}

// nounAsVerb: a noun cue ("sanctions", "charges") used as a verb between a
// state or body and its object, as headlines have it: "US sanctions Russia
// over hack", "US charges six Russian officers".
func (s *sent) nounAsVerb(c cueSpan) bool {
	l := s.toks[c.t0].lower
	if l != "sanctions" && l != "charges" {
		return false
	}
	pk, _ := s.prevWord(c.t0)
	if pk < 0 || pk != c.t0-1 {
		return false
	}
	if x := s.ent(pk); x == nil || x.ent.country == "" || x.ent.class == ecDemonym || x.ent.class == ecMedia || x.ent.class == ecPerp {
		return false
	}
	k, w := s.nextWord(c.t1)
	if k < 0 || k != c.t1 {
		return false
	}
	if x := s.ent(k); x != nil {
		return x.ent.country != "" && x.ent.class != ecMedia
	}
	return numberWords[w] || w[0] >= '0' && w[0] <= '9'
}

// frontLead: prepositions that open a fronted gerund clause ("By exposing
// ..., we", "After naming ..., the government").
var frontLead = set("by after in through while when since following before")

// frontedSubject: for a gerund cue in a sentence-initial clause ("By
// exposing the PRC's malicious activity, we are ..."), the subject of the
// main clause after the comma that closes it.
func (s *sent) frontedSubject(c cueSpan) (int, span, bool) {
	if !strings.HasSuffix(s.toks[c.t0].lower, "ing") {
		return 0, span{}, false
	}
	pk, pw := s.prevWord(c.t0)
	if pk < 0 || !frontLead[pw] || pk != firstWord(s) {
		return 0, span{}, false
	}
	for k, n := c.t1, 0; k < len(s.toks) && n < 25; k++ {
		t := s.toks[k]
		if t.word {
			n++
			continue
		}
		if t.lower == ";" || t.lower == ":" {
			return 0, span{}, false
		}
		if t.lower != "," {
			continue
		}
		w, lw := s.nextWord(k + 1)
		if w < 0 {
			return 0, span{}, false
		}
		if s.entAt[w] < 0 && pronounsFirst[lw] && lw != "our" && lw != "us" {
			return subjFirst, span{w, w + 1}, true
		}
		if s.entAt[w] < 0 && pronounsThird[lw] {
			return subjThird, span{w, w + 1}, true
		}
		sp := s.rightSubject(w)
		return subjSpan, sp, sp.t1 > sp.t0
	}
	return 0, span{}, false
}

var timeNouns = set(`monday tuesday wednesday thursday friday saturday sunday week month year day morning afternoon evening night weekend
	january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec`)
var timeLeads = set("on last this earlier later late early in next that the same")

// timeBefore: if a time adverbial ("on Monday", "last week", "on March 5",
// "earlier this month") ends at token j, the token before it; else j.
func (s *sent) timeBefore(j int) int {
	k := j
	for k >= 0 && s.entAt[k] < 0 && (s.toks[k].lower[0] >= '0' && s.toks[k].lower[0] <= '9' || s.toks[k].lower == ",") && j-k < 3 {
		k-- // "March 5", "March 5, 2024"
	}
	if k < 0 || s.entAt[k] >= 0 || !timeNouns[s.toks[k].lower] {
		return j
	}
	if k == j && s.toks[k].lower == "may" {
		return j // the modal verb
	}
	k--
	lead := false
	for k >= 0 && s.entAt[k] < 0 && timeLeads[s.toks[k].lower] {
		k--
		lead = true
	}
	if !lead {
		return j
	}
	return k
}

// parenOpen: for a closing dash or comma at j, the opening one of a
// partnership parenthetical within 25 tokens, or -1.
func (s *sent) parenOpen(j int) int {
	closer := s.toks[j].lower
	for k := j - 1; k >= 0 && j-k < 25; k-- {
		l := s.toks[k].lower
		if l == closer || (closer == "—" && l == "–") {
			// the parenthetical starts with a partnership word
			if w, lw := s.nextWord(k + 1); w >= 0 && (partnerLead[lw] || lw == "in" && s.hasPartnerWithin(w, 3)) {
				return k
			}
			if closer == "," {
				continue // commas inside a dash parenthetical or list
			}
			return -1
		}
	}
	return -1
}

func (s *sent) hasPartnerWithin(i, n int) bool {
	for k := i; k < len(s.toks) && k < i+n*2; k++ {
		if partnerLead[s.toks[k].lower] {
			return true
		}
	}
	return false
}

// leadSubject: the noun phrase that opens the sentence's main clause, for
// coordinated verbs ("The Department of Justice is imposing costs and today
// announced charges").
func (s *sent) leadSubject() span {
	i := 0
	// skip leading adverbial segments ending in a comma ("In addition,")
	for k := 0; k < len(s.toks) && k < 12; k++ {
		if s.toks[k].lower == "," {
			if sp := s.rightSubject(i); sp.t1 > sp.t0 {
				if ok, _ := s.official(sp); ok {
					return sp
				}
			}
			i = k + 1
		}
	}
	return s.rightSubject(i)
}

// rightSubject finds the noun phrase after token i ("said Foreign Minister X",
// "according to the NCSC").
func (s *sent) rightSubject(i int) span {
	for i < len(s.toks) && (s.toks[i].lower == "the" || s.toks[i].lower == "by") {
		i++
	}
	j := i
	for n := 0; j < len(s.toks) && n < 12; n++ {
		t := s.toks[j]
		if t.lower == "," || t.lower == "." || t.lower == "that" || t.lower == ":" || t.lower == ";" {
			break
		}
		if s.entAt[j] >= 0 || npWords[t.lower] || t.word && t.cap {
			j++
			continue
		}
		break
	}
	return s.trimSubject(i, j)
}

// trimSubject keeps the last comma-separated segment of a subject run, with
// earlier segments only when they are list items naming states or bodies
// ("US, UK and New Zealand officials"), and strips leading function words.
func (s *sent) trimSubject(a, b int) span {
	// strip trailing punctuation / prepositions
	for b > a && (!s.toks[b-1].word || locPrep[s.toks[b-1].lower] || s.toks[b-1].lower == "and" || s.toks[b-1].lower == "of") && s.toks[b-1].lower != ")" {
		b--
	}
	if b <= a {
		return span{}
	}
	// find the last segment start
	start := a
	for k := b - 1; k >= a; k-- {
		if s.toks[k].lower != "," {
			continue
		}
		// segment before the comma: [prev, k)
		prev := a
		for m := k - 1; m >= a; m-- {
			if s.toks[m].lower == "," {
				prev = m + 1
				break
			}
		}
		if !s.listItem(prev, k) {
			start = k + 1
			if s.ofList(prev, k) {
				start = prev // "the intelligence agencies of the US, Britain and Canada"
			}
			break
		}
	}
	a = start
	for a < b && (!s.toks[a].word && s.toks[a].lower != "(" || (leadStrip[s.toks[a].lower] || locPrep[s.toks[a].lower] || s.toks[a].lower == "of" || s.toks[a].lower == "by" || s.toks[a].lower == "with") && s.entAt[a] < 0 || s.toks[a].lower == ",") {
		a++
	}
	if a >= b {
		return span{}
	}
	return span{a, b}
}

// ofList: tokens [a,b) are an official head and "of" before a list item
// ("the intelligence agencies of the US"), heading a list of states.
func (s *sent) ofList(a, b int) bool {
	for k := b - 1; k > a; k-- {
		if s.toks[k].lower != "of" || s.entAt[k] >= 0 {
			continue
		}
		if !s.listItem(k+1, b) {
			return false
		}
		official := false
		for m := a; m < k; m++ {
			if x := s.ent(m); x != nil && (x.ent.class == ecOfficial || x.ent.class == ecTitle || x.ent.class == ecAgency) {
				official = true
			} else if x == nil && !npWords[s.toks[m].lower] {
				return false
			}
		}
		return official
	}
	return false
}

// listItem: tokens [a,b) are only determiners/"and" and one state or body.
func (s *sent) listItem(a, b int) bool {
	ents := 0
	for k := a; k < b; k++ {
		t := s.toks[k]
		if e := s.ent(k); e != nil {
			if e.ent.country == "" || e.ent.class == ecMedia {
				return false
			}
			ents++
			k = e.t1 - 1
			continue
		}
		switch t.lower {
		case "the", "and", "both", "-", "—", "–":
			continue
		}
		return false
	}
	return ents > 0
}

func (s *sent) spanText(sp span) string { return s.text[s.toks[sp.t0].start:s.toks[sp.t1-1].end] }

// official reports whether the span names an official speaker, and whether it
// names a media outlet or company (never official).
func (s *sent) official(sp span) (official, media bool) {
	for k := sp.t0; k < sp.t1; k++ {
		if e := s.ent(k); e != nil {
			if e.ent.class == ecMedia {
				return false, true
			}
			if e.ent.class != ecPerp || e.t1 == sp.t1 {
				// a state organ heading the subject speaks: "the Ministry of
				// State Security claims", "Russia's FSB said"
				official = true
			}
		}
	}
	return official, false
}

// spanCountries: states named in the speaker span; after a locative
// preposition ("Embassy in the UK") further states are locations, not speakers.
func (s *sent) spanCountries(sp span) []string {
	var out []string
	afterPrep := false
	for k := sp.t0; k < sp.t1; k++ {
		t := s.toks[k]
		if locPrep[t.lower] && len(out) > 0 {
			afterPrep = true
		}
		if e := s.ent(k); e != nil {
			if e.ent.country != "" && !afterPrep {
				out = appendUniq(out, e.ent.country)
			}
			if ms := blocMembers[s.entLower(e)]; ms != nil && !afterPrep {
				for _, c := range ms {
					out = appendUniq(out, c)
				}
			}
			k = e.t1 - 1
			continue
		}
		if t.lower == "country" && k > sp.t0 && (s.toks[k-1].lower == "the" || s.toks[k-1].lower == "that") && !afterPrep {
			if c := s.lastCountryBefore(sp.t0); c != "" {
				out = appendUniq(out, c)
			}
		}
	}
	return out
}

// blocMembers: groupings without an ISO code of their own speak for their
// members ("the Five Eyes said" -> US, GB, CA, AU, NZ); the EU and NATO have
// codes of their own.
var blocMembers = map[string][]string{"five eyes": {"US", "GB", "CA", "AU", "NZ"}}

// entLower: the entity's words, lower case, joined by spaces.
func (s *sent) entLower(e *entSpan) string {
	var b strings.Builder
	for k := e.t0; k < e.t1; k++ {
		if k > e.t0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.toks[k].lower)
	}
	return b.String()
}

func (s *sent) lastCountryBefore(i int) string {
	for k := i - 1; k >= 0; k-- {
		if e := s.ent(k); e != nil && e.ent.country != "" && (e.ent.class == ecCountry || e.ent.class == ecDemonym || e.ent.class == ecCapital) {
			return e.ent.country
		}
	}
	return ""
}

func appendUniq(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// mask marks the tokens inside the spans.
func mask(n int, sps []span) []bool {
	m := make([]bool, n)
	for _, sp := range sps {
		for k := max(sp.t0, 0); k < sp.t1 && k < n; k++ {
			m[k] = true
		}
	}
	return m
}

var numberWords = set("two three four five six seven eight nine ten eleven twelve several dozen")

var victimPreps = set("against targeting targeted target on into at in from")

var perpVerbs = set(`carried conducted backed sponsored directed orchestrated launched perpetrated committed linked tied affiliated hacked targeted
	stole broke attacked engaged fostered responsible behind compromised exploited breached infiltrated used uses using`)

var objVerbs = set(`accused accuse accuses accusing blamed blame blames blaming condemned condemns condemn condemning naming named names hold holding
	held sanctioned sanctioning designated designating indicted charged expose exposing exposed criticizing criticising urged call called links link
	rebuked rebuke rebukes rebuking`)

// accused collects the actors, states and organisations a sentence accuses,
// outside the speaker spans.
//
// named reports whether the sentence names a threat actor (gazetteer) or a
// state organ that conducts operations (GRU, MSS): that alone puts a
// sentence in the cyber context, where "the Russian government" does not.
func (s *sent) accused(g *actors.Gazetteer, speakers []bool, withOrgs bool) (out []string, perpFound, named bool) {
	// actors through the gazetteer
	for _, m := range s.mentionsOf(g) {
		k := s.tokenAt(m.Start)
		if k >= 0 && speakers[k] {
			continue
		}
		out = appendUniq(out, m.Actor.Name)
		perpFound, named = true, true
	}
	for ei := range s.ents {
		e := &s.ents[ei]
		if e.ent.country == "" || speakers[e.t0] {
			continue
		}
		if s.isAccusedState(e) {
			out = appendUniq(out, e.ent.country)
			perpFound = true
			named = named || e.ent.class == ecPerp || s.spyHeadAfter(e.t1)
		}
	}
	if withOrgs {
		for _, c := range s.cues {
			if c.class != cSanction && c.class != cIndict {
				continue
			}
			if org := s.orgAfter(g, c.t1); org != "" {
				out = appendUniq(out, org)
			}
		}
		if s.hasActCue() {
			for _, org := range s.describedOrgs(g) {
				out = appendUniq(out, org)
			}
		}
	}
	return out, perpFound, named
}

// mentionsOf returns the sentence's gazetteer mentions, found on first use.
func (s *sent) mentionsOf(g *actors.Gazetteer) []news.Mention {
	if !s.mentionsFound {
		s.mentions, s.mentionsFound = g.Find(s.text), true
	}
	return s.mentions
}

func (s *sent) tokenAt(off int) int {
	k, ok := slices.BinarySearchFunc(s.toks, off, func(t token, off int) int { return t.start - off })
	if !ok {
		return -1
	}
	return k
}

func (s *sent) prevWord(i int) (int, string) {
	for k := i - 1; k >= 0; k-- {
		if s.toks[k].word {
			return k, s.toks[k].lower
		}
		if l := s.toks[k].lower; l == "," || l == ";" || l == ":" || l == "." {
			return -1, ""
		}
	}
	return -1, ""
}

func (s *sent) nextWord(i int) (int, string) {
	for k := i; k < len(s.toks); k++ {
		if s.toks[k].word {
			return k, s.toks[k].lower
		}
		if l := s.toks[k].lower; l == "," || l == ";" || l == ":" || l == "." {
			return -1, ""
		}
	}
	return -1, ""
}

func (s *sent) isAccusedState(e *entSpan) bool {
	switch e.ent.class {
	case ecPerp:
		return true
	case ecMedia, ecTitle, ecOfficial:
		return false
	}
	// previous word context
	pk, prev := s.prevWord(e.t0)
	if prev == "the" || prev == "a" || prev == "an" {
		pk, prev = s.prevWord(pk)
	}
	if prev == "within" || prev == "inside" {
		// "operating from within Russia"
		if k, w := s.prevWord(pk); w == "from" {
			pk, prev = k, w
		}
	}
	_, prev2 := s.prevWord(pk)
	if e.ent.class == ecDemonym && s.venueAfter(e.t1) {
		return false // "banned from Russian hacking forums": a place, not a perpetrator
	}
	// victims: "attacks against Ukrainian banks"
	victim := victimPreps[prev] && prev != "in" && prev != "from" || prev == "of" && (prev2 == "targeting" || prev2 == "victims")
	switch {
	case objVerbs[prev] && !s.possessive(e.t1):
		return true
	case prev == "of" && (prev2 == "rebuke" || prev2 == "condemnation" || prev2 == "censure"):
		return true // "in its first public rebuke of Beijing"

	case e.ent.class == ecDemonym && (numberWords[prev] || prev != "" && prev[0] >= '0' && prev[0] <= '9') && strings.HasSuffix(s.toks[e.t1-1].lower, "s"):
		return true // "nine Iranians", "two Chinese nationals"
	case prev == "by" && (perpVerbs[prev2] || prev2 == "out"):
		return true
	case prev == "by" && attackNouns[prev2] && prev2 != "use" && prev2 != "pattern" && (s.cyber() || s.prevCyber && behaviourNouns[prev2]):
		return true // "the DDoS attacks by Russia", "espionage by China"
	case prev == "from" && (perpVerbs[prev2] || prev2 == "carried") && s.cyber() && (e.ent.class != ecDemonym || s.territoryAfter(e.t1)):
		return true // "activity conducted from Russia", "launched from Russian territory"
	case prev == "from" && (attackNouns[prev2] || spyHeads[prev2]) && e.ent.class == ecDemonym && s.territoryAfter(e.t1):
		return true // "attacks from Russian territory"
	case (commVerbs[prev] || prev == "to" && commTo[prev2]) && (e.ent.class == ecCountry || e.ent.class == ecCapital) && s.possessiveAttackAfter(e.t1):
		return true // "making it clear to Beijing that its cyber espionage ...", "warned Moscow that its hackers ..."
	case prev == "of" && (prev2 == "government" || prev2 == "behalf" || prev2 == "accused" || prev2 == "origin" || prev2 == "agents" || prev2 == "proxies"):
		return true
	case prev == "with" && (prev2 == "affiliated" || prev2 == "associated" || prev2 == "linked" || prev2 == "connected"):
		return true
	case prev == "to" && (prev2 == "linked" || prev2 == "tied" || prev2 == "attributed" || prev2 == "attribution" || prev2 == "attributing" || prev2 == "attribute" || prev2 == "connected" || prev2 == "belonging"):
		return true
	case (prev == "against" || prev == "on") && (prev2 == "sanctions" || prev2 == "sanction" || prev2 == "measures" || prev2 == "charges" || retaliationWords[prev2]):
		return true
	case prev == "of" && prev2 == "out":
		return true
	case prev == "of" && territoryNouns[prev2] && s.fromTerritory(pk) && s.cyber():
		return true // "conducted from the territory of China"

	case prev == "to" && s.attributeBefore(pk):
		return true
	case prev == "at" && (prev2 == "finger" || prev2 == "fingers"):
		return true // "pointed the finger at Russia"
	case (prev == "in" || prev == "from") && locVerbs[prev2]:
		return true // "criminals living in Russia", "hackers operating from Iran"
	case prev == "from" && (attackNouns[prev2] || spyHeads[prev2] || prev2 == "threats" || prev2 == "threat"):
		return true // "problematic cyber activities from China"
	}
	if (e.ent.class == ecCountry || e.ent.class == ecCapital) && s.listBeforeAttack(e.t1) {
		return true // "China, Russia, and Iran hacking of our infrastructure"
	}
	// following context
	k, next := s.nextWord(e.t1)
	if next == "'s" {
		// possessive: "Iran's cyberattack", "the PRC's pattern of malicious cyber activity"
		// (over a bracketed abbreviation: "China's (PRC) irresponsible behavior")
		for n, m, paren := 0, k+1, false; m < len(s.toks) && n < 4; m++ {
			if l := s.toks[m].lower; l == "(" || l == ")" {
				paren = l == "("
				continue
			}
			if !s.toks[m].word || paren {
				continue
			}
			n++
			if attackNouns[s.toks[m].lower] {
				return !victim
			}
			if x := s.ent(m); x != nil && x.ent.class == ecPerp {
				return true
			}
			if l := s.toks[m].lower; spyHeads[l] && l != "cyber" || (l == "military" || l == "army") && s.linkBefore(e.t0) {
				return !victim // "Russia's intelligence services", "linked to a unit of Taiwan's military"
			}
		}
		return false
	}
	if victim {
		return false
	}
	if next == "as" && identifyVerbs[prev] && s.culpritAfter(k+1) {
		return true // "identified China as responsible", "named Russia as the culprit"
	}
	if e.ent.class == ecDemonym && s.demonymListHead(e.t1) {
		return true // "Russian, Chinese and North Korean hackers"
	}
	// "Chinese state-affiliated cyber entity", "the Russian government is responsible", "Russia-based"
	for n, m := 0, e.t1; m < len(s.toks) && n < 3; m++ {
		t := s.toks[m]
		if !t.word {
			if t.lower == "-" || t.lower == "‑" || t.lower == "–" {
				continue
			}
			break
		}
		n++
		if t.lower == "based" || t.lower == "nexus" || t.lower == "aligned" || t.lower == "related" {
			// "Russia-based threat group", not "Ukraine-based IP addresses"
			if _, w := s.nextWord(m + 1); perpHeads[w] || w == "cybercriminal" || w == "criminal" || w == "apt" || w == "hacking" {
				return true
			}
			break
		}
		if perpHeads[t.lower] {
			if e.ent.class == ecDemonym || e.ent.class == ecCountry && n == 1 && (s.toks[m-1].lower == "-" || t.lower == "government" || t.lower == "state") {
				return true
			}
		}
		if x := s.ent(m); x != nil && x.ent.class == ecPerp {
			return true
		}
	}
	if e.ent.class == ecCountry || e.ent.class == ecCapital || e.ent.class == ecAgency {
		// subject of a perpetration verb: "Russia was responsible", "China hacked"
		for n, m := 0, e.t1; m < len(s.toks) && n < 4; m++ {
			t := s.toks[m]
			if !t.word {
				if t.lower == "," || t.lower == ";" {
					break
				}
				continue
			}
			n++
			if (perpVerbs[t.lower] || perpVerbsActive[t.lower] || subjPerpVerbs[t.lower]) && t.lower != "used" && t.lower != "using" && t.lower != "uses" && t.lower != "linked" {
				if _, pw := s.prevWord(m); (pw == "was" || pw == "were" || pw == "been" || pw == "is" || pw == "are" || pw == "being") && strings.HasSuffix(t.lower, "ed") && !predicative[t.lower] {
					return false // "Israel was attacked by Iran": the subject is the victim
				}
				return e.ent.class != ecAgency
			}
			if useVerbs[t.lower] && s.cyberWithin(m+1, 3) {
				return e.ent.class != ecAgency // "Russia does use cyber as part of its force"
			}
			if !skipWords[t.lower] && !tryWords[t.lower] && t.lower != "is" && t.lower != "was" {
				break
			}
		}
		// "for Iran to be held accountable"
		if k >= 0 && next == "to" {
			if k2, n2 := s.nextWord(k + 1); k2 >= 0 && n2 == "be" {
				return true
			}
		}
	}
	return false
}

// commVerbs and commTo: verbs of telling whose addressee ("warned Moscow",
// "made it clear to Beijing") is the accused when the message speaks of its
// operations.
var commVerbs = set("warned warns warning warn told tells telling tell confronted confronting pressed pressing")
var commTo = set("clear plain convey conveyed conveying conveys message signal concerns concern")

// possessiveAttackAfter: "its"/"their" followed shortly by an attack or
// cyber word, within the next 15 words ("that its cyber espionage").
func (s *sent) possessiveAttackAfter(i int) bool {
	for m, n := i, 0; m < len(s.toks) && n < 15; m++ {
		t := s.toks[m]
		if !t.word {
			continue
		}
		n++
		if t.lower != "its" && t.lower != "their" {
			continue
		}
		for m2, n2 := m+1, 0; m2 < len(s.toks) && n2 < 3; m2++ {
			if w := s.toks[m2]; w.word {
				n2++
				if attackNouns[w.lower] || cyberContext[w.lower] || spyHeads[w.lower] {
					return true
				}
			}
		}
	}
	return false
}

// behaviourNouns: conduct that, right after a sentence about hacking, is
// the hacking ("a pattern of behaviour by China").
var behaviourNouns = set("behaviour behavior conduct activity activities")

var territoryNouns = set("territory soil territories jurisdiction")

// fromTerritory: "from the territory" ends at the token before k ("of").
func (s *sent) fromTerritory(k int) bool {
	k, _ = s.prevWord(k) // territory
	k, w := s.prevWord(k)
	if w == "the" || w == "its" {
		_, w = s.prevWord(k)
	}
	return w == "from" || w == "within"
}

// territoryAfter: "Russian territory", "Chinese soil".
func (s *sent) territoryAfter(i int) bool {
	_, w := s.nextWord(i)
	return territoryNouns[w]
}

// venueNouns: where hackers meet, not who they are.
var venueNouns = set("forum forums channel channels chats chat sites site marketplaces marketplace market markets circles community communities underground boards board")

// venueAfter: a demonym heading "hacking forums", "cybercrime channels".
func (s *sent) venueAfter(i int) bool {
	for m, n := i, 0; m < len(s.toks) && n < 3; m++ {
		if t := s.toks[m]; t.word {
			n++
			if venueNouns[t.lower] {
				return true
			}
		}
	}
	return false
}

func (s *sent) attributeBefore(k int) bool {
	for n, m := 0, k-1; m >= 0 && n < 14; m-- {
		if !s.toks[m].word {
			continue
		}
		n++
		switch s.toks[m].lower {
		case "attributed", "attribute", "attributing", "attributes", "attribution":
			return true
		}
	}
	return false
}

var orgConnectors = set("and of & for")

// orgAfter: a capitalised name right after a sanction or indictment cue
// ("sanctions on Wuhan Xiaoruizhi Science and Technology").
func (s *sent) orgAfter(g *actors.Gazetteer, i int) string {
	k, w := s.nextWord(i)
	if w == "on" || w == "against" {
		k, w = s.nextWord(k + 1)
	}
	if w == "the" {
		k, _ = s.nextWord(k + 1)
	}
	if k < 0 {
		return ""
	}
	if m := s.orgDescriptor(k); m > k {
		k = m // "the Chinese company Haitai Technology Development"
	}
	start, end, caps := k, k, 0
	for m := k; m < len(s.toks) && m-k < 16; m++ {
		t := s.toks[m]
		if t.word && t.cap && s.entAt[m] < 0 {
			caps++
			end = m + 1
			continue
		}
		if t.word && orgConnectors[t.lower] && m+1 < len(s.toks) && s.toks[m+1].cap {
			continue
		}
		if t.lower == "." && m > k && (s.toks[m-1].lower == "co" || s.toks[m-1].lower == "ltd" || s.toks[m-1].lower == "inc") {
			end = m + 1
			continue
		}
		break
	}
	if caps < 2 || end <= start {
		return ""
	}
	name := strings.TrimRight(s.text[s.toks[start].start:s.toks[end-1].end], ".,")
	if a, ok := g.Lookup(name); ok {
		return a.Name
	}
	return name
}

// confidence: the first PHIA-yardstick phrase in the sentence.
func (s *sent) confidence() string {
	for i := 0; i < len(s.toks); i++ {
		t := s.toks[i]
		if !t.word {
			continue
		}
		for _, c := range confidences[t.lower] {
			if _, ok := s.matchWords(i, c.toks); ok {
				return c.level
			}
		}
	}
	return ""
}

func (s *sent) hasWord(set map[string]bool) bool {
	for _, t := range s.toks {
		if t.word && set[t.lower] {
			return true
		}
	}
	return false
}

// hasAnaphor: the sentence refers back to an accused named earlier: a noun
// phrase ("the hackers", "the group"), or a pronoun in an accuser's or
// perpetrator's position ("hold them accountable", "attributed some of
// those", "they hacked", "their malicious activity"). Other pronouns ("help
// them", "they met") refer to anyone.
func (s *sent) hasAnaphor() bool {
	prev := ""
	for k, t := range s.toks {
		if !t.word {
			continue
		}
		if anaphors[prev+"-"+t.lower] {
			return true
		}
		switch t.lower {
		case "them", "those", "these", "it":
			if _, next := s.nextWord(k + 1); t.lower != "them" && next != "" && !objFollow[next] {
				break // "these vulnerabilities": a noun phrase, not an anaphor
			}
			pk, pw := s.prevWord(k)
			if pw == "of" { // "some of those", "all of them"
				if pk, pw = s.prevWord(pk); pw == "some" || pw == "all" || pw == "one" || pw == "each" {
					_, pw = s.prevWord(pk)
				}
			}
			if objVerbs[pw] || accuseWords[pw] {
				return true
			}
		case "they":
			if _, pw := s.prevWord(k); pw == "when" || pw == "if" || pw == "whenever" || pw == "unless" {
				break // "holding nations accountable when they conduct ...": generic
			}
			for n, m := 0, k+1; m < len(s.toks) && n < 4; m++ {
				w := s.toks[m]
				if !w.word {
					continue
				}
				n++
				if perpVerbs[w.lower] || perpVerbsActive[w.lower] {
					return true
				}
				if !skipWords[w.lower] && !negWords[w.lower] {
					break
				}
			}
		case "their":
			for n, m := 0, k+1; m < len(s.toks) && n < 3; m++ {
				if w := s.toks[m]; w.word {
					n++
					if attackNouns[w.lower] || cyberContext[w.lower] {
						return true
					}
				}
			}
		}
		prev = t.lower
	}
	return false
}

// objFollow: words after a demonstrative that leave it a pronoun ("blamed
// it on", "attributed those to").
var objFollow = set("to on for as with accountable responsible a couple")

// accuseWords: verbs whose object is the accused, besides objVerbs.
var accuseWords = set("attributed attribute attributes attributing blamed blame fingered sanction indict charge expose call")

// perpVerbsActive: verbs of perpetration after a subject pronoun ("they
// hacked", "they have been targeting").
var perpVerbsActive = set(`hack hacks hacking targeting target targets attacking attack stealing steal spying spy conduct conducts conducting
	compromise compromising compromised breaching breach infiltrate infiltrating exploit exploiting deployed deploy deploying`)

var targetLead = set("on against targeting into")
var targetStop = set(`in during including since from which that who by with while when after before as for to between around across and but since`)

// targets: what the sentence says was attacked.
func (s *sent) targets(exclude []string) []string {
	var out []string
	for i := 0; i < len(s.toks); i++ {
		t := s.toks[i]
		if !t.word {
			continue
		}
		var from int
		switch {
		case (attackNouns[t.lower] || t.lower == "espionage" || t.lower == "cyberespionage") && i+1 < len(s.toks):
			k, w := s.nextWord(i + 1)
			if k < 0 || !targetLead[w] {
				continue
			}
			from = k + 1
		case t.lower == "targeting" || t.lower == "hacked" || t.lower == "breached" || t.lower == "compromised" && i > 0:
			from = i + 1
		case t.lower == "broke" || t.lower == "hacked":
			k, w := s.nextWord(i + 1)
			if w != "into" {
				continue
			}
			from = k + 1
		case t.lower == "targets":
			k, w := s.nextWord(i + 1)
			if w != "including" && w != "include" && w != "included" {
				continue
			}
			from = k + 1
			for _, x := range s.targetList(from, true) {
				out = appendTarget(out, x, exclude)
			}
			continue
		default:
			continue
		}
		for _, x := range s.targetList(from, false) {
			out = appendTarget(out, x, exclude)
		}
	}
	return out
}

func appendTarget(out []string, x string, exclude []string) []string {
	for _, e := range exclude {
		if strings.EqualFold(e, x) {
			return out
		}
	}
	return appendUniq(out, x)
}

// targetList reads a noun phrase (or, if list, a comma/and list) from token i.
func (s *sent) targetList(i int, isList bool) []string {
	var out []string
	a := -1
	flush := func(b int) {
		if a >= 0 && b > a {
			txt := strings.TrimSpace(s.text[s.toks[a].start:s.toks[b-1].end])
			for _, p := range []string{"the ", "The ", "our ", "its ", "their "} {
				txt = strings.TrimPrefix(txt, p)
			}
			if txt != "" && len(txt) < 80 {
				out = append(out, txt)
			}
		}
		a = -1
	}
	n := 0
	for k := i; k < len(s.toks) && n < 24; k++ {
		t := s.toks[k]
		n++
		if !t.word {
			if t.lower == "-" || t.lower == "'" || t.lower == "&" {
				continue
			}
			if isList && t.lower == "," {
				flush(k)
				continue
			}
			break
		}
		if t.lower == "and" && isList {
			flush(k)
			continue
		}
		if targetStop[t.lower] && a >= 0 {
			break
		}
		if a < 0 {
			a = k
		}
		if !isList && n > 8 {
			break
		}
	}
	last := len(s.toks)
	for k := i; k < len(s.toks); k++ {
		if k-i >= 24 {
			last = k
			break
		}
		t := s.toks[k]
		if !t.word && !(t.lower == "-" || t.lower == "'" || t.lower == "&" || isList && t.lower == ",") || t.word && targetStop[t.lower] && k > i && !(isList && t.lower == "and") {
			last = k
			break
		}
	}
	if a >= 0 {
		flush(min(last, len(s.toks)))
	}
	return out
}

// wantedAsAct: "wanted by the FBI", "on the most wanted list", "is wanted
// for", not "we wanted to have high confidence".
func (s *sent) wantedAsAct(i int) bool {
	if _, w := s.nextWord(i + 1); w == "by" || w == "for" || w == "in" || w == "list" || w == "poster" || w == "notice" {
		return true
	}
	switch _, w := s.prevWord(i); w {
	case "most", "is", "are", "was", "were", "being", "remains", "remain":
		return true
	}
	return false
}

// spyHeads are nouns that make a state's agents the subject: "Russian
// intelligence officers", "Chinese state hackers", "North Korean operatives".
var spyHeads = set(`intelligence hackers hacker spies spy agents operatives officers actors actor operators hacking espionage cyber
	state-sponsored state-backed apt`)

func (s *sent) spyHeadAfter(i int) bool {
	for n, m := 0, i; m < len(s.toks) && n < 3; m++ {
		if !s.toks[m].word {
			if l := s.toks[m].lower; l == "-" || l == "‑" {
				continue
			}
			return false
		}
		n++
		if spyHeads[s.toks[m].lower] {
			return true
		}
	}
	return false
}

// locVerbs: the perpetrator's location ("living in Russia", "operating from Iran").
var locVerbs = set("living live lives based located operating operate operates operated residing reside resides originating originated emanating emanate coming come comes came")

// subjPerpVerbs: more verbs of perpetration after a state as subject
// ("China obtained the data", "Iran was involved", "Iran is working to influence").
var subjPerpVerbs = set(`obtained acquired accessed exfiltrated involved influence influenced interfere interfered interfering meddle meddled meddling
	spied stolen penetrated`)

// tryWords may stand between a state and its verb ("is working to influence").
var tryWords = set("working trying seeking attempting sought tried attempted continues continue continued to does did")

var useVerbs = set("use uses used using")

func (s *sent) cyberWithin(i, n int) bool {
	for k, c := i, 0; k < len(s.toks) && c < n; k++ {
		if s.toks[k].word {
			c++
			if cyberContext[s.toks[k].lower] || s.toks[k].lower == "cyber" {
				return true
			}
		}
	}
	return false
}

// listBeforeAttack: after a state at token i, a list of states (", Russia,
// and Iran") ends in an attack noun or a possessive one: "China, Russia, and
// Iran hacking", "Russia and China's malicious cyber activities".
func (s *sent) listBeforeAttack(i int) bool {
	k := i
	for k < len(s.toks) {
		t := s.toks[k]
		if t.lower == "," || t.lower == "and" || t.lower == "or" {
			k++
			continue
		}
		if e := s.ent(k); e != nil && e.ent.country != "" && (e.ent.class == ecCountry || e.ent.class == ecCapital) {
			k = e.t1
			continue
		}
		break
	}
	if k == i || k >= len(s.toks) {
		// no list: only "China hacking" directly
		if k < len(s.toks) && (s.toks[k].lower == "hacking" || s.toks[k].lower == "hackers") {
			return true
		}
		return false
	}
	if s.toks[k].lower == "'s" {
		for n, m := 0, k+1; m < len(s.toks) && n < 4; m++ {
			if s.toks[m].word {
				n++
				if attackNouns[s.toks[m].lower] {
					return true
				}
			}
		}
		return false
	}
	l := s.toks[k].lower
	return s.toks[k].word && (attackNouns[l] || l == "hackers" || l == "hacking") && s.toks[k-1].word
}

func (s *sent) cueAt(j int) bool {
	k, _ := slices.BinarySearchFunc(s.cues, j, func(c cueSpan, j int) int {
		if c.t1 <= j {
			return -1
		}
		if c.t0 > j {
			return 1
		}
		return 0
	})
	return k < len(s.cues) && s.cues[k].t0 <= j && j < s.cues[k].t1
}

// cueSense rejects cue words used in another sense: "in charge of",
// "hold each other accountable", "designate a Cybersecurity Coordinator",
// "designated by FireEye as APT32".
func (s *sent) cueSense(c cue, i, end int) bool {
	w := s.toks[i].lower
	switch {
	case w == "charge":
		switch _, pw := s.prevWord(i); pw {
		case "in", "take", "took", "taking", "takes", "free":
			return false
		}
	case w == "hold" || w == "holding" || w == "held" && c.class == cAccuse:
		switch _, nw := s.nextWord(end); nw {
		case "each", "ourselves", "themselves", "itself", "yourself", "myself", "one":
			return false
		}
	case c.class == cSanction && strings.HasPrefix(w, "designat"):
		return s.designationSanction(i, end)
	case w == "called" || w == "calls" || w == "calling":
		// "called the allegations fabricated", not "called for talks"
		return s.callsAccusation(end)
	case w == "opposition":
		// "an Iranian opposition group": a noun modifier, not a protest
		if _, nw := s.nextWord(end); oppositionHeads[nw] {
			return false
		}
	case w == "alleged":
		// "alleged members of the group": an adjective, not a verb
		if i == 0 || !s.toks[i-1].word {
			return false
		}
		switch _, pw := s.prevWord(i); pw {
		case "the", "a", "an", "its", "their", "his", "her", "our", "of", "two", "three", "four", "five", "six", "seven":
			return false
		}
	}
	return true
}

// callsAccusation: after "called", a determiner and, within three words,
// the accusations it qualifies ("called the hacking claims baseless").
func (s *sent) callsAccusation(end int) bool {
	k, w := s.nextWord(end)
	if w != "the" && w != "these" && w != "those" && w != "such" && w != "this" {
		return false
	}
	for m, n := k+1, 0; m < len(s.toks) && n < 3; m++ {
		if t := s.toks[m]; t.word {
			n++
			if accusationWords[t.lower] && t.lower != "cyber" && t.lower != "hacking" && t.lower != "hackers" && t.lower != "hacker" || t.lower == "report" || t.lower == "reports" {
				return true
			}
		}
	}
	return false
}

var oppositionHeads = set(`group groups party parties leader leaders figure figures activist activists movement movements politician politicians
	lawmakers members media candidate candidates figurehead coalition bloc forces camp`)

// roleNouns: what one designates without sanctioning it.
var roleNouns = set(`coordinator coordinators point points contact contacts official officials officer officers representative representatives
	lead leads liaison liaisons team teams agency agencies day days week area areas zone zones site sites successor deputy head chair
	director spokesperson manager managers focal person-in-charge lead-agency`)

// designationSanction: "designate" is a sanction when a sanctioning
// authority acts (Treasury, OFAC, State, an executive order, the SDN list,
// "for"/"under"/"pursuant to" a ground) on a person, entity or group, not
// when a coordinator or point of contact is designated or a company names
// a group ("designated by FireEye as APT32").
func (s *sent) designationSanction(i, end int) bool {
	// the object: not a role
	for n, m := 0, end; m < len(s.toks) && n < 4; m++ {
		if !s.toks[m].word {
			continue
		}
		n++
		if roleNouns[s.toks[m].lower] {
			return false
		}
	}
	// an authority or a ground
	if k, w := s.nextWord(end); w == "by" {
		for m := k + 1; m < len(s.toks) && m < k+4; m++ {
			if e := s.ent(m); e != nil {
				return e.ent.country != "" && e.ent.class != ecMedia
			}
			if s.toks[m].word && s.toks[m].cap {
				return false // "designated by FireEye": a company names a group
			}
		}
	}
	for n, m := 0, end; m < len(s.toks) && n < 14; m++ {
		if !s.toks[m].word {
			continue
		}
		n++
		switch s.toks[m].lower {
		case "for", "under", "pursuant":
			return true
		}
	}
	if s.authority == 0 {
		s.authority = 2
		lower := strings.ToLower(s.text)
		for _, a := range designationAuthorities {
			if strings.Contains(lower, a) {
				s.authority = 1
				break
			}
		}
	}
	return s.authority == 1
}

var designationAuthorities = []string{"treasury", "ofac", "office of foreign assets control", "state department", "department of state",
	"secretary of state", "commerce", "executive order", "e.o.", "sdn", "specially designated", "sanction", "terrorist", "entity list"}

// hasPerpVerb: the sentence asserts that a state or a named actor did it
// ("Russia has used offensive cyber activity", "the Chinese compromised
// that account", "Sandworm hacked"), outside a condition ("If it's a PRC
// hacking group").
func (s *sent) hasPerpVerb(g *actors.Gazetteer) bool {
	var actorEnd map[int]bool
	for k, t := range s.toks {
		if !t.word || s.entAt[k] >= 0 {
			continue
		}
		if t.lower == "if" || t.lower == "whether" || t.lower == "unless" {
			return false
		}
		verb := perpVerbsActive[t.lower] || subjPerpVerbs[t.lower] || perpVerbs[t.lower] && t.lower != "linked" && t.lower != "responsible" && t.lower != "behind" && !useVerbs[t.lower] ||
			useVerbs[t.lower] && s.cyberWithin(k+1, 3)
		if !verb {
			continue
		}
		// its subject, over auxiliaries and adverbs
		j := k - 1
		for n := 0; j >= 0 && n < 4; j-- {
			l := s.toks[j].lower
			if !s.toks[j].word {
				continue
			}
			n++
			if s.entAt[j] < 0 && (skipWords[l] || tryWords[l] || negWords[l] || len(l) > 4 && strings.HasSuffix(l, "ly")) {
				continue
			}
			break
		}
		if j < 0 {
			continue
		}
		if e := s.ent(j); e != nil && e.ent.country != "" && e.ent.class != ecTitle && e.ent.class != ecMedia {
			return true
		}
		if actorEnd == nil {
			actorEnd = map[int]bool{}
			for _, m := range s.mentionsOf(g) {
				if i := s.tokenEndingAt(m.End); i >= 0 {
					actorEnd[i] = true
				}
			}
		}
		if actorEnd[j] {
			return true
		}
	}
	return false
}

func (s *sent) tokenEndingAt(off int) int {
	i, ok := slices.BinarySearchFunc(s.toks, off, func(t token, off int) int { return t.end - off })
	if !ok {
		return -1
	}
	return i
}

var questionAux = set("do does did would will can could is are was were should have has")

// quotedQuestions: spans of quoted text that end in a question mark or open
// like one (“Do you believe ...,”).
func (s *sent) quotedQuestions() []span {
	var out []span
	open := -1
	for k, t := range s.toks {
		switch t.lower {
		case "“":
			open = k
		case "”", "\"":
			if t.lower == "\"" && open < 0 {
				open = k
				continue
			}
			if open >= 0 {
				if k1, w1 := s.nextWord(open + 1); k1 >= 0 && k1 < k && questionAux[w1] {
					if _, w2 := s.nextWord(k1 + 1); pronounsFirst[w2] || pronounsThird[w2] || w2 == "you" || w2 == "it" || w2 == "the" {
						out = append(out, span{open + 1, k}) // “Do you believe ...,”
						open = -1
						continue
					}
				}
				for m := k - 1; m > open; m-- {
					if l := s.toks[m].lower; l == "?" {
						out = append(out, span{open + 1, k})
						break
					} else if l != "," && l != "." && l != "'" && l != "’" {
						break
					}
				}
				open = -1
			}
		}
	}
	return out
}

// linkBefore: a linking word shortly before token i ("linked to a cyber
// unit of", "attributed to").
func (s *sent) linkBefore(i int) bool {
	for k, n := i-1, 0; k >= 0 && n < 7; k-- {
		if !s.toks[k].word {
			continue
		}
		n++
		switch s.toks[k].lower {
		case "linked", "tied", "attributed", "unit", "connected", "affiliated", "belonging":
			return true
		}
	}
	return false
}

// predicative participles keep their subject as the perpetrator: "Iran was
// involved", "Russia was responsible".
var predicative = set("involved linked tied affiliated engaged")

// kinetic words make "attack" a military one ("Israel was attacked by Iran",
// "Iranian attacks on maritime shipping").
var kinetic = set(`missile missiles drone drones troops military militia militias forces force shipping maritime bases strike strikes airstrike
	airstrikes rocket rockets bomb bombs bombing invasion invade invades war soldiers army navy vessels ships tanks artillery proxies`)

// ambiguousAttack: cyber words that are also military ones.
var ambiguousAttack = set("attack attacks attacked")

// cyber: the sentence speaks of cyber operations. "Attack" alone counts
// unless the sentence is about a kinetic one.
func (s *sent) cyber() bool {
	if !s.cyberKnown {
		s.isCyber, s.cyberKnown = s.findCyber(), true
	}
	return s.isCyber
}

func (s *sent) findCyber() bool {
	amb, kin := false, false
	for _, t := range s.toks {
		if !t.word {
			continue
		}
		switch {
		case ambiguousAttack[t.lower]:
			amb = true
		case cyberContext[t.lower]:
			return true
		case kinetic[t.lower]:
			kin = true
		}
	}
	return amb && !kin
}

// conditions: clauses opened by if, whether or unless, to the next comma or
// semicolon.
func (s *sent) conditions() []span {
	var out []span
	for k := 0; k < len(s.toks); k++ {
		switch s.toks[k].lower {
		case "if", "whether", "unless":
			end := k + 1
			for end < len(s.toks) && s.toks[end].lower != "," && s.toks[end].lower != ";" && s.toks[end].lower != "—" {
				end++
			}
			out = append(out, span{k, end})
			k = end
		}
	}
	return out
}

// identifyVerbs name a state as the culprit with "as": "identified China
// as responsible".
var identifyVerbs = set("identified identifies identify identifying named names name naming singled pinpointed pinpoints determined confirmed confirms")

var culpritWords = set("responsible behind culprit culprits perpetrator perpetrators author authors sponsor source origin")

// culpritAfter: a culprit word right after "as" (at i), over "the".
func (s *sent) culpritAfter(i int) bool {
	k, w := s.nextWord(i)
	if w == "the" || w == "being" {
		_, w = s.nextWord(k + 1)
	}
	return culpritWords[w]
}

// demonymListHead: after a demonym ending at i, a list of further demonyms
// ("Russian, Chinese and North Korean") whose head noun is a perpetrator
// ("hackers", "intelligence officers").
func (s *sent) demonymListHead(i int) bool {
	hops := 0
	for m := i; m < len(s.toks); {
		l := s.toks[m].lower
		if l == "," || l == "and" || l == "or" {
			m++
			continue
		}
		x := s.ent(m)
		if x == nil {
			if hops == 0 {
				return false
			}
			return perpHeads[l] && l != "foreign" && l != "general" && l != "main"
		}
		if x.ent.class != ecDemonym || m == i {
			return false
		}
		hops++
		m = x.t1
	}
	return false
}

// orgNouns describe an organisation before its name ("the Chinese company
// Haitai ...", "the North Korean firm Chosun Expo").
var orgNouns = set("company firm entity organisation organization front bank business")

// orgDescriptor: for "<Demonym> company|firm ..." at k, the token after the
// descriptor; else k.
func (s *sent) orgDescriptor(k int) int {
	x := s.ent(k)
	if x == nil || x.ent.class != ecDemonym {
		return k
	}
	m := x.t1
	n := 0
	for m < len(s.toks) && n < 2 && s.toks[m].word && orgNouns[s.toks[m].lower] {
		m++
		n++
	}
	if n == 0 {
		return k
	}
	return m
}

// hasActCue: the sentence sanctions or charges.
func (s *sent) hasActCue() bool {
	for _, c := range s.cues {
		if (c.class == cSanction || c.class == cIndict) && !c.negated {
			return true
		}
	}
	return false
}

// describedOrgs: organisations introduced by a demonym and an organisation
// noun anywhere in the sentence ("and the North Korean firm Chosun Expo"),
// named by their capitalised words.
func (s *sent) describedOrgs(g *actors.Gazetteer) []string {
	var out []string
	for i := range s.ents {
		e := &s.ents[i]
		if e.ent.class != ecDemonym {
			continue
		}
		m := s.orgDescriptor(e.t0)
		if m == e.t0 {
			continue
		}
		start, end, caps := m, m, 0
		for ; m < len(s.toks) && m-start < 12; m++ {
			t := s.toks[m]
			if t.word && t.cap && s.entAt[m] < 0 {
				caps++
				end = m + 1
				continue
			}
			if t.word && orgConnectors[t.lower] && m+1 < len(s.toks) && s.toks[m+1].cap {
				continue
			}
			break
		}
		if caps < 2 {
			continue
		}
		name := strings.TrimRight(s.text[s.toks[start].start:s.toks[end-1].end], ".,")
		if a, ok := g.Lookup(name); ok {
			name = a.Name
		}
		out = appendUniq(out, name)
	}
	return out
}

// retaliationWords: "retaliate against Russia", "take action against
// China": the object is the accused.
var retaliationWords = set("retaliate retaliated retaliating retaliation action actions countermeasures measure steps")
