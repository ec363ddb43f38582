package wabsp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Provider names the service that answered a request.
type Provider string

// The two services the SDK talks to.
const (
	ProviderPlivo Provider = "plivo"
	ProviderGraph Provider = "graph"
)

// APIError is what every error response has in common, whichever service sent
// it and whatever its status. Every typed error below embeds one, so
// errors.As(err, &apiErr) reaches it from any of them.
type APIError struct {
	// Provider is the service that answered.
	Provider Provider
	// StatusCode is the HTTP status of the final attempt.
	StatusCode int
	// RequestID is the provider's id for the request: Plivo's api_id or
	// Graph's fbtrace_id. Quote it to the provider's support.
	RequestID string
	// Message is the provider's human-readable reason, as sent.
	Message string
	// Body is the raw response body (read up to a limit), kept even when it
	// is not JSON or is truncated.
	Body []byte
	// Method is the request's HTTP method.
	Method string
	// URL is the request's URL with every credential in its query (code,
	// client_secret, input_token, access_token, appsecret_proof) redacted.
	URL string
	// Response is the final HTTP response; its body has already been read
	// and closed, use Body instead. Its Request carries the redacted URL and
	// no credential header.
	Response *http.Response
	// Attempts is how many times the request was sent.
	Attempts int

	// path is the URL's path, which Error prints; graph is the envelope
	// whose code and user-facing text Error adds.
	path  string
	graph *GraphError
}

// Error describes the failure without any credential: the method, the path
// (never the query), the status, the provider's message and, for Graph, the
// code, subcode, type and the user-facing title and message Meta sent.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "wabsp: %s: ", e.Provider)
	if e.Method != "" && e.path != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.path)
	}
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if g := e.graph; g != nil {
		b.WriteString(" (")
		b.WriteString(g.codeText())
		b.WriteString(")")
		g.writeDetails(&b, e.Message)
	}
	if e.RequestID != "" {
		idName := "api_id"
		if e.Provider == ProviderGraph {
			idName = "fbtrace_id"
		}
		fmt.Fprintf(&b, " (%s %s)", idName, e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// BadRequestError is an HTTP 400 (or a Graph error whose code says the request
// itself was wrong). For the documented Plivo reasons it also matches one of
// the Err* sentinels with errors.Is.
type BadRequestError struct {
	*APIError
	// Reason is the sentinel for a documented 400 message, or nil.
	Reason error
	// Graph is the decoded Graph error envelope, or nil for Plivo.
	Graph *GraphError
}

// Unwrap exposes the common APIError, the Graph envelope and the sentinel
// reason to errors.Is and errors.As.
func (e *BadRequestError) Unwrap() []error { return unwrapAll(e.APIError, e.Graph, e.Reason) }

// AuthenticationError is an HTTP 401, or a Graph error saying the access
// token is invalid or expired (code 190).
type AuthenticationError struct {
	*APIError
	// Graph is the decoded Graph error envelope, or nil for Plivo.
	Graph *GraphError
}

// Unwrap exposes the common APIError and the Graph envelope.
func (e *AuthenticationError) Unwrap() []error { return unwrapAll(e.APIError, e.Graph) }

// PermissionError is an HTTP 403, or a Graph error saying a permission is
// missing (code 10 or 200-299).
type PermissionError struct {
	*APIError
	// Graph is the decoded Graph error envelope, or nil for Plivo.
	Graph *GraphError
}

// Unwrap exposes the common APIError and the Graph envelope.
func (e *PermissionError) Unwrap() []error { return unwrapAll(e.APIError, e.Graph) }

// RateLimitError is an HTTP 429, or a Graph throttling error. It is returned
// once the retry policy has given up, or at once when the server asked for a
// longer wait than RetryPolicy.MaxRetryAfter.
type RateLimitError struct {
	*APIError
	// RetryAfter is the wait the server asked for in its Retry-After header;
	// zero when it did not say.
	RetryAfter time.Duration
	// Graph is the decoded Graph error envelope, or nil for Plivo.
	Graph *GraphError
}

// Unwrap exposes the common APIError and the Graph envelope.
func (e *RateLimitError) Unwrap() []error { return unwrapAll(e.APIError, e.Graph) }

// ServerError is an HTTP 5xx, or a Graph error marked temporary, after every
// attempt the retry policy allowed; APIError.Attempts says how many were made.
type ServerError struct {
	*APIError
	// Graph is the decoded Graph error envelope, or nil for Plivo.
	Graph *GraphError
}

// Unwrap exposes the common APIError and the Graph envelope.
func (e *ServerError) Unwrap() []error { return unwrapAll(e.APIError, e.Graph) }

func unwrapAll(errs ...error) []error {
	out := make([]error, 0, len(errs))
	for _, err := range errs {
		// A nil *GraphError inside an error interface is not a nil error.
		if g, ok := err.(*GraphError); ok && g == nil {
			continue
		}
		if a, ok := err.(*APIError); ok && a == nil {
			continue
		}
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// The documented reasons for a 400 from Plivo's Embedded Signup API (the
// error table of Plivo's Tech Provider guide,
// docs.plivo.com/docs/messaging/concepts/whatsapp/resellers). Test for them
// with errors.Is.
var (
	ErrMissingWABAID                  = errors.New("wabsp: waba_id is required")
	ErrMissingBusinessID              = errors.New("wabsp: business_id is required")
	ErrMissingPhoneNumberID           = errors.New("wabsp: phone_number_id is required")
	ErrInvalidWABAID                  = errors.New("wabsp: waba_id is not a valid WhatsApp Business Account ID")
	ErrWABAAlreadyOnboarded           = errors.New("wabsp: WABA already registered with Plivo")
	ErrPhoneNumberRegisteredElsewhere = errors.New("wabsp: phone number already registered under another WABA")
	ErrMultiPartnerSolutionInactive   = errors.New("wabsp: Multi-Partner Solution not active")
)

// plivoReasons maps a fragment of each documented message to its sentinel.
// Fragments rather than whole sentences, so that a reworded full stop or
// capital letter does not turn a known reason into an unknown one.
var plivoReasons = []struct {
	fragment string
	reason   error
}{
	{"waba_id is required", ErrMissingWABAID},
	{"business_id is required", ErrMissingBusinessID},
	{"phone_number_id is required", ErrMissingPhoneNumberID},
	{"waba_id is not a valid", ErrInvalidWABAID},
	{"waba is already registered", ErrWABAAlreadyOnboarded},
	{"already registered under another waba", ErrPhoneNumberRegisteredElsewhere},
	{"multi-partner solution is not active", ErrMultiPartnerSolutionInactive},
}

func plivoReason(message string) error {
	m := strings.ToLower(message)
	for _, r := range plivoReasons {
		if strings.Contains(m, r.fragment) {
			return r.reason
		}
	}
	return nil
}

// plivoErrorBody decodes both error shapes Plivo uses: {api_id, error} and
// {api_id, error_code, message}.
type plivoErrorBody struct {
	APIID     string          `json:"api_id"`
	Error     string          `json:"error"`
	Message   string          `json:"message"`
	ErrorCode json.RawMessage `json:"error_code"`
}

// DecodeError reports a 2xx response whose body could not be decoded:
// malformed, truncated or of an unexpected shape. The raw body is kept.
type DecodeError struct {
	Provider   Provider
	StatusCode int
	Body       []byte
	Err        error
}

// Error names the provider and the cause; the body is not printed.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("wabsp: %s: HTTP %d: decoding response (%d bytes): %v", e.Provider, e.StatusCode, len(e.Body), e.Err)
}

// Unwrap returns the JSON error.
func (e *DecodeError) Unwrap() error { return e.Err }

// RequestError reports a request that got no HTTP response: a connection
// refused or reset, a timeout, a response cut off before its headers. URL has
// every credential redacted.
type RequestError struct {
	Method   string
	URL      string
	Attempts int
	Err      error
}

// Error names the request with its redacted URL, once: net/http's own
// *url.Error, which repeats the URL, is printed without it.
func (e *RequestError) Error() string {
	cause := e.Err
	var ue *url.Error
	if errors.As(cause, &ue) && ue.Err != nil {
		cause = ue.Err
	}
	msg := ""
	if cause != nil {
		msg = strings.TrimPrefix(cause.Error(), "wabsp: ")
	}
	s := fmt.Sprintf("wabsp: %s %s: %s", e.Method, e.URL, msg)
	if e.Attempts > 1 {
		s += " (after " + strconv.Itoa(e.Attempts) + " attempts)"
	}
	return s
}

// Unwrap returns the transport's error, so errors.Is(err, context.Canceled)
// and friends work.
func (e *RequestError) Unwrap() error { return e.Err }

// newAPIError turns a non-2xx response into the typed error for its status,
// or for its Graph error code where Graph sent an envelope.
func newAPIError(p Provider, resp *http.Response, body []byte, attempts int) error {
	base := &APIError{Provider: p, StatusCode: resp.StatusCode, Body: body, Response: redactedResponse(resp), Attempts: attempts}
	if req := resp.Request; req != nil {
		base.Method, base.URL, base.path = req.Method, redactURL(req.URL), req.URL.Path
	}
	var graph *GraphError
	switch p {
	case ProviderPlivo:
		var pb plivoErrorBody
		if json.Unmarshal(body, &pb) == nil {
			base.RequestID = pb.APIID
			base.Message = pb.Error
			if base.Message == "" {
				base.Message = pb.Message
			}
		}
	case ProviderGraph:
		graph = decodeGraphError(body)
		if graph != nil {
			base.RequestID = graph.FBTraceID
			base.Message = graph.Message
			base.graph = graph
		}
	}
	if base.Message == "" {
		base.Message = http.StatusText(resp.StatusCode)
	}

	status := resp.StatusCode
	if graph != nil {
		// Graph's HTTP statuses say little; its codes say what happened.
		switch graph.Kind() {
		case GraphErrorTokenInvalid:
			status = http.StatusUnauthorized
		case GraphErrorPermission:
			status = http.StatusForbidden
		case GraphErrorThrottled:
			status = http.StatusTooManyRequests
		case GraphErrorTemporary:
			status = http.StatusInternalServerError
		}
	}
	switch {
	case status == http.StatusBadRequest:
		e := &BadRequestError{APIError: base, Graph: graph}
		if p == ProviderPlivo {
			e.Reason = plivoReason(base.Message)
		}
		return e
	case status == http.StatusUnauthorized:
		return &AuthenticationError{APIError: base, Graph: graph}
	case status == http.StatusForbidden:
		return &PermissionError{APIError: base, Graph: graph}
	case status == http.StatusTooManyRequests:
		return &RateLimitError{APIError: base, Graph: graph, RetryAfter: retryAfter(resp)}
	case status >= 500:
		return &ServerError{APIError: base, Graph: graph}
	case graph != nil:
		return &BadRequestError{APIError: base, Graph: graph}
	default:
		return base
	}
}
