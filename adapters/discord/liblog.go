package discord

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/bwmarrin/discordgo"
)

// RouteLibraryLog sends discordgo's own log lines (a package-wide hook)
// to log at the matching level instead of the standard logger.
func RouteLibraryLog(log *slog.Logger) {
	discordgo.Logger = func(level, _ int, format string, args ...any) {
		log.Log(context.Background(), libraryLevel(level), fmt.Sprintf(format, args...))
	}
}

func libraryLevel(level int) slog.Level {
	switch level {
	case discordgo.LogError:
		return slog.LevelError
	case discordgo.LogWarning:
		return slog.LevelWarn
	case discordgo.LogInformational:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}
