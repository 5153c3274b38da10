package discordfake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsdesk/newsdesk/chat/chattest"
)

// ConformanceRetryAfter is the retry_after of the fake's scripted 429s in
// the chat conformance suite (kept tiny: discordgo's bucket also waits it).
const ConformanceRetryAfter = 10 * time.Millisecond

// Conformance is the fake as the chat conformance suite drives it
// (chattest.Fake): failures in Discord's own wire protocol, and the
// channel's messages as Discord holds them.
func (f *Fake) Conformance() chattest.Fake { return conformance{f} }

type conformance struct{ f *Fake }

var _ chattest.Fake = conformance{}

const messagesPath = "/channels/*/messages"

func httpMethod(op chattest.Op) string {
	if op == chattest.History {
		return http.MethodGet
	}
	return http.MethodPost
}

func (c conformance) Fail(op chattest.Op, fault chattest.Fault, pass, n int) {
	fl := Failure{Method: httpMethod(op), Path: messagesPath, Times: n, Pass: pass, RetryAfter: ConformanceRetryAfter}
	switch fault {
	case chattest.RateLimited:
		fl.Status = http.StatusTooManyRequests
	case chattest.ServerError:
		fl.Status = http.StatusBadGateway // discordgo reports it untyped: the hardest case
	case chattest.LostResponse:
		fl.Status, fl.AfterCommit = http.StatusInternalServerError, true
	case chattest.Forbidden:
		fl.Status = http.StatusForbidden
	case chattest.Permanent:
		fl.Status = http.StatusBadRequest
	}
	c.f.Fail(fl)
}

func (c conformance) Calls(op chattest.Op) int {
	n := 0
	for _, r := range c.f.Requests() {
		if r.Method == httpMethod(op) && pathMatch(messagesPath, r.Path) {
			n++
		}
	}
	return n
}

// Posted lists the bot's messages in the channel with their nonce and
// embed footers, and their content and embeds as JSON.
func (c conformance) Posted(channel string) []chattest.Posted {
	var out []chattest.Posted
	for _, m := range c.f.Messages(channel) {
		if m.AuthorID != c.f.BotID {
			continue
		}
		p := chattest.Posted{ID: m.ID, Carries: m.Nonce}
		for _, e := range m.Embeds {
			if e != nil && e.Footer != nil {
				p.Carries += "\n" + e.Footer.Text
			}
		}
		b, _ := json.Marshal(m.Embeds)
		p.Text = m.Content + "\n" + string(b)
		out = append(out, p)
	}
	return out
}

func (c conformance) Chatter(channel string, n int) {
	for i := range n {
		c.f.AddMessage(channel, Message{AuthorID: "800000000000000042", Content: fmt.Sprint("chatter ", i)})
	}
}

// Legacy adds messages as newsdesk posted a slot before the chat package:
// message i of n carries the nonce "nd" + 22 hex digits of
// SHA-256("slot:"+slot+"#"+i), the last SHA-256("slot:"+slot), and the
// last embed's footer "ref " and that nonce.
func (c conformance) Legacy(channel, slot string, k, n int) {
	for i := range k {
		key := "slot:" + slot
		if i != n-1 {
			key += "#" + strconv.Itoa(i)
		}
		sum := sha256.Sum256([]byte(key))
		nonce := "nd" + hex.EncodeToString(sum[:])[:22]
		c.f.AddMessage(channel, Message{AuthorID: c.f.BotID, AuthorBot: true, Nonce: nonce, Embeds: []*discordgo.MessageEmbed{{
			Title: fmt.Sprintf("Digest part %d", i+1), Footer: &discordgo.MessageEmbedFooter{Text: "New since yesterday · ref " + nonce},
		}}})
	}
}

func (c conformance) RetryAfter() time.Duration { return ConformanceRetryAfter }
