package model

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func toy() ([]string, []Example) {
	classes := []string{"none", "yes"}
	var exs []Example
	for i := range 40 {
		if i%2 == 0 {
			exs = append(exs, Example{Features: []string{"w:accused", "w:said", "rule:x"}, Class: 1})
		} else {
			exs = append(exs, Example{Features: []string{"w:weather", "w:said"}, Class: 0})
		}
	}
	return classes, exs
}

func TestTrainLearnsAndIsDeterministic(t *testing.T) {
	classes, exs := toy()
	m, err := Train(classes, exs, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	if p := m.Probabilities([]string{"w:accused", "w:said"}); p[1] < 0.8 {
		t.Errorf("P(yes | accused) = %.3f, want > 0.8", p[1])
	}
	if p := m.Probabilities([]string{"w:weather"}); p[0] < 0.9 {
		t.Errorf("P(none | weather) = %.3f, want > 0.9", p[0])
	}
	var a, b bytes.Buffer
	if _, err := m.WriteTo(&a); err != nil {
		t.Fatal(err)
	}
	m2, _ := Train(classes, exs, DefaultOptions)
	m2.WriteTo(&b)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two trainings on the same data wrote different models")
	}
	// round trip
	r, err := Read(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var c bytes.Buffer
	r.WriteTo(&c)
	if !bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("read then write changed the model")
	}
	if got := r.Probabilities([]string{"w:accused"}); got[1] != m.Probabilities([]string{"w:accused"})[1] {
		t.Errorf("read model scores %.6f, trained %.6f", got[1], m.Probabilities([]string{"w:accused"})[1])
	}
}

func TestMinCountDropsRareFeatures(t *testing.T) {
	classes, exs := toy()
	exs = append(exs, Example{Features: []string{"w:once"}, Class: 1})
	m, _ := Train(classes, exs, DefaultOptions)
	if _, ok := m.index["w:once"]; ok {
		t.Error("a feature seen once was kept")
	}
}

func TestExplain(t *testing.T) {
	classes, exs := toy()
	m, _ := Train(classes, exs, DefaultOptions)
	ex := m.Explain([]string{"w:said", "w:accused", "w:unknown"}, 1, 1)
	if len(ex) != 1 || ex[0].Feature != "w:accused" || ex[0].Weight <= 0 {
		t.Errorf("Explain = %+v, want w:accused first with a positive weight", ex)
	}
}

func TestReadErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":       "",
		"magic":       "not a model\n",
		"classes":     magic + "\nbias\t1\t2\n",
		"weights":     magic + "\nclasses\tnone\tyes\nbias\t0\t0\nw:x\t1\n",
		"not number":  magic + "\nclasses\tnone\tyes\nbias\t0\t0\nw:x\t1\tNaN\n",
		"dup feature": magic + "\nclasses\tnone\tyes\nbias\t0\t0\nw:x\t1\t2\nw:x\t1\t2\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Read(strings.NewReader(in))
			if !errors.Is(err, ErrFormat) {
				t.Errorf("Read = %v, want ErrFormat", err)
			}
		})
	}
}

func TestTrainRefusesBadInput(t *testing.T) {
	if _, err := Train([]string{"none", "yes"}, nil, DefaultOptions); !errors.Is(err, ErrNoData) {
		t.Errorf("no data: %v", err)
	}
	if _, err := Train([]string{"none", "yes"}, []Example{{Class: 5}}, DefaultOptions); err == nil {
		t.Error("a class out of range was accepted")
	}
}

// BenchmarkLoad reads the embedded model and reports the heap it holds
// (heap-MB): the model must stay well under 100 MB.
func BenchmarkLoad(b *testing.B) {
	var m *Model
	var before, after runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		var err error
		if m, err = Read(bytes.NewReader(Embedded())); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MB")
	b.ReportMetric(float64(m.Features()), "features")
}

// reference is softmax(bias + the weights of each known feature of feats,
// once, in the order of first mention), the sum written out plainly.
func reference(m *Model, feats []string) []float64 {
	k := len(m.classes)
	z := make([]float64, k)
	for c := range k {
		z[c] = float64(m.bias[c])
	}
	seen := map[string]bool{}
	for _, f := range feats {
		r, ok := m.index[f]
		if !ok || seen[f] {
			continue
		}
		seen[f] = true
		for c := range k {
			z[c] += float64(m.w[int(r)*k+c])
		}
	}
	return softmax(z)
}

// TestScorerIsProbabilities: a Scorer fed a list a feature at a time, and
// reused from list to list, gives what Probabilities gives for the list,
// to the bit: the same weights summed in the same order, each feature once,
// unknown ones ignored.
func TestScorerIsProbabilities(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	known := m.names
	lists := [][]string{
		{known[0], known[1], "w:no-such-feature", known[2]},
		{known[3], known[3], known[4], known[3]}, // repeats count once
		{known[0], known[1]},                     // the rows of the first list again: Reset forgets them
		{"w:no-such-feature"},
		{},
		{known[len(known)-1], known[64], known[65], known[127], known[128]}, // rows sharing a word of the seen bits
		{known[64], known[128]},
		{known[200], known[1000], known[200], known[1000]}, // repeats past the first word of seen bits
	}
	sc := m.Scorer()
	for i, feats := range lists {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			sc.Reset()
			for k, f := range feats {
				if k%2 == 0 {
					sc.Add([]byte(f))
				} else {
					sc.AddString(f)
				}
			}
			got, want := sc.Probabilities(), m.Probabilities(feats)
			if !slices.Equal(got, want) {
				t.Errorf("Scorer: %v, Probabilities: %v", got, want)
			}
			if ref := reference(m, feats); !slices.Equal(want, ref) {
				t.Errorf("Probabilities: %v, the model's formula: %v", want, ref)
			}
		})
	}
}
