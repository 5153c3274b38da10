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
