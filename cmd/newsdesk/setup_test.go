package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestSetupCommands(t *testing.T) {
	t.Setenv("NEWSDESK_CONFIG", "")
	t.Setenv("DISCORD_BOT_TOKEN", "")
	t.Setenv("DISCORD_GUILD_ID", "")
	tests := []struct {
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{[]string{"slack", "manifest", "--url", "https://newsdesk.example.org"}, exitOK,
			[]string{`"url": "https://newsdesk.example.org/slack/commands"`, `"socket_mode_enabled": false`, `"request_url": "https://newsdesk.example.org/slack/interactions"`}, ""},
		{[]string{"slack", "manifest"}, exitOK, []string{`"socket_mode_enabled": true`, `"command": "/newsdesk"`}, ""},
		{[]string{"slack", "manifest", "--url", "http://insecure.example.org"}, exitUsage, nil, "https base URL"},
		{[]string{"slack"}, exitUsage, nil, "usage: newsdesk slack manifest"},
		{[]string{"discord", "invite", "--client-id", "80351110224678912"}, exitOK,
			[]string{"https://discord.com/oauth2/authorize?client_id=80351110224678912&integration_type=0&permissions=84992&scope=bot+applications.commands"}, ""},
		{[]string{"discord", "invite"}, exitUsage, nil, "--client-id"},
		{[]string{"discord", "inv"}, exitUsage, nil, "usage: newsdesk discord invite"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errOut)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, errOut.String())
			}
			for _, w := range tt.stdout {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			if !strings.Contains(errOut.String(), tt.stderr) {
				t.Errorf("stderr %q, want %q", errOut.String(), tt.stderr)
			}
		})
	}
}
