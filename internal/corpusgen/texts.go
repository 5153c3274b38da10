package corpusgen

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/news"
)

// DefaultDir is where the public corpus lives on the development machine;
// $NEWSDESK_CORPUS overrides it (see Dir).
const DefaultDir = "/work/shared/corpus"

// ErrNoCorpus is matched (errors.Is) by Load's error when the corpus files
// are absent.
var ErrNoCorpus = errors.New("corpusgen: corpus not found")

// Dir is the corpus directory: $NEWSDESK_CORPUS, else DefaultDir.
func Dir() string {
	if d := os.Getenv("NEWSDESK_CORPUS"); d != "" {
		return d
	}
	return DefaultDir
}

// The corpus files Load reads, in this order.
var files = []string{
	"whitehouse-cyber-statements.jsonl",
	"mitre-attack-groups.jsonl",
	"mitre-attack-campaigns.jsonl",
	"misp-threat-actors.jsonl",
}

// record is the part of a corpus record Load reads.
type record struct {
	Name            string   `json:"name"`
	Text            string   `json:"text"`
	Aliases         []string `json:"aliases"`
	TargetedSector  []string `json:"targeted_sector"`
	TargetCategory  []string `json:"cfr_target_category"`
	SuspectedVictim []string `json:"cfr_suspected_victims"`
	Revoked         bool     `json:"revoked"`
	Deprecated      bool     `json:"deprecated"`
}

// Texts is the sentence pool and the actor data a generator draws from.
// It is immutable after Load and safe for concurrent use.
type Texts struct {
	sentences []string
	byKind    map[news.Kind][]int // sentence indices with the kind's cue words
	general   []int               // sentences with no kind cue: context and "other"
	byActor   map[string][]int    // canonical actor name -> sentences naming it
	targets   map[string][]string // canonical actor name -> sectors and victims
	actors    []news.Actor        // Zipf rank order, most accused first
}

// Sentences is the number of distinct sentences in the pool.
func (t *Texts) Sentences() int { return len(t.sentences) }

// Actors is the gazetteer's actors in the generator's Zipf rank order.
func (t *Texts) Actors() []news.Actor { return t.actors }

// kindCues are the words that put a sentence in a kind's pool, checked in
// order (the first kind that matches wins): whole words, word prefixes,
// and phrases, all lower case.
var kindCues = []struct {
	kind     news.Kind
	words    []string
	prefixes []string
	phrases  []string
}{
	{news.Response, []string{"denied", "denies", "deny", "denying", "reject", "rejects", "rejected", "baseless", "groundless", "slander", "smear", "unfounded"}, []string{"fabricat"}, []string{"firmly oppose"}},
	{news.Indictment, []string{"charged", "charges", "unsealed", "convicted"}, []string{"indict", "prosecut", "arrest", "extradit"}, nil},
	{news.Sanction, []string{"ofac", "expulsion"}, []string{"sanction", "designat", "expel"}, []string{"asset freeze", "travel ban", "imposing cost"}},
	{news.Allegation, []string{"conducted", "targeted", "espionage", "intrusion", "ransomware", "cyberattack", "cyberattacks", "state-sponsored"},
		[]string{"attribut", "accus", "compromis", "hack", "breach"},
		[]string{"responsible for", "malicious cyber", "behind the", "threat group", "threat actor", "cyber attack"}},
}

// kindOf is the kind whose cue words s holds, or "".
func kindOf(s string) news.Kind {
	lower := strings.ToLower(s)
	words := strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' })
	for _, c := range kindCues {
		for _, w := range words {
			if slices.Contains(c.words, w) {
				return c.kind
			}
			for _, p := range c.prefixes {
				if strings.HasPrefix(w, p) {
					return c.kind
				}
			}
		}
		for _, p := range c.phrases {
			if strings.Contains(lower, p) {
				return c.kind
			}
		}
	}
	return ""
}

// Load reads the corpus directory (Dir when dir is empty) and builds the
// sentence pools. Its error matches ErrNoCorpus when the files are absent.
func Load(dir string) (*Texts, error) {
	if dir == "" {
		dir = Dir()
	}
	g := actors.Default()
	t := &Texts{byKind: map[news.Kind][]int{}, byActor: map[string][]int{}, targets: map[string][]string{}}
	seen := map[string]bool{}
	for _, name := range files {
		path := filepath.Join(dir, name)
		recs, err := readRecords(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s (set NEWSDESK_CORPUS to the directory of the public corpus)", ErrNoCorpus, path)
		}
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.Revoked || r.Deprecated {
				continue
			}
			if a, ok := g.Lookup(strings.TrimSpace(r.Name)); ok {
				for _, v := range [][]string{r.TargetedSector, r.TargetCategory, r.SuspectedVictim} {
					for _, s := range v {
						if s = strings.TrimSpace(s); s != "" && s != "Other" && len(t.targets[a.Name]) < 24 && !slices.Contains(t.targets[a.Name], s) {
							t.targets[a.Name] = append(t.targets[a.Name], s)
						}
					}
				}
			}
			for _, s := range splitSentences(r.Text) {
				if seen[s] {
					continue
				}
				seen[s] = true
				t.add(g, s)
			}
		}
	}
	if len(t.sentences) == 0 {
		return nil, fmt.Errorf("%w: no sentences in %s", ErrNoCorpus, dir)
	}
	t.actors = rankActors(g.All(), t.byActor)
	return t, nil
}

func (t *Texts) add(g *actors.Gazetteer, s string) {
	i := len(t.sentences)
	t.sentences = append(t.sentences, s)
	kind := kindOf(s)
	if kind == "" {
		t.general = append(t.general, i)
	} else {
		t.byKind[kind] = append(t.byKind[kind], i)
	}
	var named []string
	for _, m := range g.Find(s) {
		if !slices.Contains(named, m.Actor.Name) {
			named = append(named, m.Actor.Name)
			t.byActor[m.Actor.Name] = append(t.byActor[m.Actor.Name], i)
		}
	}
}

func readRecords(path string) ([]record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("corpusgen: %s:%d: %w", path, line, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("corpusgen: %s: %w", path, err)
	}
	return out, nil
}

// abbreviations that end in a period without ending a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "gen": true, "sen": true, "rep": true,
	"no": true, "vs": true, "jan": true, "feb": true, "aug": true, "sept": true, "oct": true, "nov": true,
	"dec": true, "inc": true, "corp": true, "ltd": true, "co": true, "jr": true, "sr": true, "e.g": true,
	"i.e": true, "u.s": true, "u.k": true, "u.n": true, "lt": true, "col": true, "gov": true, "amb": true,
}

// speakerLabel is a transcript's "MS. PSAKI:" or "Q" at a paragraph start.
var speakerLabel = regexp.MustCompile(`^(Q\s+|[A-Z][A-Z.\- ]{1,40}:\s+)`)

// splitSentences cuts text into sentences a statement could be: 40 to 400
// bytes, starting with a capital letter or a quote, with no URL.
func splitSentences(text string) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		para = strings.TrimSpace(speakerLabel.ReplaceAllString(strings.TrimSpace(para), ""))
		start := 0
		for i := 0; i < len(para); i++ {
			c := para[i]
			if c != '.' && c != '!' && c != '?' {
				continue
			}
			j := i + 1
			for j < len(para) && (para[j] == '"' || para[j] == ')' || para[j] == '\'') {
				j++
			}
			if j < len(para) && para[j] != ' ' {
				continue
			}
			if c == '.' && isAbbreviation(para[start:i]) {
				continue
			}
			if j+1 < len(para) {
				r, _ := utf8.DecodeRuneInString(para[j+1:])
				if !unicode.IsUpper(r) && r != '"' && r != '“' && !unicode.IsDigit(r) {
					continue
				}
			}
			out = appendSentence(out, para[start:j])
			start = j
		}
		out = appendSentence(out, para[start:])
	}
	return out
}

func isAbbreviation(before string) bool {
	k := strings.LastIndexByte(before, ' ')
	w := strings.ToLower(strings.TrimLeft(before[k+1:], "(\"“"))
	return abbreviations[w] || (len(w) == 1 && w[0] >= 'a' && w[0] <= 'z')
}

func appendSentence(out []string, s string) []string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) < 40 || len(s) > 400 || strings.Contains(s, "http") || !utf8.ValidString(s) {
		return out
	}
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) && r != '"' && r != '“' {
		return out
	}
	return append(out, s)
}

// rankActors orders the gazetteer for the Zipf draw: actors the pool names
// most come first (the press writes about them), then the better
// documented (more aliases), then by name. Agencies without a sponsor
// country and actors the pool never names still take part, further down.
func rankActors(all []news.Actor, named map[string][]int) []news.Actor {
	out := make([]news.Actor, len(all))
	copy(out, all)
	score := func(a news.Actor) int {
		return 8*min(len(named[a.Name]), 40) + min(len(a.Aliases), 20)
	}
	slices.SortStableFunc(out, func(a, b news.Actor) int {
		if d := score(b) - score(a); d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}
