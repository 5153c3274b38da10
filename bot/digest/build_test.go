package digest

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/news"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func hit(seq uint64, article string, n int, kind news.Kind, speaker, country string, accused []string, sentence string) news.Hit {
	return news.Hit{
		ID: fmt.Sprintf("%s#%d", article, n), ArticleID: article, Seq: seq,
		Title: "Title of " + article, Published: time.Date(2024, 3, 25, 12, 0, 0, 0, time.UTC),
		Source: news.Source{Name: "Wire", URL: "https://example.org/" + article},
		Statement: &news.Statement{Kind: kind, Speaker: speaker, SpeakerCountry: []string{country}, Accused: accused,
			Confidence: map[bool]string{true: "highly likely"}[kind == news.Allegation], Sentence: sentence},
	}
}

// window fixture, in seq order.
func fixtureHits() []news.Hit {
	return []news.Hit{
		hit(1, "uk-apt31", 0, news.Allegation, "NCSC", "GB", []string{"APT31", "CN"}, "The NCSC attributed the Electoral Commission compromise to APT31."),
		hit(1, "uk-apt31", 1, news.Sanction, "FCDO", "GB", []string{"APT31"}, "The UK sanctioned a front company and two individuals."),
		hit(1, "uk-apt31", 2, news.Response, "Chinese Embassy in the UK", "CN", []string{"CN"}, "The embassy called the claims malicious slander."),
		hit(2, "us-apt31", 0, news.Indictment, "DOJ", "US", []string{"APT31"}, "Seven hackers were charged."),
		hit(3, "ru-sandworm", 0, news.Allegation, "NCSC", "GB", []string{"Sandworm"}, "Sandworm targeted the grid."),
		hit(4, "cn-reply", 0, news.Response, "MFA spokesperson", "CN", []string{"APT31"}, "Beijing rejected the US charges."),
		hit(5, "kp-reply", 0, news.Response, "KCNA", "KP", []string{"Lazarus Group"}, "Pyongyang denied any role."),
		hit(6, "anon", 0, news.Allegation, "CISA", "US", nil, "An unnamed actor breached a water utility."),
	}
}

func TestBuildGolden(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	opts := BuildOptions{Max: 20, Loc: london, Now: time.Date(2026, 3, 29, 8, 0, 0, 0, london), Since: time.Date(2026, 3, 28, 8, 0, 0, 0, london)}
	tests := []struct {
		name string
		hits []news.Hit
		max  int
	}{
		{"digest", fixtureHits(), 20},
		{"capped", fixtureHits(), 4},
		{"quiet", nil, 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := opts
			o.Max = tc.max
			got, err := json.MarshalIndent(Build(tc.hits, o), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if strings.TrimSpace(string(got)) != strings.TrimSpace(string(want)) {
				t.Errorf("Build differs from %s (go test -update rewrites it):\n%s", golden, got)
			}
		})
	}
}

// The structure the golden file pins, stated as rules.
func TestBuildRules(t *testing.T) {
	r := Build(fixtureHits(), BuildOptions{Max: 20, Now: time.Date(2026, 3, 29, 8, 0, 0, 0, time.UTC)})
	if r.Kind != bot.KindDigest || r.Footer != "" || r.Text != "8 new statements since the subscription." {
		t.Errorf("reply: kind %v text %q footer %q", r.Kind, r.Text, r.Footer)
	}
	var heads []string
	for _, s := range r.Sections {
		heads = append(heads, s.Heading)
	}
	// Sections with allegations first (biggest first), response-only last.
	if got := strings.Join(heads, ","); got != "APT31,Sandworm,Unattributed,Lazarus Group" {
		t.Fatalf("sections %s", got)
	}
	apt31 := r.Sections[0].Items
	if len(apt31) != 3 || apt31[0].Kind != news.Allegation || apt31[1].Kind != news.Indictment || apt31[2].Kind != news.Sanction {
		t.Fatalf("APT31 items out of kind order: %+v", apt31)
	}
	// The embassy answers the allegation in its article (it names CN, which
	// the allegation accuses); Beijing's reply in another article answers
	// the latest statement accusing APT31 in the window.
	if len(apt31[0].Answers) != 1 || apt31[0].Answers[0].Speaker != "Chinese Embassy in the UK" {
		t.Errorf("allegation answers: %+v", apt31[0].Answers)
	}
	if len(apt31[1].Answers) != 1 || apt31[1].Answers[0].Speaker != "MFA spokesperson" {
		t.Errorf("indictment answers: %+v", apt31[1].Answers)
	}
	if lz := r.Sections[3].Items; len(lz) != 1 || lz[0].Kind != news.Response || len(lz[0].Answers) != 0 {
		t.Errorf("unanswered response: %+v", lz)
	}
	it := apt31[0]
	if it.URL != "https://example.org/uk-apt31" || it.Confidence != "highly likely" || it.Speaker != "NCSC" || it.Text == "" || it.Date.IsZero() {
		t.Errorf("item fields: %+v", it)
	}

	capped := Build(fixtureHits(), BuildOptions{Max: 4})
	n := 0
	for _, s := range capped.Sections {
		for _, it := range s.Items {
			n += 1 + len(it.Answers)
		}
	}
	// Round robin: one statement of each section (APT31, Sandworm,
	// Unattributed, Lazarus Group's unanswered response) before APT31 gets
	// more.
	if want := `also: 4 on APT31 — try: search actor:APT31`; n != 4 || capped.Footer != want {
		t.Errorf("capped: %d shown, footer %q", n, capped.Footer)
	}
	quiet := Build(nil, BuildOptions{Since: time.Date(2026, 3, 28, 8, 0, 0, 0, time.UTC)})
	if len(quiet.Sections) != 0 || quiet.Footer != "Nothing new since Sat 28 Mar 08:00 UTC." {
		t.Errorf("quiet: %+v", quiet)
	}
}

// BenchmarkBuild10k: a digest from 10,000 new statements (2,500 articles of
// an allegation, an indictment, a sanction and a response, over 200 actors).
func BenchmarkBuild10k(b *testing.B) {
	kinds := []news.Kind{news.Allegation, news.Indictment, news.Sanction, news.Response}
	hits := make([]news.Hit, 0, 10_000)
	for i := range 10_000 {
		art := i / 4
		actor := fmt.Sprintf("Actor%03d", art%200)
		hits = append(hits, hit(uint64(art+1), fmt.Sprintf("a%d", art), i%4, kinds[i%4], "Speaker", "GB", []string{actor},
			"A sentence of ordinary length about the intrusion that the agency attributed to the actor."))
	}
	o := BuildOptions{Max: 200, Now: time.Date(2026, 3, 29, 8, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		r := Build(hits, o)
		if len(r.Sections) == 0 {
			b.Fatal("empty digest")
		}
	}
}

// TestBuildEveryStateGetsItsShare: on a busy day with more statements than
// max, each of four states appears, the cut is named per state and the
// footer offers the search for each.
func TestBuildEveryStateGetsItsShare(t *testing.T) {
	var hits []news.Hit
	seq := uint64(0)
	add := func(state string, n int) {
		for i := range n {
			seq++
			hits = append(hits, news.Hit{ID: fmt.Sprintf("%s-%d", state, i), ArticleID: fmt.Sprintf("%s-art-%d", state, i/3), Seq: seq,
				Title: "Story about " + state, Statement: &news.Statement{Kind: news.Allegation, Speaker: "NCSC", SpeakerCountry: []string{"GB"},
					Accused: []string{state}, Sentence: fmt.Sprintf("The NCSC said %s ran operation %d.", state, i)}})
		}
	}
	add("CN", 40)
	add("RU", 22)
	add("IR", 6)
	add("KP", 5)
	many := append([]news.Hit(nil), hits...)
	for _, st := range []string{"BY", "SY", "VN", "PK"} {
		for i := range 3 {
			seq++
			many = append(many, news.Hit{ID: fmt.Sprintf("%s-%d", st, i), ArticleID: st, Seq: seq,
				Statement: &news.Statement{Kind: news.Allegation, Accused: []string{st}, Sentence: "s"}})
		}
	}
	if r := Build(many, BuildOptions{Max: 8}); r.Footer != "also: 39 on CN, 21 on RU, 5 on IR, 4 on KP, 2 on BY, 6 on 3 more — try: search actor:CN · search actor:RU · search actor:IR · search actor:KP · search actor:BY" {
		t.Errorf("eight sections cut: footer %q", r.Footer)
	}
	tests := []struct {
		max      int
		perState map[string]int
		footer   string
	}{
		{30, map[string]int{"CN": 10, "RU": 9, "IR": 6, "KP": 5},
			"also: 30 on CN, 13 on RU — try: search actor:CN · search actor:RU"},
		{4, map[string]int{"CN": 1, "RU": 1, "IR": 1, "KP": 1},
			"also: 39 on CN, 21 on RU, 5 on IR, 4 on KP — try: search actor:CN · search actor:RU · search actor:IR · search actor:KP"},
		{100, map[string]int{"CN": 40, "RU": 22, "IR": 6, "KP": 5}, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("max %d", tt.max), func(t *testing.T) {
			r := Build(hits, BuildOptions{Max: tt.max, Now: time.Date(2026, 3, 27, 8, 0, 0, 0, time.UTC)})
			got := map[string]int{}
			total := 0
			for _, s := range r.Sections {
				got[s.Heading] = len(s.Items)
				total += len(s.Items)
			}
			for state, want := range tt.perState {
				if got[state] != want {
					t.Errorf("%s: %d statements shown, want %d (all: %v)", state, got[state], want, got)
				}
			}
			if total > tt.max {
				t.Errorf("%d shown, more than max %d", total, tt.max)
			}
			if r.Footer != tt.footer {
				t.Errorf("footer %q\nwant   %q", r.Footer, tt.footer)
			}
			if r.Title != "Digest for Fri 27 Mar 2026, 08:00 UTC" {
				t.Errorf("title %q", r.Title)
			}
		})
	}
}
