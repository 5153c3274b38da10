package news

import "errors"

// ErrNotFound is returned when an article or actor does not exist.
var ErrNotFound = errors.New("not found")
