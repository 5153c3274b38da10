// Package trend owns the picture of how often statements were made over
// time: it counts the statements matching a query per month, quarter or
// year and per kind (from the index's doc values, at a cost that follows
// the matches, never a page of hits), and draws them as a stacked bar chart
// in PNG with a one-paragraph text summary that stands in for the image
// where one cannot be shown.
//
// trend imports news and gonum.org/v1/plot; the index it counts with is an
// interface of its own (Counter).
package trend
