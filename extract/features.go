package extract

import (
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

// features returns the feature names of an analysed sentence in st's
// document: words, word pairs, name classes, cues, the rules' findings and
// the context. The order is fixed; duplicates are allowed.
func (e *Extractor) features(st *docState, a *analysis) []string {
	s := a.s
	out := make([]string, 0, 4*len(s.toks)+32)
	// the word stream with names replaced by their class
	actorAt := a.actorTok
	prev := "<s>"
	seenClass := map[string]bool{}
	for i := 0; i < len(s.toks); i++ {
		t := s.toks[i]
		var w string
		switch {
		case s.entAt[i] >= 0:
			es := s.ents[s.entAt[i]]
			w = classTag[es.ent.class]
			i = es.t1 - 1
		case actorAt[i]:
			w = "ACTOR"
		case t.word:
			w = stem(t.lower)
		case isQuote(t.lower):
			w = "QUOTE"
		case t.lower == ":" || t.lower == "," || t.lower == "(" || t.lower == ")":
			w = t.lower
		default:
			continue
		}
		if w == "" {
			continue
		}
		if isUpperTag(w) {
			if !seenClass[w] {
				out = append(out, "e:"+w)
				seenClass[w] = true
			}
		} else if w != "," && w != "(" && w != ")" && w != ":" {
			out = append(out, "w:"+w)
		}
		// pairs of plain words overfit the style of the training text;
		// pairs with a name class, a quotation mark or a colon carry the
		// structure ("COUNTRY_accus", "QUOTE_said", "said_:")
		if isUpperTag(w) || isUpperTag(prev) || w == "QUOTE" || prev == "QUOTE" || w == ":" || prev == ":" {
			out = append(out, "b:"+prev+"_"+w)
		}
		prev = w
	}
	out = append(out, "b:"+prev+"_</s>")
	for _, c := range s.cues {
		f := "cue:" + cueTag[c.class]
		if c.negated {
			f += ":neg"
		} else if c.hypo {
			f += ":hypo"
		}
		out = append(out, f)
	}
	if a.ruleKind != "" {
		out = append(out, "rule:kind="+string(a.ruleKind))
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
		out = append(out, who+"&no-cue")
	}
	for _, c := range s.cues {
		if !c.negated {
			out = append(out, who+"&cue:"+cueTag[c.class])
		}
	}
	if len(a.accused) > 0 {
		out = append(out, who+"&accused")
	} else {
		out = append(out, who+"&no-accused")
	}
	if a.cyber {
		out = append(out, who+"&cyber")
	}
	for _, rf := range ruleFeatures {
		if rf.on(a) {
			out = append(out, rf.name)
		}
	}
	// context: the story's subject and sides
	if st.titleCyber {
		out = append(out, "p:cyber-story")
	}
	if len(st.publisher) > 0 {
		out = append(out, "p:official-publisher")
		if a.s.firstPerson() {
			out = append(out, "p:first-person-official")
		}
	} else if a.s.firstPerson() {
		out = append(out, "p:first-person")
	}
	if st.n-st.cyberAt <= 1 && st.cyberAt > 0 {
		out = append(out, "p:after-cyber-sentence")
	}
	for _, c := range a.countries {
		if st.accusedCount[c] > 0 {
			out = append(out, "p:speaker-is-accused-side")
			break
		}
	}
	if st.lastSpeaker != nil && st.n-st.spokeAt <= 1 {
		out = append(out, "p:after-statement", "p:after-"+string(st.lastSpeaker.Kind))
	}
	return out
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
