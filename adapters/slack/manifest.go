package slack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// BotScopes are the bot token scopes newsdesk needs: the slash command,
// posting, app mentions, and reading its own channel history to find a
// digest after a crash (public channels, private channels, DMs).
var BotScopes = []string{"app_mentions:read", "channels:history", "chat:write", "commands", "groups:history", "im:history"}

// ManifestOptions shape an app manifest.
type ManifestOptions struct {
	// URL is the public base URL newsdesk serves on ("https://news.example.org");
	// empty means Socket Mode (no public URL; SLACK_APP_TOKEN needed).
	URL string
	// Command is the slash command; "" is DefaultCommand.
	Command string
	// Name is the app's and bot user's name; "" is "newsdesk".
	Name string
}

// Manifest returns a Slack app manifest (JSON, which Slack's "create an
// app from a manifest" accepts as it does YAML) with the slash command,
// the bot scopes, the app_mention event subscription and interactivity
// (the Share button), each pointing at URL's /slack/… endpoints, or with
// Socket Mode on when URL is empty.
func Manifest(o ManifestOptions) ([]byte, error) {
	if o.Command == "" {
		o.Command = DefaultCommand
	}
	if !strings.HasPrefix(o.Command, "/") || strings.ContainsAny(o.Command, " \t") {
		return nil, fmt.Errorf("slash command %q must start with / and have no spaces, e.g. /newsdesk", o.Command)
	}
	if o.Name == "" {
		o.Name = "newsdesk"
	}
	base := ""
	if o.URL != "" {
		u, err := url.Parse(o.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("--url %q: give newsdesk's public https base URL, e.g. --url https://newsdesk.example.org (or no --url for Socket Mode)", o.URL)
		}
		base = strings.TrimRight(u.String(), "/")
	}
	at := func(path string) string {
		if base == "" {
			return ""
		}
		return base + path
	}
	type slash struct {
		Command      string `json:"command"`
		URL          string `json:"url,omitempty"`
		Description  string `json:"description"`
		UsageHint    string `json:"usage_hint"`
		ShouldEscape bool   `json:"should_escape"`
	}
	m := map[string]any{
		"_metadata": map[string]any{"major_version": 1, "minor_version": 1},
		"display_information": map[string]any{
			"name":        o.Name,
			"description": "Who accused whom of which cyber operation, and what they answered",
			"long_description": "newsdesk answers newsroom questions about state cyber operations: who accused whom, " +
				"at what stated confidence, what was sanctioned or indicted, and what the accused side answered, each with its source. " +
				"It also posts a daily digest to the channels that subscribe.",
		},
		"features": map[string]any{
			"bot_user": map[string]any{"display_name": o.Name, "always_online": true},
			"slash_commands": []slash{{
				Command: o.Command, URL: at("/slack/commands"),
				Description: "Search state cyber attributions",
				UsageHint:   "search APT31 · show <id> · latest 10 · actor <name> · digest preview · help",
			}},
		},
		"oauth_config": map[string]any{"scopes": map[string]any{"bot": BotScopes}},
		"settings": map[string]any{
			"event_subscriptions":    omitEmpty(map[string]any{"request_url": at("/slack/events"), "bot_events": []string{"app_mention"}}),
			"interactivity":          omitEmpty(map[string]any{"is_enabled": true, "request_url": at("/slack/interactions")}),
			"org_deploy_enabled":     false,
			"socket_mode_enabled":    base == "",
			"token_rotation_enabled": false,
		},
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // usage_hint's <id> as it is
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func omitEmpty(m map[string]any) map[string]any {
	for k, v := range m {
		if s, ok := v.(string); ok && s == "" {
			delete(m, k)
		}
	}
	return m
}
