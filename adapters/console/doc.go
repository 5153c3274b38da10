// Package console is newsdesk's local front: a REPL on stdin/stdout that
// needs no tokens, the plain-text renderer used by `newsdesk ask`, and the
// stable JSON form of a reply for scripts (`newsdesk ask --json`).
//
// It imports bot only; never index, an SDK or another adapter. Text from
// articles is data: control characters (terminal escape sequences) are
// removed before anything is printed.
package console
