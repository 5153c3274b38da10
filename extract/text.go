package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is a word (letters and digits, or an abbreviation such as "U.S.", or
// an apostrophe suffix such as "'s") or one punctuation rune.
type token struct {
	start, end int // byte offsets in the tokenized string
	text       string
	lower      string // lower case; ’ is folded to '
	word       bool
	cap        bool // starts with an upper-case letter
}

func isLetterDigit(r rune) bool {
	return r < utf8.RuneSelf && (r|0x20 >= 'a' && r|0x20 <= 'z' || r >= '0' && r <= '9') || r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' }

// tokenize splits s into tokens. It never fails; invalid bytes become
// one-byte punctuation tokens.
func tokenize(s string) []token {
	toks := make([]token, 0, len(s)/5+1)
	for i := 0; i < len(s); {
		r, size := decode(s, i)
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' || r == '\u2009' || r == '\u202f' || (r != utf8.RuneError && unicode.IsSpace(r)):
			i += size
		case isLetterDigit(r):
			j := i + size
			// abbreviation: A.B. (U.S., U.K., E.U.)
			if r < utf8.RuneSelf && unicode.IsUpper(r) && j+2 < len(s)+1 && j < len(s) && s[j] == '.' && j+1 < len(s) && s[j+1] >= 'A' && s[j+1] <= 'Z' && j+2 < len(s) && s[j+2] == '.' {
				k := j
				for k+1 < len(s) && s[k] == '.' && s[k+1] >= 'A' && s[k+1] <= 'Z' {
					k += 2
				}
				if k < len(s) && s[k] == '.' {
					k++
				}
				toks = append(toks, mk(s, i, k, true))
				i = k
				continue
			}
			for j < len(s) {
				r2, sz := decode(s, j)
				if !isLetterDigit(r2) {
					break
				}
				j += sz
			}
			toks = append(toks, mk(s, i, j, true))
			i = j
		case isApostrophe(r) && len(toks) > 0 && toks[len(toks)-1].word && toks[len(toks)-1].end == i && i+size < len(s):
			// 's, 't, 're, 've, 'll, 'd after a word
			j := i + size
			k := j
			for k < len(s) {
				r2, sz := decode(s, k)
				if !(r2 < utf8.RuneSelf && unicode.IsLetter(r2)) {
					break
				}
				k += sz
			}
			if k > j && k-j <= 2 {
				t := mk(s, i, k, true)
				t.lower = "'" + strings.ToLower(s[j:k])
				toks = append(toks, t)
				i = k
				continue
			}
			toks = append(toks, mk(s, i, i+size, false))
			i += size
		default:
			toks = append(toks, mk(s, i, i+size, false))
			i += size
		}
	}
	return toks
}

func mk(s string, a, b int, word bool) token {
	t := token{start: a, end: b, text: s[a:b], word: word}
	t.lower = lowerASCII(t.text)
	if word {
		r, _ := decode(s, a)
		t.cap = unicode.IsUpper(r)
	}
	if t.lower == "’" {
		t.lower = "'"
	}
	return t
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(s)
		}
		if 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

var abbreviations = set(`mr mrs ms dr st gen lt col sgt sen rep gov jan feb mar apr jun jul aug sep sept oct nov dec no vs inc co corp ltd jr sr
	e.g i.e al fig approx dept univ adm capt prof rev gen maj cmdr fr messrs mt ft est`)

// endingAbbreviations end a name that may end a sentence too: "linked to
// Evil Corp. The Treasury said ..." splits before a typical opener.
var endingAbbreviations = set(`inc co corp ltd jr sr`)

func startsSentence(p string, k int) bool {
	e := k
	for e < len(p) && isLetterDigit(rune(p[e])) {
		e++
	}
	return sentenceStarters[p[k:e]]
}

var sentenceStarters = set(`The We In It This He She They On At A An As But And However Meanwhile Officials Today`)

// sentences splits a paragraph into sentence byte ranges [start, end),
// trimmed of surrounding space.
func sentences(p string) [][2]int {
	var out [][2]int
	start := 0
	emit := func(a, b int) {
		for a < b && (p[a] == ' ' || p[a] == '\t') {
			a++
		}
		for b > a && (p[b-1] == ' ' || p[b-1] == '\t' || p[b-1] == '\r') {
			b--
		}
		if b > a {
			out = append(out, [2]int{a, b})
		}
	}
	for i := 0; i < len(p); {
		r, size := decode(p, i)
		if r != '.' && r != '!' && r != '?' {
			i += size
			continue
		}
		j := i + size
		// swallow repeated terminators and closing quotes/brackets
		for j < len(p) {
			r2, sz := decode(p, j)
			if r2 == '.' || r2 == '!' || r2 == '?' || r2 == '"' || r2 == '”' || r2 == '’' || r2 == '\'' || r2 == ')' || r2 == ']' || r2 == '»' {
				j += sz
				continue
			}
			break
		}
		if j < len(p) && p[j] != ' ' && p[j] != '\t' {
			i = j
			continue
		}
		// next non-space
		k := j
		for k < len(p) && (p[k] == ' ' || p[k] == '\t') {
			k++
		}
		if k >= len(p) {
			i = j
			continue
		}
		nr, _ := decode(p, k)
		if unicode.IsLower(nr) {
			i = j
			continue
		}
		if r != '.' && (nr == '—' || nr == '–' || nr == '-' || nr == ',' || nr == ';') {
			// an aside inside a sentence: "— as you know, right? — that ..."
			i = j
			continue
		}
		if r == '.' {
			// word before the dot
			w := i
			for w > 0 {
				pr, sz := utf8.DecodeLastRuneInString(p[:w])
				if !(isLetterDigit(pr) || pr == '.') {
					break
				}
				w -= sz
			}
			word := strings.ToLower(p[w:i])
			if abbreviations[strings.TrimSuffix(word, ".")] && !(endingAbbreviations[word] && startsSentence(p, k)) {
				i = j
				continue
			}
			if n := utf8.RuneCountInString(word); n == 1 && unicode.IsUpper([]rune(p[w:i])[0]) {
				i = j // an initial: "Maksim V. Yakubets"
				continue
			}
			if strings.Contains(word, ".") { // U.S. ends a sentence only before a typical opener
				e := k
				for e < len(p) && isLetterDigit(rune(p[e])) {
					e++
				}
				if !sentenceStarters[p[k:e]] {
					i = j
					continue
				}
			}
		}
		emit(start, j)
		start = j
		i = j
	}
	emit(start, len(p))
	return out
}
