package news

import "errors"

// Errors the index returns and the bot turns into words for the user.
var (
	// ErrNotFound: an article or actor does not exist.
	ErrNotFound = errors.New("not found")
	// ErrQueryTooBroad: the query expands to more terms than a search may
	// visit (a fuzzy word matching too much).
	ErrQueryTooBroad = errors.New("query too broad")
)
