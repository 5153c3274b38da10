package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"github.com/newsdesk/newsdesk/news"
)

// NotFeedError: what was read is not an RSS or Atom feed.
type NotFeedError struct{ Err error }

func (e *NotFeedError) Error() string { return "not an RSS or Atom feed: " + e.Err.Error() }
func (e *NotFeedError) Unwrap() error { return e.Err }

// Reason names it for the log.
func (e *NotFeedError) Reason() string { return "not_a_feed" }

// ParseFeed reads an RSS or Atom feed; each item becomes an article, its
// HTML reduced to paragraphs of text. Items without a title or text, or
// with more text than an article may hold, are left out.
func ParseFeed(r io.Reader) ([]news.Article, error) {
	arts, _, err := parseFeed(r)
	return arts, err
}

// parseFeed is ParseFeed that also says which items it left out and why.
func parseFeed(r io.Reader) ([]news.Article, []*ItemError, error) {
	f, err := gofeed.NewParser().Parse(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, nil, &NotFeedError{Err: err}
	}
	arts, skipped := feedArticles(f)
	return arts, skipped, nil
}

func feedArticles(f *gofeed.Feed) ([]news.Article, []*ItemError) {
	var arts []news.Article
	var skipped []*ItemError
	for i, it := range f.Items {
		body := it.Content
		if strings.TrimSpace(body) == "" {
			body = it.Description
		}
		a := news.Article{
			Title:    strings.TrimSpace(htmlText(it.Title)),
			Body:     htmlText(body),
			Source:   news.Source{Name: strings.TrimSpace(f.Title), URL: strings.TrimSpace(it.Link)},
			Language: "en",
		}
		if f.Language != "" {
			a.Language = strings.ToLower(strings.SplitN(f.Language, "-", 2)[0])
		}
		switch {
		case it.PublishedParsed != nil:
			a.Published = *it.PublishedParsed
		case it.UpdatedParsed != nil:
			a.Published = *it.UpdatedParsed
		}
		var why string
		switch {
		case a.Title == "":
			why = "the item has no title"
		case a.Body == "":
			why = "the item has no text"
		case len(a.Body) > MaxArticleBytes:
			why = fmt.Sprintf("the item's text is %d bytes, more than the %d an article may hold", len(a.Body), MaxArticleBytes)
		}
		if why != "" {
			name := a.Source.URL
			if name == "" {
				name = fmt.Sprintf("item %d", i+1)
			}
			skipped = append(skipped, &ItemError{Source: name, Err: errors.New(why)})
			continue
		}
		a.ID = articleID(a)
		arts = append(arts, a)
	}
	return arts, skipped
}

// htmlText returns the text of an HTML fragment, block elements separated
// by blank lines. Plain text passes through unchanged.
func htmlText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.TrimSpace(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var sb strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tidyParagraphs(sb.String())
		case html.TextToken:
			if skip == 0 {
				sb.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				if z.Token().Type == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
			case "p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "tr":
				sb.WriteString("\n\n")
			}
		}
	}
}

func tidyParagraphs(s string) string {
	var out []string
	for _, p := range strings.Split(s, "\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// FetchFeed gets a feed over HTTP, sending the validators of the last fetch;
// notModified is true on 304.
func FetchFeed(ctx context.Context, client *http.Client, url, etag, lastModified string) (arts []news.Article, newETag, newLastModified string, notModified bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", "", false, fmt.Errorf("feed %s: %w", url, err)
	}
	req.Header.Set("User-Agent", "newsdesk (+feed poller)")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", "", false, fmt.Errorf("fetch feed %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return nil, etag, lastModified, true, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", "", false, fmt.Errorf("fetch feed %s: HTTP %s", url, resp.Status)
	}
	arts, err = ParseFeed(resp.Body)
	if err != nil {
		return nil, "", "", false, fmt.Errorf("feed %s: %w", url, err)
	}
	return arts, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), false, nil
}
