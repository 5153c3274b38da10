package main

import (
	"fmt"
	"io"

	"github.com/newsdesk/newsdesk/adapters/discord"
	"github.com/newsdesk/newsdesk/adapters/slack"
)

// cmdSlackManifest prints the Slack app manifest (adapters/slack.Manifest).
func cmdSlackManifest(g globals, pos []string, baseURL string, stdout, stderr io.Writer) int {
	if len(pos) != 1 || pos[0] != "manifest" {
		fmt.Fprintln(stderr, "usage: newsdesk slack manifest [--url https://HOST] (no --url: Socket Mode)")
		return exitUsage
	}
	cfg, err := loadConfig(g)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitUsage
	}
	m, err := slack.Manifest(slack.ManifestOptions{URL: baseURL, Command: cfg.Slack.Command})
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitUsage
	}
	_, _ = stdout.Write(m)
	return exitOK
}

// cmdDiscordInvite prints the OAuth2 invite URL (adapters/discord.InviteURL).
func cmdDiscordInvite(g globals, pos []string, clientID string, stdout, stderr io.Writer) int {
	if len(pos) != 1 || pos[0] != "invite" {
		fmt.Fprintln(stderr, "usage: newsdesk discord invite [--client-id APPLICATION_ID] (default: read from $DISCORD_BOT_TOKEN)")
		return exitUsage
	}
	cfg, err := loadConfig(g)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitUsage
	}
	if clientID == "" {
		clientID, _ = discord.ClientIDFromToken(cfg.Secrets.DiscordBotToken)
	}
	u, err := discord.InviteURL(clientID, cfg.Discord.GuildID)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitUsage
	}
	fmt.Fprintln(stdout, u)
	return exitOK
}
