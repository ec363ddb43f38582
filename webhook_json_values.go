package wabsp

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// Scalar accessors. Each is lenient in the direction Meta's shapes drift:
// strings accept numbers (ids) and booleans, numbers and booleans accept
// strings that hold them, null is the zero value, and anything else is odd.

// strBytes returns the text of a scalar value without copying when it can.
func (r *jsonReader) strBytes() ([]byte, bool) {
	switch c := r.ws(); c {
	case '"':
		start, end, clean := r.scanString()
		if clean {
			return r.buf[start:end], true
		}
		if r.err != nil {
			return nil, false
		}
		return unquote(r.buf[start:end]), true
	case 't':
		r.literal("true")
		return []byte("true"), true
	case 'f':
		r.literal("false")
		return []byte("false"), true
	case 'n':
		r.literal("null")
		return nil, true
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return r.scanNumber(), true
		}
		r.markOdd()
		return nil, false
	}
}

// str returns the text of a scalar value, stored in the text arena.
func (r *jsonReader) str() string {
	return r.scalarText(false)
}

// enum is str for fields with a small set of values: the known ones are
// returned as constants.
func (r *jsonReader) enum() string {
	return r.scalarText(true)
}

func (r *jsonReader) scalarText(intern bool) string {
	switch c := r.ws(); c {
	case '"':
		start, end, clean := r.scanString()
		if clean {
			if intern {
				if s, ok := internEnum(r.buf[start:end]); ok {
					return s
				}
			}
			return r.text(r.buf[start:end])
		}
		if r.err != nil {
			return ""
		}
		return r.text(unquote(r.buf[start:end]))
	case 'n':
		r.literal("null")
		return ""
	case 't':
		r.literal("true")
		return "true"
	case 'f':
		r.literal("false")
		return "false"
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			start := r.pos
			r.scanNumber()
			return r.text(r.buf[start:r.pos]) // an id sent as a number, digit for digit
		}
		r.markOdd()
		return ""
	}
}

// strs reads an array of strings; a single string is a one-element list.
func (r *jsonReader) strs() []string {
	if r.ws() != '[' {
		if s := r.str(); s != "" {
			return []string{s}
		}
		return nil
	}
	var out []string
	for it := r.array(); it.next(); {
		out = append(out, r.str())
	}
	return out
}

func (r *jsonReader) int64() int64 {
	r.ws()
	start := r.pos
	b, ok := r.strBytes()
	if !ok || len(b) == 0 {
		return 0
	}
	n, ok := parseInt(b)
	if !ok {
		r.hasOdd, r.oddStart, r.oddEnd = true, start, r.pos
	}
	return n
}

func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func (r *jsonReader) float() float64 {
	r.ws()
	start := r.pos
	b, ok := r.strBytes()
	if !ok || len(b) == 0 {
		return 0
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		// Out of range ("1e999") parses as ±Inf, which json.Marshal refuses:
		// keep the raw value instead.
		r.hasOdd, r.oddStart, r.oddEnd = true, start, r.pos
		return 0
	}
	return f
}

func (r *jsonReader) boolean() bool {
	switch r.ws() {
	case 't':
		r.literal("true")
		return true
	case 'f':
		r.literal("false")
		return false
	}
	start := r.pos
	b, ok := r.strBytes()
	if !ok {
		return false
	}
	switch string(b) {
	case "true":
		return true
	case "false", "":
		return false
	}
	r.hasOdd, r.oddStart, r.oddEnd = true, start, r.pos
	return false
}

// The Unix seconds of 0001-01-01 and 9999-12-31T23:59:59 UTC: the times
// encoding/json can write.
const (
	minMarshalableUnix = -62135596800
	maxMarshalableUnix = 253402300799
)

// time reads Unix seconds given as a string or a number (Meta uses both),
// or an RFC 3339 string, as UTC.
func (r *jsonReader) time() time.Time {
	r.ws()
	start := r.pos
	b, ok := r.strBytes()
	if !ok || len(b) == 0 {
		return time.Time{}
	}
	if n, ok := parseInt(b); ok && n >= minMarshalableUnix && n <= maxMarshalableUnix {
		return time.Unix(n, 0).UTC()
	}
	// A time that json.Marshal would refuse (a year past 9999, an offset
	// beyond 24 hours) stays zero with its raw value in Extra: a callback
	// that queues the decoded event as JSON must never fail on it.
	if t, err := time.Parse(time.RFC3339, string(b)); err == nil {
		if _, err := t.MarshalText(); err == nil {
			return t
		}
	}
	r.hasOdd, r.oddStart, r.oddEnd = true, start, r.pos
	return time.Time{}
}

// raw returns a copy of the value at pos.
func (r *jsonReader) raw() json.RawMessage {
	r.ws()
	start := r.pos
	r.skip()
	if r.err != nil {
		return nil
	}
	return append(json.RawMessage(nil), r.buf[start:r.pos]...)
}

// mark skips whitespace and returns the offset of the value that follows.
func (r *jsonReader) mark() int {
	r.ws()
	return r.pos
}

// skipSpan moves past the value at pos by matching its brackets and
// strings, without validating or decoding it: the caller decodes the span
// later with the validating reader and checks that it ends at the same
// place. A value that is not an object or array is small and skipped
// (validated) the ordinary way.
func (r *jsonReader) skipSpan() {
	b := r.buf
	c := r.ws()
	if c != '{' && c != '[' {
		r.skip()
		return
	}
	depth := 0
	for i := r.pos; i < len(b); i++ {
		switch b[i] {
		case '"':
			end := stringEnd(b, i+1)
			if end < 0 {
				r.pos = len(b)
				r.fail("unexpected end of input in string")
				return
			}
			i = end
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				r.pos = i + 1
				return
			}
		}
	}
	r.pos = len(b)
	r.fail("unexpected end of input")
}

// stringEnd returns the index of the quote that closes the string whose
// content starts at i, or -1: the first quote not escaped by an odd run of
// backslashes.
func stringEnd(b []byte, i int) int {
	start := i
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1
		}
		q := i + j
		k := q
		for k > start && b[k-1] == '\\' {
			k--
		}
		if (q-k)%2 == 0 {
			return q
		}
		i = q + 1
	}
}

// decodeArray decodes the array at pos into a new slice, each element with
// decode; a repeated member thus replaces the earlier array, as with
// encoding/json. null is an empty slice; any other value is odd.
func decodeArray[T any](r *jsonReader, decode func(*jsonReader, *T)) []T {
	var out []T
	for arr := r.array(); arr.next(); {
		out = appendGuess(r, out, arr.start)
		decode(r, &out[len(out)-1])
	}
	return out
}

// appendGuess appends a zero element to s, an array being decoded whose '['
// is at arrStart. When s is full past its first element, the room for the
// rest is guessed from the bytes the elements so far took and the bytes
// left in the body, so a batch of 1,000 statuses is allocated about once
// instead of regrown a dozen times. Elements count as at least 64 bytes:
// a run of tiny ones cannot make the guess much larger than what plain
// append growth would reach for the same body.
func appendGuess[T any](r *jsonReader, s []T, arrStart int) []T {
	if n := len(s); n > 0 && n == cap(s) {
		per := max((r.pos-arrStart)/n, 64)
		guess := n + (len(r.buf)-r.pos)/per + 1
		grown := make([]T, n, max(guess, n+n/4+1))
		copy(grown, s)
		s = grown
	}
	var zero T
	return append(s, zero)
}

// slabOf returns a pointer to a fresh zero T from *slab, refilling it with
// a block sized like appendGuess's batches: a delivery of 1,000 statuses
// then allocates its conversations and pricings in a few blocks instead of
// one object each. Each block is at most 256 elements, so a value kept
// from a large delivery keeps at most one block alive, as with the text
// arena.
func slabOf[T any](r *jsonReader, slab *[]T) *T {
	if len(*slab) == 0 {
		n := min(max((len(r.buf)-r.pos)/256, 1), 256)
		*slab = make([]T, n)
	}
	p := &(*slab)[0]
	*slab = (*slab)[1:]
	return p
}
