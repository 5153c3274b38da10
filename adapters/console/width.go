package console

import (
	"io"
	"os"
	"strconv"
	"strings"
)

// Width is the number of columns of the terminal w writes to: $COLUMNS
// when set, else the terminal's size when w is one, else DefaultWidth.
func Width(w io.Writer) int {
	if n, err := strconv.Atoi(strings.TrimSpace(os.Getenv("COLUMNS"))); err == nil && n >= 20 {
		return n
	}
	if f, ok := w.(*os.File); ok {
		if n := termWidth(f); n >= 20 {
			return n
		}
	}
	return DefaultWidth
}
