package claims

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/internal/corpusgen"
	"github.com/newsdesk/newsdesk/news"
)

func TestSame(t *testing.T) {
	mfa := func(sentence string) news.Statement {
		return news.Statement{Kind: news.Response, Speaker: "foreign ministry spokesperson", SpeakerCountry: []string{"CN"}, Accused: []string{"US"}, Sentence: sentence}
	}
	ncsc := func(sentence string, accused ...string) news.Statement {
		return news.Statement{Kind: news.Allegation, Speaker: "the NCSC", SpeakerCountry: []string{"GB"}, Accused: accused, Sentence: sentence}
	}
	for _, tc := range []struct {
		name string
		a, b news.Statement
		same bool
	}{
		{"one quote, three framings",
			mfa(`The accusations are "completely baseless and malicious slander," the foreign ministry spokesperson said on Tuesday.`),
			mfa(`China's foreign ministry spokesperson told reporters the accusations were "completely baseless and malicious slander".`), true},
		{"a quotation cut shorter",
			mfa(`"The US is the world's biggest hacker empire and has no right to accuse others," she said.`),
			mfa(`The spokesperson said: "The US is the world's biggest hacker empire."`), true},
		{"different quotes from one ministry",
			mfa(`"The accusations are completely baseless and malicious slander," she said.`),
			mfa(`"China firmly opposes and cracks down on all forms of cyber attacks," she said.`), false},
		{"near-identical reported speech",
			ncsc("The NCSC said APT31 targeted the Electoral Commission in 2021.", "APT31"),
			ncsc("APT31 targeted the Electoral Commission in 2021, the NCSC said on Monday.", "APT31"), true},
		{"same words, other accused",
			ncsc("The NCSC said APT31 targeted the Electoral Commission in 2021.", "APT31"),
			ncsc("The NCSC said APT40 targeted the Electoral Commission in 2021.", "APT40"), false},
		{"same words, other kind",
			ncsc("The NCSC said APT31 targeted the Electoral Commission in 2021.", "APT31"),
			news.Statement{Kind: news.Sanction, SpeakerCountry: []string{"GB"}, Accused: []string{"APT31"}, Sentence: "The NCSC said APT31 targeted the Electoral Commission in 2021."}, false},
		{"same words, other government",
			ncsc("Officials said APT31 targeted the Electoral Commission in 2021.", "APT31"),
			news.Statement{Kind: news.Allegation, SpeakerCountry: []string{"US"}, Accused: []string{"APT31"}, Sentence: "Officials said APT31 targeted the Electoral Commission in 2021."}, false},
		{"one number apart",
			ncsc("The NCSC said APT31 ran hacking operation 5 against British lawmakers.", "APT31"),
			ncsc("The NCSC said APT31 ran hacking operation 6 against British lawmakers.", "APT31"), false},
		{"too short to tell",
			ncsc("The NCSC said APT31 hacked oscar.", "APT31"),
			ncsc("APT31 hacked oscar, the NCSC said.", "APT31"), false},
		{"one story, different claims",
			ncsc("The NCSC said APT31 targeted the Electoral Commission in 2021.", "APT31"),
			ncsc("The NCSC said APT31 also targeted members of parliament with phishing emails.", "APT31"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Same(tc.a, tc.b); got != tc.same {
				t.Errorf("Same = %v, want %v\n a: %s\n b: %s", got, tc.same, tc.a.Sentence, tc.b.Sentence)
			}
			if got := Same(tc.b, tc.a); got != tc.same {
				t.Errorf("Same is not symmetric")
			}
		})
	}
}

func TestGrouper(t *testing.T) {
	st := func(sentence string) news.Statement {
		return news.Statement{Kind: news.Response, SpeakerCountry: []string{"CN"}, Accused: []string{"US"}, Sentence: sentence}
	}
	quote := `"The accusations are completely groundless and a political smear," the spokesperson said.`
	var g Grouper
	a := g.Add(st(quote), "a1")
	b := g.Add(st("China rejects the report."), "a1")
	if a == b {
		t.Fatal("two different claims share a number")
	}
	if c := g.Add(st(`The ministry called the accusations "completely groundless and a political smear".`), "a2"); c != a {
		t.Errorf("the same quotation from another outlet is claim %d, want %d", c, a)
	}
	if c := g.Add(st(quote), "a1"); c == a {
		t.Error("a second statement of one article joined its own claim")
	}
	if c := g.Find(st(`"We firmly oppose all forms of cyber attacks," she said.`), "a3"); c != -1 {
		t.Errorf("an unrelated statement found claim %d", c)
	}
	if c := g.Find(st(quote), "a9"); c != a {
		t.Errorf("Find = %d, want %d", c, a)
	}
}

// BenchmarkGrouper10k: a digest window of 10,000 statements of one kind
// and government sorted into claims.
func BenchmarkGrouper10k(b *testing.B) {
	sts := make([]news.Statement, 10_000)
	for i := range sts {
		sts[i] = news.Statement{Kind: news.Allegation, SpeakerCountry: []string{"US"}, Accused: []string{"CN"},
			Sentence: fmt.Sprintf("The FBI said hackers working for China broke into network %d of the water utility in county %d.", i, i%97)}
	}
	for b.Loop() {
		var g Grouper
		for i, s := range sts {
			g.Add(s, fmt.Sprint(i))
		}
	}
}

// sharedWordCorpus is n quotations of one ministry that all carry the word
// quokka (as every hit of a search for it does), one in four repeating the
// one before it (a second outlet), the rest drawn from a wide vocabulary.
func sharedWordCorpus(n int) []news.Statement {
	base := []string{"hack", "network", "allegation", "fabricate", "agency", "report", "insult", "people", "ignore", "attack", "smear", "campaign", "evidence", "story", "invent", "politics"}
	sts := make([]news.Statement, n)
	x := uint32(7)
	for i := range sts {
		q := "quokka"
		for range 7 {
			x = x*1664525 + 1013904223
			q += fmt.Sprintf(" %s%c%c", base[x>>28], 'a'+x>>20&15, 'a'+x>>24&15)
		}
		if i%4 == 1 {
			sts[i] = sts[i-1]
			continue
		}
		sts[i] = news.Statement{Kind: news.Response, SpeakerCountry: []string{"CN"}, Accused: []string{"Quokka Panda"}, Sentence: `Lin Jian said: "The ` + q + `."`}
	}
	return sts
}

// TestPrepareKeepsTheClaims: fixing the word order from the statements
// (rarest first) changes what a Grouper compares, never which claim a
// statement joins.
func TestPrepareKeepsTheClaims(t *testing.T) {
	for _, tc := range []struct {
		name string
		sts  []news.Statement
	}{
		{"a shared search word", sharedWordCorpus(400)},
		{"numbered copy", func() []news.Statement {
			sts := make([]news.Statement, 200)
			for i := range sts {
				sts[i] = news.Statement{Kind: news.Allegation, SpeakerCountry: []string{"US"}, Accused: []string{"CN"},
					Sentence: fmt.Sprintf("The FBI said hackers working for China broke into network %d of the water utility in county %d.", i%20, i%5)}
			}
			return sts
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var plain, prepared Grouper
			prepared.prepare(printsOf(tc.sts))
			claims := map[int]bool{}
			for i, st := range tc.sts {
				a, b := plain.Add(st, fmt.Sprint(i)), prepared.Add(st, fmt.Sprint(i))
				if a != b {
					t.Fatalf("statement %d joins claim %d unprepared, %d prepared", i, a, b)
				}
				claims[a] = true
			}
			if len(claims) == len(tc.sts) || len(claims) < 2 {
				t.Errorf("%d claims of %d statements: the corpus tests no merging", len(claims), len(tc.sts))
			}
		})
	}
}

// BenchmarkGrouperSharedWord: 750 hits of one search (the deepest page's
// reading), all carrying the searched word, merged with the hash order
// ("unprepared") and with prepare's rarest-first order.
func BenchmarkGrouperSharedWord(b *testing.B) {
	sts := sharedWordCorpus(750)
	for _, prep := range []bool{false, true} {
		name := "unprepared"
		if prep {
			name = "prepared"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				var g Grouper
				if prep {
					g.prepare(printsOf(sts))
				}
				for i, s := range sts {
					g.Add(s, fmt.Sprint(i))
				}
			}
		})
	}
}

// BenchmarkGrouperCorpus10k groups 10,000 statements of a generated corpus
// (internal/corpusgen: real sentences, many of them carried again by other
// articles, so many candidates share words), as a 10,000-statement digest
// window does; skipped without the corpus.
func BenchmarkGrouperCorpus10k(b *testing.B) {
	texts, err := corpusgen.Load("")
	if errors.Is(err, corpusgen.ErrNoCorpus) {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	type st struct {
		s       news.Statement
		article string
	}
	var sts []st
	for _, a := range texts.Generate(corpusgen.Options{Seed: 1, Statements: 12_000}) {
		for _, s := range a.Statements {
			if s.Kind != news.Other && len(sts) < 10_000 {
				sts = append(sts, st{s, a.ID})
			}
		}
	}
	plain := make([]news.Statement, len(sts))
	arts := make([]string, len(sts))
	for i, s := range sts {
		plain[i], arts[i] = s.s, s.article
	}
	b.Run("add", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var g Grouper
			for _, s := range sts {
				g.Add(s.s, s.article)
			}
		}
	})
	b.Run("prepare+add", func(b *testing.B) { // what search and digests did before Group
		b.ReportAllocs()
		for b.Loop() {
			var g Grouper
			g.prepare(printsOf(plain))
			for _, s := range sts {
				g.Add(s.s, s.article)
			}
		}
	})
	b.Run("group", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Group(plain, arts)
		}
	})
	// what one chat page groups: 15 hits (5 shown, fetched three times
	// over), for 666 pages in turn
	b.Run("group-page", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for lo := 0; lo+15 <= len(plain); lo += 15 {
				Group(plain[lo:lo+15], arts[lo:lo+15])
			}
		}
	})
}

// TestGroupIsPrepareThenAdd: Group numbers a generated corpus's
// statements as prepare and then Add of each do.
func TestGroupIsPrepareThenAdd(t *testing.T) {
	texts, err := corpusgen.Load("")
	if errors.Is(err, corpusgen.ErrNoCorpus) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	var sts []news.Statement
	var arts []string
	for _, a := range texts.Generate(corpusgen.Options{Seed: 5, Statements: 3000}) {
		for _, s := range a.Statements {
			sts, arts = append(sts, s), append(arts, a.ID)
		}
	}
	var g Grouper
	g.prepare(printsOf(sts))
	want := make([]int, len(sts))
	joined := 0
	for i := range sts {
		want[i] = g.Add(sts[i], arts[i])
		if want[i] < i && slices.Index(want[:i], want[i]) >= 0 {
			joined++
		}
	}
	if joined == 0 {
		t.Fatal("no statement joined a claim: the corpus does not exercise grouping")
	}
	if got := Group(sts, arts); !slices.Equal(got, want) {
		t.Errorf("Group differs from prepare and Add")
	}
}

// The Grouper's keyed lookup gives the claims that comparing every
// statement with every claim gives: on a generated corpus's statements,
// some of them without speaker countries, with two, or with their speaker
// in other case, so that each branch of Compatible is taken.
func TestGrouperMatchesPairwise(t *testing.T) {
	texts, err := corpusgen.Load("")
	if errors.Is(err, corpusgen.ErrNoCorpus) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	type ref struct {
		first    news.Statement
		articles map[string]bool
	}
	var (
		g     Grouper
		refs  []ref
		n     int
		multi int
	)
	for _, a := range texts.Generate(corpusgen.Options{Seed: 7, Statements: 2500}) {
		for _, st := range a.Statements {
			n++
			switch {
			case n%7 == 0:
				st.SpeakerCountry = nil
			case n%11 == 0:
				st.Speaker = strings.ToUpper(st.Speaker)
			case n%13 == 0:
				st.SpeakerCountry = append(st.SpeakerCountry, "NATO")
			}
			want := -1
			for c, r := range refs {
				if !r.articles[a.ID] && Same(r.first, st) {
					want = c
					break
				}
			}
			if got := g.Find(st, a.ID); got != want {
				t.Fatalf("statement %d (%s): Find = %d, want %d", n, st.Sentence, got, want)
			}
			if got := g.Add(st, a.ID); got != want && (want >= 0 || got != len(refs)) {
				t.Fatalf("statement %d: Add = %d, want %d", n, got, want)
			}
			if want < 0 {
				refs = append(refs, ref{st, map[string]bool{a.ID: true}})
			} else {
				refs[want].articles[a.ID] = true
				multi++
			}
		}
	}
	if multi == 0 {
		t.Fatal("no statement joined a claim: the corpus does not exercise the lookup")
	}
	t.Logf("%d statements, %d claims, %d joined one", n, len(refs), multi)
}

// TestPrintsOfIsOf: the prints made on every core are Of's, each in
// its statement's place, on more statements than printsOf makes alone.
func TestPrintsOfIsOf(t *testing.T) {
	words := strings.Fields(`the ministry said hackers "baseless and malicious slander" APT31 targeted 2024 election
		officials sanctioned 3 companies “spear phishing” Treasury GRU unit 74455 indicted espionage`)
	sts := make([]news.Statement, 3*parallelPrints+17)
	for i := range sts {
		var b strings.Builder
		for j := range 6 + i%9 {
			b.WriteString(words[(i*7+j*5)%len(words)])
			b.WriteByte(' ')
		}
		sts[i] = news.Statement{Kind: news.Allegation, Sentence: b.String()}
	}
	got := printsOf(sts)
	if len(got) != len(sts) {
		t.Fatalf("%d prints of %d statements", len(got), len(sts))
	}
	for i, st := range sts {
		if want := Of(st); !reflect.DeepEqual(got[i], want) {
			t.Fatalf("statement %d %q: print %+v, want %+v", i, st.Sentence, got[i], want)
		}
	}
}

// TestOfFoldsTheWording: a print's words are lower case with straight
// apostrophes, whether the sentence wrote them so or not, so that outlets
// that capitalise or typeset a claim differently still carry one claim.
func TestOfFoldsTheWording(t *testing.T) {
	for _, tt := range []struct {
		name, a, b string
	}{
		{"case", `The Ministry said Beijing's hackers "stole the data of 40 million voters" in 2021`, `the ministry said beijing's HACKERS "Stole The Data Of 40 Million Voters" in 2021`},
		{"apostrophe", `China's "state-sponsored actors breached the Electoral Commission's systems"`, `China’s "state-sponsored actors breached the Electoral Commission’s systems"`},
		{"accented", `Élysée officials said the "opération visait les ministères français" again`, `élysée OFFICIALS said the "OPÉRATION visait les MINISTÈRES français" again`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, b := Of(news.Statement{Sentence: tt.a}), Of(news.Statement{Sentence: tt.b})
			if !reflect.DeepEqual(a, b) {
				t.Errorf("prints differ:\n%+v\n%+v", a, b)
			}
			for _, ts := range []terms{a.words, a.quote} {
				for _, w := range ts {
					if w.w != strings.ToLower(w.w) || strings.Contains(w.w, "’") {
						t.Errorf("word %q is not folded", w.w)
					}
				}
			}
			if len(a.quote) == 0 {
				t.Error("no quotation in the print")
			}
		})
	}
}
