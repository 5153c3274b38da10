package chat

import "time"

// Reconnection waits: a front whose platform cannot be reached (a gateway
// or Socket Mode connection that fails, at start-up or later) waits
// ReconnectWait(prev) before its next attempt, prev being the last wait
// (0 before the first). Every front backs off alike, so that one
// platform's outage costs it the same retries whatever the platform.
const (
	FirstReconnectWait = time.Second
	MaxReconnectWait   = time.Minute
)

// ReconnectWait is 1s, then double the last wait, at most a minute.
func ReconnectWait(prev time.Duration) time.Duration {
	return min(max(2*prev, FirstReconnectWait), MaxReconnectWait)
}
