package ready

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestReadiness(t *testing.T) {
	up := func(context.Context) bool { return true }
	down := func(context.Context) bool { return false }
	cases := []struct {
		name   string
		parts  []Part
		status int
		ready  bool
	}{
		{"all up", []Part{{"index", true, up}, {"state", true, up}, {"discord", false, up}}, 200, true},
		{"Discord's gateway down: still ready", []Part{{"index", true, up}, {"state", true, up}, {"discord", false, down}}, 200, true},
		{"index down", []Part{{"index", true, down}, {"state", true, up}}, 503, false},
		{"state down", []Part{{"index", true, up}, {"state", true, down}}, 503, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Handler(tc.parts)(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			var got struct {
				Ready bool            `json:"ready"`
				Parts map[string]bool `json:"parts"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("not JSON: %v %s", err, rec.Body)
			}
			if rec.Code != tc.status || got.Ready != tc.ready || len(got.Parts) != len(tc.parts) {
				t.Errorf("status %d %+v, want %d ready=%v", rec.Code, got, tc.status, tc.ready)
			}
			for _, p := range tc.parts {
				if got.Parts[p.Name] != p.Up(context.Background()) {
					t.Errorf("part %s reported %v", p.Name, got.Parts[p.Name])
				}
			}
		})
	}
}
