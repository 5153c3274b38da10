package procstat

import (
	"os"
	"syscall"
	"testing"
)

// touchAnon maps size bytes of fresh anonymous pages (not pages the Go
// heap already holds) and touches each, until the test ends.
func touchAnon(t *testing.T, size int) {
	t.Helper()
	buf, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(buf) })
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
}

// TestResidentGrows: touching 64 MiB of fresh anonymous pages (mapped
// here, so not pages the Go heap already holds) raises the resident set
// by most of it.
func TestResidentGrows(t *testing.T) {
	before := Resident()
	if before == 0 {
		t.Fatal("no resident set read")
	}
	touchAnon(t, 64<<20)
	if after := Resident(); after < before+48<<20 {
		t.Errorf("resident set %d then %d bytes after touching 64 MiB", before, after)
	}
}

// TestResidentFileGrows: reading 16 MiB of a file through a shared
// mapping raises the file-backed part of the resident set by most of it,
// and touching anonymous pages does not.
func TestResidentFileGrows(t *testing.T) {
	const size = 16 << 20
	path := t.TempDir() + "/mapped"
	if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before := ResidentFile()
	if before == 0 {
		t.Fatal("no file-backed resident set read (the program's text is one)")
	}
	touchAnon(t, size)
	if after := ResidentFile(); after > before+4<<20 {
		t.Errorf("file-backed resident set %d then %d bytes after touching anonymous pages", before, after)
	}
	buf, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	defer syscall.Munmap(buf)
	sum := 0
	for i := 0; i < len(buf); i += 4096 {
		sum += int(buf[i])
	}
	if after := ResidentFile(); after < before+12<<20 {
		t.Errorf("file-backed resident set %d then %d bytes after reading a 16 MiB mapping (sum %d)", before, after, sum)
	}
}
