package state

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "state.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func reopen(t *testing.T, s *Store, path string) *Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	return s2
}

var t0 = time.Date(2026, 3, 28, 8, 0, 0, 0, time.UTC)

func TestOpenLockedByAnotherHolder(t *testing.T) {
	_, path := openTemp(t)
	_, err := OpenWith(path, Options{LockTimeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: got %v, want ErrLocked", err)
	}
	t.Log(err)
}

func TestSubscriptionsPersist(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	err := s.UpdateSubscription(ctx, "slack:C1", func(sub *Subscription, exists bool) error {
		if exists {
			t.Error("new channel reported as existing")
		}
		sub.At, sub.TZ, sub.Filter, sub.Watermark, sub.Created = "08:00", "Europe/London", "actor:APT31", 7, t0
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateSubscription(ctx, "discord:9", func(sub *Subscription, _ bool) error { sub.Cron = "0 9 * * 1-5"; return nil }); err != nil {
		t.Fatal(err)
	}
	// An error from fn writes nothing.
	boom := errors.New("boom")
	if err := s.UpdateSubscription(ctx, "slack:C1", func(sub *Subscription, _ bool) error { sub.Watermark = 99; return boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}

	s = reopen(t, s, path)
	sub, ok, err := s.Subscription(ctx, "slack:C1")
	if err != nil || !ok {
		t.Fatalf("after reopen: ok=%v err=%v", ok, err)
	}
	if sub.Channel != "slack:C1" || sub.At != "08:00" || sub.TZ != "Europe/London" || sub.Filter != "actor:APT31" || sub.Watermark != 7 || !sub.Created.Equal(t0) {
		t.Errorf("after reopen: %+v", sub)
	}
	all, err := s.Subscriptions(ctx)
	if err != nil || len(all) != 2 || all[0].Channel != "discord:9" || all[1].Channel != "slack:C1" {
		t.Fatalf("Subscriptions = %+v, %v", all, err)
	}

	if err := s.MarkHandled(ctx, "slack:C1", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkHandled(ctx, "slack:C1", t0); err != nil { // never backwards
		t.Fatal(err)
	}
	sub, _, _ = s.Subscription(ctx, "slack:C1")
	if !sub.Handled.Equal(t0.Add(time.Hour)) {
		t.Errorf("Handled = %v, want %v", sub.Handled, t0.Add(time.Hour))
	}

	existed, err := s.DeleteSubscription(ctx, "slack:C1")
	if err != nil || !existed {
		t.Fatalf("delete: existed=%v err=%v", existed, err)
	}
	existed, err = s.DeleteSubscription(ctx, "slack:C1")
	if err != nil || existed {
		t.Fatalf("second delete: existed=%v err=%v", existed, err)
	}
	s = reopen(t, s, path)
	if _, ok, _ := s.Subscription(ctx, "slack:C1"); ok {
		t.Error("deleted subscription came back after reopen")
	}
}

func TestLedgerLifecycle(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	ch := "slack:C1"
	if err := s.UpdateSubscription(ctx, ch, func(sub *Subscription, _ bool) error { sub.Watermark = 10; return nil }); err != nil {
		t.Fatal(err)
	}
	sl := Slot{Key: ch + "|2026-03-29", Channel: ch, Scheduled: t0, From: 10, Watermark: 25, Count: 3, Body: []byte(`{"title":"x"}`), Created: t0}
	if err := s.BeginSlot(ctx, sl, true); err != nil {
		t.Fatal(err)
	}
	if err := s.BeginSlot(ctx, sl, true); !errors.Is(err, ErrSlotExists) {
		t.Fatalf("second begin: got %v, want ErrSlotExists", err)
	}
	for _, bad := range []Slot{{Key: "2026-03-29", Channel: ch}, {Key: ch + "|", Channel: ch}, {Key: "x|1"}} {
		if err := s.BeginSlot(ctx, bad, false); err == nil {
			t.Errorf("BeginSlot(%+v) accepted a malformed key", bad)
		}
	}
	// Another channel whose name extends this one's must not show up.
	if err := s.BeginSlot(ctx, Slot{Key: ch + "2|x", Channel: ch + "2", Created: t0}, false); err != nil {
		t.Fatal(err)
	}

	s = reopen(t, s, path) // crash after the ledger, before the post
	pend, err := s.PendingSlots(ctx, ch)
	if err != nil || len(pend) != 1 || pend[0].Key != sl.Key || string(pend[0].Body) != `{"title":"x"}` || pend[0].Watermark != 25 {
		t.Fatalf("pending after reopen = %+v, %v", pend, err)
	}
	sub, _, _ := s.Subscription(ctx, ch)
	if sub.Watermark != 10 || !sub.Handled.Equal(t0) {
		t.Errorf("begin moved the watermark or missed Handled: %+v", sub)
	}

	if err := s.FailSlot(ctx, sl.Key, errors.New("slack: 503"), t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, _, _ := s.Slot(ctx, sl.Key)
	if got.Attempts != 1 || got.LastError != "slack: 503" || !got.NextAttempt.Equal(t0.Add(time.Minute)) || got.State != Pending {
		t.Errorf("after FailSlot: %+v", got)
	}

	at := t0.Add(2 * time.Minute)
	if err := s.CommitSlot(ctx, sl.Key, "1711.0001", at); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitSlot(ctx, sl.Key, "other", at.Add(time.Hour)); err != nil { // idempotent
		t.Fatal(err)
	}
	s = reopen(t, s, path)
	got, _, _ = s.Slot(ctx, sl.Key)
	if got.State != Posted || got.MessageID != "1711.0001" || got.Body != nil || !got.Done.Equal(at) || got.LastError != "" {
		t.Errorf("after commit: %+v", got)
	}
	sub, _, _ = s.Subscription(ctx, ch)
	if sub.Watermark != 25 || !sub.LastDelivered.Equal(at) {
		t.Errorf("commit did not move the watermark: %+v", sub)
	}
	if pend, _ := s.PendingSlots(ctx, ch); len(pend) != 0 {
		t.Errorf("still pending: %+v", pend)
	}
	if err := s.FailSlot(ctx, sl.Key, errors.New("x"), at); err == nil {
		t.Error("FailSlot on a posted slot succeeded")
	}

	// A lower watermark never moves the channel back.
	old := Slot{Key: ch + "|now-1", Channel: ch, Watermark: 3, Created: at}
	if err := s.BeginSlot(ctx, old, false); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitSlot(ctx, old.Key, "m2", at); err != nil {
		t.Fatal(err)
	}
	if sub, _, _ = s.Subscription(ctx, ch); sub.Watermark != 25 {
		t.Errorf("watermark moved back to %d", sub.Watermark)
	}

	// Abandon keeps the watermark.
	ab := Slot{Key: ch + "|2026-03-30", Channel: ch, Watermark: 40, Created: at}
	if err := s.BeginSlot(ctx, ab, false); err != nil {
		t.Fatal(err)
	}
	if err := s.AbandonSlot(ctx, ab.Key, at); err != nil {
		t.Fatal(err)
	}
	if sub, _, _ = s.Subscription(ctx, ch); sub.Watermark != 25 {
		t.Errorf("abandon moved the watermark to %d", sub.Watermark)
	}

	if got, _, _ := s.Slot(ctx, ab.Key); got.State != Abandoned || got.Unconfirmed {
		t.Errorf("after AbandonSlot: %+v", got)
	}

	// Giving up without the platform's word keeps the watermark and says so.
	gu := Slot{Key: ch + "|2026-03-31", Channel: ch, From: 25, Watermark: 50, Body: []byte(`{}`), Created: at}
	if err := s.BeginSlot(ctx, gu, false); err != nil {
		t.Fatal(err)
	}
	if err := s.FailSlot(ctx, gu.Key, errors.New("missing_scope"), at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.GiveUpSlot(ctx, gu.Key, at, errors.New("slack: missing_scope")); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, path)
	got, _, _ = s.Slot(ctx, gu.Key)
	if got.State != Abandoned || !got.Unconfirmed || got.Body != nil || got.LastError != "slack: missing_scope" || !got.NextAttempt.IsZero() || got.Attempts != 1 {
		t.Errorf("after GiveUpSlot: %+v", got)
	}
	if sub, _, _ = s.Subscription(ctx, ch); sub.Watermark != 25 {
		t.Errorf("give up moved the watermark to %d", sub.Watermark)
	}
	if err := s.GiveUpSlot(ctx, gu.Key, at, nil); err == nil || !strings.Contains(err.Error(), "not pending") {
		t.Errorf("GiveUpSlot on an abandoned slot: %v", err)
	}
	all, err := s.Slots(ctx, ch)
	if err != nil || len(all) != 4 {
		t.Fatalf("Slots = %d, %v; want 4", len(all), err)
	}
	for i, want := range []string{sl.Key, ab.Key, gu.Key, old.Key} {
		if all[i].Key != want {
			t.Errorf("Slots[%d] = %s, want %s (oldest first, then by key)", i, all[i].Key, want)
		}
	}

	n, err := s.PruneSlots(ctx, at.Add(time.Second))
	if err != nil || n != 4 {
		t.Fatalf("prune = %d, %v; want 4", n, err)
	}
	if _, ok, _ := s.Slot(ctx, ch+"2|x"); !ok {
		t.Error("prune deleted a pending slot")
	}
}

func TestFeedCursors(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	url := "https://example.org/feed.xml"
	c, err := s.FeedCursor(ctx, url)
	if err != nil || c.URL != url || c.ETag != "" {
		t.Fatalf("unknown feed: %+v, %v", c, err)
	}
	ids := make([]string, MaxFeedItemIDs+5)
	for i := range ids {
		ids[i] = string(rune('a'+i%26)) + time.Duration(i).String()
	}
	if err := s.SetFeedCursor(ctx, FeedCursor{URL: url, ETag: `W/"1"`, LastModified: "Sat, 28 Mar 2026 08:00:00 GMT", ItemIDs: ids, Checked: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFeedCursor(ctx, FeedCursor{}); err == nil {
		t.Error("SetFeedCursor without URL succeeded")
	}
	s = reopen(t, s, path)
	c, err = s.FeedCursor(ctx, url)
	if err != nil || c.ETag != `W/"1"` || c.LastModified != "Sat, 28 Mar 2026 08:00:00 GMT" || !c.Checked.Equal(t0) {
		t.Fatalf("after reopen: %+v, %v", c, err)
	}
	if len(c.ItemIDs) != MaxFeedItemIDs || c.ItemIDs[0] != ids[5] || c.ItemIDs[len(c.ItemIDs)-1] != ids[len(ids)-1] {
		t.Errorf("kept %d ids from %q; want the newest %d", len(c.ItemIDs), c.ItemIDs[0], MaxFeedItemIDs)
	}
}

func TestCanceledContext(t *testing.T) {
	s, _ := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.UpdateSubscription(ctx, "slack:C1", func(*Subscription, bool) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
