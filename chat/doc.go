// Package chat owns what every chat platform shares: delivering a post
// exactly once, the lifecycle of a front, and the rendering that is the
// same everywhere.
//
// Delivery: a platform gives a small Transport (Split a reply to its
// limits, Send one message carrying a Mark, read a page of History,
// Classify an error), and Deliver does the rest once for all: each message
// of a slot's post carries Mark{slot, part, parts} in one encoding
// (Mark.String); the channel's recent history is read for the slot before
// anything is sent, so a complete post is not repeated and a partial one
// gets only its missing parts; calls are retried with backoff under an
// injected Policy (Retry-After honoured, an Unknown outcome checked in the
// history before a marked message is sent again, never blind); errors are
// classified by type into an *Error with a Class (Permanent, RateLimited,
// Unknown, Forbidden). Marks posted by newsdesk before this package (Slack
// metadata {slot, part, parts}; Discord nonces and footers numbered 0..n-2
// and -1 for the last) are still read, so a deployed bot resumes correctly
// after an upgrade. Find reports whether a channel holds a complete post.
//
// Fronts: a Front (Name, Run, Ready, Shutdown; a Router also has HTTP
// Routes) is what serve starts, from a Registry. Handle and Admitted run a
// bot.Handler safely (a panic becomes an error reply; no slot, a busy
// reply); Flight tracks answers in progress for shutdown.
//
// Its subpackage chattest is the conformance suite every platform's
// transport must pass against its protocol-level fake.
//
// chat imports bot and news only: never an adapter, a platform SDK, the
// index or the state store.
package chat
