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

	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/state"
)

// cmdRepair checks the data directory's files with serve stopped: a damaged
// state.db is moved aside (never deleted) and what it held is reported; a
// damaged index is named, with the way back. It exits 0 when everything can
// now be opened, 1 when something still needs the operator.
func cmdRepair(_ context.Context, g globals, now time.Time, stdout, stderr io.Writer) int {
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
	case errors.Is(err, index.ErrDamaged):
		fmt.Fprintln(stdout, "index:", err)
		fmt.Fprintf(stdout, "index: the way back: stop newsdesk, move the index aside (mv %[1]s %[1]s.damaged: keep it, it may be readable by a later newsdesk), start newsdesk again (it makes a new index, with the sample corpus when sample: is on), and ingest your sources again (newsdesk ingest PATH…; the ingestion API's clients resend). Articles that were only in the damaged index are not in the new one: newsdesk keeps no other copy yet.\n", ixPath)
		code = exitError
	case errors.Is(err, index.ErrMappingVersion):
		fmt.Fprintln(stdout, "index:", err)
		fmt.Fprintln(stdout, "index: the way back: newsdesk reindex (rebuilds it from its stored articles; the old index is kept)")
		code = exitError
	default:
		fmt.Fprintln(stderr, "newsdesk: repair:", err)
		code = exitError
	}
	return code
}
