package feeds_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/bot/feeds"
	"github.com/newsdesk/newsdesk/internal/testenv"
	"github.com/newsdesk/newsdesk/sources"
	"github.com/newsdesk/newsdesk/state"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// newBot is a bot over the sample corpus whose feeds command works on a
// real registry: the embedded catalog, one feed in the config, a state
// store in a temporary directory, and one admin.
func newBot(t *testing.T) (*bot.Bot, *state.Store) {
	t.Helper()
	cat, err := sources.Default()
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	reg := &sources.Registry{Catalog: cat, Store: st, Config: []sources.Configured{{Name: "ncsc-uk-news"}},
		Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }}
	b := testenv.New(t).Bot
	b.Feeds = &feeds.Chat{Registry: reg}
	b.Admins = map[string]bool{"slack:UBOSS": true}
	return b, st
}

// TestFeedsReplies: each feeds reply, as an admin and as anyone else,
// against its golden file (go test -update rewrites them).
func TestFeedsReplies(t *testing.T) {
	b, st := newBot(t)
	ctx := context.Background()
	steps := []struct {
		golden, user, text string
		wantErr            bool
	}{
		{"add", "UBOSS", "feeds add cisa-advisories", false},
		{"add_again", "UBOSS", "feeds add cisa-advisories", false},
		{"add_configured", "UBOSS", "feeds add ncsc-uk-news", false},
		{"add_url", "UBOSS", "feeds add <https://feeds.example.org/desk.xml>", false},
		{"add_verify", "UBOSS", "feeds add china-mfa-press", false},
		{"add_unknown", "UBOSS", "feeds add cisa", true},
		{"add_bad_url", "UBOSS", "feeds add ftp://example.org/feed", true},
		{"add_not_admin", "UINTERN", "feeds add fcdo", true},
		{"list", "UINTERN", "feeds", false},
		{"remove", "UBOSS", "feeds remove https://feeds.example.org/desk.xml", false},
		{"remove_configured", "UBOSS", "feeds remove ncsc-uk-news", true},
		{"remove_not_enabled", "UBOSS", "feeds remove fcdo", true},
		{"remove_not_admin", "UINTERN", "feeds remove cisa-advisories", true},
		{"usage", "UBOSS", "feeds rename cisa-advisories", true},
	}
	for _, s := range steps {
		t.Run(s.golden, func(t *testing.T) {
			r := b.Handle(ctx, bot.Request{Platform: "slack", Channel: "C1", User: s.user, Text: s.text})
			if (r.Kind == bot.KindError) != s.wantErr {
				t.Errorf("reply %v %q, want error=%v", r.Kind, r.Text, s.wantErr)
			}
			if r.Outcome == bot.Failed {
				t.Errorf("a refusal was taken for a failure: %q", r.Text)
			}
			got, err := json.MarshalIndent(r, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "feeds_"+s.golden+".golden.json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if strings.TrimSpace(string(want)) != string(got) {
				t.Errorf("reply differs from %s (go test -update rewrites it):\n%s", golden, got)
			}
		})
	}
	// what the steps did is in the state store
	got, err := st.EnabledFeeds(ctx)
	if err != nil || len(got) != 2 || got[0].Name != "china-mfa-press" || got[1].Name != "cisa-advisories" || got[1].By != "slack:UBOSS" {
		t.Errorf("enabled feeds stored: %+v, %v; want china-mfa-press and cisa-advisories, added by slack:UBOSS", got, err)
	}
}

// TestFeedsRepliesHold states what the golden files pin.
func TestFeedsRepliesHold(t *testing.T) {
	b, _ := newBot(t)
	ctx := context.Background()
	ask := func(user, text string) bot.Reply {
		return b.Handle(ctx, bot.Request{Platform: "slack", Channel: "C1", User: user, Text: text})
	}
	if r := ask("UBOSS", "feeds add cisa"); !strings.Contains(r.Text, "cisa-advisories") || !strings.Contains(r.Text, "cisa-news") {
		t.Errorf("unknown name: %q, want the closest names suggested", r.Text)
	}
	if r := ask("UINTERN", "feeds add fcdo"); !strings.Contains(r.Text, "only this newsdesk's admins") {
		t.Errorf("non-admin add: %q", r.Text)
	}
	cat, _ := sources.Default()
	r := ask("UINTERN", "feeds list")
	if !strings.Contains(r.Text, "Enabled (1):\nncsc-uk-news: ") || !strings.Contains(r.Text, "[config]") || strings.Count(r.Text, "\n") != len(cat.All())+1 {
		t.Errorf("list: %q, want every catalog source on a line, ncsc-uk-news enabled from the config", r.Text)
	}
}
