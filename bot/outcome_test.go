package bot_test

import (
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/internal/testenv"
)

// TestOutcome: every reply says which command it answered and how it
// ended, the labels of the request metric.
func TestOutcome(t *testing.T) {
	b := testenv.Shared(t).Bot
	for _, c := range []struct {
		text, command, inline, deferred string
	}{
		{"search APT31", "search", "inline", "deferred"},
		{"help", "help", "inline", "deferred"},
		{"search since:yesterday-ish", "invalid", "refused", "refused"},
		{"show 000000000000", "show", "refused", "refused"},
	} {
		r := ask(t, b, c.text)
		if r.CommandLabel() != c.command || r.Label(false) != c.inline || r.Label(true) != c.deferred {
			t.Errorf("%q: command %q outcome %q/%q, want %q %q/%q", c.text, r.CommandLabel(), r.Label(false), r.Label(true), c.command, c.inline, c.deferred)
		}
	}
	for o, want := range map[bot.Outcome]string{bot.Failed: "error", bot.TimedOut: "timeout", bot.Refused: "refused", bot.Busy: "busy"} {
		if got := (bot.Reply{Outcome: o}).Label(false); got != want {
			t.Errorf("outcome %d: label %q, want %q", o, got, want)
		}
	}
}

// TestBusyReply: a command turned away by admission control is told the
// cause is load, never that the query was too broad.
func TestBusyReply(t *testing.T) {
	r := bot.BusyReply()
	if r.Kind != bot.KindError || r.Label(false) != "busy" || r.Label(true) != "busy" {
		t.Fatalf("BusyReply = kind %v label %q", r.Kind, r.Label(false))
	}
	for _, bad := range []string{"fewer", "narrower", "too many"} {
		if strings.Contains(r.Text, bad) {
			t.Errorf("busy text %q blames the query (%q)", r.Text, bad)
		}
	}
	if !strings.Contains(r.Text, "busy") {
		t.Errorf("busy text %q does not say newsdesk is busy", r.Text)
	}
}
