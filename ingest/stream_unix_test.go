//go:build unix

package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/ingest"
)

// TestJSONLIsNotHeldWhole: a JSON Lines file is stored batch by batch as
// it is read. The file is a named pipe whose writer holds back its last
// records until the first batch is stored: an ingester that read the
// whole file first would wait for them forever.
func TestJSONLIsNotHeldWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stream.jsonl")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	in, _ := newIngesterWith(t, extract.New(actors.Default()))
	first := make(chan struct{})
	waited := make(chan bool, 1)
	go func() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			waited <- false
			return
		}
		defer f.Close()
		line := func(i int) {
			fmt.Fprintf(f, `{"title":"Note %d","text":"The NCSC said APT31 targeted parliament.","url":"https://example.gov/n/%d"}`+"\n", i, i)
		}
		for i := range ingest.BatchSize {
			line(i)
		}
		select {
		case <-first:
			waited <- true
		case <-time.After(20 * time.Second): // not a pause: the failure's bound
			waited <- false
		}
		for i := ingest.BatchSize; i < ingest.BatchSize+10; i++ {
			line(i)
		}
	}()
	once := false
	res, err := in.PathsProgress(context.Background(), func(p ingest.Progress) {
		if p.Articles > 0 && !once {
			once = true
			close(first)
		}
	}, path)
	if err != nil {
		t.Fatal(err)
	}
	if !<-waited {
		t.Error("the first batch was not stored before the file's end was read")
	}
	if len(res.Added) != ingest.BatchSize+10 {
		t.Errorf("added %d, want %d", len(res.Added), ingest.BatchSize+10)
	}
}
