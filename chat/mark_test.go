package chat

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestMarkEncoding(t *testing.T) {
	long := "discord:750000000000000004|now-20260326T080000.000000000Z"
	tests := []struct {
		m    Mark
		want string
	}{
		{Mark{Slot: "slack:C1|2026-03-26", Part: 1, Parts: 1}, "nd:" + slotKey("slack:C1|2026-03-26") + ":1/1"},
		{Mark{Slot: long, Part: 999, Parts: 999}, "nd:" + slotKey(long) + ":999/999"},
		{Mark{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := tt.m.String()
			if got != tt.want || len(got) > MaxMarkLen || len(got) > 25 {
				t.Errorf("String() = %q (%d chars), want %q within %d and Discord's 25", got, len(got), tt.want, MaxMarkLen)
			}
			if !tt.m.IsZero() {
				r := newReader(tt.m.Slot)
				if f := r.read("footer · ref " + got); !slices.Equal(f, []found{{part: tt.m.Part, parts: tt.m.Parts, last: tt.m.Last()}}) {
					t.Errorf("read back %v", f)
				}
				if !tt.m.In("x " + got) {
					t.Error("In does not find the mark")
				}
			}
		})
	}
	if err := (Mark{Slot: "s", Part: 4, Parts: 3}).valid(); err == nil {
		t.Error("part 4 of 3 is valid")
	}
}

// oldDiscordNonce is the nonce newsdesk's Discord adapter gave message i
// of a slot's post before the chat package (-1 for the last), written out
// here independently of the reader.
func oldDiscordNonce(slot string, i int) string {
	k := "slot:" + slot
	if i >= 0 {
		k += fmt.Sprintf("#%d", i)
	}
	sum := sha256.Sum256([]byte(k))
	return "nd" + hex.EncodeToString(sum[:])[:22]
}

func TestReaderReadsOldFormats(t *testing.T) {
	const slot = "slack:C0DIGEST|2026-03-26"
	tests := []struct {
		name string
		text string
		want []found
	}{
		{"slack metadata 2 of 3", `{"slot":"` + slot + `","part":2,"parts":3}`, []found{{2, 3, false}}},
		{"slack metadata 3 of 3", `{"slot":"` + slot + `","part":3,"parts":3}`, []found{{3, 3, true}}},
		{"slack metadata without part", `{"slot":"` + slot + `"}`, []found{{1, 1, true}}},
		{"slack metadata of another slot", `{"slot":"x","part":1,"parts":1}`, nil},
		{"slack metadata part out of range", `{"slot":"` + slot + `","part":4,"parts":3}`, nil},
		{"slack metadata in the new format", `{"mark":"` + Mark{slot, 2, 2}.String() + `"}`, []found{{2, 2, true}}},
		{"discord nonce of the first message", oldDiscordNonce(slot, 0), []found{{part: 1}}},
		{"discord nonce of the second message", oldDiscordNonce(slot, 1), []found{{part: 2}}},
		{"discord footer of the last message", "New since yesterday · ref " + oldDiscordNonce(slot, -1), []found{{last: true}}},
		{"discord nonce of another slot", oldDiscordNonce(slot+"x", 0), nil},
		{"a new mark of another slot", Mark{"other", 1, 1}.String(), nil},
		{"chatter", "nd is not a mark; nor is nd:12/12", nil},
	}
	r := newReader(slot)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.read(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("read(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// holding decides what a channel holds of a slot from what was read.
func TestHoldingCompleteAndHave(t *testing.T) {
	tests := []struct {
		name     string
		add      map[string]found
		n        int
		complete []string // nil: not complete
		have     map[int]string
	}{
		{"new, complete", map[string]found{"a": {1, 2, false}, "b": {2, 2, true}}, 2, []string{"a", "b"}, map[int]string{1: "a", 2: "b"}},
		{"new, partial", map[string]found{"a": {1, 3, false}}, 3, nil, map[int]string{1: "a"}},
		{"new, other split", map[string]found{"a": {1, 2, false}}, 3, nil, map[int]string{}},
		{"old discord, complete", map[string]found{"a": {part: 1}, "b": {last: true}}, 2, []string{"a", "b"}, map[int]string{1: "a"}},
		{"old discord, partial", map[string]found{"a": {part: 1}, "b": {part: 2}}, 3, nil, map[int]string{1: "a", 2: "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHolding()
			for id, f := range tt.add {
				h.add(id, f)
			}
			d, ok := h.complete()
			if ok != (tt.complete != nil) || (ok && !slices.Equal(d.IDs, tt.complete)) {
				t.Errorf("complete = %v, %v; want %v", d.IDs, ok, tt.complete)
			}
			got := h.have(tt.n)
			if len(got) != len(tt.have) {
				t.Errorf("have(%d) = %v, want %v", tt.n, got, tt.have)
			}
			for p, id := range tt.have {
				if got[p] != id {
					t.Errorf("have(%d) = %v, want %v", tt.n, got, tt.have)
				}
			}
		})
	}
}

func TestErrorClasses(t *testing.T) {
	base := errors.New("HTTP 503")
	err := fmt.Errorf("post: %w", &Error{Class: Unknown, Err: base})
	if !errors.Is(err, ErrUnknown) || errors.Is(err, ErrPermanent) || !errors.Is(err, base) || ClassOf(err) != Unknown {
		t.Errorf("classes of %v wrong", err)
	}
	if ClassOf(base) != Permanent {
		t.Error("an unclassified error is not permanent")
	}
	var ce *Error
	if !errors.As(Errorf(RateLimited, time.Second, "slow down"), &ce) || ce.RetryAfter != time.Second {
		t.Errorf("Errorf lost the wait: %+v", ce)
	}
}
