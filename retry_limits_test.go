package wabsp_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// within fails the test when call does not return before a generous
// watchdog: a guard against a call that blocks forever, not a timing
// assertion.
func within(t *testing.T, call func() error) error {
	t.Helper()
	result := make(chan error, 1)
	go func() { result <- call() }()
	select {
	case err := <-result:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the call did not return")
		return nil
	}
}

func TestGraphThrottlingBeyondMaxRetryAfterReturnsAtOnce(t *testing.T) {
	t.Parallel()
	waits := []struct {
		name, header string
	}{
		{"in seconds", "3600"},
		{"as an HTTP date", time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat)},
	}
	for _, code := range []int{4, 17, 32, 613, 80007, 80008, 130429} {
		for _, wait := range waits {
			t.Run(fmt.Sprintf("code %d with a Retry-After %s", code, wait.name), func(t *testing.T) {
				t.Parallel()
				rs := newRealServer(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Retry-After", wait.header)
					answer(400, fmt.Sprintf(`{"error":{"message":"(#%d) Too many calls","type":"OAuthException","code":%d,"fbtrace_id":"Thr"}}`, code, code))(0, w, nil)
				})
				c := clientFor(t, rs)
				err := within(t, func() error {
					// No deadline: before the fix, this slept the whole hour.
					_, err := c.SubmitTemplate(context.Background(), "109876543210987", submitRequest)
					return err
				})
				var rl *wabsp.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Greater(t, rl.RetryAfter, time.Hour-time.Minute, "the wait the server asked for is reported")
				assert.Equal(t, code, rl.Graph.Code)
				assert.Equal(t, int64(1), rs.calls.Load(), "no retry")
			})
		}
	}
}

func TestGraphThrottlingWithinMaxRetryAfterIsRetried(t *testing.T) {
	t.Parallel()
	rs := newRealServer(t, func(n int64, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			answer(400, `{"error":{"message":"(#80008) rate limit","type":"OAuthException","code":80008,"fbtrace_id":"Thr"}}`)(n, w, nil)
			return
		}
		answer(200, `{"id":"1","status":"PENDING","category":"UTILITY"}`)(n, w, nil)
	})
	_, err := clientFor(t, rs).SubmitTemplate(context.Background(), "109876543210987", submitRequest)
	require.NoError(t, err)
	assert.Equal(t, int64(2), rs.calls.Load())
}

func TestAttemptTimeoutEndsABodyTrickledForever(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	rs := newRealServer(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		// Headers and a first byte, then nothing: ResponseHeaderTimeout
		// is satisfied, only a whole-attempt bound ends this.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("{"))
		w.(http.Flusher).Flush()
		select {
		case <-done:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(done) })
	c := clientFor(t, rs, wabsp.WithAttemptTimeout(50*time.Millisecond),
		wabsp.WithRetryPolicy(wabsp.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Microsecond, MaxBackoff: time.Microsecond}))

	err := within(t, func() error {
		_, err := c.GetTemplate(context.Background(), "1234567890")
		return err
	})
	require.Error(t, err)
	var ne net.Error
	require.True(t, errors.As(err, &ne) && ne.Timeout(), "a timeout, got %v", err)
	assert.Equal(t, int64(2), rs.calls.Load(), "a GET that timed out is tried again")
}

func TestWithAttemptTimeoutRefusesANonPositiveDuration(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{0, -time.Second} {
		_, err := wabsp.NewClient(wabsp.WithAttemptTimeout(d))
		assert.ErrorContains(t, err, "WithAttemptTimeout", "duration %v", d)
	}
}

func TestGraphTemporaryCodesAreRetriedWhateverTheirStatus(t *testing.T) {
	t.Parallel()
	const temporary = `{"error":{"message":"An unexpected error has occurred.","type":"OAuthException","code":2,"fbtrace_id":"Tmp"}}`
	tests := []struct {
		name      string
		body      string
		call      func(c *wabsp.Client) error
		wantCalls int64
		is        func(error) bool
	}{
		{"a GET answered 400 with code 2 is retried", temporary, func(c *wabsp.Client) error {
			_, err := c.GetTemplate(context.Background(), "1234567890")
			return err
		}, int64(fastRetries.MaxAttempts), isType[*wabsp.ServerError]},
		{"a template submission answered 400 with code 2 is not", temporary, func(c *wabsp.Client) error {
			_, err := c.SubmitTemplate(context.Background(), "109876543210987", submitRequest)
			return err
		}, 1, isType[*wabsp.ServerError]},
		{"a GET answered 400 with code 100 is not", `{"error":{"message":"Invalid parameter","type":"OAuthException","code":100,"fbtrace_id":"Bad"}}`,
			func(c *wabsp.Client) error {
				_, err := c.GetTemplate(context.Background(), "1234567890")
				return err
			}, 1, isType[*wabsp.BadRequestError]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := newRealServer(t, answer(400, tt.body))
			err := tt.call(clientFor(t, rs))
			assert.True(t, tt.is(err), "%T", err)
			assert.Equal(t, tt.wantCalls, rs.calls.Load())
		})
	}
}
