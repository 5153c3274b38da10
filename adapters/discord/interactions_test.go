package discord

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
)

func TestCommandDeferredThenEdited(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	const ch = "740000000000000001"
	tok, err := e.f.PushCommand(discordfake.PushedCommand{ChannelID: ch, GuildID: guild, UserID: alice, Name: "newsdesk", Query: "  search APT31 "})
	if err != nil {
		t.Fatal(err)
	}
	wait(t, e.f, "the edited response", func() bool {
		in, _ := e.f.Interaction(tok)
		return len(in.Edits) == 1
	})
	in, _ := e.f.Interaction(tok)
	if len(in.Callbacks) != 1 || in.Callbacks[0].Type != 5 {
		t.Fatalf("callbacks = %+v, want one deferred (type 5)", in.Callbacks)
	}
	if in.Ephemeral {
		t.Error("the deferred response is ephemeral; answers should be visible in the channel")
	}
	if !in.Callbacks[0].At.Before(in.Edits[0].At) {
		t.Error("the edit arrived before the defer")
	}
	if len(in.Followups) != 0 || in.Deleted {
		t.Errorf("follow-ups %d, deleted %v: want the answer in the original response only", len(in.Followups), in.Deleted)
	}
	assertNoMentions(t, in.Edits[0].AllowedMentions)
	text := embedText(in.Edits[0].Embeds)
	for _, want := range []string{"Oliver Dowden (GB) → APT31", "**APT31**", "Page 1/2"} {
		if !strings.Contains(text, want) {
			t.Errorf("edited response lacks %q:\n%s", want, text)
		}
	}
	reqs := e.h.requests()
	if len(reqs) != 1 || reqs[0].Text != "search APT31" || reqs[0].User != alice || reqs[0].Channel != ch || reqs[0].Platform != "discord" {
		t.Errorf("handler got %+v", reqs)
	}
}

func TestCommandInDMUsesUser(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	tok, err := e.f.PushCommand(discordfake.PushedCommand{ChannelID: "740000000000000002", UserID: alice, Name: "newsdesk", Query: "help"})
	if err != nil {
		t.Fatal(err)
	}
	wait(t, e.f, "the edited response", func() bool { in, _ := e.f.Interaction(tok); return len(in.Edits) == 1 })
	if reqs := e.h.requests(); len(reqs) != 1 || reqs[0].User != alice {
		t.Errorf("handler got %+v, want the DM user %s", reqs, alice)
	}
}

func TestCommandErrorIsEphemeral(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	tok, err := e.f.PushCommand(discordfake.PushedCommand{ChannelID: "740000000000000003", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "search foo:bar"})
	if err != nil {
		t.Fatal(err)
	}
	wait(t, e.f, "the original deleted", func() bool { in, _ := e.f.Interaction(tok); return in.Deleted })
	in, _ := e.f.Interaction(tok)
	if len(in.Callbacks) != 1 || in.Callbacks[0].Type != 5 {
		t.Fatalf("callbacks = %+v, want one deferred (type 5)", in.Callbacks)
	}
	if len(in.Followups) != 1 {
		t.Fatalf("got %d follow-ups, want 1", len(in.Followups))
	}
	fu := in.Followups[0]
	if fu.ReplacedOriginal || !fu.Ephemeral || fu.Flags&64 == 0 {
		t.Errorf("error follow-up: replaced original %v, ephemeral %v, flags %d; want an ephemeral (64) message of its own", fu.ReplacedOriginal, fu.Ephemeral, fu.Flags)
	}
	assertNoMentions(t, fu.AllowedMentions)
	if text := embedText(fu.Embeds); !strings.Contains(text, "unknown field") {
		t.Errorf("error follow-up = %q, want the handler's error", text)
	}
	if len(in.Edits) != 1 || strings.Contains(embedText(in.Edits[0].Embeds)+in.Edits[0].Content, "unknown field") {
		t.Errorf("the public original must only hold a placeholder, got edits %+v", in.Edits)
	}
}

func TestOtherCommandsIgnored(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	other, err := e.f.PushCommand(discordfake.PushedCommand{ChannelID: "740000000000000004", GuildID: guild, UserID: alice, Name: "weather", Query: "London"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.f.PushCommand(discordfake.PushedCommand{ChannelID: "740000000000000004", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "help"})
	if err != nil {
		t.Fatal(err)
	}
	wait(t, e.f, "the newsdesk answer", func() bool { in, _ := e.f.Interaction(tok); return len(in.Edits) == 1 })
	if in, _ := e.f.Interaction(other); len(in.Callbacks) != 0 {
		t.Errorf("answered another application's command: %+v", in.Callbacks)
	}
}

func TestAutocompleteAnswered(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	tok, err := e.f.PushCommand(discordfake.PushedCommand{ChannelID: "740000000000000005", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "actor Vio", Autocomplete: true})
	if err != nil {
		t.Fatal(err)
	}
	wait(t, e.f, "the autocomplete result", func() bool { in, _ := e.f.Interaction(tok); return len(in.Callbacks) == 1 })
	in, _ := e.f.Interaction(tok)
	if in.Callbacks[0].Type != 8 {
		t.Fatalf("callback type %d, want 8 (autocomplete result)", in.Callbacks[0].Type)
	}
	var data struct {
		Choices []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(in.Callbacks[0].Data, &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Choices) == 0 || data.Choices[0].Value != "actor Violet Typhoon" {
		t.Errorf("choices = %+v, want \"actor Violet Typhoon\" first", data.Choices)
	}
	if len(e.h.requests()) != 0 {
		t.Error("autocomplete must not run commands")
	}
}

func TestComplete(t *testing.T) {
	many := staticSuggester{}
	for i := range 40 {
		many = append(many, fmt.Sprintf("APT%d", i))
	}
	for _, tc := range []struct {
		name string
		s    Suggester
		q    string
		want []string
	}{
		{"empty offers starters", actorNames, "", []string{"help", "latest 5", "search", "actor", "digest preview"}},
		{"bare prefix", actorNames, "apt3", []string{"APT31", "apt3"}},
		{"after a command", actorNames, "actor Vio", []string{"actor Violet Typhoon", "actor Vio"}},
		{"two-word prefix", actorNames, "search Violet Ty", []string{"search Violet Typhoon", "search Violet Ty"}},
		{"actor filter quotes", actorNames, "search sanctions actor:Vol", []string{`search sanctions actor:"Volt Typhoon"`, "search sanctions actor:Vol"}},
		{"finished word", actorNames, "search APT31 ", []string{"search APT31"}},
		{"no suggester", nil, "actor Vio", []string{"actor Vio"}},
		{"at most 25", many, "APT", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Complete(tc.s, tc.q)
			if len(got) > 25 {
				t.Fatalf("%d choices, Discord allows 25", len(got))
			}
			var vals []string
			for _, c := range got {
				if c.Name != c.Value || len(c.Name) > 100 {
					t.Errorf("choice %+v: name and value must match and be at most 100 characters", c)
				}
				vals = append(vals, c.Value.(string))
			}
			if tc.want != nil && !reflect.DeepEqual(vals, tc.want) {
				t.Errorf("Complete(%q) = %q, want %q", tc.q, vals, tc.want)
			}
			if tc.want == nil && len(vals) != 25 {
				t.Errorf("Complete(%q) gave %d choices, want the cap of 25", tc.q, len(vals))
			}
		})
	}
}
