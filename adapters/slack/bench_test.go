package slack

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/bot"
)

// benchCommand measures the slash-command path: a signed request in
// through the adapter's HTTP handler (verify, parse, Handle, render, JSON
// out) and the reply read back, over loopback. It reports the median and
// p99 latency and requests per second.
func benchCommand(b *testing.B, h bot.Handler, text string) {
	e := newEnv(b, h, nil)
	client := e.srv.Client()
	url := e.srv.URL + "/slack/commands"
	var sent atomic.Int64
	do := func() time.Duration {
		// a request of its own each time: the same signed body again is
		// a replay, which the adapter refuses
		body := e.commandForm(text, "bench-"+strconv.FormatInt(sent.Add(1), 10))
		start := time.Now()
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		slackfake.SignRequest(req, testSecret, body, start)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Contains(out, []byte(`"blocks"`)) {
			b.Fatalf("status %d: %s", resp.StatusCode, out)
		}
		return time.Since(start)
	}
	do() // warm the connection
	var (
		mu  sync.Mutex
		lat []time.Duration
		n   atomic.Int64
	)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			mine = append(mine, do())
			n.Add(1)
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(float64(n.Load())/elapsed.Seconds(), "req/s")
}

// BenchmarkSlashCommand uses a handler that answers at once with the seed
// article's four statements: the adapter's own cost.
func BenchmarkSlashCommand(b *testing.B) {
	benchCommand(b, seedHandler(), "search APT31")
}
