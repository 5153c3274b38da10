package index

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/newsdesk/newsdesk/news"
)

// A statement document stores its hit (storedHit) in a compact binary form
// that decodes several times faster than JSON: every search decodes the
// hits of its page, and a digest those of its whole window. The first
// byte is hitFormat; a stored value that starts with '{' is the JSON that
// earlier indexes hold, and is decoded as JSON.
//
// After the format byte come the fields of storedHit in order: strings as
// a uvarint length and the bytes, string lists as a uvarint count and the
// strings, unsigned numbers as uvarints, Offset as a varint, Probability
// as the 8 bytes of its IEEE 754 bits, Published as time.MarshalBinary's
// bytes behind their uvarint length. Format 2 adds, last, Tagged as a
// byte (0 or 1) and Names as a uvarint count of names, each an actor
// string and a uvarint count of ranges, each range its start and length
// as uvarints. Format 1 (hitFormatUntagged) ends before them.
const (
	hitFormat         = 2
	hitFormatUntagged = 1
)

func encodeHit(h storedHit) ([]byte, error) {
	pub, err := h.Published.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("encode published date: %w", err)
	}
	st := h.Statement
	b := make([]byte, 0, 64+len(h.Title)+len(st.Sentence)+len(h.Source.URL))
	b = append(b, hitFormat)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	list := func(ss []string) {
		b = binary.AppendUvarint(b, uint64(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	str(h.ArticleID)
	str(h.Title)
	b = binary.AppendUvarint(b, uint64(len(pub)))
	b = append(b, pub...)
	str(h.Source.Name)
	str(h.Source.URL)
	str(h.Source.Country)
	b = binary.AppendUvarint(b, h.Seq)
	str(string(st.Kind))
	str(st.Speaker)
	list(st.SpeakerCountry)
	list(st.Accused)
	list(st.Targets)
	str(st.Confidence)
	str(st.EventDate)
	str(st.Sentence)
	b = binary.AppendVarint(b, int64(st.Offset))
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(st.Probability))
	b = binary.AppendUvarint(b, st.Seq)
	tagged := byte(0)
	if h.Tagged {
		tagged = 1
	}
	b = append(b, tagged)
	b = binary.AppendUvarint(b, uint64(len(h.Names)))
	for _, n := range h.Names {
		str(n.Actor)
		b = binary.AppendUvarint(b, uint64(len(n.Marks)))
		for _, m := range n.Marks {
			if m[0] < 0 || m[1] < m[0] {
				return nil, fmt.Errorf("encode the marks of %s: range %v", n.Actor, m)
			}
			b = binary.AppendUvarint(b, uint64(m[0]))
			b = binary.AppendUvarint(b, uint64(m[1]-m[0]))
		}
	}
	return b, nil
}

var errShortHit = errors.New("stored hit ends early")

func decodeHit(raw []byte) (storedHit, error) {
	var h storedHit
	if len(raw) > 0 && raw[0] == '{' {
		err := json.Unmarshal(raw, &h)
		return h, err
	}
	if len(raw) == 0 || raw[0] != hitFormat && raw[0] != hitFormatUntagged {
		return h, fmt.Errorf("stored hit: unknown format %q", raw[:min(len(raw), 1)])
	}
	d := hitDecoder{b: raw[1:]}
	h.ArticleID = d.str()
	h.Title = d.str()
	if pub := d.bytes(); d.err == nil {
		if err := h.Published.UnmarshalBinary(pub); err != nil {
			return h, fmt.Errorf("stored hit: published date: %w", err)
		}
	}
	h.Source.Name = d.str()
	h.Source.URL = d.str()
	h.Source.Country = d.str()
	h.Seq = d.uvarint()
	st := &h.Statement
	st.Kind = news.Kind(d.str())
	st.Speaker = d.str()
	st.SpeakerCountry = d.list()
	st.Accused = d.list()
	st.Targets = d.list()
	st.Confidence = d.str()
	st.EventDate = d.str()
	st.Sentence = d.str()
	st.Offset = int(d.varint())
	st.Probability = math.Float64frombits(d.uint64())
	st.Seq = d.uvarint()
	if raw[0] == hitFormat {
		switch d.byte() {
		case 0:
		case 1:
			h.Tagged = true
		default:
			d.fail(errors.New("tagged is neither 0 nor 1"))
		}
		h.Names = d.names(len(st.Sentence))
	}
	if d.err == nil && len(d.b) > 0 {
		d.err = fmt.Errorf("%d bytes after the last field", len(d.b))
	}
	if d.err != nil {
		return h, fmt.Errorf("stored hit: %w", d.err)
	}
	return h, nil
}

// hitDecoder reads the fields of a stored hit; after the first error every
// read gives a zero value and err keeps that error.
type hitDecoder struct {
	b   []byte
	err error
}

func (d *hitDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShortHit
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *hitDecoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errShortHit
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *hitDecoder) uint64() uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.err = errShortHit
		return 0
	}
	v := binary.BigEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *hitDecoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = errShortHit
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *hitDecoder) str() string { return string(d.bytes()) }

func (d *hitDecoder) list() []string {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return nil
	}
	if n > uint64(len(d.b)) { // each string takes a byte at least
		d.err = errShortHit
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *hitDecoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.err = errShortHit
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *hitDecoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// names reads the stored names of a sentence textLen bytes long; a range
// outside it is an error.
func (d *hitDecoder) names(textLen int) []nameMarks {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return nil
	}
	if n > uint64(len(d.b)) { // each name takes two bytes at least
		d.err = errShortHit
		return nil
	}
	out := make([]nameMarks, n)
	for i := range out {
		out[i].Actor = d.str()
		k := d.uvarint()
		if d.err != nil {
			return nil
		}
		if k > uint64(len(d.b)) {
			d.err = errShortHit
			return nil
		}
		out[i].Marks = make([][2]int, k)
		for j := range out[i].Marks {
			start, length := d.uvarint(), d.uvarint()
			if d.err == nil && (start > uint64(textLen) || length > uint64(textLen)-start) {
				d.fail(fmt.Errorf("the marks of %s: %d+%d outside a sentence of %d bytes", out[i].Actor, start, length, textLen))
			}
			out[i].Marks[j] = [2]int{int(start), int(start + length)}
		}
	}
	return out
}
