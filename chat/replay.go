package chat

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Request names one request a platform delivered, for the replay guard:
// the platform, what was delivered ("sig" for a signed request, "event",
// "interaction") and its id, remembered for Keep (at least the window in
// which the platform would accept or retry it).
type Request struct {
	Platform, Kind, ID string
	Keep               time.Duration
}

// key is the delivery's key in the Deliveries store. It must not change:
// the keys recorded by a running newsdesk are read after an upgrade.
func (d Request) key() string { return d.Platform + ":" + d.Kind + ":" + d.ID }

// ErrNoDeliveryID is Replay refusing a delivery without an id: it cannot
// be told from its replays, so it must not be executed.
var ErrNoDeliveryID = errors.New("a delivery without an id cannot be told from its replays")

// Replay is every front's replay guard: it records d in ds and reports
// whether d was delivered before, within its Keep. A replay is answered
// with nothing done (and one log line); an error (the store failed, or
// ErrNoDeliveryID) means d must not be executed either, since its
// delivery could not be recorded.
func Replay(ctx context.Context, ds Deliveries, d Request, now time.Time) (replay bool, err error) {
	if d.ID == "" {
		return false, fmt.Errorf("%s %s: %w", d.Platform, d.Kind, ErrNoDeliveryID)
	}
	first, err := ds.FirstSeen(ctx, d.key(), now, d.Keep)
	if err != nil {
		return false, fmt.Errorf("record %s %s %s: %w", d.Platform, d.Kind, d.ID, err)
	}
	return !first, nil
}
