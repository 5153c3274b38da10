// Package discordfake is a fake Discord on loopback for tests: a REST API
// (httptest) and a gateway websocket (gorilla/websocket) that speak enough of
// the real wire protocol for a real discordgo.Session to log in, receive
// MESSAGE_CREATE and INTERACTION_CREATE dispatches, and post, edit and delete
// messages and interaction responses.
//
// What it models, because the adapter's guarantees depend on it:
//   - the gateway handshake: HELLO (op 10), IDENTIFY (op 2, intents
//     recorded) or RESUME (op 6), READY / RESUMED, heartbeats answered with
//     op 11; DropGateway cuts the connection so reconnects can be tested;
//   - message creation with nonce and enforce_nonce: a nonce seen within
//     NonceWindow (a few minutes, like Discord) with enforce_nonce returns
//     the existing message instead of a new one; Age makes time pass;
//   - GET channel messages newest first, like Discord, paged with limit
//     (1-100, default 50) and before (without nonces, which Discord does not
//     return in history either);
//   - interaction responses: the callback (deferred or not), edits and
//     deletes of @original, follow-ups, and Discord's rule that the first
//     follow-up after a deferred response replaces the loading message and
//     keeps the defer's ephemerality whatever flags it sends;
//   - the HTTP interactions endpoint (http.go): CommandPayload and
//     PingPayload build interactions, SignedRequest signs them as Discord
//     does (Ed25519 over X-Signature-Timestamp + body), Deliver / Send
//     POST them and take a 200 answer as the interaction's callback;
//   - scripted failures: 429 with a tiny retry_after in the JSON body and the
//     X-RateLimit-* headers discordgo reads, and 5xx N times, optionally
//     after the message was already stored (a lost response).
//
// Client returns an *http.Client whose transport sends Discord's hosts to the
// fake (discordgo computes its Endpoint* variables at init, so the hosts are
// rewritten in the transport) and refuses every other host.
//
// It is test support: it imports discordgo for its types and must not import
// the adapter or any other newsdesk package.
package discordfake
