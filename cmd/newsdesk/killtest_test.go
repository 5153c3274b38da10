package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/articles"
	"github.com/newsdesk/newsdesk/news"
)

// TestKillNine is the crash campaign behind item 3's promise: it builds
// newsdesk, runs `serve` on loopback, posts batches to the ingestion API
// from several clients, kills serve with SIGKILL at a random moment, and
// starts it again, NEWSDESK_KILLTEST_ROUNDS times (default 6); then every
// id the API acknowledged must be in the article store exactly once.
//
// It runs real processes and real time, so it is off by default:
//
//	NEWSDESK_KILLTEST=1 go test -run TestKillNine -v ./cmd/newsdesk
//
// NEWSDESK_KILLTEST_SEED replays a campaign (the seed is logged).
func TestKillNine(t *testing.T) {
	if os.Getenv("NEWSDESK_KILLTEST") == "" {
		t.Skip("set NEWSDESK_KILLTEST=1 to run the kill -9 campaign (real processes, about a minute)")
	}
	rounds := 6
	if v := os.Getenv("NEWSDESK_KILLTEST_ROUNDS"); v != "" {
		if _, err := fmt.Sscan(v, &rounds); err != nil || rounds < 1 {
			t.Fatalf("NEWSDESK_KILLTEST_ROUNDS=%q", v)
		}
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("NEWSDESK_KILLTEST_SEED"); v != "" {
		fmt.Sscan(v, &seed)
	}
	t.Logf("seed %d (NEWSDESK_KILLTEST_SEED replays it), %d rounds", seed, rounds)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	dir := t.TempDir()
	bin := buildNewsdesk(t, dir)
	data := filepath.Join(dir, "data")
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()

	acked := map[string]int{} // id → acknowledgements
	var mu sync.Mutex
	posted, refused := 0, 0
	for round := 1; round <= rounds; round++ {
		addr := freeAddr(t)
		cmd := exec.Command(bin, "--data", data, "serve", "--listen", addr)
		cmd.Env = append(os.Environ(), "NEWSDESK_CONFIG=", "NEWSDESK_SAMPLE=false", "NEWSDESK_API_TOKEN=kill-token",
			"SLACK_BOT_TOKEN=", "SLACK_APP_TOKEN=", "DISCORD_BOT_TOKEN=")
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if err := waitHealthy("http://"+addr, 60*time.Second); err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: %v (log: %s)", round, err, logf.Name())
		}
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for c := range 3 {
			wg.Go(func() {
				for b := 0; ctx.Err() == nil; b++ {
					ids, ok, down := postBatch(ctx, "http://"+addr, fmt.Sprintf("r%d-c%d-b%d", round, c, b), 20)
					if down {
						mu.Lock()
						refused++ // the batch the kill cut
						posted++
						mu.Unlock()
						return
					}
					mu.Lock()
					posted++
					if ok {
						for _, id := range ids {
							acked[id]++
						}
					} else {
						refused++
					}
					mu.Unlock()
				}
			})
		}
		after := time.Duration(100+rng.IntN(900)) * time.Millisecond
		time.Sleep(after)                          // the random moment of the kill: real time is the point here
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		_ = cmd.Wait()
		stop()
		wg.Wait()
		mu.Lock()
		t.Logf("round %d: killed after %v; %d ids acknowledged so far", round, after, len(acked))
		mu.Unlock()
	}

	// a last start recovers whatever the kills left (index catch-up), then stops cleanly
	addr := freeAddr(t)
	cmd := exec.Command(bin, "--data", data, "serve", "--listen", addr)
	cmd.Env = append(os.Environ(), "NEWSDESK_CONFIG=", "NEWSDESK_SAMPLE=false", "NEWSDESK_API_TOKEN=kill-token")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := waitHealthy("http://"+addr, 60*time.Second); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("restart after the campaign: %v", err)
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after the campaign: %v", err)
	}

	rs, err := articles.Open(filepath.Join(data, articles.FileName), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	seen := map[string]int{}
	seqs := map[uint64]string{}
	if err := rs.Each(context.Background(), 0, func(a news.Article) error {
		seen[a.ID]++
		if other, dup := seqs[a.Seq]; dup {
			t.Errorf("seq %d held by %s and %s", a.Seq, other, a.ID)
		}
		seqs[a.Seq] = a.ID
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	missing, twice := 0, 0
	for id := range acked {
		switch seen[id] {
		case 0:
			missing++
		case 1:
		default:
			twice++
		}
	}
	t.Logf("%d batches posted (%d not acknowledged: cut by a kill), %d ids acknowledged, %d articles in the store", posted, refused, len(acked), len(seen))
	if missing > 0 || twice > 0 {
		t.Errorf("%d acknowledged ids missing from the article store, %d present more than once", missing, twice)
	}
	if rounds >= 5 && len(acked) == 0 {
		t.Error("nothing was acknowledged: the campaign tested nothing")
	}
}

// buildNewsdesk builds this package's binary into dir and returns its
// path.
func buildNewsdesk(tb testing.TB, dir string) string {
	tb.Helper()
	bin := filepath.Join(dir, "newsdesk")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitHealthy polls /healthz until it answers 200 (a real process starting:
// there is no event to wait on).
func waitHealthy(base string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if r, err := http.Get(base + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("%s/healthz not healthy within %v", base, within)
}

// postBatch posts n records as JSON Lines and returns the ids acknowledged
// (added, updated or unchanged) when the answer is 200; down says serve
// could not be reached (or the connection broke).
func postBatch(ctx context.Context, base, tag string, n int) (ids []string, ok, down bool) {
	var body bytes.Buffer
	for i := range n {
		fmt.Fprintf(&body, `{"title":"Kill test %s-%d: NCSC names APT31","text":"The NCSC said APT31 attacked network %s-%d.","date":"2024-04-01"}`+"\n", tag, i, tag, i)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/articles", &body)
	req.Header.Set("Authorization", "Bearer kill-token")
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, false, true
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, false, true
	}
	var out struct{ Added, Updated, Unchanged []string }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &out) != nil {
		return nil, false, false
	}
	return append(append(out.Added, out.Updated...), out.Unchanged...), true, false
}
