package config

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/newsdesk/newsdesk/internal/suggest"
)

// Config is newsdesk's whole configuration.
type Config struct {
	Data     string `yaml:"data"`      // data directory: index, state
	Listen   string `yaml:"listen"`    // HTTP listener for serve
	LogLevel string `yaml:"log_level"` // debug, info, warn, error
	Sample   *bool  `yaml:"sample"`    // index the bundled sample corpus into an empty index (default true)

	// Admins are platform-qualified user ids ("slack:U123", "discord:456");
	// each front's section may list its own unqualified (slack: admins:
	// [U123]). All empty: everyone may subscribe.
	Admins []string `yaml:"admins"`

	Search Search `yaml:"search"`
	// Chat fronts: one section each (tag front), named as the platform's
	// channels are prefixed, each with its own admins.
	Slack   Slack   `yaml:"slack" front:"chat"`
	Discord Discord `yaml:"discord" front:"chat"`
	Digest  Digest  `yaml:"digest"`
	Feeds   []Feed  `yaml:"feeds"`
	Fetch   Fetch   `yaml:"fetch"`

	Secrets Secrets `yaml:"-"`
}

// Search tunes the command path. Workers is how many commands search at
// once across every front (0: twice the CPUs), Queue how many may wait for
// one of them (0: as many as Workers; -1: none wait). A command that finds
// the pool and queue full is answered that newsdesk is busy.
type Search struct {
	Timeout Duration `yaml:"timeout"`
	Workers int      `yaml:"workers"`
	Queue   int      `yaml:"queue"`
}

// Slack configures the Slack adapter (enabled by SLACK_BOT_TOKEN).
type Slack struct {
	Command   string   `yaml:"command"`    // slash command name
	APIURL    string   `yaml:"api_url"`    // Web API base, ends in /api/
	AckBudget Duration `yaml:"ack_budget"` // answer inline if done within this, else via response_url
	Admins    []string `yaml:"admins"`     // Slack user ids (U0123ABC) who may change digests
}

// Discord configures the Discord adapter (enabled by DISCORD_BOT_TOKEN).
type Discord struct {
	Command string `yaml:"command"`
	GuildID string `yaml:"guild_id"` // register the command in one guild (fast) instead of globally
	// PublicKey (hex, from the developer portal) enables interactions over
	// HTTP at /discord/interactions; it is public, not a secret.
	PublicKey string `yaml:"public_key"`
	// APIURL sends the Discord client's requests (REST and the gateway
	// lookup) to another base URL: a proxy, or a local fake in tests.
	// Empty: Discord's own hosts.
	APIURL string `yaml:"api_url"`
	// Admins are Discord user ids who may change digests.
	Admins []string `yaml:"admins"`
}

// Digest configures digests.
type Digest struct {
	Grace    Duration `yaml:"grace"`     // a slot missed while down is posted at start-up if within this
	Quiet    string   `yaml:"quiet"`     // skip or note, on a day with nothing new
	MaxItems int      `yaml:"max_items"` // default cap on items per digest
	// WatchRate is how many alert items a channel gets a minute across all
	// its watches; watches beyond it wait for the next minute.
	WatchRate int `yaml:"watch_rate"`
}

// Feed is an RSS or Atom feed polled by serve: a source of the bundled
// catalog by its name (newsdesk feeds list shows them), or any feed by
// its URL.
type Feed struct {
	Name  string   `yaml:"name"`
	URL   string   `yaml:"url"`
	Every Duration `yaml:"every"`
}

// Fetch configures the full-text fetch of feed items' pages.
type Fetch struct {
	// AllowPrivate lets pages on private, loopback and link-local
	// addresses be fetched (tests, an intranet); off by default.
	AllowPrivate bool `yaml:"allow_private"`
}

// Secrets come from the environment only.
type Secrets struct {
	SlackBotToken      string
	SlackSigningSecret string
	SlackAppToken      string
	DiscordBotToken    string
	APIToken           string
}

// Duration is a time.Duration written as "90s", "6h".
type Duration time.Duration

// UnmarshalYAML reads "6h".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("%q is not a duration; write it like 90s, 15m or 6h", n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes "6h0m0s", which UnmarshalYAML reads back.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Default returns the configuration with every default filled in.
func Default() Config {
	t := true
	return Config{
		Data:     DefaultDataDir(),
		Listen:   ":8080",
		LogLevel: "info",
		Sample:   &t,
		Search:   Search{Timeout: Duration(5 * time.Second)},
		Slack:    Slack{Command: "/newsdesk", APIURL: "https://slack.com/api/", AckBudget: Duration(time.Second)},
		Discord:  Discord{Command: "newsdesk"},
		Digest:   Digest{Grace: Duration(6 * time.Hour), Quiet: "skip", MaxItems: 30, WatchRate: 10},
	}
}

// DefaultDataDir is $XDG_DATA_HOME/newsdesk, else ~/.local/share/newsdesk
// (the user config dir on macOS and Windows), else ./newsdesk-data.
func DefaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "newsdesk")
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		if d, err := os.UserConfigDir(); err == nil {
			return filepath.Join(d, "newsdesk")
		}
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "newsdesk")
	}
	return "newsdesk-data"
}

// Env reads an environment variable; the lookup function is replaceable in
// tests.
type Env func(string) (string, bool)

// Load reads the YAML file at path (none if path is ""), applies the
// environment and validates. getenv is os.LookupEnv outside tests.
func Load(path string, getenv Env) (Config, error) {
	cfg := Default()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("read config %s: %w", path, err)
		}
		if err := decode(b, &cfg); err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := applyEnv(&cfg, getenv); err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		if path != "" {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
		return cfg, err
	}
	return cfg, nil
}

// decode is strict: an unknown key is an error that names its line and
// suggests the known one. Keys are checked on the YAML node tree against
// the Config type's yaml tags before decoding, so the check depends on no
// error text.
func decode(b []byte, cfg *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return err
	}
	if len(doc.Content) == 0 {
		return nil // an empty file: every default
	}
	if err := checkKeys(doc.Content[0], reflect.TypeFor[Config]()); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true) // a backstop: checkKeys has named any unknown key
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// checkKeys walks a node against the type it decodes into: every key of a
// mapping for a struct must be one of the struct's yaml keys.
func checkKeys(n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := map[string]reflect.Type{}
		for i := range t.NumField() {
			f := t.Field(i)
			if tag := strings.Split(f.Tag.Get("yaml"), ",")[0]; tag != "" && tag != "-" {
				fields[tag] = f.Type
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				known := yamlKeys(reflect.New(t).Elem().Interface())
				msg := fmt.Sprintf("line %d: unknown key %q", k.Line, k.Value)
				if s := suggest.Closest(k.Value, known, 2); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				}
				return fmt.Errorf("%s (known keys here: %s)", msg, strings.Join(known, ", "))
			}
			if err := checkKeys(v, ft); err != nil {
				return err
			}
		}
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && n.Kind == yaml.SequenceNode:
		for _, c := range n.Content {
			if err := checkKeys(c, t.Elem()); err != nil {
				return err
			}
		}
	}
	return nil
}

func applyEnv(cfg *Config, getenv Env) error {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	if v, ok := getenv("NEWSDESK_DATA"); ok && v != "" {
		cfg.Data = v
	}
	if v, ok := getenv("NEWSDESK_LISTEN"); ok && v != "" {
		cfg.Listen = v
	}
	if v, ok := getenv("NEWSDESK_LOG_LEVEL"); ok && v != "" {
		cfg.LogLevel = v
	}
	if v, ok := getenv("NEWSDESK_SAMPLE"); ok && v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("NEWSDESK_SAMPLE=%q is not a boolean: set it to true or false (false: never index the bundled sample corpus)", v)
		}
		cfg.Sample = &on
	}
	if v, ok := getenv("SLACK_API_URL"); ok && v != "" {
		cfg.Slack.APIURL = v
	}
	if v, ok := getenv("DISCORD_GUILD_ID"); ok && v != "" {
		cfg.Discord.GuildID = v
	}
	if v, ok := getenv("DISCORD_PUBLIC_KEY"); ok && v != "" {
		cfg.Discord.PublicKey = v
	}
	if v, ok := getenv("DISCORD_API_URL"); ok && v != "" {
		cfg.Discord.APIURL = v
	}
	secrets := []struct {
		name string
		dst  *string
	}{
		{"SLACK_BOT_TOKEN", &cfg.Secrets.SlackBotToken},
		{"SLACK_SIGNING_SECRET", &cfg.Secrets.SlackSigningSecret},
		{"SLACK_APP_TOKEN", &cfg.Secrets.SlackAppToken},
		{"DISCORD_BOT_TOKEN", &cfg.Secrets.DiscordBotToken},
		{"NEWSDESK_API_TOKEN", &cfg.Secrets.APIToken},
	}
	for _, s := range secrets {
		v, err := secret(s.name, getenv)
		if err != nil {
			return err
		}
		*s.dst = v
	}
	return nil
}

// secret reads NAME, or the file named by NAME_FILE (trailing newline
// trimmed). Both set is an error.
func secret(name string, getenv Env) (string, error) {
	v, _ := getenv(name)
	f, _ := getenv(name + "_FILE")
	if v != "" && f != "" {
		return "", fmt.Errorf("both %s and %s_FILE are set: keep one", name, name)
	}
	if f == "" {
		return strings.TrimSpace(v), nil
	}
	b, err := os.ReadFile(f)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// Validate checks the values, naming the key and the fix.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if strings.TrimSpace(c.Data) == "" {
		bad("data", "is empty; set a directory, e.g. data: /var/lib/newsdesk, or NEWSDESK_DATA")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log_level", "%q is not a level; use debug, info, warn or error", c.LogLevel)
	}
	if c.Search.Timeout.D() <= 0 || c.Search.Timeout.D() > time.Minute {
		bad("search.timeout", "%s is out of range; use between 1s and 1m", c.Search.Timeout.D())
	}
	if c.Search.Workers < 0 || c.Search.Workers > 1024 {
		bad("search.workers", "%d is out of range; use 1 to 1024, or 0 for twice the CPUs", c.Search.Workers)
	}
	if c.Search.Queue < -1 || c.Search.Queue > 100000 {
		bad("search.queue", "%d is out of range; use 1 to 100000, 0 for as many as the workers, or -1 for no queue", c.Search.Queue)
	}
	if !strings.HasPrefix(c.Slack.Command, "/") || strings.ContainsAny(c.Slack.Command, " \t") {
		bad("slack.command", "%q must start with / and have no spaces, e.g. /newsdesk", c.Slack.Command)
	}
	if u, err := url.Parse(c.Slack.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.HasSuffix(u.Path, "/") {
		bad("slack.api_url", "%q must be an http(s) URL ending in /, e.g. https://slack.com/api/", c.Slack.APIURL)
	}
	if d := c.Slack.AckBudget.D(); d <= 0 || d > 2500*time.Millisecond {
		bad("slack.ack_budget", "%s is out of range; Slack needs an answer within 3s, use 100ms to 2.5s", d)
	}
	if c.Secrets.SlackBotToken != "" && c.Secrets.SlackSigningSecret == "" && c.Secrets.SlackAppToken == "" {
		bad("SLACK_BOT_TOKEN", "is set but neither SLACK_SIGNING_SECRET (HTTP request URL) nor SLACK_APP_TOKEN (Socket Mode) is; set one")
	}
	if c.Secrets.SlackBotToken == "" && (c.Secrets.SlackSigningSecret != "" || c.Secrets.SlackAppToken != "") {
		bad("SLACK_BOT_TOKEN", "is not set but SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is; set the bot token (xoxb-…) too")
	}
	if c.Secrets.SlackAppToken != "" && !strings.HasPrefix(c.Secrets.SlackAppToken, "xapp-") {
		bad("SLACK_APP_TOKEN", "must be an app-level token starting with xapp-")
	}
	if c.Discord.Command == "" || strings.ToLower(c.Discord.Command) != c.Discord.Command || strings.ContainsAny(c.Discord.Command, " /") {
		bad("discord.command", "%q must be lower-case with no spaces or slash, e.g. newsdesk", c.Discord.Command)
	}
	if v := c.Discord.APIURL; v != "" {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("discord.api_url", "%q must be an http(s) base URL, e.g. http://127.0.0.1:9000, or empty for Discord itself", v)
		}
	}
	if k := c.Discord.PublicKey; k != "" {
		if b, err := hex.DecodeString(k); err != nil || len(b) != 32 {
			bad("discord.public_key", "must be the 64 hex digits of the application's public key (developer portal → General Information), or DISCORD_PUBLIC_KEY")
		}
	}
	if c.Digest.Grace.D() < 0 {
		bad("digest.grace", "must not be negative")
	}
	if c.Digest.Quiet != "skip" && c.Digest.Quiet != "note" {
		bad("digest.quiet", "%q must be skip or note", c.Digest.Quiet)
	}
	if c.Digest.MaxItems < 1 || c.Digest.MaxItems > 200 {
		bad("digest.max_items", "%d is out of range; use 1 to 200", c.Digest.MaxItems)
	}
	if c.Digest.WatchRate < 1 || c.Digest.WatchRate > 200 {
		bad("digest.watch_rate", "%d is out of range; use 1 to 200 alert items a minute", c.Digest.WatchRate)
	}
	fronts := append(FrontNames(), ConsoleFront)
	for i, a := range c.Admins {
		p, id, ok := strings.Cut(a, ":")
		if !ok || id == "" || !slices.Contains(fronts, p) {
			bad(fmt.Sprintf("admins[%d]", i), "%q must be platform:user-id with a platform of %s, e.g. slack:U0123ABC or discord:80351110224678912", a, strings.Join(fronts, ", "))
		}
	}
	for _, f := range c.fronts() {
		for i, id := range f.admins {
			if id == "" || strings.ContainsAny(id, ": \t") {
				bad(fmt.Sprintf("%s.admins[%d]", f.name, i), "%q must be a %s user id alone, without the platform (the section names it)", id, f.name)
			}
		}
	}
	for i, f := range c.Feeds {
		switch {
		case f.Name != "" && f.URL != "":
			bad(fmt.Sprintf("feeds[%d]", i), "has both name: and url:; give a catalog source's name or a feed's URL, not both")
		case f.Name == "" && f.URL == "":
			bad(fmt.Sprintf("feeds[%d]", i), "needs name: (a catalog source, e.g. ncsc-uk-news; newsdesk feeds list shows them) or url:")
		case f.Name != "":
			// the catalog itself is checked where it is loaded (cmd)
			if strings.ContainsAny(f.Name, " /:") {
				bad(fmt.Sprintf("feeds[%d].name", i), "%q is not a source name; names look like ncsc-uk-news (newsdesk feeds list shows them)", f.Name)
			}
		default:
			if u, err := url.Parse(f.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad(fmt.Sprintf("feeds[%d].url", i), "%q must be an http(s) URL", f.URL)
			}
		}
		if f.Every.D() != 0 && f.Every.D() < time.Minute {
			bad(fmt.Sprintf("feeds[%d].every", i), "%s is too often; poll at most once a minute", f.Every.D())
		}
	}
	return errors.Join(errs...)
}

// ConsoleFront is the local console's platform name: it has no section.
const ConsoleFront = "console"

// frontSection is a chat front's config section: its name and admins.
type frontSection struct {
	name   string
	admins []string
}

// fronts lists the chat front sections of c: the fields tagged front, by
// their yaml key, in order.
func (c Config) fronts() []frontSection {
	v := reflect.ValueOf(c)
	t := v.Type()
	var out []frontSection
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("front") == "" {
			continue
		}
		s := frontSection{name: strings.Split(f.Tag.Get("yaml"), ",")[0]}
		if a := v.Field(i).FieldByName("Admins"); a.IsValid() {
			s.admins, _ = a.Interface().([]string)
		}
		out = append(out, s)
	}
	return out
}

// FrontNames lists the chat fronts a config has sections for ("slack",
// "discord"): the prefixes of their channels and admins.
func FrontNames() []string {
	var out []string
	for _, f := range (Config{}).fronts() {
		out = append(out, f.name)
	}
	return out
}

// AdminIDs is every admin, platform-qualified: the top-level admins and
// each front's own.
func (c Config) AdminIDs() []string {
	out := slices.Clone(c.Admins)
	for _, f := range c.fronts() {
		for _, id := range f.admins {
			out = append(out, f.name+":"+id)
		}
	}
	return out
}

// SampleOn reports whether the bundled sample corpus should fill an empty index.
func (c Config) SampleOn() bool { return c.Sample == nil || *c.Sample }

// String prints the configuration without secrets (it says which are set).
func (c Config) String() string {
	b, _ := yaml.Marshal(c)
	set := func(s string) string {
		if s == "" {
			return "unset"
		}
		return "set"
	}
	return string(b) + fmt.Sprintf("# secrets: SLACK_BOT_TOKEN %s, SLACK_SIGNING_SECRET %s, SLACK_APP_TOKEN %s, DISCORD_BOT_TOKEN %s, NEWSDESK_API_TOKEN %s\n",
		set(c.Secrets.SlackBotToken), set(c.Secrets.SlackSigningSecret), set(c.Secrets.SlackAppToken), set(c.Secrets.DiscordBotToken), set(c.Secrets.APIToken))
}
