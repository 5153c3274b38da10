package ingest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// benchTexts returns paragraphs of real text: the White House corpus in
// ../shared (skipped when absent).
func benchTexts(b *testing.B) []string {
	f, err := os.Open("../../shared/corpus/whitehouse-cyber-statements.jsonl")
	if err != nil {
		b.Skipf("corpus: %v", err)
	}
	defer f.Close()
	var paras []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r struct {
			Text string `json:"text"`
		}
		if json.Unmarshal(sc.Bytes(), &r) == nil {
			for _, p := range strings.Split(r.Text, "\n\n") {
				if p = strings.TrimSpace(p); len(p) > 200 {
					paras = append(paras, p)
				}
			}
		}
	}
	return paras
}

// writeCorpus writes n articles of about 2 KB (distinct paragraphs of the
// real texts, in a rotating mix) as JSON Lines and as a directory of .txt
// files.
func writeCorpus(b *testing.B, dir string, n int, paras []string) (jsonl, txtDir string) {
	jsonl = filepath.Join(dir, "articles.jsonl")
	txtDir = filepath.Join(dir, "txt")
	os.MkdirAll(txtDir, 0o750)
	f, err := os.Create(jsonl)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := 0; i < n; i++ {
		var body strings.Builder
		for k := 0; body.Len() < 2000; k++ {
			body.WriteString(paras[(i*7+k*13)%len(paras)])
			body.WriteString("\n\n")
		}
		title := fmt.Sprintf("Statement %d on cyber activity", i)
		rec, _ := json.Marshal(map[string]string{"title": title, "text": body.String(), "date": "2024-03-25", "url": fmt.Sprintf("https://example.gov/s/%d", i)})
		w.Write(rec)
		w.WriteByte('\n')
		os.WriteFile(filepath.Join(txtDir, fmt.Sprintf("a%05d.txt", i)), []byte(title+"\n\n"+body.String()), 0o600)
	}
	w.Flush()
	f.Close()
	return jsonl, txtDir
}

// BenchmarkIngest ingests 2,000 articles of about 2 KB with extraction,
// into a fresh article store and on-disk index, from JSON Lines and from a
// directory of text files; it reports articles/s and the peak heap.
//
//	go test -run '^$' -bench Ingest -benchtime 1x ./ingest/
func BenchmarkIngest(b *testing.B) {
	const n = 2000
	paras := benchTexts(b)
	jsonl, txtDir := writeCorpus(b, b.TempDir(), n, paras)
	for _, tt := range []struct{ name, path string }{{"jsonl", jsonl}, {"dir", txtDir}} {
		b.Run(tt.name, func(b *testing.B) {
			var peak atomic.Uint64
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				var ms runtime.MemStats
				t := time.NewTicker(5 * time.Millisecond)
				defer t.Stop()
				for {
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > peak.Load() {
						peak.Store(ms.HeapInuse)
					}
					select {
					case <-stop:
						return
					case <-t.C:
					}
				}
			}()
			var total time.Duration
			for b.Loop() {
				in, ix := newBenchIngester(b, b.TempDir())
				t0 := time.Now()
				res, err := in.Paths(context.Background(), tt.path)
				total += time.Since(t0)
				if err != nil || len(res.Added) != n {
					b.Fatalf("ingest: %v, %s", err, res)
				}
				ix.Close()
			}
			close(stop)
			<-done
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "articles/s")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		})
	}
}
