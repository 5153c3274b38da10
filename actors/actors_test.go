package actors

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/actors/internal/build"
	"github.com/newsdesk/newsdesk/news"
)

func TestLookup(t *testing.T) {
	g := Default()
	tests := []struct {
		query, name, country string
	}{
		{"Violet Typhoon", "APT31", "CN"},
		{"ZIRCONIUM", "APT31", "CN"},
		{"Judgment Panda", "APT31", "CN"},
		{"apt31", "APT31", "CN"},
		{"APT 31", "APT31", "CN"},
		{"apt-31", "APT31", "CN"},
		{"  violet   TYPHOON ", "APT31", "CN"},
		{"APT40", "APT40", "CN"},
		{"Leviathan", "APT40", "CN"},
		{"Sandworm", "Sandworm", "RU"}, // press name (build.PressNames), not the APT rule
		{"Sandworm Team", "Sandworm", "RU"},
		{"Seashell Blizzard", "Sandworm", "RU"},
		{"APT44", "Sandworm", "RU"},
		{"apt 44", "Sandworm", "RU"},
		{"Lazarus", "Lazarus Group", "KP"},
		{"Lazarus Group", "Lazarus Group", "KP"},
		{"HIDDEN COBRA", "Lazarus Group", "KP"},
		{"APT38", "APT38", "KP"},      // its own ATT&CK group, not Lazarus
		{"Bluenoroff", "APT38", "KP"}, // ATT&CK alias of APT38 beats MISP's Lazarus alias
		{"Fancy Bear", "APT28", "RU"},
		{"Cozy Bear", "APT29", "RU"},
		{"NOBELIUM", "APT29", "RU"},
		{"UNC2452", "APT29", "RU"}, // revoked ATT&CK group, kept as an alias
		{"Volt Typhoon", "Volt Typhoon", "CN"},
		{"Salt Typhoon", "Salt Typhoon", "CN"},
		{"Charming Kitten", "APT35", "IR"},
		{"Kimsuky", "Kimsuky", "KP"}, // press name, though ATT&CK lists APT43 among its aliases
		{"APT43", "Kimsuky", "KP"},
		{"Silence", "Silence", ""}, // not scanned in prose, but resolves
	}
	for _, tt := range tests {
		a, ok := g.Lookup(tt.query)
		if !ok {
			t.Errorf("Lookup(%q): not found, want %s", tt.query, tt.name)
			continue
		}
		if a.Name != tt.name || a.Country != tt.country {
			t.Errorf("Lookup(%q) = %s/%s, want %s/%s", tt.query, a.Name, a.Country, tt.name, tt.country)
		}
	}
	for _, q := range []string{"", "Nobody Panda", "  ", "APT"} {
		if a, ok := g.Lookup(q); ok {
			t.Errorf("Lookup(%q) = %s, want not found", q, a.Name)
		}
	}
}

// TestPressNames: the overridden canonical names are what the gazetteer
// gives, and the APT aliases they displace still resolve to them.
func TestPressNames(t *testing.T) {
	g := Default()
	for id, name := range build.PressNames {
		a, ok := g.Lookup(name)
		if !ok || a.Name != name {
			t.Errorf("%s: Lookup(%q) = %q, %v; want the canonical name %q", id, name, a.Name, ok, name)
		}
	}
	a, _ := g.Lookup("Sandworm")
	for _, alias := range []string{"APT44", "Sandworm Team"} {
		if !slices.Contains(a.Aliases, alias) {
			t.Errorf("Sandworm aliases %v lack %q", a.Aliases, alias)
		}
	}
}

func TestLookupDetails(t *testing.T) {
	a, _ := Default().Lookup("ZIRCONIUM")
	for _, want := range []string{"ZIRCONIUM", "Violet Typhoon", "JUDGMENT PANDA"} {
		if !slices.Contains(a.Aliases, want) {
			t.Errorf("APT31 aliases %v lack %q", a.Aliases, want)
		}
	}
	if !slices.Contains(a.Sources, "MITRE ATT&CK G0128") || !slices.Contains(a.Sources, "MISP galaxy") {
		t.Errorf("APT31 sources = %v", a.Sources)
	}
	if !strings.Contains(a.Description, "ZIRCONIUM") || len(a.References) == 0 || a.References[0] != "https://attack.mitre.org/groups/G0128" {
		t.Errorf("APT31 description/references: %q %v", a.Description, a.References)
	}
	// returned values are copies
	a.Aliases[0] = "mutated"
	b, _ := Default().Lookup("APT31")
	if b.Aliases[0] == "mutated" {
		t.Error("Lookup returned a shared slice")
	}
	if c := Default().Campaigns("Sandworm"); len(c) < 3 {
		t.Errorf("Sandworm campaigns = %v, want the Ukraine power attacks", c)
	}
}

func TestUnique(t *testing.T) {
	all := Default().All()
	if len(all) < 1000 {
		t.Fatalf("All() = %d actors, want > 1000", len(all))
	}
	names := map[string]string{}
	for _, a := range all {
		for _, n := range append([]string{a.Name}, a.Aliases...) {
			k := key(n)
			if prev, ok := names[k]; ok && prev != a.Name {
				t.Errorf("%q belongs to both %q and %q", n, prev, a.Name)
			}
			names[k] = a.Name
		}
	}
	if !slices.IsSortedFunc(all, func(a, b news.Actor) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) }) {
		t.Error("All() is not sorted by name")
	}
}

func TestFind(t *testing.T) {
	g := Default()
	seed, err := os.ReadFile("testdata/apt31-accusations-2024-03.txt")
	if err != nil {
		t.Fatal(err)
	}
	ms := g.Find(string(seed))
	if len(ms) != 3 || ms[2].Actor.Name != "MSS" || ms[2].Actor.Country != "CN" || ms[2].Text != "China's Ministry of State Security" {
		t.Fatalf("Find(seed) = %v, want the two APT31 mentions and China's Ministry of State Security as MSS", ms)
	}
	for _, m := range ms[:2] {
		if m.Actor.Name != "APT31" || m.Text != "APT31" || string(seed[m.Start:m.End]) != "APT31" {
			t.Errorf("mention %+v", m)
		}
	}
	tests := []struct {
		text string
		want []string // mention texts -> canonical names, "text=name"
	}{
		{"Officials blamed Violet Typhoon, also tracked as APT 31.", []string{"Violet Typhoon=APT31", "APT 31=APT31"}},
		{"the Sandworm Team hackers", []string{"Sandworm Team=Sandworm"}},
		{"Sandworm's attacks", []string{"Sandworm=Sandworm"}},
		{"APT44, also called Sandworm", []string{"APT44=Sandworm", "Sandworm=Sandworm"}},
		{"Anonymous 64 and Anonymous64", []string{"Anonymous 64=Anonymous64", "Anonymous64=Anonymous64"}},
		{"LAZARUS stole; Lazarus Group denied.", []string{"LAZARUS=Lazarus Group", "Lazarus Group=Lazarus Group"}},
		{"APT310 is not APT31, APT31x neither.", []string{"APT31=APT31"}},
		{"a silence fell; play the copper zinc game; anonymous officials said", nil},
		{"(APT-31)", []string{"APT-31=APT31"}},
		{"\xff\xfeAPT40\xff", []string{"APT40=APT40"}},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range g.Find(tt.text) {
			got = append(got, m.Text+"="+m.Actor.Name)
			if tt.text[m.Start:m.End] != m.Text {
				t.Errorf("Find(%q): offsets %d:%d do not give %q", tt.text, m.Start, m.End, m.Text)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Find(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	g := Default()
	got := g.Suggest("apt3", 5)
	if len(got) != 5 || got[0] != "APT3" {
		t.Errorf("Suggest(apt3) = %q", got)
	}
	got = g.Suggest("violet", 3)
	if len(got) == 0 || got[0] != "Violet Typhoon" {
		t.Errorf("Suggest(violet) = %q", got)
	}
	for _, s := range g.Suggest("s", 25) {
		if _, ok := g.Lookup(s); !ok {
			t.Errorf("suggestion %q does not resolve", s)
		}
	}
	if got := g.Suggest("", 10); len(got) != 10 {
		t.Errorf("Suggest(\"\", 10) = %q", got)
	}
	if got := g.Suggest("zzzzqqq", 10); len(got) != 0 {
		t.Errorf("Suggest(zzzzqqq) = %q", got)
	}
	if got := g.Suggest("apt", 0); got != nil {
		t.Errorf("Suggest(apt, 0) = %q", got)
	}
}

func TestNotice(t *testing.T) {
	if !strings.Contains(Notice, `"© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of
The MITRE Corporation."`) || Notice != build.Notice {
		t.Errorf("Notice does not reproduce MITRE's licence:\n%s", Notice)
	}
	if !bytes.Contains(embedded, []byte(`"notice": "ATT&CK®\nThe MITRE Corporation (MITRE) hereby grants`)) {
		t.Error("embedded data lacks the MITRE notice")
	}
	if !strings.Contains(Default().Attribution(), "MISP Project") {
		t.Errorf("Attribution = %q", Default().Attribution())
	}
}

func TestParseRejects(t *testing.T) {
	for name, data := range map[string]string{
		"not json":  "{",
		"no notice": `{"notice":"","actors":[{"name":"X"}]}`,
		"empty":     `{"notice":"The MITRE Corporation","actors":[]}`,
		"no name":   `{"notice":"The MITRE Corporation","actors":[{"name":""}]}`,
		"dup alias": `{"notice":"The MITRE Corporation","actors":[{"name":"A","aliases":["X"]},{"name":"B","aliases":["x"]}]}`,
		"unknown":   `{"notice":"The MITRE Corporation","bogus":1,"actors":[{"name":"A"}]}`,
	} {
		if _, err := Parse([]byte(data)); err == nil {
			t.Errorf("Parse(%s) succeeded", name)
		}
	}
}

// TestGenerated proves data/actors.json and NOTICE are what the corpus
// generates (go generate ./actors).
func TestGenerated(t *testing.T) {
	const corpus = "../../shared/corpus"
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("corpus not present at %s", corpus)
	}
	data, notice, err := build.Build(corpus)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, embedded) {
		t.Error("data/actors.json differs from the corpus; run go generate ./actors")
	}
	if string(notice) != Notice {
		t.Error("NOTICE differs; run go generate ./actors")
	}
}

// TestStateAgencies: agencies are accused by any of their names, with their
// state, and never take a name a group owns.
func TestStateAgencies(t *testing.T) {
	g := Default()
	for _, tt := range []struct{ text, want, country string }{
		{"officers of Russia's military intelligence", "GRU", "RU"},
		{"the GRU had carried out the attack", "GRU", "RU"},
		{"MSS officers", "MSS", "CN"},
		{"the Main Intelligence Directorate", "GRU", "RU"},
		{"hackers of the Hainan State Security Department", "MSS", "CN"},
		{"the Islamic Revolutionary Guard Corps", "IRGC", "IR"},
		{"North Korea's Reconnaissance General Bureau", "RGB", "KP"},
		{"Iran's intelligence ministry", "MOIS", "IR"},
	} {
		t.Run(tt.text, func(t *testing.T) {
			ms := g.Find(tt.text)
			if len(ms) != 1 || ms[0].Actor.Name != tt.want || ms[0].Actor.Country != tt.country {
				t.Errorf("Find(%q) = %v, want %s (%s)", tt.text, ms, tt.want, tt.country)
			}
		})
	}
	if a, ok := g.Lookup("PLA Unit 61398"); !ok || a.Name != "APT1" {
		t.Errorf("PLA Unit 61398 = %v, want APT1 (a group's alias stays the group's)", a.Name)
	}
}

func BenchmarkFind(b *testing.B) {
	seed, err := os.ReadFile("testdata/apt31-accusations-2024-03.txt")
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat(string(seed), 4)
	g := Default()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		g.Find(text)
	}
}
