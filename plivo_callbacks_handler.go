package wabsp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultPlivoCallbackMaxBodyBytes caps a Plivo callback's body: a
// callback is a few dozen form parameters.
const DefaultPlivoCallbackMaxBodyBytes = 64 << 10

// MessageObserver is told of the delivered, read, failed and undelivered
// statuses and the inbound messages the handler processes, before the
// callbacks run: the policy tracker's
// adapter (policy.SendPolicyFor) implements it, so that an inbound message
// opens the customer-service window and statuses correct the count.
// phoneNumberID is the business number's key (see PhoneNumberIDResolver)
// and customerWAID the customer's number without its plus sign.
type MessageObserver interface {
	ObserveInbound(ctx context.Context, phoneNumberID, customerWAID string, m PlivoInboundCallback) error
	ObserveStatus(ctx context.Context, phoneNumberID, customerWAID string, s PlivoStatusCallback) error
}

// PlivoCallbackConfig configures a PlivoCallbackHandler. AuthTokens is
// required.
//
// The handler promises what WebhookHandler promises: each event (a
// message, or one status of a message) is claimed in the Deduplicator
// before the Observer and the callback run, marked done only after both
// returned nil, and released when either failed or panicked. The answer is
// 200 only for an event that is done, now or by an earlier delivery; 500
// when it failed, 503 when another delivery of it is in progress, so that
// Plivo tries again.
type PlivoCallbackConfig struct {
	// AuthTokens are the Auth Tokens a callback may be signed with: the
	// account's (and its main account's, for the -Ma- header); several
	// while one is rotated.
	AuthTokens []string
	// PublicBaseURL is the scheme and host (and any path prefix) Plivo
	// calls, such as "https://hooks.example.com": signatures cover the URL
	// Plivo used, which a handler behind a proxy cannot see. Empty means
	// the request's own host, with https when the request came over TLS.
	PublicBaseURL string
	// AllowV2 also accepts X-Plivo-Signature-V2, which Plivo's messaging
	// pages still document. It is off by default: V2 signs the URL and the
	// nonce only, not the parameters, so a captured V2 signature would
	// vouch for any body sent to the same URL.
	AllowV2 bool
	// MaxBodyBytes caps the body read; 0 means
	// DefaultPlivoCallbackMaxBodyBytes.
	MaxBodyBytes int64
	// Deduplicator filters events already processed, keyed
	// "plivo-status:<uuid>:<status>" and "plivo-inbound:<uuid>"; nil means
	// an in-memory one. Share one store between replicas.
	Deduplicator Deduplicator
	// DedupLease is how long a delivery holds an event; 0 means
	// DefaultDedupLease.
	DedupLease time.Duration
	// Logger receives failures; nil means slog.Default(). Nothing secret is
	// logged.
	Logger *slog.Logger
	// Observer, if set, is told of delivered, read, failed and undelivered
	// statuses and of every inbound message.
	Observer MessageObserver
	// PhoneNumberID turns the business number of a callback into the key
	// the Observer knows it by; nil means its digits (DigitsOnly). Give
	// the MessageSender the same resolver.
	PhoneNumberID PhoneNumberIDResolver
	// OnStatus is called for each status not processed before.
	OnStatus func(ctx context.Context, s PlivoStatusCallback) error
	// OnInbound is called for each inbound message not processed before.
	OnInbound func(ctx context.Context, m PlivoInboundCallback) error
}

// PlivoCallbackHandler is an http.Handler for the URLs Plivo sends message
// status callbacks and inbound WhatsApp messages to (one handler serves
// both). It reads the body up to a cap, verifies the signature, decodes,
// deduplicates and runs the callbacks.
//
// Answers: 200 for a processed event, 400 for parameters that are not a
// message callback, 401 for a bad signature, 405 for a method other than
// GET and POST, 413 for a body over the cap, 415 for a POST that is not a
// form, 500 when a callback failed or panicked, 503 when the event is being
// processed by another delivery.
type PlivoCallbackHandler struct {
	cfg         PlivoCallbackConfig
	tokens      []Secret
	log         *slog.Logger
	ownerPrefix string
	owners      atomic.Uint64
}

// NewPlivoCallbackHandler returns a handler for cfg. It needs at least one
// Auth Token: a receiver that does not check signatures accepts forged
// events.
func NewPlivoCallbackHandler(cfg PlivoCallbackConfig) (*PlivoCallbackHandler, error) {
	var v validator
	h := &PlivoCallbackHandler{cfg: cfg, log: cfg.Logger}
	for _, t := range cfg.AuthTokens {
		if t != "" {
			h.tokens = append(h.tokens, Secret(t))
		}
	}
	if len(h.tokens) == 0 {
		v.addf("AuthTokens", "needs at least one non-empty Auth Token")
	}
	if cfg.PublicBaseURL != "" {
		v.httpURL("PublicBaseURL", cfg.PublicBaseURL)
	}
	if cfg.MaxBodyBytes < 0 {
		v.addf("MaxBodyBytes", "must not be negative")
	}
	if cfg.DedupLease < 0 {
		v.addf("DedupLease", "must not be negative")
	}
	if err := v.err("NewPlivoCallbackHandler"); err != nil {
		return nil, err
	}
	h.cfg.AuthTokens = nil // kept as Secrets only
	h.cfg.PublicBaseURL = strings.TrimRight(cfg.PublicBaseURL, "/")
	if h.cfg.MaxBodyBytes == 0 {
		h.cfg.MaxBodyBytes = DefaultPlivoCallbackMaxBodyBytes
	}
	if h.cfg.Deduplicator == nil {
		h.cfg.Deduplicator = NewMemoryDeduplicator(DefaultDedupCapacity)
	}
	if h.cfg.DedupLease == 0 {
		h.cfg.DedupLease = DefaultDedupLease
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	h.ownerPrefix = "plivo-" + hex.EncodeToString(b[:]) + "-"
	return h, nil
}

// NewPlivoCallbackHandler returns a handler that verifies signatures with
// the Auth Token given to WithPlivoCredentials, unless cfg names its own.
func (c *Client) NewPlivoCallbackHandler(cfg PlivoCallbackConfig) (*PlivoCallbackHandler, error) {
	if len(cfg.AuthTokens) == 0 && !c.authToken.IsZero() {
		cfg.AuthTokens = []string{c.authToken.Reveal()}
	}
	return NewPlivoCallbackHandler(cfg)
}

// ErrPlivoSignature is returned for a callback whose signature is missing
// or does not match.
var ErrPlivoSignature = errors.New("wabsp: Plivo callback signature missing or invalid")

// ServeHTTP handles one callback.
func (h *PlivoCallbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	status, inbound, err := h.DecodeRequest(r)
	if err != nil {
		code := http.StatusBadRequest
		switch {
		case errors.Is(err, ErrPlivoSignature):
			code = http.StatusUnauthorized
		case errors.Is(err, ErrWebhookBodyTooLarge):
			code = http.StatusRequestEntityTooLarge
		case errors.Is(err, errNotAForm):
			code = http.StatusUnsupportedMediaType
		}
		http.Error(w, http.StatusText(code), code)
		return
	}
	var key string
	var run func(ctx context.Context) error
	if status != nil {
		key = "plivo-status:" + status.MessageUUID + ":" + string(status.Status)
		run = func(ctx context.Context) error { return h.processStatus(ctx, *status) }
	} else {
		key = "plivo-inbound:" + inbound.MessageUUID
		run = func(ctx context.Context) error { return h.processInbound(ctx, *inbound) }
	}
	switch err := h.once(r.Context(), key, run); {
	case errors.Is(err, ErrWebhookEventInProgress):
		http.Error(w, "this event is being processed; retry later", http.StatusServiceUnavailable)
	case err != nil:
		http.Error(w, "a callback failed; retry later", http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

var errNotAForm = errors.New("wabsp: Plivo callback body is not a form")

// DecodeRequest reads a callback once, up to the cap, verifies its
// signature and decodes it. Errors match ErrPlivoSignature,
// ErrWebhookBodyTooLarge or ErrNotAPlivoCallback, or are the read error.
func (h *PlivoCallbackHandler) DecodeRequest(r *http.Request) (*PlivoStatusCallback, *PlivoInboundCallback, error) {
	params := url.Values{}
	if r.Method == http.MethodPost {
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
			return nil, nil, errNotAForm
		}
		if r.ContentLength > h.cfg.MaxBodyBytes {
			return nil, nil, ErrWebhookBodyTooLarge
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, h.cfg.MaxBodyBytes+1))
		if err != nil {
			return nil, nil, fmt.Errorf("wabsp: reading Plivo callback: %w", err)
		}
		if int64(len(body)) > h.cfg.MaxBodyBytes {
			return nil, nil, ErrWebhookBodyTooLarge
		}
		if params, err = url.ParseQuery(string(body)); err != nil {
			return nil, nil, fmt.Errorf("wabsp: Plivo callback form: %w", err)
		}
	}
	if !h.verify(r, params) {
		return nil, nil, ErrPlivoSignature
	}
	if r.Method == http.MethodGet {
		params = r.URL.Query()
	}
	return DecodePlivoCallback(params)
}

// callbackURL is the URL Plivo called, as it signed it.
func (h *PlivoCallbackHandler) callbackURL(r *http.Request) string {
	base := h.cfg.PublicBaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	u := base + r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	return u
}

func (h *PlivoCallbackHandler) verify(r *http.Request, form url.Values) bool {
	u := h.callbackURL(r)
	tokens := make([]string, len(h.tokens))
	for i, t := range h.tokens {
		tokens[i] = t.Reveal()
	}
	if nonce := r.Header.Get(PlivoSignatureV3NonceHeader); nonce != "" {
		var params url.Values
		if r.Method == http.MethodPost {
			params = form
		}
		for _, hdr := range []string{PlivoSignatureV3Header, PlivoSignatureMaV3Header} {
			if VerifyPlivoSignatureV3(r.Method, u, nonce, r.Header.Get(hdr), params, tokens...) {
				return true
			}
		}
	}
	if nonce := r.Header.Get(PlivoSignatureV2NonceHeader); h.cfg.AllowV2 && nonce != "" {
		for _, hdr := range []string{PlivoSignatureV2Header, PlivoSignatureMaV2Header} {
			if VerifyPlivoSignatureV2(u, nonce, r.Header.Get(hdr), tokens...) {
				return true
			}
		}
	}
	return false
}

func (h *PlivoCallbackHandler) processStatus(ctx context.Context, s PlivoStatusCallback) error {
	if h.cfg.Observer != nil {
		switch s.Status {
		case MessageDelivered, MessageRead, MessageFailed, MessageUndelivered:
			phone, err := resolvePhoneNumberID(ctx, h.cfg.PhoneNumberID, s.From)
			if err != nil {
				return err
			}
			if err := h.cfg.Observer.ObserveStatus(ctx, phone, DigitsOnly(s.To), s); err != nil {
				return fmt.Errorf("observer: %w", err)
			}
		}
	}
	if h.cfg.OnStatus != nil {
		return h.cfg.OnStatus(ctx, s)
	}
	return nil
}

func (h *PlivoCallbackHandler) processInbound(ctx context.Context, m PlivoInboundCallback) error {
	if h.cfg.Observer != nil {
		phone, err := resolvePhoneNumberID(ctx, h.cfg.PhoneNumberID, m.To)
		if err != nil {
			return err
		}
		if err := h.cfg.Observer.ObserveInbound(ctx, phone, DigitsOnly(m.From), m); err != nil {
			return fmt.Errorf("observer: %w", err)
		}
	}
	if h.cfg.OnInbound != nil {
		return h.cfg.OnInbound(ctx, m)
	}
	return nil
}

// once runs f for key unless it is done or in progress elsewhere, and
// records the outcome as WebhookHandler's dispatch does: done after
// success, released after a failure or a panic. A deduplicator that fails
// to claim is logged and the event processed: a duplicate is better than a
// loss.
func (h *PlivoCallbackHandler) once(ctx context.Context, key string, f func(context.Context) error) error {
	dd := h.cfg.Deduplicator
	owner := h.ownerPrefix + strconv.FormatUint(h.owners.Add(1), 36)
	state, err := dd.Claim(ctx, key, owner, h.cfg.DedupLease)
	switch {
	case err != nil:
		h.log.WarnContext(ctx, "plivo callback deduplication failed; processing the event", "key", key, "error", err)
	case state == DedupDone:
		return nil
	case state == DedupInProgress:
		return ErrWebhookEventInProgress
	}
	err = h.call(ctx, key, f)
	settleClaim(ctx, h.log, "plivo callback", dd, key, owner, h.cfg.DedupLease, err == nil)
	return err
}

// call runs f, turning a panic into a *WebhookPanicError, and logs a
// failure.
func (h *PlivoCallbackHandler) call(ctx context.Context, key string, f func(context.Context) error) error {
	err := runCallback(func() error { return f(ctx) })
	pe, panicked := err.(*WebhookPanicError)
	switch {
	case panicked:
		h.log.ErrorContext(ctx, "plivo callback panicked", "key", key, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
	case err != nil:
		h.log.ErrorContext(ctx, "plivo callback failed", "key", key, "error", err)
	}
	return err
}

// String describes the handler without its secrets.
func (h *PlivoCallbackHandler) String() string {
	return "wabsp.PlivoCallbackHandler{auth_tokens: " + strconv.Itoa(len(h.tokens)) + ", max_body_bytes: " +
		strconv.FormatInt(h.cfg.MaxBodyBytes, 10) + "}"
}
