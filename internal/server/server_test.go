package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/bot/digest"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/internal/ready"
)

// recorder keeps the order in which the server's parts started and stopped.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(e string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// front is a platform under test: it records its life, serves one route,
// and posts digests when poster is set.
type front struct {
	name    string
	rec     *recorder
	up      bool
	running chan struct{}
}

func (f *front) Name() string { return f.name }
func (f *front) Run(ctx context.Context) error {
	f.rec.add(f.name + " run")
	close(f.running)
	<-ctx.Done()
	f.rec.add(f.name + " run ended")
	return ctx.Err()
}
func (f *front) Ready() (string, bool) { return f.name, f.up }
func (f *front) Shutdown(context.Context) error {
	f.rec.add(f.name + " shutdown")
	return nil
}
func (f *front) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /"+f.name+"/ping", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "pong "+f.name) })
}

// poster is a front that also posts digests.
type poster struct{ *front }

func (poster) Post(context.Context, string, bot.Reply, string) (string, error) {
	return "", errors.New("not in this test")
}
func (poster) FindSlot(context.Context, string, string) (string, bool, error) { return "", false, nil }

var (
	_ chat.Front    = (*front)(nil)
	_ chat.Router   = (*front)(nil)
	_ digest.Poster = poster{}
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestRunServesAndStopsInOrder starts two fronts (one posting digests, one
// down), checks what the listener serves, then ends the context: Run
// returns nil, every runner has ended before any front's Shutdown, and
// digests were built over the posting front only.
func TestRunServesAndStopsInOrder(t *testing.T) {
	rec := &recorder{}
	up := &front{name: "alpha", rec: rec, up: true, running: make(chan struct{})}
	down := &front{name: "beta", rec: rec, up: false, running: make(chan struct{})}
	var gotPosters []string
	digestsRunning := make(chan struct{})
	cfg := Config{
		Fronts: chat.Registry{
			{Name: "alpha", Enabled: true, New: func(chat.Deps) (chat.Front, error) { return poster{up}, nil }},
			{Name: "beta", Enabled: true, New: func(chat.Deps) (chat.Front, error) { return down, nil }},
			{Name: "gamma", Enabled: false, New: func(chat.Deps) (chat.Front, error) { t.Error("a disabled front was built"); return nil, nil }},
		},
		Deps: chat.Deps{Handler: bot.HandlerFunc(func(context.Context, bot.Request) bot.Reply { return bot.Reply{} })},
		Digests: func(posters map[string]digest.Poster) (func(context.Context) error, error) {
			for name := range posters {
				gotPosters = append(gotPosters, name)
			}
			return func(ctx context.Context) error {
				rec.add("digests run")
				close(digestsRunning)
				<-ctx.Done()
				rec.add("digests run ended")
				return nil
			}, nil
		},
		API:     http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "accepted") }),
		Ready:   []ready.Part{{Name: "index", Vital: true, Up: func(context.Context) bool { return true }}},
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "# metrics") }),
		Log:     quiet(),
	}
	ln := listen(t)
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, ln) }()
	<-up.running
	<-down.running
	<-digestsRunning

	for _, c := range []struct {
		path string
		code int
		body string
	}{
		{"/healthz", 200, "ok\n"},
		{"/alpha/ping", 200, "pong alpha"},
		{"/beta/ping", 200, "pong beta"},
		{"/metrics", 200, "# metrics"},
	} {
		if code, body := get(t, base+c.path); code != c.code || body != c.body {
			t.Errorf("GET %s = %d %q, want %d %q", c.path, code, body, c.code, c.body)
		}
	}
	resp, err := http.Post(base+"/api/v1/articles", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("POST /api/v1/articles: %d", resp.StatusCode)
	}
	// a front that is down is reported, but only vital parts make /readyz 503
	code, body := get(t, base+"/readyz")
	var parts map[string]any
	if err := json.Unmarshal([]byte(body), &parts); err != nil || code != 200 {
		t.Fatalf("/readyz = %d %s (%v)", code, body, err)
	}
	for _, want := range []string{"alpha", "beta", "index"} {
		if !strings.Contains(body, want) {
			t.Errorf("/readyz does not report %s: %s", want, body)
		}
	}
	if len(gotPosters) != 1 || gotPosters[0] != "alpha" {
		t.Errorf("digests built over %v, want [alpha]", gotPosters)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after the context ended: %v", err)
	}
	ev := rec.list()
	firstShutdown, lastRunEnded := len(ev), -1
	for i, e := range ev {
		switch {
		case e == "alpha shutdown" || e == "beta shutdown":
			firstShutdown = min(firstShutdown, i)
		case strings.Contains(e, "run ended"):
			lastRunEnded = i
		}
	}
	if lastRunEnded < 0 || firstShutdown == len(ev) || lastRunEnded > firstShutdown {
		t.Errorf("events %v: every runner must end before any front shuts down", ev)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the listener still answers after Run returned")
	}
}

// TestRunStopsWhenARunnerFails: a runner's error ends Run with that error,
// and the fronts still shut down.
func TestRunStopsWhenARunnerFails(t *testing.T) {
	rec := &recorder{}
	f := &front{name: "alpha", rec: rec, up: true, running: make(chan struct{})}
	broken := errors.New("feed store gone")
	cfg := Config{
		Fronts:  chat.Registry{{Name: "alpha", Enabled: true, New: func(chat.Deps) (chat.Front, error) { return f, nil }}},
		Runners: []func(context.Context) error{func(context.Context) error { <-f.running; return broken }},
		Log:     quiet(),
	}
	err := Run(context.Background(), cfg, listen(t))
	if !errors.Is(err, broken) {
		t.Fatalf("Run = %v, want the runner's error", err)
	}
	if ev := rec.list(); !strings.Contains(ev[len(ev)-1], "alpha shutdown") {
		t.Errorf("events %v: the front was not shut down", ev)
	}
}

// TestRunRefusesABrokenRegistry: a front that cannot be built stops Run
// before anything listens, naming the cause.
func TestRunRefusesABrokenRegistry(t *testing.T) {
	bad := errors.New("slack: signing secret and app token both missing")
	cfg := Config{
		Fronts: chat.Registry{{Name: "slack", Enabled: true, New: func(chat.Deps) (chat.Front, error) { return nil, bad }}},
		Log:    quiet(),
	}
	ln := listen(t)
	defer ln.Close()
	if err := Run(context.Background(), cfg, ln); !errors.Is(err, bad) {
		t.Fatalf("Run = %v, want the front's error", err)
	}
}
