//go:build unix

package console

import (
	"os"

	"golang.org/x/sys/unix"
)

// termWidth asks the terminal behind f for its width; 0 when f is no
// terminal.
func termWidth(f *os.File) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
