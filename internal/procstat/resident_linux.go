package procstat

import (
	"os"
	"strconv"
	"strings"
)

// Resident is the process's resident set now, in bytes (0 when unknown):
// /proc/self/statm's second field, in pages.
func Resident() uint64 {
	resident, _ := statm()
	return resident
}

// ResidentFile is the part of the resident set that maps files (shared
// pages: the program's text, memory-mapped files such as an index's
// segments), in bytes (0 when unknown): /proc/self/statm's third field.
// The kernel can drop these pages and read them again; the rest of the
// resident set is the process's own memory.
func ResidentFile() uint64 {
	_, shared := statm()
	return shared
}

func statm() (resident, shared uint64) {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, 0
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return 0, 0
	}
	page := uint64(os.Getpagesize())
	r, err1 := strconv.ParseUint(f[1], 10, 64)
	s, err2 := strconv.ParseUint(f[2], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0
	}
	return r * page, s * page
}
