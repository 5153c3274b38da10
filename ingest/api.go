package ingest

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/news"
)

// MaxRequestBytes caps one ingestion request.
const MaxRequestBytes = 16 << 20

// API is the authenticated HTTP ingestion endpoint, POST /api/v1/articles.
// It accepts a JSON object or array of records (application/json), JSON
// Lines (application/x-ndjson), or one text/Markdown article (text/plain,
// text/markdown; ?name= dates it like a file name). It answers only after
// the articles are durable: 200 with what was added, or an error status and
// nothing acknowledged.
//
// With Admit set, a request takes a slot before its body is read: when
// none frees within QueueWait (or every slot and the queue are full) it is
// answered 429 with Retry-After and nothing is read or acknowledged.
type API struct {
	In    Store
	Token string // bearer token; required
	Log   *slog.Logger
	// Admit bounds the ingestion requests worked on at once (nil:
	// unbounded). serve passes an *admit.Pool of its own.
	Admit Admitter
	// QueueWait is how long a request may wait for a slot (default 2s).
	QueueWait time.Duration
	// RetryAfter is what a 429 tells the client to wait (default 5s;
	// rounded up to whole seconds).
	RetryAfter time.Duration
}

// Admitter hands out a slot for one request's work, waiting while ctx
// lasts; any error means no slot. *admit.Pool satisfies it.
type Admitter interface {
	Acquire(ctx context.Context) (release func(), err error)
}

// Defaults of the API's admission control.
const (
	DefaultQueueWait  = 2 * time.Second
	DefaultRetryAfter = 5 * time.Second
)

// admit takes a slot for the request, or answers 429 and returns ok=false.
func (h *API) admit(w http.ResponseWriter, r *http.Request, log *slog.Logger) (release func(), ok bool) {
	if h.Admit == nil {
		return func() {}, true
	}
	wait := h.QueueWait
	if wait <= 0 {
		wait = DefaultQueueWait
	}
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	release, err := h.Admit.Acquire(ctx)
	if err == nil {
		return release, true
	}
	after := h.RetryAfter
	if after <= 0 {
		after = DefaultRetryAfter
	}
	secs := int((after + time.Second - 1) / time.Second)
	log.Warn("ingest API: saturated; request refused with 429", "retry_after_s", secs, "err", err, "remote", r.RemoteAddr)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	httpError(w, http.StatusTooManyRequests, fmt.Sprintf("newsdesk is busy ingesting: nothing was read or acknowledged; retry in %d s", secs))
	return nil, false
}

// Store makes parsed articles durable and searchable, answering only once
// they are. *Ingester satisfies it.
type Store interface {
	IngestAs(ctx context.Context, kind, source string, arts []news.Article) (Result, error)
}

// DiskFull reports whether err comes from a full disk (ENOSPC) anywhere in
// its chain.
func DiskFull(err error) bool { return errors.Is(err, syscall.ENOSPC) }

type apiError struct {
	Line  int    `json:"line,omitempty"`
	Error string `json:"error"`
}

type apiResult struct {
	Added     []string   `json:"added"`
	Updated   []string   `json:"updated"`
	Unchanged []string   `json:"unchanged"`
	Errors    []apiError `json:"errors"`
}

func (h *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := h.Log
	if log == nil {
		log = slog.Default()
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		httpError(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if h.Token == "" || !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(h.Token)) != 1 {
		log.Warn("ingest API: refused request without a valid token", "remote", r.RemoteAddr)
		w.Header().Set("WWW-Authenticate", `Bearer realm="newsdesk"`)
		httpError(w, http.StatusUnauthorized, "missing or wrong bearer token: send Authorization: Bearer $NEWSDESK_API_TOKEN")
		return
	}
	release, ok := h.admit(w, r, log)
	if !ok {
		return
	}
	defer release()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request larger than %d bytes: send fewer articles per request", MaxRequestBytes))
			return
		}
		httpError(w, http.StatusBadRequest, "could not read the request body")
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var res Result
	var errs []*ItemError
	switch ct {
	case "application/json":
		parsed, perrs := parseJSONBody(body)
		errs = perrs
		res, err = h.In.IngestAs(r.Context(), FromAPI, "request", parsed)
	case "application/x-ndjson", "application/jsonl", "application/x-jsonlines":
		parsed, perrs := ParseJSONL("request", bytes.NewReader(body))
		errs = perrs
		res, err = h.In.IngestAs(r.Context(), FromAPI, "request", parsed)
	case "text/plain", "text/markdown":
		a, perr := ParseText(r.URL.Query().Get("name"), body)
		if perr != nil {
			errs = append(errs, &ItemError{Source: "request", Err: perr})
			break
		}
		res, err = h.In.IngestAs(r.Context(), FromAPI, "request", toSlice(a))
	default:
		httpError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json, application/x-ndjson, text/plain or text/markdown")
		return
	}
	switch {
	case err != nil && DiskFull(err):
		log.Error("ingest API: the disk is full (ENOSPC); ingestion refused and nothing acknowledged, searches keep answering from what was committed: free space in the data directory", "err", err)
		w.Header().Set("Retry-After", "300")
		httpError(w, http.StatusServiceUnavailable, "newsdesk's disk is full: nothing was acknowledged; retry once an operator has freed space")
		return
	case err != nil:
		log.Error("ingest API: store failed; nothing acknowledged", "err", err)
		httpError(w, http.StatusServiceUnavailable, "the index could not store the articles; nothing was acknowledged: retry later")
		return
	}
	out := apiResult{Added: nonNil(res.Added), Updated: nonNil(res.Updated), Unchanged: nonNil(res.Unchanged), Errors: []apiError{}}
	for _, e := range append(errs, res.Errors...) {
		out.Errors = append(out.Errors, apiError{Line: e.Line, Error: e.Err.Error()})
	}
	status := http.StatusOK
	if len(out.Added)+len(out.Updated)+len(out.Unchanged) == 0 && len(out.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	log.Info("ingest API", "added", len(out.Added), "updated", len(out.Updated), "unchanged", len(out.Unchanged), "refused", len(out.Errors))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}

func toSlice[T any](v T) []T { return []T{v} }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// parseJSONBody accepts one record or an array of records. An error's line
// is the element's position in the array (1 for the first), counting every
// element, parsable or not. Text that is not UTF-8 is refused, as in JSON
// Lines and text (encoding/json would silently replace it).
func parseJSONBody(b []byte) ([]news.Article, []*ItemError) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			if !utf8.Valid(b) {
				return nil, []*ItemError{{Source: "request", Err: checkText(b)}}
			}
			return nil, []*ItemError{{Source: "request", Err: fmt.Errorf("not a JSON array of records: %v", err)}}
		}
		var arts []news.Article
		var errs []*ItemError
		for i, m := range raw {
			a, err := recordArticle(m)
			if err != nil {
				errs = append(errs, &ItemError{Source: "request", Line: i + 1, Err: fmt.Errorf("record %d: %w", i+1, err)})
				continue
			}
			arts = append(arts, a)
		}
		return arts, errs
	}
	a, err := recordArticle(b)
	if err != nil {
		return nil, []*ItemError{{Source: "request", Err: err}}
	}
	return []news.Article{a}, nil
}

// recordArticle parses one JSON record into an article.
func recordArticle(m []byte) (news.Article, error) {
	if !utf8.Valid(m) {
		return news.Article{}, ErrNotUTF8
	}
	var rec Record
	if err := json.Unmarshal(m, &rec); err != nil {
		return news.Article{}, fmt.Errorf("not a JSON record: %v", err)
	}
	return rec.Article()
}

func httpError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
