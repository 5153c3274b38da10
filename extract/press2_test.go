package extract

import (
	"strings"
	"testing"
	"time"
)

// The press fixtures (testdata/press, testdata/press2) are development
// sets: the old rules were written from them. Their floors sit below the
// statement model's first run (press 43 of 44 with 3 context sentences
// taken, press2 44 of 47 with 2): known misses are logged, a regression
// below a floor fails.
const (
	pressFloor     = 40
	pressMaxFalse  = 5
	press2Floor    = 40
	press2MaxFalse = 4
)

// TestPress2 is a second press set (testdata/press2), written by a helper
// who had not read the extractor's rules; every expectation below was
// written before the extractor first ran on the fixtures. The first-run
// score is recorded in testdata/dev/README.md ("Press set 2").
func TestPress2(t *testing.T) {
	type want struct {
		sub        string // a substring of the statement's sentence (headline included)
		kind       string // "a|b": either kind is right
		countries  []string
		accused    string // comma-separated set; "|" separates acceptable sets; "" = none
		confidence string
	}
	var (
		us, gb, eu, au = []string{"US"}, []string{"GB"}, []string{"EU"}, []string{"AU"}
		cn, ru, kp     = []string{"CN"}, []string{"RU"}, []string{"KP"}
		de, cz         = []string{"DE"}, []string{"CZ"}
	)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		file      string
		published time.Time
		want      []want
		not       []string // context sentences that must not be statements
	}{
		{"wannacry-nk-2017-12.txt", day(2017, 12, 19), []want{
			{"US and Britain blame North Korea for WannaCry", "allegation", []string{"US", "GB"}, "KP", ""},
			{"publicly blamed North Korea for the WannaCry", "allegation", us, "KP", ""},
			{"North Korea was directly responsible", "allegation", us, "KP", ""},
			{"known as the Lazarus Group was highly likely", "allegation", gb, "KP,Lazarus Group", "highly likely"},
			{"no further punitive measures against Pyongyang", "other", us, "KP", ""},
			{"grave political provocation", "response", kp, "", ""},
		}, []string{"WannaCry infected more than", "Security firms including Symantec"}},

		{"notpetya-russia-2018-02.txt", day(2018, 2, 15), []want{
			{"Britain and US blame Russian military for NotPetya", "allegation", []string{"GB", "US"}, "RU", ""},
			{"accused the Russian military of launching", "allegation", gb, "RU", ""},
			{"almost certainly responsible for the destructive attack", "allegation", gb, "RU", "almost certain"},
			{"the Kremlin's ongoing effort to destabilise", "allegation", us, "RU", ""},
			{"Russian state-sponsored actors were responsible", "allegation", au, "RU", ""},
			{"Dmitry Peskov rejected the accusations", "response", ru, "", ""},
		}, []string{"The malware, disguised as ransomware", "Shipping group Maersk"}},

		{"eu-cyber-sanctions-2020-07.txt", day(2020, 7, 30), []want{
			{"EU imposes first cyber sanctions", "sanction", eu, "RU,CN,KP", ""},
			{"imposed travel bans and asset freezes", "sanction", eu, "RU,CN,KP", ""},
			{"also known as unit 74455, which the EU said", "allegation|sanction", eu, "RU|RU,Sandworm", ""},
			{"The bloc also sanctioned the Chinese company", "sanction", eu,
				"CN,KP,Haitai Technology Development,Chosun Expo|CN,KP,Haitai Technology Development,Chosun Expo,APT10", ""},
			{"rejected the accusations as unfounded and said Moscow", "response", ru, "", ""},
		}, []string{"The sanctions framework was adopted"}},

		{"viasat-russia-2022-05.txt", day(2022, 5, 10), []want{
			{"EU, UK and US blame Russia", "allegation", []string{"EU", "GB", "US"}, "RU", ""},
			{"formally attributed to Russia a cyber attack", "allegation", []string{"EU", "GB", "US"}, "RU", ""},
			{"Russian military intelligence was almost certainly involved", "allegation", gb, "RU", "almost certain"},
			{"Liz Truss said the attack was clear", "allegation", gb, "RU", ""},
			{"the EU condemned the malicious cyber activity", "allegation", eu, "RU", ""},
			{"hold Russia accountable", "allegation", us, "RU", ""},
			{"embassy in Washington rejected the accusation", "response", ru, "", ""},
		}, []string{"The outage knocked out", "Viasat said in March"}},

		{"star-blizzard-2023-12.txt", day(2023, 12, 7), []want{
			{"UK accuses Russia's FSB of years-long", "allegation", gb, "RU", ""},
			{"accused Russia's Federal Security Service", "allegation", gb, "RU", ""},
			{"Centre 18 was almost certainly behind", "allegation", gb, "RU,Star Blizzard", "almost certain"},
			{"imposed sanctions on two members of the group", "sanction|other", gb, "RU|RU,Star Blizzard", ""},
			{"unsealed charges against the two men", "indictment", us, "RU", ""},
			{"called the allegations unsubstantiated", "response", ru, "", ""},
		}, []string{"Targets over the years", "Microsoft, which tracks the group"}},

		{"spd-apt28-2024-05.txt", day(2024, 5, 3), []want{
			{"Germany recalls ambassador to Russia", "other", de, "RU", ""},
			{"temporarily recalled its ambassador", "other|allegation", de, "RU", ""},
			{"clearly attributed to the group APT28", "allegation", de, "APT28,RU", ""},
			{"Russian state hackers had exploited", "allegation", de, "RU", ""},
			{"Czech Republic said on the same day", "allegation", cz, "APT28", ""},
			{"European Union and NATO both condemned", "allegation", []string{"EU", "NATO"}, "RU", ""},
			{"embassy in Berlin called the accusations unfounded", "response", ru, "", ""},
		}, []string{"has been blamed for the 2015 hack"}},

		{"czech-apt31-2025-05.txt", day(2025, 5, 28), []want{
			{"Czech Republic blames China", "allegation", cz, "CN", ""},
			{"identified China as responsible", "allegation", cz, "CN", ""},
			{"attribute the campaign to APT31", "allegation", cz, "APT31,CN", "highly likely"},
			{"summoned the Chinese ambassador", "other", cz, "CN", ""},
			{"embassy in Prague rejected the accusations", "response", cn, "", ""},
		}, []string{"The ministry said the attackers had not reached", "The group has been active since"}},

		{"salt-typhoon-2024-12.txt", day(2024, 12, 4), []want{
			{"US officials say Chinese hackers still inside", "allegation", us, "CN", ""},
			{"hackers linked to the Chinese government had penetrated", "allegation", us, "CN", ""},
			{"known as Salt Typhoon, had stolen", "allegation", us, "Salt Typhoon", ""},
			{"carried out by the People's Republic of China", "allegation", us, "CN", ""},
			{"the US allegations were disinformation", "response", cn, "", ""},
		}, []string{"A senior FBI official told reporters", "Among the companies affected", "The intrusions have prompted"}},
	}
	var stories []pressStory
	for _, tt := range tests {
		st := pressStory{file: tt.file, published: tt.published, not: tt.not}
		for _, w := range tt.want {
			var sets [][]string
			for _, alt := range strings.Split(w.accused, "|") {
				var set []string
				if alt != "" {
					set = strings.Split(alt, ",")
				}
				sets = append(sets, set)
			}
			st.want = append(st.want, pressWant{w.sub, w.kind, w.countries, sets, w.confidence})
		}
		stories = append(stories, st)
	}
	found, expected, falses, problems := scorePress(t, "press2", stories)
	for _, p := range problems {
		t.Log("MISS " + p) // known misses are logged; the floors below fail a regression
	}
	t.Logf("press2: %d of %d expected statements right, %d context sentences taken as statements", found, expected, falses)
	if found < press2Floor {
		t.Errorf("press2: %d of %d expected statements right, below the floor of %d", found, expected, press2Floor)
	}
	if falses > press2MaxFalse {
		t.Errorf("press2: %d context sentences taken as statements, above the ceiling of %d", falses, press2MaxFalse)
	}
}
