package index

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

// fullHit sets every field of a stored hit, so that a field added to
// news.Statement, news.Source or storedHit and left out of the codec fails
// TestHitCodecRoundTrip.
func fullHit() storedHit {
	return storedHit{
		ArticleID: "a1", Title: "Title “quoted”", Published: time.Date(2024, 3, 25, 9, 30, 0, 5, time.FixedZone("", 3600)),
		Source: news.Source{Name: "GOV.UK", URL: "https://www.gov.uk/x", Country: "GB"}, Seq: 1 << 40,
		Statement: news.Statement{
			Kind: news.Allegation, Speaker: "Oliver Dowden", SpeakerCountry: []string{"GB", "US"}, Accused: []string{"APT31"},
			Targets: []string{"Electoral Commission", ""}, Confidence: "almost certainly", EventDate: "2021-10",
			Sentence: "The UK said APT31 was “almost certainly” behind it.", Offset: -1, Probability: 0.875, Seq: 7,
		},
		Tagged: true,
		Names:  []nameMarks{{Actor: "apt31", Marks: [][2]int{{12, 17}}}, {Actor: "gb", Marks: [][2]int{{4, 6}, {0, 3}}}},
	}
}

func zeroFields(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	for i := range v.NumField() {
		f, name := v.Field(i), path+"."+v.Type().Field(i).Name
		if f.Kind() == reflect.Struct && f.Type() != reflect.TypeOf(time.Time{}) {
			zeroFields(t, f, name)
			continue
		}
		if f.IsZero() {
			t.Errorf("fullHit leaves %s zero: set it, and encode it", name)
		}
	}
}

func TestHitCodecRoundTrip(t *testing.T) {
	h := fullHit()
	zeroFields(t, reflect.ValueOf(h), "storedHit")
	raw, err := encodeHit(h)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeHit(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, h) {
		t.Errorf("decode(encode(h)) = %+v\nwant %+v", got, h)
	}
	// what earlier indexes stored
	js, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	got, err = decodeHit(js)
	if err != nil || !got.Published.Equal(h.Published) || !reflect.DeepEqual(got.Statement, h.Statement) || got.Tagged || got.Names != nil {
		t.Errorf("decode(JSON) = %+v, %v", got, err)
	}
	// format 1, which ends before the names: the same hit, untagged
	h.Tagged, h.Names = false, nil
	raw, err = encodeHit(h)
	if err != nil {
		t.Fatal(err)
	}
	if tail := raw[len(raw)-2:]; !reflect.DeepEqual(tail, []byte{0, 0}) {
		t.Fatalf("an untagged hit ends %v, want untagged and no names", tail)
	}
	old := append([]byte{hitFormatUntagged}, raw[1:len(raw)-2]...)
	got, err = decodeHit(old)
	if err != nil || !reflect.DeepEqual(got, h) {
		t.Errorf("decode(format 1) = %+v, %v\nwant %+v", got, err, h)
	}
}

// TestHitCodecDamage: a damaged stored hit is an error, never a panic or
// a hit made up of what is left.
func TestHitCodecDamage(t *testing.T) {
	raw, err := encodeHit(fullHit())
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(raw) {
		if _, err := decodeHit(raw[:n]); err == nil {
			t.Errorf("the first %d of %d bytes decoded without an error", n, len(raw))
		}
	}
	for name, b := range map[string][]byte{
		"trailing bytes":           append(append([]byte(nil), raw...), 0),
		"unknown format":           append([]byte{9}, raw[1:]...),
		"huge length":              {hitFormat, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"huge list count":          hugeListCount(t),
		"broken JSON":              []byte(`{"article_id":`),
		"tagged is 2":              append(append([]byte(nil), raw[:len(raw)-tailLen(t)]...), 2, 0),
		"a mark past the sentence": markPast(t),
	} {
		if _, err := decodeHit(b); err == nil {
			t.Errorf("%s: decoded without an error", name)
		}
	}
}

// BenchmarkHitDecode compares the stored hit's two forms: every search
// decodes its page's hits, a digest its whole window's.
func BenchmarkHitDecode(b *testing.B) {
	h := fullHit()
	bin, err := encodeHit(h)
	if err != nil {
		b.Fatal(err)
	}
	js, err := json.Marshal(h)
	if err != nil {
		b.Fatal(err)
	}
	for name, raw := range map[string][]byte{"json": js, "binary": bin} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodeHit(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// hugeListCount is a stored hit whose fields are empty up to the speaker
// countries, whose count says 65,535 with no bytes behind it.
func hugeListCount(t *testing.T) []byte {
	t.Helper()
	pub, err := time.Time{}.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b := []byte{hitFormat, 0, 0, byte(len(pub))} // article id, title, published
	b = append(b, pub...)
	b = append(b, 0, 0, 0, 0, 0, 0) // source name, URL, country; seq; kind; speaker
	b = append(b, 0xff, 0xff, 0x03) // speaker countries: 65,535
	if _, err := decodeHit(b[:len(b)-3]); !errors.Is(err, errShortHit) {
		t.Fatalf("the prefix does not decode to the list: %v", err)
	}
	return b
}

// tailLen is the length of fullHit's encoded Tagged and Names.
func tailLen(t *testing.T) int {
	t.Helper()
	h := fullHit()
	with, err := encodeHit(h)
	if err != nil {
		t.Fatal(err)
	}
	h.Tagged, h.Names = false, nil
	without, err := encodeHit(h)
	if err != nil {
		t.Fatal(err)
	}
	return len(with) - len(without) + 2
}

// markPast is fullHit with a name marked past the end of its sentence.
func markPast(t *testing.T) []byte {
	t.Helper()
	h := fullHit()
	h.Names = []nameMarks{{Actor: "apt31", Marks: [][2]int{{len(h.Statement.Sentence) - 2, len(h.Statement.Sentence) + 1}}}}
	raw, err := encodeHit(h)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
