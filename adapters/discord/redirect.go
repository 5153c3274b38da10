package discord

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// RedirectClient returns an HTTP client for Config.HTTPClient that sends
// every request for Discord's hosts (discord.com, discordapp.com,
// discord.gg) to base instead: a proxy, or a local fake (config
// discord.api_url, DISCORD_API_URL). discordgo computes its endpoints from
// Discord's host at start-up, so the host is rewritten per request.
func RedirectClient(base string) (*http.Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord api url %q: want an http(s) base URL", base)
	}
	return &http.Client{Timeout: 20 * time.Second, Transport: &redirect{scheme: u.Scheme, host: u.Host, base: http.DefaultTransport}}, nil
}

type redirect struct {
	scheme, host string
	base         http.RoundTripper
}

func (t *redirect) RoundTrip(r *http.Request) (*http.Response, error) {
	h := strings.ToLower(r.URL.Hostname())
	if h == "discord.com" || h == "discordapp.com" || h == "discord.gg" || strings.HasSuffix(h, ".discord.com") || strings.HasSuffix(h, ".discordapp.com") {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = t.scheme, t.host, t.host
	}
	return t.base.RoundTrip(r)
}
