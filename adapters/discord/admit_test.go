package discord

import (
	"context"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/internal/admit"
)

// TestHTTPSaturatedPool: with every slot taken (the worker blocked by the
// test holding it), an application command is still deferred in the HTTP
// answer at once; it is then answered when a slot frees, or, when the queue
// is full too, told privately that newsdesk is busy (never that the query
// was too broad).
func TestHTTPSaturatedPool(t *testing.T) {
	tests := []struct {
		name    string
		queue   int
		release bool
		busy    bool
	}{
		{name: "queue full: deferred, told busy", queue: -1, busy: true},
		{name: "queued: deferred, answered when a slot frees", queue: 1, release: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool := admit.New(admit.Config{Running: 1, Queue: tt.queue})
			release, err := pool.Acquire(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			e := startHTTP(t, nil, func(c *Config) { c.Admit = pool })
			tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000009", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "search APT31"})
			if d := e.deliver(t, payload); d.Status != 200 || d.Type != 5 {
				t.Fatalf("answered %d %q, want a deferral while the pool is full", d.Status, d.Body)
			}
			if tt.busy {
				wait(t, e.f, "the busy note", func() bool { in, _ := e.f.Interaction(tok); return in.Deleted })
				in, _ := e.f.Interaction(tok)
				if len(in.Followups) != 1 || !in.Followups[0].Ephemeral {
					t.Fatalf("follow-ups %+v, want one ephemeral busy note", in.Followups)
				}
				text := embedText(in.Followups[0].Embeds)
				if !strings.Contains(text, bot.BusyText) || strings.Contains(text, "fewer") {
					t.Errorf("busy note = %q, want %q", text, bot.BusyText)
				}
				if n := len(e.h.requests()); n != 0 {
					t.Errorf("handler ran %d times for a command turned away", n)
				}
				return
			}
			if tt.release {
				release()
			}
			wait(t, e.f, "the edited response", func() bool { in, _ := e.f.Interaction(tok); return len(in.Edits) == 1 })
			in, _ := e.f.Interaction(tok)
			if text := embedText(in.Edits[0].Embeds); !strings.Contains(text, "APT31") {
				t.Errorf("edited response lacks the hits:\n%s", text)
			}
		})
	}
}
