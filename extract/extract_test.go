package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/news"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Floors of the development sets in this file, set below the model's first
// run on them (rules 103 of 116, documents 14 of 18): a regression fails, an
// improvement is logged. They are development sets: a change that only
// moves them proves little; only a frozen test set (data/test) measures.
const (
	rulesFloor         = 95
	documentRulesFloor = 12
)

// seedDoc parses the seed article the way ingest does: headline, caption
// ending "(Source: ...) |", paragraphs, a trailing "Source" and comment line.
func seedDoc(t testing.TB) news.Document {
	b, err := os.ReadFile("testdata/apt31-accusations-2024-03.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) < 5 || !strings.HasSuffix(lines[1], "|") || lines[len(lines)-2] != "Source" {
		t.Fatalf("seed file has an unexpected shape")
	}
	return news.Document{
		Title:     lines[0],
		Body:      strings.Join(lines[2:len(lines)-2], "\n"),
		Published: time.Date(2024, 3, 26, 0, 0, 0, 0, time.UTC),
	}
}

type output struct {
	Statements []news.Statement `json:"statements"`
}

func TestGoldenSeed(t *testing.T) {
	doc := seedDoc(t)
	sts, err := New(nil).Document(doc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(output{sts}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const golden = "testdata/apt31-accusations-2024-03.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./extract -run GoldenSeed -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("statements differ from %s (go test -run GoldenSeed -update, then review the diff):\n%s", golden, got)
	}
	// every statement the seed gave before the statement model, it still gives
	before, err := os.ReadFile("testdata/apt31-accusations-2024-03.before-model.json")
	if err != nil {
		t.Fatal(err)
	}
	var old output
	if err := json.Unmarshal(before, &old); err != nil {
		t.Fatal(err)
	}
	for _, o := range old.Statements {
		i := slices.IndexFunc(sts, func(s news.Statement) bool { return s.Sentence == o.Sentence })
		if i < 0 {
			t.Errorf("the seed no longer gives %s %q", o.Kind, o.Sentence)
			continue
		}
		if s := sts[i]; s.Kind != o.Kind || !sameSet(s.SpeakerCountry, o.SpeakerCountry) || !sameAccused(s.Accused, o.Accused) {
			t.Errorf("%q: got %s %v -> %v, before the model %s %v -> %v", o.Sentence, s.Kind, s.SpeakerCountry, s.Accused, o.Kind, o.SpeakerCountry, o.Accused)
		}
	}
	// the expectations of issue 3, stated independently of the golden file
	for _, s := range sts {
		if s.Offset >= 0 && doc.Body[s.Offset:s.Offset+len(s.Sentence)] != s.Sentence {
			t.Errorf("offset %d does not give %q", s.Offset, s.Sentence)
		}
		for _, bad := range []string{"China is being accused by the West", "Defense contractors, dissidents"} {
			if strings.Contains(s.Sentence, bad) {
				t.Errorf("context sentence taken as a statement: %q", s.Sentence)
			}
		}
	}
	find := func(sub string) news.Statement {
		t.Helper()
		for _, s := range sts {
			if strings.Contains(s.Sentence, sub) {
				return s
			}
		}
		t.Fatalf("no statement for %q", sub)
		return news.Statement{}
	}
	tests := []struct {
		sub, kind, speaker string
		countries, accused []string
		confidence         string
	}{
		{"US, UK and New Zealand officials accused", "allegation", "US, UK and New Zealand officials", []string{"US", "GB", "NZ"}, []string{"CN"}, ""},
		{"Beijing voiced its opposition", "response", "Beijing", []string{"CN"}, nil, ""},
		{"Chinese state-affiliated cyber entity", "allegation", "Oliver Dowden", []string{"GB"}, []string{"CN"}, "highly likely"},
		{"almost certainty", "allegation", "Oliver Dowden", []string{"GB"}, []string{"APT31", "CN"}, "almost certain"},
		{"have indicted APT31", "indictment", "Britain and the United States", []string{"GB", "US"}, []string{"APT31"}, ""},
		{"In an indictment unsealed", "indictment", "US prosecutors", []string{"US"}, []string{"APT31"}, ""},
		{"imposed sanctions on Wuhan", "sanction", "UK and the US", []string{"GB", "US"}, []string{"CN", "Wuhan Xiaoruizhi Science and Technology"}, ""},
		{"backed by the Chinese state", "allegation", "New Zealand government", []string{"NZ"}, []string{"CN"}, ""},
		{"does not want to apply sanctions", "other", "New Zealand's government", []string{"NZ"}, []string{"CN"}, ""},
		{"issued statements of protest", "response", "Chinese representative agencies in the US and UK", []string{"CN"}, nil, ""},
		{"completely baseless and malicious slander", "response", "Chinese Embassy in the UK", []string{"CN"}, nil, ""},
		{"Liu Bangyu accused", "response", "Liu Bangyu", []string{"CN"}, []string{"US"}, ""},
	}
	for _, tt := range tests {
		s := find(tt.sub)
		if string(s.Kind) != tt.kind || s.Speaker != tt.speaker || !sameSet(s.SpeakerCountry, tt.countries) || !sameAccused(s.Accused, tt.accused) || s.Confidence != tt.confidence {
			t.Errorf("%q: got %s %q %v -> %v %q, want %s %q %v -> %v %q", tt.sub, s.Kind, s.Speaker, s.SpeakerCountry, s.Accused, s.Confidence,
				tt.kind, tt.speaker, tt.countries, tt.accused, tt.confidence)
		}
	}
	if s := find("Electoral Commission"); !slices.Contains(s.Targets, "Electoral Commission") {
		t.Errorf("targets = %v, want the Electoral Commission", s.Targets)
	}
	if s := find("In an indictment unsealed"); s.EventDate != "2024-03-25" {
		t.Errorf("event date = %q, want 2024-03-25", s.EventDate)
	}
}

// TestCaptionsAreNotSpeakers: a photo caption, a picture credit or a
// headline's publisher never becomes a statement's speaker.
func TestCaptionsAreNotSpeakers(t *testing.T) {
	doc := news.Document{
		Title: "Britain accuses China of hacking the Electoral Commission",
		Body: "Britain on Monday accused China of hacking the Electoral Commission, the deputy prime minister said.\n" +
			"Pictured: the Chinese embassy in London. (Photo: Reuters/Toby Melville)\n" +
			"Image credit: Getty Images\n" +
			"The Chinese embassy called the accusations groundless.",
		Publisher: "Sky News",
	}
	sts, err := New(nil).Document(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) == 0 {
		t.Fatal("no statement at all")
	}
	for _, s := range sts {
		for _, bad := range []string{"Reuters", "Getty", "Sky", "Toby Melville"} {
			if strings.Contains(s.Speaker, bad) || strings.Contains(s.Sentence, "Photo:") || strings.Contains(s.Sentence, "Image credit") {
				t.Errorf("caption, credit or publisher as a statement or speaker (%s): %+v", bad, s)
			}
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// Rules for the language of attribution in general, on sentences written for
// this test (not from the evaluation set).
// TestRules is a development set of one-sentence cases (the old rules'
// unit cases, now judging the model): how many it gets entirely right is
// logged with each miss, and a regression below rulesFloor fails. Agencies
// in accused ("GRU") may come with the state the case names.
func TestRules(t *testing.T) {
	e := New(nil)
	right, total := 0, 0
	tests := []struct {
		name, text         string
		kind               string // "" = no statement
		countries, accused []string
		confidence         string
	}{
		{"ncsc assessment", "The NCSC said Russia's GRU was almost certainly behind the attacks on the ministry.", "allegation", []string{"GB"}, []string{"RU"}, "almost certain"},
		{"inverted said", `"We call on Beijing to stop," said Foreign Secretary David Cameron.`, "", nil, nil, ""},
		{"company is not official", "Microsoft said Volt Typhoon, a Chinese state-sponsored group, hacked US utilities.", "", nil, nil, ""},
		{"researchers", "Mandiant researchers assessed with high confidence that APT44 conducted the attack.", "", nil, nil, ""},
		{"passive agent", "Lazarus Group was sanctioned by the US Treasury on Friday.", "sanction", []string{"US"}, []string{"Lazarus Group"}, ""},
		{"designation", "The Treasury Department designated two Iranian companies tied to the IRGC.", "sanction", []string{"US"}, []string{"IR"}, ""},
		{"charges", "The Justice Department charged seven Chinese nationals with hacking on behalf of the MSS.", "indictment", []string{"US"}, []string{"CN"}, ""},
		{"kremlin denial", "The Kremlin dismissed the accusations as groundless Russophobia.", "response", []string{"RU"}, nil, ""},
		{"foreign ministry", "Chinese foreign ministry spokesperson Mao Ning said the claims were a smear.", "response", []string{"CN"}, nil, ""},
		{"eu bloc", "The European Union condemned the malicious cyber activity attributed to APT28.", "allegation", []string{"EU"}, []string{"APT28"}, ""},
		{"nato", "NATO allies accused Russia of cyber attacks against Czech infrastructure.", "allegation", []string{"NATO"}, []string{"RU"}, ""},
		{"question", "Did the FBI attribute the attack to North Korea?", "", nil, nil, ""},
		{"no speaker", "The hackers stole data from the ministry in 2021.", "", nil, nil, ""},
		{"likely", "Australian officials said the ASD judged it likely that Chinese state hackers breached the network.", "allegation", []string{"AU"}, []string{"CN"}, "likely"},
		{"declined", "Canada declined to impose sanctions on China over the hack.", "other", []string{"CA"}, []string{"CN"}, ""},

		// journalistic attribution language
		{"blamed", "British officials blamed Russia's GRU for the cyber attack on the Foreign Office.", "allegation", []string{"GB"}, []string{"RU"}, ""},
		{"pointed the finger", "The Dutch government pointed the finger at Russia for the hacking attempt on the OPCW.", "allegation", []string{"NL"}, []string{"RU"}, ""},
		{"named and shamed", "The UK named and shamed Chinese state hackers behind the campaign.", "allegation", []string{"GB"}, []string{"CN"}, ""},
		{"attributed to", "The Czech government attributed the cyber attacks on its foreign ministry to APT28.", "allegation", []string{"CZ"}, []string{"APT28"}, ""},
		{"is behind", "Australia's foreign minister said China's Ministry of State Security is behind the APT40 hacking campaign.", "allegation", []string{"AU"}, []string{"CN", "APT40"}, ""},
		{"was responsible for", "The FBI said North Korea was responsible for the Sony Pictures hack.", "allegation", []string{"US"}, []string{"KP"}, ""},
		{"with high confidence", "The NSA assessed with high confidence that the GRU's Unit 74455 carried out the attack.", "allegation", []string{"US"}, []string{"RU"}, "highly likely"},
		{"moderate confidence", "The FBI assessed with moderate confidence that the hackers were working for Iran's IRGC.", "allegation", []string{"US"}, []string{"IR"}, "likely"},
		{"low confidence", "US intelligence officials said with low confidence that Russian hackers may have been involved.", "allegation", []string{"US"}, []string{"RU"}, "realistic possibility"},
		{"not ruling out", "The United States is not ruling out further actions to hold China accountable for the hack.", "allegation", []string{"US"}, []string{"CN"}, ""},

		// press set 2 (helper O): general rules, sentences written for this test
		{"high degree of certainty", "The Polish government said it could attribute the intrusion to APT28 with a high degree of certainty.", "allegation", []string{"PL"}, []string{"APT28"}, "highly likely"},
		{"recalled its ambassador", "The Dutch government recalled its ambassador to Moscow after the hacking of its parliament.", "other", []string{"NL"}, []string{"RU"}, ""},
		{"no further punitive measures", "The Canadian government said it had no further punitive measures against Beijing planned over the hack.", "other", []string{"CA"}, []string{"CN"}, ""},
		{"identified as responsible", "Estonia's foreign ministry said it had identified Russia as responsible for the cyber attacks on its state institutions.", "allegation", []string{"EE"}, []string{"RU"}, ""},
		{"list of demonyms before hackers", "The FBI said Iranian, Chinese and Russian hackers had breached election websites.", "allegation", []string{"US"}, []string{"IR", "CN", "RU"}, ""},
		{"cyber sanctions", "Canada imposes first cyber sanctions on Russian intelligence officers", "sanction", []string{"CA"}, []string{"RU"}, ""},
		{"reported subject is no speaker", "The Chinese embassy in Ottawa said Canada had offered no evidence for the hacking allegations.", "response", []string{"CN"}, nil, ""},
		{"infinitive's subject is no speaker", "Poland's foreign minister said he had summoned the Russian ambassador to make clear that the cyber attacks must stop.", "other", []string{"PL"}, []string{"RU"}, ""},
		{"would not retaliate", "The UK government said it would not retaliate against Russia for the hack.", "other", []string{"GB"}, []string{"RU"}, ""},
		{"organisations described by demonym", "The EU sanctioned the Russian company Vostok Cyber Solutions and the Iranian firm Parsian Data Lab for cyber attacks.", "sanction", []string{"EU"},
			[]string{"RU", "IR", "Vostok Cyber Solutions", "Parsian Data Lab"}, ""},

		// the accused side's answers
		{"denied any involvement", "The Kremlin denied any involvement in the hacking.", "response", []string{"RU"}, nil, ""},
		{"rejected the accusations", "China's foreign ministry rejected the accusations as groundless.", "response", []string{"CN"}, nil, ""},
		{"smear campaign", "Russia's embassy in London said the allegations were a smear campaign.", "response", []string{"RU"}, nil, ""},
		{"politically motivated", "Iran's foreign ministry spokesman said the charges were politically motivated.", "response", []string{"IR"}, nil, ""},
		{"firmly opposes", "China firmly opposes and strongly condemns the groundless accusations.", "response", []string{"CN"}, nil, ""},
		{"solemn representations", "Beijing has lodged solemn representations with Washington over the indictments.", "response", []string{"CN"}, nil, ""},
		{"russian foreign ministry", "Russia's foreign ministry said the accusations were unfounded.", "response", []string{"RU"}, nil, ""},
		{"peskov", "Kremlin spokesman Dmitry Peskov dismissed the report of Russian hacking as baseless.", "response", []string{"RU"}, nil, ""},
		{"mao ning", "Mao Ning said at a regular press briefing that the hacking allegations were groundless.", "response", []string{"CN"}, nil, ""},
		{"wang wenbin", "Wang Wenbin said at a regular press briefing that the US is the biggest hacking empire.", "response", []string{"CN"}, nil, ""},
		{"lin jian", "Lin Jian said at a regular press briefing that China rejects the smears.", "response", []string{"CN"}, nil, ""},

		// indictments and sanctions
		{"unsealed charges", "The Justice Department unsealed charges against seven Chinese hackers working for the MSS.", "indictment", []string{"US"}, []string{"CN"}, ""},
		{"ofac designated", "Treasury's OFAC designated two Iranian companies for their role in the hacking campaign.", "sanction", []string{"US"}, []string{"IR"}, ""},
		{"ofac designated for", "OFAC designated the Russian exchange Garantex for laundering ransomware proceeds.", "sanction", []string{"US"}, []string{"RU"}, ""},
		{"eu restrictive measures", "The EU imposed restrictive measures on six Russian individuals over the cyber-attacks.", "sanction", []string{"EU"}, []string{"RU"}, ""},
		{"council decided", "The Council of the EU decided to impose restrictive measures against two Chinese entities responsible for cyber-attacks.", "sanction", []string{"EU"}, []string{"CN"}, ""},
		{"responded with sanctions", "The Biden administration responded with sanctions on Russia after the SolarWinds hack.", "sanction", []string{"US"}, []string{"RU"}, ""},

		// look like statements, are not
		{"designate a coordinator", "CISA said operators must designate a Cybersecurity Coordinator, available 24 hours a day, to report incidents.", "", nil, nil, ""},
		{"company designates a name", "Mandiant designated the Russian group APT44 after years of tracking.", "", nil, nil, ""},
		{"in charge of", "A White House official said the FBI was in charge of the response to the ransomware attack.", "", nil, nil, ""},
		{"wanted to", "Kirby said he wanted to make sure the team was ready for the hack investigation.", "", nil, nil, ""},
		{"potential charges", "The President directed the Justice Department to pursue potential criminal charges over the hack.", "", nil, nil, ""},
		{"purpose", "The FBI has launched a task force dedicated to prosecuting ransomware hackers.", "", nil, nil, ""},
		{"agentless passive", "Leaders agreed that malicious cyber activity must be investigated and prosecuted.", "", nil, nil, ""},
		{"military not cyber", "Kirby said the Russian military has given the troops rifles and ammunition.", "", nil, nil, ""},
		{"conditional", "The President said that if it turned out he was engaged in the hacking he had been accused of, he would respond.", "", nil, nil, ""},
		{"company denial", "The company has been criticised for selling spyware to governments, an allegation it has consistently denied.", "", nil, nil, ""},
		{"opposition not a response", "The committee, who oppose the decision made in Beijing, said it was a disgrace.", "", nil, nil, ""},

		// verb forms: any inflection of a cue verb, adverbs and short
		// insertions between the subject and the cue
		{"confirming", "The Foreign Office is confirming that Russian military intelligence hacked the election commission.", "allegation", []string{"GB"}, []string{"RU"}, ""},
		{"has long been concerned", "The Japanese government has long been concerned about Chinese state hackers targeting its defence networks.", "allegation", []string{"JP"}, []string{"CN"}, ""},
		{"fronted clause", "By exposing the GRU's cyber sabotage campaign, Britain is sending a clear message to Moscow.", "allegation", []string{"GB"}, []string{"RU"}, ""},
		{"making it clear", "Canada is making it clear to Beijing that its cyber espionage against Canadian universities is unacceptable.", "allegation", []string{"CA"}, []string{"CN"}, ""},
		{"also said", "The Dutch intelligence service AIVD also said Russian hackers had targeted the police network.", "allegation", []string{"NL"}, []string{"RU"}, ""},
		{"today formally attributing", "The Australian government is today formally attributing the ransomware attack to North Korean hackers.", "allegation", []string{"AU"}, []string{"KP"}, ""},
		{"continues to see", "The Polish government continues to see Russian hackers attacking its water utilities.", "allegation", []string{"PL"}, []string{"RU"}, ""},
		{"warning", "German officials are warning that Chinese state hackers have breached the Bundestag network.", "allegation", []string{"DE"}, []string{"CN"}, ""},

		{"think", "Australian officials think Russian state hackers were behind the attack on the parliament network.", "allegation", []string{"AU"}, []string{"RU"}, ""},
		{"possessive over an abbreviation", "The South Korean government has long been concerned about the Democratic People's Republic of Korea's (DPRK) malicious cyber activity.", "allegation", []string{"KR"}, []string{"KP"}, ""},
		{"also known as is no cue", "Microsoft named the group Storm-0558, also known as a Chinese espionage actor.", "", nil, nil, ""},
		{"opposition group is no response", "The exiled Iranian opposition group said its website was hacked.", "", nil, nil, ""},
		{"hacking forums are a place", "The FBI said the stolen data was later sold on Russian hacking forums.", "", nil, nil, ""},

		{"time between subject and verb", "The US and UK on Monday sanctioned seven Chinese nationals accused of hacking for the MSS.", "sanction", []string{"US", "GB"}, []string{"CN"}, ""},
		{"date between subject and verb", "Britain on March 25 accused China of hacking the electoral commission.", "allegation", []string{"GB"}, []string{"CN"}, ""},
		{"called the allegations", `A spokesperson for China's embassy in London called the hacking allegations "completely fabricated".`, "response", []string{"CN"}, nil, ""},
		{"called for is no cue", "The President called for talks with Moscow on the hacking.", "", nil, nil, ""},

		// perpetrator positions
		{"conducted from its territory", "The Czech government condemned the cyber campaign conducted from Russian territory against its ministries.", "allegation", []string{"CZ"}, []string{"RU"}, ""},
		{"operating from within", "Dutch police said the ransomware gang was operating from within Russia.", "allegation", []string{"NL"}, []string{"RU"}, ""},
		{"activity by a state", "The Estonian foreign ministry said the DDoS attacks by Russia disrupted government websites.", "allegation", []string{"EE"}, []string{"RU"}, ""},
		{"based", "The FBI said the Iran-based hackers stole voter data.", "allegation", []string{"US"}, []string{"IR"}, ""},

		// national CERTs and agencies; linked/tied/traced ... to
		{"cert-ua linked", "CERT-UA has linked the wave of phishing attacks on Ukrainian ministries to APT28.", "allegation", []string{"UA"}, []string{"APT28"}, ""},
		{"cert-fr traced", "France's ANSSI traced the intrusions into French hospitals back to Russian state hackers.", "allegation", []string{"FR"}, []string{"RU"}, ""},
		{"bsi tied", "Germany's BSI tied the breach of the parliament network to Chinese state hackers.", "allegation", []string{"DE"}, []string{"CN"}, ""},
		{"cccs", "The CCCS said Chinese state-sponsored hackers had scanned government networks.", "allegation", []string{"CA"}, []string{"CN"}, ""},
		{"entities linked to is no cue", "The company sold routers to entities linked to the Chinese military.", "", nil, nil, ""},

		// press-article patterns
		{"said in a statement", "The Foreign Office said in a statement that the GRU was behind the cyber attacks.", "allegation", []string{"GB"}, []string{"RU"}, ""},
		{"according to a statement from", "According to a statement from the Swedish foreign ministry, Russian hackers breached the network.", "allegation", []string{"SE"}, []string{"RU"}, ""},
		{"the ministry said", "Taiwan's ministry said Chinese hackers had attacked its networks.", "allegation", []string{"TW"}, []string{"CN"}, ""},
		{"spokesperson for", "A spokesperson for the Australian Signals Directorate said North Korean hackers stole the funds.", "allegation", []string{"AU"}, []string{"KP"}, ""},
		{"in a joint advisory", "In a joint advisory, the agencies said Chinese state hackers had compromised telecommunications networks.", "allegation", nil, []string{"CN"}, ""},
		{"joint statement by the five eyes", "According to a joint statement by the Five Eyes, Russian intelligence officers carried out the cyber attacks.", "allegation", []string{"US", "GB", "CA", "AU", "NZ"}, []string{"RU"}, ""},
		{"washington and london accused", "Washington and London accused Beijing of a sweeping cyber espionage campaign.", "allegation", []string{"US", "GB"}, []string{"CN"}, ""},
		{"beijing rejected", "Beijing rejected the hacking accusations as groundless.", "response", []string{"CN"}, nil, ""},
		{"officials said", "US officials said Iranian hackers had breached the campaign's email accounts.", "allegation", []string{"US"}, []string{"IR"}, ""},

		// press wording (written for TestPress's rules, not copied from its fixtures)
		{"stopped short", "Japan stopped short of imposing sanctions on North Korea over the crypto hack.", "other", []string{"JP"}, []string{"KP"}, ""},
		{"severed diplomatic ties", "Lithuania severed diplomatic ties with Belarus over the cyber attacks on its ministries.", "other", []string{"LT"}, []string{"BY"}, ""},
		{"decision to act is a reference", "The Russian foreign ministry rejected the hacking claims and condemned Estonia's decision to expel its diplomats.", "response", []string{"RU"}, nil, ""},
		{"disinformation campaign", "A Chinese embassy spokesman said the hacking report was a disinformation campaign.", "response", []string{"CN"}, nil, ""},
		{"five eyes members", "The Five Eyes agencies said Chinese state hackers breached telecom networks.", "allegation", []string{"US", "GB", "CA", "AU", "NZ"}, []string{"CN"}, ""},
		{"aside before the verb", "Japan, in its first public attribution of the kind, accused China of hacking its space agency.", "allegation", []string{"JP"}, []string{"CN"}, ""},
		{"name aside before the verb", "The Czech foreign minister, Jan Lipavsky, said Russia's GRU hacked the ministry's email.", "allegation", []string{"CZ"}, []string{"RU"}, ""},
		{"a list is no aside", "The US, UK, and Canada said Iranian hackers targeted their water utilities.", "allegation", []string{"US", "GB", "CA"}, []string{"IR"}, ""},
		{"headline sanctions", "UK sanctions Russia over cyber attacks on MPs", "sanction", []string{"GB"}, []string{"RU"}, ""},
		{"headline charges", "US charges four Chinese nationals over hacking campaign", "indictment", []string{"US"}, []string{"CN"}, ""},
		{"sanctions regime is a noun", "The EU sanctions regime covers cyber attacks.", "", nil, nil, ""},
		{"led allies in accusing", "Britain led allies in accusing Russia of hacking the chemical weapons watchdog.", "allegation", []string{"GB"}, []string{"RU"}, ""},
		{"investigators from a company", "The hackers wiped government servers, according to investigators from Mandiant.", "", nil, nil, ""},
		{"from the territory of", "The EU said the cyber attacks were launched from the territory of Russia.", "allegation", []string{"EU"}, []string{"RU"}, ""},
		{"rebuke of", "NATO, in a rare rebuke of Moscow over the cyber attacks, said the campaign must stop.", "allegation", []string{"NATO"}, []string{"RU"}, ""},
		{"urging after condemning", "Canada condemned the hack and urged China to respect international norms.", "allegation", []string{"CA"}, []string{"CN"}, ""},
		{"agencies of a list of states", "The cyber agencies of Japan, South Korea and Australia said North Korean hackers stole the funds.", "allegation", []string{"JP", "KR", "AU"}, []string{"KP"}, ""},
		{"behaviour without cyber context", "Canada's foreign minister said it was a troubling pattern of behaviour by China.", "", nil, nil, ""},
	}
	for _, tt := range tests {
		total++
		sts, err := e.Document(news.Document{Body: tt.text, Published: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if tt.kind == "" {
			if len(sts) != 0 {
				t.Logf("MISS %s: got %s %v -> %v, want no statement", tt.name, sts[0].Kind, sts[0].SpeakerCountry, sts[0].Accused)
				continue
			}
			right++
			continue
		}
		if len(sts) != 1 {
			t.Logf("MISS %s: got %d statements, want 1", tt.name, len(sts))
			continue
		}
		s := sts[0]
		if string(s.Kind) != tt.kind || !sameSet(s.SpeakerCountry, tt.countries) || !sameAccused(s.Accused, tt.accused) || s.Confidence != tt.confidence {
			t.Logf("MISS %s: got %s %v -> %v %q, want %s %v -> %v %q", tt.name, s.Kind, s.SpeakerCountry, s.Accused, s.Confidence, tt.kind, tt.countries, tt.accused, tt.confidence)
			continue
		}
		right++
	}
	t.Logf("rules dev set: %d of %d cases right", right, total)
	if right < rulesFloor {
		t.Errorf("rules dev set: %d of %d cases right, below the floor of %d", right, total, rulesFloor)
	}
}

// sameAccused: the same set, or the same once the agencies that come with
// their state are left out ("GRU", "RU" for a case that says "RU").
func sameAccused(got, want []string) bool {
	if sameSet(got, want) {
		return true
	}
	var rest []string
	for _, a := range got {
		if act, ok := actors.Default().Lookup(a); ok && slices.Contains(act.Sources, actors.AgencySource) && !slices.Contains(want, a) {
			continue
		}
		rest = append(rest, a)
	}
	return sameSet(rest, want)
}

func TestTooLarge(t *testing.T) {
	_, err := New(nil).Document(news.Document{Body: strings.Repeat("a", MaxBody+1)})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "split") {
		t.Errorf("err = %v, want ErrTooLarge naming the fix", err)
	}
	if _, err := New(nil).Document(news.Document{Body: strings.Repeat("a", MaxBody)}); err != nil {
		t.Errorf("body of exactly MaxBody: %v", err)
	}
}

func TestInvalidUTF8(t *testing.T) {
	body := "The FBI said North Korean hackers \xff\xfe stole the data."
	sts, err := New(nil).Document(news.Document{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 1 || !utf8.ValidString(sts[0].Sentence) || sts[0].Offset != 0 || !slices.Contains(sts[0].Accused, "KP") {
		t.Errorf("got %+v", sts)
	}
}

func TestDeterministic(t *testing.T) {
	doc := seedDoc(t)
	a, _ := New(nil).Document(doc)
	for i := 0; i < 3; i++ {
		b, _ := New(nil).Document(doc)
		if !slices.EqualFunc(a, b, func(x, y news.Statement) bool {
			jx, _ := json.Marshal(x)
			jy, _ := json.Marshal(y)
			return bytes.Equal(jx, jy)
		}) {
			t.Fatal("two runs differ")
		}
	}
}

func TestSentences(t *testing.T) {
	p := `Mr. Dowden said the U.S. Department of Justice agreed. The FBI's Maksim V. Yakubets case is "closed." He left. In Jan. 2024 they met — as you know, right? — twice. Treasury named Evil Corp. The U.S. Department of Justice charged Hainan Co. staff`
	var got []string
	for _, r := range sentences(p) {
		got = append(got, p[r[0]:r[1]])
	}
	want := []string{"Mr. Dowden said the U.S. Department of Justice agreed.", `The FBI's Maksim V. Yakubets case is "closed."`, "He left.", "In Jan. 2024 they met — as you know, right? — twice.",
		"Treasury named Evil Corp.", "The U.S. Department of Justice charged Hainan Co. staff"}
	if !slices.Equal(got, want) {
		t.Errorf("sentences = %q, want %q", got, want)
	}
}

func FuzzExtract(f *testing.F) {
	seed, _ := os.ReadFile("testdata/apt31-accusations-2024-03.txt")
	f.Add(string(seed), "title")
	f.Add("MS. PSAKI: We assess — with high confidence — that the SVR's unit did it.\nQ Why?", "")
	f.Add("\xff\xfe\"\"'s — , by the US, UK and", "a")
	f.Add("U.S. U.K. E.U. '' ' ’s — – on March 99, 2024; the same day", "")
	e := New(nil)
	f.Fuzz(func(t *testing.T, body, title string) {
		sts, err := e.Document(news.Document{Title: title, Body: body, Published: time.Date(2024, 3, 26, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			if !errors.Is(err, ErrTooLarge) {
				t.Fatal(err)
			}
			return
		}
		for _, s := range sts {
			if !s.Kind.Valid() || !utf8.ValidString(s.Sentence) {
				t.Fatalf("bad statement %+v", s)
			}
			if s.Offset >= 0 && (s.Offset+len(s.Sentence) > len(body)) {
				t.Fatalf("offset out of range: %+v", s)
			}
			if s.Offset >= 0 && repairUTF8(body[s.Offset:s.Offset+len(s.Sentence)]) != s.Sentence {
				t.Fatalf("sentence %q is not the body at its offset %d", s.Sentence, s.Offset)
			}
			if s.Probability <= 0 || s.Probability > 1 {
				t.Fatalf("probability %v out of (0, 1]", s.Probability)
			}
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	doc := seedDoc(b)
	// a long article: the seed body repeated, about 50 KB
	doc.Body = strings.Repeat(doc.Body+"\n", 20)
	e := New(nil)
	b.SetBytes(int64(len(doc.Body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Document(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractAdversarial: one 2 MiB "sentence" dense with cues and
// names must stay linear.
func BenchmarkExtractAdversarial(b *testing.B) {
	unit := "the FBI said APT31 declined sanctions on China, Beijing denied, we assess Russia's GRU hacked them; "
	body := strings.Repeat(unit, MaxBody/len(unit))
	e := New(nil)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := e.Document(news.Document{Body: body}); err != nil {
			b.Fatal(err)
		}
	}
}

// Rules that need more than one sentence or paragraph: anaphora, transcript
// turns, questions, run-in headings.
func TestDocumentRules(t *testing.T) {
	e := New(nil)
	right := 0
	type want struct {
		sub, kind, speaker string
		countries, accused []string
	}
	tests := []struct {
		name, publisher, body string
		want                  []want // statements in order; nil = none
	}{
		{"pronoun is not an anaphor", "",
			"The NCSC said Russia's GRU was behind the attacks on the ministry.\nOfficials said they met Ukrainian counterparts on Friday.",
			[]want{{"GRU was behind", "allegation", "NCSC", []string{"GB"}, []string{"RU"}}}},
		{"anaphor after an accusing verb", "",
			"The NCSC said Russia's GRU was behind the attacks on the ministry.\nThe Foreign Secretary said Britain would hold them accountable.",
			[]want{{"GRU was behind", "allegation", "NCSC", []string{"GB"}, []string{"RU"}},
				{"hold them accountable", "allegation", "Foreign Secretary", []string{"GB"}, []string{"RU"}}}},
		{"bare Council after the EU", "",
			"The European Union condemned the cyber attacks attributed to APT28.\nThe Council decided to impose restrictive measures on six Russian officers.",
			[]want{{"condemned", "allegation", "European Union", []string{"EU"}, []string{"APT28"}},
				{"Council decided", "sanction", "Council", []string{"EU"}, []string{"RU"}}}},
		{"question paragraph", "The White House",
			"Q Thank you. The FBI said China hacked the network. Will you respond?\nMS. PSAKI: We have concluded that China conducted the hack.",
			[]want{{"We have concluded", "allegation", "Psaki", []string{"US"}, []string{"CN"}}}},
		{"transcript turn", "The White House",
			"MS. NEUBERGER: So, Russia has used offensive cyber activity to coerce and disrupt critical infrastructure in Ukraine.",
			[]want{{"Russia has used", "allegation", "Neuberger", []string{"US"}, []string{"RU"}}}},
		{"not a speaker label", "The White House",
			"- FACT: When China obtained the data, the officials stayed silent.",
			nil},
		{"run-in heading", "The White House",
			"Imposing Additional Sanctions Treasury sanctioned 32 entities and individuals carrying out Russian government-directed attempts to influence the election.",
			[]want{{"Treasury sanctioned", "sanction", "Treasury", []string{"US"}, []string{"RU"}}}},
		{"we assess, in a primary source", "National Cyber Security Centre",
			"We assess that Sandworm Team conducted the destructive attack on the Ukrainian power grid.",
			[]want{{"We assess", "allegation", "National Cyber Security Centre", []string{"GB"}, []string{"Sandworm"}}}},
		{"state organ speaks", "",
			"The Ministry of State Security claims that the hackers are linked to a cyber unit of Taiwan's military.",
			[]want{{"claims", "allegation", "Ministry of State Security", []string{"CN"}, []string{"TW"}}}},
		{"fronted clause subject", "The White House",
			"By exposing the GRU's cyber sabotage campaign, we are sending a clear message to Moscow.",
			[]want{{"we are sending", "allegation", "White House", []string{"US"}, []string{"RU"}}}},
		{"coordinated clause keeps the subject", "",
			"The NCSC said Russia's GRU was behind the attacks on the ministry.\nThe British government has briefed its allies and is continuing to hold them accountable.",
			[]want{{"GRU was behind", "allegation", "NCSC", []string{"GB"}, []string{"RU"}},
				{"continuing to hold them", "allegation", "British government", []string{"GB"}, []string{"RU"}}}},
		{"victim is no speaker country", "",
			"The Justice Department charged six GRU officers with hacking.\nProsecutors said the GRU officers attacked Ukraine's power grid.",
			[]want{{"charged six GRU officers", "indictment", "Justice Department", []string{"US"}, []string{"RU"}},
				{"Prosecutors said", "allegation", "Prosecutors", []string{"US"}, []string{"RU"}}}},
		{"the bureau after the FBI", "",
			"The FBI said North Korean hackers stole the funds.\nThe bureau attributed the theft to the Lazarus Group.",
			[]want{{"The FBI said", "allegation", "FBI", []string{"US"}, []string{"KP"}},
				{"The bureau attributed", "allegation", "bureau", []string{"US"}, []string{"Lazarus Group"}}}},
		{"behaviour after a cyber sentence", "",
			"Investigators found the group had breached government networks.\nCanada's foreign minister said it was a troubling pattern of behaviour by China.",
			[]want{{"pattern of behaviour", "allegation", "Canada's foreign minister", []string{"CA"}, []string{"CN"}}}},
		{"the bloc after the EU", "",
			"The European Union condemned the cyber attack by Russia on the satellite network.\nThe bloc also imposed sanctions on three Russian officers.",
			[]want{{"condemned", "allegation", "European Union", []string{"EU"}, []string{"RU"}},
				{"The bloc also imposed", "sanction", "bloc", []string{"EU"}, []string{"RU"}}}},
		{"a hacking headline makes the story cyber", "",
			"Denmark blames Russia for hacking of water utilities\n\nThe utilities serve about a million households in Jutland.\nDanish officials said the campaign had been carried out by Russia.",
			[]want{{"Denmark blames Russia", "allegation", "Denmark", []string{"DK"}, []string{"RU"}},
				{"carried out by Russia", "allegation", "Danish officials", []string{"DK"}, []string{"RU"}}}},
		{"no headline, no cyber context", "",
			"Danish officials said the campaign had been carried out by Russia.",
			nil},
		{"interjection does not split", "",
			"The FBI said — as you know, right? — that North Korean hackers stole the funds.",
			[]want{{"North Korean hackers", "allegation", "FBI", []string{"US"}, []string{"KP"}}}},
	}
	for _, tt := range tests {
		// a body may open with a headline and a blank line
		title, body, ok := strings.Cut(tt.body, "\n\n")
		if !ok {
			title, body = "", tt.body
		}
		sts, err := e.Document(news.Document{Title: title, Body: body, Publisher: tt.publisher, Published: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if len(sts) != len(tt.want) {
			t.Logf("MISS %s: got %d statements, want %d", tt.name, len(sts), len(tt.want))
			continue
		}
		allRight := true
		for i, w := range tt.want {
			s := sts[i]
			if !strings.Contains(s.Sentence, w.sub) || string(s.Kind) != w.kind || s.Speaker != w.speaker || !sameSet(s.SpeakerCountry, w.countries) || !sameAccused(s.Accused, w.accused) {
				t.Logf("MISS %s #%d: got %s %q %v -> %v in %q, want %s %q %v -> %v in a sentence with %q", tt.name, i, s.Kind, s.Speaker, s.SpeakerCountry, s.Accused, s.Sentence,
					w.kind, w.speaker, w.countries, w.accused, w.sub)
				allRight = false
			}
		}
		if allRight {
			right++
		}
	}
	t.Logf("document rules dev set: %d of %d cases right", right, len(tests))
	if right < documentRulesFloor {
		t.Errorf("document rules dev set: %d of %d cases right, below the floor of %d", right, len(tests), documentRulesFloor)
	}
}

// BenchmarkExtractBatch: a batch of articles through Extract, which uses
// every core (compare MB/s with BenchmarkExtract at -cpu 1).
func BenchmarkExtractBatch(b *testing.B) {
	doc := seedDoc(b)
	docs := make([]news.Document, 64)
	size := 0
	for i := range docs {
		docs[i] = doc
		size += len(doc.Body) + len(doc.Title)
	}
	e := New(nil)
	b.SetBytes(int64(size))
	for b.Loop() {
		if _, err := e.Extract(b.Context(), docs); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDates: the month patterns run from the first month word only, and a
// month inside another word ("Omar", "Smarch") is no month.
func TestDates(t *testing.T) {
	pub := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ text, want string }{
		{"The attack began on March 25, 2024 and ended later.", "2024-03-25"},
		{"On the 3rd of May 2023 the ministry said so.", "2023-05-03"},
		{"Minister Omar 5 said nothing of dates.", ""},
		{"In December 2022 hackers struck.", "2022-12"},
		{"The breach, first seen in 2019, was disclosed.", "2019"},
		{"The ministry said on Monday it had been hacked.", "2024-04-29"},
	} {
		st := &docState{published: pub}
		if got := st.date(tt.text); got != tt.want {
			t.Errorf("date(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
