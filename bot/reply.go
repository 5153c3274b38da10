package bot

import (
	"time"

	"github.com/newsdesk/newsdesk/news"
)

// ReplyKind tells a renderer what sort of answer a Reply is.
type ReplyKind int

// Reply kinds.
const (
	KindMessage ReplyKind = iota // plain text: help, confirmations
	KindResults                  // search or latest hits
	KindArticle                  // one article with its statements
	KindActor                    // an actor profile and its timeline
	KindDigest                   // a channel digest
	KindError                    // a user-facing error: Text is one line naming the problem and the right form
	KindChart                    // a trend chart: Chart holds the image, Text says what it shows
)

// Chart is an image answer (trend): a PNG with a file name and a text
// that says what it shows, for fronts and readers that cannot see it.
type Chart struct {
	Name string // file name, e.g. newsdesk-trend-actor-apt31.png
	PNG  []byte `json:"-"`
	Alt  string
}

// Reply is a platform-neutral answer. Every string in it may contain text
// from outside (articles, feeds): renderers must escape all of it for their
// platform and must never let it mention anyone.
type Reply struct {
	Kind     ReplyKind
	Title    string    // header line
	Text     string    // plain text body (help, errors, actor description)
	Fields   []Field   // short labelled values (actor: aliases, sponsor)
	Sections []Section // grouped items (search hits: one section without heading)
	Footer   string    // paging hint, "Nothing new since …", source notice
	Public   bool      // the user asked to share the answer with the channel (--share)
	Chart    *Chart    `json:",omitempty"` // KindChart: the image
	// Page and Pages describe paging for results; Next is the command that
	// shows the next page ("" when there is none).
	Page, Pages int
	Next        string

	// Command is the command's name (search, show, …; "invalid" when the
	// line did not parse) and Outcome how it ended: for metrics, never
	// shown.
	Command string  `json:"-"`
	Outcome Outcome `json:"-"`
}

// Outcome is how a command ended.
type Outcome int

// Outcomes.
const (
	Answered Outcome = iota
	Refused          // malformed or refused: the user was told why
	Failed           // something failed on newsdesk's side
	TimedOut         // the command ran out of time
	Busy             // not run: newsdesk had no room for it (admission control)
)

// BusyText is what a user is told when a command was not run because
// newsdesk was saturated: the cause is load, not the query.
const BusyText = "newsdesk is busy right now and could not run that; please try again in a minute."

// BusyReply is the reply to a command that admission control turned away.
func BusyReply() Reply {
	return Reply{Kind: KindError, Text: BusyText, Command: "unknown", Outcome: Busy}
}

// Label is the outcome label of a request metric: "inline" or "deferred"
// for an answer (as the front delivered it), else "refused", "error",
// "timeout" or "busy".
func (r Reply) Label(deferred bool) string {
	switch r.Outcome {
	case Refused:
		return "refused"
	case Failed:
		return "error"
	case TimedOut:
		return "timeout"
	case Busy:
		return "busy"
	}
	if deferred {
		return "deferred"
	}
	return "inline"
}

// CommandLabel is r's command name for metrics ("invalid" when unknown).
func (r Reply) CommandLabel() string {
	if r.Command == "" {
		return "invalid"
	}
	return r.Command
}

// Field is one labelled value.
type Field struct {
	Label string
	Value string
}

// Section is a group of items under an optional heading (a digest groups
// by accused actor).
type Section struct {
	Heading string
	Items   []Item
}

// Item is one statement or article as a reply shows it.
type Item struct {
	Kind           news.Kind // badge; "" for an article hit
	Speaker        string
	SpeakerCountry []string
	Accused        []string
	Targets        []string
	Confidence     string
	Date           time.Time // the article's publication date
	EventDate      string
	ArticleID      string
	Title          string // the article's title
	URL            string // the article's source link
	SourceName     string
	Text           string   // the sentence (or snippet)
	Marks          [][2]int // byte ranges of Text to emphasise
	Answers        []Item   // responses that answer this item (digests)
	// Sources are every article that carried this claim, earliest first
	// (the item's own article among them), when more than one did.
	Sources []Report `json:",omitempty"`
}

// Report is one article that carried a claim.
type Report struct {
	ArticleID  string
	Title      string
	SourceName string
	URL        string
	Date       time.Time
}

// Request is one command from a channel.
type Request struct {
	Platform string // "slack", "discord", "console"
	Channel  string // platform-local channel id
	User     string // platform-local user id
	Text     string // the command as typed, without the bot's mention or slash command name
}

// ChannelKey is the platform-qualified channel id, "slack:C123".
func (r Request) ChannelKey() string { return r.Platform + ":" + r.Channel }
