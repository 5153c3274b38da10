package articles

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/newsdesk/newsdesk/news"
)

func open(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPutArticleEachAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	s := open(t, path)
	arts := []news.Article{
		{ID: "a", Title: "A", Seq: 1, Statements: []news.Statement{{Kind: news.Allegation, Sentence: "x", Seq: 1}}},
		{ID: "b", Title: "B", Seq: 2},
		{ID: "c", Title: "C", Seq: 3},
	}
	if err := s.Put(ctx, arts); err != nil {
		t.Fatal(err)
	}
	// an update of a with a new seq: listed once, at its new place
	if err := s.Put(ctx, []news.Article{{ID: "a", Title: "A2", Seq: 4}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	defer s.Close()
	if a, err := s.Article(ctx, "a"); err != nil || a.Title != "A2" {
		t.Errorf("Article(a) = %+v, %v; want the update", a, err)
	}
	if _, err := s.Article(ctx, "zz"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("Article(zz) err = %v, want ErrNotFound", err)
	}
	if seq, _ := s.MaxSeq(ctx); seq != 4 {
		t.Errorf("MaxSeq = %d, want 4", seq)
	}
	if n, _ := s.Len(ctx); n != 3 {
		t.Errorf("Len = %d, want 3", n)
	}
	var got []string
	if err := s.Each(ctx, 0, func(a news.Article) error { got = append(got, a.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"b", "c", "a"}; !equal(got, want) {
		t.Errorf("Each = %v, want %v (seq order, each id once)", got, want)
	}
	got = nil
	s.Each(ctx, 2, func(a news.Article) error { got = append(got, a.ID); return nil })
	if want := []string{"c", "a"}; !equal(got, want) {
		t.Errorf("Each after 2 = %v, want %v", got, want)
	}
}

func TestEachManyBatches(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), FileName))
	defer s.Close()
	var arts []news.Article
	for i := 1; i <= 1000; i++ {
		arts = append(arts, news.Article{ID: "id" + strconv.Itoa(i), Seq: uint64(i)})
	}
	if err := s.Put(ctx, arts); err != nil {
		t.Fatal(err)
	}
	n, last := 0, uint64(0)
	err := s.Each(ctx, 0, func(a news.Article) error {
		if a.Seq <= last {
			t.Fatalf("seq %d after %d", a.Seq, last)
		}
		last = a.Seq
		n++
		return nil
	})
	if err != nil || n != 1000 {
		t.Errorf("Each visited %d of 1000 (%v)", n, err)
	}
}

func TestDamagedFileRefusedByName(t *testing.T) {
	for name, content := range map[string][]byte{
		"empty":   {},
		"garbage": []byte("this is not a bbolt file at all, but it is long enough to look like one maybe"),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path, 0)
			var de *DamagedError
			if !errors.Is(err, ErrDamaged) || !errors.As(err, &de) || de.Path != path {
				t.Fatalf("Open = %v, want a DamagedError naming %s", err, path)
			}
			if st, _ := os.Stat(path); st.Size() != int64(len(content)) {
				t.Error("the damaged file was changed")
			}
		})
	}
}

func TestSecondOpenerIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	s := open(t, path)
	defer s.Close()
	if _, err := Open(path, 1); !errors.Is(err, ErrLocked) {
		t.Errorf("second Open = %v, want ErrLocked", err)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestUnindexedUntilConfirmed: what Put stores stays listed by Unindexed,
// across a reopen, until Indexed confirms it; storing it again lists it
// again.
func TestUnindexedUntilConfirmed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	arts := []news.Article{{ID: "a1", Title: "One", Seq: 1}, {ID: "a2", Title: "Two", Seq: 2}}
	if err := s.Put(ctx, arts); err != nil {
		t.Fatal(err)
	}
	if err := s.Indexed(ctx, []string{"a1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids, err := s.Unindexed(ctx)
	if err != nil || len(ids) != 1 || ids[0] != "a2" {
		t.Fatalf("unindexed after reopen = %v, %v; want [a2]", ids, err)
	}
	// an update keeps its seq and is unindexed again
	if err := s.Put(ctx, []news.Article{{ID: "a1", Title: "One, corrected", Seq: 1}}); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.Unindexed(ctx); len(ids) != 2 {
		t.Errorf("unindexed after an update = %v, want [a1 a2]", ids)
	}
	if err := s.Indexed(ctx, []string{"a1", "a2"}); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.Unindexed(ctx); len(ids) != 0 {
		t.Errorf("unindexed after confirming all = %v, want none", ids)
	}
}
