//go:build unix

// Package cputime reads the CPU time the process has used, for benchmarks
// that report CPU per operation beside wall time (steadier on a shared
// machine).
package cputime

import (
	"syscall"
	"time"
)

// Process is the user and system CPU time the process has used so far (0
// when the system cannot say).
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
