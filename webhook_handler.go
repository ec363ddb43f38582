package wabsp

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultWebhookMaxBodyBytes caps a delivery's body: Meta's deliveries are
// at most 3 MB, and the margin keeps a maximal one from being refused.
const DefaultWebhookMaxBodyBytes = 3<<20 + 512<<10

// webhookPrealloc bounds what DecodeRequest reserves before reading: most
// deliveries are a few kilobytes.
const webhookPrealloc = 64 << 10

// ErrWebhookBodyTooLarge is returned for a body over the configured cap.
var ErrWebhookBodyTooLarge = errors.New("wabsp: webhook body too large")

// WebhookConfig configures a WebhookHandler. Only AppSecrets is required.
//
// Callbacks run synchronously, before the handler answers, so that the
// answer can say whether they succeeded. Meta expects an answer within
// seconds: a callback should record the event (a queue, a table) and
// return, not do the work itself.
//
// The handler promises at-least-once processing with duplicates
// suppressed. Each message and status is claimed in the Deduplicator
// before its callback runs and marked done only after the callback
// returned nil; a callback that fails or panics releases its claim. The
// answer is 200 only when every event of the delivery is done (now or by
// an earlier delivery); 500 when a callback failed or panicked, and 503
// when another delivery of the same event is still running, so that Meta
// retries in both cases. A process that dies mid-callback leaves a claim
// that expires after DedupLease, and Meta's next retry processes the event.
// Callbacks without an id to deduplicate by (OnDelivery, template, account
// and quality updates) run again on every retry and must be idempotent.
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
	// an in-memory one of DefaultDedupCapacity keys; share one store
	// (policy/redisstore) between replicas.
	Deduplicator Deduplicator
	// DedupLease is how long a delivery holds an event it is processing
	// before a redelivery may process it again; 0 means DefaultDedupLease.
	// Keep it longer than any callback runs: past it, a redelivery runs the
	// callback a second time.
	DedupLease time.Duration
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
	// OnConnection is called, in addition to OnAccountUpdate, for each
	// account_update that disconnects a customer (PARTNER_REMOVED,
	// ACCOUNT_OFFBOARDED, PARTNER_APP_UNINSTALLED) or connects one again
	// (ACCOUNT_RECONNECTED, PARTNER_APP_INSTALLED).
	OnConnection func(ctx context.Context, ev ConnectionEvent) error

	// Coexistence: a number that stays on the WhatsApp Business app.
	// OnHistory gets each history change (chunks of past chats, or the
	// business declining to share them); OnAppStateSync each
	// smb_app_state_sync change (the app's contacts); OnMessageEcho each
	// message the business sent from the app, deduplicated like messages
	// ("echo:<wamid>").
	OnHistory      func(ctx context.Context, e *WebhookEntry, v *HistoryValue) error
	OnAppStateSync func(ctx context.Context, e *WebhookEntry, v *AppStateSyncValue) error
	OnMessageEcho  func(ctx context.Context, m MessageEcho) error
	// OnChange is the catch-all: it gets every change that no typed
	// callback above took, including fields this SDK does not know.
	OnChange func(ctx context.Context, e *WebhookEntry, c *WebhookChange) error
}

// WebhookHandler is an http.Handler for Meta's webhook callback URL. GET
// answers the subscription challenge; POST reads the body up to a cap,
// checks X-Hub-Signature-256, decodes and dispatches to the callbacks.
//
// Answers: 200 when every event was processed (now or before), 400 for a
// body that is not JSON, 401 for a bad signature, 403 for a failed
// challenge, 405 for other methods, 413 for a body over the cap, 500 when a
// callback failed or panicked and 503 when another delivery of one of its
// events is still being processed, so that Meta retries. Serve it with the
// timeouts of NewWebhookServer, or others as strict.
type WebhookHandler struct {
	cfg     WebhookConfig
	secrets []Secret
	log     *slog.Logger
	pool    sync.Pool

	// owners names the deliveries' leases: a random prefix per handler,
	// so that replicas sharing a store never share an owner, and a count.
	ownerPrefix string
	owners      atomic.Uint64
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
	if cfg.DedupLease < 0 {
		v.addf("DedupLease", "must not be negative")
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
	if h.cfg.DedupLease <= 0 {
		h.cfg.DedupLease = DefaultDedupLease
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	h.ownerPrefix = hex.EncodeToString(b[:]) + "-"
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
			status := readErrorStatus(err)
			http.Error(w, http.StatusText(status), status)
			return
		}
		if err := h.Dispatch(r.Context(), wh); err != nil {
			if onlyInProgress(err) {
				http.Error(w, "an event of this delivery is being processed; retry later", http.StatusServiceUnavailable)
				return
			}
			http.Error(w, "a callback failed; retry later", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	}
}

// readErrorStatus is the answer to a delivery that could not be read or
// verified: 401 for a bad signature, 413 for a body over the cap, 400 for
// anything else (a body that is not JSON, a broken connection).
func readErrorStatus(err error) int {
	var sigErr *SignatureError
	switch {
	case errors.As(err, &sigErr):
		return http.StatusUnauthorized
	case errors.Is(err, ErrWebhookBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// DecodeRequest reads a delivery's body once, up to the cap, checks its
// signature against the raw bytes and decodes it. Errors: a
// *SignatureError, ErrWebhookBodyTooLarge, a *WebhookSyntaxError, or the
// read error.
func (h *WebhookHandler) DecodeRequest(r *http.Request) (*Webhook, error) {
	buf, _ := h.pool.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		buf.Reset()
		h.pool.Put(buf)
	}()
	if err := h.ReadVerifiedBody(r, buf); err != nil {
		return nil, err
	}
	// DecodeWebhook copies what it keeps, so the buffer can be reused.
	return DecodeWebhook(buf.Bytes())
}

// ReadVerifiedBody reads a delivery's body once into buf (appending), up
// to the cap, and checks its signature against the raw bytes, without
// decoding it: what an Inbox stores before it acknowledges. Errors: a
// *SignatureError, ErrWebhookBodyTooLarge, or the read error.
func (h *WebhookHandler) ReadVerifiedBody(r *http.Request, buf *bytes.Buffer) error {
	max := h.cfg.MaxBodyBytes
	if r.ContentLength > max {
		return ErrWebhookBodyTooLarge
	}
	start := buf.Len()
	if r.ContentLength > 0 {
		// Grow for the declared length only up to a small bound: the body
		// is not signed yet, so a client that declares 3 MB and sends one
		// byte must not make the handler hold 3 MB. Past it, the buffer
		// grows with the bytes that actually arrive. +1 so ReadFrom sees EOF
		// without growing the buffer.
		buf.Grow(int(min(r.ContentLength, webhookPrealloc)) + 1)
	}
	// Reading one byte past the cap tells an oversized body from one of
	// exactly the cap, without buffering the rest of it.
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, max+1)); err != nil {
		return fmt.Errorf("wabsp: reading webhook body: %w", err)
	}
	if int64(buf.Len()-start) > max {
		return ErrWebhookBodyTooLarge
	}
	return h.verify(buf.Bytes()[start:], r.Header.Get(WebhookSignatureHeader))
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

// ErrWebhookEventInProgress is the Err of a *WebhookCallbackError for an
// event that another delivery is still processing: the handler answers 503
// so that Meta retries once the outcome is known.
var ErrWebhookEventInProgress = errors.New("wabsp: webhook event is being processed by another delivery")

// WebhookCallbackError is one event that was not processed: its callback
// failed or panicked (Err is then a *WebhookPanicError), or another
// delivery holds it (ErrWebhookEventInProgress). Key is the deduplication
// key of the event, if it has one.
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

// WebhookPanicError is a callback's panic, recovered by the handler and
// treated as a failure, so that Meta's retry runs the callback again.
type WebhookPanicError struct {
	Value any
	Stack []byte
}

// Error prints the panic's value; the stack is logged, not printed here.
func (e *WebhookPanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// onlyInProgress reports whether every error joined in err is an event
// still in progress elsewhere, rather than a failure.
func onlyInProgress(err error) bool {
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return errors.Is(err, ErrWebhookEventInProgress)
	}
	for _, e := range joined.Unwrap() {
		if !errors.Is(e, ErrWebhookEventInProgress) {
			return false
		}
	}
	return true
}

// Dispatch runs the callbacks for a decoded delivery, as ServeHTTP does
// after verification, with the same guarantees (see WebhookConfig). Every
// callback runs even when one fails; the events not processed are returned
// joined, each a *WebhookCallbackError, and logged.
func (h *WebhookHandler) Dispatch(ctx context.Context, wh *Webhook) error {
	d := &dispatch{h: h, ctx: ctx}
	if h.cfg.OnDelivery != nil {
		d.call("", "", func() error { return h.cfg.OnDelivery(ctx, wh) })
	}
	if b, ok := h.cfg.Deduplicator.(BatchDeduplicator); ok {
		d.claimBatch(b, wh)
	}
	for i := range wh.Entries {
		e := &wh.Entries[i]
		for j := range e.Changes {
			h.dispatchChange(d, e, &e.Changes[j])
		}
	}
	d.completeBatch()
	return errors.Join(d.errs...)
}

// claimBatch claims every deduplicated event of the delivery in one call,
// when the deduplicator can: a delivery of 1,000 statuses then costs the
// store two round trips, not two thousand. The answers wait in d.preclaimed
// for once; a failed batch leaves once to claim key by key.
func (d *dispatch) claimBatch(b BatchDeduplicator, wh *Webhook) {
	cfg := &d.h.cfg
	var keys []string
	for i := range wh.Entries {
		for j := range wh.Entries[i].Changes {
			c := &wh.Entries[i].Changes[j]
			if v := c.Messages; v != nil {
				for k := range v.Messages {
					if cfg.OnMessage != nil && v.Messages[k].ID != "" {
						keys = append(keys, dedupKey("message:", v.Messages[k].ID, ""))
					}
				}
				for k := range v.Statuses {
					if s := &v.Statuses[k]; cfg.OnStatus != nil && s.ID != "" {
						keys = append(keys, dedupKey("status:", s.ID, string(s.Status)))
					}
				}
			}
			if v := c.MessageEchoes; v != nil && cfg.OnMessageEcho != nil {
				for k := range v.MessageEchoes {
					if id := v.MessageEchoes[k].ID; id != "" {
						keys = append(keys, dedupKey("echo:", id, ""))
					}
				}
			}
		}
	}
	if len(keys) < 2 {
		return
	}
	d.ensureOwner()
	states, err := b.ClaimBatch(d.ctx, keys, d.owner, cfg.DedupLease)
	if err != nil || len(states) != len(keys) {
		d.h.log.WarnContext(d.ctx, "webhook deduplication could not claim the delivery's events at once; claiming one by one", "events", len(keys), "error", err)
		return
	}
	d.batch, d.preKeys, d.preStates = b, keys, states
}

// preclaimed takes the answer claimBatch got for key. dispatchChange meets
// the keys in the order claimBatch listed them, so the answer is the next
// one; a key met out of that order is looked for among the rest.
func (d *dispatch) preclaimed(key string) (DedupState, bool) {
	for i := d.preNext; i < len(d.preKeys); i++ {
		if d.preStates[i] == 0 || d.preKeys[i] != key {
			continue
		}
		st := d.preStates[i]
		d.preStates[i] = 0 // taken
		for d.preNext < len(d.preKeys) && d.preStates[d.preNext] == 0 {
			d.preNext++
		}
		return st, true
	}
	return 0, false
}

// completeBatch records every event processed under a batch claim as done,
// in one call.
func (d *dispatch) completeBatch() {
	if d.batch == nil || len(d.done) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(d.ctx), dedupTimeout)
	defer cancel()
	if err := d.batch.CompleteBatch(ctx, d.done); err != nil {
		d.h.log.WarnContext(d.ctx, "webhook deduplication could not record processed events; a redelivery may process them again",
			"events", len(d.done), "error", err)
	}
}

func (d *dispatch) ensureOwner() {
	if d.owner == "" {
		d.owner = d.h.ownerPrefix + strconv.FormatUint(d.h.owners.Add(1), 36)
	}
}

// dispatch is the state of one Dispatch: its lease owner, the keys it
// claimed and the events it could not process.
type dispatch struct {
	// batch, preKeys, preStates and done serve a BatchDeduplicator: the
	// keys claimBatch claimed and their states, in order (a state taken by
	// once is zeroed; preNext is the first not taken), and the keys to
	// complete at the end.
	batch     BatchDeduplicator
	preKeys   []string
	preStates []DedupState
	preNext   int
	done      []string

	h       *WebhookHandler
	ctx     context.Context
	owner   string
	claimed []string
	errs    []error
}

func (h *WebhookHandler) dispatchChange(d *dispatch, e *WebhookEntry, c *WebhookChange) {
	cfg := &h.cfg
	ctx := d.ctx
	taken := false
	run := func(set bool, f func() error) {
		if !set {
			return
		}
		taken = true
		d.call(c.Field, "", f)
	}
	switch {
	case c.Messages != nil:
		v := c.Messages
		if cfg.OnMessage != nil {
			taken = true
			for k := range v.Messages {
				m := &v.Messages[k]
				in := v.inbound(e.ID, m)
				d.once(c.Field, dedupKey("message:", m.ID, ""), func() error { return cfg.OnMessage(ctx, in) })
			}
		}
		if cfg.OnStatus != nil {
			taken = true
			for k := range v.Statuses {
				s := &v.Statuses[k]
				su := v.statusUpdate(e.ID, s)
				d.once(c.Field, dedupKey("status:", s.ID, string(s.Status)), func() error { return cfg.OnStatus(ctx, su) })
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
		if ev, ok := c.connection(e); ok {
			run(cfg.OnConnection != nil, func() error { return cfg.OnConnection(ctx, ev) })
		}
	case c.AccountReview != nil:
		run(cfg.OnAccountReview != nil, func() error { return cfg.OnAccountReview(ctx, e, c.AccountReview) })
	case c.AccountAlert != nil:
		run(cfg.OnAccountAlert != nil, func() error { return cfg.OnAccountAlert(ctx, e, c.AccountAlert) })
	case c.BusinessCapability != nil:
		run(cfg.OnBusinessCapability != nil, func() error { return cfg.OnBusinessCapability(ctx, e, c.BusinessCapability) })
	case c.Security != nil:
		run(cfg.OnSecurity != nil, func() error { return cfg.OnSecurity(ctx, e, c.Security) })
	case c.History != nil:
		run(cfg.OnHistory != nil, func() error { return cfg.OnHistory(ctx, e, c.History) })
	case c.AppStateSync != nil:
		run(cfg.OnAppStateSync != nil, func() error { return cfg.OnAppStateSync(ctx, e, c.AppStateSync) })
	case c.MessageEchoes != nil && cfg.OnMessageEcho != nil:
		taken = true
		v := c.MessageEchoes
		for k := range v.MessageEchoes {
			m := &v.MessageEchoes[k]
			echo := MessageEcho{WABAID: e.ID, PhoneNumberID: v.Metadata.PhoneNumberID,
				DisplayPhoneNumber: v.Metadata.DisplayPhoneNumber, Message: m}
			d.once(c.Field, dedupKey("echo:", m.ID, ""), func() error { return cfg.OnMessageEcho(ctx, echo) })
		}
	}
	if !taken {
		run(cfg.OnChange != nil, func() error { return cfg.OnChange(ctx, e, c) })
	}
}

// dedupKey is prefix+id(+":"+suffix), or "" for an event without an id,
// which is then not deduplicated.
func dedupKey(prefix, id, suffix string) string {
	if id == "" {
		return ""
	}
	if suffix == "" {
		return prefix + id
	}
	return prefix + id + ":" + suffix
}

// once runs f for the event key unless it is done or in progress
// elsewhere, and records the outcome: done after success, released after
// a failure. A deduplicator that fails to claim is logged and the event
// processed: a duplicate is better than a loss.
func (d *dispatch) once(field WebhookField, key string, f func() error) {
	if key == "" {
		d.call(field, "", f)
		return
	}
	h := d.h
	dd := h.cfg.Deduplicator
	d.ensureOwner()
	var state DedupState
	var err error
	state, pre := d.preclaimed(key)
	if !pre {
		state, err = dd.Claim(d.ctx, key, d.owner, h.cfg.DedupLease)
	}
	switch {
	case err != nil:
		h.log.WarnContext(d.ctx, "webhook deduplication failed; processing the event", "key", key, "error", err)
	case state == DedupDone:
		return
	case state == DedupInProgress:
		if slices.Contains(d.claimed, key) {
			return // the same event twice in one delivery: its first copy decides
		}
		h.log.InfoContext(d.ctx, "webhook event in progress elsewhere; asking Meta to retry", "key", key)
		d.errs = append(d.errs, &WebhookCallbackError{Field: field, Key: key, Err: ErrWebhookEventInProgress})
		return
	}
	d.claimed = append(d.claimed, key)
	ok := d.call(field, key, f)
	if ok && d.batch != nil {
		d.done = append(d.done, key)
		return
	}
	settleClaim(d.ctx, h.log, "webhook", dd, key, d.owner, h.cfg.DedupLease, ok)
}

// call runs one callback, turning a panic into an error, and records a
// failure. It reports whether f succeeded.
func (d *dispatch) call(field WebhookField, key string, f func() error) bool {
	err := runCallback(f)
	if err == nil {
		return true
	}
	if pe, panicked := err.(*WebhookPanicError); panicked {
		d.h.log.ErrorContext(d.ctx, "webhook callback panicked", "field", string(field), "key", key,
			"panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
	} else {
		d.h.log.ErrorContext(d.ctx, "webhook callback failed", "field", string(field), "key", key, "error", err)
	}
	d.errs = append(d.errs, &WebhookCallbackError{Field: field, Key: key, Err: err})
	return false
}

// String describes the handler without its secrets.
func (h *WebhookHandler) String() string {
	return "wabsp.WebhookHandler{app_secrets: " + strconv.Itoa(len(h.secrets)) + ", max_body_bytes: " +
		strconv.FormatInt(h.cfg.MaxBodyBytes, 10) + "}"
}
