// Package chattest is the conformance suite of the chat seam: the
// exactly-once delivery promises (retries honouring Retry-After, an
// ambiguous 5xx never doubling a message, a post cut short at any part
// completed with only its missing parts, history that cannot be read,
// paging and lookback, marks in the formats posted before) checked against
// a platform's real Transport talking to that platform's protocol-level
// fake. Every platform runs it from its own tests with RunConformance.
//
// It is for tests only. It imports chat and bot, never an adapter.
package chattest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
)

// Op is a platform call a Fake can make fail.
type Op int

// Ops.
const (
	Send    Op = iota // posting a message (Slack chat.postMessage, Discord POST /channels/{id}/messages)
	History           // reading a channel's messages
)

func (o Op) String() string { return [...]string{"send", "history"}[o] }

// Fault is how a call fails, in the platform's own protocol.
type Fault int

// Faults.
const (
	RateLimited  Fault = iota + 1 // 429 with the Retry-After of Fake.RetryAfter; nothing done
	ServerError                   // a 5xx; nothing done
	LostResponse                  // done, then answered with a 5xx
	Forbidden                     // refused for lack of permission (a missing scope, 403)
	Permanent                     // refused for good (a 4xx such as a bad request)
)

// Posted is a message of the bot's in a channel: its id, the text that
// carries its mark, as the platform stores it (Slack: the metadata
// payload as JSON; Discord: the nonce and the embed footers), and what a
// reader sees (the text and the blocks or embeds, as JSON).
type Posted struct {
	ID      string
	Carries string
	Text    string
}

// Slots lists, by slot key, the parts that posted messages carry marks
// for, in the order posted: a part listed twice was posted twice.
func Slots(posted []Posted) map[string][]string {
	out := map[string][]string{}
	for _, p := range posted {
		for _, m := range reMark.FindAllString(p.Carries, -1) {
			i := strings.LastIndexByte(m, ':')
			out[m[:i]] = append(out[m[:i]], m[i+1:])
		}
	}
	return out
}

var reMark = regexp.MustCompile(`nd:[0-9a-f]{12}:[0-9]{1,3}/[0-9]{1,3}`)

// Fake is what the suite needs of a platform's fake.
type Fake interface {
	// Fail makes the next n calls of op fail with fault, after pass calls
	// that succeed.
	Fail(op Op, fault Fault, pass, n int)
	// Calls counts the calls of op so far, failed ones included.
	Calls(op Op) int
	// Posted lists the bot's messages in channel, oldest first.
	Posted(channel string) []Posted
	// Chatter adds n messages by someone else to channel.
	Chatter(channel string, n int)
	// Legacy adds parts 1 to k of an n-part post of slot to channel, in the
	// format newsdesk posted before the chat package, as the bot.
	Legacy(channel, slot string, k, n int)
	// RetryAfter is the wait a RateLimited fault asks for.
	RetryAfter() time.Duration
}

// Harness is one platform under test: its Transport talking to its Fake.
type Harness[M any] struct {
	Transport chat.Transport[M]
	Fake      Fake
	// Channel returns a valid channel id, a different one for each i.
	Channel func(i int) string
	// Message returns a small message for part i of a post.
	Message func(i int) M
	// Long is a reply that Transport.Split makes several messages of.
	Long bot.Reply
}

// Sleeper is an injected chat.Policy.Sleep: it records every wait and
// returns at once, or, when Block is set, waits for the context to end.
type Sleeper struct {
	mu     sync.Mutex
	waits  []time.Duration
	Block  bool
	waited chan struct{} // closed at the first wait
}

// Sleep records d.
func (s *Sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	block := s.Block
	if s.waited == nil {
		s.waited = make(chan struct{})
	}
	if len(s.waits) == 1 {
		close(s.waited)
	}
	s.mu.Unlock()
	if block {
		<-ctx.Done()
	}
	return ctx.Err()
}

// Waited is closed once Sleep was first called.
func (s *Sleeper) Waited() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.waited == nil {
		s.waited = make(chan struct{})
	}
	return s.waited
}

// Waits returns the waits so far.
func (s *Sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}

type suite[M any] struct {
	t     *testing.T
	h     Harness[M]
	sleep *Sleeper
	now   time.Time
	pol   chat.Policy
}

func newSuite[M any](t *testing.T, newHarness func(t *testing.T) Harness[M]) *suite[M] {
	s := &suite[M]{t: t, h: newHarness(t), sleep: &Sleeper{}, now: time.Now()}
	s.pol = chat.Policy{MaxAttempts: 5, Backoff: time.Second, Sleep: s.sleep.Sleep, Now: func() time.Time { return s.now }}
	return s
}

func (s *suite[M]) parts(n int) []M {
	out := make([]M, n)
	for i := range out {
		out[i] = s.h.Message(i)
	}
	return out
}

func (s *suite[M]) deliver(ch, slot string, parts []M) (chat.Delivery, error) {
	return chat.Deliver(context.Background(), s.h.Transport, ch, slot, parts, s.pol)
}

// marks lists, per message of the bot's in ch, which part of slot's
// n-part post it carries (0: none), oldest first.
func (s *suite[M]) marks(ch, slot string, n int) []int {
	var out []int
	for _, p := range s.h.Fake.Posted(ch) {
		part := 0
		for i := 1; i <= n; i++ {
			if (chat.Mark{Slot: slot, Part: i, Parts: n}).In(p.Carries) {
				part = i
			}
		}
		out = append(out, part)
	}
	return out
}

func (s *suite[M]) ids(ch string) []string {
	var out []string
	for _, p := range s.h.Fake.Posted(ch) {
		out = append(out, p.ID)
	}
	return out
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// RunConformance runs the delivery promises against newHarness's
// platform. Each subtest gets a harness of its own.
func RunConformance[M any](t *testing.T, newHarness func(t *testing.T) Harness[M]) {
	t.Run("posts once and marks every part", func(t *testing.T) { testPostsOnce(t, newHarness) })
	t.Run("retries honour Retry-After and never double", func(t *testing.T) { testRetries(t, newHarness) })
	t.Run("gives up", func(t *testing.T) { testGivesUp(t, newHarness) })
	t.Run("stops when the context ends", func(t *testing.T) { testContext(t, newHarness) })
	t.Run("crash at each step is completed once", func(t *testing.T) { testCrashAtEachStep(t, newHarness) })
	t.Run("unreadable history", func(t *testing.T) { testHistoryRefused(t, newHarness) })
	t.Run("find pages back within bounds", func(t *testing.T) { testFindBounds(t, newHarness) })
	t.Run("reads marks posted before", func(t *testing.T) { testLegacy(t, newHarness) })
	t.Run("another split is posted whole", func(t *testing.T) { testOtherSplit(t, newHarness) })
	t.Run("a long reply splits and posts once", func(t *testing.T) { testLong(t, newHarness) })
}

func testPostsOnce[M any](t *testing.T, nh func(t *testing.T) Harness[M]) {
	s := newSuite(t, nh)
	ctx := context.Background()
	ch, other := s.h.Channel(0), s.h.Channel(1)
	const slot = "test:C1|2026-03-26"
	if _, found, err := chat.Find(ctx, s.h.Transport, ch, slot, s.pol); err != nil || found {
		t.Fatalf("Find in an empty channel = %v, %v; want not found", found, err)
	}
	d, err := s.deliver(ch, slot, s.parts(2))
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if got := s.marks(ch, slot, 2); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("marks %v, want [1 2]", got)
	}
	if !slices.Equal(d.IDs, s.ids(ch)) || d.Posted != 2 {
		t.Errorf("Delivery %+v, want ids %v, 2 posted", d, s.ids(ch))
	}
	f, found, err := chat.Find(ctx, s.h.Transport, ch, slot, s.pol)
	if err != nil || !found || !slices.Equal(f.IDs, d.IDs) {
		t.Errorf("Find = %+v, %v, %v; want %v", f, found, err, d.IDs)
	}
	for _, tc := range []struct{ ch, slot string }{{ch, slot + "x"}, {other, slot}} {
		if _, found, err := chat.Find(ctx, s.h.Transport, tc.ch, tc.slot, s.pol); err != nil || found {
			t.Errorf("Find(%s, %s) = %v, %v; want not found", tc.ch, tc.slot, found, err)
		}
	}
	sends := s.h.Fake.Calls(Send)
	again, err := s.deliver(ch, slot, s.parts(2))
	if err != nil || !slices.Equal(again.IDs, d.IDs) || again.Posted != 0 || s.h.Fake.Calls(Send) != sends {
		t.Errorf("second Deliver = %+v, %v (%d sends); want the first's ids and nothing sent", again, err, s.h.Fake.Calls(Send)-sends)
	}
	// Without a slot nothing is read and nothing is marked.
	reads := s.h.Fake.Calls(History)
	if _, err := s.deliver(ch, "", s.parts(1)); err != nil {
		t.Fatal(err)
	}
	posted := s.h.Fake.Posted(ch)
	if len(posted) != 3 || s.h.Fake.Calls(History) != reads || strings.Contains(posted[2].Carries, "nd:") {
		t.Errorf("unmarked post: %d messages, %d reads, carries %q; want 3, none, no mark", len(posted), s.h.Fake.Calls(History)-reads, posted[len(posted)-1].Carries)
	}
}

func testRetries[M any](t *testing.T, nh func(t *testing.T) Harness[M]) {
	tests := []struct {
		name      string
		fault     Fault
		times     int
		sends     int
		rateWaits int // waits that must be the fake's Retry-After
	}{
		{"429 once", RateLimited, 1, 2, 1},
		{"429 twice", RateLimited, 2, 3, 2},
		{"5xx once", ServerError, 1, 2, 0},
		{"5xx three times", ServerError, 3, 4, 0},
		{"5xx after the message was stored", LostResponse, 1, 1, 0},
		{"5xx after the message was stored, twice over two parts", LostResponse, 2, 2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSuite(t, nh)
			ch := s.h.Channel(0)
			const slot = "test:C1|retry"
			n := 1
			if tc.fault == LostResponse && tc.times == 2 {
				n = 2
			}
			s.h.Fake.Fail(Send, tc.fault, 0, tc.times)
			d, err := s.deliver(ch, slot, s.parts(n))
			if err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			if got := s.marks(ch, slot, n); !slices.Equal(got, seq(1, n)) {
				t.Fatalf("channel holds parts %v, want %v exactly once", got, seq(1, n))
			}
			if !slices.Equal(d.IDs, s.ids(ch)) {
				t.Errorf("ids %v, channel %v", d.IDs, s.ids(ch))
			}
			if got := s.h.Fake.Calls(Send); got != tc.sends {
				t.Errorf("%d sends, want %d", got, tc.sends)
			}
			waits := s.sleep.Waits()
			for i := range tc.rateWaits {
				if i >= len(waits) || waits[i] != s.h.Fake.RetryAfter() {
					t.Errorf("waits %v, want %d of Retry-After %s", waits, tc.rateWaits, s.h.Fake.RetryAfter())
					break
				}
			}
			if tc.fault != RateLimited && len(waits) != tc.times {
				t.Errorf("waits %v, want %d backoffs", waits, tc.times)
			}
		})
	}
	t.Run("unmarked 5xx is sent again", func(t *testing.T) {
		s := newSuite(t, nh)
		ch := s.h.Channel(0)
		s.h.Fake.Fail(Send, ServerError, 0, 2)
		if _, err := s.deliver(ch, "", s.parts(1)); err != nil {
			t.Fatal(err)
		}
		if n, sends := len(s.h.Fake.Posted(ch)), s.h.Fake.Calls(Send); n != 1 || sends != 3 {
			t.Errorf("%d messages after %d sends, want 1 after 3", n, sends)
		}
	})
}

func testGivesUp[M any](t *testing.T, nh func(t *testing.T) Harness[M]) {
	tests := []struct {
		name  string
		fault Fault
		sends int
		class error
	}{
		{"5xx every time", ServerError, 5, chat.ErrUnknown},
		{"429 every time", RateLimited, 5, chat.ErrRateLimited},
		{"4xx at once", Permanent, 1, chat.ErrPermanent},
		{"403 at once", Forbidden, 1, chat.ErrForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSuite(t, nh)
			ch := s.h.Channel(0)
			s.h.Fake.Fail(Send, tc.fault, 0, 100)
			_, err := s.deliver(ch, "test:C1|giveup", s.parts(1))
			var ce *chat.Error
			if !errors.Is(err, tc.class) || !errors.As(err, &ce) {
				t.Fatalf("Deliver error %v, want class %v", err, tc.class)
			}
			if tc.sends > 1 && !strings.Contains(err.Error(), "gave up after 5 attempts") {
				t.Errorf("error %q does not say it gave up after 5 attempts", err)
			}
			if got := s.h.Fake.Calls(Send); got != tc.sends {
				t.Errorf("%d sends, want %d", got, tc.sends)
			}
			if n := len(s.h.Fake.Posted(ch)); n != 0 {
				t.Errorf("%d messages posted", n)
			}
		})
	}
}

func testContext[M any](t *testing.T, nh func(t *testing.T) Harness[M]) {
	s := newSuite(t, nh)
	s.sleep.Block = true
	ch := s.h.Channel(0)
	s.h.Fake.Fail(Send, RateLimited, 0, 1)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := chat.Deliver(ctx, s.h.Transport, ch, "test:C1|ctx", s.parts(1), s.pol)
		errc <- err
	}()
	select {
	case err := <-errc:
		t.Fatalf("Deliver returned %v before waiting out the rate limit", err)
	case <-s.sleep.Waited():
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Deliver error %v, want context canceled", err)
	}
	if n := len(s.h.Fake.Posted(ch)); n != 0 {
		t.Errorf("%d messages posted", n)
	}
}

// A delivery that dies at any step (before part k is sent, or after it
// was stored but before its answer came) leaves the slot not found, and
// the next Deliver sends only what is missing: every part exactly once,
// in order. A third finds it complete and sends nothing.
func testCrashAtEachStep[M any](t *testing.T, nh func(t *testing.T) Harness[M]) {
	const n = 3
	for k := 1; k <= n; k++ {
		for _, fault := range []Fault{ServerError, LostResponse} {
			name := fmt.Sprintf("before part %d is sent", k)
			stored := k - 1
			if fault == LostResponse {
				name = fmt.Sprintf("after part %d was stored", k)
				stored = k
			}
			t.Run(name, func(t *testing.T) {
				s := newSuite(t, nh)
				ctx := context.Background()
				ch := s.h.Channel(0)
				const slot = "test:C1|crash"
				crash := s.pol
				crash.MaxAttempts = 1 // the process dies at the first failure
				s.h.Fake.Fail(Send, fault, k-1, 1)
				if _, err := chat.Deliver(ctx, s.h.Transport, ch, slot, s.parts(n), crash); err == nil ||
					!strings.Contains(err.Error(), fmt.Sprintf("message %d of %d", k, n)) {
					t.Fatalf("Deliver = %v, want a failure at message %d of %d", err, k, n)
				}
				if got := s.marks(ch, slot, n); !slices.Equal(got, seq(1, stored)) {
					t.Fatalf("after the crash the channel holds parts %v, want %v", got, seq(1, stored))
				}
				if _, found, err := chat.Find(ctx, s.h.Transport, ch, slot, s.pol); err != nil || found != (stored == n) {
					t.Fatalf("Find after the crash = %v, %v; want found=%v", found, err, stored == n)
				}
				s.h.Fake.Chatter(ch, 2)
				sends := s.h.Fake.Calls(Send)
				d, err := s.deliver(ch, slot, s.parts(n))
				if err != nil {
					t.Fatalf("Deliver after the restart: %v", err)
				}
				if got := s.h.Fake.Calls(Send) - sends; got != n-stored || d.Posted != n-stored {
					t.Errorf("the restart sent %d (Posted %d), want only the %d missing", got, d.Posted, n-stored)
				}
				if got := withoutZeros(s.marks(ch, slot, n)); !slices.Equal(got, seq(1, n)) {
					t.Errorf("channel holds parts %v, want %v", got, seq(1, n))
				}
				f, found, err := chat.Find(ctx, s.h.Transport, ch, slot, s.pol)
				if err != nil || !found || !slices.Equal(f.IDs, d.IDs) || slices.Contains(d.IDs, "") {
					t.Errorf("Find = %+v, %v, %v; want complete with %v", f, found, err, d.IDs)
				}
				sends = s.h.Fake.Calls(Send)
				if again, err := s.deliver(ch, slot, s.parts(n)); err != nil || again.Posted != 0 || s.h.Fake.Calls(Send) != sends {
					t.Errorf("third Deliver = %+v, %v; want nothing sent", again, err)
				}
			})
		}
	}
}

func withoutZeros(xs []int) []int {
	var out []int
	for _, x := range xs {
		if x != 0 {
			out = append(out, x)
		}
	}
	return out
}

func testHistoryRefused[M any](t *testing.T, nh func(t *testing.T) Harness[M]) {
	t.Run("forbidden: posted once", func(t *testing.T) {
		s := newSuite(t, nh)
		ch := s.h.Channel(0)
		s.h.Fake.Fail(History, Forbidden, 0, 100)
		if _, err := s.deliver(ch, "test:C1|private", s.parts(1)); err != nil {
			t.Fatalf("Deliver without history access: %v", err)
		}
		if n := len(s.h.Fake.Posted(ch)); n != 1 {
			t.Errorf("%d messages, want 1", n)
		}
		if _, _, err := chat.Find(context.Background(), s.h.Transport, ch, "test:C1|private", s.pol); !errors.Is(err, chat.ErrForbidden) {
			t.Errorf("Find error %v, want forbidden", err)
		}
	})
	t.Run("failing for a passing reason: nothing posted blind", func(t *testing.T) {
		s := newSuite(t, nh)
		ch := s.h.Channel(0)
		s.h.Fake.Fail(History, ServerError, 0, 100)
		if _, err := s.deliver(ch, "test:C1|down", s.parts(1)); !errors.Is(err, chat.ErrUnknown) {
			t.Errorf("Deliver error %v, want the history read's 5xx", err)
		}
		if n := len(s.h.Fake.Posted(ch)); n != 0 {
			t.Errorf("%d messages posted blind, want 0", n)
		}
	})
	t.Run("lost response that cannot be checked: not repeated", func(t *testing.T) {
		s := newSuite(t, nh)
		ch := s.h.Channel(0)
		s.h.Fake.Fail(History, Forbidden, 0, 100)
		s.h.Fake.Fail(Send, LostResponse, 0, 1)
		if _, err := s.deliver(ch, "test:C1|lost", s.parts(1)); !errors.Is(err, chat.ErrNotRepeated) {
			t.Errorf("Deliver error %v, want ErrNotRepeated", err)
		}
		if n := len(s.h.Fake.Posted(ch)); n != 1 {
			t.Errorf("%d messages, want exactly 1", n)
		}
	})
	t.Run("a 5xx history read is retried", func(t *testing.T) {
		s := newSuite(t, nh)
		ch := s.h.Channel(0)
		s.h.Fake.Fail(History, ServerError, 0, 2)
		if _, err := s.deliver(ch, "test:C1|flaky", s.parts(1)); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		if n, reads := len(s.h.Fake.Posted(ch)), s.h.Fake.Calls(History); n != 1 || reads != 3 {
			t.Errorf("%d messages after %d reads, want 1 after 3", n, reads)
		}
	})
}

func testFindBounds[M any](t *testing.T, nh func(t *testing.T) Harness[M]) {
	tests := []struct {
		name     string
		chatter  int
		maxPages int
		later    time.Duration // how long after posting Find asks
		found    bool
	}{
		{"under 250 messages", 250, 0, 0, true},
		{"beyond the page limit", 250, 2, 0, false},
		{"older than the lookback", 5, 0, chat.SlotLookback + time.Hour, false},
		{"within the lookback", 5, 0, chat.SlotLookback - time.Hour, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSuite(t, nh)
			ch := s.h.Channel(0)
			const slot = "test:C1|paging"
			d, err := s.deliver(ch, slot, s.parts(2))
			if err != nil {
				t.Fatal(err)
			}
			s.h.Fake.Chatter(ch, tc.chatter)
			p := s.pol
			p.MaxPages = tc.maxPages
			later := s.now.Add(tc.later)
			p.Now = func() time.Time { return later }
			reads := s.h.Fake.Calls(History)
			got, found, err := chat.Find(context.Background(), s.h.Transport, ch, slot, p)
			if err != nil || found != tc.found || (found && !slices.Equal(got.IDs, d.IDs)) {
				t.Errorf("Find = %+v, %v, %v; want found=%v (%v)", got, found, err, tc.found, d.IDs)
			}
			if r := s.h.Fake.Calls(History) - reads; tc.maxPages > 0 && r != tc.maxPages {
				t.Errorf("%d pages read, want the limit %d", r, tc.maxPages)
			}
		})
	}
}

// Marks posted by newsdesk before the chat package are read: a deployed
// bot resumes correctly after an upgrade.
func testLegacy[M any](t *testing.T, nh func(t *testing.T) Harness[M]) {
	for _, tc := range []struct{ k, n int }{{1, 1}, {3, 3}, {1, 3}, {2, 3}} {
		t.Run(fmt.Sprintf("%d of %d", tc.k, tc.n), func(t *testing.T) {
			s := newSuite(t, nh)
			ctx := context.Background()
			ch := s.h.Channel(0)
			const slot = "test:C1|2026-03-26"
			s.h.Fake.Legacy(ch, slot, tc.k, tc.n)
			s.h.Fake.Legacy(ch, slot+"-other", tc.n, tc.n)
			legacy := s.ids(ch)[:tc.k]
			s.h.Fake.Chatter(ch, 3)
			_, found, err := chat.Find(ctx, s.h.Transport, ch, slot, s.pol)
			if err != nil || found != (tc.k == tc.n) {
				t.Fatalf("Find = %v, %v; want found=%v", found, err, tc.k == tc.n)
			}
			sends := s.h.Fake.Calls(Send)
			d, err := s.deliver(ch, slot, s.parts(tc.n))
			if err != nil {
				t.Fatal(err)
			}
			if got := s.h.Fake.Calls(Send) - sends; got != tc.n-tc.k || d.Posted != got {
				t.Errorf("%d sent (Posted %d), want only the %d missing", got, d.Posted, tc.n-tc.k)
			}
			if !slices.Equal(d.IDs[:tc.k], legacy) {
				t.Errorf("ids %v, want the old post's %v first", d.IDs, legacy)
			}
			if tc.k < tc.n {
				if got := withoutZeros(s.marks(ch, slot, tc.n)); !slices.Equal(got, seq(tc.k+1, tc.n)) {
					t.Errorf("new parts %v, want %v", got, seq(tc.k+1, tc.n))
				}
				if _, found, err := chat.Find(ctx, s.h.Transport, ch, slot, s.pol); err != nil || !found {
					t.Errorf("Find after completing = %v, %v", found, err)
				}
			}
		})
	}
}

func testOtherSplit[M any](t *testing.T, nh func(t *testing.T) Harness[M]) {
	s := newSuite(t, nh)
	ch := s.h.Channel(0)
	const slot = "test:C1|resplit"
	crash := s.pol
	crash.MaxAttempts = 1
	s.h.Fake.Fail(Send, ServerError, 1, 1)
	if _, err := chat.Deliver(context.Background(), s.h.Transport, ch, slot, s.parts(2), crash); err == nil {
		t.Fatal("the first Deliver did not fail")
	}
	if _, err := s.deliver(ch, slot, s.parts(3)); err != nil {
		t.Fatal(err)
	}
	if got := s.marks(ch, slot, 3); !slices.Equal(got, []int{0, 1, 2, 3}) {
		t.Errorf("marks of 3 parts %v, want [0 1 2 3] (the old part, then the post whole)", got)
	}
}

func testLong[M any](t *testing.T, nh func(t *testing.T) Harness[M]) {
	s := newSuite(t, nh)
	ch := s.h.Channel(0)
	const slot = "test:C1|long"
	parts := s.h.Transport.Split(s.h.Long)
	if len(parts) < 2 {
		t.Fatalf("Split made %d messages of the long reply, want several", len(parts))
	}
	s.h.Fake.Fail(Send, LostResponse, 1, 1)
	d, err := chat.Post(context.Background(), s.h.Transport, ch, s.h.Long, slot, s.pol)
	if err != nil {
		t.Fatalf("Post: %v (the fake refuses a message over the platform's limits)", err)
	}
	if got := s.marks(ch, slot, len(parts)); !slices.Equal(got, seq(1, len(parts))) {
		t.Errorf("parts %v, want %v", got, seq(1, len(parts)))
	}
	if !slices.Equal(d.IDs, s.ids(ch)) {
		t.Errorf("ids %v, channel %v", d.IDs, s.ids(ch))
	}
}

// NoWait is a chat.Policy.Sleep that waits for nothing: for tests whose
// fakes are told to fail and that must not sleep.
func NoWait(ctx context.Context, _ time.Duration) error { return ctx.Err() }
