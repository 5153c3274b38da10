package state

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// filledState writes a state file with a few subscriptions, ledger slots
// and feed cursors (several pages) and returns its path, closed.
func filledState(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range []string{"slack:C1", "discord:2"} {
		if err := s.UpdateSubscription(ctx, ch, func(sub *Subscription, _ bool) error { sub.At, sub.Created = "08:00", t0; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 200 {
		ids := make([]string, 50)
		for j := range ids {
			ids[j] = strings.Repeat("x", 40) + string(rune('a'+j%26))
		}
		if err := s.SetFeedCursor(ctx, FeedCursor{URL: "https://example.org/feed/" + strings.Repeat("n", i%7) + string(rune('A'+i%26)) + string(rune('a'+i/26)), ItemIDs: ids}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// garble overwrites n bytes at off with random bytes (seeded).
func garble(t *testing.T, path string, off, n int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := off; i < off+n && i < int64(len(b)); i++ {
		b[i] = byte(r.UintN(256))
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestDamagedStateRefusedNeverRecreated(t *testing.T) {
	page := int64(os.Getpagesize())
	cases := []struct {
		name   string
		damage func(t *testing.T, path string)
		reason string // in the error
	}{
		{"zero length", func(t *testing.T, p string) { os.Truncate(p, 0) }, "empty (0 bytes)"},
		{"truncated to half", func(t *testing.T, p string) {
			st, _ := os.Stat(p)
			os.Truncate(p, st.Size()/2)
		}, "truncated"},
		{"truncated inside the header", func(t *testing.T, p string) { os.Truncate(p, 40) }, "too short"},
		{"both header pages garbled", func(t *testing.T, p string) { garble(t, p, 0, 2*page) }, "header pages"},
		{"not a bbolt file", func(t *testing.T, p string) {
			os.WriteFile(p, bytes.Repeat([]byte("subscriptions: none\n"), 1000), 0o600)
		}, "header pages"},
		{"data pages garbled", func(t *testing.T, p string) { garble(t, p, 2*page, 8*page) }, "bbolt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filledState(t)
			tc.damage(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(path)
			if err == nil {
				s.Close()
				t.Fatal("a damaged state file was opened")
			}
			var de *DamagedError
			if !errors.Is(err, ErrDamaged) || !errors.As(err, &de) {
				t.Fatalf("error %v is not a DamagedError", err)
			}
			msg := err.Error()
			t.Log(msg)
			for _, want := range []string{path, tc.reason, "newsdesk repair"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("Open changed the damaged file")
			}

			moved, lost, err := Quarantine(path, t0)
			if err != nil {
				t.Fatal(err)
			}
			if kept, _ := os.ReadFile(moved); !bytes.Equal(kept, before) {
				t.Errorf("the file moved aside to %s is not the damaged file", moved)
			}
			if lost.String() == "" {
				t.Error("Quarantine does not say what was lost")
			}
			t.Logf("moved to %s; %s", filepath.Base(moved), lost)
			s, err = Open(path)
			if err != nil {
				t.Fatalf("after quarantine: %v", err)
			}
			defer s.Close()
			if subs, err := s.Subscriptions(context.Background()); err != nil || len(subs) != 0 {
				t.Errorf("the new state file holds %v %v", subs, err)
			}
		})
	}
}

func TestQuarantineRefusesAHealthyFile(t *testing.T) {
	path := filledState(t)
	if _, _, err := Quarantine(path, t0); err == nil {
		t.Fatal("a healthy state file was moved aside")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Quarantine(filepath.Join(t.TempDir(), "none.db"), t0); err == nil {
		t.Error("a missing file was quarantined")
	}
}

// TestInventorySaysWhatIsLost names every kind of record a damaged state
// file takes with it, feeds enabled from chat or the command line included.
func TestInventorySaysWhatIsLost(t *testing.T) {
	for _, c := range []struct {
		name string
		in   Inventory
		want []string
	}{
		{"unreadable", Inventory{}, []string{"subscription and watch", "digest ledger", "feed cursor", "feeds add"}},
		{"readable", Inventory{Readable: true, Subscriptions: []string{"slack:C1"}, LedgerSlots: 3, FeedCursors: 2, EnabledFeeds: []string{"cisa", "https://example.org/feed"}},
			[]string{"1 subscriptions (slack:C1", "2 feeds enabled from the command line or chat (cisa, https://example.org/feed", "3 digest ledger records", "2 feed cursors"}},
		{"readable, empty", Inventory{Readable: true}, []string{"no subscriptions", "no feeds enabled"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := c.in.String()
			for _, w := range c.want {
				if !strings.Contains(s, w) {
					t.Errorf("%q does not say %q", s, w)
				}
			}
		})
	}
}
