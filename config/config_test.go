package config_test

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/config"
)

func env(m map[string]string) config.Env {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadGood(t *testing.T) {
	cfg, err := config.Load("testdata/good.yaml", env(map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "topsecret", "NEWSDESK_DATA": "/srv/newsdesk",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Data != "/srv/newsdesk" {
		t.Errorf("NEWSDESK_DATA did not override data: %q", cfg.Data)
	}
	if cfg.Slack.Command != "/desk" || cfg.Slack.AckBudget.D() != 800*time.Millisecond || cfg.Digest.Grace.D() != 2*time.Hour {
		t.Errorf("values not read: %+v", cfg)
	}
	if !cfg.Fetch.AllowPrivate {
		t.Errorf("fetch.allow_private not read")
	}
	if cfg.Search.Timeout.D() != 3*time.Second || cfg.Search.Workers != 6 || cfg.Search.Queue != -1 {
		t.Errorf("search section not read: %+v", cfg.Search)
	}
	if len(cfg.Feeds) != 2 || cfg.Feeds[0].URL != "https://example.org/feed.xml" || cfg.Feeds[1].Name != "ncsc-uk-news" || cfg.Feeds[1].URL != "" {
		t.Errorf("feeds not read: %+v", cfg.Feeds)
	}
	if cfg.Slack.APIURL != "https://slack.com/api/" || cfg.Digest.MaxItems != 30 {
		t.Errorf("defaults lost: %q %d", cfg.Slack.APIURL, cfg.Digest.MaxItems)
	}
	if s := cfg.String(); strings.Contains(s, "topsecret") || strings.Contains(s, "xoxb-1") || !strings.Contains(s, "SLACK_SIGNING_SECRET set") {
		t.Errorf("String leaks or hides secrets wrongly:\n%s", s)
	}
}

func TestLoadErrorsNameKeyAndFix(t *testing.T) {
	tests := []struct {
		file string
		env  map[string]string
		want []string
	}{
		{"testdata/typo.yaml", nil, []string{`unknown key "grase"`, `did you mean "grace"?`, "line 2"}},
		{"testdata/baddur.yaml", nil, []string{`"6 hours" is not a duration`, "6h"}},
		{"testdata/badvalues.yaml", nil, []string{
			`log_level: "loud"`, "slack.api_url", "https://slack.com/api/", `digest.quiet: "sometimes" must be skip or note`,
			"digest.max_items", "digest.watch_rate: -1 is out of range", `admins[0]: "U0123" must be platform:user-id`, "feeds[0].url", "feeds[0].every",
			"feeds[1]: has both name: and url:", "feeds[2]: needs name:", `feeds[3].name: "ncsc uk news" is not a source name`,
			"search.workers: -2 is out of range", "search.queue: -5 is out of range",
		}},
		{"", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, []string{"SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"}},
		{"", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-wrong"}, []string{"xapp-"}},
		{"", map[string]string{"SLACK_BOT_TOKEN": "a", "SLACK_BOT_TOKEN_FILE": "/x"}, []string{"keep one"}},
		{"testdata/missing.yaml", nil, []string{"testdata/missing.yaml"}},
	}
	for _, tc := range tests {
		t.Run(tc.file+strings.Join(keys(tc.env), ","), func(t *testing.T) {
			_, err := config.Load(tc.file, env(tc.env))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not say %q", err, w)
				}
			}
		})
	}
}

func TestSecretFromFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(p, []byte("xoxb-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load("", env(map[string]string{"SLACK_BOT_TOKEN_FILE": p, "SLACK_SIGNING_SECRET": "s"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Secrets.SlackBotToken != "xoxb-from-file" {
		t.Errorf("token = %q", cfg.Secrets.SlackBotToken)
	}
}

func keys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

func TestStringReadsBack(t *testing.T) {
	cfg, err := config.Load("testdata/good.yaml", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "printed.yaml")
	if err := os.WriteFile(p, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := config.Load(p, env(nil))
	if err != nil {
		t.Fatalf("config check output does not load back: %v", err)
	}
	if again.Digest.Grace != cfg.Digest.Grace || again.Slack.AckBudget != cfg.Slack.AckBudget || again.Listen != cfg.Listen {
		t.Errorf("round trip changed values: %+v vs %+v", again, cfg)
	}
}

// TestSampleFromEnvironment: NEWSDESK_SAMPLE turns the sample corpus off
// (or on) over the file, for a production container; a non-boolean names
// the variable.
func TestSampleFromEnvironment(t *testing.T) {
	off := filepath.Join(t.TempDir(), "off.yaml")
	if err := os.WriteFile(off, []byte("sample: false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file, value string
		want        bool
		err         string
	}{
		{"", "", true, ""},
		{"", "false", false, ""},
		{"", "0", false, ""},
		{"", "true", true, ""},
		{off, "", false, ""},
		{off, "true", true, ""},
		{"", "nope", false, "NEWSDESK_SAMPLE"},
	} {
		e := map[string]string{}
		if tc.value != "" {
			e["NEWSDESK_SAMPLE"] = tc.value
		}
		cfg, err := config.Load(tc.file, env(e))
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("NEWSDESK_SAMPLE=%q: error %v, want one naming %s", tc.value, err, tc.err)
			}
		case err != nil:
			t.Errorf("NEWSDESK_SAMPLE=%q: %v", tc.value, err)
		case cfg.SampleOn() != tc.want:
			t.Errorf("file %q NEWSDESK_SAMPLE=%q: sample %v, want %v", tc.file, tc.value, cfg.SampleOn(), tc.want)
		}
	}
}

// TestUnknownKeysAtEveryDepth: an unknown key is named with its line and
// the closest known key, at the top, in a section and in a list item.
func TestUnknownKeysAtEveryDepth(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want []string
	}{
		{"listne: :9000\n", []string{"line 1", `unknown key "listne"`, `did you mean "listen"?`}},
		{"slack:\n  comand: /desk\n", []string{"line 2", `unknown key "comand"`, `did you mean "command"?`}},
		{"fetch:\n  allow_privat: true\n", []string{"line 2", `unknown key "allow_privat"`, `did you mean "allow_private"?`}},
		{"feeds:\n  - url: https://example.org/feed.xml\n    evry: 15m\n", []string{"line 3", `unknown key "evry"`, `did you mean "every"?`}},
		{"digest: &d\n  grace: 1h\nsearch:\n  timeout: 2s\n  \"time out\": 3s\n", []string{"line 5", `unknown key "time out"`}},
	} {
		f := filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(f, []byte(tc.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := config.Load(f, env(nil))
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %v, want it to say %s", tc.yaml, err, w)
			}
		}
	}
}

// TestDiscordAPIURL: DISCORD_API_URL points the Discord client elsewhere,
// and anything but an http(s) base URL is refused with the key's name.
func TestDiscordAPIURL(t *testing.T) {
	for _, tc := range []struct{ value, want, err string }{
		{"", "", ""},
		{"http://127.0.0.1:9000", "http://127.0.0.1:9000", ""},
		{"ftp://example.org", "", "discord.api_url"},
		{"not a url", "", "discord.api_url"},
	} {
		e := map[string]string{}
		if tc.value != "" {
			e["DISCORD_API_URL"] = tc.value
		}
		cfg, err := config.Load("", env(e))
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("DISCORD_API_URL=%q: error %v, want one naming %s", tc.value, err, tc.err)
			}
		case err != nil:
			t.Errorf("DISCORD_API_URL=%q: %v", tc.value, err)
		case cfg.Discord.APIURL != tc.want:
			t.Errorf("DISCORD_API_URL=%q: api_url %q", tc.value, cfg.Discord.APIURL)
		}
	}
}

// TestAdminsPerFront: each front's section lists its own admins, the
// top-level platform-qualified list keeps working, and a bad entry is
// refused with its key.
func TestAdminsPerFront(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // AdminIDs
		err  string
	}{
		{"top level, as before", "admins: [slack:U1, discord:42, console:boss]\n", []string{"slack:U1", "discord:42", "console:boss"}, ""},
		{"per front", "slack:\n  admins: [U1, U2]\ndiscord:\n  admins: [\"42\"]\n", []string{"slack:U1", "slack:U2", "discord:42"}, ""},
		{"both", "admins: [console:boss]\nslack:\n  admins: [U1]\n", []string{"console:boss", "slack:U1"}, ""},
		{"unknown platform", "admins: [teams:U1]\n", nil, `admins[0]: "teams:U1" must be platform:user-id with a platform of slack, discord, console`},
		{"qualified inside a section", "slack:\n  admins: [slack:U1]\n", nil, `slack.admins[0]: "slack:U1" must be a slack user id alone`},
		{"typo in a section", "discord:\n  admin: [\"42\"]\n", nil, `did you mean "admins"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(f, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(f, env(nil))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want it to say %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.AdminIDs(); !slices.Equal(got, tt.want) {
				t.Errorf("AdminIDs = %v, want %v", got, tt.want)
			}
		})
	}
	if got := config.FrontNames(); !slices.Equal(got, []string{"slack", "discord"}) {
		t.Errorf("FrontNames = %v", got)
	}
}
