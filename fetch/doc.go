// Package fetch gets what newsdesk reads from the web: a feed (Feed: a
// conditional GET of its bytes) and the article behind a feed item's link
// (Fetch: one polite, bounded HTTP GET and the page's main text, found with
// readability, codeberg.org/readeck/go-readability).
//
// A Fetcher sends an honest User-Agent naming newsdesk, respects
// robots.txt (github.com/temoto/robotstxt, cached per host), waits its turn
// per host (golang.org/x/time/rate) and within a cap on fetches in flight,
// follows at most a few redirects and only to http(s), refuses a page
// larger than its size cap, and sends the validators of an earlier fetch
// (If-None-Match, If-Modified-Since). A feed is held to all of that but
// robots.txt, which is for crawlers. The client from NewClient refuses
// private, loopback and link-local addresses at dial time, on the
// resolved IP, so a name that resolves (or re-resolves) to one cannot slip
// through. Every refusal is a typed error (StatusError, TooLargeError,
// RedirectError, RobotsError, BlockedAddressError, SchemeError,
// NoArticleError) naming the page and the reason.
//
// The clock and the http.Client are injected. It may import the standard
// library, x/net/html, x/time/rate, readability and robotstxt; it must not
// import other newsdesk packages.
package fetch
