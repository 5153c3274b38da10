//go:build !unix

// Package cputime reads the CPU time the process has used, for benchmarks
// that report CPU per operation beside wall time (steadier on a shared
// machine).
package cputime

import "time"

// Process is 0 where the process's CPU time is not read.
func Process() time.Duration { return 0 }
