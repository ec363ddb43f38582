// Package wabsptest is an in-process sandbox of the two services the wabsp
// SDK talks to: Plivo's WhatsApp Embedded Signup API and the parts of Meta's
// Graph API a Tech Provider's backend calls. It runs on an httptest server,
// checks credentials and request shapes as the real services do, answers
// with their documented bodies and errors, remembers what was done (an
// onboarded WABA stays onboarded, a code is single use), and can inject
// faults. Use it to test code built on wabsp without accounts or network.
//
//	sb := wabsptest.NewServer()
//	defer sb.Close()
//	signup := sb.NewSignup()             // a customer finishing Embedded Signup
//	res, err := sb.Client().Onboard(ctx, signup.Session("customer-1"))
//
// After onboarding, sb.Client().WithToken(signup.AccessToken) manages the
// customer's phone numbers (verification codes readable with
// LastVerificationCode, registration, PIN, display name, business profile),
// templates (reviewed by the rule set with ReviewTemplates) and uploads.
// DeliverWebhook posts signed webhooks; WithWebhookURL makes the sandbox
// send PARTNER_ADDED and template status updates on its own.
package wabsptest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wabsp/wabsp"
)

// The sandbox's credentials unless options say otherwise. None is real.
const (
	AuthID    = "MASANDBOX0000000000X"
	AuthToken = "sandbox-plivo-auth-token"
	AppID     = "1000000000000001"
	AppSecret = "sandbox-meta-app-secret"
)

// Server is a running sandbox. It is safe for concurrent use.
type Server struct {
	srv *httptest.Server

	appID, appSecret  string
	authID, authToken string
	latency           time.Duration

	mu         sync.Mutex
	nextID     int64
	mpsActive  bool
	codes      map[string]*codeGrant
	tokens     map[string]*grant
	wabas      map[string]*waba
	phoneOwner map[string]string // phone number id → WABA id
	onboarded  map[string]string // WABA id → client_ref
	faults     []Fault
	calls      []Call
	apiSeq     atomic.Int64

	// Phone numbers, templates, uploads and webhooks (numbers.go,
	// templates.go, uploads.go, webhooks.go).
	numbers       map[string]*phoneNumber // phone number id → number
	templates     map[string]*template    // template id → template
	templateOrder []string                // template ids in creation order
	blockedNames  map[string]time.Time    // WABA id + "/" + name → end of the 30-day block
	uploads       map[string]*uploadSession
	handles       map[string]uploadedFile
	reviewRule    func(TemplateUnderReview) (status, reason string)
	webhookURL    string
	outbox        []outgoingWebhook
	deliveries    []WebhookDelivery

	// clockSkew moves the sandbox's clock (AdvanceClock) for the rules
	// that depend on time, such as coexistence's 24-hour sync window.
	clockSkew time.Duration

	// msgs is the Message API's state (messages.go).
	msgs *messaging
}

// AdvanceClock moves the sandbox's clock forward by d, for the rules that
// depend on elapsed time (the 24-hour window of coexistence syncs).
func (s *Server) AdvanceClock(d time.Duration) {
	s.mu.Lock()
	s.clockSkew += d
	s.mu.Unlock()
}

// nowLocked is the sandbox's clock; s.mu is held.
func (s *Server) nowLocked() time.Time { return time.Now().Add(s.clockSkew) }

// Call is one request the sandbox received.
type Call struct {
	Method string
	Path   string
}

// Option configures a Server.
type Option func(*Server)

// WithApp sets the Meta app the sandbox accepts.
func WithApp(appID, appSecret string) Option {
	return func(s *Server) { s.appID, s.appSecret = appID, appSecret }
}

// WithPlivoCredentials sets the Plivo Auth ID and Auth Token the sandbox
// accepts.
func WithPlivoCredentials(authID, authToken string) Option {
	return func(s *Server) { s.authID, s.authToken = authID, authToken }
}

// WithLatency delays every answer by d.
func WithLatency(d time.Duration) Option {
	return func(s *Server) { s.latency = d }
}

// WithMultiPartnerSolutionInactive makes Plivo answer every Embedded Signup
// with "Multi-Partner Solution is not active".
func WithMultiPartnerSolutionInactive() Option {
	return func(s *Server) { s.mpsActive = false }
}

// NewServer starts a sandbox. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		appID: AppID, appSecret: AppSecret, authID: AuthID, authToken: AuthToken,
		nextID: 100000000000000, mpsActive: true,
		codes: map[string]*codeGrant{}, tokens: map[string]*grant{}, wabas: map[string]*waba{},
		phoneOwner: map[string]string{}, onboarded: map[string]string{},
		numbers: map[string]*phoneNumber{}, templates: map[string]*template{}, blockedNames: map[string]time.Time{},
		uploads: map[string]*uploadSession{}, handles: map[string]uploadedFile{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	s.routePlivo(mux)
	s.routeGraph(mux)
	s.routeSDKStub(mux)
	s.srv = httptest.NewServer(s.middleware(mux))
	return s
}

// URL is the sandbox's base URL, for both WithPlivoBaseURL and
// WithGraphBaseURL.
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the sandbox down.
func (s *Server) Close() { s.srv.Close() }

// Client returns a wabsp client pointed at the sandbox with its credentials
// and a retry policy with short waits; opts are applied last.
func (s *Server) Client(opts ...wabsp.Option) *wabsp.Client {
	base := []wabsp.Option{
		wabsp.WithPlivoCredentials(s.authID, s.authToken),
		wabsp.WithMetaApp(s.appID, s.appSecret),
		wabsp.WithPlivoBaseURL(s.srv.URL),
		wabsp.WithGraphBaseURL(s.srv.URL),
		wabsp.WithHTTPClient(s.srv.Client()),
		wabsp.WithRetryPolicy(wabsp.RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, MaxRetryAfter: 5 * time.Second}),
	}
	c, err := wabsp.NewClient(append(base, opts...)...)
	if err != nil {
		panic("wabsptest: " + err.Error())
	}
	return c
}

// Calls returns the requests received so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallCount counts the requests received for method and path.
func (s *Server) CallCount(method, path string) int {
	n := 0
	for _, c := range s.Calls() {
		if c.Method == method && c.Path == path {
			n++
		}
	}
	return n
}

// Onboarded reports whether Plivo has onboarded the WABA, and with which
// client_ref.
func (s *Server) Onboarded(wabaID string) (clientRef string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	clientRef, ok = s.onboarded[wabaID]
	return clientRef, ok
}

// Subscribed reports whether the app is subscribed to the WABA's webhooks.
func (s *Server) Subscribed(wabaID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.wabas[wabaID]
	return w != nil && w.subscribed
}

// newIDLocked hands out Meta-like numeric ids.
func (s *Server) newIDLocked() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

func (s *Server) newAPIID() string {
	return fmt.Sprintf("sandbox-%08d-%s", s.apiSeq.Add(1), randomHex(4))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
