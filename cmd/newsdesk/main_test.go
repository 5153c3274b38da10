package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newsdesk runs the CLI in-process against a data directory.
func newsdesk(t *testing.T, data string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append(args, "--data", data), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

type askJSON struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Hits  []struct {
		ArticleID string   `json:"article_id"`
		Title     string   `json:"title"`
		Kind      string   `json:"kind"`
		Speaker   string   `json:"speaker"`
		Accused   []string `json:"accused"`
		Sentence  string   `json:"sentence"`
	} `json:"hits"`
}

func TestAskAcceptance(t *testing.T) {
	t.Setenv("NEWSDESK_CONFIG", "")
	data := t.TempDir()
	parse := func(s string) askJSON {
		var r askJSON
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, s)
		}
		return r
	}
	out, errs, code := newsdesk(t, data, "ask", "search APT31", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	r := parse(out)
	if len(r.Hits) == 0 || !strings.HasPrefix(r.Hits[0].Title, "On March 25, US, UK and New Zealand") {
		t.Fatalf("first hit is not the seed article: %+v", r.Hits)
	}
	seedID := r.Hits[0].ArticleID

	out, _, code = newsdesk(t, data, "ask", "search Violet Typhoon", "--json")
	if r := parse(out); code != 0 || len(r.Hits) == 0 || r.Hits[0].ArticleID != seedID {
		t.Errorf("Violet Typhoon: exit %d, hits %+v", code, r.Hits)
	}

	out, _, code = newsdesk(t, data, "ask", "search kind:response embassy", "--json")
	found := false
	for _, h := range parse(out).Hits {
		found = found || strings.Contains(h.Sentence, "completely baseless and malicious slander")
	}
	if code != 0 || !found {
		t.Errorf("kind:response embassy: exit %d, embassy answer found %v", code, found)
	}

	out, _, code = newsdesk(t, data, "ask", "search since:2030-01-01 APT31", "--json")
	if r := parse(out); code != 0 || len(r.Hits) != 0 || !r.OK {
		t.Errorf("since:2030: exit %d, %+v", code, r)
	}

	_, errs, code = newsdesk(t, data, "ask", "search since:soon APT31")
	if code == 0 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, "since") || !strings.Contains(errs, "YYYY-MM-DD") {
		t.Errorf("since:soon: exit %d, stderr %q", code, errs)
	}

	_, errs, code = newsdesk(t, data, "ask", "search /.*/")
	if code == 0 || !strings.Contains(errs, "regular expressions are not supported") {
		t.Errorf("regexp: exit %d, stderr %q", code, errs)
	}
}

func TestIngestAndExtractCommands(t *testing.T) {
	t.Setenv("NEWSDESK_CONFIG", "")
	data := t.TempDir()
	dir := t.TempDir()
	art := filepath.Join(dir, "nl-2024-05-02.md")
	if err := os.WriteFile(art, []byte("# Dutch government blames GRU\n\nThe Dutch government said Russia's GRU was almost certainly behind the attack on the ministry.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.txt"), []byte("\xff\xfe"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := newsdesk(t, data, "ingest", dir)
	if code != 1 || !strings.Contains(out, "1 added") || !strings.Contains(errs, "bad.txt") || !strings.Contains(errs, "UTF-8") {
		t.Errorf("ingest: exit %d out %q err %q (want the good file in and the bad one named)", code, out, errs)
	}
	out, _, code = newsdesk(t, data, "ingest", art)
	if code != 0 || !strings.Contains(out, "0 added, 0 updated, 1 unchanged") {
		t.Errorf("re-ingest: exit %d out %q", code, out)
	}
	out, errs, code = newsdesk(t, data, "extract", "../../internal/sample/data/apt31-accusations-2024-03.txt", "--json")
	var ex struct {
		Statements []map[string]any `json:"statements"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &ex) != nil || len(ex.Statements) < 5 {
		t.Errorf("extract --json: exit %d err %q out %.200q", code, errs, out)
	}
	for _, s := range ex.Statements {
		if p, ok := s["probability"].(float64); !ok || p <= 0 || p > 1 {
			t.Errorf("statement without a probability in (0, 1]: %v", s)
		}
	}
	// --explain: every sentence, its probabilities and what weighed
	out, errs, code = newsdesk(t, data, "extract", "../../internal/sample/data/apt31-accusations-2024-03.txt", "--explain", "--json")
	var exp struct {
		Sentences []struct {
			Sentence      string             `json:"sentence"`
			Kind          string             `json:"kind"`
			Probabilities map[string]float64 `json:"probabilities"`
			Weighed       []struct {
				Feature string  `json:"feature"`
				Weight  float64 `json:"weight"`
			} `json:"weighed"`
		} `json:"sentences"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &exp) != nil || len(exp.Sentences) < len(ex.Statements) {
		t.Fatalf("extract --explain --json: exit %d err %q out %.300q", code, errs, out)
	}
	kinds := 0
	for _, s := range exp.Sentences {
		sum := 0.0
		for _, p := range s.Probabilities {
			sum += p
		}
		if len(s.Probabilities) != 6 || sum < 0.99 || sum > 1.01 || len(s.Weighed) == 0 {
			t.Errorf("explained sentence %q: probabilities %v (sum %.3f), %d features", s.Sentence, s.Probabilities, sum, len(s.Weighed))
		}
		if s.Kind != "none" {
			kinds++
		}
	}
	if kinds != len(ex.Statements) {
		t.Errorf("--explain decides %d statements, extract gives %d", kinds, len(ex.Statements))
	}
	out, _, code = newsdesk(t, data, "extract", "../../internal/sample/data/apt31-accusations-2024-03.txt", "--explain")
	if code != 0 || !strings.Contains(out, "weighed:") || !strings.Contains(out, "RESPONSE") {
		t.Errorf("extract --explain: exit %d out %.300q", code, out)
	}
}

func TestUnknownCommandAndConfigTypo(t *testing.T) {
	_, errs, code := newsdesk(t, t.TempDir(), "frobnicate")
	if code != exitUsage || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Errorf("exit %d stderr %q", code, errs)
	}
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(cfg, []byte("lisen: :8080\n"), 0o644)
	_, errs, code = newsdesk(t, t.TempDir(), "config", "check", "--config", cfg)
	if code != exitUsage || !strings.Contains(errs, `did you mean "listen"?`) {
		t.Errorf("exit %d stderr %q", code, errs)
	}
}

func TestScriptOutputsStayParseable(t *testing.T) {
	t.Setenv("NEWSDESK_CONFIG", "")
	data := t.TempDir()
	// a digest posted from `ask --json` must not corrupt the JSON on stdout
	if _, errs, code := newsdesk(t, data, "ask", "subscribe at 08:00"); code != 0 {
		t.Fatalf("subscribe: %d %s", code, errs)
	}
	out, _, code := newsdesk(t, data, "ask", "digest now", "--json")
	var v map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil {
		t.Errorf("ask \"digest now\" --json: exit %d, stdout is not one JSON object: %q", code, out)
	}
	// show's fields have lower-case keys like everything else
	out, _, _ = newsdesk(t, data, "ask", "actor APT31", "--json")
	if !strings.Contains(out, `"label": "Also known as"`) {
		t.Errorf("actor --json fields: %s", out)
	}
	// a refused digest preview is a failure for scripts
	_, errs, code := newsdesk(t, data, "digest", "--channel", "slack:CNOSUB", "--preview")
	if code == 0 || !strings.Contains(errs, "no digest subscription") {
		t.Errorf("preview of an unsubscribed channel: exit %d stderr %q", code, errs)
	}
	// extract on a JSON Lines file names each record, even a single one
	one := filepath.Join(t.TempDir(), "one.jsonl")
	os.WriteFile(one, []byte(`{"id":"x","title":"UK blames Russia","text":"The NCSC said the GRU was almost certainly behind the attack on the ministry."}`+"\n"), 0o644)
	out, _, code = newsdesk(t, data, "extract", one, "--json")
	if code != 0 || !strings.Contains(out, `"title":"UK blames Russia"`) || !strings.Contains(out, `"id":"`) {
		t.Errorf("extract one-record jsonl: exit %d out %s", code, out)
	}
}
