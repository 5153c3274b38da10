// Package metrics is newsdesk's Prometheus registry: the Go runtime and
// process collectors and every counter an operator alerts on. The packages
// that do the work declare the small interfaces they report through
// (slack.Metrics, discord.Metrics, digest.Metrics, ingest.Metrics,
// bot.Metrics); *Metrics satisfies them all, and a nil one of those
// interfaces means "not measured". It must not import the packages it
// measures.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds newsdesk's collectors in a registry of its own (never the
// global default, so that tests each get a fresh one).
type Metrics struct {
	reg *prometheus.Registry

	requests       *prometheus.CounterVec
	latency        *prometheus.HistogramVec
	postFailures   *prometheus.CounterVec
	digests        *prometheus.CounterVec
	ingested       *prometheus.CounterVec
	indexedArts    prometheus.Counter
	indexedStmts   prometheus.Counter
	feedPolls      *prometheus.CounterVec
	searchTimeouts prometheus.Counter
}

// New registers every collector in a new registry.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := promauto(reg)
	m := &Metrics{
		reg: reg,
		requests: f.counterVec(prometheus.CounterOpts{Name: "newsdesk_requests_total",
			Help: "Chat commands by front (slack, discord), command and outcome (inline, deferred, refused, error, timeout)."},
			"front", "command", "outcome"),
		latency: f.histogramVec(prometheus.HistogramOpts{Name: "newsdesk_request_duration_seconds",
			Help:    "Time from receiving a chat command to its answer, by front and command.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}},
			"front", "command"),
		postFailures: f.counterVec(prometheus.CounterOpts{Name: "newsdesk_post_failures_total",
			Help: "Posts to a platform that failed after retries, by platform and kind (response_url, message, interaction)."},
			"platform", "kind"),
		digests: f.counterVec(prometheus.CounterOpts{Name: "newsdesk_digests_total",
			Help: "Digest slots by platform and outcome (posted, skipped, failed, given_up)."},
			"platform", "outcome"),
		ingested: f.counterVec(prometheus.CounterOpts{Name: "newsdesk_ingested_articles_total",
			Help: "Articles offered for ingestion by source (api, feed, file) and outcome (added, updated, unchanged, refused, failed)."},
			"source", "outcome"),
		indexedArts: f.counter(prometheus.CounterOpts{Name: "newsdesk_indexed_articles_total",
			Help: "Articles written to the article store and the index."}),
		indexedStmts: f.counter(prometheus.CounterOpts{Name: "newsdesk_indexed_statements_total",
			Help: "Statements in the articles written to the article store and the index."}),
		feedPolls: f.counterVec(prometheus.CounterOpts{Name: "newsdesk_feed_polls_total",
			Help: "Feed polls by outcome (ok, not_modified, error)."}, "outcome"),
		searchTimeouts: f.counter(prometheus.CounterOpts{Name: "newsdesk_search_timeouts_total",
			Help: "Commands stopped by the search timeout (search.timeout)."}),
	}
	return m
}

// Gauge registers a gauge read at each scrape (articles in the index, the
// ingestion sequence). value's error leaves the last scrape's meaning to
// the absence of the sample: it reports NaN.
func (m *Metrics) Gauge(name, help string, value func(context.Context) (float64, error)) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		v, err := value(ctx)
		if err != nil {
			return nanValue()
		}
		return v
	}))
}

// Corpus is what the corpus gauges read: *index.Index satisfies it.
type Corpus interface {
	Count(ctx context.Context) (uint64, error)
	MaxSeq(ctx context.Context) (uint64, error)
}

// Corpus registers the gauges of what c holds, read at each scrape:
// newsdesk_articles and newsdesk_ingest_seq.
func (m *Metrics) Corpus(c Corpus) {
	m.Gauge("newsdesk_articles", "Articles in the index.", func(ctx context.Context) (float64, error) {
		n, err := c.Count(ctx)
		return float64(n), err
	})
	m.Gauge("newsdesk_ingest_seq", "Highest ingestion sequence number in the index.", func(ctx context.Context) (float64, error) {
		n, err := c.MaxSeq(ctx)
		return float64(n), err
	})
}

// Handler serves the registry in the Prometheus text format (GET /metrics).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request counts one chat command and observes its latency.
func (m *Metrics) Request(front, command, outcome string, took time.Duration) {
	m.requests.WithLabelValues(front, command, outcome).Inc()
	m.latency.WithLabelValues(front, command).Observe(took.Seconds())
}

// PostFailed counts a post that failed for good.
func (m *Metrics) PostFailed(platform, kind string) {
	m.postFailures.WithLabelValues(platform, kind).Inc()
}

// Digest counts a digest slot's outcome.
func (m *Metrics) Digest(platform, outcome string) {
	m.digests.WithLabelValues(platform, outcome).Inc()
}

// Ingested counts n articles from source with an outcome.
func (m *Metrics) Ingested(source, outcome string, n int) {
	if n > 0 {
		m.ingested.WithLabelValues(source, outcome).Add(float64(n))
	}
}

// Indexed counts articles and their statements made durable and indexed.
func (m *Metrics) Indexed(articles, statements int) {
	m.indexedArts.Add(float64(articles))
	m.indexedStmts.Add(float64(statements))
}

// FeedPolled counts one feed poll ("ok", "not_modified", "error").
func (m *Metrics) FeedPolled(outcome string) { m.feedPolls.WithLabelValues(outcome).Inc() }

// SearchTimedOut counts a command stopped by the search timeout.
func (m *Metrics) SearchTimedOut() { m.searchTimeouts.Inc() }
