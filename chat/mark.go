package chat

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A Mark names one message of a slot's post: part Part of Parts, counted
// from 1. The zero Mark marks nothing (a reply, not a digest).
type Mark struct {
	Slot        string
	Part, Parts int
}

// MaxParts is the most messages one post may take: the encoding keeps a
// mark within Discord's 25-character nonce.
const MaxParts = 999

// MaxMarkLen is the longest encoded Mark, for a platform that must keep
// room for it (a footer, a nonce).
const MaxMarkLen = len("nd:") + keyLen + len(":999/999")

const keyLen = 12

// IsZero reports whether m marks nothing.
func (m Mark) IsZero() bool { return m.Slot == "" }

// Last reports whether m is the last part of its post.
func (m Mark) Last() bool { return m.Part == m.Parts }

// String is the one encoding of a mark, on every platform:
// "nd:<key>:<part>/<parts>", where key is 12 hex digits of the SHA-256 of
// the slot (a slot key is long and names a channel; the mark is short
// enough for a Discord nonce and says nothing). At most MaxMarkLen
// characters. The zero Mark encodes as "".
func (m Mark) String() string {
	if m.IsZero() {
		return ""
	}
	return "nd:" + slotKey(m.Slot) + ":" + strconv.Itoa(m.Part) + "/" + strconv.Itoa(m.Parts)
}

func (m Mark) valid() error {
	if m.IsZero() {
		return nil
	}
	if m.Parts < 1 || m.Parts > MaxParts || m.Part < 1 || m.Part > m.Parts {
		return fmt.Errorf("mark part %d of %d: a post takes 1 to %d messages", m.Part, m.Parts, MaxParts)
	}
	return nil
}

func slotKey(slot string) string {
	sum := sha256.Sum256([]byte("slot:" + slot))
	return hex.EncodeToString(sum[:])[:keyLen]
}

// What a message carries may hold, anywhere in its text:
//   - a mark in the one encoding (Mark.String);
//   - a Discord mark as newsdesk posted it before the chat package: "nd" and
//     22 hex digits of SHA-256("slot:"+slot+"#"+i) for message i (from 0)
//     of all but the last, SHA-256("slot:"+slot) for the last, in the nonce
//     and, after "ref ", in the last embed's footer; it names no part count;
//   - Slack message metadata as posted before: the payload
//     {"slot": slot, "part": p, "parts": n} as JSON (no part: 1 of 1).
var (
	reMark       = regexp.MustCompile(`nd:([0-9a-f]{12}):([0-9]{1,3})/([0-9]{1,3})`)
	reLegacyDisc = regexp.MustCompile(`\bnd([0-9a-f]{22})\b`)
)

// legacyDiscordParts is how many leading parts of an old Discord post the
// reader recognises (the old splitter never made nearly this many).
const legacyDiscordParts = 64

func legacyDiscordNonce(slot string, i int) string {
	k := "slot:" + slot
	if i >= 0 {
		k += "#" + strconv.Itoa(i)
	}
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:])[:22]
}

// found is one part of a slot's post read back from a message. parts is 0
// when the format does not say (an old Discord mark); last is set when the
// mark says it is the last part.
type found struct {
	part, parts int
	last        bool
}

// reader recognises a slot's marks, in the one encoding and in both older
// formats, in the text a message carries.
type reader struct {
	slot   string
	key    string
	legacy map[string]found // old Discord hash → part
}

func newReader(slot string) *reader {
	r := &reader{slot: slot, key: slotKey(slot), legacy: make(map[string]found, legacyDiscordParts+1)}
	for i := range legacyDiscordParts {
		r.legacy[legacyDiscordNonce(slot, i)] = found{part: i + 1}
	}
	r.legacy[legacyDiscordNonce(slot, -1)] = found{last: true}
	return r
}

// read returns the parts of the reader's slot that text marks.
func (r *reader) read(text string) []found {
	var out []found
	if t := strings.TrimSpace(text); strings.HasPrefix(t, "{") {
		var p map[string]any
		if json.Unmarshal([]byte(t), &p) == nil {
			if f, ok := r.slackPayload(p); ok {
				out = append(out, f)
			}
			if m, ok := p["mark"].(string); ok {
				text = m
			}
		}
	}
	for _, sub := range reMark.FindAllStringSubmatch(text, -1) {
		if sub[1] != r.key {
			continue
		}
		p, _ := strconv.Atoi(sub[2])
		n, _ := strconv.Atoi(sub[3])
		if p >= 1 && p <= n {
			out = append(out, found{part: p, parts: n, last: p == n})
		}
	}
	for _, sub := range reLegacyDisc.FindAllStringSubmatch(text, -1) {
		if f, ok := r.legacy[sub[1]]; ok {
			out = append(out, f)
		}
	}
	return out
}

// slackPayload reads Slack metadata in the format posted before the chat
// package: {"slot": s, "part": p, "parts": n}, a mark without a part
// number being a one-message post.
func (r *reader) slackPayload(p map[string]any) (found, bool) {
	s, ok := p["slot"].(string)
	if !ok || s != r.slot {
		return found{}, false
	}
	f := found{part: 1, parts: 1}
	if v, ok := p["part"].(float64); ok {
		f.part = int(v)
	}
	if v, ok := p["parts"].(float64); ok {
		f.parts = int(v)
	}
	if f.part < 1 || f.parts < f.part {
		return found{}, false
	}
	f.last = f.part == f.parts
	return f, true
}

// In reports whether text carries m in the one encoding (Mark.String).
func (m Mark) In(text string) bool {
	return !m.IsZero() && strings.Contains(text, m.String()) &&
		slices.ContainsFunc(reMark.FindAllString(text, -1), func(s string) bool { return s == m.String() })
}
