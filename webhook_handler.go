package wabsp

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
)

// DefaultWebhookMaxBodyBytes caps a delivery's body: Meta's deliveries are
// at most 3 MB, and the margin keeps a maximal one from being refused.
const DefaultWebhookMaxBodyBytes = 3<<20 + 512<<10

// ErrWebhookBodyTooLarge is returned for a body over the configured cap.
var ErrWebhookBodyTooLarge = errors.New("wabsp: webhook body too large")

// WebhookConfig configures a WebhookHandler. Only AppSecrets is required.
//
// Callbacks run synchronously, before the handler answers, so a callback
// error can make Meta retry the delivery. Meta expects an answer within
// seconds: a callback should record the event (a queue, a table) and
// return, not do the work itself.
//
// When any callback returns an error the handler answers 500 and Meta
// redelivers the whole delivery later. Events whose callbacks succeeded are
// then skipped by the Deduplicator; the failed ones are forgotten (see
// DeduplicationForgetter) and run again. Callbacks without an id to dedupe
// by (template, account and quality updates) run again on a retry and must
// be idempotent.
type WebhookConfig struct {
	// AppSecrets are the Meta app secrets a delivery may be signed with:
	// more than one while a secret is being rotated.
	AppSecrets []string
	// VerifyToken is the token set in the app's webhook settings, answered
	// in the subscription challenge. Empty refuses every challenge.
	VerifyToken string
	// MaxBodyBytes caps the body read; 0 means DefaultWebhookMaxBodyBytes.
	MaxBodyBytes int64
	// Deduplicator filters events already processed, keyed by message id
	// ("message:<wamid>") and status ("status:<wamid>:<status>"). nil means
	// an in-memory one of DefaultDedupCapacity keys.
	Deduplicator Deduplicator
	// Logger receives callback and deduplication errors; nil means
	// slog.Default(). Nothing secret is logged.
	Logger *slog.Logger

	// OnDelivery, if set, sees every verified, decoded delivery first.
	OnDelivery func(ctx context.Context, w *Webhook) error
	// OnMessage is called for each inbound message not seen before.
	OnMessage func(ctx context.Context, m InboundMessage) error
	// OnStatus is called for each status not seen before.
	OnStatus func(ctx context.Context, s StatusUpdate) error
	// OnMessagesErrors is called for a messages change with value-level
	// errors.
	OnMessagesErrors func(ctx context.Context, e *WebhookEntry, v *MessagesValue) error

	OnTemplateStatus     func(ctx context.Context, e *WebhookEntry, u *TemplateStatusUpdate) error
	OnTemplateQuality    func(ctx context.Context, e *WebhookEntry, u *TemplateQualityUpdate) error
	OnTemplateCategory   func(ctx context.Context, e *WebhookEntry, u *TemplateCategoryUpdate) error
	OnPhoneNumberQuality func(ctx context.Context, e *WebhookEntry, u *PhoneNumberQualityUpdate) error
	OnPhoneNumberName    func(ctx context.Context, e *WebhookEntry, u *PhoneNumberNameUpdate) error
	OnAccountUpdate      func(ctx context.Context, e *WebhookEntry, u *AccountUpdate) error
	OnAccountReview      func(ctx context.Context, e *WebhookEntry, u *AccountReviewUpdate) error
	OnAccountAlert       func(ctx context.Context, e *WebhookEntry, u *AccountAlert) error
	OnBusinessCapability func(ctx context.Context, e *WebhookEntry, u *BusinessCapabilityUpdate) error
	OnSecurity           func(ctx context.Context, e *WebhookEntry, u *SecurityUpdate) error
	// OnOnboarding is called for each PARTNER_ADDED account_update, in
	// addition to OnAccountUpdate.
	OnOnboarding func(ctx context.Context, ev OnboardingEvent) error
	// OnChange is the catch-all: it gets every change that no typed
	// callback above took, including fields this SDK does not know.
	OnChange func(ctx context.Context, e *WebhookEntry, c *WebhookChange) error
}

// WebhookHandler is an http.Handler for Meta's webhook callback URL. GET
// answers the subscription challenge; POST reads the body up to a cap,
// checks X-Hub-Signature-256, decodes and dispatches to the callbacks.
//
// Answers: 200 when every callback succeeded (or the events were seen
// before), 400 for a body that is not JSON, 401 for a bad signature, 403
// for a failed challenge, 405 for other methods, 413 for a body over the
// cap, and 500 when a callback failed, so that Meta retries.
type WebhookHandler struct {
	cfg     WebhookConfig
	secrets []Secret
	log     *slog.Logger
	pool    sync.Pool
}

// NewWebhookHandler returns a handler for cfg. It needs at least one app
// secret: a receiver that does not check signatures accepts forged events.
func NewWebhookHandler(cfg WebhookConfig) (*WebhookHandler, error) {
	var v validator
	h := &WebhookHandler{cfg: cfg, log: cfg.Logger}
	for _, s := range cfg.AppSecrets {
		if s != "" {
			h.secrets = append(h.secrets, Secret(s))
		}
	}
	if len(h.secrets) == 0 {
		v.addf("AppSecrets", "needs at least one non-empty app secret")
	}
	if cfg.MaxBodyBytes < 0 {
		v.addf("MaxBodyBytes", "must not be negative")
	}
	if err := v.err("NewWebhookHandler"); err != nil {
		return nil, err
	}
	h.cfg.AppSecrets = nil // kept as Secrets only, so %v of the handler cannot print them
	if h.cfg.MaxBodyBytes == 0 {
		h.cfg.MaxBodyBytes = DefaultWebhookMaxBodyBytes
	}
	if h.cfg.Deduplicator == nil {
		h.cfg.Deduplicator = NewMemoryDeduplicator(DefaultDedupCapacity)
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h, nil
}

// NewWebhookHandler returns a handler that checks signatures with the app
// secret given to WithMetaApp, unless cfg names its own AppSecrets.
func (c *Client) NewWebhookHandler(cfg WebhookConfig) (*WebhookHandler, error) {
	if len(cfg.AppSecrets) == 0 && !c.appSecret.IsZero() {
		cfg.AppSecrets = []string{c.appSecret.Reveal()}
	}
	return NewWebhookHandler(cfg)
}

// VerifyWebhookSubscription answers Meta's subscription challenge: given the
// query of the GET request, it returns hub.challenge and true when hub.mode
// is "subscribe" and hub.verify_token equals token (compared in constant
// time). An empty token matches nothing.
func VerifyWebhookSubscription(query url.Values, token string) (string, bool) {
	if token == "" || query.Get("hub.mode") != "subscribe" {
		return "", false
	}
	got := query.Get("hub.verify_token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
		return "", false
	}
	return query.Get("hub.challenge"), true
}

// ServeHTTP answers the challenge (GET) or handles a delivery (POST).
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		challenge, ok := VerifyWebhookSubscription(r.URL.Query(), h.cfg.VerifyToken)
		if !ok {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, challenge)
	case http.MethodPost:
		wh, err := h.DecodeRequest(r)
		if err != nil {
			status := http.StatusBadRequest
			var sigErr *SignatureError
			switch {
			case errors.As(err, &sigErr):
				status = http.StatusUnauthorized
			case errors.Is(err, ErrWebhookBodyTooLarge):
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, http.StatusText(status), status)
			return
		}
		if err := h.Dispatch(r.Context(), wh); err != nil {
			http.Error(w, "a callback failed; retry later", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	}
}

// DecodeRequest reads a delivery's body once, up to the cap, checks its
// signature against the raw bytes and decodes it. Errors: a
// *SignatureError, ErrWebhookBodyTooLarge, a *WebhookSyntaxError, or the
// read error.
func (h *WebhookHandler) DecodeRequest(r *http.Request) (*Webhook, error) {
	max := h.cfg.MaxBodyBytes
	if r.ContentLength > max {
		return nil, ErrWebhookBodyTooLarge
	}
	buf, _ := h.pool.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		buf.Reset()
		h.pool.Put(buf)
	}()
	if r.ContentLength > 0 {
		// One right-sized allocation; +1 so ReadFrom sees EOF without
		// growing the buffer.
		buf.Grow(int(r.ContentLength) + 1)
	}
	// Reading one byte past the cap tells an oversized body from one of
	// exactly the cap, without buffering the rest of it.
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, max+1)); err != nil {
		return nil, fmt.Errorf("wabsp: reading webhook body: %w", err)
	}
	if int64(buf.Len()) > max {
		return nil, ErrWebhookBodyTooLarge
	}
	body := buf.Bytes()
	if err := h.verify(body, r.Header.Get(WebhookSignatureHeader)); err != nil {
		return nil, err
	}
	// DecodeWebhook copies what it keeps, so the buffer can be reused.
	return DecodeWebhook(body)
}

func (h *WebhookHandler) verify(body []byte, header string) error {
	switch len(h.secrets) {
	case 1:
		return VerifyWebhookSignature(body, header, h.secrets[0].Reveal())
	default:
		s := make([]string, len(h.secrets))
		for i, x := range h.secrets {
			s[i] = x.Reveal()
		}
		return VerifyWebhookSignature(body, header, s...)
	}
}

// WebhookCallbackError is one failed callback. Key is the deduplication key
// of the event, if it has one.
type WebhookCallbackError struct {
	Field WebhookField
	Key   string
	Err   error
}

// Error names the field and the event's key.
func (e *WebhookCallbackError) Error() string {
	s := "wabsp: webhook callback for " + string(e.Field)
	if e.Key != "" {
		s += " (" + e.Key + ")"
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the callback's error.
func (e *WebhookCallbackError) Unwrap() error { return e.Err }

// Dispatch runs the callbacks for a decoded delivery, as ServeHTTP does
// after verification. Every callback runs even when one fails; the errors
// are returned joined, each a *WebhookCallbackError, and logged.
func (h *WebhookHandler) Dispatch(ctx context.Context, wh *Webhook) error {
	var errs []error
	fail := func(field WebhookField, key string, err error) {
		e := &WebhookCallbackError{Field: field, Key: key, Err: err}
		h.log.ErrorContext(ctx, "webhook callback failed", "field", string(field), "key", key, "error", err)
		errs = append(errs, e)
	}
	if h.cfg.OnDelivery != nil {
		if err := h.cfg.OnDelivery(ctx, wh); err != nil {
			fail("", "", err)
		}
	}
	for i := range wh.Entries {
		e := &wh.Entries[i]
		for j := range e.Changes {
			h.dispatchChange(ctx, e, &e.Changes[j], fail)
		}
	}
	return errors.Join(errs...)
}

func (h *WebhookHandler) dispatchChange(ctx context.Context, e *WebhookEntry, c *WebhookChange, fail func(WebhookField, string, error)) {
	cfg := &h.cfg
	taken := false
	run := func(set bool, f func() error) {
		if !set {
			return
		}
		taken = true
		if err := f(); err != nil {
			fail(c.Field, "", err)
		}
	}
	switch {
	case c.Messages != nil:
		v := c.Messages
		if cfg.OnMessage != nil {
			taken = true
			for k := range v.Messages {
				m := &v.Messages[k]
				in := InboundMessage{WABAID: e.ID, PhoneNumberID: v.Metadata.PhoneNumberID,
					DisplayPhoneNumber: v.Metadata.DisplayPhoneNumber, Contact: v.contactFor(m), Message: m}
				h.once(ctx, c.Field, "message:"+m.ID, m.ID != "", func() error { return cfg.OnMessage(ctx, in) }, fail)
			}
		}
		if cfg.OnStatus != nil {
			taken = true
			for k := range v.Statuses {
				s := &v.Statuses[k]
				su := StatusUpdate{WABAID: e.ID, PhoneNumberID: v.Metadata.PhoneNumberID, Status: s}
				key := "status:" + s.ID + ":" + string(s.Status)
				h.once(ctx, c.Field, key, s.ID != "", func() error { return cfg.OnStatus(ctx, su) }, fail)
			}
		}
		if len(v.Errors) > 0 {
			run(cfg.OnMessagesErrors != nil, func() error { return cfg.OnMessagesErrors(ctx, e, v) })
		}
	case c.TemplateStatus != nil:
		run(cfg.OnTemplateStatus != nil, func() error { return cfg.OnTemplateStatus(ctx, e, c.TemplateStatus) })
	case c.TemplateQuality != nil:
		run(cfg.OnTemplateQuality != nil, func() error { return cfg.OnTemplateQuality(ctx, e, c.TemplateQuality) })
	case c.TemplateCategory != nil:
		run(cfg.OnTemplateCategory != nil, func() error { return cfg.OnTemplateCategory(ctx, e, c.TemplateCategory) })
	case c.PhoneNumberQuality != nil:
		run(cfg.OnPhoneNumberQuality != nil, func() error { return cfg.OnPhoneNumberQuality(ctx, e, c.PhoneNumberQuality) })
	case c.PhoneNumberName != nil:
		run(cfg.OnPhoneNumberName != nil, func() error { return cfg.OnPhoneNumberName(ctx, e, c.PhoneNumberName) })
	case c.AccountUpdate != nil:
		run(cfg.OnAccountUpdate != nil, func() error { return cfg.OnAccountUpdate(ctx, e, c.AccountUpdate) })
		if ev, ok := c.Onboarding(); ok {
			if ev.Time.IsZero() {
				ev.Time = e.Time
			}
			run(cfg.OnOnboarding != nil, func() error { return cfg.OnOnboarding(ctx, ev) })
		}
	case c.AccountReview != nil:
		run(cfg.OnAccountReview != nil, func() error { return cfg.OnAccountReview(ctx, e, c.AccountReview) })
	case c.AccountAlert != nil:
		run(cfg.OnAccountAlert != nil, func() error { return cfg.OnAccountAlert(ctx, e, c.AccountAlert) })
	case c.BusinessCapability != nil:
		run(cfg.OnBusinessCapability != nil, func() error { return cfg.OnBusinessCapability(ctx, e, c.BusinessCapability) })
	case c.Security != nil:
		run(cfg.OnSecurity != nil, func() error { return cfg.OnSecurity(ctx, e, c.Security) })
	}
	if !taken {
		run(cfg.OnChange != nil, func() error { return cfg.OnChange(ctx, e, c) })
	}
}

// once runs f unless the deduplicator has seen key; when f fails, the key is
// forgotten so the retried delivery runs it again. A deduplicator that
// fails is logged and the event processed: a duplicate is better than a
// loss.
func (h *WebhookHandler) once(ctx context.Context, field WebhookField, key string, dedupe bool, f func() error, fail func(WebhookField, string, error)) {
	d := h.cfg.Deduplicator
	if dedupe {
		seen, err := d.SeenBefore(ctx, key)
		if err != nil {
			h.log.WarnContext(ctx, "webhook deduplication failed; processing the event", "key", key, "error", err)
		} else if seen {
			return
		}
	}
	if err := f(); err != nil {
		fail(field, key, err)
		if fg, ok := d.(DeduplicationForgetter); ok && dedupe {
			if ferr := fg.Forget(ctx, key); ferr != nil {
				h.log.WarnContext(ctx, "webhook deduplication could not forget a failed event", "key", key, "error", ferr)
			}
		}
	}
}

// String describes the handler without its secrets.
func (h *WebhookHandler) String() string {
	return "wabsp.WebhookHandler{app_secrets: " + strconv.Itoa(len(h.secrets)) + ", max_body_bytes: " +
		strconv.FormatInt(h.cfg.MaxBodyBytes, 10) + "}"
}
