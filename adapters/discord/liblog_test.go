package discord

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestRouteLibraryLog: discordgo's log lines reach the logger given, at
// their own level, and debug chatter stays below info.
func TestRouteLibraryLog(t *testing.T) {
	saved := discordgo.Logger
	t.Cleanup(func() { discordgo.Logger = saved })
	var buf bytes.Buffer
	RouteLibraryLog(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	for _, c := range []struct {
		level int
		want  string // "" when the line must not pass an info logger
	}{
		{discordgo.LogError, "level=ERROR"},
		{discordgo.LogWarning, "level=WARN"},
		{discordgo.LogInformational, "level=INFO"},
		{discordgo.LogDebug, ""},
	} {
		buf.Reset()
		discordgo.Logger(c.level, 0, "gateway said %d", 4004)
		got := buf.String()
		if c.want == "" {
			if got != "" {
				t.Errorf("level %d: logged %q, want nothing at info", c.level, got)
			}
			continue
		}
		if !strings.Contains(got, c.want) || !strings.Contains(got, "gateway said 4004") {
			t.Errorf("level %d: logged %q, want %s and the message", c.level, got, c.want)
		}
	}
}
