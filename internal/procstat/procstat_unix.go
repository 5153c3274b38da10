//go:build unix

// Package procstat reads what the process has used so far, its CPU time
// and its resident set, for benchmarks that report them beside wall time
// (CPU time is steadier than wall time on a shared machine).
package procstat

import (
	"syscall"
	"time"
)

// CPU is the user and system CPU time the process has used so far (0 when
// the system cannot say).
func CPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
