// Package ready owns serve's /readyz answer: which parts are up, as JSON,
// and 503 only when a vital part (the index, the state store) cannot
// serve; a front that is down (Discord's gateway) is reported but leaves
// serve ready.
package ready

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Part is one part of serve that /readyz reports on. A Vital part makes
// serve unready when it is down; another part's outage leaves the rest
// serving, so /readyz stays 200.
type Part struct {
	Name  string
	Vital bool
	Up    func(ctx context.Context) bool
}

// Handler answers /readyz: JSON {"ready":bool,"parts":{name:bool}}, 503
// only when a vital part is down.
func Handler(parts []Part) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		out := struct {
			Ready bool            `json:"ready"`
			Parts map[string]bool `json:"parts"`
		}{Ready: true, Parts: map[string]bool{}}
		for _, p := range parts {
			up := p.Up(ctx)
			out.Parts[p.Name] = up
			if p.Vital && !up {
				out.Ready = false
			}
		}
		w.Header().Set("Content-Type", "application/json")
		if !out.Ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(out)
	}
}
