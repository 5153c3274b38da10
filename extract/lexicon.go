package extract

import (
	"strings"

	"github.com/newsdesk/newsdesk/news"
)

// entity classes
type eclass uint8

const (
	ecCountry  eclass = iota + 1 // "China", "the United States"
	ecDemonym                    // "Chinese", "British"
	ecCapital                    // "Beijing", "the Kremlin" (metonyms for governments)
	ecAgency                     // "NCSC", "FBI", "Treasury", "White House": official bodies of a state
	ecPerp                       // "MSS", "GRU", "SVR": state organs usually accused, not speaking
	ecTitle                      // "Prime Minister", "spokesman": official person titles
	ecOfficial                   // "government", "officials", "embassy": official nouns without a country
	ecMedia                      // "Sky News", "Reuters", "researchers", "Microsoft": not official speakers
)

type entity struct {
	class   eclass
	country string
	exact   string // if set, the text must match exactly (case-sensitive), e.g. "US"
}

type phrase struct {
	toks []string // lower case word tokens
	ent  entity
}

type lexicon struct {
	first map[string][]phrase // first token -> phrases, longest first
}

func (l *lexicon) add(text string, e entity) {
	toks := wordTokens(text)
	if len(toks) == 0 {
		return
	}
	ps := l.first[toks[0]]
	ps = append(ps, phrase{toks: toks, ent: e})
	// keep longest first (insertion sort, lists are short)
	for i := len(ps) - 1; i > 0 && len(ps[i].toks) > len(ps[i-1].toks); i-- {
		ps[i], ps[i-1] = ps[i-1], ps[i]
	}
	l.first[toks[0]] = ps
}

// wordTokens lower-cases and splits a lexicon phrase the way tokenize splits
// text (keeping "u.s." style abbreviations and "'s" whole).
func wordTokens(s string) []string {
	var out []string
	for _, t := range tokenize(s) {
		if t.word {
			out = append(out, t.lower)
		}
	}
	return out
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var lex = buildLexicon()

func buildLexicon() *lexicon {
	l := &lexicon{first: map[string][]phrase{}}
	add := func(class eclass, country, names string) {
		for _, n := range list(names) {
			e := entity{class: class, country: country}
			if strings.HasPrefix(n, "=") { // case-sensitive
				n = n[1:]
				e.exact = n
			}
			l.add(n, e)
		}
	}
	for _, c := range news.Countries {
		add(ecCountry, c.Code, c.Names)
		add(ecDemonym, c.Code, c.Demonyms)
		add(ecCapital, c.Code, c.Capitals)
	}
	add(ecAgency, "US", `FBI|Federal Bureau of Investigation|CISA|Cybersecurity and Infrastructure Security Agency|Cybersecurity & Infrastructure Security Agency|
		Cybersecurity and Infrastructure Agency|=NSA|National Security Agency|=DOJ|Department of Justice|Justice Department|State Department|Department of State|
		Treasury|Treasury Department|Department of the Treasury|OFAC|Office of Foreign Assets Control|Pentagon|Department of Defense|Defense Department|=DoD|=DOD|
		ODNI|Director of National Intelligence|Office of the Director of National Intelligence|Cyber Command|DHS|Department of Homeland Security|Homeland Security|
		Secret Service|=NSC|National Security Council|Biden Administration|Trump Administration|Obama Administration|Biden administration|Trump administration|
		U.S. government|US government|USG|Attorney General|Deputy Attorney General|Congress|State Department spokesperson|Commerce Department|Department of Commerce`)
	add(ecAgency, "GB", `NCSC|National Cyber Security Centre|GCHQ|MI5|MI6|Foreign Office|FCDO|Foreign, Commonwealth and Development Office|Foreign Commonwealth and Development Office|
		Home Office|House of Commons|House of Lords|National Crime Agency|=NCA|Ministry of Defence|Cabinet Office`)
	add(ecAgency, "NZ", "GCSB|Government Communications Security Bureau|NZSIS|NCSC New Zealand|NCSC-NZ")
	add(ecAgency, "AU", "=ASD|Australian Signals Directorate|ACSC|Australian Cyber Security Centre")
	add(ecAgency, "CA", "=CSE|Communications Security Establishment|Canadian Centre for Cyber Security|=CCCS|Global Affairs Canada")
	add(ecAgency, "DE", "=BfV|=BSI|Federal Office for the Protection of the Constitution|Bundestag")
	add(ecAgency, "FR", "ANSSI|Quai d'Orsay|CERT-FR|Agence nationale de la sécurité des systèmes d'information")
	// national CERTs and cyber agencies (government bodies only)
	add(ecAgency, "UA", "CERT-UA|Computer Emergency Response Team of Ukraine|SSSCIP|State Service of Special Communications and Information Protection|=SBU|Security Service of Ukraine|=GUR|Cyber Police")
	add(ecAgency, "EU", "CERT-EU")
	add(ecAgency, "NZ", "CERT NZ|=NCSC NZ")
	add(ecAgency, "NL", "NCSC-NL|=NCSC NL|Dutch National Cyber Security Centre")
	add(ecAgency, "DE", "Federal Office for Information Security|CERT-Bund")
	add(ecAgency, "JP", "=NISC|National Police Agency of Japan|Japan's National Police Agency")
	add(ecAgency, "PL", "=ABW|Internal Security Agency|CERT Polska|CERT-PL")
	add(ecAgency, "CZ", "NÚKIB|=NUKIB|National Cyber and Information Security Agency")
	add(ecAgency, "ES", "CCN-CERT")
	add(ecAgency, "KR", "=NIS|National Intelligence Service|KISA")
	add(ecAgency, "SG", "=CSA Singapore|Cyber Security Agency of Singapore")
	add(ecAgency, "NL", "AIVD|MIVD")
	add(ecAgency, "CN", "Ministry of Foreign Affairs of China|Chinese Foreign Ministry|CAC|Cyberspace Administration of China|CVERC|National Computer Virus Emergency Response Center")
	add(ecPerp, "CN", "=MSS|Ministry of State Security|=PLA|People's Liberation Army|People’s Liberation Army|Unit 61398")
	add(ecPerp, "RU", "=SVR|Foreign Intelligence Service|=GRU|Main Intelligence Directorate|General Staff Main Intelligence Directorate|Main Directorate|=FSB|Federal Security Service|GTsSS|GTsST|Unit 26165|Unit 74455")
	add(ecPerp, "IR", "IRGC|Islamic Revolutionary Guard Corps|Revolutionary Guard|Revolutionary Guards|=MOIS|Ministry of Intelligence and Security")
	add(ecPerp, "KP", "=RGB|Reconnaissance General Bureau")
	add(ecTitle, "", `President|Vice President|Prime Minister|Deputy Prime Minister|minister|Minister|Foreign Minister|Foreign Secretary|Home Secretary|Defence Secretary|
		Defense Secretary|Secretary|Secretary of State|Chancellor|Premier|spokesperson|spokesman|spokeswoman|spokespeople|spokespersons|ambassador|Ambassador|envoy|
		Attorney|Director|director|National Security Adviser|National Security Advisor|Deputy National Security Advisor|Deputy National Security Adviser|
		Press Secretary|press secretary|Commissioner|High Representative|Secretary General|Secretary-General|Coordinator|coordinator|Admiral|General|Senator|
		Chargé d'Affaires|deputy|Deputy|Assistant Secretary|Under Secretary|Special Agent|Lord|official|officials|senior administration official|senior administration officials|
		Senior Administration Official|Senior Administration Officials|diplomat|diplomats|prosecutor|prosecutors`)
	add(ecOfficial, "", `government|Government|governments|Governments|administration|Administration|authorities|ministry|Ministry|embassy|Embassy|consulate|Consulate|agency|agencies|
		department|Department|police|Police|intelligence community|Intelligence Community|intelligence agencies|intelligence services|law enforcement|cabinet|Cabinet|
		parliament|Parliament|foreign ministry|Foreign Ministry|Ministry of Foreign Affairs|mission|representative agencies|representative offices|
		security services|Intelligence Committee|the Council|ministries|cybersecurity agency|cyber agency|regulators|investigators|allies and partners|Allies and partners|allies|partners|Five Eyes|G7|Group of Seven|bureau|Bureau|bloc|Bloc`)
	add(ecMedia, "", `news|News|newspaper|website|outlet|outlets|media|broadcaster|reported|reports|report|Reuters|AFP|Associated Press|=AP|BBC|CNN|Sky News|Xinhua|
		Global Times|TASS|RIA Novosti|Kyodo|Yonhap|Guardian|Telegraph|Times|Post|Journal|researchers|analysts|experts|company|firm|firms|vendor|vendors|
		Microsoft|Mandiant|CrowdStrike|Google|Proofpoint|Recorded Future|Symantec|ESET|Kaspersky|Palo Alto|Unit 42|Secureworks|CTU|Volexity|Citizen Lab|
		PhishLabs|Prodaft|Talos|Cisco|Check Point|Trend Micro|FireEye|Dragos|Threatpost|Nzherald|NZ Herald|blog|Wikipedia|lawmakers|MPs|senators`)
	return l
}

// vocabulary used by the rules (lower case)
var (
	npWords = set(`the a an both its their his her our of and & for in at to 's ’s ' ’ , ( ) - . deputy foreign senior chief national federal state defence defense
		security intelligence cyber representative top acting special joint international allied law enforcement administration official officials spokesman
		spokesperson spokeswoman minister ministry ministries embassy government governments authorities agencies agency department prosecutors prosecutor country nation nations
		allies partners community unit public affairs general office council services service director secretary president prime mr mrs ms dr sen gov rep
		counterparts leaders diplomats countries partner consulate commission committee bureau centre center coordinator adviser advisor press white house assistant principal
		permanent mission military police investigators team officers documents filings court advisory advisories bulletin alert statement`)
	skipWords = set(`has have had is are was were be been being will would shall should can could may might must also further formally publicly jointly strongly
		today now again already firmly 're 've 'll 'd 'm 's repeatedly previously later earlier separately similarly additionally then just do does did ve re ll d 's ’s ' ’ — – - ,
		( ) had yesterday officially quickly swiftly reportedly allegedly likely once even still however too all together themselves itself unanimously deeply very gravely seriously greatly increasingly long
		continue continues continued continuing`)
	leadStrip = set(`the a an both on in at meanwhile however today yesterday also last earlier separately furthermore finally additionally under after before
		following according so and but first second third then now moreover thus indeed`)
	pronounsFirst = set("we i our us")
	pronounsThird = set("he she they")
	locPrep       = set("in to at for from")
	perpHeads     = set(`state state-sponsored state-backed state-affiliated state-linked government regime hackers hacker actors actor operators operatives spies spy agents
		officers intelligence military group groups entity entities unit companies company nationals cyber cyberattack cyberattacks cyberattack attack attacks
		firm firms hacking espionage origin services service officials diplomats threat apt sponsored backed affiliated linked directed activity activities operation operations
		foreign main general`)
	attackNouns = set(`cyberattack cyberattacks cyber-attack cyber-attacks attack attacks hack hacks hacking compromise compromises intrusion intrusions campaign
		campaigns operation operations activity activities behavior behaviour conduct use pattern malicious harmful theft espionage interference
		cyberespionage breach breaches incident spying targeting exploitation`)
	nounCues = set(`sanctions sanction indictment indictments charges charge designation designations bounty reward expulsion expulsions criminal complaint
		arrest warrant attribution restrictive representations`)
	nounSkip = set(`a an the new further additional fresh more sweeping criminal financial several tough targeted economic its their first-ever
		first ever 5m $ with million billion m bn solemn stern strong formal diplomatic cyber cyber-related`)
	cyberContext = set(`cyber cyberattack cyberattacks cyberspace hack hacked hacking hackers hacker intrusion intrusions espionage breach breached compromise
		compromised ransomware malware malicious attack attacks attacked ddos phishing exploited exploit vulnerabilities networks spying spied infiltrated
		stole stolen theft steal stealing data hacktivism hacktivist hacktivists
		interference election sanctions sanctioned indicted charged indictment`)
	anaphors = set(`the-cyberattack the-attack the-attacks the-hackers the-group the-campaign the-incident this-incident the-intrusion the-breach the-operation
		these-hackers the-defendants the-actors this-activity the-activity the-compromise these-actors the-perpetrators
		the-individuals these-individuals those-individuals the-suspects these-suspects the-accused these-men the-men
		the-officers these-officers those-officers the-agents the-spies the-operatives the-unit the-hacking the-intrusions`)
)

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// cue classes
type cclass uint8

const (
	cReport   cclass = iota + 1 // said, announced, assessed
	cAccuse                     // accused, attributed, blamed, condemned
	cIndict                     // indicted, charged
	cSanction                   // sanctioned, designated
	cRespond                    // denied, rejected, baseless, slander
	cDecline                    // declined, does not want
	cAccord                     // according (to)
	cPred                       // responsible, behind, linked: the subject is the accused, not a speaker
	cAct                        // expelled, summoned, bounty: official acts of kind other
)

type cue struct {
	toks  []string
	class cclass
	verb  bool // can head a clause: its subject is a speaker candidate
}

var cues = buildCues()

func buildCues() map[string][]cue {
	m := map[string][]cue{}
	add := func(class cclass, verb bool, s string) {
		for _, p := range list(s) {
			toks := wordTokens(p)
			c := cue{toks: toks, class: class, verb: verb}
			cs := append(m[toks[0]], c)
			for i := len(cs) - 1; i > 0 && len(cs[i].toks) > len(cs[i-1].toks); i-- {
				cs[i], cs[i-1] = cs[i-1], cs[i]
			}
			m[toks[0]] = cs
		}
	}
	add(cReport, true, `said|says|say|saying|stated|announced|announces|announce|announcing|told|tells|added|noted|notes|note|reveal|reveals|shared|comment|commented|commenting|declared|declares|confirmed|confirms|
		revealed|disclosed|warned|warns|warning|concluded|concludes|claimed|claims|asserted|wrote|believe|believes|believed|
		assess|assesses|assessed|assessing|judge|judges|judged|determined|found|finds|issued|issues|released|releases|outline|outlines|identified|identifies|
		made clear|making clear|stressed|emphasized|emphasised|insisted|argued|explained|voiced|expressed|raised|concerned|aware|see|seen|know|
		is deeply concerned|have concluded|has concluded|high confidence|confident|publish|published|admitting|admitted|in a statement|tweeted|posted|
		issuing|releasing|publishing|approved|signed|offered|announcing|have evidence|has evidence|have information|has information|have technical information|
		have intelligence|has intelligence|called|calls|calling|described|describes|describing|branded|brands|branding|labelled|labeled|termed`)
	add(cAccuse, true, `accused|accuses|accuse|accusing|alleged|alleges|allege|alleging|attributed|attributes|attribute|attributing|blamed|blames|blame|blaming|naming|named|names|
		condemned|condemns|condemn|condemning|called out|calling out|call out|calls out|exposed|exposing|expose|exposes|criticizing|criticized|criticize|
		criticising|criticised|held accountable|hold|holding|fingered|pointed the finger|pointing the finger|points the finger|point the finger|
		shamed|shaming|join|joining|joined`)
	add(cPred, false, `links|link|linked|linking|tied|ties|traced|traces|tracing|implicated|responsible|behind|perpetrator|perpetrators|culprit|attribution`)
	add(cAct, true, `expelling|expelled|expel|expels|expulsion|expulsions|summoned|summons|bounty|reward|wanted|arrested|detained|extradited|
		severed diplomatic|severed ties|severs diplomatic|severs ties|sever diplomatic|sever ties|severing diplomatic|severing ties|
		cut diplomatic|cuts diplomatic|cutting diplomatic|cut ties|cuts ties|cutting ties|broke off diplomatic|breaks off diplomatic|break off diplomatic|
		recalled its ambassador|recalls its ambassador|recall its ambassador|recalling its ambassador|recalled ambassador|recalls ambassador|recalling ambassador|
		recalled the ambassador|recalled their ambassador|recalled her ambassador|recalled his ambassador|recalled its envoy|recalls its envoy|recalls envoy|recalled envoy`)
	add(cIndict, true, `indicted|indicts|indict|indictment|indictments|charged|charges|charge|charging|criminal complaint|unsealed|prosecuted|prosecuting|
		arrest warrant|arrest warrants|extradition`)
	add(cSanction, true, `sanctioned|sanctions|sanction|sanctioning|designated|designates|designate|designating|designation|designations|asset freeze|
		assets frozen|froze|freezing|travel ban|travel bans|entity list|blacklisted|blacklist|restrictive measures`)
	add(cRespond, true, `denied|denies|deny|denying|denial|rejected|rejects|reject|rejecting|dismissed|dismisses|dismissing|baseless|groundless|unfounded|
		slander|slanderous|smear|smears|smearing|fabricated|fabrication|no evidence|without evidence|protest|protests|protested|protesting|opposition|opposes|
		oppose|opposed|politically motivated|political manipulation|so-called|representations|countermeasures|retaliate|hypocrisy|hypocritical|nonsense|
		absurd|unsubstantiated|hacking empire|russophobia|russophobic|lies|false accusations|no involvement|nothing to do with|not involved|
		groundless accusations|unwarranted|firmly opposes|strongly opposes|resolutely opposes|deplored|irresponsible accusations|counter-accused|smeared|
		refuted|refutes|refuting|rebuffed|rebutted|no basis|without basis|disinformation campaign`)
	add(cDecline, true, `does not want|did not want|doesn't want|do not want|declined|declines|decline|refused|refuses|ruled out|rules out|no plans|
		will not|won't|would not|not to|urged|urges|called on|calls on|call on|asked|ruling out|rule out|no intention|not plan|not planning|not intend|
		stopped short|stops short|stop short|stopping short|no further punitive|no further measures|no further action|no further steps|
		no new measures|no immediate plans`)
	add(cAccord, false, "according to")
	// every inflection of the common reporting and accusing verbs, so that
	// a form the lists above do not spell out ("confirming", "assessing",
	// "sees") is still a cue; the lists above win where they already have
	// the form (first added, first matched)
	add(cReport, true, verbForms(`say tell announce add note reveal !share comment declare confirm disclose warn conclude claim assert write believe
		assess judge determine find !issue !release outline identify stress emphasize emphasise insist argue explain express raise see know publish
		admit tweet approve observe detect reiterate highlight acknowledge indicate !suspect convey underline underscore think`))
	add(cReport, true, `make it clear|makes it clear|made it clear|making it clear|make clear|makes clear|make plain|made plain|making plain|
		have concluded|has concluded|had concluded|in a statement|in a joint statement|in a joint advisory|in an advisory`)
	add(cAccuse, true, verbForms(`accuse allege attribute blame !name condemn expose criticize criticise hold finger shame denounce call-out implicate
		rebuke`))
	return m
}

// irregular verb forms: lemma -> third person, past, past participle, -ing
var irregular = map[string][]string{
	"say": {"says", "said", "saying"}, "tell": {"tells", "told", "telling"}, "find": {"finds", "found", "finding"},
	"write": {"writes", "wrote", "written", "writing"}, "see": {"sees", "saw", "seen", "seeing"}, "know": {"knows", "knew"},
	"hold": {"holds", "held", "holding"}, "make": {"makes", "made", "making"}, "tie": {"ties", "tied", "tying"},
	"think": {"thinks", "thought", "thinking"}, "admit": {"admits", "admitted", "admitting"},
}

// verbForms expands lemmas ("confirm") into their inflections ("confirm|
// confirms|confirmed|confirming"), joined by "|" for the cue lists. A
// hyphenated lemma ("call-out") inflects its first word; a lemma marked "!"
// ("!issue") is also a common noun, so its bare form is left out.
func verbForms(lemmas string) string {
	var out []string
	for _, l := range strings.Fields(lemmas) {
		bare := !strings.HasPrefix(l, "!")
		l = strings.TrimPrefix(l, "!")
		rest := ""
		if i := strings.IndexByte(l, '-'); i > 0 {
			l, rest = l[:i], " "+l[i+1:]
		}
		var forms []string
		if bare {
			forms = append(forms, l)
		}
		if irr, ok := irregular[l]; ok {
			forms = append(forms, irr...)
		} else {
			forms = append(forms, inflect(l)...)
		}
		for _, f := range forms {
			out = append(out, f+rest)
		}
	}
	return strings.Join(out, "|")
}

// inflect: regular English inflection (-s, -ed, -ing) of a lemma.
func inflect(l string) []string {
	n := len(l)
	vowel := func(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
	switch {
	case strings.HasSuffix(l, "ee"):
		return []string{l + "s", l + "d", l + "ing"}
	case strings.HasSuffix(l, "e"):
		return []string{l + "s", l + "d", l[:n-1] + "ing"}
	case n > 1 && l[n-1] == 'y' && !vowel(l[n-2]):
		return []string{l[:n-1] + "ies", l[:n-1] + "ied", l + "ing"}
	case strings.HasSuffix(l, "s") || strings.HasSuffix(l, "sh") || strings.HasSuffix(l, "ch") || strings.HasSuffix(l, "x"):
		return []string{l + "es", l + "ed", l + "ing"}
	}
	return []string{l + "s", l + "ed", l + "ing"}
}

// confidence phrases, longest first per first token
var confidences = func() map[string][]struct {
	toks  []string
	level string
} {
	m := map[string][]struct {
		toks  []string
		level string
	}{}
	add := func(level, s string) {
		for _, p := range list(s) {
			toks := wordTokens(p)
			e := struct {
				toks  []string
				level string
			}{toks, level}
			es := append(m[toks[0]], e)
			for i := len(es) - 1; i > 0 && len(es[i].toks) > len(es[i-1].toks); i-- {
				es[i], es[i-1] = es[i-1], es[i]
			}
			m[toks[0]] = es
		}
	}
	add("almost certain", "almost certainly|almost certain|almost certainty|near certain|near certainty|nearly certain|virtually certain|near-certain|all but certain")
	add("highly likely", "highly likely|very likely|high confidence|high degree of confidence|high degree of certainty|high level of certainty|highly probable|very probably|very probable|high level of confidence")
	add("highly unlikely", "highly unlikely|very unlikely|extremely unlikely")
	add("unlikely", "unlikely|improbable|probably not")
	add("realistic possibility", "realistic possibility|low confidence|low to moderate confidence|low-to-moderate confidence|low-to-medium confidence|low degree of confidence")
	add("remote chance", "remote chance|remote possibility")
	add("likely", "likely|probably|probable|moderate confidence|medium confidence|moderate degree of confidence")
	return m
}()
