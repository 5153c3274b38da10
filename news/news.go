package news

import (
	"slices"
	"time"
)

// Kind is the kind of an official statement.
type Kind string

// The statement kinds. The order of Kinds is the order a digest uses.
const (
	Allegation Kind = "allegation" // a government or agency attributes an operation or accuses an actor
	Indictment Kind = "indictment" // criminal charges
	Sanction   Kind = "sanction"   // sanctions or designations imposed
	Response   Kind = "response"   // the accused side's official answer
	Other      Kind = "other"      // official statement about the affair that is none of the above
)

// Kinds lists every valid kind in digest order.
var Kinds = []Kind{Allegation, Indictment, Sanction, Response, Other}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Confidence levels on the UK Professional Head of Intelligence Assessment
// (PHIA) probability yardstick, lowest first. A statement with no stated
// confidence has the empty string.
var Confidences = []string{
	"remote chance",
	"highly unlikely",
	"unlikely",
	"realistic possibility",
	"likely",
	"highly likely",
	"almost certain",
}

// Statement is one claim or answer in an article: the unit a reporter asks
// about. The JSON shape is public (newsdesk extract --json) and stable.
type Statement struct {
	Kind           Kind     `json:"kind"`
	Speaker        string   `json:"speaker"`
	SpeakerCountry []string `json:"speaker_country"`
	Accused        []string `json:"accused"`
	Targets        []string `json:"targets"`
	Confidence     string   `json:"confidence"`
	EventDate      string   `json:"event_date"` // YYYY-MM-DD, YYYY-MM or YYYY; empty when the text gives none
	Sentence       string   `json:"sentence"`
	Offset         int      `json:"offset"` // byte offset of Sentence in the article body; -1 in the headline
	// Probability is the extraction model's probability of Kind (0 to 1).
	Probability float64 `json:"probability,omitempty"`
	// Seq is the ingestion sequence at which this statement first appeared.
	// It is the article's Seq unless an update of the article kept the
	// statement from an earlier version (0 means "the article's").
	Seq uint64 `json:"seq,omitempty"`
}

// Source names where an article came from.
type Source struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// Country is the publisher's ISO 3166-1 alpha-2 code ("EU" for the
	// bloc) when the source is an official one whose country is known (a
	// catalog feed); extraction takes it as the speaker's country when the
	// text names none. Empty otherwise.
	Country string `json:"country,omitempty"`
}

// Article is one incident summary: a news story, a press release or a
// structured record.
type Article struct {
	ID         string      `json:"id"`
	Title      string      `json:"title"`
	Body       string      `json:"body"`
	Published  time.Time   `json:"published"`
	Source     Source      `json:"source"`
	Language   string      `json:"language"`
	IngestedAt time.Time   `json:"ingested_at"`
	Seq        uint64      `json:"seq"` // ingestion sequence: the digest watermark
	Statements []Statement `json:"statements"`
	// Extractor is the Version of the extractor that produced Statements;
	// reindex re-extracts articles whose version is older.
	Extractor string `json:"extractor,omitempty"`

	// Unions of the statements' fields, for filtering and facets.
	Actors    []string `json:"actors"`
	Countries []string `json:"countries"`
	Targets   []string `json:"targets"`
	Kinds     []Kind   `json:"kinds"`
}

// Summarize fills the article's union fields (Actors, Countries, Targets,
// Kinds) from its statements, sorted and without duplicates.
func (a *Article) Summarize() {
	var actors, countries, targets []string
	var kinds []Kind
	for _, s := range a.Statements {
		actors = append(actors, s.Accused...)
		countries = append(countries, s.SpeakerCountry...)
		targets = append(targets, s.Targets...)
		kinds = append(kinds, s.Kind)
	}
	a.Actors = uniq(actors)
	a.Countries = uniq(countries)
	a.Targets = uniq(targets)
	slices.Sort(kinds)
	a.Kinds = slices.Compact(kinds)
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// Actor is one entry of the threat-actor gazetteer.
type Actor struct {
	Name        string   `json:"name"`              // canonical name, e.g. "APT31"
	Aliases     []string `json:"aliases,omitempty"` // other names, e.g. "ZIRCONIUM", "Violet Typhoon"
	Country     string   `json:"country,omitempty"` // suspected sponsor, ISO 3166-1 alpha-2
	Description string   `json:"description,omitempty"`
	References  []string `json:"references,omitempty"`
	Sources     []string `json:"sources,omitempty"` // "MITRE ATT&CK G0128", "MISP galaxy"
}

// DocType says whether an index document is an article or a statement.
type DocType string

// Document types in the index.
const (
	TypeArticle   DocType = "article"
	TypeStatement DocType = "statement"
)

// Query is a bounded, already-validated search. Zero values mean "no filter".
type Query struct {
	Text     string     // free words; "quoted phrases" allowed; already stripped of field filters
	Mentions [][]string // each inner list is one actor: canonical name first, then aliases; every actor must match (field actors or text)
	Actors   []string   // canonical actor names: statement accused (any of)
	By       []string   // speaker countries (any of)
	Kinds    []Kind     // any of
	Targets  []string   // any of, phrase match on targets
	Since    time.Time  // published on or after
	Until    time.Time  // published before
	AfterSeq uint64     // only documents with seq > AfterSeq (digest windows)
	UpToSeq  uint64     // when above 0, only documents with seq <= UpToSeq (what earlier digest windows held)
	Type     DocType    // default TypeStatement
	SortBy   string     // "score" (default when Text is set) or "date" (newest first) or "seq" (oldest first)
	Size     int
	From     int
	Fuzzy    bool // fuzziness 1 on free words
	// FuzzyTerms are words matched within an edit distance of their own
	// (word~ or word~1: 1, word~2: 2), each of them required, besides Text.
	FuzzyTerms []FuzzyTerm
	// TotalUpTo, when above 0, lets the search stop counting matches once
	// it knows of this many: Results.Total is then at least TotalUpTo and
	// Results.TotalAtLeast is set. 0 asks for the exact count. A caller
	// that shows only the page (latest) or "more than n" saves the cost of
	// counting every match of a broad date-sorted query.
	TotalUpTo int
}

// Facets count the statements matching a query per kind, per speaker
// country (the accuser) and per accused actor, the most frequent first.
// Terms are as the index keeps them: lower case.
type Facets struct {
	Total  uint64 // statements matching the query
	Kinds  []Count
	By     []Count
	Actors []Count
	// OtherBy and OtherActors count, over the matching statements, the
	// values beyond the top terms (a statement with two accused counts
	// under each).
	OtherBy, OtherActors uint64
}

// Count is one term of a facet and the statements that carry it.
type Count struct {
	Term string
	N    uint64
}

// FuzzyTerm is one word and the edit distance (1 or 2) it may be off by.
type FuzzyTerm struct {
	Word     string
	Distance int
}

// Hit is one search result: a statement (with its article's title, date and
// link) or an article.
type Hit struct {
	ID        string
	ArticleID string
	Title     string
	Published time.Time
	Source    Source
	Seq       uint64
	Score     float64
	Statement *Statement // nil for article hits
	Snippet   string     // for article hits: a short passage of the body
	Marks     [][2]int   // byte ranges in Statement.Sentence (or Snippet) that matched the query
}

// Results is a page of hits.
type Results struct {
	Total uint64
	// TotalAtLeast says Total is a lower bound: counting stopped at
	// Query.TotalUpTo matches and more may match.
	TotalAtLeast bool
	Hits         []Hit
	Took         time.Duration
}

// Mention is one occurrence of an actor's name or alias in text. Start and
// End are byte offsets; Text is text[Start:End].
type Mention struct {
	Actor      Actor
	Start, End int
	Text       string
}

// Document is what an extractor reads of an article.
type Document struct {
	ID        string    // names the document in errors; optional
	Title     string    // the headline; statements in it have Offset -1
	Body      string    // the text after the headline; Offsets index it
	Published time.Time // resolves dates without a year and weekdays
	// Publisher names the issuing body when the document is a primary
	// source ("The White House", "NCSC"); first-person statements are
	// attributed to it. Optional.
	Publisher string
	// PublisherCountry is the publisher's country code when the source is
	// known to be an official body of that state or bloc (a catalog feed):
	// the publisher is then credited as official whatever its name, and its
	// country is the speaker's when the text names none ("the ministry
	// said ..."). Optional.
	PublisherCountry string
}

// Document returns what an extractor reads of a: its source's name is the
// publisher, credited with first-person statements when it is official.
func (a Article) Document() Document {
	return Document{ID: a.ID, Title: a.Title, Body: a.Body, Published: a.Published, Publisher: a.Source.Name, PublisherCountry: a.Source.Country}
}

// DocumentError is an extractor's refusal of one document of a batch.
type DocumentError struct {
	Index int    // position in the batch
	ID    string // the document's ID
	Err   error
}

func (e *DocumentError) Error() string {
	if e.ID != "" {
		return "document " + e.ID + ": " + e.Err.Error()
	}
	return e.Err.Error()
}

func (e *DocumentError) Unwrap() error { return e.Err }

// Interval is a span of publication time, Start included, End excluded: a
// bucket of a trend chart.
type Interval struct {
	Start, End time.Time
}
