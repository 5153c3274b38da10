package main

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// readyPart is one part of serve that /readyz reports on. A vital part
// (the index, the state store) makes serve unready when it cannot serve;
// a front (Discord's gateway) is reported, but its outage leaves the rest
// serving, so /readyz stays 200.
type readyPart struct {
	name  string
	vital bool
	ready func(ctx context.Context) bool
}

// readiness answers /readyz: JSON {"ready":bool,"parts":{name:bool}}, 503
// only when a vital part is down.
func readiness(parts []readyPart) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		out := struct {
			Ready bool            `json:"ready"`
			Parts map[string]bool `json:"parts"`
		}{Ready: true, Parts: map[string]bool{}}
		for _, p := range parts {
			up := p.ready(ctx)
			out.Parts[p.name] = up
			if p.vital && !up {
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
