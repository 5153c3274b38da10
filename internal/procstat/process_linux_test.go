package procstat

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestSpinHelper is the busy child of TestProcessCPU: it computes for
// 0.5 s of its own CPU time, then waits to be killed.
func TestSpinHelper(t *testing.T) {
	if os.Getenv("PROCSTAT_SPIN") != "1" {
		t.Skip("the child of TestProcessCPU")
	}
	x := 0
	for start := CPU(); CPU()-start < 500*time.Millisecond; {
		for i := range 1_000_000 {
			x ^= i * 31
		}
	}
	os.Stdout.WriteString("spun\n")
	time.Sleep(time.Minute) // killed before
	t.Log(x)
}

// TestProcessCPU: a child that computes for 0.5 s of CPU is read as
// having used about that much, and as resident; our own pid reads as
// getrusage does.
func TestProcessCPU(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestSpinHelper$")
	cmd.Env = append(os.Environ(), "PROCSTAT_SPIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	buf := make([]byte, 5)
	if _, err := out.Read(buf); err != nil || string(buf) != "spun\n" {
		t.Fatalf("the child said %q (%v)", buf, err)
	}
	used, err := ProcessCPU(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if used < 450*time.Millisecond || used > 2*time.Second {
		t.Errorf("the child spun 0.5 s of CPU; /proc says %v", used)
	}
	if rss, err := ProcessResident(cmd.Process.Pid); err != nil || rss == 0 {
		t.Errorf("the child's resident set: %d, %v", rss, err)
	}
	self, err := ProcessCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if own := CPU(); self > own+20*time.Millisecond || self < own-100*time.Millisecond {
		t.Errorf("our own CPU time by /proc %v, by getrusage %v", self, own)
	}
}
