package main

import (
	"strconv"

	"github.com/newsdesk/newsdesk/news"
)

func searchArticles(text string) news.Query {
	return news.Query{Type: news.TypeArticle, Text: text, Size: 5}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
