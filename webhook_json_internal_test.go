package wabsp

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"testing"
)

// TestScanStringEveryAlignment checks the word-at-a-time string scan
// against encoding/json for a quote, a backslash escape, a control byte and
// a non-ASCII byte at every offset of the first words, so every lane of the
// eight-byte loop and the byte-at-a-time tail are exercised.
func TestScanStringEveryAlignment(t *testing.T) {
	t.Parallel()
	specials := []string{`\"`, `\\`, `\n`, `\u00e9`, "\x01", "\x1f", "é", "\xff", " ", "~", "\x7f", "\x80", "\xa0"}
	for n := 0; n < 20; n++ {
		for _, sp := range specials {
			for tail := 0; tail < 10; tail++ {
				content := pad(n) + sp + pad(tail)
				doc := `"` + content + `"`
				r := jsonReader{buf: []byte(doc + `,`)}
				start, end, clean := r.scanString()
				var want string
				ok := json.Unmarshal([]byte(doc), &want) == nil
				if ok != (r.err == nil) {
					t.Fatalf("%q: scan err %v, encoding/json ok %v", doc, r.err, ok)
				}
				if !ok {
					continue
				}
				got := string(r.buf[start:end])
				if !clean {
					got = string(unquote(r.buf[start:end]))
				}
				if got != want || r.pos != len(doc) {
					t.Fatalf("%q: got %q at %d, want %q at %d", doc, got, r.pos, want, len(doc))
				}
			}
		}
	}
}

// TestStringStops checks the eight-byte test against a byte loop for every
// byte value in every lane, with plain bytes before and after it: only
// high bits are set, none for a word without a stop, and the lowest one
// is the first stop. (A test that only compares decoded strings cannot see
// a flag set wrongly: the byte loop behind it still finds the right end,
// slowly.)
func TestStringStops(t *testing.T) {
	t.Parallel()
	isStop := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }
	for lane := 0; lane < 8; lane++ {
		for v := 0; v < 256; v++ {
			for _, fill := range []byte{'a', ' ', 0x7f, 0xc3, 0xff, '"'} {
				var word [8]byte
				for i := range word {
					word[i] = 'a'
					if i > lane {
						word[i] = fill
					}
				}
				word[lane] = byte(v)
				m := stringStops(binary.LittleEndian.Uint64(word[:]))
				first := -1
				for i, c := range word {
					if isStop(c) {
						first = i
						break
					}
				}
				switch {
				case m&^highBits != 0:
					t.Fatalf("%q: flags outside the high bits: %#x", word, m)
				case first < 0 && m != 0:
					t.Fatalf("%q: no stop, flags %#x", word, m)
				case first >= 0 && bits.TrailingZeros64(m)>>3 != first:
					t.Fatalf("%q: first stop at %d, lowest flag at byte %d", word, first, bits.TrailingZeros64(m)>>3)
				}
			}
		}
	}
}

func pad(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return string(b)
}

// TestWhitespaceRuns checks that runs of whitespace of every length are
// skipped to the exact next byte.
func TestWhitespaceRuns(t *testing.T) {
	t.Parallel()
	for n := 0; n < 40; n++ {
		for _, run := range []string{" ", "\n", "\t", "\r\n  "} {
			ws := ""
			for len(ws) < n {
				ws += run
			}
			r := jsonReader{buf: []byte(ws + "x")}
			if c := r.ws(); c != 'x' || r.pos != len(ws) {
				t.Fatalf("%q: got %q at %d", ws, c, r.pos)
			}
			r = jsonReader{buf: []byte(ws)}
			if c := r.ws(); c != 0 || r.pos != len(ws) {
				t.Fatalf("%q at the end: got %q at %d", ws, c, r.pos)
			}
		}
	}
}

// TestMemberNames checks the member-name fast path and its fallback:
// escaped and non-ASCII names still decode to the same name.
func TestMemberNames(t *testing.T) {
	t.Parallel()
	w, err := DecodeWebhook([]byte(`{"entry":[{"changes":[{"fi\u0065ld":"messages","é":1,"a\"b":2,"value":{}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c := w.Entries[0].Changes[0]
	if c.Field != FieldMessages || string(c.Extra["é"]) != "1" || string(c.Extra[`a"b`]) != "2" {
		t.Fatalf("got field %q, extra %v", c.Field, c.Extra)
	}
	for _, bad := range []string{"{\"a\x01\":1}", `{"a`, `{"a\q":1}`} {
		if _, err := DecodeWebhook([]byte(bad)); err == nil {
			t.Errorf("%q: want a syntax error", bad)
		}
	}
}
