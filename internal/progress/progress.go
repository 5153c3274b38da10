// Package progress owns the progress line that ingest and reindex show on
// a terminal: a bar with the amount done, the rate and the time left,
// drawn with github.com/schollz/progressbar. Off a terminal (scripts, CI,
// logs) it draws nothing.
package progress

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Bar is one progress line. The zero value and a nil *Bar draw nothing.
type Bar struct {
	bar *progressbar.ProgressBar
}

// New returns a bar on w when on is true (w is a terminal), else a bar that
// draws nothing. total is the amount of work (bytes when bytes is true,
// else items); what names it ("ingest", "reindex").
func New(w io.Writer, on bool, total int64, what string, bytes bool) *Bar {
	if !on || total <= 0 {
		return &Bar{}
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionUseANSICodes(true),
	}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true))
	} else {
		opts = append(opts, progressbar.OptionSetItsString("articles"))
	}
	return &Bar{bar: progressbar.NewOptions64(total, opts...)}
}

// Set moves the bar to done and names what is done in words ("3/10 files,
// 1204 articles").
func (b *Bar) Set(done int64, detail string) {
	if b == nil || b.bar == nil {
		return
	}
	if detail != "" {
		b.bar.Describe(detail)
	}
	_ = b.bar.Set64(done)
}

// Done clears the line.
func (b *Bar) Done() {
	if b == nil || b.bar == nil {
		return
	}
	_ = b.bar.Finish()
}

// Files is the detail line of an ingest: "ingest 3/10 files, 1204 articles".
func Files(files, total, articles int) string {
	return fmt.Sprintf("ingest %d/%d files, %d articles", files, total, articles)
}
