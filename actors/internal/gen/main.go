// Command gen writes the actors gazetteer data file and NOTICE from the
// public corpus. Run it through go generate in package actors.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/newsdesk/newsdesk/actors/internal/build"
)

func main() {
	corpus := flag.String("corpus", "../../shared/corpus", "directory holding the MITRE and MISP JSON Lines files")
	out := flag.String("out", "data/actors.json", "data file to write")
	notice := flag.String("notice", "NOTICE", "notice file to write")
	flag.Parse()
	data, nt, err := build.Build(*corpus)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v (is -corpus pointing at the shared corpus directory?)\n", err)
		os.Exit(1)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for path, b := range map[string][]byte{*out: data, *notice: nt} {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "gen: write %s: %v\n", path, err)
			os.Exit(1)
		}
	}
}
