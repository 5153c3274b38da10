package state

import (
	"context"
	"testing"
)

// TestEnabledFeedsPersist: feeds enabled by name or URL survive a reopen,
// enabling one twice keeps the first record, and disabling says whether
// there was one.
func TestEnabledFeedsPersist(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	steps := []struct {
		f    EnabledFeed
		want bool
	}{
		{EnabledFeed{Name: "ncsc-uk-news", By: "cli", Added: t0}, true},
		{EnabledFeed{URL: "https://example.org/feed.xml", By: "slack:U1", Added: t0}, true},
		{EnabledFeed{Name: "ncsc-uk-news", By: "slack:U2", Added: t0.Add(1)}, false},
	}
	for _, st := range steps {
		if added, err := s.EnableFeed(ctx, st.f); err != nil || added != st.want {
			t.Fatalf("EnableFeed(%+v) = %v, %v; want %v", st.f, added, err, st.want)
		}
	}
	if _, err := s.EnableFeed(ctx, EnabledFeed{}); err == nil {
		t.Error("EnableFeed with neither name nor URL succeeded")
	}
	s = reopen(t, s, path)
	got, err := s.EnabledFeeds(ctx)
	if err != nil || len(got) != 2 || got[0].Key() != "https://example.org/feed.xml" || got[1].Key() != "ncsc-uk-news" || got[1].By != "cli" || !got[1].Added.Equal(t0) {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	for _, tt := range []struct {
		key  string
		want bool
	}{{"ncsc-uk-news", true}, {"ncsc-uk-news", false}, {"nothing", false}} {
		if existed, err := s.DisableFeed(ctx, tt.key); err != nil || existed != tt.want {
			t.Errorf("DisableFeed(%s) = %v, %v; want %v", tt.key, existed, err, tt.want)
		}
	}
	if got, _ := s.EnabledFeeds(ctx); len(got) != 1 || got[0].URL != "https://example.org/feed.xml" {
		t.Errorf("after disabling: %+v", got)
	}
}
