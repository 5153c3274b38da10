package chat_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/internal/seen"
)

// keys records the keys the guard asks the store about.
type keys struct {
	chat.Deliveries
	asked []string
}

func (k *keys) FirstSeen(ctx context.Context, key string, now time.Time, keep time.Duration) (bool, error) {
	k.asked = append(k.asked, key)
	return k.Deliveries.FirstSeen(ctx, key, now, keep)
}

type broken struct{}

func (broken) FirstSeen(context.Context, string, time.Time, time.Duration) (bool, error) {
	return false, errors.New("state.db: disk I/O error")
}

func TestReplay(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ds := &keys{Deliveries: &seen.Memory{}}
	sig := chat.Request{Platform: "slack", Kind: "sig", ID: "v0=abc", Keep: 10 * time.Minute}
	event := chat.Request{Platform: "slack", Kind: "event", ID: "v0=abc", Keep: time.Hour}
	interaction := chat.Request{Platform: "discord", Kind: "interaction", ID: "1234", Keep: 10 * time.Minute}

	for _, c := range []struct {
		name   string
		d      chat.Request
		at     time.Time
		replay bool
	}{
		{"first signed request", sig, now, false},
		{"the same signature again", sig, now.Add(time.Minute), true},
		{"an event with the same id is another delivery", event, now, false},
		{"a Discord interaction", interaction, now, false},
		{"the interaction again", interaction, now.Add(4 * time.Minute), true},
		{"the signature after its keep", sig, now.Add(11 * time.Minute), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			replay, err := chat.Replay(ctx, ds, c.d, c.at)
			if err != nil || replay != c.replay {
				t.Errorf("Replay = %v, %v; want %v", replay, err, c.replay)
			}
		})
	}
	// the keys are those earlier versions recorded in state.db
	want := []string{"slack:sig:v0=abc", "slack:sig:v0=abc", "slack:event:v0=abc", "discord:interaction:1234", "discord:interaction:1234", "slack:sig:v0=abc"}
	if len(ds.asked) != len(want) {
		t.Fatalf("keys %v, want %v", ds.asked, want)
	}
	for i := range want {
		if ds.asked[i] != want[i] {
			t.Errorf("key %d = %q, want %q", i, ds.asked[i], want[i])
		}
	}

	t.Run("no id", func(t *testing.T) {
		_, err := chat.Replay(ctx, ds, chat.Request{Platform: "discord", Kind: "interaction"}, now)
		if !errors.Is(err, chat.ErrNoDeliveryID) {
			t.Errorf("Replay of a delivery without an id = %v, want ErrNoDeliveryID", err)
		}
	})
	t.Run("store fails", func(t *testing.T) {
		replay, err := chat.Replay(ctx, broken{}, sig, now)
		if err == nil || replay {
			t.Errorf("Replay over a failing store = %v, %v; want an error", replay, err)
		}
	})
}
