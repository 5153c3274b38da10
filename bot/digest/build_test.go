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
	if n != 4 || capped.Footer != "and 4 more — try: search actor:APT31" {
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
