package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
)

// runCLI runs the command line exactly as given (no --data appended).
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// TestCommandLine: global flags before the command, per-command help with
// its own flags on stdout, version, serve --listen, and every command in
// the usage.
func TestCommandLine(t *testing.T) {
	t.Setenv("NEWSDESK_CONFIG", "")
	data := t.TempDir()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    []string // each must appear on stdout
		stderr    []string // each must appear on stderr
		quietErrs bool     // stderr must be empty
	}{
		{"global flags before ask", []string{"--data", data, "ask", "search APT31", "--json"}, 0, []string{`"ok": true`, "APT31"}, nil, false},
		{"global flag with =", []string{"--data=" + data, "ask", "--json", "search APT31"}, 0, []string{`"ok": true`}, nil, false},
		{"--version", []string{"--version"}, 0, []string{"newsdesk "}, nil, true},
		{"version", []string{"version"}, 0, []string{"newsdesk "}, nil, true},
		{"--help", []string{"--help"}, 0, []string{"healthcheck", "repair", "reindex", "version", "--data DIR"}, nil, true},
		{"help", []string{"help"}, 0, []string{"healthcheck", "repair"}, nil, true},
		{"ask --help", []string{"ask", "--help"}, 0, []string{`usage: newsdesk ask "<command>" [--json]`, "-json", "-data"}, nil, true},
		{"help serve", []string{"help", "serve"}, 0, []string{"usage: newsdesk serve [--listen ADDR]", "-listen"}, nil, true},
		{"digest -h", []string{"digest", "-h"}, 0, []string{"-channel", "-preview"}, nil, true},
		{"extract --help", []string{"extract", "--help"}, 0, []string{"-eval", "-explain", "-misses"}, nil, true},
		{"serve --listen on a busy address", []string{"--data", data, "serve", "--listen", busy.Addr().String()}, 1, nil, []string{"listen on " + busy.Addr().String()}, false},
		{"unknown flag", []string{"ask", "--frob", "search APT31"}, 2, nil, []string{"-frob", "newsdesk help ask"}, false},
		{"unknown global flag", []string{"--frob", "ask", "x"}, 2, nil, []string{"-frob"}, false},
		{"unknown command", []string{"frobnicate"}, 2, nil, []string{`unknown command "frobnicate"`}, false},
		{"help for no command", []string{"help", "frob"}, 2, nil, []string{`no command "frob"`}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errs)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
			if tc.quietErrs && errs != "" {
				t.Errorf("stderr not empty: %s", errs)
			}
		})
	}
}

// TestSampleOffByEnvironment: NEWSDESK_SAMPLE=false leaves a new data
// directory empty.
func TestSampleOffByEnvironment(t *testing.T) {
	t.Setenv("NEWSDESK_CONFIG", "")
	t.Setenv("NEWSDESK_SAMPLE", "false")
	out, errs, code := runCLI(t, "--data", t.TempDir(), "ask", "latest 5", "--json")
	var r askJSON
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if len(r.Hits) != 0 {
		t.Errorf("NEWSDESK_SAMPLE=false, yet the sample corpus was indexed: %d hits", len(r.Hits))
	}
}
