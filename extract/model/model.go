package model

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Model is a multinomial logistic regression over named binary features:
// P(class | features) = softmax(bias + Σ weights[feature]). Class 0 is the
// negative class ("none"). A Model is immutable once built and safe for
// concurrent use.
type Model struct {
	classes []string
	bias    []float32
	index   map[string]int32 // feature name -> row
	names   []string         // row -> feature name, sorted
	w       []float32        // len(names) × len(classes), row-major
}

// Classes returns the class names, the negative class first.
func (m *Model) Classes() []string { return slices.Clone(m.classes) }

// Features returns how many features have weights.
func (m *Model) Features() int { return len(m.names) }

// Probabilities returns P(class | feats) for every class, in Classes order.
// Unknown features are ignored; a feature listed twice counts once.
func (m *Model) Probabilities(feats []string) []float64 {
	sc := m.Scorer()
	for _, f := range feats {
		sc.AddString(f)
	}
	return sc.Probabilities()
}

// A Scorer sums the weights of one list of features at a time, given a
// feature at a time, without building the list; Probabilities is then the
// model's answer for it. It keeps its memory from one list to the next, so
// one Scorer serves every sentence of a document. It is not safe for
// concurrent use.
type Scorer struct {
	m       *Model
	z       []float64 // bias plus the weights of the features added
	seen    []uint64  // a bit per feature row: added to this list
	touched []int32   // the rows added, to clear seen
}

// Scorer returns a Scorer for an empty list.
func (m *Model) Scorer() *Scorer {
	sc := &Scorer{m: m, z: make([]float64, len(m.classes)), seen: make([]uint64, (len(m.names)+63)/64)}
	sc.Reset()
	return sc
}

// Reset starts a new list.
func (sc *Scorer) Reset() {
	for c := range sc.z {
		sc.z[c] = float64(sc.m.bias[c])
	}
	for _, r := range sc.touched {
		sc.seen[r/64] = 0
	}
	sc.touched = sc.touched[:0]
}

// Add adds the feature named name to the list (name is not kept). Unknown
// features are ignored; a feature added twice counts once.
func (sc *Scorer) Add(name []byte) {
	if r, ok := sc.m.index[string(name)]; ok {
		sc.add(r)
	}
}

// AddString is Add for a name held as a string.
func (sc *Scorer) AddString(name string) {
	if r, ok := sc.m.index[name]; ok {
		sc.add(r)
	}
}

func (sc *Scorer) add(r int32) {
	if sc.seen[r/64]&(1<<(r%64)) != 0 {
		return
	}
	sc.seen[r/64] |= 1 << (r % 64)
	sc.touched = append(sc.touched, r)
	k := len(sc.z)
	row := sc.m.w[int(r)*k : int(r)*k+k]
	for c := range k {
		sc.z[c] += float64(row[c])
	}
}

// Probabilities returns P(class | the features added) for every class, in
// Classes order.
func (sc *Scorer) Probabilities() []float64 { return softmax(sc.z) }

// Contribution is how much one feature moved the score of a class against
// the negative class.
type Contribution struct {
	Feature string
	Weight  float64
}

// Explain returns the n features of feats that weigh most (by absolute
// weight) for class against the negative class, heaviest first.
func (m *Model) Explain(feats []string, class, n int) []Contribution {
	k := len(m.classes)
	var out []Contribution
	seen := map[int32]bool{}
	for _, f := range feats {
		r, ok := m.index[f]
		if !ok || seen[r] {
			continue
		}
		seen[r] = true
		row := m.w[int(r)*k : int(r)*k+k]
		if d := float64(row[class] - row[0]); d != 0 {
			out = append(out, Contribution{f, d})
		}
	}
	slices.SortStableFunc(out, func(a, b Contribution) int {
		if c := cmpFloat(math.Abs(b.Weight), math.Abs(a.Weight)); c != 0 {
			return c
		}
		return strings.Compare(a.Feature, b.Feature)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func softmax(z []float64) []float64 {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	sum := 0.0
	p := make([]float64, len(z))
	for i, v := range z {
		p[i] = math.Exp(v - mx)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

// Example is one training item: its features and its class (an index into
// the classes given to Train).
type Example struct {
	Features []string
	Class    int
}

// Options control training. The zero value is not usable; start from
// DefaultOptions.
type Options struct {
	Epochs   int     // passes over the data
	Rate     float64 // AdaGrad learning rate
	L2       float64 // L2 penalty per update
	MinCount int     // a feature seen in fewer examples is dropped
	Seed     uint64  // shuffling order; the same seed gives the same model
}

// DefaultOptions are the settings newsdesk's model is trained with.
var DefaultOptions = Options{Epochs: 60, Rate: 0.1, L2: 3e-3, MinCount: 2, Seed: 20261201}

// ErrNoData is returned by Train for an empty training set.
var ErrNoData = errors.New("model: no training examples")

// Train fits a model by AdaGrad on the softmax loss. It is deterministic:
// the same examples, classes and options give the same weights, bit for bit,
// on the same architecture.
func Train(classes []string, exs []Example, opt Options) (*Model, error) {
	if len(exs) == 0 {
		return nil, ErrNoData
	}
	k := len(classes)
	// vocabulary: features in at least MinCount examples, sorted by name
	count := map[string]int{}
	for _, e := range exs {
		if e.Class < 0 || e.Class >= k {
			return nil, fmt.Errorf("model: example class %d is not one of %d classes", e.Class, k)
		}
		for _, f := range uniq(e.Features) {
			count[f]++
		}
	}
	var names []string
	for f, n := range count {
		if n >= opt.MinCount {
			names = append(names, f)
		}
	}
	slices.Sort(names)
	index := make(map[string]int32, len(names))
	for i, f := range names {
		index[f] = int32(i)
	}
	rows := make([][]int32, len(exs))
	for i, e := range exs {
		for _, f := range uniq(e.Features) {
			if r, ok := index[f]; ok {
				rows[i] = append(rows[i], r)
			}
		}
		slices.Sort(rows[i])
	}
	w := make([]float64, len(names)*k)
	g2 := make([]float64, len(names)*k)
	bias := make([]float64, k)
	bg2 := make([]float64, k)
	order := make([]int, len(exs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	z := make([]float64, k)
	for range opt.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			for c := range k {
				z[c] = bias[c]
			}
			for _, r := range rows[i] {
				for c := range k {
					z[c] += w[int(r)*k+c]
				}
			}
			p := softmax(z)
			for c := range k {
				g := p[c]
				if c == exs[i].Class {
					g--
				}
				bg2[c] += g * g
				bias[c] -= opt.Rate * g / (math.Sqrt(bg2[c]) + 1e-8)
				for _, r := range rows[i] {
					j := int(r)*k + c
					gj := g + opt.L2*w[j]
					g2[j] += gj * gj
					w[j] -= opt.Rate * gj / (math.Sqrt(g2[j]) + 1e-8)
				}
			}
		}
	}
	m := &Model{classes: slices.Clone(classes), bias: make([]float32, k)}
	for c := range k {
		m.bias[c] = round(bias[c])
	}
	// keep the features whose weights are not all zero at the stored precision
	m.index = map[string]int32{}
	for i, f := range names {
		row := make([]float32, k)
		nz := false
		for c := range k {
			row[c] = round(w[i*k+c])
			nz = nz || row[c] != 0
		}
		if !nz {
			continue
		}
		m.index[f] = int32(len(m.names))
		m.names = append(m.names, f)
		m.w = append(m.w, row...)
	}
	return m, nil
}

// round keeps four decimals: the stored model is the model.
func round(v float64) float32 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 4, 64), 32)
	if r == 0 {
		return 0 // no negative zero
	}
	return float32(r)
}

func uniq(fs []string) []string {
	out := slices.Clone(fs)
	slices.Sort(out)
	return slices.Compact(out)
}

const magic = "newsdesk-model v1"

// WriteTo writes the model as text: a header, the classes, the biases, then
// one line per feature, sorted, with its weights. The same model always
// writes the same bytes.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	var n int64
	put := func(s string) {
		k, _ := bw.WriteString(s)
		n += int64(k)
	}
	put(magic + "\n")
	put("classes\t" + strings.Join(m.classes, "\t") + "\n")
	put("bias\t" + joinFloats(m.bias) + "\n")
	k := len(m.classes)
	for i, f := range m.names {
		put(f + "\t" + joinFloats(m.w[i*k:i*k+k]) + "\n")
	}
	return n, bw.Flush()
}

func joinFloats(v []float32) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(float64(x), 'f', -1, 32)
	}
	return strings.Join(s, "\t")
}

// ErrFormat is returned (wrapped, with the line) for a model file that is
// not in the format WriteTo writes.
var ErrFormat = errors.New("model: bad model file")

// Read parses a model written by WriteTo.
func Read(r io.Reader) (*Model, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	next := func() ([]string, bool) {
		if !sc.Scan() {
			return nil, false
		}
		line++
		return strings.Split(sc.Text(), "\t"), true
	}
	bad := func(why string) error { return fmt.Errorf("%w: line %d: %s", ErrFormat, line, why) }
	if h, ok := next(); !ok || len(h) != 1 || h[0] != magic {
		return nil, bad("the first line is not " + strconv.Quote(magic))
	}
	cl, ok := next()
	if !ok || cl[0] != "classes" || len(cl) < 3 {
		return nil, bad("want the classes line")
	}
	m := &Model{classes: cl[1:], index: map[string]int32{}}
	k := len(m.classes)
	parse := func(fields []string) ([]float32, error) {
		if len(fields) != k {
			return nil, bad(fmt.Sprintf("%d weights, want %d", len(fields), k))
		}
		out := make([]float32, k)
		for i, s := range fields {
			v, err := strconv.ParseFloat(s, 32)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, bad(fmt.Sprintf("weight %q is not a number", s))
			}
			out[i] = float32(v)
		}
		return out, nil
	}
	b, ok := next()
	if !ok || b[0] != "bias" {
		return nil, bad("want the bias line")
	}
	var err error
	if m.bias, err = parse(b[1:]); err != nil {
		return nil, err
	}
	for {
		f, ok := next()
		if !ok {
			break
		}
		row, err := parse(f[1:])
		if err != nil {
			return nil, err
		}
		if _, dup := m.index[f[0]]; dup {
			return nil, bad("feature " + strconv.Quote(f[0]) + " twice")
		}
		m.index[f[0]] = int32(len(m.names))
		m.names = append(m.names, f[0])
		m.w = append(m.w, row...)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("model: read: %w", err)
	}
	return m, nil
}

//go:embed statement.model
var embedded []byte

// Default returns the statement model embedded in the binary (trained by
// `go generate ./extract/...` from extract/data/train), parsed once.
var Default = sync.OnceValues(func() (*Model, error) {
	m, err := Read(bytes.NewReader(embedded))
	if err != nil {
		return nil, fmt.Errorf("embedded statement.model: %w (regenerate it with go generate ./extract/...)", err)
	}
	return m, nil
})

// Embedded returns the bytes of the embedded model file.
func Embedded() []byte { return embedded }
