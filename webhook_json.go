package wabsp

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The webhook decoder is hand-written rather than encoding/json struct tags
// for two reasons (see PERFORMANCE.md and the benchmarks in
// webhook_bench_test.go):
//   - leniency per field: encoding/json fails a whole delivery when one field
//     has an unexpected type; here such a value is kept as raw JSON in the
//     enclosing struct's Extra and everything else still decodes;
//   - speed: one validating pass, no reflection, no double scan. The JSON v2
//     prototype module (github.com/go-json-experiment/json) would be the
//     other route; it is as strict as encoding/json about types, and slower
//     than this reader on webhook deliveries (benchmarks/ measures both).
//
// The reader's pieces: this file (syntax, strings, numbers, objects and
// arrays), webhook_json_values.go (the lenient scalar accessors and array
// helpers the decode functions call) and webhook_json_text.go (the text
// arena and the interned enum values).
//
// jsonReader decodes a byte slice in one pass. Syntax errors are sticky: the
// first one is kept in err and every later call returns at once, so the
// decoders need no error plumbing. A value of an unexpected type is skipped
// (after being validated) and remembered as "odd"; the objIter of the
// enclosing object then keeps it in its Extra under the member's name.
type jsonReader struct {
	buf []byte
	// arena holds the bytes of the strings decoded so far (see text).
	arena []byte
	pos   int
	err   error

	hasOdd           bool
	oddStart, oddEnd int

	depth int

	// guessing is set while a change's value is decoded as messages before
	// its field is known; guessMissed, when that decode gave up.
	guessing, guessMissed bool

	// conversations and pricings hand out a status's optional objects from
	// blocks (see slabOf), one allocation for many statuses.
	conversations []Conversation
	pricings      []Pricing
}

// maxWebhookDepth bounds nesting so hostile input cannot exhaust the stack;
// encoding/json uses the same limit.
const maxWebhookDepth = 10000

// WebhookSyntaxError reports a webhook body that is not well-formed JSON, or
// whose top level is not a JSON object. Offset is the byte offset where the
// problem was found; the body itself is never part of the message.
type WebhookSyntaxError struct {
	Offset int
	Msg    string
}

// Error returns the offset and the reason.
func (e *WebhookSyntaxError) Error() string {
	return "wabsp: webhook body: " + e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

func (r *jsonReader) fail(msg string) {
	if r.err == nil {
		r.err = &WebhookSyntaxError{Offset: r.pos, Msg: msg}
	}
	r.pos = len(r.buf)
}

// ws skips whitespace and returns the next byte, or 0 at the end.
// Pretty-printed deliveries indent with runs of spaces: those are skipped
// eight bytes at a time.
func (r *jsonReader) ws() byte {
	b, i := r.buf, r.pos
	if i < len(b) && b[i] > ' ' {
		return b[i] // compact JSON: no whitespace at all
	}
	for i < len(b) {
		switch c := b[i]; c {
		case ' ', '\t', '\n', '\r':
			i++
			for i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:]) == eightSpaces {
				i += 8
			}
		default:
			r.pos = i
			return c
		}
	}
	r.pos = i
	return 0
}

const (
	eightSpaces = 0x2020202020202020
	lowBits     = 0x0101010101010101
	highBits    = 0x8080808080808080
)

// stringStops flags, in the high bit of each byte of w (8 bytes, little
// endian), the bytes that end a fast run in a string: a quote, a backslash
// or a control byte. The classic "has a zero byte" test can flag a byte
// above a true hit (a borrow), never below one, so the lowest flag is exact.
func stringStops(w uint64) uint64 {
	q := w ^ (lowBits * '"')
	s := w ^ (lowBits * '\\')
	return (((q - lowBits) &^ q) | ((s - lowBits) &^ s) | ((w - lowBits*0x20) &^ w)) & highBits
}

// markOdd skips the value at pos and remembers its bytes.
func (r *jsonReader) markOdd() {
	start := r.pos
	r.skip()
	if r.err == nil {
		r.hasOdd, r.oddStart, r.oddEnd = true, start, r.pos
	}
}

// skip validates and skips one value.
func (r *jsonReader) skip() {
	switch c := r.ws(); c {
	case '"':
		r.scanString()
	case '{':
		if r.enter() {
			it := objIter{r: r, active: true}
			r.pos++
			for it.next() {
				r.skip()
			}
		}
	case '[':
		if r.enter() {
			r.pos++
			for first := true; r.arrayNext(&first); {
				r.skip()
			}
			r.depth--
		}
	case 't':
		r.literal("true")
	case 'f':
		r.literal("false")
	case 'n':
		r.literal("null")
	case 0:
		r.fail("unexpected end of input")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			r.scanNumber()
			return
		}
		r.fail("invalid character " + strconv.QuoteRune(rune(c)))
	}
}

func (r *jsonReader) enter() bool {
	r.depth++
	if r.depth > maxWebhookDepth {
		r.fail("nesting too deep")
		return false
	}
	return true
}

func (r *jsonReader) literal(lit string) {
	if len(r.buf)-r.pos >= len(lit) && string(r.buf[r.pos:r.pos+len(lit)]) == lit {
		r.pos += len(lit)
		return
	}
	if len(r.buf)-r.pos < len(lit) {
		r.fail("unexpected end of input")
		return
	}
	r.fail("invalid literal")
}

// scanString consumes a string at pos (which holds '"') and returns its
// content's range; clean is false when it has escapes or bytes that are not
// valid UTF-8, so the content must go through unquote. Plain runs are
// scanned eight bytes at a time.
func (r *jsonReader) scanString() (start, end int, clean bool) {
	b := r.buf
	start = r.pos + 1
	clean = true
	var high uint64 // the high bits of every byte read: non-zero if any is not ASCII
	i := start
	for {
		for i+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[i:])
			if m := stringStops(w); m != 0 {
				n := bits.TrailingZeros64(m) >> 3
				high |= w & (1<<(8*n) - 1)
				i += n
				break
			}
			high |= w
			i += 8
		}
		for ; i < len(b); i++ {
			c := b[i]
			if c == '"' || c == '\\' || c < 0x20 {
				break
			}
			high |= uint64(c)
		}
		if i >= len(b) {
			r.pos = len(b)
			r.fail("unexpected end of input in string")
			return start, start, true
		}
		switch c := b[i]; {
		case c == '"':
			r.pos = i + 1
			if high&highBits != 0 && clean && !utf8.Valid(b[start:i]) {
				clean = false
			}
			return start, i, clean
		case c == '\\':
			clean = false
			if i+1 >= len(b) {
				r.pos = i
				r.fail("unexpected end of input")
				return start, start, true
			}
			i++
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					r.pos = i
					r.fail("unexpected end of input")
					return start, start, true
				}
				for _, h := range b[i+1 : i+5] {
					if unhex(h) < 0 {
						r.pos = i
						r.fail("invalid \\u escape")
						return start, start, true
					}
				}
				i += 4
			default:
				r.pos = i
				r.fail("invalid escape in string")
				return start, start, true
			}
			i++
		default:
			r.pos = i
			r.fail("control character in string")
			return start, start, true
		}
	}
}

func unhex(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

// unquote decodes an already validated string content with escapes,
// replacing invalid UTF-8 with U+FFFD as encoding/json does.
func unquote(s []byte) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			i++
			switch s[i] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r1 := hex4(s[i+1:])
				i += 4
				if utf16.IsSurrogate(r1) {
					if i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
						if r := utf16.DecodeRune(r1, hex4(s[i+3:])); r != utf8.RuneError {
							out = utf8.AppendRune(out, r)
							i += 7
							continue
						}
					}
					r1 = utf8.RuneError
				}
				out = utf8.AppendRune(out, r1)
			default: // '"', '\\', '/'
				out = append(out, s[i])
			}
			i++
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			out = utf8.AppendRune(out, r)
			i += size
		}
	}
	return out
}

func hex4(b []byte) rune {
	return unhex(b[0])<<12 | unhex(b[1])<<8 | unhex(b[2])<<4 | unhex(b[3])
}

// scanNumber consumes a number with JSON's grammar and returns its bytes.
func (r *jsonReader) scanNumber() []byte {
	b, i := r.buf, r.pos
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() bool {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > j
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		r.pos = i
		r.fail("invalid number")
		return nil
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			r.pos = i
			r.fail("invalid number")
			return nil
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			r.pos = i
			r.fail("invalid number")
			return nil
		}
	}
	r.pos = i
	return b[start:i]
}

// arrayNext advances inside an array whose '[' was consumed: it reports
// whether another element follows, consuming the ',' or the ']'.
func (r *jsonReader) arrayNext(first *bool) bool {
	c := r.ws()
	if c == ']' {
		r.pos++
		return false
	}
	if !*first {
		if c != ',' {
			r.fail("expected ',' or ']' in array")
			return false
		}
		r.pos++
		if r.ws() == ']' {
			r.fail("trailing comma")
			return false
		}
	}
	if r.err != nil || r.pos >= len(r.buf) {
		r.fail("unexpected end of input in array")
		return false
	}
	*first = false
	return true
}

// objIter walks the members of one object. Extra collects the members the
// caller kept with keep() and every member whose value was odd.
type objIter struct {
	r      *jsonReader
	active bool
	n      int
	key    []byte
	extra  map[string]json.RawMessage
}

// object starts walking the object at pos. null is an empty object; any
// other non-object value is odd.
func (r *jsonReader) object() objIter {
	switch r.ws() {
	case '{':
		if !r.enter() {
			return objIter{r: r}
		}
		r.pos++
		return objIter{r: r, active: true}
	case 'n':
		r.literal("null")
	default:
		r.markOdd()
	}
	return objIter{r: r}
}

// next moves to the next member, leaving pos at its value, and reports
// whether there is one.
func (it *objIter) next() bool {
	if !it.active {
		return false
	}
	r := it.r
	if r.hasOdd {
		r.hasOdd = false
		it.put(r.buf[r.oddStart:r.oddEnd])
	}
	c := r.ws()
	if c == '}' {
		r.pos++
		r.depth--
		it.active = false
		return false
	}
	if it.n > 0 {
		if c != ',' {
			return it.stop("expected ',' or '}' in object")
		}
		r.pos++
		c = r.ws()
	}
	if c != '"' {
		return it.stop("expected a member name")
	}
	// Member names are short and plain ASCII: look for the closing quote
	// eight bytes at a time here, stopping at the first byte that is a
	// quote, a backslash, a control or a non-ASCII byte, and leave all but
	// the quote to scanString.
	b, i := r.buf, r.pos+1
	for i+8 <= len(b) {
		w := binary.LittleEndian.Uint64(b[i:])
		if m := stringStops(w) | w&highBits; m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			break
		}
		i += 8
	}
	for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 && b[i] < 0x80 {
		i++
	}
	if i < len(b) && b[i] == '"' {
		it.key = b[r.pos+1 : i]
		r.pos = i + 1
	} else {
		start, end, clean := r.scanString()
		if r.err != nil {
			return it.stop("")
		}
		if clean {
			it.key = r.buf[start:end]
		} else {
			it.key = unquote(r.buf[start:end])
		}
	}
	if r.ws() != ':' {
		return it.stop("expected ':' after member name")
	}
	r.pos++
	it.n++
	return true
}

func (it *objIter) stop(msg string) bool {
	if it.r.pos >= len(it.r.buf) {
		msg = "unexpected end of input in object"
	}
	it.r.fail(msg)
	it.active = false
	return false
}

// keep stores the current member's value as raw JSON: a member this SDK does
// not know.
func (it *objIter) keep() {
	r := it.r
	r.ws()
	start := r.pos
	r.skip()
	if r.err == nil {
		it.put(r.buf[start:r.pos])
	}
}

func (it *objIter) put(raw []byte) {
	if it.extra == nil {
		it.extra = make(map[string]json.RawMessage, 2)
	}
	it.extra[string(it.key)] = append(json.RawMessage(nil), raw...)
}

// arrIter walks the elements of one array. An element that was odd makes
// the whole array odd once it ends, so the raw array is kept next to what
// did decode.
type arrIter struct {
	r      *jsonReader
	active bool
	first  bool
	start  int
	sawOdd bool
}

// array starts walking the array at pos. null is an empty array; any other
// non-array value is odd.
func (r *jsonReader) array() arrIter {
	switch r.ws() {
	case '[':
		if !r.enter() {
			return arrIter{r: r}
		}
		start := r.pos
		r.pos++
		return arrIter{r: r, active: true, first: true, start: start}
	case 'n':
		r.literal("null")
	default:
		r.markOdd()
	}
	return arrIter{r: r}
}

func (it *arrIter) next() bool {
	r := it.r
	if r.hasOdd && it.active {
		r.hasOdd = false
		it.sawOdd = true
	}
	if !it.active {
		return false
	}
	if r.arrayNext(&it.first) {
		return true
	}
	it.active = false
	r.depth--
	if it.sawOdd && r.err == nil {
		r.hasOdd, r.oddStart, r.oddEnd = true, it.start, r.pos
	}
	return false
}
