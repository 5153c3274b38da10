package corpusgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

// DefaultEnd is the newest publication date of a generated corpus unless
// Options.End says otherwise (a fixed date: the corpus must not depend on
// when it is generated).
var DefaultEnd = time.Date(2026, 6, 30, 18, 0, 0, 0, time.UTC)

// Options says what to generate.
type Options struct {
	Seed       uint64
	Statements int       // statements in all; the last article is cut to fit
	End        time.Time // newest publication date; default DefaultEnd
	Years      int       // publication dates spread over this many years before End; default 10
}

// Kind proportions of statements (besides the first of an article, which
// is what made it news: never a response).
var kindMix = weights[news.Kind]{
	{news.Allegation, 42}, {news.Response, 20}, {news.Sanction, 13}, {news.Indictment, 10}, {news.Other, 15},
}

// Accusing governments and blocs, by how often they speak.
var accusers = weights[string]{
	{"US", 40}, {"GB", 14}, {"EU", 7}, {"AU", 5}, {"CA", 4}, {"NZ", 3}, {"JP", 3}, {"DE", 3}, {"FR", 3},
	{"NL", 2}, {"UA", 3}, {"KR", 2}, {"NATO", 2}, {"CZ", 1}, {"PL", 1}, {"EE", 1}, {"SE", 1}, {"TW", 1}, {"IN", 1}, {"IL", 1},
}

// speakers of each accusing side; a country without a list speaks through
// its government.
var speakers = map[string][]string{
	"US":   {"The White House", "Press Secretary", "National Security Council spokesperson", "Department of Justice", "Attorney General", "Treasury Department", "Office of Foreign Assets Control", "State Department spokesperson", "Secretary of State", "FBI", "CISA", "NSA"},
	"GB":   {"NCSC", "Foreign Secretary", "Foreign, Commonwealth and Development Office", "Deputy Prime Minister", "Home Office", "Oliver Dowden"},
	"EU":   {"Council of the EU", "EU High Representative", "European Commission"},
	"AU":   {"Australian Signals Directorate", "Minister for Foreign Affairs"},
	"CA":   {"Communications Security Establishment", "Global Affairs Canada"},
	"NZ":   {"GCSB", "NCSC New Zealand", "Minister Responsible for the GCSB"},
	"JP":   {"National Police Agency", "Chief Cabinet Secretary"},
	"DE":   {"Federal Foreign Office", "BfV"},
	"FR":   {"ANSSI", "Ministry for Europe and Foreign Affairs"},
	"NL":   {"AIVD", "Ministry of Foreign Affairs"},
	"UA":   {"SBU", "CERT-UA"},
	"KR":   {"National Intelligence Service"},
	"NATO": {"North Atlantic Council", "NATO Secretary General"},
}

// indicters and sanctioners: who files charges and who imposes sanctions,
// by accusing side.
var (
	indicters   = map[string][]string{"US": {"Department of Justice", "Attorney General", "FBI"}, "GB": {"Crown Prosecution Service"}}
	sanctioners = map[string][]string{"US": {"Treasury Department", "Office of Foreign Assets Control", "State Department spokesperson"}, "GB": {"Foreign, Commonwealth and Development Office", "Foreign Secretary"}, "EU": {"Council of the EU"}}
)

// responders answer for an accused state.
var responders = map[string][]string{
	"CN": {"Chinese Embassy spokesperson", "Ministry of Foreign Affairs spokesperson", "Chinese Embassy in London", "Chinese Embassy in Washington"},
	"RU": {"Kremlin spokesperson", "Russian Embassy", "Russian Foreign Ministry spokesperson"},
	"IR": {"Iranian Foreign Ministry spokesperson", "Iran's mission to the United Nations"},
	"KP": {"KCNA", "North Korean Foreign Ministry"},
	"BY": {"Belarusian Foreign Ministry"},
}

// outlets, by reach; each gets URLs under its domain.
var outlets = weights[news.Source]{
	{news.Source{Name: "Reuters", URL: "https://www.reuters.com"}, 14},
	{news.Source{Name: "Associated Press", URL: "https://apnews.com"}, 11},
	{news.Source{Name: "BBC News", URL: "https://www.bbc.co.uk/news"}, 8},
	{news.Source{Name: "The Record", URL: "https://therecord.media"}, 8},
	{news.Source{Name: "The Guardian", URL: "https://www.theguardian.com"}, 6},
	{news.Source{Name: "CyberScoop", URL: "https://cyberscoop.com"}, 6},
	{news.Source{Name: "BleepingComputer", URL: "https://www.bleepingcomputer.com"}, 6},
	{news.Source{Name: "Sky News", URL: "https://news.sky.com"}, 4},
	{news.Source{Name: "The White House", URL: "https://www.whitehouse.gov/briefing-room"}, 5},
	{news.Source{Name: "NCSC", URL: "https://www.ncsc.gov.uk/news"}, 3},
	{news.Source{Name: "CISA", URL: "https://www.cisa.gov/news-events"}, 3},
	{news.Source{Name: "Politico", URL: "https://www.politico.com"}, 3},
	{news.Source{Name: "Financial Times", URL: "https://www.ft.com"}, 3},
	{news.Source{Name: "Nikkei Asia", URL: "https://asia.nikkei.com"}, 2},
	{news.Source{Name: "ABC News (Australia)", URL: "https://www.abc.net.au/news"}, 2},
	{news.Source{Name: "RNZ", URL: "https://www.rnz.co.nz/news"}, 1},
	{news.Source{Name: "Kyiv Independent", URL: "https://kyivindependent.com"}, 2},
	{news.Source{Name: "Wired", URL: "https://www.wired.com"}, 2},
}

// generalTargets stand in for an actor without targets of its own.
var generalTargets = []string{"critical infrastructure", "government networks", "telecommunications providers", "defence contractors", "election officials", "energy companies", "hospitals", "universities", "think tanks", "journalists", "dissidents", "Microsoft Exchange servers"}

// confidences an allegation states, by frequency (most state none).
var confidences = weights[string]{
	{"", 55}, {"almost certain", 12}, {"highly likely", 15}, {"likely", 10}, {"realistic possibility", 5}, {"unlikely", 2}, {"remote chance", 1},
}

// Generator yields a corpus's articles in ingestion order.
type Generator struct {
	t      *Texts
	rng    *rand.Rand
	zipf   *rand.Zipf
	counts []int       // statements per article
	dates  []time.Time // publication dates, oldest first
	i      int
	ids    map[string]bool
	used   map[int]bool // sentences of the article being built
}

// Generate returns the whole corpus of o.
func (t *Texts) Generate(o Options) []news.Article {
	g := t.New(o)
	out := make([]news.Article, 0, g.Articles())
	for {
		a, ok := g.Next()
		if !ok {
			return out
		}
		out = append(out, a)
	}
}

// New returns a generator of o's corpus, for corpora too large to hold.
func (t *Texts) New(o Options) *Generator {
	if o.End.IsZero() {
		o.End = DefaultEnd
	}
	if o.Years <= 0 {
		o.Years = 10
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x6e657773646573b))
	g := &Generator{t: t, rng: rng, ids: map[string]bool{}, used: map[int]bool{}}
	g.zipf = rand.NewZipf(rng, 1.15, 1, uint64(len(t.actors)-1))
	for left := o.Statements; left > 0; {
		// 1 to 12 statements, mean about 3.5: most stories quote a few.
		n := min(1+int(rng.ExpFloat64()*2.5), 12, left)
		g.counts = append(g.counts, n)
		left -= n
	}
	// Dates: density rising linearly towards End (u^(1/2)), so recent
	// years hold more; sorted, as ingestion follows publication.
	start := o.End.AddDate(-o.Years, 0, 0)
	span := float64(o.End.Sub(start))
	g.dates = make([]time.Time, len(g.counts))
	for i := range g.dates {
		d := start.Add(time.Duration(span * math.Pow(rng.Float64(), 1/1.8)))
		g.dates[i] = d.Truncate(time.Minute)
	}
	slices.SortFunc(g.dates, func(a, b time.Time) int { return a.Compare(b) })
	return g
}

// Articles is the number of articles the generator yields in all.
func (g *Generator) Articles() int { return len(g.counts) }

// Next returns the next article, or false when the corpus is complete.
func (g *Generator) Next() (news.Article, bool) {
	if g.i >= len(g.counts) {
		return news.Article{}, false
	}
	i := g.i
	g.i++
	return g.article(i), true
}

func (g *Generator) article(i int) news.Article {
	r := g.rng
	clear(g.used)
	pub := g.dates[i]
	main := g.actor()
	cast := []news.Actor{main}
	if r.IntN(100) < 15 {
		if other := g.actor(); other.Name != main.Name {
			cast = append(cast, other)
		}
	}
	accuser := accusers.pick(r)
	for accuser == main.Country {
		accuser = accusers.pick(r)
	}

	var sts []news.Statement
	for j := range g.counts[i] {
		a := cast[0]
		if len(cast) > 1 && r.IntN(3) == 0 {
			a = cast[1]
		}
		kind := kindMix.pick(r)
		if j == 0 {
			for kind == news.Response || kind == news.Other {
				kind = kindMix.pick(r)
			}
		}
		if kind == news.Response && (!knownCountry(a.Country) || (responders[a.Country] == nil && r.IntN(3) > 0)) {
			kind = news.Allegation
		}
		sts = append(sts, g.statement(kind, a, accuser, pub))
	}

	// Body: the statements in order, among context sentences, two or
	// three sentences to a paragraph.
	ctx := 3 + r.IntN(8)
	var body strings.Builder
	para := 0
	next := 0
	for k := 0; next < len(sts) || k < ctx; k++ {
		var s string
		isStmt := next < len(sts) && (k >= ctx || r.IntN(2) == 0 || k == 0)
		if isStmt {
			s = sts[next].Sentence
		} else {
			s = g.sentence(g.contextPool(main), g.t.general)
		}
		switch {
		case body.Len() == 0:
		case para >= 2+r.IntN(2):
			body.WriteString("\n\n")
			para = 0
		default:
			body.WriteByte(' ')
		}
		if isStmt {
			sts[next].Offset = body.Len()
			next++
		}
		body.WriteString(s)
		para++
	}

	id := g.id()
	src := outlets.pick(r)
	src.URL = fmt.Sprintf("%s/%04d/%02d/%s-%s", src.URL, pub.Year(), pub.Month(), slug(sts[0].Sentence), id[:6])
	a := news.Article{
		ID:         id,
		Title:      headline(sts[0].Sentence),
		Body:       body.String(),
		Published:  pub,
		Source:     src,
		Language:   "en",
		IngestedAt: pub.Add(time.Duration(5+r.IntN(240)) * time.Minute),
		Seq:        uint64(i + 1),
		Statements: sts,
	}
	a.Summarize()
	return a
}

// actor draws an accused actor from the Zipf mix.
func (g *Generator) actor() news.Actor { return g.t.actors[g.zipf.Uint64()] }

func (g *Generator) statement(kind news.Kind, a news.Actor, accuser string, pub time.Time) news.Statement {
	r := g.rng
	for accuser == a.Country { // the article's second actor may be the accuser's own
		accuser = accusers.pick(r)
	}
	s := news.Statement{Kind: kind, SpeakerCountry: []string{accuser}, Probability: 0.55 + 0.44*r.Float64()}
	s.Probability = math.Round(s.Probability*1000) / 1000
	accused := []string{a.Name}
	if a.Country != "" && a.Country != a.Name {
		accused = append(accused, a.Country)
	}
	switch kind {
	case news.Allegation:
		s.Speaker = pickFrom(r, speakers[accuser], govOf(accuser))
		s.Confidence = confidences.pick(r)
		s.Sentence = g.sentence(g.t.byActor[a.Name], g.t.byKind[news.Allegation])
	case news.Indictment:
		s.Speaker = pickFrom(r, indicters[accuser], pickFrom(r, speakers[accuser], govOf(accuser)))
		s.Sentence = g.kindSentence(kind, a)
	case news.Sanction:
		s.Speaker = pickFrom(r, sanctioners[accuser], pickFrom(r, speakers[accuser], govOf(accuser)))
		s.Sentence = g.kindSentence(kind, a)
	case news.Response:
		s.SpeakerCountry = []string{a.Country}
		s.Speaker = pickFrom(r, responders[a.Country], govOf(a.Country))
		s.Sentence = g.kindSentence(kind, a)
	default:
		s.Speaker = pickFrom(r, speakers[accuser], govOf(accuser))
		s.Sentence = g.sentence(nil, g.t.general)
		if r.IntN(2) == 0 {
			accused = nil
		}
	}
	s.Accused = accused
	if kind != news.Response && kind != news.Other && r.IntN(100) < 45 {
		ts := g.t.targets[a.Name]
		if len(ts) == 0 {
			ts = generalTargets
		}
		s.Targets = []string{ts[r.IntN(len(ts))]}
		if t2 := ts[r.IntN(len(ts))]; r.IntN(4) == 0 && t2 != s.Targets[0] {
			s.Targets = append(s.Targets, t2)
		}
	}
	if r.IntN(100) < 60 {
		ev := pub.AddDate(0, 0, -r.IntN(3*365))
		switch r.IntN(3) {
		case 0:
			s.EventDate = ev.Format("2006")
		case 1:
			s.EventDate = ev.Format("2006-01")
		default:
			s.EventDate = ev.Format("2006-01-02")
		}
	}
	return s
}

// smallPool is the size under which a kind's pool of cue sentences is too
// small to carry the kind alone (the public corpus holds few responses,
// indictments and sanctions in so many words): such a kind takes a cue
// sentence with probability len(pool)/smallPool, else a sentence naming
// the actor or a general one, so that no few sentences repeat through the
// corpus.
const smallPool = 400

// kindSentence draws the sentence of an indictment, sanction or response.
func (g *Generator) kindSentence(kind news.Kind, a news.Actor) string {
	pool := g.t.byKind[kind]
	if len(pool) >= smallPool || g.rng.IntN(smallPool) < len(pool) {
		return g.sentence(nil, pool)
	}
	if g.rng.IntN(10) < 3 {
		return g.sentence(g.t.byActor[a.Name], g.t.general)
	}
	return g.sentence(nil, g.t.general)
}

// sentence draws a sentence not yet in the article: from prefer half the
// time when it has one, else from pool, else from anywhere.
func (g *Generator) sentence(prefer, pool []int) string {
	r := g.rng
	for try := 0; try < 16; try++ {
		p := pool
		if len(prefer) > 0 && (len(pool) == 0 || r.IntN(2) == 0) {
			p = prefer
		}
		if len(p) == 0 || try >= 8 {
			p = nil
		}
		var k int
		if p == nil {
			k = r.IntN(len(g.t.sentences))
		} else {
			k = p[r.IntN(len(p))]
		}
		if !g.used[k] {
			g.used[k] = true
			return g.t.sentences[k]
		}
	}
	// A small pool is exhausted: take the first sentence not used.
	for k, s := range g.t.sentences {
		if !g.used[k] {
			g.used[k] = true
			return s
		}
	}
	return g.t.sentences[r.IntN(len(g.t.sentences))]
}

// contextPool is where an article's context sentences come from: what
// else is said of its actor, when anything is.
func (g *Generator) contextPool(a news.Actor) []int {
	if ps := g.t.byActor[a.Name]; len(ps) > 0 && g.rng.IntN(2) == 0 {
		return ps
	}
	return nil
}

// id draws a 12-hex-digit article id, unique in the corpus.
func (g *Generator) id() string {
	for {
		id := fmt.Sprintf("%012x", g.rng.Uint64()>>16)
		if !g.ids[id] {
			g.ids[id] = true
			return id
		}
	}
}

// knownCountry reports whether code is a state or bloc of news.Countries
// (a statement's speaker country must be).
func knownCountry(code string) bool {
	c, ok := news.CountryCode(code)
	return ok && c == code
}

// govOf is the government speaking for a country with no speakers listed.
func govOf(code string) string {
	for _, c := range news.Countries {
		if c.Code != code {
			continue
		}
		if d, _, _ := strings.Cut(c.Demonyms, "|"); d != "" {
			return d + " government"
		}
		n, _, _ := strings.Cut(c.Names, "|")
		return "Government of " + n
	}
	return code + " government"
}

func pickFrom(r *rand.Rand, s []string, def string) string {
	if len(s) == 0 {
		return def
	}
	return s[r.IntN(len(s))]
}

// headline makes a headline of a lede: at most 14 words, cut at a word.
func headline(lede string) string {
	w := strings.Fields(lede)
	if len(w) <= 14 {
		return strings.TrimRight(lede, ".")
	}
	return strings.TrimRight(strings.Join(w[:14], " "), ",;:") + "…"
}

// slug makes a URL path word of the first words of s.
func slug(s string) string {
	var b strings.Builder
	words := 0
	for _, f := range strings.Fields(strings.ToLower(s)) {
		f = strings.Map(func(r rune) rune {
			if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
				return r
			}
			return -1
		}, f)
		if f == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(f)
		if words++; words == 6 {
			break
		}
	}
	return b.String()
}

// weights is a weighted choice.
type weights[T any] []struct {
	v T
	w int
}

func (ws weights[T]) pick(r *rand.Rand) T {
	total := 0
	for _, x := range ws {
		total += x.w
	}
	n := r.IntN(total)
	for _, x := range ws {
		if n < x.w {
			return x.v
		}
		n -= x.w
	}
	return ws[len(ws)-1].v
}
