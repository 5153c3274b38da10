package articles

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/newsdesk/newsdesk/news"
)

// firstLayout writes a store as the first layout kept it: article JSON by
// id, the ids by seq (with a stale seq of an updated article, as a store
// might hold), and unindexed ids.
func firstLayout(t *testing.T, path string, arts []news.Article, raw map[string][]byte, unindexed []string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		ab, err := tx.CreateBucket(bucketArticles)
		if err != nil {
			return err
		}
		sb, err := tx.CreateBucket(bucketBySeq)
		if err != nil {
			return err
		}
		ub, err := tx.CreateBucket(bucketUnindexed)
		if err != nil {
			return err
		}
		for _, a := range arts {
			b, err := json.Marshal(a)
			if err != nil {
				return err
			}
			if err := ab.Put([]byte(a.ID), b); err != nil {
				return err
			}
			if err := sb.Put(seqKey(a.Seq), []byte(a.ID)); err != nil {
				return err
			}
		}
		for id, b := range raw {
			if err := ab.Put([]byte(id), b); err != nil {
				return err
			}
		}
		if len(arts) > 0 {
			// an older seq of the first article, left behind
			if err := sb.Put(seqKey(0), []byte(arts[0].ID)); err != nil {
				return err
			}
		}
		for _, id := range unindexed {
			if err := ub.Put([]byte(id), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func layoutArticles() []news.Article {
	var arts []news.Article
	for i, id := range []string{"e5", "a1", "d4", "b2", "c3"} {
		arts = append(arts, news.Article{ID: id, Title: "Title " + id, Seq: uint64(10 + i), Statements: []news.Statement{{Kind: news.Sanction, Sentence: "s " + id, Seq: uint64(10 + i)}}})
	}
	return arts
}

// holds checks that s holds arts and nothing else, by id and in seq order.
func holds(t *testing.T, s *Store, arts []news.Article) {
	t.Helper()
	ctx := context.Background()
	for _, want := range arts {
		got, err := s.Article(ctx, want.ID)
		if err != nil || got.Title != want.Title || got.Seq != want.Seq || len(got.Statements) != 1 {
			t.Errorf("Article(%s) = %+v, %v; want %+v", want.ID, got, err, want)
		}
	}
	var ids []string
	if err := s.Each(ctx, 0, func(a news.Article) error { ids = append(ids, a.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, a := range arts { // in seq order as made
		want = append(want, a.ID)
	}
	if !equal(ids, want) {
		t.Errorf("Each = %v, want %v", ids, want)
	}
	if n, err := s.Len(ctx); err != nil || n != len(arts) {
		t.Errorf("Len = %d, %v; want %d", n, err, len(arts))
	}
	if seq, err := s.MaxSeq(ctx); err != nil || seq != arts[len(arts)-1].Seq {
		t.Errorf("MaxSeq = %d, %v; want %d", seq, err, arts[len(arts)-1].Seq)
	}
}

// TestOpenMovesTheFirstLayout: a store of the first layout opens with
// every article, its seq order and its unindexed ids, a few articles to a
// transaction, and its old buckets are gone.
func TestOpenMovesTheFirstLayout(t *testing.T) {
	defer func(n int) { upgradeBatch = n }(upgradeBatch)
	upgradeBatch = 2
	path := filepath.Join(t.TempDir(), FileName)
	arts := layoutArticles()
	firstLayout(t, path, arts, nil, []string{"d4", "c3"})
	s := open(t, path)
	if s.Moved() != len(arts) {
		t.Errorf("Moved = %d, want %d", s.Moved(), len(arts))
	}
	holds(t, s, arts)
	if ids, err := s.Unindexed(context.Background()); err != nil || !equal(ids, []string{"c3", "d4"}) {
		t.Errorf("Unindexed = %v, %v; want [c3 d4]", ids, err)
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketArticles) != nil || tx.Bucket(bucketBySeq) != nil {
			return errors.New("the first layout's buckets are still there")
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	// and a reopen finds the same
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	defer s.Close()
	if s.Moved() != 0 {
		t.Errorf("Moved = %d at the second Open, want 0", s.Moved())
	}
	holds(t, s, arts)
}

// TestMoveCutShortGoesOn: a move that stopped after its first transaction
// goes on at the next Open; no article is lost or listed twice.
func TestMoveCutShortGoesOn(t *testing.T) {
	defer func(n int) { upgradeBatch = n }(upgradeBatch)
	upgradeBatch = 2
	path := filepath.Join(t.TempDir(), FileName)
	arts := layoutArticles()
	firstLayout(t, path, arts, nil, nil)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket(bucketDocs)
		if err == nil {
			_, err = tx.CreateBucket(bucketIDs)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, done, err := upgradeStep(db, path); err != nil || done || n != 2 {
		t.Fatalf("first step: %d moved, done %v, %v; want 2, not done", n, done, err)
	}
	moved := 0
	db.View(func(tx *bolt.Tx) error { moved = tx.Bucket(bucketIDs).Stats().KeyN; return nil })
	if moved != 2 {
		t.Fatalf("the first step moved %d articles, want 2", moved)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s := open(t, path)
	defer s.Close()
	if s.Moved() != len(arts)-2 {
		t.Errorf("Moved = %d, want the %d left", s.Moved(), len(arts)-2)
	}
	holds(t, s, arts)
}

// TestUnreadableArticleOfTheFirstLayoutRefused: an article the move
// cannot read is damage, named, and stays where it was.
func TestUnreadableArticleOfTheFirstLayoutRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	firstLayout(t, path, layoutArticles(), map[string][]byte{"f6": []byte("{not json")}, nil)
	_, err := Open(path, 0)
	var de *DamagedError
	if !errors.As(err, &de) || de.Path != path || !strings.Contains(de.Reason, `"f6"`) {
		t.Fatalf("Open = %v, want a DamagedError naming %s and the article f6", err, path)
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketArticles); b == nil || b.Get([]byte("f6")) == nil {
			t.Error("the unreadable article is gone")
		}
		return nil
	})
}

// TestWritesStayAtTheEnd: storing articles whose ids come in no order,
// batch after batch as ingestion stores them, maps in a small part of the
// store's file, not the whole of it: the resident set of the store follows
// the batch, not the store. (The kernel maps in neighbours of every page
// read, so a batch maps in more than the pages it rewrites.)
func TestWritesStayAtTheEnd(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	s := open(t, path)
	defer s.Close()
	if _, err := mappedResident(path); err != nil {
		t.Skipf("no /proc/self/smaps here: %v", err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	body := strings.Repeat("a sentence of an article body, ", 64) // 2 KB
	seq := uint64(0)
	for range 8 {
		var arts []news.Article
		for range 500 {
			seq++
			arts = append(arts, news.Article{ID: fmt.Sprintf("%016x", r.Uint64()), Title: "T", Body: body, Seq: seq})
		}
		if err := s.Put(ctx, arts); err != nil {
			t.Fatal(err)
		}
	}
	rss, err := mappedResident(path)
	if err != nil {
		t.Fatal(err)
	}
	stored := int64(seq) * int64(len(body))
	t.Logf("%d bytes of the store's map are resident, for %d bytes of bodies stored", rss, stored)
	if rss > stored/5 {
		t.Errorf("%d bytes of the store's map are resident, for %d bytes of bodies: writes land all over it", rss, stored)
	}
}

// mappedResident is how many bytes of path this process's maps of it
// hold in memory (/proc/self/smaps).
func mappedResident(path string) (int64, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var total int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":"):
			in = len(fields) >= 6 && fields[len(fields)-1] == path
		case in && len(fields) == 3 && fields[0] == "Rss:":
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0, err
			}
			total += kb << 10
		}
	}
	return total, sc.Err()
}
