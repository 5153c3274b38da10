package fetch

import (
	"fmt"
	"net/netip"
)

// StatusError: the page answered something other than 200 or 304.
type StatusError struct {
	URL    string
	Status int
}

// Reason names the refusal for logs and metrics.
func (e *StatusError) Reason() string { return "http_status" }

func (e *StatusError) Error() string {
	return fmt.Sprintf("fetch %s: HTTP %d", e.URL, e.Status)
}

// TooLargeError: the page is larger than the size cap.
type TooLargeError struct {
	URL   string
	Limit int64
	Size  int64 // the announced Content-Length, or -1 when the body ran over
}

// Reason names the refusal for logs and metrics.
func (e *TooLargeError) Reason() string { return "too_large" }

func (e *TooLargeError) Error() string {
	if e.Size >= 0 {
		return fmt.Sprintf("fetch %s: the page is %d bytes, more than the %d-byte cap; refused", e.URL, e.Size, e.Limit)
	}
	return fmt.Sprintf("fetch %s: the page is larger than the %d-byte cap; refused", e.URL, e.Limit)
}

// RedirectError: too many redirects, or a redirect to a scheme other than
// http(s).
type RedirectError struct {
	URL string // where the redirect pointed
	Max int
	Why string
}

// Reason names the refusal for logs and metrics.
func (e *RedirectError) Reason() string { return "redirect" }

func (e *RedirectError) Error() string {
	return fmt.Sprintf("fetch: redirect to %s refused: %s", e.URL, e.Why)
}

// RobotsError: the site's robots.txt disallows the page for newsdesk.
type RobotsError struct {
	URL   string
	Agent string
}

// Reason names the refusal for logs and metrics.
func (e *RobotsError) Reason() string { return "robots_txt" }

func (e *RobotsError) Error() string {
	return fmt.Sprintf("fetch %s: disallowed by robots.txt for %s", e.URL, e.Agent)
}

// BlockedAddressError: the host resolved to a private, loopback,
// link-local or otherwise non-public address, and the configuration does
// not allow those (fetch: {allow_private: true}).
type BlockedAddressError struct {
	Address netip.Addr
}

// Reason names the refusal for logs and metrics.
func (e *BlockedAddressError) Reason() string { return "blocked_address" }

func (e *BlockedAddressError) Error() string {
	return fmt.Sprintf("refused to connect to %s: a private, loopback or link-local address (allowed only with fetch: {allow_private: true})", e.Address)
}

// SchemeError: the link is not an absolute http(s) URL.
type SchemeError struct {
	URL string
}

// Reason names the refusal for logs and metrics.
func (e *SchemeError) Reason() string { return "scheme" }

func (e *SchemeError) Error() string {
	return fmt.Sprintf("fetch %q: only absolute http and https URLs are fetched", e.URL)
}

// NoArticleError: the page is not HTML, or readability found no article
// text in it.
type NoArticleError struct {
	URL string
	Why string
}

// Reason names the refusal for logs and metrics.
func (e *NoArticleError) Reason() string { return "no_article" }

func (e *NoArticleError) Error() string {
	return fmt.Sprintf("fetch %s: no article text: %s", e.URL, e.Why)
}
