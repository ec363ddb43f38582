package wabsp

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// The webhook decoder is hand-written rather than encoding/json struct tags
// for two reasons (see PERFORMANCE.md and the benchmarks in
// webhook_bench_test.go):
//   - leniency per field: encoding/json fails a whole delivery when one field
//     has an unexpected type; here such a value is kept as raw JSON in the
//     enclosing struct's Extra and everything else still decodes;
//   - speed: one validating pass, no reflection, no double scan. The JSON v2
//     prototype module would be the other route, but the versions the module
//     proxy serves need Go 1.26 and this module targets Go 1.23.
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

// internEnum returns the constant string for a value of the closed sets the
// decoder meets most (statuses, message types, pricing, fields, template
// states), so those values take no room in the text arena and keep nothing
// alive. A switch on a string compiles to a search by length and bytes,
// without the hashing of a map.
func internEnum(b []byte) (string, bool) {
	switch string(b) {
	case "whatsapp":
		return "whatsapp", true
	case "whatsapp_business_account":
		return "whatsapp_business_account", true
	case "sent":
		return "sent", true
	case "delivered":
		return "delivered", true
	case "read":
		return "read", true
	case "failed":
		return "failed", true
	case "played":
		return "played", true
	case "deleted":
		return "deleted", true
	case "text":
		return "text", true
	case "image":
		return "image", true
	case "audio":
		return "audio", true
	case "video":
		return "video", true
	case "document":
		return "document", true
	case "sticker":
		return "sticker", true
	case "location":
		return "location", true
	case "contacts":
		return "contacts", true
	case "interactive":
		return "interactive", true
	case "button":
		return "button", true
	case "reaction":
		return "reaction", true
	case "order":
		return "order", true
	case "system":
		return "system", true
	case "unsupported":
		return "unsupported", true
	case "request_welcome":
		return "request_welcome", true
	case "button_reply":
		return "button_reply", true
	case "list_reply":
		return "list_reply", true
	case "nfm_reply":
		return "nfm_reply", true
	case "marketing":
		return "marketing", true
	case "utility":
		return "utility", true
	case "authentication":
		return "authentication", true
	case "service":
		return "service", true
	case "referral_conversion":
		return "referral_conversion", true
	case "authentication_international":
		return "authentication_international", true
	case "marketing_lite":
		return "marketing_lite", true
	case "regular":
		return "regular", true
	case "free_customer_service":
		return "free_customer_service", true
	case "free_entry_point":
		return "free_entry_point", true
	case "CBP":
		return "CBP", true
	case "PMP":
		return "PMP", true
	case "messages":
		return "messages", true
	case "message_template_status_update":
		return "message_template_status_update", true
	case "message_template_quality_update":
		return "message_template_quality_update", true
	case "template_category_update":
		return "template_category_update", true
	case "phone_number_quality_update":
		return "phone_number_quality_update", true
	case "phone_number_name_update":
		return "phone_number_name_update", true
	case "account_update":
		return "account_update", true
	case "account_review_update":
		return "account_review_update", true
	case "account_alerts":
		return "account_alerts", true
	case "business_capability_update":
		return "business_capability_update", true
	case "security":
		return "security", true
	case "history":
		return "history", true
	case "smb_app_state_sync":
		return "smb_app_state_sync", true
	case "smb_message_echoes":
		return "smb_message_echoes", true
	case "APPROVED":
		return "APPROVED", true
	case "REJECTED":
		return "REJECTED", true
	case "PENDING":
		return "PENDING", true
	case "DEFERRED":
		return "DEFERRED", true
	case "PAUSED":
		return "PAUSED", true
	case "DISABLED":
		return "DISABLED", true
	case "FLAGGED":
		return "FLAGGED", true
	case "REINSTATED":
		return "REINSTATED", true
	case "GREEN":
		return "GREEN", true
	case "YELLOW":
		return "YELLOW", true
	case "RED":
		return "RED", true
	case "UNKNOWN":
		return "UNKNOWN", true
	case "MARKETING":
		return "MARKETING", true
	case "UTILITY":
		return "UTILITY", true
	case "AUTHENTICATION":
		return "AUTHENTICATION", true
	case "image/jpeg":
		return "image/jpeg", true
	case "image/png":
		return "image/png", true
	case "image/webp":
		return "image/webp", true
	case "video/mp4":
		return "video/mp4", true
	case "application/pdf":
		return "application/pdf", true
	case "en":
		return "en", true
	case "en_US":
		return "en_US", true
	case "es":
		return "es", true
	case "pt_BR":
		return "pt_BR", true
	case "audio/ogg; codecs=opus":
		return "audio/ogg; codecs=opus", true
	}
	return "", false
}

// text returns b as a string whose bytes live in the reader's arena: the
// texts of a delivery (ids, names, bodies) share a few allocations instead
// of one each.
//
// The conversion with unsafe.String is sound because an arena chunk is
// append-only: bytes are written once, before the string over them is
// made, and never again (a string that does not fit starts a new chunk;
// the old one stays alive as long as a string points into it). That is
// exactly unsafe.String's contract, a documented API since Go 1.20, not a
// reliance on the layout of strings. The strings never alias the body.
func (r *jsonReader) text(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > cap(r.arena)-len(r.arena) {
		// A chunk of a quarter of the bytes still to read (texts are
		// 15-33% of the project's fixtures), between 64 bytes and 32 KB:
		// about one chunk for a small delivery, little room left unused,
		// and a kept string holds at most 32 KB alive.
		size := min(max((len(r.buf)-r.pos)/4, 64), 32<<10)
		r.arena = make([]byte, 0, max(size, len(b)))
	}
	off := len(r.arena)
	r.arena = append(r.arena, b...)
	return unsafe.String(&r.arena[off], len(b))
}
