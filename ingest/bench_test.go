package ingest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/internal/procstat"
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

// writeCorpus writes n articles of about size bytes (distinct paragraphs
// of the real texts, in a rotating mix) as JSON Lines and, when txt is
// set, as a directory of .txt files.
func writeCorpus(b *testing.B, dir string, n, size int, paras []string, txt bool) (jsonl, txtDir string) {
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
		for k := 0; body.Len() < size; k++ {
			body.WriteString(paras[(i*7+k*13)%len(paras)])
			body.WriteString("\n\n")
		}
		title := fmt.Sprintf("Statement %d on cyber activity", i)
		rec, _ := json.Marshal(map[string]string{"title": title, "text": body.String(), "date": "2024-03-25", "url": fmt.Sprintf("https://example.gov/s/%d", i)})
		w.Write(rec)
		w.WriteByte('\n')
		if txt {
			os.WriteFile(filepath.Join(txtDir, fmt.Sprintf("a%05d.txt", i)), []byte(title+"\n\n"+body.String()), 0o600)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return jsonl, txtDir
}

// BenchmarkIngest ingests articles with extraction, into a fresh article
// store and on-disk index: 2,000 of about 2 KB from JSON Lines and from a
// directory of text files, and two JSON Lines files of 50 MB, of 25,000
// articles of 2 KB and of 6,250 of 8 KB (batches are bounded by bytes as
// well as articles: larger articles must not take more memory). It
// reports articles/s, CPU per article (steadier than wall time on a
// shared machine), and the peak heap and resident set sampled
// while ingesting (the resident set on Linux only): the whole set, and
// its anonymous part alone (the process's own memory, without the pages
// of mapped files such as the index's segments, which the kernel can drop
// and read again).
//
//	go test -run '^$' -bench Ingest -benchtime 1x ./ingest/
func BenchmarkIngest(b *testing.B) {
	paras := benchTexts(b)
	jsonl, txtDir := writeCorpus(b, b.TempDir(), 2000, 2000, paras, true)
	for _, tt := range []struct {
		name, path string
		n, size    int
	}{{"jsonl", jsonl, 2000, 2000}, {"dir", txtDir, 2000, 2000}, {"jsonl-50MB", "", 25000, 2000}, {"jsonl-50MB-8KB", "", 6250, 8000}} {
		b.Run(tt.name, func(b *testing.B) {
			path := tt.path
			if path == "" {
				path, _ = writeCorpus(b, b.TempDir(), tt.n, tt.size, paras, false)
				if fi, err := os.Stat(path); err != nil || fi.Size() < 48<<20 {
					b.Fatalf("the large input is not about 50 MB: %v %v", fi.Size(), err)
				}
			}
			runtime.GC()
			var peakHeap, peakRSS, peakAnon atomic.Uint64
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				// runtime/metrics, unlike ReadMemStats, reads without
				// stopping the world: sampling must not slow the ingest
				heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
				t := time.NewTicker(5 * time.Millisecond)
				defer t.Stop()
				for {
					metrics.Read(heap)
					if inuse := heap[0].Value.Uint64() + heap[1].Value.Uint64(); inuse > peakHeap.Load() {
						peakHeap.Store(inuse)
					}
					r, file := procstat.Resident(), procstat.ResidentFile()
					if r > peakRSS.Load() {
						peakRSS.Store(r)
					}
					if r > file && r-file > peakAnon.Load() {
						peakAnon.Store(r - file)
					}
					select {
					case <-stop:
						return
					case <-t.C:
					}
				}
			}()
			var total, cpu time.Duration
			for b.Loop() {
				in, ix := newBenchIngester(b, b.TempDir())
				t0, c0 := time.Now(), procstat.CPU()
				res, err := in.Paths(context.Background(), path)
				total += time.Since(t0)
				cpu += procstat.CPU() - c0
				if err != nil || len(res.Added) != tt.n {
					b.Fatalf("ingest: %v, %s", err, res)
				}
				ix.Close()
			}
			close(stop)
			<-done
			b.ReportMetric(float64(tt.n*b.N)/total.Seconds(), "articles/s")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(tt.n*b.N), "cpu-ms/article")
			b.ReportMetric(float64(peakHeap.Load())/(1<<20), "peak-heap-MB")
			if r := peakRSS.Load(); r > 0 {
				b.ReportMetric(float64(r)/(1<<20), "peak-RSS-MB")
				b.ReportMetric(float64(peakAnon.Load())/(1<<20), "peak-anon-RSS-MB")
			}
		})
	}
}
