// Package suggest finds the word a user probably meant, for "did you mean"
// in error messages (unknown commands, config keys with a typo).
//
// It imports the standard library only.
package suggest

import "strings"

// Closest returns the candidate within edit distance max of word (compared
// case-insensitively), the nearest first in candidate order, or "".
func Closest(word string, candidates []string, max int) string {
	best, bestD := "", max+1
	w := strings.ToLower(word)
	for _, c := range candidates {
		if d := Distance(w, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// Distance is the Levenshtein edit distance between a and b, in bytes.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
