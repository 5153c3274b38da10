//go:build !linux

package procstat

import (
	"errors"
	"time"
)

var errNoProc = errors.New("another process's CPU time and resident set are read on Linux only")

// ProcessCPU is read on Linux only.
func ProcessCPU(pid int) (time.Duration, error) { return 0, errNoProc }

// ProcessResident is read on Linux only.
func ProcessResident(pid int) (uint64, error) { return 0, errNoProc }
