package wabsp

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"
)

// Option configures a Client. Options check their input: NewClient reports
// every invalid option at once.
type Option func(*config) error

type config struct {
	authID           string
	authToken        Secret
	appID            string
	appSecret        Secret
	accessToken      Secret
	plivoBase        string
	graphBase        string
	graphVersion     string
	httpClient       *http.Client
	transport        http.RoundTripper
	retry            RetryPolicy
	attemptTimeout   time.Duration
	logger           *slog.Logger
	userAgentSuffix  string
	noAppSecretProof bool
	syncStore        CoexistenceSyncStore
	solutionID       string
	quota            OnboardingQuota
	// fromEnv and required are checked once every option is applied.
	fromEnv  bool
	required []Requirement

	// WithTransportWrapper's functions, in the order given.
	transportWrappers []func(http.RoundTripper) http.RoundTripper
}

// WithPlivoCredentials sets the Plivo Auth ID and Auth Token of the Tech
// Provider sub-account, used with HTTP Basic auth for the Embedded Signup API.
func WithPlivoCredentials(authID, authToken string) Option {
	return func(c *config) error {
		if err := checkAuthID(authID); err != nil {
			return err
		}
		if authToken == "" {
			return errors.New("wabsp: Plivo Auth Token is empty")
		}
		c.authID, c.authToken = authID, Secret(authToken)
		return nil
	}
}

// Plivo Auth IDs are short upper-case alphanumeric strings (MA... or SA...);
// the check only has to keep the id from breaking out of its path segment.
var authIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func checkAuthID(authID string) error {
	if !authIDPattern.MatchString(authID) {
		return errors.New("wabsp: Plivo Auth ID must be 1-64 letters, digits, '-' or '_'")
	}
	return nil
}

// WithMetaApp sets the Meta app id and app secret, used for the code
// exchange, debug_token, appsecret_proof and webhook signatures.
func WithMetaApp(appID, appSecret string) Option {
	return func(c *config) error {
		if !isDigits(appID) {
			return errors.New("wabsp: Meta app id must be numeric")
		}
		if appSecret == "" {
			return errors.New("wabsp: Meta app secret is empty")
		}
		c.appID, c.appSecret = appID, Secret(appSecret)
		return nil
	}
}

// WithAccessToken sets the Graph access token used by calls that act on a
// customer's assets (phone numbers, templates, profiles), typically the Tech
// Provider's system user token. Client.WithToken does the same for one
// customer's token without rebuilding the client.
func WithAccessToken(token string) Option {
	return func(c *config) error {
		if token == "" {
			return errors.New("wabsp: access token is empty")
		}
		c.accessToken = Secret(token)
		return nil
	}
}

// FromEnv reads PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN, META_APP_ID and
// META_APP_SECRET. A pair that is wholly unset is skipped (Require makes it
// an error); a pair set by half is an error naming the missing variable.
// Options after FromEnv override what it read. The environment is never read
// without this option.
func FromEnv() Option {
	return func(c *config) error {
		c.fromEnv = true
		var errs []error
		// Half a pair is left for checkCredentials, which names every
		// missing variable in one error.
		if id, tok := os.Getenv("PLIVO_AUTH_ID"), os.Getenv("PLIVO_AUTH_TOKEN"); id != "" && tok != "" {
			errs = append(errs, WithPlivoCredentials(id, tok)(c))
		}
		if id, secret := os.Getenv("META_APP_ID"), os.Getenv("META_APP_SECRET"); id != "" && secret != "" {
			errs = append(errs, WithMetaApp(id, secret)(c))
		}
		return errors.Join(errs...)
	}
}

// WithPlivoBaseURL points the client at another Plivo API host, such as a
// sandbox or a proxy. The default is DefaultPlivoBaseURL.
func WithPlivoBaseURL(baseURL string) Option {
	return func(c *config) error {
		_, err := parseBaseURL("Plivo", baseURL)
		c.plivoBase = baseURL
		return err
	}
}

// WithGraphBaseURL points the client at another Graph API host. The default
// is DefaultGraphBaseURL.
func WithGraphBaseURL(baseURL string) Option {
	return func(c *config) error {
		_, err := parseBaseURL("Graph", baseURL)
		c.graphBase = baseURL
		return err
	}
}

var graphVersionPattern = regexp.MustCompile(`^v\d+\.\d+$`)

// WithGraphVersion sets the Graph API version, such as "v21.0". The default
// is DefaultGraphVersion.
func WithGraphVersion(version string) Option {
	return func(c *config) error {
		if !graphVersionPattern.MatchString(version) {
			return fmt.Errorf("wabsp: Graph API version %q must look like v24.0", version)
		}
		c.graphVersion = version
		return nil
	}
}

// WithHTTPClient sends requests through hc (its Transport, Timeout, Jar and
// so on). The client's retry policy still applies on top of it.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("wabsp: WithHTTPClient given a nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTransport sends requests through rt, for example a test double. It
// replaces the default transport and its connection pool; to instrument the
// client instead, wrap the default with WithTransportWrapper.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error {
		if rt == nil {
			return errors.New("wabsp: WithTransport given a nil http.RoundTripper")
		}
		c.transport = rt
		return nil
	}
}

// WithRetryPolicy replaces the retry policy; see RetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithAttemptTimeout bounds each attempt of a call, from dialling to the
// last byte of the response body, to d (DefaultAttemptTimeout unless given;
// an *http.Client given with WithHTTPClient keeps its own Timeout when set
// and this option is not). An attempt that runs out is retried like a
// dropped connection where the call is safe to repeat; the context still
// bounds the call as a whole.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("wabsp: WithAttemptTimeout needs a positive duration")
		}
		c.attemptTimeout = d
		return nil
	}
}

// WithLogger logs each attempt (at debug level) and each retry (at warn
// level) to l. Log lines carry the method, the URL with credentials redacted,
// the status and the attempt; never a header or a body. Without this option
// the client logs only NewClient's Graph version warning, to slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithUserAgentSuffix appends s, such as "acme-onboarding/2.3", to the
// User-Agent header.
func WithUserAgentSuffix(s string) Option {
	return func(c *config) error {
		if strings.ContainsAny(s, "\r\n") {
			return errors.New("wabsp: user agent suffix must not contain line breaks")
		}
		c.userAgentSuffix = strings.TrimSpace(s)
		return nil
	}
}

// WithoutAppSecretProof stops the client from adding appsecret_proof to Graph
// calls made with a user or business token. Only for apps whose "Require App
// Secret" setting is off and that cannot compute the proof; leave it on
// otherwise.
func WithoutAppSecretProof() Option {
	return func(c *config) error {
		c.noAppSecretProof = true
		return nil
	}
}

// RetryPolicy says when and how long the client waits before sending a
// request again. Only transport failures (an attempt timeout included), HTTP
// 429, HTTP 5xx other than 501 and Graph errors whose code is throttling or
// temporary, whatever their HTTP status, are retried; no other answer is. A
// POST whose outcome cannot be told afterwards is retried only after a 429 or
// a throttling code (the server refused it) or where the connection failed
// before the request was sent. A wait asked for beyond MaxRetryAfter is never
// slept: the call returns a *RateLimitError at once.
type RetryPolicy struct {
	// MaxAttempts is the number of tries in all, first one included: 1
	// disables retries.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the exponential backoff (with jitter)
	// between attempts.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for; a server
	// that asks for more gets no retry and the call returns a
	// *RateLimitError carrying the requested wait.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy returns the policy used unless WithRetryPolicy is given:
// 4 attempts, backoff from 500ms up to 8s, Retry-After honoured up to 60s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 4, MinBackoff: 500 * time.Millisecond, MaxBackoff: 8 * time.Second, MaxRetryAfter: time.Minute}
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxAttempts < 1:
		return errors.New("wabsp: RetryPolicy.MaxAttempts must be at least 1")
	case p.MinBackoff < 0 || p.MaxBackoff < p.MinBackoff:
		return errors.New("wabsp: RetryPolicy needs 0 <= MinBackoff <= MaxBackoff")
	case p.MaxRetryAfter < 0:
		return errors.New("wabsp: RetryPolicy.MaxRetryAfter must not be negative")
	}
	return nil
}
