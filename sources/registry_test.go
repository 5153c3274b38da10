package sources_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/sources"
	"github.com/newsdesk/newsdesk/state"
)

func newRegistry(t *testing.T, config ...sources.Configured) (*sources.Registry, *state.Store) {
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
	return &sources.Registry{Catalog: cat, Store: st, Config: config, Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }}, st
}

func labels(fs []sources.Feed) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Label()+"/"+f.Origin)
	}
	return out
}

// TestRegistry: the config's feeds and the added ones are polled once
// each; adding twice, or adding a configured feed, changes nothing;
// removing a configured feed or one not enabled is refused with a reason;
// what was added survives a reopen of the state.
func TestRegistry(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t, sources.Configured{Name: "ncsc-uk-news", Every: 10 * time.Minute}, sources.Configured{URL: "https://example.org/a.xml"})
	if err := r.CheckConfig(); err != nil {
		t.Fatal(err)
	}
	cisa, _ := r.Catalog.Lookup("cisa-advisories")
	steps := []struct {
		arg       string
		wantAdded bool
		wantLabel string
	}{
		{"cisa-advisories", true, "cisa-advisories"},
		{cisa.URL, false, "cisa-advisories"}, // the same source by its URL
		{"ncsc-uk-news", false, "ncsc-uk-news"},
		{"https://example.org/a.xml", false, "https://example.org/a.xml"},
		{"https://example.org/b.xml", true, "https://example.org/b.xml"},
	}
	for _, st := range steps {
		f, added, err := r.Add(ctx, st.arg, "cli")
		if err != nil || added != st.wantAdded || f.Label() != st.wantLabel {
			t.Errorf("Add(%s) = %s %v %v; want %s added=%v", st.arg, f.Label(), added, err, st.wantLabel, st.wantAdded)
		}
	}
	got, err := r.Enabled(ctx)
	// the config's first, in order; then the added ones by key
	want := []string{"ncsc-uk-news/config", "https://example.org/a.xml/config", "cisa-advisories/added", "https://example.org/b.xml/added"}
	if err != nil || !slices.Equal(labels(got), want) {
		t.Fatalf("Enabled = %q, %v; want %q", labels(got), err, want)
	}
	if got[0].Every != 10*time.Minute || got[0].Publisher == "" || got[0].Country != "GB" {
		t.Errorf("configured catalog feed: %+v", got[0])
	}

	l, err := r.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	on := 0
	for _, s := range l.Catalog {
		if s.Enabled {
			on++
		}
		if (s.Name == "cisa-advisories" && s.Origin != sources.FromAdded) || (s.Name == "ncsc-uk-news" && s.Origin != sources.FromConfig) {
			t.Errorf("%s listed from %q", s.Name, s.Origin)
		}
	}
	if on != 2 || len(l.Catalog) != len(r.Catalog.All()) || !slices.Equal(labels(l.Custom), []string{"https://example.org/a.xml/config", "https://example.org/b.xml/added"}) {
		t.Errorf("List: %d enabled of %d, custom %q", on, len(l.Catalog), labels(l.Custom))
	}

	refusals := []struct {
		arg  string
		want any
	}{
		{"ncsc-uk-news", new(*sources.ConfiguredError)},
		{"https://example.org/a.xml", new(*sources.ConfiguredError)},
		{"fcdo", new(*sources.NotEnabledError)},
		{"ncsc-uk-nws", new(*sources.UnknownError)},
		{"ftp://example.org/x", new(*sources.BadURLError)},
	}
	for _, tt := range refusals {
		if _, err := r.Remove(ctx, tt.arg); !errors.As(err, tt.want) || !sources.IsRefusal(err) {
			t.Errorf("Remove(%s) = %v, want a %T", tt.arg, err, tt.want)
		}
	}
	for _, arg := range []string{cisa.URL, "HTTPS://EXAMPLE.ORG/b.xml"} {
		if _, err := r.Remove(ctx, arg); err != nil {
			t.Errorf("Remove(%s) = %v", arg, err)
		}
	}
	if got, _ := r.Enabled(ctx); !slices.Equal(labels(got), want[:2]) {
		t.Errorf("after removing: %q", labels(got))
	}
}

func TestRegistryCheckConfig(t *testing.T) {
	r, _ := newRegistry(t, sources.Configured{Name: "ncsc-uk-news"}, sources.Configured{Name: "cisa-advisorie"})
	err := r.CheckConfig()
	var ue *sources.UnknownError
	if !errors.As(err, &ue) || len(ue.Closest) == 0 || ue.Closest[0] != "cisa-advisories" {
		t.Fatalf("CheckConfig = %v, want an UnknownError suggesting cisa-advisories", err)
	}
	if got := err.Error(); !strings.Contains(got, "feeds[1].name") {
		t.Errorf("error %q does not name the entry", got)
	}
}

// A name the catalog has dropped (by a newer newsdesk) is not polled, is
// listed as stale, and can still be removed.
func TestRegistryStaleName(t *testing.T) {
	ctx := context.Background()
	r, st := newRegistry(t)
	if _, err := st.EnableFeed(ctx, state.EnabledFeed{Name: "gone-feed"}); err != nil {
		t.Fatal(err)
	}
	if got, err := r.Enabled(ctx); err != nil || len(got) != 0 {
		t.Errorf("Enabled = %q, %v; want nothing", labels(got), err)
	}
	if l, _ := r.List(ctx); !slices.Equal(l.Stale, []string{"gone-feed"}) {
		t.Errorf("stale %q", l.Stale)
	}
	if _, err := r.Remove(ctx, "gone-feed"); err != nil {
		t.Errorf("Remove(gone-feed) = %v", err)
	}
	if l, _ := r.List(ctx); len(l.Stale) != 0 {
		t.Errorf("still stale: %q", l.Stale)
	}
}
