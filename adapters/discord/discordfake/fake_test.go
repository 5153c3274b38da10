package discordfake

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func session(t *testing.T, f *Fake) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + f.Token)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = f.Client()
	return s
}

func TestClientSendsOnlyDiscordToTheFake(t *testing.T) {
	f := New(t)
	c := f.Client()
	resp, err := c.Get("https://discord.com/api/v9/gateway")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET discord.com/api/v9/gateway = %d, want 200 from the fake", resp.StatusCode)
	}
	if _, err := c.Get("https://example.com/"); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("GET example.com: err = %v, want a refusal", err)
	}
}

type withNonce struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

func TestNonceDedupAndRateLimit(t *testing.T) {
	f := New(t)
	s := session(t, f)
	const ch = "1"
	ep := discordgo.EndpointChannelMessages(ch)
	send := func(nonce string, enforce bool) {
		t.Helper()
		body := withNonce{MessageSend: &discordgo.MessageSend{Content: "hi"}, Nonce: nonce, EnforceNonce: enforce}
		if _, err := s.RequestWithBucketID("POST", ep, body, ep); err != nil {
			t.Fatal(err)
		}
	}
	f.Fail(Failure{Method: "POST", Path: "/channels/*/messages", Status: 429})
	send("n1", true) // 429, discordgo waits retry_after and retries
	send("n1", true) // deduplicated
	if n := len(f.Messages(ch)); n != 1 {
		t.Fatalf("%d messages after a 429 and a repeated enforced nonce, want 1", n)
	}
	send("n1", false) // not enforced: Discord creates another
	if n := len(f.Messages(ch)); n != 2 {
		t.Fatalf("%d messages, want 2", n)
	}
	statuses := []int{}
	for _, r := range f.Requests() {
		statuses = append(statuses, r.Status)
	}
	if len(statuses) != 4 || statuses[0] != 429 {
		t.Errorf("statuses = %v, want [429 200 200 200]", statuses)
	}
}

// The nonce holds for NonceWindow only; Age moves time past it. Pass lets
// requests through before a failure starts.
func TestNonceWindowAndPass(t *testing.T) {
	f := New(t)
	s := session(t, f)
	const ch = "1"
	ep := discordgo.EndpointChannelMessages(ch)
	send := func(nonce string) error {
		body := withNonce{MessageSend: &discordgo.MessageSend{Content: "hi"}, Nonce: nonce, EnforceNonce: true}
		_, err := s.RequestWithBucketID("POST", ep, body, ep, discordgo.WithRestRetries(0))
		return err
	}
	f.Fail(Failure{Method: "POST", Path: "/channels/*/messages", Status: 403, Pass: 2})
	for i, nonce := range []string{"n1", "n1"} {
		if err := send(nonce); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if err := send("n2"); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("third send: err = %v, want the scripted 403", err)
	}
	if n := len(f.Messages(ch)); n != 1 {
		t.Fatalf("%d messages for one nonce sent twice within the window, want 1", n)
	}
	f.Age(ch, DefaultNonceWindow)
	if err := send("n1"); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Messages(ch)); n != 2 {
		t.Errorf("%d messages after the nonce window passed, want 2 (Discord forgets the nonce)", n)
	}
}

func TestFirstFollowupAfterDeferKeepsDeferEphemerality(t *testing.T) {
	f := New(t)
	s := session(t, f)
	f.mu.Lock()
	f.interactions["tok"] = &Interaction{ID: "5", Token: "tok"}
	f.mu.Unlock()
	in := &discordgo.Interaction{ID: "5", AppID: f.AppID, Token: "tok"}
	if err := s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: "x", Flags: discordgo.MessageFlagsEphemeral}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := f.Interaction("tok")
	if len(got.Followups) != 2 || !got.Followups[0].ReplacedOriginal || got.Followups[0].Ephemeral || !got.Followups[1].Ephemeral {
		t.Errorf("follow-ups = %+v: want the first to replace the (public) loading message, the second ephemeral", got.Followups)
	}
	if err := s.InteractionRespond(in, &discordgo.InteractionResponse{Type: 4}); err == nil {
		t.Error("a second callback was accepted; Discord refuses it")
	}
}

func TestGatewayHandshake(t *testing.T) {
	f := New(t)
	f.HeartbeatInterval = 50 * time.Millisecond
	s := session(t, f)
	s.Identify.Intents = discordgo.IntentsGuildMessages
	s.ShouldReconnectOnError = false
	got := make(chan string, 1)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m.Content })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.State.User == nil || s.State.User.ID != f.BotID {
		t.Fatalf("READY user = %+v, want %s", s.State.User, f.BotID)
	}
	if ids := f.Identifies(); len(ids) != 1 || ids[0].Intents != int(discordgo.IntentsGuildMessages) {
		t.Errorf("identifies = %+v", ids)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.WaitFor(ctx, func() bool { return f.Connected() && f.Heartbeats() >= 2 }); err != nil {
		t.Fatalf("heartbeats: %v", err)
	}
	if _, err := f.PushMessage(PushedMessage{ChannelID: "1", AuthorID: "2", Content: "hello"}); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-got:
		if c != "hello" {
			t.Errorf("MESSAGE_CREATE content = %q", c)
		}
	case <-ctx.Done():
		t.Fatal("MESSAGE_CREATE never reached the handler")
	}
}
