package index

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// garbleFile overwrites n bytes at off (from the end when off < 0) with
// seeded random bytes.
func garbleFile(t *testing.T, path string, off, n int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 {
		off += int64(len(b))
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := off; i < off+n && i < int64(len(b)); i++ {
		b[i] = byte(r.UintN(256))
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func segmentOf(t *testing.T, dir string) string {
	t.Helper()
	segs, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment in the test index")
	}
	return segs[0]
}

func TestDamagedIndexNamesTheFile(t *testing.T) {
	half := func(t *testing.T, p string) {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		os.Truncate(p, st.Size()/2)
	}
	cases := []struct {
		name   string
		file   func(t *testing.T, dir string) string
		damage func(t *testing.T, path string)
	}{
		{"index_meta.json empty", metaFile, func(t *testing.T, p string) { os.Truncate(p, 0) }},
		{"index_meta.json garbled", metaFile, func(t *testing.T, p string) { garbleFile(t, p, 0, 20) }},
		{"root.bolt empty", rootFile, func(t *testing.T, p string) { os.Truncate(p, 0) }},
		{"root.bolt truncated", rootFile, half},
		{"root.bolt header garbled", rootFile, func(t *testing.T, p string) { garbleFile(t, p, 0, 2*int64(os.Getpagesize())) }},
		{"segment truncated", segmentOf, half},
		{"segment footer garbled", segmentOf, func(t *testing.T, p string) { garbleFile(t, p, -40, 40) }},
		{"random bytes inside a segment", segmentOf, func(t *testing.T, p string) { garbleFile(t, p, 4000, 64) }},
		{"segment empty", segmentOf, func(t *testing.T, p string) { os.Truncate(p, 0) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ix, dir := openDisk(t)
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			file := tc.file(t, dir)
			tc.damage(t, file)
			ix2, err := Open(dir)
			if err == nil {
				ix2.Close()
				t.Fatal("a damaged index was opened")
			}
			var d *DamagedError
			if !errors.Is(err, ErrDamaged) || !errors.As(err, &d) {
				t.Fatalf("error %v is not a DamagedError", err)
			}
			if d.File != file || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "newsdesk repair") {
				t.Errorf("error names %q, want %q and the fix: %v", d.File, file, err)
			}
			t.Log(err)
			if cerr := Check(dir); !errors.As(cerr, &d) || d.File != file {
				t.Errorf("Check: %v, want the damaged file %s", cerr, file)
			}
		})
	}
}

func TestCheckAcceptsAHealthyIndex(t *testing.T) {
	ix, dir := openDisk(t)
	ix.Close()
	if err := Check(dir); err != nil {
		t.Fatal(err)
	}
	if err := Check(filepath.Join(t.TempDir(), "none")); err != nil {
		t.Errorf("no index: %v", err)
	}
}

func metaFile(_ *testing.T, dir string) string { return filepath.Join(dir, "index_meta.json") }
func rootFile(_ *testing.T, dir string) string { return filepath.Join(dir, "store", "root.bolt") }
