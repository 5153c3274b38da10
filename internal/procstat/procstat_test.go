package procstat

import (
	"runtime"
	"testing"
)

// TestCPUMoves: CPU time grows while the process computes.
func TestCPUMoves(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("CPU time is not read on", runtime.GOOS)
	}
	before := CPU()
	x := 0
	for i := range 50_000_000 {
		x ^= i * 31
	}
	if after := CPU(); after <= before {
		t.Errorf("CPU time did not move: %s then %s (x=%d)", before, after, x)
	}
}

// TestResidentGrows: touching 64 MiB more memory raises the resident set
// by most of it.
func TestResidentGrows(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the resident set is read on Linux only")
	}
	before := Resident()
	if before == 0 {
		t.Fatal("no resident set read")
	}
	buf := make([]byte, 64<<20)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
	after := Resident()
	runtime.KeepAlive(buf)
	if after < before+48<<20 {
		t.Errorf("resident set %d then %d bytes after touching 64 MiB", before, after)
	}
}
