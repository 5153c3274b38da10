package chat

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Class is what a failed platform call means for what to do next.
type Class int

// Classes, as a transport's Classify reports them.
const (
	// Permanent: the call will fail the same way again (a bad token, an
	// unknown channel, a malformed message). Not retried.
	Permanent Class = iota
	// RateLimited: refused for now and not done; retried after
	// Error.RetryAfter (or a backoff when the platform named no wait).
	RateLimited
	// Unknown: it may or may not have taken effect (a 5xx, a connection
	// lost mid-call). A marked send is retried only after the channel's
	// history shows the message is not there; a read is simply retried.
	Unknown
	// Forbidden: refused for lack of permission (a missing scope, not in
	// the channel). Not retried; a history read refused this way lets a
	// post go out unchecked, since nothing of it can have been read before.
	Forbidden
)

func (c Class) String() string {
	switch c {
	case RateLimited:
		return "rate limited"
	case Unknown:
		return "outcome unknown"
	case Forbidden:
		return "forbidden"
	default:
		return "permanent"
	}
}

// Error is a classified platform failure. Transports return it from
// Classify (or directly from Send and History); callers test it with
// errors.As, or errors.Is against ErrPermanent, ErrRateLimited, ErrUnknown
// and ErrForbidden, never by its text.
type Error struct {
	Class      Class
	RetryAfter time.Duration // RateLimited: how long the platform asked to wait (0: not said)
	Err        error         // the platform's error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Class.String()
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches the class sentinels: errors.Is(err, chat.ErrForbidden).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Err == nil && t.Class == e.Class
}

// Class sentinels for errors.Is.
var (
	ErrPermanent   = &Error{Class: Permanent}
	ErrRateLimited = &Error{Class: RateLimited}
	ErrUnknown     = &Error{Class: Unknown}
	ErrForbidden   = &Error{Class: Forbidden}
)

// ErrNotRepeated wraps a marked send whose outcome is unknown and could not
// be checked: it is not sent again blind, since that could show it twice.
var ErrNotRepeated = errors.New("its outcome could not be checked, so it is not repeated blind")

// Classifier turns a platform error into an *Error.
type Classifier interface {
	Classify(err error) *Error
}

// classify returns err as an *Error: as it is when it already is one, a
// finished context's error as Permanent (nothing to retry), else as the
// classifier says (Permanent when it says nothing).
func classify(c Classifier, err error) *Error {
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Class: Permanent, Err: err}
	}
	if ce = c.Classify(err); ce == nil {
		return &Error{Class: Permanent, Err: err}
	}
	if ce.Err == nil {
		ce.Err = err
	}
	return ce
}

// ClassOf is the class of err: its *Error's, else Permanent.
func ClassOf(err error) Class {
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Class
	}
	return Permanent
}

// Errorf wraps err with a class, for transports that know it at once.
func Errorf(class Class, retryAfter time.Duration, format string, args ...any) *Error {
	return &Error{Class: class, RetryAfter: retryAfter, Err: fmt.Errorf(format, args...)}
}
