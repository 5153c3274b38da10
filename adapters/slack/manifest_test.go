package slack

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestManifest(t *testing.T) {
	tests := []struct {
		name string
		o    ManifestOptions
		err  string
	}{
		{name: "http", o: ManifestOptions{URL: "https://newsdesk.example.org/"}},
		{name: "socket_mode", o: ManifestOptions{}},
		{name: "custom_command", o: ManifestOptions{URL: "https://h.example.org/base", Command: "/desk", Name: "desk"}},
		{name: "plain http refused", o: ManifestOptions{URL: "http://newsdesk.example.org"}, err: "https base URL"},
		{name: "no host", o: ManifestOptions{URL: "https://"}, err: "https base URL"},
		{name: "bad command", o: ManifestOptions{Command: "newsdesk"}, err: "must start with /"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Manifest(tt.o)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Features struct {
					Slash []struct{ Command, URL string } `json:"slash_commands"`
				}
				OAuth struct {
					Scopes struct{ Bot []string }
				} `json:"oauth_config"`
				Settings struct {
					Events struct {
						RequestURL string   `json:"request_url"`
						BotEvents  []string `json:"bot_events"`
					} `json:"event_subscriptions"`
					Interactivity struct {
						Enabled    bool   `json:"is_enabled"`
						RequestURL string `json:"request_url"`
					}
					Socket bool `json:"socket_mode_enabled"`
				}
			}
			if err := json.Unmarshal(got, &m); err != nil {
				t.Fatal(err)
			}
			socket := tt.o.URL == ""
			if m.Settings.Socket != socket || len(m.Features.Slash) != 1 || !m.Settings.Interactivity.Enabled ||
				len(m.Settings.Events.BotEvents) != 1 || m.Settings.Events.BotEvents[0] != "app_mention" {
				t.Errorf("manifest %s", got)
			}
			if !socket {
				base := strings.TrimRight(tt.o.URL, "/")
				if m.Features.Slash[0].URL != base+"/slack/commands" || m.Settings.Events.RequestURL != base+"/slack/events" || m.Settings.Interactivity.RequestURL != base+"/slack/interactions" {
					t.Errorf("endpoints %+v %+v", m.Features.Slash, m.Settings)
				}
			} else if m.Features.Slash[0].URL != "" || m.Settings.Events.RequestURL != "" || m.Settings.Interactivity.RequestURL != "" {
				t.Errorf("socket mode manifest has request URLs: %s", got)
			}
			if strings.Join(m.OAuth.Scopes.Bot, ",") != strings.Join(BotScopes, ",") {
				t.Errorf("scopes %v", m.OAuth.Scopes.Bot)
			}
			path := filepath.Join("testdata", "manifest_"+tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("manifest differs from %s:\n%s", path, got)
			}
		})
	}
}
