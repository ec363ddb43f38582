package wabsp

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/hashicorp/go-retryablehttp"
)

// Limits on what the client reads of a response. A success body past the
// limit is an error rather than a silent truncation.
const (
	maxResponseBytes = 16 << 20
	maxErrorBytes    = 1 << 20
)

// Errors for a call that cannot be made with the client's configuration.
var (
	ErrNoPlivoCredentials = errors.New("wabsp: no Plivo credentials: use WithPlivoCredentials or FromEnv")
	ErrNoMetaApp          = errors.New("wabsp: no Meta app id and secret: use WithMetaApp or FromEnv")
	ErrNoAccessToken      = errors.New("wabsp: no Graph access token: use WithAccessToken or Client.WithToken")
)

// apiRequest is one call to either service. Every endpoint describes its call
// with one and hands it to Client.do: no endpoint builds HTTP by itself.
type apiRequest struct {
	provider Provider
	method   string
	// path is relative to https://api.plivo.com/v1/Account/{auth_id}/ or to
	// https://graph.facebook.com/{version}/.
	path string
	// query is a struct with go-querystring `url` tags, or url.Values.
	query any
	// body is encoded as JSON unless nil.
	body any
	// rawBody, when set, is sent as is with contentType (uploads).
	rawBody     []byte
	contentType string
	// token is the Graph user or business access token; it goes in the
	// Authorization header, with appsecret_proof in the query.
	token Secret
	// needsToken makes the call use the client's access token when token is
	// empty, and fail before sending when the client has none.
	needsToken bool
	// header holds extra request headers (the upload API's file_offset).
	header http.Header
	// authScheme replaces "Bearer" for the token (Graph's upload endpoint
	// wants "OAuth").
	authScheme string
	// safeToRetry marks a call whose repetition does no harm or whose
	// outcome the caller can tell afterwards. Without it, a POST is retried
	// only when the server refused it (429, Graph throttling) or the
	// connection failed before sending.
	safeToRetry bool
}

// do sends r through the retry policy and decodes a 2xx JSON body into out
// (skipped when out is nil). Any other outcome is a typed error.
func (c *Client) do(ctx context.Context, r *apiRequest, out any) error {
	st := &attemptState{Context: ctx, provider: r.provider, safe: r.safeToRetry || r.method == http.MethodGet || r.method == http.MethodDelete}
	req, err := c.newRequest(st, r)
	if err != nil {
		return err
	}
	// A 2xx body is read inside the retry loop, so that a connection cut
	// mid-body is retried like any other transport failure where the call
	// is safe to repeat.
	req.SetResponseHandler(func(resp *http.Response) error {
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil
		}
		st.consumed = true
		var atEOF bool
		st.body, atEOF, st.bodyErr = readBody(resp, maxResponseBytes)
		if atEOF {
			_ = resp.Body.Close()
		} else {
			drainAndClose(resp.Body)
		}
		if st.bodyErr != nil && !st.bodyTooLarge(st.body) {
			return st.bodyErr
		}
		return nil
	})
	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil {
			drainAndClose(resp.Body)
		}
		if st.bodyErr != nil && resp != nil {
			return &DecodeError{Provider: r.provider, StatusCode: resp.StatusCode, Body: st.body, Err: st.bodyErr}
		}
		return &RequestError{Method: r.method, URL: redactURL(req.URL), Attempts: st.attempts, Err: redactTransportError(err)}
	}
	if !st.consumed {
		// The response handler reads and closes only 2xx bodies.
		defer drainAndClose(resp.Body)
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := readLimited(resp.Body, maxErrorBytes)
		return newAPIError(r.provider, resp, body, st.attempts)
	}
	if st.bodyErr != nil {
		return &DecodeError{Provider: r.provider, StatusCode: resp.StatusCode, Body: st.body, Err: st.bodyErr}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(st.body, out); err != nil {
		return &DecodeError{Provider: r.provider, StatusCode: resp.StatusCode, Body: st.body, Err: err}
	}
	return nil
}

// call sends r and returns its decoded 2xx body: the whole of most
// endpoints once their input is validated.
func call[T any](ctx context.Context, c *Client, r *apiRequest) (*T, error) {
	var out T
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) newRequest(ctx context.Context, r *apiRequest) (*retryablehttp.Request, error) {
	u, err := c.endpoint(r)
	if err != nil {
		return nil, err
	}
	if r.needsToken && r.token.IsZero() {
		if c.token.IsZero() {
			return nil, ErrNoAccessToken
		}
		r.token = c.token
	}
	var proof string
	if !r.token.IsZero() && !c.noProof {
		if c.appSecret.IsZero() {
			return nil, fmt.Errorf("%w (needed for appsecret_proof; or use WithoutAppSecretProof)", ErrNoMetaApp)
		}
		proof = appSecretProof(c.appSecret, r.token)
	}
	if u.RawQuery, err = encodeQuery(r.query, proof); err != nil {
		return nil, err
	}

	var body []byte
	contentType := r.contentType
	switch {
	case r.rawBody != nil:
		body = r.rawBody
	case r.body != nil:
		var err error
		if body, err = encodeJSONBody(r.body); err != nil {
			return nil, fmt.Errorf("wabsp: encoding request body: %w", err)
		}
		contentType = "application/json"
	}

	var reqBody any
	if body != nil {
		reqBody = body
	}
	// The URL is set as built rather than rendered and parsed again by
	// http.NewRequest: the round trip cost about 5 allocations a call.
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, "", reqBody)
	if err != nil {
		return nil, fmt.Errorf("wabsp: building %s request: %w", r.method, err)
	}
	req.URL, req.Host = u, u.Host
	for k, vs := range r.header {
		req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	// The fixed headers share one backing array (as http.Header.Clone
	// does), each slice capped so that an Add cannot write into the next.
	vals := make([]string, 0, 4)
	vals = setShared(req.Header, vals, "User-Agent", c.userAgent)
	vals = setShared(req.Header, vals, "Accept", "application/json")
	if contentType != "" {
		vals = setShared(req.Header, vals, "Content-Type", contentType)
	}
	switch {
	case r.provider == ProviderPlivo:
		setShared(req.Header, vals, "Authorization", c.plivoAuth.Reveal())
	case !r.token.IsZero():
		scheme := r.authScheme
		if scheme == "" {
			scheme = "Bearer"
		}
		setShared(req.Header, vals, "Authorization", scheme+" "+r.token.Reveal())
	}
	return req, nil
}

// jsonBuffer is a reusable encoder and its buffer: pooled, a JSON body costs
// one allocation (its copy) instead of a buffer, its growth and an encoder.
type jsonBuffer struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var jsonBuffers = sync.Pool{New: func() any {
	b := new(jsonBuffer)
	b.enc = json.NewEncoder(&b.buf)
	b.enc.SetEscapeHTML(false)
	return b
}}

// maxPooledJSONBuffer keeps a rare large body from pinning its buffer.
const maxPooledJSONBuffer = 64 << 10

// encodeJSONBody renders v as JSON without HTML escaping and without the
// encoder's trailing newline, in a slice of its own (retries resend it).
func encodeJSONBody(v any) ([]byte, error) {
	b := jsonBuffers.Get().(*jsonBuffer)
	if err := b.enc.Encode(v); err != nil {
		// An Encoder that failed keeps failing: not returned to the pool.
		return nil, err
	}
	body := bytes.Clone(bytes.TrimSuffix(b.buf.Bytes(), []byte("\n")))
	if b.buf.Cap() <= maxPooledJSONBuffer {
		b.buf.Reset()
		jsonBuffers.Put(b)
	}
	return body, nil
}

// setShared sets h[key] (key already canonical) to value, stored in vals'
// backing array; it returns vals extended by value.
func setShared(h http.Header, vals []string, key, value string) []string {
	vals = append(vals, value)
	n := len(vals)
	h[key] = vals[n-1 : n : n]
	return vals
}

// endpoint resolves r.path against the provider's versioned base URL.
func (c *Client) endpoint(r *apiRequest) (*url.URL, error) {
	if strings.Contains(r.path, "..") || strings.Contains(r.path, "?") {
		return nil, fmt.Errorf("wabsp: invalid request path %q", r.path)
	}
	var base *url.URL
	var prefix string
	switch r.provider {
	case ProviderPlivo:
		if c.authID == "" || c.authToken.IsZero() {
			return nil, ErrNoPlivoCredentials
		}
		base, prefix = c.plivoBase, c.plivoPrefix
	case ProviderGraph:
		base, prefix = c.graphBase, c.graphPrefix
	default:
		return nil, fmt.Errorf("wabsp: unknown provider %q", r.provider)
	}
	u := *base
	// As http.NewRequest does: "host:" with an empty port is "host".
	u.Host = strings.TrimSuffix(u.Host, ":")
	u.Path = prefix + strings.TrimPrefix(r.path, "/")
	return &u, nil
}

// appSecretProof is the hex HMAC-SHA256 of the access token keyed with the
// app secret, which Graph asks for when "Require App Secret" is on.
func appSecretProof(appSecret, token Secret) string {
	m := hmac.New(sha256.New, []byte(appSecret.Reveal()))
	m.Write([]byte(token.Reveal()))
	return hex.EncodeToString(m.Sum(nil))
}

// readLimited reads at most limit bytes; a longer body is an error, and what
// was read is returned either way.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return body, fmt.Errorf("reading response body: %w", err)
	}
	if int64(len(body)) > limit {
		return body[:limit], fmt.Errorf("response body exceeds %d bytes", limit)
	}
	return body, nil
}

// readBody reads resp's body as readLimited does, into one right-sized
// buffer when the length is announced. atEOF reports that the body was read
// to its end, so the connection can go back to the pool without a drain.
func readBody(resp *http.Response, limit int64) (body []byte, atEOF bool, err error) {
	n := resp.ContentLength
	if n < 0 || n > limit {
		body, err = readLimited(resp.Body, limit)
		return body, err == nil, err
	}
	// One byte more than announced, to see EOF without growing.
	buf := make([]byte, n+1)
	m := 0
	for m < len(buf) {
		k, rerr := resp.Body.Read(buf[m:])
		m += k
		if rerr == io.EOF {
			return buf[:m], true, nil
		}
		if rerr != nil {
			return buf[:m], false, fmt.Errorf("reading response body: %w", rerr)
		}
	}
	// Longer than announced: read on, one byte past the limit at most.
	more, err := io.ReadAll(io.LimitReader(resp.Body, limit+1-int64(m)))
	body = append(buf, more...)
	if err != nil {
		return body, false, fmt.Errorf("reading response body: %w", err)
	}
	if int64(len(body)) > limit {
		return body[:limit], false, fmt.Errorf("response body exceeds %d bytes", limit)
	}
	return body, true, nil
}

// drainAndClose reads what is left of a body (up to a bound) so the
// connection goes back to the pool, then closes it.
func drainAndClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// redactTransportError removes credentials from the URL that net/http puts
// in its errors.
func redactTransportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			ue.URL = redactURL(u)
		} else {
			ue.URL = redacted
		}
	}
	return err
}
