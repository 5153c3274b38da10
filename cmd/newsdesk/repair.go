package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/articles"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/state"
)

// cmdRepair checks the data directory's files with serve stopped: a damaged
// state.db is moved aside (never deleted) and what it held is reported; a
// damaged article store is moved aside (the next start copies the index's
// articles into a new one); a damaged index, or one of an older mapping, is
// rebuilt from the article store, the old one kept. It exits 0 when everything can
// now be opened, 1 when something still needs the operator.
func cmdRepair(ctx context.Context, g globals, now time.Time, stdout, stderr io.Writer) int {
	cfg, err := loadConfig(g)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitUsage
	}
	code := exitOK
	statePath := filepath.Join(cfg.Data, "state.db")
	switch st, err := state.Open(statePath); {
	case err == nil:
		st.Close()
		fmt.Fprintln(stdout, "state:", statePath, "is sound")
	case errors.Is(err, state.ErrDamaged):
		fmt.Fprintln(stdout, "state:", err)
		moved, lost, qerr := state.Quarantine(statePath, now)
		if qerr != nil {
			fmt.Fprintln(stderr, "newsdesk: repair:", qerr)
			code = exitError
			break
		}
		fmt.Fprintf(stdout, "state: moved the damaged file to %s (kept, not deleted); %s. newsdesk starts a new %s.\n", moved, lost, filepath.Base(statePath))
	default:
		fmt.Fprintln(stderr, "newsdesk: repair:", err, "(stop newsdesk serve before repairing)")
		code = exitError
	}

	recPath := filepath.Join(cfg.Data, articles.FileName)
	rs, err := articles.Open(recPath, 0)
	switch {
	case err == nil:
		defer rs.Close()
		n, _ := rs.Len(ctx)
		fmt.Fprintf(stdout, "articles: %s is sound (%d articles)\n", recPath, n)
	case errors.Is(err, articles.ErrDamaged):
		fmt.Fprintln(stdout, "articles:", err)
		moved := fmt.Sprintf("%s.damaged-%s", recPath, now.UTC().Format("20060102T150405Z"))
		if rerr := os.Rename(recPath, moved); rerr != nil {
			fmt.Fprintln(stderr, "newsdesk: repair:", rerr)
			return exitError
		}
		fmt.Fprintf(stdout, "articles: moved the damaged file to %s (kept, not deleted); the next start copies the articles the index holds into a new %s\n", moved, articles.FileName)
		return code
	default:
		fmt.Fprintln(stderr, "newsdesk: repair:", err, "(stop newsdesk serve before repairing)")
		return exitError
	}

	ixPath := filepath.Join(cfg.Data, "index")
	if _, err := os.Stat(ixPath); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(stdout, "index: none yet at", ixPath, "(newsdesk makes one at start)")
		return code
	}
	ix, err := index.Open(ixPath)
	switch {
	case err == nil:
		ix.Close()
		fmt.Fprintln(stdout, "index:", ixPath, "is sound")
		return code
	case errors.Is(err, index.ErrDamaged), errors.Is(err, index.ErrMappingVersion):
		fmt.Fprintln(stdout, "index:", err)
	default:
		fmt.Fprintln(stderr, "newsdesk: repair:", err)
		return exitError
	}
	if n, _ := rs.Len(ctx); n == 0 {
		fmt.Fprintf(stdout, "index: the article store is empty, so there is nothing to rebuild from: move the index aside (mv %[1]s %[1]s.damaged), start newsdesk and ingest your sources again\n", ixPath)
		return exitError
	}
	info, _, err := ingest.Reindex(ctx, rs, ixPath, nil, nil, index.WithActors(actors.Default().All()))
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk: repair: rebuild the index from the article store:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "index: rebuilt from the article store: %d articles, %d statements; the damaged index is kept at %s (delete it once newsdesk works)\n", info.Articles, info.Statements, info.OldPath)
	return code
}
