package procstat

import (
	"os"
	"strconv"
	"strings"
)

// Resident is the process's resident set now, in bytes (0 when unknown):
// /proc/self/statm's second field, in pages.
func Resident() uint64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(raw))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}
