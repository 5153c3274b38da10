package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/internal/admit"
)

// InteractionsPath is where Routes serves Discord's HTTP interactions: set
// the application's "Interactions Endpoint URL" (developer portal → General
// Information) to https://<host>/discord/interactions.
const InteractionsPath = "/discord/interactions"

const (
	// maxInteractionBody caps an interaction request body. Discord's
	// interactions are a few KiB; 64 KiB leaves room without letting an
	// unauthenticated caller make the server buffer much.
	maxInteractionBody = 64 << 10
	// maxSignatureAge refuses requests signed longer ago (or further in the
	// future) than this, so a captured request cannot be replayed later.
	maxSignatureAge = 5 * time.Minute
)

// parsePublicKey decodes the application's public key (64 hex digits).
func parsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("discord: public key %q is not %d hex digits: set DISCORD_PUBLIC_KEY to the application's Public Key (developer portal → General Information), or leave it empty to take interactions over the gateway", abbreviate(s), 2*ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

func abbreviate(s string) string {
	if len(s) > 16 {
		return s[:8] + "…" + s[len(s)-4:]
	}
	return s
}

// Routes registers POST /discord/interactions on mux when Config.PublicKey
// is set (Discord then sends interactions there instead of over the
// gateway); without it, it registers nothing and logs why. Call it once.
func (a *Adapter) Routes(mux *http.ServeMux) {
	if a.pubKey == nil {
		a.log.Info("discord: HTTP interactions endpoint not served: DISCORD_PUBLIC_KEY is not set; interactions arrive over the gateway")
		return
	}
	mux.HandleFunc("POST "+InteractionsPath, a.ServeInteraction)
	a.log.Info("discord: serving HTTP interactions", "path", InteractionsPath)
}

// ServeInteraction answers one interaction POSTed by Discord. Every request
// is verified before its body is parsed: the body is capped at 64 KiB, the
// X-Signature-Timestamp must be within 5 minutes of now, the
// X-Signature-Ed25519 must be the application key's signature of the
// timestamp followed by the raw body, and an interaction id is accepted
// once; anything else is answered 401 (413 for a declared length over the
// cap), and the body is never logged.
//
// A PING is answered {"type":1}. The application command is deferred in the
// HTTP response itself (type 5) and then answered as a gateway interaction
// is (answerDeferred: the handler, then the original response edited
// through the webhook API; errors ephemeral). Autocomplete is answered in
// the response (type 8 with the choices).
//
// The deferral does not wait for a slot of the Admitter: a command is
// acknowledged at once however busy newsdesk is, and its 15-minute token
// counts from the request's arrival (admit.Arrivals).
func (a *Adapter) ServeInteraction(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	arrived := start
	if t, ok := admit.Arrival(r.Context()); ok {
		arrived = t
	}
	if a.pubKey == nil {
		http.Error(w, "the Discord interactions endpoint is not configured", http.StatusNotFound)
		return
	}
	if r.ContentLength > maxInteractionBody {
		a.refuse(w, r, http.StatusRequestEntityTooLarge, "body over 64 KiB")
		return
	}
	ts := r.Header.Get("X-Signature-Timestamp")
	if ts == "" || r.Header.Get("X-Signature-Ed25519") == "" {
		a.refuse(w, r, http.StatusUnauthorized, "missing X-Signature-Ed25519 or X-Signature-Timestamp")
		return
	}
	if reason := a.staleness(ts, start); reason != "" {
		a.refuse(w, r, http.StatusUnauthorized, reason)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxInteractionBody)
	// VerifyInteraction reads the body (failing beyond the cap), checks the
	// signature of timestamp+body and puts the body back for reading.
	if !discordgo.VerifyInteraction(r, a.pubKey) {
		a.refuse(w, r, http.StatusUnauthorized, "bad signature (or a body over 64 KiB)")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		a.refuse(w, r, http.StatusBadRequest, "read body")
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		a.refuse(w, r, http.StatusBadRequest, "signed body is not an interaction")
		return
	}
	if i.ID == "" {
		a.refuse(w, r, http.StatusBadRequest, "signed interaction without an id")
		return
	}
	switch replay, err := a.replayed(r.Context(), i.ID, start); {
	case err != nil:
		a.log.Error("discord: interaction not executed: cannot record its delivery", "interaction", i.ID, "err", err)
		http.Error(w, "newsdesk cannot record this interaction; try again", http.StatusServiceUnavailable)
		return
	case replay:
		a.refuse(w, r, http.StatusUnauthorized, "interaction "+i.ID+" already delivered: a replay, ignored")
		return
	}
	switch i.Type {
	case discordgo.InteractionPing:
		writeInteractionResponse(w, httpResponse{Type: discordgo.InteractionResponsePong})
	case discordgo.InteractionApplicationCommand:
		if name := i.ApplicationCommandData().Name; name != a.cfg.Command {
			a.log.Warn("discord: interaction for a command newsdesk does not serve", "command", name, "interaction", i.ID)
			writeInteractionResponse(w, httpResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: messageData{
				Content: "newsdesk answers /" + a.cfg.Command + " only.", Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
			}})
			return
		}
		if !a.flight.Begin() {
			http.Error(w, "newsdesk is shutting down", http.StatusServiceUnavailable)
			return
		}
		writeInteractionResponse(w, httpResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		go func() {
			defer a.flight.Done()
			ctx, cancel := a.handleContext()
			defer cancel()
			a.answerDeferred(ctx, &i, arrived, true)
		}()
	case discordgo.InteractionApplicationCommandAutocomplete:
		choices := []*discordgo.ApplicationCommandOptionChoice{}
		if i.ApplicationCommandData().Name == a.cfg.Command {
			q, _ := queryOption(&i)
			choices = Complete(a.sug, q)
		}
		writeInteractionResponse(w, httpResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: choicesData{Choices: choices}})
	default:
		a.log.Warn("discord: interaction type newsdesk does not serve", "type", i.Type.String(), "interaction", i.ID)
		http.Error(w, "unsupported interaction type", http.StatusBadRequest)
	}
}

// interactionKeep is how long an interaction id is remembered: a signature
// timestamp may be up to 5 minutes either side of now, so 10 minutes covers
// every moment at which a captured request could still be accepted.
const interactionKeep = 2 * maxSignatureAge

// replayed records an interaction id (from HTTP or the gateway, one key
// for both) and reports whether it was delivered before.
func (a *Adapter) replayed(ctx context.Context, id string, now time.Time) (bool, error) {
	return chat.Replay(ctx, a.cfg.Deliveries, chat.Request{Platform: Platform, Kind: "interaction", ID: id, Keep: interactionKeep}, now)
}

// staleness says why a signature timestamp is refused ("" if it is fresh).
func (a *Adapter) staleness(ts string, now time.Time) string {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "X-Signature-Timestamp is not Unix seconds"
	}
	limit := int64(maxSignatureAge / time.Second)
	switch age := now.Unix() - sec; {
	case age > limit:
		return fmt.Sprintf("X-Signature-Timestamp is %ds old (over 5 minutes): stale or replayed, or a clock is wrong", age)
	case age < -limit:
		return fmt.Sprintf("X-Signature-Timestamp is %ds in the future (over 5 minutes): a clock is wrong", -age)
	}
	return ""
}

// refuse answers an unverified or unusable request. The log names the
// reason and never the body.
func (a *Adapter) refuse(w http.ResponseWriter, r *http.Request, status int, reason string) {
	a.log.Info("discord: refused interaction request", "status", status, "reason", reason, "remote", r.RemoteAddr, "length", r.ContentLength)
	http.Error(w, http.StatusText(status), status)
}

// httpResponse is an interaction response written as the HTTP answer.
// Data is a messageData or a choicesData (discordgo's
// InteractionResponseData omits an empty choices list, which Discord
// requires in a type 8 response, and sends empty content and embeds).
type httpResponse struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data any                               `json:"data,omitempty"`
}

type messageData struct {
	Content         string                            `json:"content"`
	Flags           discordgo.MessageFlags            `json:"flags,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
}

type choicesData struct {
	Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
}

func writeInteractionResponse(w http.ResponseWriter, resp httpResponse) {
	b, err := json.Marshal(resp)
	if err != nil { // cannot happen: fixed types
		http.Error(w, "encode interaction response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
