//go:build !unix

// Package procstat reads what the process has used so far, its CPU time
// and its resident set, for benchmarks that report them beside wall time
// (CPU time is steadier than wall time on a shared machine).
package procstat

import "time"

// CPU is 0 where the process's CPU time is not read.
func CPU() time.Duration { return 0 }
