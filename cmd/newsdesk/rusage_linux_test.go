//go:build linux

package main

import (
	"os"
	"strconv"
	"strings"
)

// residentBytes is the process's resident set now, in bytes (0 when
// unknown): /proc/self/statm's second field, in pages.
func residentBytes() int64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(raw))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}
