package procstat

import (
	"syscall"
	"testing"
)

// TestResidentGrows: touching 64 MiB of fresh anonymous pages (mapped
// here, so not pages the Go heap already holds) raises the resident set
// by most of it.
func TestResidentGrows(t *testing.T) {
	before := Resident()
	if before == 0 {
		t.Fatal("no resident set read")
	}
	const size = 64 << 20
	buf, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	defer syscall.Munmap(buf)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
	if after := Resident(); after < before+48<<20 {
		t.Errorf("resident set %d then %d bytes after touching 64 MiB", before, after)
	}
}
