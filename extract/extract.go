package extract

import (
	"errors"
	"github.com/newsdesk/newsdesk/actors"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

// MaxBody is the largest body (and title) Extract accepts, in bytes.
const MaxBody = 2 << 20

// ErrTooLarge is returned (wrapped, with the size) for a body or title over
// MaxBody. Split the document or ingest it as several articles.
var ErrTooLarge = errors.New("extract: document too large")

// docState carries what earlier sentences established.
type docState struct {
	persons     map[string]person // surname (lower) -> person
	lastDate    string
	lastSpeaker *news.Statement
	lastAccused []string
	lastActor   string // the last actor the text named, for "the group"
	titleActor  string // the last actor the headline named: the story's subject

	// sentence counter, and when lastAccused and lastActor were set: an
	// anaphor ("the hackers", "hold them accountable") reaches back at
	// most anaphorReach sentences, except to the headline's actor
	n, accusedAt, actorAt int
	cyberAt               int  // the last sentence that spoke of cyber matters
	titleCyber            bool // the headline speaks of cyber matters: so does the story

	g             *actors.Gazetteer
	accusedCount  map[string]int // states the rules saw accused, and how often
	lastCountries []string       // the last official speaker's countries, whatever was decided
	spokeAt       int            // the sentence of lastSpeaker

	publisher     []string // countries of the publisher
	pubName       string
	published     time.Time
	label         string // transcript speaker label of the current paragraph
	labelOfficial bool
}

type person struct {
	name    string
	country []string
}

// splitLines returns the non-empty lines of s as byte ranges.
func splitLines(s string) [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '\n' {
			a, b := start, i
			for a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r') {
				a++
			}
			for b > a && (s[b-1] == ' ' || s[b-1] == '\t' || s[b-1] == '\r') {
				b--
			}
			if b > a {
				out = append(out, [2]int{a, b})
			}
			start = i + 1
		}
	}
	return out
}

// transcriptLabel recognises "MS. PSAKI: ", "SENIOR ADMINISTRATION OFFICIAL: "
// and returns the speaker as written in title case, and the prefix length.
func transcriptLabel(p string) (string, int) {
	i := strings.IndexByte(p, ':')
	if i < 2 || i > 60 || i+1 >= len(p) || p[i+1] != ' ' {
		return "", 0
	}
	letters := 0
	for _, r := range p[:i] {
		switch {
		case r >= 'A' && r <= 'Z':
			letters++
		case r == ' ' || r == '.' || r == '\'' || r == '-' || r == '’':
		default:
			return "", 0
		}
	}
	if letters < 3 || p[0] < 'A' || p[0] > 'Z' || notSpeakerLabels[strings.TrimSpace(p[:i])] {
		return "", 0
	}
	name := p[:i]
	for _, h := range []string{"MR. ", "MS. ", "MRS. ", "DR. ", "THE "} {
		name = strings.TrimPrefix(name, h)
	}
	return titleCase(name), i + 2
}

func titleCase(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

var honorifics = set("mr mrs ms dr")

var functionWords = set("of the a an and & for in at to 's ’s ' ’ , ( ) - .")

// notSpeakerLabels are upper-case run-in headings that look like transcript
// speaker labels ("FACT: ...", "CLAIM: ...").
var notSpeakerLabels = set("FACT CLAIM CLAIMS FACTS NOTE UPDATE UPDATED CORRECTION BACKGROUND SUMMARY CONTEXT SOURCE SOURCES WHAT WHY WHEN WHERE HOW WHO EMBARGOED READOUT TRANSCRIPT ANALYSIS OPINION EXCLUSIVE BREAKING WATCH LISTEN READ MORE RELATED")

// known officials whose country the text may not repeat
var knownPeople = map[string]string{
	"biden": "US", "trump": "US", "obama": "US", "blinken": "US", "garland": "US", "wray": "US", "psaki": "US", "kirby": "US",
	"neuberger": "US", "sullivan": "US", "mayorkas": "US", "easterly": "US", "yellen": "US", "rubio": "US", "hegseth": "US",
	"jean-pierre": "US", "nakasone": "US", "haines": "US", "monaco": "US", "rosenstein": "US", "leavitt": "US", "bondi": "US",
	"putin": "RU", "lavrov": "RU", "zakharova": "RU", "peskov": "RU", "medvedev": "RU", "antonov": "RU",
	"xi": "CN", "jinping": "CN", "wang": "", "mao": "", "lin": "", "zhao": "", "hua": "", "liu": "", "bangyu": "CN", "pengyu": "CN", "wenbin": "CN", "lijian": "CN", "chunying": "CN", "ning": "CN", "jian": "CN", "jiakun": "CN",
	"dowden": "GB", "cameron": "GB", "sunak": "GB", "starmer": "GB", "lammy": "GB", "cleverly": "GB", "raab": "GB", "truss": "GB",
	"albanese": "AU", "marles": "AU", "wong": "", "luxon": "NZ", "ardern": "NZ", "hipkins": "NZ", "collins": "",
	"trudeau": "CA", "joly": "CA", "carney": "CA", "stoltenberg": "NATO", "rutte": "NATO", "borrell": "EU", "kallas": "EU",
	"zelensky": "UA", "zelenskyy": "UA", "rama": "AL", "khamenei": "IR", "raisi": "IR", "pezeshkian": "IR", "araghchi": "IR", "zarif": "IR",
	"kanaani": "IR", "baghaei": "IR", "kishida": "JP", "ishiba": "JP", "macron": "FR", "scholz": "DE", "merz": "DE",
}

// sentence analyses one sentence; off is its byte offset in the body (-1 in
// the title).
func (e *Extractor) sentence(st *docState, text string, off int) *analysis {
	st.n++
	a := &analysis{text: text, off: off}
	a.short = len(text) < 12
	trim := strings.TrimRight(text, " \"'”’)")
	a.question = strings.HasSuffix(trim, "?")
	s := analyse(text)
	a.s = s
	a.actorTok = map[int]bool{}
	for _, m := range s.mentionsOf(e.g) {
		for k := s.tokenAt(m.Start); k >= 0 && k < len(s.toks) && s.toks[k].start < m.End; k++ {
			a.actorTok[k] = true
		}
	}
	turn := st.labelOfficial && st.label != "" && s.hasPerpVerb(e.g)
	s.prevCyber = st.cyberAt > 0 && st.n-st.cyberAt <= 1
	if s.cyber() {
		st.cyberAt = st.n
		// a news headline (not a primary source's title, "Press Briefing on Cyber")
		st.titleCyber = st.titleCyber || off < 0 && len(st.publisher) == 0
	}
	a.turn = turn
	a.cyber = s.cyber()
	defer st.noteActor(s.mentionsOf(e.g), off < 0)
	if len(s.cues) == 0 && !turn || a.short {
		// no cue: the rules see no statement, but the model may; the
		// fields are what the sentence names
		a.accused, a.perp, a.named = s.accused(e.g, mask(len(s.toks), s.conditions()), true)
		a.countries = st.fallbackCountries(s, a.accused, nil)
		a.accused = removeAll(a.accused, a.countries)
		e.fillAnaphor(st, a)
		a.fillFields(st)
		return a
	}
	// speaker candidates: subjects of verb cues, "according to X"
	var (
		speakerSpans []span
		speakerText  string
		countries    []string
		found        bool
		media        bool
	)
	addSpeaker := func(sp span, first bool) {
		speakerSpans = append(speakerSpans, sp)
		cs := s.spanCountries(sp)
		name, pc := s.personIn(st, sp)
		if len(cs) == 0 {
			cs = pc
		}
		countries = mergeUniq(countries, cs)
		if first {
			if name != "" {
				speakerText = name
			} else {
				speakerText = s.cleanSpeaker(sp)
			}
		}
	}
	// where the clause reported by the first speaker's verb begins: a
	// subject inside it ("The embassy said Britain had offered no evidence")
	// is reported, not a further speaker
	reportedFrom := -1
	for _, c := range s.speakerCueOrder() {
		if !c.verb && c.class != cAccord {
			continue
		}
		var kind int
		var sp span
		var co []span
		switch {
		case c.class == cAccord:
			sp, kind = s.rightSubject(s.skipSourceDoc(c.t1)), subjSpan
		case s.passiveBy(c):
			// "has been sanctioned by the US Treasury", "a group accused
			// by China's national security ministry": the agent speaks
			k, _ := s.nextWord(c.t1)
			sp, kind = s.rightSubject(k+1), subjSpan
		case s.passive(c):
			// "was arrested in an operation led by the FBI": a later agent
			// speaks; "Iran to be held accountable": the subject is the accused
			k := s.agentAfter(c)
			if k < 0 {
				continue
			}
			sp, kind = s.rightSubject(k), subjSpan
		default:
			kind, sp, co = s.leftSubjectCo(c)
			if kind == subjSpan && sp.t1 <= sp.t0 || kind == subjNone {
				if j := s.stop; j >= 0 && j < len(s.toks) && s.toks[j].lower == "to" {
					// "we will continue to hold", "I'm not in a position to attribute"
					if k := s.pronounBefore(j); k >= 0 {
						sp, kind = span{k, k + 1}, subjSpan
					} else {
						sp, kind = s.leadSubject(), subjSpan
					}
				} else if j >= 0 && j < len(s.toks) && s.toks[j].lower == "and" {
					sp, kind = s.leadSubject(), subjSpan
				}
			}
		}
		if kind == subjSpan && sp.t1 == sp.t0+1 && s.entAt[sp.t0] < 0 {
			// a subject that is only a pronoun
			if l := s.toks[sp.t0].lower; pronounsFirst[l] {
				kind = subjFirst
			} else if pronounsThird[l] {
				kind = subjThird
			}
			if kind == subjNone && c.class == cReport && c.t0 > 0 {
				// inverted: '"...," said Foreign Minister X'
				if pk, _ := s.prevWord(c.t0); pk < 0 || s.toks[c.t0-1].lower == "," || isQuote(s.toks[c.t0-1].lower) {
					sp, kind = s.rightSubject(c.t1), subjSpan
				}
			}
		}
		for _, cs := range co {
			if ok, _ := s.official(cs); ok {
				speakerSpans = append(speakerSpans, cs)
				countries = mergeUniq(countries, s.spanCountries(cs))
			}
		}
		switch kind {
		case subjFirst:
			if st.labelOfficial || len(st.publisher) > 0 {
				if !found {
					if st.label != "" {
						speakerText = st.label
					} else {
						speakerText = st.pubName
					}
				}
				countries = mergeUniq(countries, st.publisher)
				found = true
				speakerSpans = append(speakerSpans, sp)
			}
		case subjThird:
			if st.lastSpeaker != nil && len(st.lastSpeaker.SpeakerCountry) > 0 {
				if !found {
					speakerText = st.lastSpeaker.Speaker
				}
				countries = mergeUniq(countries, st.lastSpeaker.SpeakerCountry)
				found = true
				speakerSpans = append(speakerSpans, sp)
			}
		case subjSpan:
			if sp.t1 <= sp.t0 {
				continue
			}
			if reportedFrom >= 0 && sp.t0 >= reportedFrom && !s.coordinatedBetween(reportedFrom, sp.t0) {
				continue
			}
			ok, isMedia := s.official(sp)
			if !isMedia && s.mediaAfter(sp) {
				isMedia = true // "investigators from Microsoft", "officials at Mandiant"
			}
			if isMedia {
				media = true
				continue
			}
			if !ok {
				if name, pc := s.personIn(st, sp); name != "" && len(pc) > 0 {
					ok = true
				}
			}
			if !ok {
				continue
			}
			addSpeaker(sp, !found)
			found = true
		}
		if found && reportedFrom < 0 && c.class == cReport && kind != subjNone {
			reportedFrom = c.t1
		}
	}
	// in a transcript turn ("MS. NEUBERGER: So, Russia has used offensive
	// cyber activity ..."), the speaker's own assertion of perpetration
	if !found && turn {
		found = true
		speakerText = st.label
		countries = mergeUniq(countries, st.publisher)
	}
	// sentence-initial gerund in a primary source: "Attributing with high confidence ..."
	if !found && len(st.publisher) > 0 && len(s.cues) > 0 && s.cues[0].t0 == firstWord(s) && strings.HasSuffix(s.toks[s.cues[0].t0].lower, "ing") {
		found = true
		speakerText = st.pubName
		countries = mergeUniq(countries, st.publisher)
	}
	a.media = media
	a.found = found
	// what is inside a quoted question ("“Do you believe ... the Salt
	// Typhoon attack,” ...") is asked, not asserted: mask it with the speakers
	// and so is a condition ("if Russia conducts disruptive cyberattacks, we
	// will respond")
	inSpeaker := mask(len(s.toks), append(append(speakerSpans, s.quotedQuestions()...), s.conditions()...))
	accused, perp, named := s.accused(e.g, inSpeaker, true)
	if len(countries) == 0 {
		countries = st.fallbackCountries(s, accused, inSpeaker)
	}
	a.accusedRaw = accused
	a.speakerCountries = len(countries) > 0 && found
	// a state does not accuse itself
	accused = removeAll(accused, countries)

	c := a
	var kind news.Kind
	// cyber context: cyber vocabulary or a named actor; "the Russian
	// military" or "Iranian attacks on shipping" alone are not
	// or the sentence goes on about whom the previous statement accused
	cyber := s.cyber() || named || st.n-st.accusedAt <= 1 && overlaps(accused, st.lastAccused) || perp && s.prevCyber && s.hasWord(behaviourNouns) ||
		perp && st.titleCyber // a story headlined on a hack: "the campaign was carried out by China"
	act, negSaid := false, false
	bare := false // the act is an agentless passive ("is investigated and prosecuted")
	for qi, q := range s.cues {
		if nounCues[q.lowerKey] && q.t0 > 0 && s.toks[q.t0-1].lower == "'s" {
			continue // "the Department of Justice's charges": a reference, not an act
		}
		switch q.class {
		case cIndict:
			if !q.negated && !q.cond && kind == "" && !s.purposeTo(q) && !s.definiteReference(q) {
				kind = news.Indictment
				bare = s.passive(q) && s.agentAfter(q) < 0
			}
		case cSanction:
			if q.negated || s.declinedBefore(qi) {
				c.declined = true
			} else if !q.cond && kind == "" && !s.purposeTo(q) && !((q.lowerKey == "sanctions" || q.lowerKey == "restrictive") && s.sanctionsAsNounOnly(q) && !s.nounAsVerb(q)) {
				kind = news.Sanction
				bare = s.passive(q) && s.agentAfter(q) < 0
			}
		case cRespond:
			if !q.negated {
				c.respondCue = true
			}
		case cDecline:
			if !q.negated && !(c.accuseVerb && urgeWords[q.lowerKey]) { // "not ruling out further actions"
				// "condemned the hack and called on China to ...": the call
				// does not take back the condemnation
				c.declined = true
			}
		case cAccuse, cPred:
			if !q.negated && !q.hypo {
				c.accuseVerb = true
			} else if q.negated {
				negSaid = true
			}
		case cReport:
			if q.negated {
				negSaid = true // "we do not believe", "I can't comment"
			}
		case cAct:
			if !q.negated && !s.decisionTo(q) {
				act = true
			}
		}
	}
	if (kind == news.Indictment || kind == news.Sanction || act) && len(accused) == 0 {
		// the state named in a sanction, indictment or expulsion sentence
		// is its object
		for _, es := range s.ents {
			if es.ent.country != "" && es.ent.class != ecMedia && !inSpeaker[es.t0] && !containsStr(countries, es.ent.country) {
				if _, pw := s.prevWord(es.t0); !victimPreps[pw] || pw == "on" || pw == "against" {
					accused = appendUniq(accused, es.ent.country)
				}
			}
		}
	}
	lastAccused, lastActor := st.recentAccused(), st.recentActor()
	if len(accused) == 0 && s.hasAnaphor() {
		if len(lastAccused) > 0 {
			accused = removeAll(append([]string(nil), lastAccused...), countries)
		} else if lastActor != "" {
			accused = []string{lastActor}
		}
		perp = len(accused) > 0
	} else if lastActor != "" && s.hasAnaphor() && !containsStr(accused, lastActor) && len(lastAccused) == 0 {
		accused = append([]string{lastActor}, accused...)
	}
	a.accused, a.countries, a.perp, a.named, a.cyber = accused, countries, perp, named, cyber
	a.act, a.negSaid, a.bare = act, negSaid, bare
	a.speaker = speakerText
	switch {
	case kind != "" && bare && len(accused) == 0:
		// "that malicious cyberactivity is investigated and prosecuted":
		// no one acts on anyone
		kind = ""
	case !found:
		kind = ""
	case kind != "":
	case act && len(accused) > 0:
		kind = news.Other
	case c.accuseVerb && len(accused) > 0 && !c.declined:
		kind = news.Allegation
	case len(accused) > 0 && cyber && !c.declined && perp && negSaid:
		// "we do not believe the Russian government was involved", "not in
		// a position to attribute": about the accused, but no accusation
		kind = news.Other
	case len(accused) > 0 && cyber && !c.declined && perp:
		kind = news.Allegation
	case c.declined && len(accused) > 0 && cyber:
		kind = news.Other
	case c.respondCue:
		kind = news.Response
	case len(accused) > 0 && cyber:
		kind = news.Other
	default:
		kind = ""
	}
	a.ruleKind = kind
	a.fillFields(st)
	return a
}

func (st *docState) noteActor(ms []news.Mention, title bool) {
	if len(ms) > 0 {
		st.lastActor, st.actorAt = ms[len(ms)-1].Actor.Name, st.n
		if title {
			st.titleActor = st.lastActor
		}
	}
}

// anaphorReach is how many sentences back an anaphor may find its referent.
const anaphorReach = 3

func (st *docState) recentAccused() []string {
	if st.n-st.accusedAt > anaphorReach {
		return nil
	}
	return st.lastAccused
}

func (st *docState) recentActor() string {
	if st.lastActor != "" && st.n-st.actorAt <= anaphorReach {
		return st.lastActor
	}
	return st.titleActor
}

// sourceDocs: documents an official body issues; "according to a statement
// from the ministry" cites the ministry.
var sourceDocs = set(`statement statements report reports advisory advisories readout release releases bulletin alert notice filing filings
	documents document assessment assessments announcement communique communiqué indictment complaint affidavit letter press post posts`)

// skipSourceDoc: after "according to", the token where the body behind a
// cited document starts ("a joint statement by the Five Eyes" -> "the
// Five Eyes"), or i unchanged.
func (s *sent) skipSourceDoc(i int) int {
	k := i
	doc := false
	for n := 0; k < len(s.toks) && n < 6; k++ {
		t := s.toks[k]
		if !t.word {
			if t.lower == "-" {
				continue
			}
			return i
		}
		n++
		switch {
		case sourceDocs[t.lower] && s.entAt[k] < 0:
			doc = true
		case !doc && (t.lower == "a" || t.lower == "an" || t.lower == "the" || t.lower == "joint" || t.lower == "new" || t.lower == "official" || t.lower == "written" || t.lower == "court"):
		case doc && (t.lower == "from" || t.lower == "by" || t.lower == "of" || t.lower == "issued" || t.lower == "released" || t.lower == "published"):
			if t.lower == "issued" || t.lower == "released" || t.lower == "published" {
				if k+1 < len(s.toks) && s.toks[k+1].lower == "by" {
					k++
				}
			}
			return k + 1
		default:
			return i
		}
	}
	return i
}

// passive: "was accused", "to be held accountable".
func (s *sent) passive(c cueSpan) bool {
	if c.class == cReport || c.class == cRespond || c.class == cAccord || !strings.HasSuffix(s.toks[c.t0].lower, "ed") && s.toks[c.t0].lower != "held" {
		return false
	}
	pk, pw := s.prevWord(c.t0)
	if pw == "and" || pw == "or" { // "is investigated and prosecuted"
		if k, w := s.prevWord(pk); k >= 0 && strings.HasSuffix(w, "ed") {
			_, pw = s.prevWord(k)
		}
	}
	switch pw {
	case "been", "be", "being", "is", "are", "was", "were":
		return true
	}
	return false
}

// passiveBy: "has been sanctioned by X", "were indicted by X".
func (s *sent) passiveBy(c cueSpan) bool {
	if c.class == cReport || c.class == cRespond {
		return false
	}
	k, w := s.nextWord(c.t1)
	if k < 0 || w != "by" {
		return false
	}
	_, pw := s.prevWord(c.t0)
	switch pw {
	case "been", "was", "were", "be", "being", "is", "are":
		return true
	}
	return strings.HasSuffix(s.toks[c.t1-1].lower, "ed") // "a group accused by X"
}

// agentAfter: for a passive cue, the token after a later "by" in the same
// clause ("was arrested in an international operation led by the FBI"), or -1.
func (s *sent) agentAfter(c cueSpan) int {
	for k, n := c.t1, 0; k < len(s.toks) && n < 10; k++ {
		t := s.toks[k]
		if !t.word {
			if l := t.lower; l == "," || l == ";" || l == ":" || l == "—" || l == "–" || l == "." {
				return -1
			}
			continue
		}
		n++
		if t.lower == "by" {
			return k + 1
		}
		if t.lower == "that" || t.lower == "which" || t.lower == "who" {
			return -1
		}
	}
	return -1
}

// pronounBefore: the first-person subject of an infinitive's governing verb
// ("we will continue to hold", "I'm not in a position to attribute"),
// within the clause before token j, or -1.
func (s *sent) pronounBefore(j int) int {
	for k, n := j-1, 0; k >= 0 && n < 10; k-- {
		t := s.toks[k]
		if !t.word {
			if l := t.lower; l == "," || l == ";" || l == ":" || l == "—" || l == "–" {
				return -1
			}
			continue
		}
		n++
		if pronounsFirst[t.lower] && t.lower != "our" && t.lower != "us" {
			return k
		}
		if t.lower == "that" || t.lower == "which" || s.entAt[k] >= 0 {
			return -1
		}
	}
	return -1
}

// speakerCueOrder lists the cues with those outside quotation marks first:
// in '"Iran has nothing to do with these attacks," the spokesman told
// reporters' the speaker is the subject of "told", not of the quoted verb.
func (s *sent) speakerCueOrder() []cueSpan {
	inQuote := make([]bool, len(s.toks))
	open := false
	for i, t := range s.toks {
		switch t.lower {
		case "“":
			open = true
		case "”":
			open = false
		case "\"":
			open = !open
		}
		inQuote[i] = open
	}
	out := make([]cueSpan, 0, len(s.cues))
	for _, c := range s.cues {
		if !inQuote[c.t0] {
			out = append(out, c)
		}
	}
	for _, c := range s.cues {
		if inQuote[c.t0] {
			out = append(out, c)
		}
	}
	return out
}

func isQuote(s string) bool {
	return s == "\"" || s == "”" || s == "“" || s == "'" || s == "’"
}

func firstWord(s *sent) int {
	for k, t := range s.toks {
		if t.word {
			return k
		}
	}
	return -1
}

// sanctionsAsNounOnly: "sanctions" used as a topic ("the sanctions
// package", "sanctions policy") with no imposing verb nearby.
func (s *sent) sanctionsAsNounOnly(q cueSpan) bool {
	for k, n := q.t0-1, 0; k >= 0 && n < 4; k-- {
		if !s.toks[k].word {
			continue
		}
		n++
		switch s.toks[k].lower {
		case "imposed", "imposing", "impose", "imposes", "announced", "announcing", "new", "levied", "slapped", "signed", "apply", "applied", "applying", "placed", "issued", "sanctioned", "also",
			"responded", "retaliated", "adopted", "adopt", "adopts", "hit":
			return false
		}
	}
	k, w := s.nextWord(q.t1)
	if k >= 0 && (w == "on" || w == "against") {
		return false
	}
	if w == "executive" || w == "authorities" || w == "authority" || w == "designations" {
		return false
	}
	return true
}

// declinedBefore: "declined to impose sanctions", "refused to sanction".
func (s *sent) declinedBefore(qi int) bool {
	q := s.cues[qi]
	for i := qi - 1; i >= 0 && q.t0-s.cues[i].t1 <= 6; i-- {
		if s.cues[i].class == cDecline {
			return true
		}
	}
	return false
}

func (s *sent) possessive(i int) bool {
	return i < len(s.toks) && s.toks[i].lower == "'s"
}

// personIn finds a person's name in a speaker span: the capitalised words
// after a title or honorific ("Deputy Prime Minister Oliver Dowden",
// "Mr. Dowden"), or a name the document introduced earlier.
func (s *sent) personIn(st *docState, sp span) (string, []string) {
	// trailing run of capitalised words that are not entities
	b := sp.t1
	a := b
	for a > sp.t0 {
		t := s.toks[a-1]
		if t.word && t.cap && s.entAt[a-1] < 0 && !npWords[t.lower] || t.lower == "-" && a-1 > sp.t0 {
			a--
			continue
		}
		break
	}
	if a >= b {
		return "", nil
	}
	name := strings.Trim(s.text[s.toks[a].start:s.toks[b-1].end], "- ")
	titled := false
	if a > sp.t0 {
		p := a - 1
		if s.toks[p].lower == "." && p > sp.t0 {
			p--
		}
		if honorifics[s.toks[p].lower] {
			titled = true
		} else if e := s.ent(p); e != nil && (e.ent.class == ecTitle) {
			titled = true
		} else if s.ent(p) != nil && s.ent(p).ent.class != ecOfficial || npWords[s.toks[p].lower] && !functionWords[s.toks[p].lower] {
			titled = true // "Chinese Embassy spokesman in the US Liu Bangyu", not "the Department of Energy"
		}
	}
	words := strings.Fields(name)
	surname := strings.ToLower(words[len(words)-1])
	if len(words) == 1 {
		if p, ok := st.persons[surname]; ok {
			return p.name, p.country
		}
		if c := knownPeople[surname]; c != "" && titled {
			return name, []string{c}
		}
		if !titled {
			return "", nil
		}
	}
	if !titled && knownPeople[surname] == "" {
		return "", nil
	}
	cs := s.spanCountries(sp)
	if len(cs) == 0 {
		if p, ok := st.persons[surname]; ok {
			cs = p.country
		} else if c := knownPeople[surname]; c != "" {
			cs = []string{c}
		}
	}
	if len(cs) > 0 || st.persons[surname].name == "" {
		st.persons[surname] = person{name: name, country: cs}
	}
	return name, cs
}

// cleanSpeaker returns the speaker span as written, without leading
// determiners, with "the country's" replaced by the state it refers to.
func (s *sent) cleanSpeaker(sp span) string {
	a := sp.t0
	for a < sp.t1 && (s.toks[a].lower == "the" || s.toks[a].lower == "both" || s.toks[a].lower == "a" || s.toks[a].lower == "an") {
		a++
	}
	if a >= sp.t1 {
		return s.spanText(sp)
	}
	txt := s.text[s.toks[a].start:s.toks[sp.t1-1].end]
	if s.toks[a].lower == "country" && a > 0 && s.toks[a-1].lower == "the" {
		// "the country's government" -> "New Zealand's government"
		for k := sp.t0 - 1; k >= 0; k-- {
			if e := s.ent(k); e != nil && e.ent.class == ecCountry {
				return s.text[s.toks[e.t0].start:s.toks[e.t1-1].end] + txt[len("country"):]
			}
		}
	}
	return strings.TrimSuffix(strings.TrimSpace(txt), ",")
}

// resolve is the document-level pass: statements by the accused side are
// responses; response-cue statements by accusers are not.
func isCountryCode(s string) bool {
	if s == "EU" || s == "NATO" {
		return true
	}
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if containsStr(b, x) {
			return true
		}
	}
	return false
}

func containsStr(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func mergeUniq(a, b []string) []string {
	for _, x := range b {
		a = appendUniq(a, x)
	}
	return a
}

func removeAll(list, drop []string) []string {
	out := list[:0:0]
	for _, x := range list {
		if !containsStr(drop, x) {
			out = append(out, x)
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// hypothetical: adjectives that make an act a possibility.
var hypothetical = set("potential possible prospective future eventual threatened")

// decisionVerbs govern an infinitive that is itself the act: "the Council
// decided to impose restrictive measures", "voted to sanction".
var decisionVerbs = set("decided decides decide agreed agrees voted votes moved moves opted resolved chose")

// purposeTo: an indictment or sanction word inside an infinitive of purpose
// or intent ("a task force dedicated to prosecuting ransomware hackers",
// "required to designate", "plans to impose sanctions"): not an act, unless
// a decision verb governs it.
func (s *sent) purposeTo(q cueSpan) bool {
	for k, n := q.t0-1, 0; k >= 0 && n < 5; k-- {
		t := s.toks[k]
		if !t.word {
			continue
		}
		n++
		switch {
		case hypothetical[t.lower]:
			return true // "potential criminal charges"
		case t.lower == "to":
			_, pw := s.prevWord(k)
			return !decisionVerbs[pw]
		case lightVerbs[t.lower] || nounSkip[t.lower] || t.lower[0] >= '0' && t.lower[0] <= '9':
			continue
		}
		return false
	}
	return false
}

// definiteReference: "said the charges were politically motivated": a
// charge noun after a definite determiner, with no verb bringing it ("the
// charges unsealed on Monday" and "brought the charges" are acts).
func (s *sent) definiteReference(q cueSpan) bool {
	if !nounCues[q.lowerKey] {
		return false
	}
	pk, pw := s.prevWord(q.t0)
	if pw != "the" && pw != "these" && pw != "those" && pw != "such" {
		return false
	}
	if _, w := s.prevWord(pk); lightVerbs[w] {
		return false
	}
	switch _, nw := s.nextWord(q.t1); nw {
	case "unsealed", "filed", "announced", "brought", "returned":
		return false
	}
	return true
}

// mediaAfter: the speaker span is followed by "from/at/with" and a company or
// outlet ("investigators from Microsoft"): they speak for the company.
func (s *sent) mediaAfter(sp span) bool {
	k, w := s.nextWord(sp.t1)
	if k < 0 || k != sp.t1 || w != "from" && w != "at" && w != "with" {
		return false
	}
	k, w = s.nextWord(k + 1)
	if w == "the" {
		k, _ = s.nextWord(k + 1)
	}
	x := s.ent(k)
	return x != nil && x.ent.class == ecMedia
}

// urgeWords: decline cues that urge another party to act ("called on",
// "urged", "asked").
var urgeWords = set("called calls call calling urged urges asked")

// decisionNouns: "Albania's decision to cut ties", "the move to expel":
// an act named as a noun's complement is a reference to it, not the act.
var decisionNouns = set("decision decisions move moves plan plans threat threats vote")

func (s *sent) decisionTo(q cueSpan) bool {
	k, w := s.prevWord(q.t0)
	if w != "to" {
		return false
	}
	_, w = s.prevWord(k)
	return decisionNouns[w]
}

// coordinators end a reported clause: "The FBI said X, and the NCSC said Y".
var coordinators = set("and while whereas but ; — –")

// coordinatedBetween: a coordinator among the tokens [a, b).
func (s *sent) coordinatedBetween(a, b int) bool {
	for k := a; k < b && k < len(s.toks); k++ {
		if coordinators[s.toks[k].lower] {
			return true
		}
	}
	return false
}

// accusationWords: a response speaks of the accusations it answers.
var accusationWords = set(`allegation allegations accusation accusations accused accuse claims claim charges indictment indictments sanctions attribution smear smears slander
	slanderous baseless groundless unfounded fabricated fabrication hacking hacker hackers cyber`)
