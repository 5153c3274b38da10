package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/bot"
)

// BenchmarkServeSlashCommands sends signed slash commands to `serve` (the
// sample corpus, Slack's Web API on a loopback fake) open loop: each
// iteration is a burst of commands started at a fixed rate per second,
// whatever the answers' pace (one sub-benchmark per rate: 400/s, and
// 2000/s to saturate this 2-core machine). It reports the acknowledgement's
// p50 and p99 (from the request's start to the whole answer read), how
// many commands were told that newsdesk is busy and how many were
// deferred to response_url. Bounded: run it with -benchtime=Nx.
//
//	go test -run '^$' -bench ServeSlashCommands -benchtime 3x ./cmd/newsdesk
func BenchmarkServeSlashCommands(b *testing.B) {
	fake, cfgFile := slackEnv(b, "log_level: error\n")
	base := startServe(b, cfgFile).base + "/slack/commands"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1000}, Timeout: 10 * time.Second}
	queries := []string{"search APT31", "search sanctions by:US", "latest 10 kind:sanction", "actor Sandworm", "search \"malicious slander\"", "search Violet Typhoon"}

	sequence := 0
	for _, load := range []struct{ rate, commands int }{{400, 400}, {2000, 1000}} {
		b.Run("rate="+strconv.Itoa(load.rate), func(b *testing.B) {
			benchBurst(b, fake, client, base, queries, &sequence, load.rate, load.commands)
		})
	}
}

// benchBurst is one sub-benchmark of BenchmarkServeSlashCommands.
func benchBurst(b *testing.B, fake *slackfake.Server, client *http.Client, base string, queries []string, sequence *int, rate, commands int) {
	before := len(fake.Responses())
	sent := 0
	var (
		mu        sync.Mutex
		acks      []time.Duration
		busy      int
		deferred  int
		failed    int
		responses int
	)
	one := func(n int) {
		body := url.Values{"command": {"/newsdesk"}, "text": {queries[n%len(queries)]}, "channel_id": {"C1"},
			"user_id": {"U" + strconv.Itoa(n)}, "response_url": {fake.ResponseURL("b" + strconv.Itoa(n))}}.Encode()
		req, _ := http.NewRequest(http.MethodPost, base, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		slackfake.SignRequest(req, "s3cret", []byte(body), time.Now())
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			mu.Lock()
			failed++
			mu.Unlock()
			return
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		var ans struct {
			Text string `json:"text"`
		}
		_ = json.Unmarshal(raw, &ans)
		mu.Lock()
		defer mu.Unlock()
		if resp.StatusCode != http.StatusOK {
			failed++
			return
		}
		acks = append(acks, took)
		switch ans.Text {
		case bot.BusyText:
			busy++
		case "Working on it…":
			deferred++
		}
	}
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / time.Duration(rate))
		for range commands {
			<-tick.C
			*sequence++
			sent++
			n := *sequence
			wg.Go(func() { one(n) })
		}
		tick.Stop()
		wg.Wait()
	}
	b.StopTimer()
	// Late answers (deferred, or told busy at the end of their life).
	if deferred > 0 {
		if rs, err := fake.WaitResponses(before+deferred, 30*time.Second); err == nil {
			rs = rs[before:]
			responses = len(rs)
			for _, r := range rs {
				if r.Text == bot.BusyText {
					busy++
				}
			}
		}
	}
	slices.Sort(acks)
	pct := func(p float64) float64 {
		if len(acks) == 0 {
			return 0
		}
		return float64(acks[min(len(acks)-1, int(p*float64(len(acks))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "ack_p50_ms")
	b.ReportMetric(pct(0.99), "ack_p99_ms")
	b.ReportMetric(float64(acks[len(acks)-1].Microseconds())/1000, "ack_max_ms")
	total := float64(sent)
	b.ReportMetric(float64(busy)/total, "busy/cmd")
	b.ReportMetric(float64(deferred)/total, "deferred/cmd")
	b.ReportMetric(float64(failed)/total, "failed/cmd")
	b.ReportMetric(float64(responses), "late_answers")
}
