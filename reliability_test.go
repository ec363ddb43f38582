package wabsp_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

const signupOK = `{"api_id":"a1","message":"Embedded signup completed successfully.","waba_id":"109876543210987","phone_number_id":"112233445566778","business_id":"198765432109876"}`

// realServer serves handler on loopback and counts the TCP connections
// clients open to it.
type realServer struct {
	*httptest.Server
	conns atomic.Int64
	calls atomic.Int64
}

func newRealServer(t *testing.T, handler func(n int64, w http.ResponseWriter, r *http.Request)) *realServer {
	t.Helper()
	rs := &realServer{}
	rs.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler(rs.calls.Add(1), w, r)
	}))
	rs.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			rs.conns.Add(1)
		}
	}
	rs.Start()
	t.Cleanup(rs.Close)
	return rs
}

// clientFor points a client with the default transport at rs.
func clientFor(t *testing.T, rs *realServer, opts ...wabsp.Option) *wabsp.Client {
	t.Helper()
	base := []wabsp.Option{
		wabsp.WithPlivoCredentials(testAuthID, testAuthToken), wabsp.WithMetaApp(testAppID, testAppSecret),
		wabsp.WithAccessToken(testAccessToken),
		wabsp.WithPlivoBaseURL(rs.URL), wabsp.WithGraphBaseURL(rs.URL), wabsp.WithRetryPolicy(fastRetries),
	}
	c, err := wabsp.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c
}

func answer(status int, body string) func(int64, http.ResponseWriter, *http.Request) {
	return func(_ int64, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// cut sends the headers and half of body, then drops the connection.
func cut(w http.ResponseWriter, body string) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:len(body)/2])
	_ = buf.Flush()
}

// reset drops the connection before any answer.
func reset(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}
}

var submitRequest = wabsp.TemplateRequest{
	Name: "order_shipped", Language: "en_US", Category: wabsp.CategoryUtility,
	Components: []wabsp.Component{{Type: wabsp.ComponentBody, Text: "Hi {{1}}", Example: &wabsp.ComponentExample{BodyText: [][]string{{"Ana"}}}}},
}

func TestFaults(t *testing.T) {
	t.Parallel()
	signup := func(c *wabsp.Client) error {
		_, err := c.EmbeddedSignup(context.Background(), signupRequest)
		return err
	}
	submit := func(c *wabsp.Client) error {
		_, err := c.SubmitTemplate(context.Background(), "109876543210987", submitRequest)
		return err
	}
	tests := []struct {
		name      string
		handler   func(n int64, w http.ResponseWriter, r *http.Request)
		call      func(*wabsp.Client) error
		wantCalls int64
		check     func(t *testing.T, err error)
	}{
		{"a 500 storm ends in a ServerError counting every attempt", answer(500, `{"api_id":"s","error":"An internal error occurred. Please try again later."}`), signup, 3,
			func(t *testing.T, err error) {
				var se *wabsp.ServerError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, 3, se.Attempts)
			}},
		{"a reset before the answer is retried to success", func(n int64, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				reset(w)
				return
			}
			answer(200, signupOK)(n, w, r)
		}, signup, 2, func(t *testing.T, err error) { require.NoError(t, err) }},
		{"a reset on every attempt ends in a RequestError", func(_ int64, w http.ResponseWriter, _ *http.Request) { reset(w) }, signup, 3,
			func(t *testing.T, err error) {
				var re *wabsp.RequestError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, 3, re.Attempts)
			}},
		{"a body cut on a call safe to repeat is retried to success", func(n int64, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				cut(w, signupOK)
				return
			}
			answer(200, signupOK)(n, w, r)
		}, signup, 2, func(t *testing.T, err error) { require.NoError(t, err) }},
		{"a body cut on a template submission is not repeated: the template may exist", func(_ int64, w http.ResponseWriter, _ *http.Request) {
			cut(w, `{"id":"594425479261596","status":"PENDING","category":"UTILITY"}`)
		}, submit, 1, func(t *testing.T, err error) {
			var de *wabsp.DecodeError
			require.ErrorAs(t, err, &de)
			assert.NotEmpty(t, de.Body, "what arrived is kept")
		}},
		{"a 500 on a template submission is not repeated", answer(500, `{"error":{"message":"An unexpected error has occurred.","type":"OAuthException","code":2,"fbtrace_id":"T"}}`), submit, 1,
			func(t *testing.T, err error) {
				var se *wabsp.ServerError
				require.ErrorAs(t, err, &se)
				var g *wabsp.GraphError
				require.ErrorAs(t, err, &g)
				assert.Equal(t, 2, g.Code)
			}},
		{"Graph throttling on a template submission is retried: Graph did not process it", func(n int64, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				answer(400, `{"error":{"message":"(#80008) There have been too many calls","type":"OAuthException","code":80008,"fbtrace_id":"T"}}`)(n, w, r)
				return
			}
			answer(200, `{"id":"594425479261596","status":"PENDING","category":"UTILITY"}`)(n, w, r)
		}, submit, 2, func(t *testing.T, err error) { require.NoError(t, err) }},
		{"complete but malformed JSON is a DecodeError, not retried", answer(200, `{"api_id":"a1","message":`+"\x00"+`}`), signup, 1,
			func(t *testing.T, err error) {
				var de *wabsp.DecodeError
				require.ErrorAs(t, err, &de)
			}},
		{"a 404 is never retried", answer(404, `{"api_id":"n","error":"Not found"}`), signup, 1,
			func(t *testing.T, err error) {
				var apiErr *wabsp.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 404, apiErr.StatusCode)
			}},
		{"a 429 without Retry-After is retried with backoff", func(n int64, w http.ResponseWriter, r *http.Request) {
			if n < 3 {
				answer(429, `{"api_id":"r","error":"Too many requests."}`)(n, w, r)
				return
			}
			answer(200, signupOK)(n, w, r)
		}, signup, 3, func(t *testing.T, err error) { require.NoError(t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := newRealServer(t, tt.handler)
			err := tt.call(clientFor(t, rs))
			tt.check(t, err)
			assert.Equal(t, tt.wantCalls, rs.calls.Load(), "requests the server received")
		})
	}
}

// hang never answers until the test ends.
func hang(done <-chan struct{}) func(int64, http.ResponseWriter, *http.Request) {
	return func(_ int64, _ http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}
}

func TestDeadlinesAndCancellationEndTheCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		policy wabsp.RetryPolicy
		server func(done <-chan struct{}) func(int64, http.ResponseWriter, *http.Request)
		ctx    func() (context.Context, context.CancelFunc)
		is     error
	}{
		{"a deadline while the server never answers", fastRetries,
			hang, func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 20*time.Millisecond)
			},
			context.DeadlineExceeded},
		{"a deadline while waiting an hour to retry", wabsp.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Hour, MaxBackoff: time.Hour},
			func(<-chan struct{}) func(int64, http.ResponseWriter, *http.Request) {
				return answer(503, `{"api_id":"u","error":"busy"}`)
			},
			func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 20*time.Millisecond)
			},
			context.DeadlineExceeded},
		{"a cancellation while the server never answers", fastRetries,
			hang, func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(20*time.Millisecond, cancel)
				return ctx, cancel
			},
			context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			done := make(chan struct{})
			rs := newRealServer(t, tt.server(done))
			t.Cleanup(func() { close(done) }) // runs before rs.Close: cleanups are LIFO
			c := clientFor(t, rs, wabsp.WithRetryPolicy(tt.policy))
			ctx, cancel := tt.ctx()
			defer cancel()
			result := make(chan error, 1)
			go func() {
				_, err := c.EmbeddedSignup(ctx, signupRequest)
				result <- err
			}()
			// A watchdog, not a timing assertion: the latency itself is
			// measured by BenchmarkCancellationLatency.
			select {
			case err := <-result:
				assert.ErrorIs(t, err, tt.is)
			case <-time.After(30 * time.Second):
				t.Fatal("the call did not end with its context")
			}
		})
	}
}

func TestConnectionsAreReused(t *testing.T) {
	t.Parallel()
	rs := newRealServer(t, answer(200, signupOK))
	c := clientFor(t, rs)
	for i := 0; i < 1000; i++ {
		_, err := c.EmbeddedSignup(context.Background(), signupRequest)
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, rs.conns.Load(), int64(2), "1,000 sequential calls share their connection")
}

func TestConcurrentCallsStayWithinThePool(t *testing.T) {
	t.Parallel()
	rs := newRealServer(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond) // keep calls overlapping
		answer(200, signupOK)(n, w, r)
	})
	c := clientFor(t, rs)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.EmbeddedSignup(context.Background(), signupRequest); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, failed.Load())
	assert.Equal(t, int64(200), rs.calls.Load())
	assert.LessOrEqual(t, rs.conns.Load(), int64(wabsp.MaxConnsPerHost), "never more connections than the documented pool")
}

func TestABodyCutThenA500StormEndsInAServerErrorWithEveryBodyClosed(t *testing.T) {
	t.Parallel()
	rs := newRealServer(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			cut(w, signupOK)
			return
		}
		answer(500, `{"api_id":"s","error":"An internal error occurred. Please try again later."}`)(n, w, r)
	})
	bodies := &closeCounter{rt: http.DefaultTransport.(*http.Transport).Clone()}
	c := clientFor(t, rs, wabsp.WithTransport(bodies))
	_, err := c.EmbeddedSignup(context.Background(), signupRequest)
	var se *wabsp.ServerError
	require.ErrorAs(t, err, &se, "the last attempt's answer decides, not the first attempt's cut body")
	assert.Equal(t, fastRetries.MaxAttempts, se.Attempts)
	assert.Equal(t, int64(fastRetries.MaxAttempts), bodies.opened.Load())
	assert.Equal(t, bodies.opened.Load(), bodies.closed.Load(), "every response body closed, so no connection is held")
}

// closeCounter counts the response bodies it hands out and those closed.
type closeCounter struct {
	rt             http.RoundTripper
	opened, closed atomic.Int64
}

func (cc *closeCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := cc.rt.RoundTrip(r)
	if resp != nil {
		cc.opened.Add(1)
		resp.Body = &countedBody{ReadCloser: resp.Body, closed: &cc.closed}
	}
	return resp, err
}

type countedBody struct {
	io.ReadCloser
	closed *atomic.Int64
	once   sync.Once
}

func (b *countedBody) Close() error {
	b.once.Do(func() { b.closed.Add(1) })
	return b.ReadCloser.Close()
}
