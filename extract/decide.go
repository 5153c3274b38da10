package extract

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/actors"

	"github.com/newsdesk/newsdesk/news"
)

// analysis is what the rules find in one sentence: the fields a statement
// would have, and the evidence the model weighs (see features). The rules'
// own verdict, ruleKind, is one piece of evidence among many.
type analysis struct {
	s    *sent
	text string
	off  int // byte offset in the body; -1 in the title

	short, question, turn bool
	para                  paraInfo

	found, media bool // an official (or a medium) speaks
	speaker      string
	countries    []string
	accused      []string
	accusedRaw   []string // before the speaker's own state was taken out
	// speakerCountries: countries come from the speaker the sentence names,
	// not from a fallback
	speakerCountries bool
	perp, named      bool
	actorTok         map[int]bool // tokens inside a gazetteer mention
	cyber            bool

	ruleKind                           news.Kind
	respondCue, declined, accuseVerb   bool
	act, negSaid, bare                 bool
	anaphor                            bool
	targets                            []string
	confidence, eventDate, cleanedText string
	dated                              bool
}

// paraInfo is what the paragraph around a sentence says of it.
type paraInfo struct {
	question   bool // a reporter's question in a transcript ("Q ...")
	opensQ     bool // the paragraph opens with a question
	label      bool // an official's transcript turn ("MS. PSAKI: ...")
	caption    bool // a photo caption or credit
	first      bool // the paragraph's first sentence
	byline     bool // "Reporting by ...", "Editing by ..."
	colonQuote bool // the sentence follows "said:" in the paragraph
}

// fallbackCountries is the speaker's country when no speaker names one:
// official bodies named elsewhere in the sentence, the publisher, or the
// last speaker (same story, same government).
func (st *docState) fallbackCountries(s *sent, accused []string, inSpeaker []bool) []string {
	var countries []string
	for _, es := range s.ents {
		if es.ent.country == "" || inSpeaker != nil && inSpeaker[es.t0] || es.ent.class == ecPerp || containsStr(accused, es.ent.country) {
			continue
		}
		if _, pw := s.prevWord(es.t0); (victimPreps[pw] && pw != "from" && pw != "in" || perpVerbs[pw] || perpVerbsActive[pw] || pw == "attacked") && es.ent.class != ecAgency {
			continue // "attacks on Ukraine's power grid": a victim, not a speaker
		}
		if es.ent.class == ecAgency || es.ent.class == ecCapital || s.possessive(es.t1) {
			countries = appendUniq(countries, es.ent.country)
		}
	}
	if len(countries) == 0 && len(st.publisher) > 0 {
		countries = st.publisher
	}
	if len(countries) == 0 && len(st.lastCountries) > 0 {
		countries = st.lastCountries // same story, same government
	}
	if len(countries) == 0 && st.lastSpeaker != nil {
		countries = st.lastSpeaker.SpeakerCountry
	}
	return countries
}

// fillAnaphor resolves "they", "the group", "hold them accountable" to what
// the text named before.
func (e *Extractor) fillAnaphor(st *docState, a *analysis) {
	if !a.s.hasAnaphor() {
		return
	}
	a.anaphor = true
	lastAccused, lastActor := st.recentAccused(), st.recentActor()
	switch {
	case len(a.accused) == 0 && len(lastAccused) > 0:
		a.accused = removeAll(append([]string(nil), lastAccused...), a.countries)
		a.perp = true
	case len(a.accused) == 0 && lastActor != "":
		a.accused, a.perp = []string{lastActor}, true
	case lastActor != "" && !containsStr(a.accused, lastActor) && len(lastAccused) == 0:
		a.accused = append([]string{lastActor}, a.accused...)
	}
}

// fillFields computes the fields that do not depend on the decision.
func (a *analysis) fillFields(st *docState) {
	a.targets = a.s.targets(a.accused)
	a.confidence = a.s.confidence()
	a.cleanedText = repairUTF8(a.text)
}

// date is the event date the sentence states, worked out once and only for
// statements: dates are the costliest field, and a date remembered for
// "the same day" comes from an earlier statement.
func (a *analysis) date(st *docState) string {
	if !a.dated {
		a.eventDate, a.dated = st.date(a.text), true
	}
	return a.eventDate
}

// statement builds the statement of a sentence the model took as kind k.
func (a *analysis) statement(st *docState, k news.Kind) news.Statement {
	speaker, countries := a.speaker, a.countries
	if speaker == "" {
		switch {
		case st.label != "" && st.labelOfficial && a.off >= 0:
			speaker = st.label
		case st.pubName != "":
			speaker = st.pubName
		case st.lastSpeaker != nil:
			speaker = st.lastSpeaker.Speaker
		}
	}
	accused := a.accused
	if k == news.Response {
		// the accused side answers: unless the sentence names the speaker's
		// state, it is the state the story accuses
		if c := st.mostAccused(); c != "" && (!a.speakerCountries || len(countries) == 0) && !containsStr(countries, c) {
			countries = []string{c}
		}
		// the answering side only: "Russia's embassy in Washington" is RU
		var side []string
		for _, c := range countries {
			if st.accusedCount[c] > 0 {
				side = append(side, c)
			}
		}
		if len(side) > 0 {
			countries = side
		}
		// it accuses only whom it counter-accuses: not itself
		accused = removeAll(mergeUniq(nil, append(append([]string(nil), a.accusedRaw...), a.accused...)), countries)
	}
	if k == news.Indictment || k == news.Sanction {
		// the people and organisations charged or designated, as written
		for _, p := range a.s.namedPeople(st, a.actorTok) {
			if !containsStr(a.targets, p) {
				accused = appendUniq(accused, p)
			}
		}
	}
	accused = dropPrefixes(st.notOwnAgencies(accused, countries))
	return news.Statement{
		Kind:           k,
		Speaker:        speaker,
		SpeakerCountry: nonNil(countries),
		Accused:        nonNil(accused),
		Targets:        nonNil(a.targets),
		Confidence:     a.confidence,
		EventDate:      a.date(st),
		Sentence:       a.cleanedText,
		Offset:         a.off,
	}
}

// noteSpeaker remembers the countries of an official the sentence names.
func (st *docState) noteSpeaker(a *analysis) {
	if a.found && a.speakerCountries {
		st.lastCountries = a.countries
	}
}

// note records a decided statement for the sentences after it.
func (st *docState) note(s news.Statement) {
	if s.Kind != news.Response && len(s.Accused) > 0 {
		st.lastAccused, st.accusedAt = s.Accused, st.n
		st.countAccused(s.Accused)
	}
	c := s
	st.lastSpeaker = &c
}

// countAccused counts the states among accused (a state's agency or group
// counts for the state).
func (st *docState) countAccused(accused []string) {
	for _, a := range accused {
		if isCountryCode(a) {
			st.accusedCount[a]++
		}
	}
}

// mostAccused is the state the document has accused most often so far.
func (st *docState) mostAccused() string {
	best, n := "", 0
	for c, k := range st.accusedCount {
		if k > n || k == n && c < best {
			best, n = c, k
		}
	}
	return best
}

// repairUTF8 replaces each byte of an invalid UTF-8 sequence with "?", so
// that the sentence is valid text of exactly the length it has in the body
// and Offset+len(Sentence) stays inside it.
func repairUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte('?')
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// namedPeople returns the people and organisations a sentence names in
// full ("Wang Dong, Sun Kailiang and Wen Xinyu", "Korea Tangun Trading
// Corporation"): runs of two to five capitalised words that are not known
// names (states, bodies, titles, actors), not the sentence's first word
// alone, and not a speaker the document has already met.
func (s *sent) namedPeople(st *docState, skip map[int]bool) []string {
	var out []string
	i := 0
	for i < len(s.toks) {
		t := s.toks[i]
		if !t.word || !t.cap || s.entAt[i] >= 0 || npWords[t.lower] || monthWords[t.lower] {
			i++
			continue
		}
		j := i
		for j < len(s.toks) && (s.toks[j].word && s.toks[j].cap && s.entAt[j] < 0 && !monthWords[s.toks[j].lower] || s.toks[j].lower == "-" && j+1 < len(s.toks) && s.toks[j+1].cap) {
			j++
		}
		n := 0
		for k := i; k < j; k++ {
			if s.toks[k].word {
				n++
			}
		}
		actor := false
		for k := i; k < j; k++ {
			actor = actor || skip[k]
		}
		_, pw := s.prevWord(i)
		common := false
		for k := i; k < j; k++ {
			l := s.toks[k].lower
			common = common || len(cues[l]) > 0 || cyberContext[l] || strings.HasSuffix(l, "ing") || nameNouns[l]
		}
		if n >= 2 && n <= 5 && !actor && !victimWords[pw] && !common {
			name := s.text[s.toks[i].start:s.toks[j-1].end]
			words := strings.Fields(name)
			if _, spoke := st.persons[strings.ToLower(words[len(words)-1])]; !spoke {
				out = appendUniq(out, name)
			}
		}
		i = j + 1
	}
	return out
}

// victimWords before a name make it a victim or a place, not the accused.
var victimWords = set(`into at against targeting targeted hacked hacking breached breaching attacked attacking compromised of from in to with by for
	including include includes like as`)

// nameNouns in a capitalised run make it a title or an institution, not
// a person or company charged.
var nameNouns = set(`additional new national state states united republic party committee laboratory agency
	organization organisation association olympic olympics games university institute hospital election elections campaign
	house senate congress parliament court council commission`)

var monthWords = set(`january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday`)

// dropPrefixes leaves out a name that begins a longer name of the same list
// ("Wuhan Xiaoruizhi Science" beside "Wuhan Xiaoruizhi Science and
// Technology"), keeping the order.
func dropPrefixes(names []string) []string {
	out := names[:0:0]
	for i, n := range names {
		longer := false
		for j, m := range names {
			if i != j && len(m) > len(n) && strings.HasPrefix(m, n+" ") {
				longer = true
				break
			}
		}
		if !longer {
			out = append(out, n)
		}
	}
	return out
}

// notOwnAgencies leaves out of accused the agencies of the speaker's own
// state ("the National Security Agency and CISA said ..."): a state does
// not accuse itself.
func (st *docState) notOwnAgencies(accused, countries []string) []string {
	if st.g == nil || len(countries) == 0 {
		return accused
	}
	out := accused[:0:0]
	for _, a := range accused {
		if act, ok := st.g.Lookup(a); ok && act.Country != "" && containsStr(countries, act.Country) && slices.Contains(act.Sources, actors.AgencySource) {
			continue
		}
		out = append(out, a)
	}
	return out
}
