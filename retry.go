package wabsp

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// attemptState travels in the request context through go-retryablehttp, so
// its hooks know what kind of call they are deciding for and can count the
// attempts made. It is itself that context (the caller's, answering Value
// for attemptStateKey), which saves context.WithValue an allocation a call.
type attemptState struct {
	context.Context
	provider Provider
	safe     bool
	attempts int
	// refused is set by checkRetry when the server said it did not process
	// the request (429 or a Graph throttling code), so backoff can honour
	// Retry-After.
	refused atomic.Bool
	// body and bodyErr hold the 2xx body read by the response handler,
	// which sets consumed when it has read and closed the body.
	body     []byte
	bodyErr  error
	consumed bool
}

// bodyTooLarge tells an over-limit body, which a retry would not fix, from a
// cut connection.
func (st *attemptState) bodyTooLarge(body []byte) bool { return int64(len(body)) >= maxResponseBytes }

type attemptStateKey struct{}

// Value returns st for attemptStateKey and defers to the caller's context
// for any other key.
func (st *attemptState) Value(key any) any {
	if _, ok := key.(attemptStateKey); ok {
		return st
	}
	return st.Context.Value(key)
}

func stateFrom(ctx context.Context) *attemptState {
	st, _ := ctx.Value(attemptStateKey{}).(*attemptState)
	if st == nil {
		st = &attemptState{}
	}
	return st
}

func (c *Client) newRetryClient(hc *http.Client) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   hc,
		RetryMax:     c.retry.MaxAttempts - 1,
		RetryWaitMin: c.retry.MinBackoff,
		RetryWaitMax: c.retry.MaxBackoff,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		// The default handler replaces the last response with "giving up
		// after N attempts" and loses the error body; we map it ourselves.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		// go-retryablehttp's own logging prints URLs with their query, which
		// can hold client_secret or a code; we log from the hook instead.
		Logger: nil,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, retry int) {
			st := stateFrom(req.Context())
			st.attempts = retry + 1
			// What an earlier attempt's response handler read belongs to
			// that attempt's response, not to this one's.
			st.body, st.bodyErr, st.consumed = nil, nil, false
			if c.logger != nil {
				c.logger.LogAttrs(req.Context(), slog.LevelDebug, "wabsp: sending request",
					slog.String("method", req.Method), slog.String("url", redactURL(req.URL)), slog.Int("attempt", st.attempts))
			}
		},
	}
}

// checkRetry decides whether to try again: transport failures, 429, 5xx and
// retryable Graph errors, within the limits of what is safe for the call.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st := stateFrom(ctx)
	retry, why := st.decide(resp, err, c.retry.MaxRetryAfter)
	if retry && c.logger != nil && st.attempts < c.retry.MaxAttempts {
		attrs := []slog.Attr{slog.String("reason", why), slog.Int("attempt", st.attempts), slog.String("provider", string(st.provider))}
		if resp != nil {
			attrs = append(attrs, slog.Int("status", resp.StatusCode))
		}
		c.logger.LogAttrs(ctx, slog.LevelWarn, "wabsp: retrying request", attrs...)
	}
	return retry, nil
}

func (st *attemptState) decide(resp *http.Response, err error, maxRetryAfter time.Duration) (bool, string) {
	st.refused.Store(false)
	if err != nil {
		if !retryableTransportError(err) {
			return false, ""
		}
		if st.safe || neverSent(err) {
			return true, "transport error"
		}
		return false, ""
	}
	code := resp.StatusCode
	if st.provider == ProviderGraph && code >= 400 {
		if g := peekGraphError(resp); g != nil {
			switch g.Kind() {
			case GraphErrorThrottled:
				// The same rule as a 429: a wait beyond MaxRetryAfter is
				// the caller's to decide, not a sleep inside the call.
				if retryAfter(resp) > maxRetryAfter {
					return false, ""
				}
				st.refused.Store(true)
				return true, "graph throttling"
			case GraphErrorTemporary:
				return st.safe, "graph temporary error"
			}
		}
	}
	switch {
	case code == http.StatusTooManyRequests:
		if ra := retryAfter(resp); ra > maxRetryAfter {
			return false, ""
		}
		st.refused.Store(true)
		return true, "rate limited"
	case code >= 500 && code != http.StatusNotImplemented:
		return st.safe, "server error"
	}
	return false, ""
}

// backoff waits as Retry-After says when the server refused the request,
// else exponentially with jitter between min and max.
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if st := stateFrom(resp.Request.Context()); st.refused.Load() {
			if ra := retryAfter(resp); ra > 0 {
				return ra
			}
		}
	}
	return jitteredBackoff(minWait, maxWait, attempt)
}

// jitteredBackoff doubles min per attempt up to max and picks a wait in the
// upper half of that, so that clients failing together do not retry together.
func jitteredBackoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	d := minWait
	for i := 0; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	if d > maxWait {
		d = maxWait
	}
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// retryAfter reads Retry-After as seconds or as an HTTP date; zero when
// absent or unreadable.
func retryAfter(resp *http.Response) time.Duration {
	if resp == nil {
		return 0
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// peekGraphError decodes a Graph error envelope and puts the body back so
// the caller can read it again.
func peekGraphError(resp *http.Response) *GraphError {
	body, _ := readLimited(resp.Body, maxErrorBytes)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return decodeGraphError(body)
}

// retryableTransportError rules out failures that will fail the same way
// again: bad certificates, refused redirects, invalid requests.
func retryableTransportError(err error) bool {
	var certErr *x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	switch {
	// checkRetry has already stopped for the caller's own deadline; a
	// DeadlineExceeded here is the attempt's timeout, worth another try.
	case errors.Is(err, context.Canceled), errors.Is(err, ErrRedirectRefused):
		return false
	case errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &invalidErr):
		return false
	}
	return true
}

// neverSent reports a failure that happened before the request could reach
// the server, which makes any request safe to send again.
func neverSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}
