package discordfake

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"
)

// HTTP interactions: when an application sets an "Interactions Endpoint
// URL" in the developer portal, Discord stops sending INTERACTION_CREATE on
// the gateway and POSTs each interaction to that URL instead, signed with
// the application's Ed25519 key (X-Signature-Ed25519: hex signature of
// X-Signature-Timestamp followed by the raw body). The HTTP response is the
// interaction's callback: it must be 200 with an interaction response
// ({"type":1} for a PING, 5 to defer, 8 with autocomplete choices, ...).
// Edits of @original and follow-ups then go through the webhook REST API as
// for gateway interactions.

// CommandPayload registers an interaction as PushCommand does but returns
// its JSON for an HTTP delivery (Deliver) instead of dispatching it on the
// gateway.
func (f *Fake) CommandPayload(p PushedCommand) (token string, payload []byte) {
	token, d := f.newInteraction(p)
	payload, _ = json.Marshal(d)
	return token, payload
}

// PingPayload registers a PING (type 1), which Discord sends when the
// Interactions Endpoint URL is saved, and returns its token and JSON.
func (f *Fake) PingPayload() (token string, payload []byte) {
	id, token := f.registerInteraction()
	payload, _ = json.Marshal(map[string]any{
		"id": id, "application_id": f.AppID, "type": 1, "token": token, "version": 1,
		"user": map[string]any{"id": "0", "username": "discord"},
	})
	return token, payload
}

// Sign returns the X-Signature-Ed25519 header value for a request: the hex
// Ed25519 signature of timestamp followed by body.
func Sign(key ed25519.PrivateKey, timestamp string, body []byte) string {
	msg := make([]byte, 0, len(timestamp)+len(body))
	msg = append(append(msg, timestamp...), body...)
	return hex.EncodeToString(ed25519.Sign(key, msg))
}

// SignedRequest builds the POST Discord sends to an interactions endpoint,
// signed with key with the timestamp at (Unix seconds, as Discord sends).
func SignedRequest(ctx context.Context, endpoint string, key ed25519.PrivateKey, at time.Time, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("interaction request to %s: %w", endpoint, err)
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", Sign(key, ts, body))
	return req, nil
}

// Delivery is an endpoint's answer to one interaction POST.
type Delivery struct {
	Status int
	Header http.Header
	Body   []byte
	// Type is the interaction response type of a 200 answer (0 otherwise).
	Type int
	// Sent is when the request was sent, Answered when the whole answer
	// had been read.
	Sent, Answered time.Time
}

// Deliver POSTs an interaction payload to endpoint, signed with key now, as
// Discord does, and reads the answer. A 200 answer is the interaction's
// callback: it is recorded exactly as a POST to
// /interactions/{id}/{token}/callback would be (the same checks, the same
// Callbacks entry), so that the edits and follow-ups the endpoint sends
// afterwards find the interaction acknowledged. Any other status is
// returned as is (Discord would show "This interaction failed"); a 200
// Discord would refuse (not JSON, an unknown interaction, a response the
// callback route rejects) is an error.
func (f *Fake) Deliver(ctx context.Context, client *http.Client, endpoint string, key ed25519.PrivateKey, payload []byte) (Delivery, error) {
	req, err := SignedRequest(ctx, endpoint, key, time.Now(), payload)
	if err != nil {
		return Delivery{}, err
	}
	return f.Send(client, req)
}

// Send sends a prepared interaction request (SignedRequest, possibly
// altered by the test) and handles the answer as Deliver does.
func (f *Fake) Send(client *http.Client, req *http.Request) (Delivery, error) {
	var body []byte
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err == nil {
			body, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	d := Delivery{Sent: time.Now()}
	resp, err := client.Do(req)
	if err != nil {
		return d, fmt.Errorf("deliver interaction: %w", err)
	}
	defer resp.Body.Close()
	d.Body, err = io.ReadAll(resp.Body)
	d.Answered = time.Now()
	d.Status, d.Header = resp.StatusCode, resp.Header
	if err != nil {
		return d, fmt.Errorf("read interaction response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return d, nil
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" {
		return d, fmt.Errorf("interaction response has Content-Type %q, Discord wants application/json", resp.Header.Get("Content-Type"))
	}
	var cb struct {
		Type int `json:"type"`
	}
	if err := json.Unmarshal(d.Body, &cb); err != nil || cb.Type == 0 {
		return d, fmt.Errorf("interaction response %q is not an interaction response object", d.Body)
	}
	d.Type = cb.Type
	var in struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return d, fmt.Errorf("the delivered payload is not JSON: %w", err)
	}
	rec := httptest.NewRecorder()
	f.callback(rec, in.ID, in.Token, d.Body)
	if rec.Code != http.StatusNoContent {
		return d, fmt.Errorf("Discord refuses the interaction response %s: %d %s", d.Body, rec.Code, bytes.TrimSpace(rec.Body.Bytes()))
	}
	return d, nil
}
