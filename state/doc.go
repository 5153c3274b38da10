// Package state is newsdesk's durable small state, kept in one bbolt file
// beside the index: digest subscriptions (with each channel's delivered
// watermark), the digest ledger (one record per channel and slot: pending
// before a post, posted with the message id after), feed cursors for the
// feed poller, the feeds enabled from the command line or chat, and the
// deliveries the chat fronts have seen (FirstSeen:
// request signatures, event and interaction ids, each until its window
// ends), so that a replay is executed once even after a restart.
//
// Every write is one bbolt Update transaction, fsynced before it returns
// (bbolt's default), so a record that a caller saw written survives a crash.
// Only one process may hold the file: Open waits a bounded time for the lock
// and then fails with an error that says so.
//
// A damaged file (empty, truncated, garbled, failing bbolt's consistency
// check) is refused with a *DamagedError and never recreated; Quarantine
// moves it aside for newsdesk repair.
//
// state stores plain values and knows nothing of chat platforms, the index or
// the bot. It must import nothing but the standard library, bbolt and
// internal/boltfile.
package state
