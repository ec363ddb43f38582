package wabsp_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// countingRoundTripper is the smallest instrumentation: it counts the
// requests that pass through it, as otelhttp would trace them.
type countingRoundTripper struct {
	next     http.RoundTripper
	requests atomic.Int64
}

func (c *countingRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	c.requests.Add(1)
	return c.next.RoundTrip(r)
}

func TestTransportWrapperSeesEveryAttemptAndKeepsTheTunedTransport(t *testing.T) {
	t.Parallel()
	rs := newRealServer(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			answer(http.StatusServiceUnavailable, `{"error":{"message":"try later","code":2}}`)(n, w, r)
			return
		}
		answer(http.StatusOK, `{"id":"112233445566778"}`)(n, w, r)
	})
	var counter *countingRoundTripper
	var wrapped http.RoundTripper
	c := clientFor(t, rs, wabsp.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		wrapped = rt
		counter = &countingRoundTripper{next: rt}
		return counter
	}))

	n, err := c.GetPhoneNumber(context.Background(), "112233445566778")
	require.NoError(t, err)
	assert.Equal(t, "112233445566778", n.ID)
	assert.Equal(t, int64(2), counter.requests.Load(), "the failed attempt and the retry both pass through the wrapper")
	assert.Equal(t, int64(2), rs.calls.Load())

	tuned, ok := wrapped.(*http.Transport)
	require.True(t, ok, "the wrapper receives the default transport, got %T", wrapped)
	assert.Equal(t, wabsp.MaxConnsPerHost, tuned.MaxConnsPerHost, "the connection pool settings are kept")
	assert.Equal(t, wabsp.MaxConnsPerHost, tuned.MaxIdleConnsPerHost)
}

func TestTransportWrappersApplyInOrderAroundTheGivenTransport(t *testing.T) {
	t.Parallel()
	var order []string
	named := func(name string) func(http.RoundTripper) http.RoundTripper {
		return func(next http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				order = append(order, name)
				return next.RoundTrip(r)
			})
		}
	}
	base := &countingTransport{}
	c, err := wabsp.NewClient(wabsp.WithTransport(base), wabsp.WithMetaApp(testAppID, testAppSecret), wabsp.WithAccessToken(testAccessToken),
		wabsp.WithRetryPolicy(wabsp.RetryPolicy{MaxAttempts: 1}),
		wabsp.WithTransportWrapper(named("inner")), wabsp.WithTransportWrapper(named("outer")))
	require.NoError(t, err)
	_, err = c.GetPhoneNumber(context.Background(), "112233445566778")
	require.Error(t, err, "the base transport always fails")
	assert.Equal(t, []string{"outer", "inner"}, order)
	assert.Equal(t, 1, base.calls, "the wrappers sit on WithTransport's transport")
}

func TestTransportWrapperRefusesNil(t *testing.T) {
	t.Parallel()
	tests := map[string]func(http.RoundTripper) http.RoundTripper{
		"a nil function":                       nil,
		"a function returning a nil transport": func(http.RoundTripper) http.RoundTripper { return nil },
	}
	for name, wrap := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := wabsp.NewClient(wabsp.WithTransportWrapper(wrap))
			assert.ErrorContains(t, err, "WithTransportWrapper")
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
