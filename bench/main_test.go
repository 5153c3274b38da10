package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/internal/corpusgen"
)

// TestSmoke runs the whole pipeline on a tiny corpus: both engines are
// built, every kind is timed on both with hits, the exact filtered
// queries give both the same answer, and the table names every kind.
func TestSmoke(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Statements: 1500, Seed: 5, Reps: 2, Window: 300, Keep: dir}
	rep, err := Run(context.Background(), cfg)
	if errors.Is(err, corpusgen.ErrNoCorpus) {
		t.Skipf("public corpus absent: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if rep.Build.ND <= 0 || rep.Build.FTS <= 0 || rep.Build.NDBytes == 0 || rep.Build.FTSBytes == 0 {
		t.Errorf("build not measured: %+v", rep.Build)
	}
	want := []string{"match", "filtered", "phrase", "alias", "actor", "fuzzy", "latest", "page 5", "counts", "show", "digest"}
	rows := map[string]Row{}
	for _, r := range rep.Rows {
		rows[r.Kind] = r
	}
	for _, k := range want {
		t.Run(k, func(t *testing.T) {
			r, ok := rows[k]
			if !ok {
				t.Fatalf("no row for %s", k)
			}
			if r.Queries == 0 || r.ND.N == 0 || r.FTS.N == 0 || r.ND.Median <= 0 || r.FTS.Median <= 0 {
				t.Errorf("%s: not timed on both engines: %+v", k, r)
			}
			if r.ND.Hits == 0 || r.FTS.Hits == 0 {
				t.Errorf("%s: no hits (newsdesk %d, FTS5 %d): the row measures nothing", k, r.ND.Hits, r.FTS.Hits)
			}
		})
	}
	if len(rep.Checks) == 0 {
		t.Fatal("no agreement checks ran")
	}
	for _, c := range rep.Checks {
		if c.NDTotal == 0 {
			t.Errorf("check %q matches nothing: it proves nothing", c.Line)
		}
		if !c.Agree() {
			t.Errorf("check %q: newsdesk total %d ids %v; FTS5 total %d ids %v", c.Line, c.NDTotal, c.NDIDs, c.FTSTotal, c.FTSIDs)
		}
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, k := range append(want, "index") {
		if !strings.Contains(out.String(), "| "+k+" ") {
			t.Errorf("the table has no %q row:\n%s", k, out.String())
		}
	}

	// A second run with the same -keep directory reuses both indexes.
	if _, err := os.Stat(filepath.Join(dir, "build.json")); err != nil {
		t.Fatalf("the kept directory records no build: %v", err)
	}
	cfg.Reps = 1
	again, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Build.Reused || again.Build.ND != rep.Build.ND {
		t.Errorf("second run with -keep rebuilt the indexes: %+v", again.Build)
	}
}

func TestFlags(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"unknown flag", []string{"-nope"}, 2},
		{"corpus too small", []string{"-n", "10"}, 2},
		{"corpus absent", []string{"-n", "100", "-corpus", t.TempDir(), "-q"}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := run(c.args); got != c.want {
				t.Errorf("run(%q) = %d, want %d", c.args, got, c.want)
			}
		})
	}
}
