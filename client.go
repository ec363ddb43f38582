package wabsp

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Version is the SDK's version, sent in the User-Agent header.
const Version = "0.2.0"

// Production endpoints and the Graph API version used unless an Option says
// otherwise.
const (
	DefaultPlivoBaseURL = "https://api.plivo.com"
	DefaultGraphBaseURL = "https://graph.facebook.com"
	DefaultGraphVersion = "v25.0"
)

// Client calls Plivo's WhatsApp API and Meta's Graph API on behalf of a Tech
// Provider. Build it with NewClient. A Client is safe for concurrent use and
// should be reused: it keeps connections open between calls.
type Client struct {
	authID       string
	authToken    Secret
	appID        string
	appSecret    Secret
	token        Secret
	plivoBase    *url.URL
	graphBase    *url.URL
	graphVersion string
	userAgent    string
	retry        RetryPolicy
	logger       *slog.Logger
	http         *retryablehttp.Client
	noProof      bool
	codes        *codeCache
	syncStore    CoexistenceSyncStore
	solutionID   string
	quota        OnboardingQuota
	// Computed once by NewClient rather than on every call: the paths the
	// request paths are appended to, and Plivo's Basic authorization.
	plivoPrefix string
	graphPrefix string
	plivoAuth   Secret
}

// NewClient returns a Client configured by opts. It fails when an option is
// given an invalid value. Credentials that are missing are reported by the
// first call that needs them, so a client for Graph calls alone needs no
// Plivo credentials, unless Require names them: then NewClient fails at once
// with a *MissingCredentialsError naming every one missing.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{
		plivoBase:    DefaultPlivoBaseURL,
		graphBase:    DefaultGraphBaseURL,
		graphVersion: DefaultGraphVersion,
		retry:        DefaultRetryPolicy(),
	}
	var errs []error
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			errs = append(errs, err)
		}
	}
	if err := cfg.checkCredentials(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	c := &Client{
		authID:       cfg.authID,
		authToken:    cfg.authToken,
		appID:        cfg.appID,
		appSecret:    cfg.appSecret,
		token:        cfg.accessToken,
		graphVersion: cfg.graphVersion,
		retry:        cfg.retry,
		logger:       cfg.logger,
		noProof:      cfg.noAppSecretProof,
		codes:        newCodeCache(),
		syncStore:    cfg.syncStore,
		solutionID:   cfg.solutionID,
		quota:        cfg.quota,
	}
	if c.syncStore == nil {
		c.syncStore = NewMemoryCoexistenceSyncStore()
	}
	var err error
	if c.plivoBase, err = parseBaseURL("Plivo", cfg.plivoBase); err != nil {
		return nil, err
	}
	if c.graphBase, err = parseBaseURL("Graph", cfg.graphBase); err != nil {
		return nil, err
	}
	c.plivoPrefix = c.plivoBase.Path + "/v1/Account/" + url.PathEscape(c.authID) + "/"
	c.graphPrefix = c.graphBase.Path + "/" + c.graphVersion + "/"
	if c.authID != "" {
		c.plivoAuth = Secret("Basic " + base64.StdEncoding.EncodeToString([]byte(c.authID+":"+c.authToken.Reveal())))
	}
	warnGraphVersion(c.logger, c.graphVersion, time.Now())
	c.userAgent = "wabsp-go/" + Version
	if cfg.userAgentSuffix != "" {
		c.userAgent += " " + cfg.userAgentSuffix
	}

	hc := cfg.httpClient
	if hc == nil {
		hc = &http.Client{Transport: defaultTransport()}
	}
	// A copy, so that the caller's *http.Client is never changed.
	cp := *hc
	hc = &cp
	if cfg.transport != nil {
		hc.Transport = cfg.transport
	}
	hc.CheckRedirect = sameOriginRedirects(hc.CheckRedirect)
	switch {
	case cfg.attemptTimeout > 0:
		hc.Timeout = cfg.attemptTimeout
	case hc.Timeout == 0:
		hc.Timeout = DefaultAttemptTimeout
	}
	if hc, err = wrapTransport(hc, cfg.transportWrappers); err != nil {
		return nil, err
	}
	c.http = c.newRetryClient(hc)
	return c, nil
}

// MaxConnsPerHost is the connection pool size per host of the default
// transport: at most this many connections to one host are open at once, all
// kept alive for reuse; further concurrent calls wait for a free one.
// WithHTTPClient or WithTransport replace the pool; WithTransportWrapper
// keeps it.
const MaxConnsPerHost = 64

// DefaultAttemptTimeout bounds one attempt of a call, from dialling to the
// last byte of the response body, unless WithAttemptTimeout (or the Timeout
// of an *http.Client given with WithHTTPClient) says otherwise:
// a server that sends its headers and then trickles the body must not hold a
// call without a deadline forever.
const DefaultAttemptTimeout = 3 * time.Minute

// responseHeaderTimeout bounds the wait for a response's headers on one
// attempt, so a server that never answers costs an attempt, not the caller's
// whole deadline (or forever, without one).
const responseHeaderTimeout = 30 * time.Second

func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2 * MaxConnsPerHost
	t.MaxConnsPerHost = MaxConnsPerHost
	t.MaxIdleConnsPerHost = MaxConnsPerHost
	t.IdleConnTimeout = 90 * time.Second
	t.ResponseHeaderTimeout = responseHeaderTimeout
	return t
}

func parseBaseURL(name, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("wabsp: %s base URL %q must be an absolute http(s) URL", name, raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("wabsp: %s base URL must not carry credentials, a query or a fragment", name)
	}
	// The SDK appends /v1/Account/{auth_id}/ or /{version}/ itself: a base
	// URL that already has them would silently call /v1/v1/... and get 404s.
	for _, seg := range strings.Split(u.Path, "/") {
		switch {
		case name == "Plivo" && strings.EqualFold(seg, "v1"):
			return nil, fmt.Errorf("wabsp: Plivo base URL %q must not include /v1: give the host, such as %s; the SDK adds /v1/Account/{auth_id}/", raw, DefaultPlivoBaseURL)
		case name == "Graph" && graphVersionSegment.MatchString(seg):
			return nil, fmt.Errorf("wabsp: Graph base URL %q must not include a version (%s): give the host, such as %s, and set the version with WithGraphVersion", raw, seg, DefaultGraphBaseURL)
		}
	}
	return u, nil
}

// graphVersionSegment is a path segment that looks like a Graph version,
// complete (v24.0) or not (v24).
var graphVersionSegment = regexp.MustCompile(`^[vV]\d+(\.\d+)?$`)

// WithToken returns a copy of the client that makes Graph calls with token,
// such as the business token Onboard returns (OnboardingResult.Token.AccessToken
// passes as it is). A token read from storage is converted where it enters:
// c.WithToken(wabsp.Secret(stored)). The copy shares the original's
// connections and settings; the original is unchanged.
//
// The token is a Secret rather than a string so that it never has to be
// revealed on its way from Onboard to the calls that use it; a string
// constant still converts implicitly.
func (c *Client) WithToken(token Secret) *Client {
	cp := *c
	cp.token = token
	return &cp
}

// AppID returns the Meta app id the client was configured with.
func (c *Client) AppID() string { return c.appID }

// GraphVersion returns the Graph API version the client calls, such as "v24.0".
func (c *Client) GraphVersion() string { return c.graphVersion }

// String describes the client without its credentials.
func (c *Client) String() string {
	return fmt.Sprintf("wabsp.Client{plivo: %s, auth_id: %q, auth_token: %s, graph: %s/%s, app_id: %q, app_secret: %s}",
		c.plivoBase, c.authID, c.authToken, c.graphBase, c.graphVersion, c.appID, c.appSecret)
}

// GoString keeps %#v from printing the credentials.
func (c *Client) GoString() string { return c.String() }

// Format keeps every fmt verb from printing the credentials.
func (c *Client) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }
