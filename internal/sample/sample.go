// Package sample embeds newsdesk's bundled sample corpus (the seed article
// and 32 White House statements on cyber attribution, see SOURCES.md)
// so that a fresh install answers questions with no setup and no network.
//
// It imports the standard library only.
package sample

import (
	"embed"
	"io/fs"
)

//go:embed data/*.txt data/*.jsonl
var files embed.FS

// FS returns the sample articles: *.txt articles and *.jsonl records.
func FS() fs.FS {
	sub, err := fs.Sub(files, "data")
	if err != nil {
		panic(err) // "data" is embedded above; this cannot fail
	}
	return sub
}
