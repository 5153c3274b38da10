//go:build !linux

package procstat

// Resident is 0 where the resident set is not read.
func Resident() uint64 { return 0 }

// ResidentFile is 0 where the resident set is not read.
func ResidentFile() uint64 { return 0 }
