package wabsp

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// redacted replaces every secret wherever the SDK prints, logs or formats one.
const redacted = "[REDACTED]"

// Secret holds a credential: a Plivo Auth Token, a Meta app secret, an access
// token or an authorization code. Printing it with any fmt verb, logging it
// with slog or marshalling it as text yields "[REDACTED]"; only Reveal returns
// the value, so a secret cannot leak through an error string or a log line by
// accident.
type Secret string

// Reveal returns the secret's value. Call it only where the value must go on
// the wire.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

// String returns "[REDACTED]", or "" for an empty secret so that a missing
// credential is still visible in diagnostics.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return fmt.Sprintf("wabsp.Secret(%q)", s.String()) }

// Format keeps every fmt verb (%s, %v, %+v, %q, %x, ...) from printing the value.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, s.String())
}

// LogValue keeps slog from printing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText keeps encoders (JSON logs, for one) from writing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// sensitiveQueryKeys are the query parameters the Graph API takes that carry a
// credential or something derived from one.
var sensitiveQueryKeys = map[string]bool{
	"access_token":      true,
	"client_secret":     true,
	"code":              true,
	"input_token":       true,
	"appsecret_proof":   true,
	"fb_exchange_token": true,
}

// redactURL renders u for an error string or a log line: user info and every
// sensitive query value are replaced.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	return redactedURL(u).String()
}

// redactedURL returns a copy of u without user info or sensitive query values.
func redactedURL(u *url.URL) *url.URL {
	c := *u
	if c.User != nil {
		c.User = url.User(c.User.Username())
	}
	if c.RawQuery != "" {
		q := c.Query()
		for k := range q {
			if sensitiveQueryKeys[strings.ToLower(k)] {
				q[k] = []string{redacted}
			}
		}
		c.RawQuery = q.Encode()
	}
	return &c
}

// redactedResponse returns a copy of resp safe to keep in an error: its
// request's URL is redacted, its credential headers are replaced, and
// neither body is reachable.
func redactedResponse(resp *http.Response) *http.Response {
	cp := *resp
	cp.Body = http.NoBody
	if resp.Request != nil {
		req := resp.Request.WithContext(context.Background())
		req.URL = redactedURL(resp.Request.URL)
		req.Header = resp.Request.Header.Clone()
		for _, k := range []string{"Authorization", "Proxy-Authorization", "Cookie"} {
			if req.Header.Get(k) != "" {
				req.Header.Set(k, redacted)
			}
		}
		req.Body, req.GetBody = nil, nil
		cp.Request = req
	}
	return &cp
}
