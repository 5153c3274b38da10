package procstat

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Resident is the process's resident set now, in bytes (0 when unknown):
// /proc/self/statm's second field, in pages.
func Resident() uint64 {
	resident, _, _ := statm("/proc/self/statm")
	return resident
}

// ResidentFile is the part of the resident set that maps files (shared
// pages: the program's text, memory-mapped files such as an index's
// segments), in bytes (0 when unknown): /proc/self/statm's third field.
// The kernel can drop these pages and read them again; the rest of the
// resident set is the process's own memory.
func ResidentFile() uint64 {
	_, shared, _ := statm("/proc/self/statm")
	return shared
}

// statm reads the resident and shared sets, in bytes, from a statm file.
func statm(path string) (resident, shared uint64, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return 0, 0, fmt.Errorf("%s: %q", path, raw)
	}
	page := uint64(os.Getpagesize())
	r, err1 := strconv.ParseUint(f[1], 10, 64)
	sh, err2 := strconv.ParseUint(f[2], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	return r * page, sh * page, nil
}
