package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepair: a damaged state.db is refused by every command (never
// silently recreated), repair moves it aside and says what was lost; a
// damaged index is named, and repair rebuilds it from the article store
// with every article; a damaged article store is refused, moved aside by
// repair and refilled from the index. No panic in any case.
func TestRepair(t *testing.T) {
	t.Setenv("NEWSDESK_CONFIG", "")
	t.Setenv("NEWSDESK_SAMPLE", "")
	data := t.TempDir()
	before, errs, code := newsdesk(t, data, "ask", "search APT31", "--json")
	if code != 0 {
		t.Fatalf("first run: exit %d %s", code, errs)
	}
	if out, errs, code := newsdesk(t, data, "repair"); code != 0 || strings.Count(out, "is sound") != 3 {
		t.Fatalf("repair of a sound directory: exit %d\n%s%s", code, out, errs)
	}

	statePath := filepath.Join(data, "state.db")
	if err := os.WriteFile(statePath, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code = newsdesk(t, data, "digest", "--channel", "slack:C1", "--preview")
	if code == 0 || !strings.Contains(errs, statePath) || !strings.Contains(errs, "newsdesk repair") {
		t.Errorf("digest on an empty state.db: exit %d, stderr %q", code, errs)
	}
	if st, err := os.Stat(statePath); err != nil || st.Size() != 0 {
		t.Fatalf("the empty state.db was recreated or removed: %v %v", st, err)
	}
	out, errs, code := newsdesk(t, data, "repair")
	if code != 0 || !strings.Contains(out, "moved the damaged file to "+statePath+".damaged-") || !strings.Contains(out, "lost") {
		t.Errorf("repair: exit %d\n%s%s", code, out, errs)
	}
	if moved, _ := filepath.Glob(statePath + ".damaged-*"); len(moved) != 1 {
		t.Errorf("damaged state files kept: %v", moved)
	}
	if _, errs, _ := newsdesk(t, data, "digest", "--channel", "slack:C1", "--preview"); !strings.Contains(errs, "no digest subscription") {
		t.Errorf("digest after repair does not read the new state.db: %s", errs)
	}

	seg, _ := filepath.Glob(filepath.Join(data, "index", "store", "*.zap"))
	if len(seg) == 0 {
		t.Fatal("no segment")
	}
	b, _ := os.ReadFile(seg[0])
	for i := len(b) / 2; i < len(b)/2+64; i++ {
		b[i] ^= 0x5a
	}
	if err := os.WriteFile(seg[0], b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := newsdesk(t, data, "ask", "search APT31"); code == 0 || !strings.Contains(errs, seg[0]) {
		t.Errorf("ask on a damaged index: exit %d, stderr %q", code, errs)
	}
	out, errs, code = newsdesk(t, data, "repair")
	if code != 0 || !strings.Contains(out, seg[0]) || !strings.Contains(out, "rebuilt from the article store: 33 articles") {
		t.Fatalf("repair of a damaged index: exit %d\n%s%s", code, out, errs)
	}
	if kept, _ := filepath.Glob(filepath.Join(data, "index.old-*")); len(kept) != 1 {
		t.Errorf("the damaged index is not kept: %v", kept)
	}
	after, errs, code := newsdesk(t, data, "ask", "search APT31", "--json")
	if code != 0 || after != before {
		t.Errorf("after repair: exit %d %s\nbefore %.300s\nafter  %.300s", code, errs, before, after)
	}

	// a damaged article store: refused by name, moved aside by repair, and
	// filled again from the index on the next start
	recPath := filepath.Join(data, "articles.db")
	if err := os.WriteFile(recPath, []byte("not a bbolt file, garbage garbage garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := newsdesk(t, data, "ask", "search APT31"); code == 0 || !strings.Contains(errs, recPath) {
		t.Errorf("ask on a damaged article store: exit %d, stderr %q", code, errs)
	}
	out, errs, code = newsdesk(t, data, "repair")
	if code != 0 || !strings.Contains(out, "moved the damaged file to "+recPath+".damaged-") {
		t.Fatalf("repair of a damaged article store: exit %d\n%s%s", code, out, errs)
	}
	again, errs, code := newsdesk(t, data, "ask", "search APT31", "--json")
	if code != 0 || again != before {
		t.Errorf("after the article store was refilled: exit %d %s", code, errs)
	}
	if out, _, code := newsdesk(t, data, "repair"); code != 0 || !strings.Contains(out, "(33 articles)") {
		t.Errorf("the refilled article store: exit %d\n%s", code, out)
	}
}
