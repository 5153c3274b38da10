package discord

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

func TestInviteURL(t *testing.T) {
	tests := []struct {
		name, client, guild string
		want                map[string]string
		err                 string
	}{
		{name: "any server", client: "80351110224678912",
			want: map[string]string{"client_id": "80351110224678912", "permissions": "84992", "scope": "bot applications.commands", "integration_type": "0"}},
		{name: "one server", client: "80351110224678912", guild: "290926798626357999",
			want: map[string]string{"guild_id": "290926798626357999", "disable_guild_select": "true", "permissions": "84992"}},
		{name: "no client", client: "", err: "application id"},
		{name: "not an id", client: "newsdesk", err: "application id"},
		{name: "bad guild", client: "80351110224678912", guild: "x", err: "guild id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := InviteURL(tt.client, tt.guild)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(got)
			if err != nil || u.Scheme != "https" || u.Host != "discord.com" || u.Path != "/oauth2/authorize" {
				t.Fatalf("url %q (%v)", got, err)
			}
			for k, v := range tt.want {
				if u.Query().Get(k) != v {
					t.Errorf("%s = %q, want %q (in %s)", k, u.Query().Get(k), v, got)
				}
			}
		})
	}
	// View Channel, Send Messages, Embed Links, Read Message History.
	if Permissions != 1<<10|1<<11|1<<14|1<<16 {
		t.Errorf("permissions %d", Permissions)
	}
}

func TestClientIDFromToken(t *testing.T) {
	id := "80351110224678912"
	for _, tc := range []struct {
		token, want string
		ok          bool
	}{
		{base64.RawStdEncoding.EncodeToString([]byte(id)) + ".GhIjkL.secretpart", id, true},
		{"Bot " + base64.StdEncoding.EncodeToString([]byte(id)) + ".x.y", id, true},
		{"not-a-token", "", false},
		{base64.RawStdEncoding.EncodeToString([]byte("hello")) + ".x.y", "", false},
	} {
		got, ok := ClientIDFromToken(tc.token)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ClientIDFromToken(%q) = %q, %v; want %q, %v", tc.token, got, ok, tc.want, tc.ok)
		}
	}
}
