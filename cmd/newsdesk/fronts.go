package main

import (
	"net/http"

	"github.com/newsdesk/newsdesk/adapters/discord"
	"github.com/newsdesk/newsdesk/adapters/slack"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/bot/digest"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/config"
)

// fronts is the registry of chat platforms serve can start, each enabled
// by its configuration (its bot token) and built from its config section.
func fronts(cfg config.Config, sug discord.Suggester) chat.Registry {
	return chat.Registry{
		{Name: slack.Platform, Enabled: cfg.Secrets.SlackBotToken != "", New: func(d chat.Deps) (chat.Front, error) {
			sa, err := slack.New(slack.Config{
				BotToken: cfg.Secrets.SlackBotToken, SigningSecret: cfg.Secrets.SlackSigningSecret, AppToken: cfg.Secrets.SlackAppToken,
				APIURL: cfg.Slack.APIURL, Command: cfg.Slack.Command, AckBudget: cfg.Slack.AckBudget.D(),
				Deliveries: d.Deliveries, Metrics: d.Metrics, Admit: d.Admit,
			}, d.Handler, d.Log)
			if err != nil {
				return nil, err
			}
			d.Log.Info("slack enabled", "http", cfg.Secrets.SlackSigningSecret != "", "socket_mode", cfg.Secrets.SlackAppToken != "")
			return sa, nil
		}},
		{Name: discord.Platform, Enabled: cfg.Secrets.DiscordBotToken != "", New: func(d chat.Deps) (chat.Front, error) {
			var client *http.Client
			if cfg.Discord.APIURL != "" {
				var err error
				if client, err = discord.RedirectClient(cfg.Discord.APIURL); err != nil {
					return nil, err
				}
			}
			da, err := discord.New(discord.Config{Token: cfg.Secrets.DiscordBotToken, GuildID: cfg.Discord.GuildID, Command: cfg.Discord.Command,
				PublicKey: cfg.Discord.PublicKey, Deliveries: d.Deliveries, Metrics: d.Metrics, Admit: d.Admit, HTTPClient: client},
				d.Handler, sug, d.Log.With("adapter", "discord"))
			if err != nil {
				return nil, err
			}
			discord.RouteLibraryLog(d.Log.With("adapter", "discord", "source", "discordgo"))
			d.Log.Info("discord enabled", "guild", cfg.Discord.GuildID)
			return da, nil
		}},
	}
}

// The fronts post digests (and say what reading their history needs).
var (
	_ digest.Poster = (*slack.Adapter)(nil)
	_ digest.Hinter = (*slack.Adapter)(nil)
	_ digest.Poster = (*discord.Adapter)(nil)
	_ digest.Hinter = (*discord.Adapter)(nil)
	_ bot.Handler   = (*bot.Bot)(nil)
)
