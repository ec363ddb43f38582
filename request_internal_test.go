package wabsp

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
)

func TestReadBodyReadsLikeReadLimited(t *testing.T) {
	t.Parallel()
	const limit = 10
	cases := []struct {
		name      string
		body      io.Reader
		announced int64
		want      string
		atEOF     bool
		err       string
	}{
		{"a body of the announced length is read to its end", strings.NewReader("hello"), 5, "hello", true, ""},
		{"an empty body is read to its end", strings.NewReader(""), 0, "", true, ""},
		{"a body of unknown length is read to its end", strings.NewReader("hello"), -1, "hello", true, ""},
		{"a body longer than announced is read on", strings.NewReader("hello world"), 5, "hello worl", false, "exceeds 10 bytes"},
		{"a body shorter than announced is what was sent", strings.NewReader("hi"), 5, "hi", true, ""},
		{"a body of exactly the limit fits", strings.NewReader("0123456789"), 10, "0123456789", true, ""},
		{"an announced body over the limit is cut at the limit", strings.NewReader("0123456789ab"), 12, "0123456789", false, "exceeds 10 bytes"},
		{"a body announced at the limit but longer is cut at the limit", strings.NewReader("0123456789ab"), 10, "0123456789", false, "exceeds 10 bytes"},
		{"an unknown-length body over the limit is cut at the limit", strings.NewReader("0123456789ab"), -1, "0123456789", false, "exceeds 10 bytes"},
		{"a read error is returned with what was read", io.MultiReader(strings.NewReader("hel"), iotest.ErrReader(errors.New("reset"))), 5, "hel", false, "reset"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body, atEOF, err := readBody(&http.Response{Body: io.NopCloser(tc.body), ContentLength: tc.announced}, limit)
			assert.Equal(t, tc.want, string(body))
			assert.Equal(t, tc.atEOF, atEOF)
			if tc.err == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, tc.err)
			}
		})
	}
}
