package progress

import (
	"bytes"
	"strings"
	"testing"
)

func TestOffATerminalDrawsNothing(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, false, 1000, "ingest", true)
	b.Set(500, Files(1, 2, 10))
	b.Done()
	if buf.Len() != 0 {
		t.Errorf("drew %q off a terminal", buf.String())
	}
	var nilBar *Bar
	nilBar.Set(1, "x")
	nilBar.Done()
}

func TestOnATerminalDrawsTheDetail(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, true, 1000, "ingest", true)
	b.Set(500, Files(1, 2, 10))
	out := buf.String()
	if !strings.Contains(out, "ingest 1/2 files, 10 articles") || !strings.Contains(out, "1.0 kB") {
		t.Errorf("drew %q, want the detail and the total", out)
	}
	b.Done()
}
