package discordfake

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDeliverSignsAndRecordsTheAnswer: the request carries Discord's
// headers and a signature that verifies; a 200 answer becomes the
// interaction's callback; answers Discord would refuse are errors.
func TestDeliverSignsAndRecordsTheAnswer(t *testing.T) {
	f := New(t)
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	var answer func(w http.ResponseWriter)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get("X-Signature-Timestamp")
		sec, err := strconv.ParseInt(ts, 10, 64)
		sig := r.Header.Get("X-Signature-Ed25519")
		if err != nil || time.Since(time.Unix(sec, 0)) > time.Minute || r.Method != http.MethodPost ||
			Sign(key, ts, body) != sig || !ed25519.Verify(pub, append([]byte(ts), body...), mustHex(t, sig)) {
			http.Error(w, "bad request signature", http.StatusUnauthorized)
			return
		}
		answer(w)
	}))
	defer srv.Close()
	jsonAnswer := func(s string) func(w http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, s)
		}
	}
	for _, tc := range []struct {
		name    string
		answer  func(w http.ResponseWriter)
		wantErr string
		wantCB  int // callback type recorded, 0 for none
	}{
		{"deferred", jsonAnswer(`{"type":5}`), "", 5},
		{"not json", func(w http.ResponseWriter) { io.WriteString(w, "ok") }, "Content-Type", 0},
		{"no type", jsonAnswer(`{}`), "not an interaction response", 0},
		{"refused", func(w http.ResponseWriter) { http.Error(w, "no", http.StatusUnauthorized) }, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			answer = tc.answer
			tok, payload := f.CommandPayload(PushedCommand{ChannelID: "1", UserID: "2", Name: "newsdesk", Query: "help"})
			var p map[string]any
			if err := json.Unmarshal(payload, &p); err != nil || p["token"] != tok || p["type"] != float64(2) {
				t.Fatalf("payload %s: %v", payload, err)
			}
			d, err := f.Deliver(context.Background(), srv.Client(), srv.URL, key, payload)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Deliver error = %v, want %q", err, tc.wantErr)
			}
			in, _ := f.Interaction(tok)
			switch {
			case tc.wantCB == 0 && len(in.Callbacks) != 0:
				t.Errorf("callbacks = %+v, want none", in.Callbacks)
			case tc.wantCB != 0 && (len(in.Callbacks) != 1 || in.Callbacks[0].Type != tc.wantCB || !in.Deferred):
				t.Errorf("callbacks = %+v, want one of type %d", in.Callbacks, tc.wantCB)
			}
			if tc.name == "refused" && d.Status != http.StatusUnauthorized {
				t.Errorf("status %d, want the endpoint's 401", d.Status)
			}
		})
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("signature %q is not hex", s)
	}
	return b
}
