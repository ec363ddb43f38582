package wabsptest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// WithWebhookURL makes the sandbox send the webhooks Meta would send the
// app to url, signed with the app secret: account_update PARTNER_ADDED when
// Plivo onboards a WABA, and message_template_status_update when a template
// is reviewed. Each is delivered before the answer to the call that caused
// it, so a test sees it as soon as that call returns.
func WithWebhookURL(url string) Option {
	return func(s *Server) { s.webhookURL = url }
}

// WebhookDelivery is one webhook the sandbox sent on its own.
type WebhookDelivery struct {
	URL   string
	Field string
	Body  []byte
	// Status is the receiver's HTTP status, zero when the request failed.
	Status int
	Err    error
}

// WebhookDeliveries returns the webhooks sent because of WithWebhookURL, in
// order.
func (s *Server) WebhookDeliveries() []WebhookDelivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]WebhookDelivery(nil), s.deliveries...)
}

// webhookClient sends deliveries; a receiver that does not answer in time
// fails the delivery, as Meta's does.
var webhookClient = &http.Client{Timeout: 10 * time.Second}

// DeliverWebhook POSTs body to url as Meta delivers a webhook: JSON, signed
// in X-Hub-Signature-256 with the HMAC-SHA256 of the body keyed with the
// app secret. It returns the receiver's status code.
func (s *Server) DeliverWebhook(ctx context.Context, url string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	req.Header.Set("X-Hub-Signature-256", "sha256="+s.sign(body))
	resp, err := webhookClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// sign is the hex HMAC-SHA256 of body keyed with the app secret.
func (s *Server) sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(s.appSecret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

type outgoingWebhook struct {
	field string
	body  []byte
}

// queueWebhookLocked holds a webhook until flushWebhooks, which the handler
// that caused it calls once the lock is released.
func (s *Server) queueWebhookLocked(field string, body []byte) {
	if s.webhookURL != "" {
		s.outbox = append(s.outbox, outgoingWebhook{field: field, body: body})
	}
}

func (s *Server) queuePartnerAddedLocked(wb *waba) {
	s.queueWebhookLocked("account_update", PartnerAddedPayload(PartnerAddedEvent{
		WABAID: wb.id, OwnerBusinessID: wb.businessID, PartnerAppID: s.appID,
	}))
}

// flushWebhooks delivers the queued webhooks, one at a time, in order.
func (s *Server) flushWebhooks() {
	s.mu.Lock()
	out, url := s.outbox, s.webhookURL
	s.outbox = nil
	s.mu.Unlock()
	for _, o := range out {
		ctx, cancel := context.WithTimeout(context.Background(), webhookClient.Timeout)
		status, err := s.DeliverWebhook(ctx, url, o.body)
		cancel()
		s.mu.Lock()
		s.deliveries = append(s.deliveries, WebhookDelivery{URL: url, Field: o.field, Body: o.body, Status: status, Err: err})
		s.mu.Unlock()
	}
}

// thenDeliverWebhooks runs h, then delivers what it queued.
func (s *Server) thenDeliverWebhooks(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h(w, r)
		s.flushWebhooks()
	}
}

// envelope wraps one change in the body Meta posts.
func envelope(wabaID string, at time.Time, field string, value any) []byte {
	if at.IsZero() {
		at = time.Now()
	}
	b, err := json.Marshal(map[string]any{
		"object": "whatsapp_business_account",
		"entry": []any{map[string]any{
			"id": wabaID, "time": at.Unix(),
			"changes": []any{map[string]any{"field": field, "value": value}},
		}},
	})
	if err != nil {
		panic("wabsptest: " + err.Error())
	}
	return b
}

// TemplateStatusEvent describes a message_template_status_update.
type TemplateStatusEvent struct {
	WABAID     string
	TemplateID string // numeric; sent as a JSON number, as Meta does
	Name       string
	Language   string
	Category   string
	// Event is the new status: APPROVED, REJECTED, PAUSED, DISABLED, ...
	Event string
	// Reason is NONE or why the template was rejected.
	Reason string
	Time   time.Time
}

// TemplateStatusUpdatePayload builds the webhook body of a template status
// change.
func TemplateStatusUpdatePayload(e TemplateStatusEvent) []byte {
	reason := e.Reason
	if reason == "" {
		reason = "NONE"
	}
	value := map[string]any{
		// A json.Number keeps an id past 2^53 exact.
		"event": e.Event, "message_template_id": json.Number(e.TemplateID),
		"message_template_name": e.Name, "message_template_language": e.Language, "reason": reason,
	}
	if e.Category != "" {
		value["message_template_category"] = e.Category
	}
	return envelope(e.WABAID, e.Time, "message_template_status_update", value)
}

// PartnerAddedEvent describes the account_update Meta sends a Tech Provider
// when a customer's Embedded Signup finished.
type PartnerAddedEvent struct {
	WABAID          string
	OwnerBusinessID string
	PartnerAppID    string
	Time            time.Time
}

// PartnerAddedPayload builds the webhook body of an account_update
// PARTNER_ADDED.
func PartnerAddedPayload(e PartnerAddedEvent) []byte {
	info := map[string]any{"waba_id": e.WABAID, "owner_business_id": e.OwnerBusinessID}
	if e.PartnerAppID != "" {
		info["partner_app_id"] = e.PartnerAppID
	}
	return envelope(e.WABAID, e.Time, "account_update", map[string]any{"event": "PARTNER_ADDED", "waba_info": info})
}

// QualityUpdateEvent describes a phone_number_quality_update.
type QualityUpdateEvent struct {
	WABAID             string
	DisplayPhoneNumber string
	// Event is ONBOARDING, THROUGHPUT_UPGRADE, or one of the older FLAGGED,
	// UNFLAGGED, UPGRADE, DOWNGRADE.
	Event string
	// OldLimit and CurrentLimit are tiers such as TIER_250; empty ones are
	// left out.
	OldLimit, CurrentLimit string
	Time                   time.Time
}

// PhoneNumberQualityUpdatePayload builds the webhook body of a phone number
// quality or limit change.
func PhoneNumberQualityUpdatePayload(e QualityUpdateEvent) []byte {
	value := map[string]any{"display_phone_number": e.DisplayPhoneNumber, "event": e.Event}
	if e.OldLimit != "" {
		value["old_limit"] = e.OldLimit
	}
	if e.CurrentLimit != "" {
		value["current_limit"] = e.CurrentLimit
	}
	return envelope(e.WABAID, e.Time, "phone_number_quality_update", value)
}

// InboundTextEvent describes a text message a customer sent the business.
type InboundTextEvent struct {
	WABAID             string
	PhoneNumberID      string
	DisplayPhoneNumber string
	// From is the customer's WhatsApp id (their number in digits).
	From        string
	ProfileName string
	// MessageID is the wamid; a random one when empty.
	MessageID string
	Text      string
	Time      time.Time
}

// InboundTextPayload builds the messages webhook body of an inbound text.
func InboundTextPayload(e InboundTextEvent) []byte {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	if e.MessageID == "" {
		e.MessageID = "wamid.HBgL" + randomHex(16)
	}
	value := map[string]any{
		"messaging_product": "whatsapp",
		"metadata":          map[string]string{"display_phone_number": digits(e.DisplayPhoneNumber), "phone_number_id": e.PhoneNumberID},
		"contacts":          []any{map[string]any{"profile": map[string]string{"name": e.ProfileName}, "wa_id": e.From}},
		"messages": []any{map[string]any{
			"from": e.From, "id": e.MessageID, "timestamp": fmt.Sprint(e.Time.Unix()), "type": "text",
			"text": map[string]string{"body": e.Text},
		}},
	}
	return envelope(e.WABAID, e.Time, "messages", value)
}

// InboundTextTo builds the messages webhook of a text from a customer to
// one of the sandbox's numbers, with its WABA and display number filled in.
func (s *Server) InboundTextTo(phoneNumberID, from, text string) []byte {
	s.mu.Lock()
	e := InboundTextEvent{PhoneNumberID: phoneNumberID, From: from, ProfileName: "Sandbox Customer", Text: text}
	if p := s.numbers[phoneNumberID]; p != nil {
		e.WABAID, e.DisplayPhoneNumber = p.wabaID, p.display
	}
	s.mu.Unlock()
	return InboundTextPayload(e)
}

// digits keeps the digits of a display number: metadata carries
// "15550100199", not "+1 555-010-0199".
func digits(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}
