package console

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/bot/digest"
	"github.com/newsdesk/newsdesk/news"
)

// Prompt is printed before each command when the input is interactive.
const Prompt = "newsdesk> "

// DefaultWidth is the line width when the terminal's is unknown.
const DefaultWidth = 80

// Options shape a console session.
type Options struct {
	Interactive bool // print the greeting and a prompt before each line
	Color       bool // matched words in bold
	Width       int  // wrap at this many columns; <= 0 means DefaultWidth
	// ChartDir is where a chart (trend) is written as a PNG file; empty:
	// charts are described, not written.
	ChartDir string
}

// Run reads commands from in, one a line, and writes rendered replies to
// out until in ends, the user types quit or exit, or ctx is done. The width
// is the terminal's when out is one, else DefaultWidth.
func Run(ctx context.Context, h bot.Handler, in io.Reader, out io.Writer, interactive, color bool) error {
	return RunOptions(ctx, h, in, out, Options{Interactive: interactive, Color: color, Width: Width(out)})
}

// RunOptions is Run with every option given. It returns as soon as ctx is
// done (Ctrl-C), even while a read is blocked, and ends an interactive
// session with a newline so that the shell's prompt starts on its own line.
func RunOptions(ctx context.Context, h bot.Handler, in io.Reader, out io.Writer, o Options) error {
	type line struct {
		text string
		err  error
		eof  bool
	}
	lines := make(chan line)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 0, 4096), 64<<10)
		for sc.Scan() {
			select {
			case lines <- line{text: sc.Text()}:
			case <-stop:
				return
			}
		}
		select {
		case lines <- line{err: sc.Err(), eof: true}:
		case <-stop:
		}
	}()
	if o.Interactive {
		fmt.Fprintln(out, "newsdesk console: type help, or a search such as APT31. quit to leave.")
		fmt.Fprint(out, Prompt)
	}
	for {
		var l line
		select {
		case <-ctx.Done():
			if o.Interactive {
				fmt.Fprintln(out)
			}
			return nil
		case l = <-lines:
		}
		if l.eof {
			if o.Interactive {
				fmt.Fprintln(out) // Ctrl-D: leave the shell's prompt on a line of its own
			}
			if l.err != nil {
				return fmt.Errorf("read console input: %w", l.err)
			}
			return nil
		}
		text := strings.TrimSpace(l.text)
		switch strings.ToLower(text) {
		case "":
		case "quit", "exit", `\q`:
			return nil
		default:
			r := h.Handle(ctx, bot.Request{Platform: "console", Channel: "local", User: "local", Text: text})
			if ctx.Err() != nil {
				if o.Interactive {
					fmt.Fprintln(out)
				}
				return nil
			}
			fmt.Fprint(out, RenderWidth(r, o.Color, o.Width))
			if r.Chart != nil {
				fmt.Fprintln(out, chartLine(o.ChartDir, r.Chart))
			}
		}
		if o.Interactive {
			fmt.Fprint(out, Prompt)
		}
	}
}

// chartLine writes c into dir and says where, or says how to save it.
func chartLine(dir string, c *bot.Chart) string {
	if dir == "" {
		return "(The chart is an image: newsdesk ask \"trend …\" --png FILE saves it.)"
	}
	path, err := SaveChart(filepath.Join(dir, c.Name), c)
	if err != nil {
		return "error: " + oneLine(err.Error())
	}
	return "Chart written to " + path
}

// SaveChart writes the chart's PNG to path (replacing an earlier file of
// that name) and returns the absolute path.
func SaveChart(path string, c *bot.Chart) (string, error) {
	if c == nil || len(c.PNG) == 0 {
		return "", fmt.Errorf("save chart %s: the answer holds no chart", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("save chart %s: %w", path, err)
	}
	if err := os.WriteFile(abs, c.PNG, 0o644); err != nil {
		return "", fmt.Errorf("save chart: %w", err)
	}
	return abs, nil
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

// oneLine cleans s and joins its lines.
func oneLine(s string) string { return strings.Join(strings.Fields(Clean(s)), " ") }

const (
	bold  = "\x1b[1m"
	reset = "\x1b[0m"
)

// Render formats a reply as plain text at DefaultWidth. With color,
// matched words are bold.
func Render(r bot.Reply, color bool) string { return RenderWidth(r, color, DefaultWidth) }

// RenderWidth formats a reply as plain text wrapped at width columns
// (DefaultWidth when width <= 0). Lines break between words only: no word
// and no article id is split; a word longer than the line (a long URL)
// stands on a line of its own, where the terminal's own wrapping keeps it
// one link. Statements are grouped by article: the article's headline,
// outlet, date, show id and link once, then its statements.
func RenderWidth(r bot.Reply, color bool, width int) string {
	if width <= 0 {
		width = DefaultWidth
	}
	w := &writer{width: width, color: color}
	if r.Kind == bot.KindError {
		w.para("error: "+oneLine(r.Text), "", "       ")
		return w.String()
	}
	if r.Title != "" {
		w.para("== "+oneLine(r.Title)+" ==", "", "   ")
	}
	for _, f := range r.Fields {
		w.para(oneLine(f.Label)+": "+oneLine(f.Value), "", "  ")
	}
	if r.Text != "" {
		for _, l := range strings.Split(Clean(r.Text), "\n") {
			w.para(strings.Join(strings.Fields(l), " "), "", "  ")
		}
	}
	n := 0
	for _, sec := range r.Sections {
		if sec.Heading != "" {
			w.blank()
			w.para("-- "+oneLine(sec.Heading)+" --", "", "   ")
		}
		for _, g := range sec.Groups() {
			indent := ""
			if g.HasHeader() && r.Kind != bot.KindArticle {
				w.blank()
				writeHeader(w, g)
				indent = "  "
			}
			for _, it := range g.Items {
				if it.Kind == "" && Who(it) == "" {
					// an article hit: its snippet under its header
					if it.Text != "" {
						w.words(w.marked(it.Text, it.Marks, false), indent, indent)
					}
					continue
				}
				n++
				writeItem(w, indent, fmt.Sprintf("%d. ", n), it)
			}
		}
	}
	var foot []string
	if r.Footer != "" {
		foot = append(foot, oneLine(r.Footer))
	}
	if r.Pages > 1 {
		foot = append(foot, fmt.Sprintf("Page %d of %d.", r.Page, r.Pages))
	}
	if r.Next != "" {
		foot = append(foot, "Next: "+oneLine(r.Next))
	}
	if len(foot) > 0 {
		w.blank()
		w.para(strings.Join(foot, " "), "", "")
	}
	return w.String()
}

// writeHeader prints an article's header: headline, then outlet · date ·
// show id, then the link.
func writeHeader(w *writer, g bot.Group) {
	title := oneLine(g.Title)
	if title == "" {
		title = "(untitled article)"
	}
	w.para("■ "+title, "", "  ")
	var meta []string
	if s := oneLine(g.SourceName); s != "" {
		meta = append(meta, s)
	}
	if !g.Date.IsZero() {
		meta = append(meta, g.Date.Format("2 Jan 2006"))
	}
	if id := oneLine(g.ArticleID); id != "" {
		meta = append(meta, "show\u00a0"+id)
	}
	if len(meta) > 0 {
		w.para(strings.Join(meta, " · "), "  ", "  ")
	}
	if u := oneLine(g.URL); u != "" {
		w.para(u, "  ", "  ")
	}
}

// writeItem prints one statement and its answers.
func writeItem(w *writer, indent, num string, it bot.Item) {
	hang := indent + strings.Repeat(" ", len([]rune(num)))
	w.para(num+headLine(it, false), indent, hang)
	if len(it.Targets) > 0 {
		w.para("Targets: "+oneLine(strings.Join(it.Targets, ", ")), hang, hang+"  ")
	}
	if it.Text != "" {
		w.words(w.marked(it.Text, it.Marks, true), hang, hang+" ")
	}
	if rb := it.ReportedBy(); rb != "" {
		w.para(oneLine(rb), hang, hang+"  ")
	}
	for _, ans := range it.Answers {
		ah := hang + "  "
		other := !bot.SameArticle(it, ans)
		w.para("↳ "+headLine(ans, other), hang, ah)
		if ans.Text != "" {
			w.words(w.marked(ans.Text, ans.Marks, true), ah, ah+" ")
		}
		if other {
			src := oneLine(ans.Title)
			if s := oneLine(ans.SourceName); s != "" {
				src = strings.TrimSpace(src + " (" + s + ")")
			}
			if id := oneLine(ans.ArticleID); id != "" {
				src += " · show\u00a0" + id
			}
			if strings.TrimSpace(src) != "" {
				w.para(src, ah, ah)
			}
			if u := oneLine(ans.URL); u != "" {
				w.para(u, ah, ah)
			}
		}
	}
}

// headLine is "[KIND] who · confidence · event date" (and the publication
// date when the item is not under its article's header).
func headLine(it bot.Item, withDate bool) string {
	var parts []string
	head := ""
	if it.Kind != "" {
		head = "[" + strings.ToUpper(string(it.Kind)) + "] "
	}
	parts = append(parts, head+oneLine(Who(it)))
	if it.Confidence != "" {
		parts = append(parts, oneLine(it.Confidence))
	}
	if withDate && !it.Date.IsZero() {
		parts = append(parts, it.Date.Format("2 Jan 2006"))
	}
	if e := oneLine(it.EventDate); e != "" {
		parts = append(parts, "event\u00a0"+e)
	}
	return strings.TrimSpace(strings.Join(parts, " · "))
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

// writer collects wrapped lines.
type writer struct {
	strings.Builder
	width   int
	color   bool
	blankOK bool // the last line was not blank
}

func (w *writer) line(s string) {
	w.WriteString(strings.TrimRight(s, " ") + "\n")
	w.blankOK = true
}

func (w *writer) blank() {
	if w.blankOK {
		w.WriteString("\n")
		w.blankOK = false
	}
}

// para wraps plain text: the first line starts with first, the following
// ones with rest. Non-breaking spaces join words that must stay together
// ("show c99146a222ac"); they are printed as spaces.
func (w *writer) para(text, first, rest string) {
	w.words(strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) && r != '\u00a0' }), first, rest)
}

// words lays out words (which may carry invisible escape sequences) on
// lines of at most w.width visible columns.
func (w *writer) words(words []string, first, rest string) {
	if len(words) == 0 {
		return
	}
	cur := first
	curLen := visible(first)
	empty := true
	for _, wd := range words {
		n := visible(wd)
		if !empty && curLen+1+n > w.width {
			w.line(cur)
			cur, curLen, empty = rest, visible(rest), true
		}
		if !empty {
			cur += " "
			curLen++
		}
		cur += strings.ReplaceAll(wd, "\u00a0", " ")
		curLen += n
		empty = false
	}
	w.line(cur)
}

// visible counts the columns a string takes: runes, less escape sequences.
func visible(s string) int {
	n := 0
	esc := false
	for _, r := range s {
		switch {
		case esc:
			if r >= '@' && r <= '~' && r != '[' {
				esc = false
			}
		case r == '\x1b':
			esc = true
		default:
			n++
		}
	}
	return n
}

// marked cleans a sentence into words, in quotation marks when quote is
// set (its own double quotes becoming single ones, so quotes never nest)
// and, with color, with each marked word in bold.
func (w *writer) marked(text string, marks [][2]int, quote bool) []string {
	text = Clean(text)
	if quote {
		text, marks = bot.NormaliseQuotes(text, marks)
	}
	bolds := make([]bool, len(text))
	if w.color {
		for _, m := range marks {
			if m[0] < 0 || m[1] > len(text) || m[0] >= m[1] {
				continue
			}
			for i := m[0]; i < m[1]; i++ {
				bolds[i] = true
			}
		}
	}
	var out []string
	var cur strings.Builder
	on := false
	flush := func() {
		if cur.Len() > 0 {
			if on {
				cur.WriteString(reset)
				on = false
			}
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i, r := range text {
		if unicode.IsSpace(r) {
			flush()
			continue
		}
		if bolds[i] != on {
			if bolds[i] {
				cur.WriteString(bold)
			} else {
				cur.WriteString(reset)
			}
			on = bolds[i]
		}
		cur.WriteRune(r)
	}
	flush()
	if quote && len(out) > 0 {
		out[0] = "“" + out[0]
		out[len(out)-1] += "”"
	}
	return out
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
	// Sources are every article that carried the claim, earliest first,
	// when more than one did.
	Sources []JSONSource `json:"sources,omitempty"`
}

// JSONSource is one article that carried a claim.
type JSONSource struct {
	SourceName string    `json:"source_name"`
	SourceURL  string    `json:"source_url"`
	Published  time.Time `json:"published"`
	ArticleID  string    `json:"article_id"`
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
	Chart  *JSONChart  `json:"chart,omitempty"`
}

// JSONChart names a chart answer's image and says what it shows (the PNG
// itself is written with ask --png FILE).
type JSONChart struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
	File    string `json:"file,omitempty"` // where --png wrote it
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
	if r.Chart != nil {
		out.Chart = &JSONChart{Name: r.Chart.Name, Summary: r.Chart.Alt}
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
	for _, r := range it.Sources {
		h.Sources = append(h.Sources, JSONSource{SourceName: r.SourceName, SourceURL: r.URL, Published: r.Date, ArticleID: r.ArticleID})
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
func WriteJSON(w io.Writer, r bot.Reply) error { return WriteJSONReply(w, JSON(r)) }

// WriteJSONReply writes j, indented, to w.
func WriteJSONReply(w io.Writer, j JSONReply) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(j)
}

// Poster prints digests to a writer (the console's output): the console's
// digest.Poster. It keeps no history, so a slot is never found posted.
type Poster struct {
	mu sync.Mutex
	w  io.Writer
}

var _ digest.Poster = (*Poster)(nil)

// NewPoster prints to w.
func NewPoster(w io.Writer) *Poster { return &Poster{w: w} }

// Post prints the digest.
func (p *Poster) Post(_ context.Context, _ string, r bot.Reply, slot string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, Render(r, false))
	return "console:" + slot, nil
}

// FindSlot finds nothing: the console keeps no history.
func (p *Poster) FindSlot(context.Context, string, string) (string, bool, error) {
	return "", false, nil
}
