package discord

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/newsdesk/newsdesk/bot"
)

// maxChoices is Discord's cap on autocomplete choices; choice names and
// values are at most 100 characters.
const (
	maxChoices     = 25
	maxChoiceChars = 100
)

func (a *Adapter) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic.Interaction == nil {
		return
	}
	switch ic.Type {
	case discordgo.InteractionApplicationCommand:
		if ic.ApplicationCommandData().Name != a.cfg.Command {
			return
		}
		if !a.firstGateway(ic.Interaction) {
			return
		}
		if !a.flight.Begin() {
			return
		}
		defer a.flight.Done()
		a.command(ic.Interaction)
	case discordgo.InteractionApplicationCommandAutocomplete:
		if ic.ApplicationCommandData().Name != a.cfg.Command {
			return
		}
		if !a.flight.Begin() {
			return
		}
		defer a.flight.Done()
		a.autocomplete(ic.Interaction)
	}
}

// firstGateway reports whether an application command from the gateway
// is delivered for the first time (the gateway may deliver an event again
// after a RESUME, and the same interaction may come over HTTP). An
// interaction without an id, or whose delivery cannot be recorded, is not
// executed.
func (a *Adapter) firstGateway(i *discordgo.Interaction) bool {
	if i.ID == "" {
		a.log.Warn("discord: gateway interaction without an id ignored")
		return false
	}
	replay, err := a.replayed(context.Background(), i.ID, time.Now())
	switch {
	case err != nil:
		a.log.Error("discord: interaction not executed: cannot record its delivery", "interaction", i.ID, "err", err)
		return false
	case replay:
		a.log.Warn("discord: interaction already delivered: a replay, ignored", "interaction", i.ID)
		return false
	}
	return true
}

func queryOption(i *discordgo.Interaction) (value string, focused bool) {
	for _, o := range i.ApplicationCommandData().Options {
		if o != nil && o.Name == "query" {
			if s, ok := o.Value.(string); ok {
				return s, o.Focused
			}
		}
	}
	return "", false
}

func invoker(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// command answers /newsdesk query:<text> arriving over the gateway.
// Discord wants an answer within 3 seconds, so the interaction is deferred
// at once (type 5, visible in the channel) through the callback endpoint;
// answerDeferred does the rest.
func (a *Adapter) command(i *discordgo.Interaction) {
	ctx, cancel := a.handleContext()
	defer cancel()
	start := time.Now()
	err := a.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
	}, discordgo.WithContext(ctx))
	if err != nil {
		a.log.Error("discord: defer interaction", "interaction", i.ID, "err", err)
		return
	}
	a.answerDeferred(ctx, i, start, false)
}

// handleContext bounds one answer by HandleTimeout, under the adapter's
// context (cancelled when shutdown's grace period ends).
func (a *Adapter) handleContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(a.flight.Context(), a.cfg.HandleTimeout)
}

// answerDeferred answers an application command whose interaction has been
// deferred (type 5), whichever transport brought it: the gateway (command)
// or the HTTP interactions endpoint (ServeInteraction). It runs the
// handler, then edits the original response with the answer (more embeds
// than one message holds go in follow-ups).
//
// Errors are ephemeral. Discord decides a response's ephemerality at the
// defer and the first follow-up after a defer replaces the loading message
// keeping it, whatever its flags; since the defer must come before the
// handler runs, an error is answered by completing the original (an edit
// with a short public placeholder), sending the error as an ephemeral
// follow-up (flags 64), and deleting the original. The channel sees the
// placeholder for a moment at most; only the user sees the error.
//
// unconfirmed is true when the deferral went out as an HTTP answer: then
// nothing confirms that Discord has processed it before the first edit
// arrives, and a 404 on that edit is retried briefly (editResponse).
//
// The work waits for a slot of the Admitter (serve's pool) within ctx and
// the token's 15 minutes from start; a command that gets none is told
// that newsdesk is busy, through a context of its own (the token lives on
// after the work's context ends).
func (a *Adapter) answerDeferred(ctx context.Context, i *discordgo.Interaction, start time.Time, unconfirmed bool) {
	q, _ := queryOption(i)
	wctx, wcancel := context.WithDeadline(ctx, start.Add(tokenLife))
	reply := a.handleSlot(wctx, bot.Request{Platform: Platform, Channel: i.ChannelID, User: invoker(i), Text: strings.TrimSpace(q)})
	wcancel()
	a.cfg.Metrics.Request(Platform, reply.CommandLabel(), reply.Label(true), time.Since(start))
	if reply.Outcome == bot.Busy {
		pctx, cancel := context.WithDeadline(a.flight.Context(), start.Add(tokenLife))
		defer cancel()
		ctx = pctx
	}
	var err error
	if reply.Kind == bot.KindError {
		err = a.ephemeralError(ctx, i, reply, unconfirmed)
	} else {
		err = a.editOriginal(ctx, i, Render(reply), unconfirmed)
	}
	if err != nil {
		a.cfg.Metrics.PostFailed(Platform, "interaction")
		a.log.Error("discord: answer interaction", "interaction", i.ID, "channel", i.ChannelID, "err", err)
		return
	}
	if err := a.attachChart(ctx, i, reply); err != nil {
		a.cfg.Metrics.PostFailed(Platform, "file")
		a.log.Error("discord: attach chart", "interaction", i.ID, "channel", i.ChannelID, "err", err)
	}
	a.log.Debug("discord: answered command", "channel", i.ChannelID, "kind", reply.Kind, "took", time.Since(start))
}

// Retries of the first edit after an unconfirmed (HTTP) deferral: waits
// of 10ms doubling, at most 8 attempts (about 1.3s of waiting in all).
const (
	ackRetryFirst    = 10 * time.Millisecond
	ackRetryAttempts = 8
)

// editResponse edits the original response. After an unconfirmed deferral
// a 404 (Discord has not yet processed the HTTP answer that acknowledged
// the interaction) is retried with backoff; any other error is returned.
func (a *Adapter) editResponse(ctx context.Context, i *discordgo.Interaction, edit *discordgo.WebhookEdit, unconfirmed bool) error {
	wait := ackRetryFirst
	for attempt := 1; ; attempt++ {
		_, err := a.s.InteractionResponseEdit(i, edit, discordgo.WithContext(ctx))
		if err == nil || !unconfirmed || !isNotFound(err) || attempt == ackRetryAttempts {
			return err
		}
		a.log.Debug("discord: original response not found yet; retrying", "interaction", i.ID, "attempt", attempt)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func isNotFound(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusNotFound
}

func (a *Adapter) editOriginal(ctx context.Context, i *discordgo.Interaction, embeds []*discordgo.MessageEmbed, unconfirmed bool) error {
	groups := split(embeds)
	empty := ""
	first := groups[0]
	if err := a.editResponse(ctx, i, &discordgo.WebhookEdit{
		Content: &empty, Embeds: &first, AllowedMentions: noMentions(),
	}, unconfirmed); err != nil {
		return fmt.Errorf("edit original response: %w", err)
	}
	for n, g := range groups[1:] {
		if _, err := a.s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
			Embeds: g, AllowedMentions: noMentions(),
		}, discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("follow-up %d of %d: %w", n+1, len(groups)-1, err)
		}
	}
	return nil
}

// attachChart follows a chart answer with its PNG attached, shown in an
// embed (attachment://NAME) whose description is the chart's summary.
func (a *Adapter) attachChart(ctx context.Context, i *discordgo.Interaction, reply bot.Reply) error {
	c := reply.Chart
	if c == nil || len(c.PNG) == 0 {
		return nil
	}
	embed := &discordgo.MessageEmbed{Title: fit(reply.Title, 256), Description: fit(c.Alt, 4000),
		Image: &discordgo.MessageEmbedImage{URL: "attachment://" + c.Name}}
	_, err := a.s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
		Embeds: []*discordgo.MessageEmbed{embed}, AllowedMentions: noMentions(),
		Files: []*discordgo.File{{Name: c.Name, ContentType: "image/png", Reader: bytes.NewReader(c.PNG)}},
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("chart follow-up: %w", err)
	}
	return nil
}

func (a *Adapter) ephemeralError(ctx context.Context, i *discordgo.Interaction, reply bot.Reply, unconfirmed bool) error {
	placeholder := "⚠️ That didn't work; the details went to you privately."
	if err := a.editResponse(ctx, i, &discordgo.WebhookEdit{
		Content: &placeholder, AllowedMentions: noMentions(),
	}, unconfirmed); err != nil {
		return fmt.Errorf("complete deferred response: %w", err)
	}
	embeds := Render(reply)
	for n, g := range split(embeds) {
		if _, err := a.s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
			Embeds: g, AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsEphemeral,
		}, discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("ephemeral error follow-up %d: %w", n+1, err)
		}
	}
	if err := a.s.InteractionResponseDelete(i, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("delete placeholder: %w", err)
	}
	return nil
}

// autocomplete offers actor names for the word being typed in the query
// option (the last one to three words, or what follows "actor:"); each
// choice is the whole query with that word completed.
func (a *Adapter) autocomplete(i *discordgo.Interaction) {
	ctx, cancel := context.WithTimeout(a.flight.Context(), 3*time.Second)
	defer cancel()
	q, _ := queryOption(i)
	choices := Complete(a.sug, q)
	err := a.s.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}, discordgo.WithContext(ctx))
	if err != nil {
		a.log.Warn("discord: autocomplete", "interaction", i.ID, "err", err)
	}
}

// starters are offered for an empty query.
var starters = []string{"help", "latest 5", "search ", "actor ", "digest preview"}

// Complete computes autocomplete choices (at most 25, names and values at
// most 100 characters) for a partly typed query.
func Complete(s Suggester, q string) []*discordgo.ApplicationCommandOptionChoice {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	seen := map[string]bool{}
	add := func(v string) {
		v = strings.TrimRight(v, " ")
		if v == "" || seen[v] || utf8.RuneCountInString(v) > maxChoiceChars || len(choices) >= maxChoices {
			return
		}
		seen[v] = true
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: v, Value: v})
	}
	trimmed := strings.TrimSpace(q)
	if trimmed == "" {
		for _, st := range starters {
			add(st)
		}
		return choices
	}
	if s == nil || strings.HasSuffix(q, " ") {
		add(trimmed)
		return choices
	}
	words := strings.Fields(trimmed)
	last := words[len(words)-1]
	if p, ok := strings.CutPrefix(last, "actor:"); ok {
		head := strings.TrimSpace(strings.TrimSuffix(trimmed, last))
		for _, name := range s.Suggest(strings.Trim(p, `"`), maxChoices) {
			add(strings.TrimSpace(head + " actor:" + quote(name)))
		}
		add(trimmed)
		return choices
	}
	// Try the last three, two, one words as the prefix of an actor name
	// ("Violet Ty" → "Violet Typhoon").
	for k := min(3, len(words)); k >= 1; k-- {
		prefix := strings.Join(words[len(words)-k:], " ")
		head := strings.Join(words[:len(words)-k], " ")
		if len(words)-k == 0 {
			head = ""
		}
		for _, name := range s.Suggest(prefix, maxChoices) {
			v := name
			if head != "" {
				v = head + " " + name
			}
			add(v)
		}
	}
	add(trimmed)
	return choices
}

func quote(name string) string {
	if strings.ContainsAny(name, " \t") {
		return `"` + name + `"`
	}
	return name
}
