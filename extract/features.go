package extract

import (
	"slices"
	"strings"
	"unicode"
)

// Feature names are the model's vocabulary. Each kind has a prefix:
//
//	w:said          a word (lower case, crudely stemmed), outside names
//	b:COUNTRY_accus two consecutive tokens, one a name class, a quotation
//	                mark or a colon
//	e:AGENCY        a name class in the sentence (COUNTRY, DEMONYM, CAPITAL,
//	                AGENCY, PERP, TITLE, OFFICIAL, MEDIA, ACTOR)
//	cue:accuse      a cue of the rules' lexicon, by class (and cue:accuse:neg)
//	rule:...        a rule's finding, named in ruleFeatures
//	p:...           the paragraph and document around the sentence
//
// They are documented here and listed by `newsdesk extract --explain`.

// ruleFeatures names each finding of the rules that becomes a feature.
var ruleFeatures = []struct {
	name string
	on   func(a *analysis) bool
}{
	{"rule:speaker-official", func(a *analysis) bool { return a.found }},
	{"rule:speaker-medium", func(a *analysis) bool { return a.media }},
	{"rule:speaker-none", func(a *analysis) bool { return !a.found && !a.media }},
	{"rule:accused", func(a *analysis) bool { return len(a.accused) > 0 }},
	{"rule:accused-actor", func(a *analysis) bool { return a.named }},
	{"rule:perpetration", func(a *analysis) bool { return a.perp }},
	{"rule:cyber", func(a *analysis) bool { return a.cyber }},
	{"rule:respond-cue", func(a *analysis) bool { return a.respondCue }},
	{"rule:declined", func(a *analysis) bool { return a.declined }},
	{"rule:accuse-verb", func(a *analysis) bool { return a.accuseVerb }},
	{"rule:official-act", func(a *analysis) bool { return a.act }},
	{"rule:negated-saying", func(a *analysis) bool { return a.negSaid }},
	{"rule:agentless", func(a *analysis) bool { return a.bare }},
	{"rule:anaphor", func(a *analysis) bool { return a.anaphor }},
	{"rule:question", func(a *analysis) bool { return a.question }},
	{"rule:short", func(a *analysis) bool { return a.short }},
	{"rule:transcript-turn", func(a *analysis) bool { return a.turn }},
	{"rule:headline", func(a *analysis) bool { return a.off < 0 }},
	{"rule:confidence", func(a *analysis) bool { return a.confidence != "" }},
	{"rule:targets", func(a *analysis) bool { return len(a.targets) > 0 }},
	{"rule:conditional", func(a *analysis) bool { return len(a.s.conditions()) > 0 }},
	{"rule:quoted-question", func(a *analysis) bool { return len(a.s.quotedQuestions()) > 0 }},
	{"p:reporter-question", func(a *analysis) bool { return a.para.question }},
	{"p:opens-with-question", func(a *analysis) bool { return a.para.opensQ }},
	{"p:official-turn", func(a *analysis) bool { return a.para.label }},
	{"p:caption", func(a *analysis) bool { return a.para.caption }},
	{"p:byline", func(a *analysis) bool { return a.para.byline }},
	{"p:first-sentence", func(a *analysis) bool { return a.para.first }},
	{"p:after-colon-quote", func(a *analysis) bool { return a.para.colonQuote }},
}

var classTag = map[eclass]string{
	ecCountry: "COUNTRY", ecDemonym: "DEMONYM", ecCapital: "CAPITAL", ecAgency: "AGENCY",
	ecPerp: "PERP", ecTitle: "TITLE", ecOfficial: "OFFICIAL", ecMedia: "MEDIA",
}

var cueTag = map[cclass]string{
	cReport: "report", cAccuse: "accuse", cIndict: "indict", cSanction: "sanction",
	cRespond: "respond", cDecline: "decline", cAccord: "according", cPred: "responsible", cAct: "act",
}

// A featureWriter builds each feature name of a sentence in one buffer
// and hands it to emit, which must not keep it: the model looks names up
// without a string made for each (see model.Scorer).
type featureWriter struct {
	buf  []byte
	emit func(name []byte)
}

// add emits the name made of parts.
func (w *featureWriter) add(parts ...string) {
	w.buf = w.buf[:0]
	for _, p := range parts {
		w.buf = append(w.buf, p...)
	}
	w.emit(w.buf)
}

// featureNames returns the feature names of an analysed sentence in st's
// document (see features).
func (e *Extractor) featureNames(st *docState, a *analysis) []string {
	out := make([]string, 0, 4*len(a.s.toks)+32)
	e.features(st, a, &featureWriter{emit: func(name []byte) { out = append(out, string(name)) }})
	return out
}

// features writes the feature names of an analysed sentence in st's
// document to w: words, word pairs, name classes, cues, the rules'
// findings and the context. The order is fixed; duplicates are allowed.
func (e *Extractor) features(st *docState, a *analysis, w *featureWriter) {
	s := a.s
	// the word stream with names replaced by their class
	actorAt := a.actorTok
	prev := "<s>"
	var seenClass []string // the name classes written, a handful at most
	for i := 0; i < len(s.toks); i++ {
		t := s.toks[i]
		var wd string
		switch {
		case s.entAt[i] >= 0:
			es := s.ents[s.entAt[i]]
			wd = classTag[es.ent.class]
			i = es.t1 - 1
		case actorAt[i]:
			wd = "ACTOR"
		case t.word:
			wd = stem(t.lower)
		case isQuote(t.lower):
			wd = "QUOTE"
		case t.lower == ":" || t.lower == "," || t.lower == "(" || t.lower == ")":
			wd = t.lower
		default:
			continue
		}
		if wd == "" {
			continue
		}
		if isUpperTag(wd) {
			if !slices.Contains(seenClass, wd) {
				w.add("e:", wd)
				seenClass = append(seenClass, wd)
			}
		} else if wd != "," && wd != "(" && wd != ")" && wd != ":" {
			w.add("w:", wd)
		}
		// pairs of plain words overfit the style of the training text;
		// pairs with a name class, a quotation mark or a colon carry the
		// structure ("COUNTRY_accus", "QUOTE_said", "said_:")
		if isUpperTag(wd) || isUpperTag(prev) || wd == "QUOTE" || prev == "QUOTE" || wd == ":" || prev == ":" {
			w.add("b:", prev, "_", wd)
		}
		prev = wd
	}
	w.add("b:", prev, "_</s>")
	for _, c := range s.cues {
		switch {
		case c.negated:
			w.add("cue:", cueTag[c.class], ":neg")
		case c.hypo:
			w.add("cue:", cueTag[c.class], ":hypo")
		default:
			w.add("cue:", cueTag[c.class])
		}
	}
	if a.ruleKind != "" {
		w.add("rule:kind=", string(a.ruleKind))
	}
	// conjunctions: who speaks, with what cue, about whom
	who := "x:speaker-none"
	switch {
	case a.found:
		who = "x:speaker-official"
	case a.media:
		who = "x:speaker-medium"
	}
	if len(s.cues) == 0 {
		w.add(who, "&no-cue")
	}
	for _, c := range s.cues {
		if !c.negated {
			w.add(who, "&cue:", cueTag[c.class])
		}
	}
	if len(a.accused) > 0 {
		w.add(who, "&accused")
	} else {
		w.add(who, "&no-accused")
	}
	if a.cyber {
		w.add(who, "&cyber")
	}
	for _, rf := range ruleFeatures {
		if rf.on(a) {
			w.add(rf.name)
		}
	}
	// context: the story's subject and sides
	if st.titleCyber {
		w.add("p:cyber-story")
	}
	if len(st.publisher) > 0 {
		w.add("p:official-publisher")
		if a.s.firstPerson() {
			w.add("p:first-person-official")
		}
	} else if a.s.firstPerson() {
		w.add("p:first-person")
	}
	if st.n-st.cyberAt <= 1 && st.cyberAt > 0 {
		w.add("p:after-cyber-sentence")
	}
	for _, c := range a.countries {
		if st.accusedCount[c] > 0 {
			w.add("p:speaker-is-accused-side")
			break
		}
	}
	if st.lastSpeaker != nil && st.n-st.spokeAt <= 1 {
		w.add("p:after-statement")
		w.add("p:after-", string(st.lastSpeaker.Kind))
	}
}

func isUpperTag(w string) bool {
	for _, r := range w {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// firstPerson: the sentence speaks as "we" or "I" outside quotation marks.
func (s *sent) firstPerson() bool {
	inQuote := false
	for _, t := range s.toks {
		if isQuote(t.lower) {
			inQuote = !inQuote
			continue
		}
		if t.word && !inQuote && (t.lower == "we" || t.lower == "i" || t.lower == "our") {
			return true
		}
	}
	return false
}

// stem folds the common inflections of English words, so that "accuses",
// "accused" and "accusing" share a feature. It is deliberately crude.
func stem(w string) string {
	if len(w) > 40 {
		return ""
	}
	if len(w) > 0 && w[0] >= '0' && w[0] <= '9' {
		if len(w) == 4 {
			return "<year>"
		}
		return "<num>"
	}
	for _, suf := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) && !strings.HasSuffix(w, "ss") {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}
