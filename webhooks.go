package wabsp

import (
	"bytes"
	"encoding/json"
	"time"
)

// Webhook is one decoded delivery of Meta's WhatsApp Business Account
// webhook: the body of one POST to the callback URL.
//
// Decoding is lenient: a member this SDK does not know, or a known member
// whose value has an unexpected type, is kept as raw JSON in the Extra map of
// the struct it appears in, and the rest still decodes. Only a body that is
// not well-formed JSON, or not a JSON object, is an error. A small nested
// object that has no Extra of its own (a contact's profile, an error's
// error_data, a conversation's origin, an alert's alert_info, a template's
// disable, other or rejection info) is kept whole under its name in the
// parent's Extra when it has a member this SDK does not know.
type Webhook struct {
	// Object is "whatsapp_business_account". Some of Meta's samples omit it,
	// so an empty Object is not an error.
	Object string `json:"object,omitempty"`
	// Entries holds one entry per WhatsApp Business Account.
	Entries []WebhookEntry `json:"entry"`
	// Extra holds members this SDK does not know, as raw JSON.
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// WebhookObjectWABA is the Object of WhatsApp Business Account webhooks.
const WebhookObjectWABA = "whatsapp_business_account"

// WebhookEntry groups the changes of one WhatsApp Business Account.
type WebhookEntry struct {
	// ID is the WhatsApp Business Account id (for account_update and some
	// others, the business's id as Meta documents per field).
	ID string `json:"id"`
	// Time is when Meta sent the entry, where it says.
	Time time.Time `json:"time,omitzero"`
	// Changes holds the changes in the order Meta sent them.
	Changes []WebhookChange `json:"changes"`
	// Extra holds members this SDK does not know, as raw JSON.
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// WebhookField names the subscription field a change belongs to.
type WebhookField string

// The webhook fields this SDK decodes into typed values. Any other field is
// kept as raw JSON in WebhookChange.Raw.
const (
	FieldMessages                 WebhookField = "messages"
	FieldTemplateStatusUpdate     WebhookField = "message_template_status_update"
	FieldTemplateQualityUpdate    WebhookField = "message_template_quality_update"
	FieldTemplateCategoryUpdate   WebhookField = "template_category_update"
	FieldPhoneNumberQualityUpdate WebhookField = "phone_number_quality_update"
	FieldPhoneNumberNameUpdate    WebhookField = "phone_number_name_update"
	FieldAccountUpdate            WebhookField = "account_update"
	FieldAccountReviewUpdate      WebhookField = "account_review_update"
	FieldAccountAlerts            WebhookField = "account_alerts"
	FieldBusinessCapabilityUpdate WebhookField = "business_capability_update"
	FieldSecurity                 WebhookField = "security"
	FieldHistory                  WebhookField = "history"
	FieldSMBAppStateSync          WebhookField = "smb_app_state_sync"
	FieldSMBMessageEchoes         WebhookField = "smb_message_echoes"
)

// WebhookChange is one change: its field and the typed value for that
// field. Exactly one of the pointers is set for a known field whose value is
// an object; for any other field, or a value that is not an object, Raw
// holds the value as sent.
type WebhookChange struct {
	Field WebhookField `json:"field"`

	Messages           *MessagesValue            `json:"messages,omitempty"`
	TemplateStatus     *TemplateStatusUpdate     `json:"message_template_status_update,omitempty"`
	TemplateQuality    *TemplateQualityUpdate    `json:"message_template_quality_update,omitempty"`
	TemplateCategory   *TemplateCategoryUpdate   `json:"template_category_update,omitempty"`
	PhoneNumberQuality *PhoneNumberQualityUpdate `json:"phone_number_quality_update,omitempty"`
	PhoneNumberName    *PhoneNumberNameUpdate    `json:"phone_number_name_update,omitempty"`
	AccountUpdate      *AccountUpdate            `json:"account_update,omitempty"`
	AccountReview      *AccountReviewUpdate      `json:"account_review_update,omitempty"`
	AccountAlert       *AccountAlert             `json:"account_alerts,omitempty"`
	BusinessCapability *BusinessCapabilityUpdate `json:"business_capability_update,omitempty"`
	Security           *SecurityUpdate           `json:"security,omitempty"`
	History            *HistoryValue             `json:"history,omitempty"`
	AppStateSync       *AppStateSyncValue        `json:"smb_app_state_sync,omitempty"`
	MessageEchoes      *MessageEchoesValue       `json:"smb_message_echoes,omitempty"`

	// Raw is the value of a field this SDK does not decode, or a value that
	// is not an object.
	Raw json.RawMessage `json:"raw,omitempty"`
	// Extra holds members of the change this SDK does not know.
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// Known reports whether the change's field is one this SDK decodes.
func (c *WebhookChange) Known() bool {
	switch c.Field {
	case FieldMessages, FieldTemplateStatusUpdate, FieldTemplateQualityUpdate, FieldTemplateCategoryUpdate,
		FieldPhoneNumberQualityUpdate, FieldPhoneNumberNameUpdate, FieldAccountUpdate, FieldAccountReviewUpdate,
		FieldAccountAlerts, FieldBusinessCapabilityUpdate, FieldSecurity, FieldHistory, FieldSMBAppStateSync,
		FieldSMBMessageEchoes:
		return true
	}
	return false
}

// DecodeWebhook decodes a delivery's raw body. It does not check the
// signature: call VerifyWebhookSignature first, or let WebhookHandler do
// both. The result does not alias body. Its strings share a few
// allocations of at most 32 KB each: one kept string keeps its chunk alive,
// so strings.Clone the few you keep for long from a large delivery.
func DecodeWebhook(body []byte) (*Webhook, error) {
	// The reader escapes (its methods recurse), so it shares one
	// allocation with the result; it is cleared before returning, so the
	// Webhook keeps neither the body nor the reader's buffers alive.
	d := &struct {
		w Webhook
		r jsonReader
	}{r: jsonReader{buf: body}}
	w, r := &d.w, &d.r
	defer func() { *r = jsonReader{} }()
	if r.ws() != '{' {
		if r.pos >= len(body) {
			return nil, &WebhookSyntaxError{Offset: r.pos, Msg: "empty body"}
		}
		r.skip()
		if r.err != nil {
			return nil, r.err
		}
		return nil, &WebhookSyntaxError{Offset: 0, Msg: "top level is not a JSON object"}
	}
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "object":
			w.Object = r.enum()
		case "entry":
			w.Entries = r.decodeEntries()
		default:
			it.keep()
		}
	}
	w.Extra = it.extra
	// Compared by position, not by ws() returning 0: a trailing NUL byte is
	// garbage like any other.
	if r.ws(); r.err == nil && r.pos < len(r.buf) {
		r.fail("unexpected data after the top-level object")
	}
	if r.err != nil {
		return nil, r.err
	}
	return w, nil
}

func (r *jsonReader) decodeEntries() []WebhookEntry {
	var out []WebhookEntry
	for arr := r.array(); arr.next(); {
		out = append(out, WebhookEntry{})
		e := &out[len(out)-1]
		it := r.object()
		for it.next() {
			switch string(it.key) {
			case "id":
				e.ID = r.str()
			case "time":
				e.Time = r.time()
			case "changes":
				e.Changes = decodeArray(r, (*jsonReader).decodeChange)
			default:
				it.keep()
			}
		}
		e.Extra = it.extra
	}
	return out
}

func (r *jsonReader) decodeChange(c *WebhookChange) {
	// The value is decoded in one pass. When "field" came first (or the
	// value is not an object) it is decoded where it stands. Meta sends
	// "value" before "field", so a value that opens with
	// "messaging_product" (every messages value does) is decoded in place
	// as messages, a guess checked once the field is known; any other value
	// is only bracket-matched (skipSpan: no validation, no decoding), and so
	// is the rest of a guessed value from its first member that messages
	// values do not have. A value decoded under a wrong guess, or not
	// decoded whole, is decoded once, validating, when the change ends; so
	// is a repeated "value" or "field" when the one decoded in place is not
	// the last pair.
	var (
		fieldSeen         bool
		valueAt, valueEnd = -1, -1
		decodedAt         = -1
		decodedAs         WebhookField
	)
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "field":
			c.Field = WebhookField(r.enum())
			fieldSeen = true
		case "value":
			valueAt = r.mark()
			as := c.Field
			if !fieldSeen {
				as = r.guessValueField()
			}
			if fieldSeen || as != "" {
				field := c.Field
				c.resetValue()
				c.Field = as
				r.guessing = !fieldSeen
				r.decodeChangeValue(c)
				r.guessing = false
				c.Field = field
				decodedAt, decodedAs = valueAt, as
				if r.guessMissed {
					r.guessMissed = false
					decodedAt = -1
				}
			} else {
				r.skipSpan()
			}
			valueEnd = r.pos
		default:
			it.keep()
		}
	}
	c.Extra = it.extra
	if valueAt < 0 || r.err != nil || (decodedAt == valueAt && decodedAs == c.Field) {
		return
	}
	end := r.pos
	r.pos = valueAt
	c.resetValue()
	r.decodeChangeValue(c)
	// skipSpan only matched brackets: the value's bytes are valid JSON only
	// if the validating decode ends exactly where the span ended.
	if r.err == nil && r.pos != valueEnd {
		r.fail("invalid value")
	}
	if r.err == nil {
		r.pos = end
	}
}

// guessValueField returns FieldMessages when the value at pos is an object
// whose first member is "messaging_product", as in every messages value,
// and "" otherwise. It reads ahead without moving.
func (r *jsonReader) guessValueField() WebhookField {
	const opening = `"messaging_product"`
	if r.ws() != '{' {
		return ""
	}
	at := r.pos
	r.pos++
	r.ws()
	first := r.pos
	r.pos = at
	if bytes.HasPrefix(r.buf[first:], []byte(opening)) {
		return FieldMessages
	}
	return ""
}

// decodeChangeValue decodes the value at pos: an object for a known field
// into its typed struct, anything else raw.
func (r *jsonReader) decodeChangeValue(c *WebhookChange) {
	if r.ws() == '{' {
		r.decodeValue(c)
	} else {
		c.Raw = r.raw()
	}
}

// resetValue forgets a value decoded earlier: a repeated "value" replaces it.
func (c *WebhookChange) resetValue() {
	*c = WebhookChange{Field: c.Field, Extra: c.Extra}
}

func (r *jsonReader) decodeValue(c *WebhookChange) {
	switch c.Field {
	case FieldMessages:
		c.Messages = &MessagesValue{}
		r.decodeMessagesValue(c.Messages)
	case FieldTemplateStatusUpdate:
		c.TemplateStatus = &TemplateStatusUpdate{}
		r.decodeTemplateStatus(c.TemplateStatus)
	case FieldTemplateQualityUpdate:
		c.TemplateQuality = &TemplateQualityUpdate{}
		r.decodeTemplateQuality(c.TemplateQuality)
	case FieldTemplateCategoryUpdate:
		c.TemplateCategory = &TemplateCategoryUpdate{}
		r.decodeTemplateCategory(c.TemplateCategory)
	case FieldPhoneNumberQualityUpdate:
		c.PhoneNumberQuality = &PhoneNumberQualityUpdate{}
		r.decodePhoneNumberQuality(c.PhoneNumberQuality)
	case FieldPhoneNumberNameUpdate:
		c.PhoneNumberName = &PhoneNumberNameUpdate{}
		r.decodePhoneNumberName(c.PhoneNumberName)
	case FieldAccountUpdate:
		c.AccountUpdate = &AccountUpdate{}
		r.decodeAccountUpdate(c.AccountUpdate)
	case FieldAccountReviewUpdate:
		c.AccountReview = &AccountReviewUpdate{}
		r.decodeAccountReview(c.AccountReview)
	case FieldAccountAlerts:
		c.AccountAlert = &AccountAlert{}
		r.decodeAccountAlert(c.AccountAlert)
	case FieldBusinessCapabilityUpdate:
		c.BusinessCapability = &BusinessCapabilityUpdate{}
		r.decodeBusinessCapability(c.BusinessCapability)
	case FieldSecurity:
		c.Security = &SecurityUpdate{}
		r.decodeSecurity(c.Security)
	case FieldHistory:
		c.History = &HistoryValue{}
		r.decodeHistory(c.History)
	case FieldSMBAppStateSync:
		c.AppStateSync = &AppStateSyncValue{}
		r.decodeAppStateSync(c.AppStateSync)
	case FieldSMBMessageEchoes:
		c.MessageEchoes = &MessageEchoesValue{}
		r.decodeMessageEchoes(c.MessageEchoes)
	default:
		c.Raw = r.raw()
	}
}
