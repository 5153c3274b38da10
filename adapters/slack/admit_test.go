package slack

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/internal/admit"
	"github.com/newsdesk/newsdesk/internal/admit/admittest"
)

var arrival = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// ackWatch records, at the top of the handler chain, whether the command's
// acknowledgement had been written whole and flushed to the connection.
type ackWatch struct {
	mu      sync.Mutex
	body    bytes.Buffer
	flushed bool
}

type watchedWriter struct {
	http.ResponseWriter
	w *ackWatch
}

func (ww *watchedWriter) Write(b []byte) (int, error) {
	ww.w.mu.Lock()
	ww.w.body.Write(b)
	ww.w.mu.Unlock()
	return ww.ResponseWriter.Write(b)
}

func (ww *watchedWriter) Flush() {
	ww.ResponseWriter.(http.Flusher).Flush()
	ww.w.mu.Lock()
	ww.w.flushed = ww.w.body.Len() > 0
	ww.w.mu.Unlock()
}

func (w *ackWatch) acked() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushed
}

func (w *ackWatch) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&watchedWriter{ResponseWriter: rw, w: w}, r)
	})
}

// spendingDeliveries is a delivery record that takes `spend` of the
// injected clock: the time a request waits before its handler gets the CPU.
type spendingDeliveries struct {
	clk   *admittest.Clock
	spend time.Duration
}

func (d spendingDeliveries) FirstSeen(context.Context, string, time.Time, time.Duration) (bool, error) {
	d.clk.Advance(d.spend)
	return true, nil
}

type admitEnv struct {
	*env
	clk   *admittest.Clock
	pool  *admit.Pool
	watch *ackWatch
	early chan slackfake.Response // a response_url post before the ack was written
}

// newAdmitEnv is an adapter behind admit.Arrivals on a manual clock, with a
// pool of one slot and the given queue, and a watch on the ack.
func newAdmitEnv(t *testing.T, h bot.Handler, queue int, mod func(*Config)) *admitEnv {
	t.Helper()
	ae := &admitEnv{clk: admittest.New(arrival), pool: admit.New(admit.Config{Running: 1, Queue: queue}),
		watch: &ackWatch{}, early: make(chan slackfake.Response, 10)}
	ae.env = newWrappedEnv(t, h, func(c *Config) {
		c.AckBudget = time.Second
		c.Admit = ae.pool
		c.Clock = ae.clk
		if mod != nil {
			mod(c)
		}
	}, func(next http.Handler) http.Handler { return admit.Arrivals(ae.clk, ae.watch.wrap(next)) })
	ae.fake.OnResponse = func(r slackfake.Response) {
		if !ae.watch.acked() {
			ae.early <- r
		}
	}
	return ae
}

type posted struct {
	status int
	body   []byte
	err    error
}

// postAsync sends a signed slash command and delivers its answer on the
// returned channel.
func (e *env) postAsync(text, id string) <-chan posted {
	out := make(chan posted, 1)
	body := e.commandForm(text, id)
	go func() {
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/slack/commands", bytes.NewReader(body))
		if err != nil {
			out <- posted{err: err}
			return
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		slackfake.SignRequest(req, testSecret, body, time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			out <- posted{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		out <- posted{status: resp.StatusCode, body: b, err: err}
	}()
	return out
}

func (ae *admitEnv) noEarlyResponse(t *testing.T) {
	t.Helper()
	select {
	case r := <-ae.early:
		t.Errorf("response_url got %q before the acknowledgement was written", r.Text)
	default:
	}
}

// TestSaturatedPool: with every slot taken, a slash command is acknowledged
// no later than its ack budget on the injected clock, and then answered
// late through response_url when a slot frees, or told plainly that
// newsdesk is busy (never that the query was too broad); a late message
// never reaches response_url before the acknowledgement is written.
func TestSaturatedPool(t *testing.T) {
	tests := []struct {
		name        string
		queue       int
		lateTimeout time.Duration
		advance     bool   // the adapter waits for the budget: advance the clock by it
		ack         string // the acknowledgement's text
		release     bool   // free the slot after the ack
		late        string // a substring of the response_url message; "" none expected
	}{
		{name: "queue full: busy at once", queue: -1, ack: bot.BusyText},
		{name: "queued: answered when a slot frees", queue: 1, advance: true, ack: workingText, release: true, late: "APT31"},
		{name: "queued past its life: cancelled, told busy", queue: 1, lateTimeout: 50 * time.Millisecond, advance: true, ack: workingText, late: bot.BusyText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ae := newAdmitEnv(t, seedHandler(), tt.queue, func(c *Config) {
				if tt.lateTimeout > 0 {
					c.LateTimeout = tt.lateTimeout
				}
			})
			release, err := ae.pool.Acquire(context.Background()) // the worker, blocked
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			got := ae.postAsync("search APT31", "sat")
			if tt.advance {
				<-ae.clk.Waited
				ae.clk.Advance(time.Second)
			}
			p := <-got
			if p.err != nil || p.status != http.StatusOK {
				t.Fatalf("POST: %v, status %d: %s", p.err, p.status, p.body)
			}
			if took := ae.clk.Now().Sub(arrival); took > time.Second {
				t.Errorf("acknowledged %s after arrival on the injected clock, budget 1s", took)
			}
			ack := decodeAnswer(t, p.body)
			if ack.Text != tt.ack {
				t.Fatalf("ack = %q, want %q", ack.Text, tt.ack)
			}
			if strings.Contains(ack.Text, "fewer") {
				t.Errorf("a busy pool blamed the query: %q", ack.Text)
			}
			if tt.release {
				release()
			}
			if tt.late == "" {
				if n := len(ae.fake.Responses()); n != 0 {
					t.Errorf("%d response_url posts, want none", n)
				}
				return
			}
			resps, err := ae.fake.WaitResponses(1, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if r := resps[0]; !strings.Contains(r.Text, tt.late) && !bytes.Contains(r.Blocks, []byte(tt.late)) {
				t.Errorf("late answer %q %s lacks %q", r.Text, r.Blocks, tt.late)
			}
			ae.noEarlyResponse(t)
		})
	}
}

// TestAckBudgetFromArrival: the ack budget counts from when the request
// arrived (admit.Arrivals), not from when the handler ran: a request that
// spent its budget before the handler got the CPU is acknowledged at once
// and answered through response_url, after the acknowledgement is written.
func TestAckBudgetFromArrival(t *testing.T) {
	tests := []struct {
		name  string
		spend time.Duration
		ack   string
	}{
		{"budget left: inline", 0, ""},
		{"budget spent waiting: deferred", time.Second, workingText},
		{"more than the budget spent: deferred", 2 * time.Second, workingText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ae := newAdmitEnv(t, seedHandler(), 1, func(c *Config) {
				c.Deliveries = spendingDeliveries{clk: c.Clock.(*admittest.Clock), spend: tt.spend}
			})
			p := <-ae.postAsync("search APT31", "arrival")
			if p.err != nil || p.status != http.StatusOK {
				t.Fatalf("POST: %v, status %d: %s", p.err, p.status, p.body)
			}
			ack := decodeAnswer(t, p.body)
			if tt.ack == "" {
				if len(ack.Blocks) == 0 {
					t.Fatalf("ack = %q, want the hits inline", ack.Text)
				}
				return
			}
			if ack.Text != tt.ack || len(ack.Blocks) != 0 {
				t.Fatalf("ack = %q with %d blocks, want %q", ack.Text, len(ack.Blocks), tt.ack)
			}
			resps, err := ae.fake.WaitResponses(1, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(resps[0].Blocks, []byte("*APT31*")) {
				t.Errorf("late answer lacks the hits: %s", resps[0].Blocks)
			}
			ae.noEarlyResponse(t)
		})
	}
}
