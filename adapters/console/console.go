package console

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/news"
)

// Handler answers one command; *bot.Bot satisfies it.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) bot.Reply
}

// Prompt is printed before each command when the input is interactive.
const Prompt = "newsdesk> "

// Run reads commands from in, one a line, and writes rendered replies to
// out until in ends, the user types quit or exit, or ctx is done.
func Run(ctx context.Context, h Handler, in io.Reader, out io.Writer, interactive, color bool) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	if interactive {
		fmt.Fprintln(out, "newsdesk console: type help, or a search such as APT31. quit to leave.")
		fmt.Fprint(out, Prompt)
	}
	for sc.Scan() {
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		switch strings.ToLower(line) {
		case "":
		case "quit", "exit", `\q`:
			return nil
		default:
			r := h.Handle(ctx, bot.Request{Platform: "console", Channel: "local", User: "local", Text: line})
			fmt.Fprint(out, Render(r, color))
		}
		if interactive {
			fmt.Fprint(out, Prompt)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read console input: %w", err)
	}
	return nil
}

// Clean removes control characters (terminal escape sequences among them)
// from untrusted text, keeping newlines and tabs.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, s)
}

const (
	bold  = "\x1b[1m"
	reset = "\x1b[0m"
)

// Render formats a reply as plain text. With color, matched words are bold.
func Render(r bot.Reply, color bool) string {
	var sb strings.Builder
	if r.Kind == bot.KindError {
		sb.WriteString("error: " + Clean(r.Text) + "\n")
		return sb.String()
	}
	if r.Title != "" {
		sb.WriteString("== " + Clean(r.Title) + " ==\n")
	}
	for _, f := range r.Fields {
		fmt.Fprintf(&sb, "%s: %s\n", Clean(f.Label), Clean(f.Value))
	}
	if r.Text != "" {
		sb.WriteString(Clean(r.Text) + "\n")
	}
	n := 0
	for _, sec := range r.Sections {
		if sec.Heading != "" {
			sb.WriteString("\n-- " + Clean(sec.Heading) + " --\n")
		}
		for _, it := range sec.Items {
			n++
			writeItem(&sb, fmt.Sprintf("%d. ", n), it, color)
			for _, ans := range it.Answers {
				writeItem(&sb, "    ↳ ", ans, color)
			}
		}
	}
	var foot []string
	if r.Footer != "" {
		foot = append(foot, Clean(r.Footer))
	}
	if r.Pages > 1 {
		foot = append(foot, fmt.Sprintf("Page %d of %d.", r.Page, r.Pages))
	}
	if r.Next != "" {
		foot = append(foot, "Next: "+Clean(r.Next))
	}
	if len(foot) > 0 {
		sb.WriteString("\n" + strings.Join(foot, " ") + "\n")
	}
	return sb.String()
}

func writeItem(sb *strings.Builder, prefix string, it bot.Item, color bool) {
	indent := strings.Repeat(" ", len([]rune(prefix)))
	sb.WriteString(prefix)
	if it.Kind != "" {
		sb.WriteString("[" + strings.ToUpper(string(it.Kind)) + "] ")
	}
	sb.WriteString(Clean(Who(it)))
	var meta []string
	if it.Confidence != "" {
		meta = append(meta, Clean(it.Confidence))
	}
	if !it.Date.IsZero() {
		meta = append(meta, it.Date.Format("2 Jan 2006"))
	}
	if len(meta) > 0 {
		sb.WriteString(" · " + strings.Join(meta, " · "))
	}
	sb.WriteString("\n")
	if it.Text != "" {
		sb.WriteString(indent + "\"" + marked(it.Text, it.Marks, color) + "\"\n")
	}
	src := Clean(it.Title)
	if it.SourceName != "" {
		src += " (" + Clean(it.SourceName) + ")"
	}
	if it.URL != "" {
		src += " " + Clean(it.URL)
	}
	if it.ArticleID != "" {
		src += "  [show " + Clean(it.ArticleID) + "]"
	}
	if strings.TrimSpace(src) != "" {
		sb.WriteString(indent + strings.TrimSpace(src) + "\n")
	}
}

// Who says "speaker (countries) → accused" for an item, as far as known.
func Who(it bot.Item) string {
	var sb strings.Builder
	sb.WriteString(it.Speaker)
	if len(it.SpeakerCountry) > 0 {
		if it.Speaker != "" {
			sb.WriteString(" ")
		}
		sb.WriteString("(" + strings.Join(it.SpeakerCountry, ", ") + ")")
	}
	if sb.Len() == 0 && it.Kind != "" {
		sb.WriteString("unattributed")
	}
	if len(it.Accused) > 0 {
		sb.WriteString(" → " + strings.Join(it.Accused, ", "))
	}
	return sb.String()
}

// marked cleans text and, with color, makes the marked byte ranges bold.
func marked(text string, marks [][2]int, color bool) string {
	if !color || len(marks) == 0 {
		return Clean(text)
	}
	var sb strings.Builder
	pos := 0
	for _, m := range marks {
		if m[0] < pos || m[1] > len(text) || m[0] >= m[1] {
			continue
		}
		sb.WriteString(Clean(text[pos:m[0]]))
		sb.WriteString(bold + Clean(text[m[0]:m[1]]) + reset)
		pos = m[1]
	}
	sb.WriteString(Clean(text[pos:]))
	return sb.String()
}

// JSONHit is one hit in the --json output. The shape is public and stable:
// see the README.
type JSONHit struct {
	ArticleID      string    `json:"article_id"`
	Title          string    `json:"title"`
	Published      time.Time `json:"published"`
	SourceName     string    `json:"source_name"`
	SourceURL      string    `json:"source_url"`
	Kind           news.Kind `json:"kind"`
	Speaker        string    `json:"speaker"`
	SpeakerCountry []string  `json:"speaker_country"`
	Accused        []string  `json:"accused"`
	Targets        []string  `json:"targets"`
	Confidence     string    `json:"confidence"`
	EventDate      string    `json:"event_date"`
	Sentence       string    `json:"sentence"`
	Section        string    `json:"section,omitempty"`
	Answers        []JSONHit `json:"answers,omitempty"`
}

// JSONField is a labelled value of a reply (show, actor).
type JSONField struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// JSONReply is the --json form of a reply.
type JSONReply struct {
	OK     bool        `json:"ok"`
	Error  string      `json:"error,omitempty"`
	Title  string      `json:"title,omitempty"`
	Text   string      `json:"text,omitempty"`
	Fields []JSONField `json:"fields,omitempty"`
	Hits   []JSONHit   `json:"hits"`
	Page   int         `json:"page,omitempty"`
	Pages  int         `json:"pages,omitempty"`
	Next   string      `json:"next,omitempty"`
	Footer string      `json:"footer,omitempty"`
}

// JSON converts a reply to its stable JSON form.
func JSON(r bot.Reply) JSONReply {
	out := JSONReply{OK: r.Kind != bot.KindError, Title: r.Title, Text: r.Text, Hits: []JSONHit{},
		Page: r.Page, Pages: r.Pages, Next: r.Next, Footer: r.Footer}
	if r.Kind == bot.KindError {
		out.Error, out.Text = r.Text, ""
	}
	for _, f := range r.Fields {
		out.Fields = append(out.Fields, JSONField{Label: f.Label, Value: f.Value})
	}
	for _, sec := range r.Sections {
		for _, it := range sec.Items {
			h := jsonHit(it)
			h.Section = sec.Heading
			out.Hits = append(out.Hits, h)
		}
	}
	return out
}

func jsonHit(it bot.Item) JSONHit {
	h := JSONHit{ArticleID: it.ArticleID, Title: it.Title, Published: it.Date, SourceName: it.SourceName, SourceURL: it.URL,
		Kind: it.Kind, Speaker: it.Speaker, SpeakerCountry: nz(it.SpeakerCountry), Accused: nz(it.Accused), Targets: nz(it.Targets),
		Confidence: it.Confidence, EventDate: it.EventDate, Sentence: it.Text}
	for _, a := range it.Answers {
		h.Answers = append(h.Answers, jsonHit(a))
	}
	return h
}

func nz(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WriteJSON writes the reply's JSON form, indented, to w.
func WriteJSON(w io.Writer, r bot.Reply) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(JSON(r))
}
