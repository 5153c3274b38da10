package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestServeMetrics sends a handful of signed slash commands and an
// ingestion to a running serve, then scrapes /metrics with the Prometheus
// text parser: the request counter and its latency histogram moved, by
// front, command and outcome, and so did ingestion.
func TestServeMetrics(t *testing.T) {
	fake, cfgFile := slackEnv(t, "slack:\n  ack_budget: 2500ms\n")
	r := startServe(t, cfgFile)
	base := r.base

	commands := []string{"search APT31", "search Sandworm", "help", "search since:notadate", "show 000000000000"}
	for i, text := range commands {
		resp := r.slashCommand(t, "s3cret", text, fake.ResponseURL("r"+string(rune('a'+i))))
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%q: status %d", text, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/articles", strings.NewReader(`{"title":"FBI names APT31","text":"The FBI said APT31 did it.","date":"2024-04-01"}`))
	req.Header.Set("Authorization", "Bearer ingest-token")
	req.Header.Set("Content-Type", "application/json")
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != 200 {
		t.Fatalf("ingest API: %v %v", err, r)
	}

	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}

	counter := func(name string, labels map[string]string) float64 {
		t.Helper()
		f, ok := fams[name]
		if !ok {
			t.Errorf("no %s in /metrics", name)
			return 0
		}
		sum := 0.0
		for _, m := range f.Metric {
			if matches(m, labels) {
				sum += m.GetCounter().GetValue()
			}
		}
		return sum
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"newsdesk_requests_total", map[string]string{"front": "slack", "command": "search", "outcome": "inline"}, 2},
		{"newsdesk_requests_total", map[string]string{"front": "slack", "command": "help", "outcome": "inline"}, 1},
		{"newsdesk_requests_total", map[string]string{"front": "slack", "outcome": "refused"}, 2},
		{"newsdesk_ingested_articles_total", map[string]string{"source": "api", "outcome": "added"}, 1},
		{"newsdesk_indexed_articles_total", nil, 1},
	} {
		if got := counter(c.name, c.labels); got < c.want {
			t.Errorf("%s%v = %v, want at least %v", c.name, c.labels, got, c.want)
		}
	}
	if got := counter("newsdesk_requests_total", map[string]string{"front": "slack"}); got != float64(len(commands)) {
		t.Errorf("slack requests counted %v, want %d", got, len(commands))
	}
	h, ok := fams["newsdesk_request_duration_seconds"]
	if !ok || h.GetType() != dto.MetricType_HISTOGRAM {
		t.Fatalf("no request latency histogram: %v", h)
	}
	var n uint64
	for _, m := range h.Metric {
		n += m.GetHistogram().GetSampleCount()
	}
	if n != uint64(len(commands)) {
		t.Errorf("latency histogram holds %d observations, want %d", n, len(commands))
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "newsdesk_articles", "newsdesk_ingest_seq"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("no %s in /metrics", name)
		}
	}
}

func matches(m *dto.Metric, want map[string]string) bool {
	have := map[string]string{}
	for _, l := range m.Label {
		have[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}
