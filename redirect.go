package wabsp

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// ErrRedirectRefused is the cause of a *RequestError when a server answered
// with a redirect to another scheme, host or port. Neither Plivo nor Graph
// redirects API calls, and following one would hand the Authorization
// header to whoever the Location names: Go's client strips it only when the
// host name changes, not when the port or scheme does. The call is not
// retried.
var ErrRedirectRefused = errors.New("wabsp: redirect to another origin refused")

// maxRedirects matches net/http's own limit for a client without a policy.
const maxRedirects = 10

// sameOriginRedirects wraps an http.Client's redirect policy (next, nil for
// Go's default) so that a redirect leaving the origin of the first request
// is refused before anything is sent to it.
func sameOriginRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		from := via[0].URL
		if origin(req.URL.Scheme, req.URL.Host) != origin(from.Scheme, from.Host) {
			return fmt.Errorf("%w: %s answered with a redirect to %s", ErrRedirectRefused,
				origin(from.Scheme, from.Host), origin(req.URL.Scheme, req.URL.Host))
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}
}

// origin renders scheme://host:port with the scheme's default port made
// explicit, so that https://h and https://h:443 compare equal.
func origin(scheme, hostport string) string {
	scheme = strings.ToLower(scheme)
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = strings.TrimSuffix(hostport, ":"), ""
	}
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(host), port)
}
