package wabsp

import (
	"encoding/json"
	"time"
)

// The webhook fields of coexistence: a business that keeps using the
// WhatsApp Business app on a number onboarded to the Cloud API. After
// onboarding, StartCoexistenceSync asks Meta to send the app's contacts
// (smb_app_state_sync) and up to six months of chat history (history);
// from then on every message the business sends from the app arrives as
// smb_message_echoes. See Meta's "Onboarding WhatsApp Business app users"
// page and the webhooks reference for each field.

// HistoryValue is the value of a history change: chunks of the chats the
// business had in the WhatsApp Business app, or the business declining to
// share them.
type HistoryValue struct {
	MessagingProduct string                     `json:"messaging_product,omitempty"`
	Metadata         WebhookMetadata            `json:"metadata"`
	History          []HistoryChunk             `json:"history,omitempty"`
	Extra            map[string]json.RawMessage `json:"extra,omitempty"`
}

// HistoryChunk is one chunk of the history sync. Phase runs 0 to 2 (the
// last day, the last 90 days, the last 180 days); Progress is a percentage
// of the whole sync. Errors is set instead of Threads when the sync failed
// or was declined (see Declined).
type HistoryChunk struct {
	Phase      int64                      `json:"phase"`
	ChunkOrder int64                      `json:"chunk_order"`
	Progress   int64                      `json:"progress"`
	Threads    []HistoryThread            `json:"threads,omitempty"`
	Errors     []WebhookError             `json:"errors,omitempty"`
	Extra      map[string]json.RawMessage `json:"extra,omitempty"`
}

// ErrorCodeHistoryDeclined is the code of the error a history chunk carries
// when the business chose not to share its chat history.
const ErrorCodeHistoryDeclined = 2593109

// Declined reports whether the business declined to share its history.
func (c *HistoryChunk) Declined() bool {
	for _, e := range c.Errors {
		if e.Code == ErrorCodeHistoryDeclined {
			return true
		}
	}
	return false
}

// HistoryThread is one chat of the history: ID is the customer's phone
// number. Its messages were sent by the customer (From is the customer) or
// by the business (From is the business's number, To the customer); the
// status the message had in the app is in Extra["history_context"].
type HistoryThread struct {
	ID       string                     `json:"id"`
	Messages []Message                  `json:"messages,omitempty"`
	Extra    map[string]json.RawMessage `json:"extra,omitempty"`
}

// AppStateSyncValue is the value of an smb_app_state_sync change: contacts
// of the WhatsApp Business app, added or removed.
type AppStateSyncValue struct {
	MessagingProduct string                     `json:"messaging_product,omitempty"`
	Metadata         WebhookMetadata            `json:"metadata"`
	StateSync        []StateSyncItem            `json:"state_sync,omitempty"`
	Extra            map[string]json.RawMessage `json:"extra,omitempty"`
}

// StateSyncItem is one change of the app's state. Type is "contact" (the
// only type documented); Action is "add" or "remove".
type StateSyncItem struct {
	Type    string         `json:"type"`
	Action  string         `json:"action"`
	Contact *SyncedContact `json:"contact,omitempty"`
	// Timestamp is when the change happened in the app.
	Timestamp time.Time                  `json:"timestamp,omitzero"`
	Extra     map[string]json.RawMessage `json:"extra,omitempty"`
}

// SyncedContact is a contact of the WhatsApp Business app.
type SyncedContact struct {
	FullName    string                     `json:"full_name,omitempty"`
	FirstName   string                     `json:"first_name,omitempty"`
	PhoneNumber string                     `json:"phone_number"`
	Extra       map[string]json.RawMessage `json:"extra,omitempty"`
}

// MessageEchoesValue is the value of an smb_message_echoes change: messages
// the business sent from the WhatsApp Business app. Each message's From is
// the business's number and To the customer.
type MessageEchoesValue struct {
	MessagingProduct string                     `json:"messaging_product,omitempty"`
	Metadata         WebhookMetadata            `json:"metadata"`
	MessageEchoes    []Message                  `json:"message_echoes,omitempty"`
	Extra            map[string]json.RawMessage `json:"extra,omitempty"`
}

// MessageEcho is one message the business sent from the WhatsApp Business
// app, with where it was sent from, as WebhookConfig.OnMessageEcho gets it.
type MessageEcho struct {
	WABAID             string   `json:"waba_id"`
	PhoneNumberID      string   `json:"phone_number_id"`
	DisplayPhoneNumber string   `json:"display_phone_number,omitempty"`
	Message            *Message `json:"message"`
}

func (r *jsonReader) decodeHistory(v *HistoryValue) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "messaging_product":
			v.MessagingProduct = r.enum()
		case "metadata":
			r.decodeMetadata(&v.Metadata)
		case "history":
			v.History = decodeArray(r, (*jsonReader).decodeHistoryChunk)
		default:
			it.keep()
		}
	}
	v.Extra = it.extra
}

func (r *jsonReader) decodeHistoryChunk(c *HistoryChunk) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "metadata":
			start := r.mark()
			m := r.object()
			for m.next() {
				switch string(m.key) {
				case "phase":
					c.Phase = r.int64()
				case "chunk_order":
					c.ChunkOrder = r.int64()
				case "progress":
					c.Progress = r.int64()
				default:
					m.keep()
				}
			}
			if m.extra != nil {
				it.put(r.buf[start:r.pos])
			}
		case "threads":
			c.Threads = nil
			for arr := r.array(); arr.next(); {
				c.Threads = append(c.Threads, HistoryThread{})
				t := &c.Threads[len(c.Threads)-1]
				o := r.object()
				for o.next() {
					switch string(o.key) {
					case "id":
						t.ID = r.str()
					case "messages":
						t.Messages = r.decodeMessages()
					default:
						o.keep()
					}
				}
				t.Extra = o.extra
			}
		case "errors":
			c.Errors = r.decodeErrors()
		default:
			it.keep()
		}
	}
	c.Extra = it.extra
}

func (r *jsonReader) decodeMessages() []Message {
	return decodeArray(r, (*jsonReader).decodeMessage)
}

func (r *jsonReader) decodeAppStateSync(v *AppStateSyncValue) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "messaging_product":
			v.MessagingProduct = r.enum()
		case "metadata":
			r.decodeMetadata(&v.Metadata)
		case "state_sync":
			v.StateSync = decodeArray(r, (*jsonReader).decodeStateSyncItem)
		default:
			it.keep()
		}
	}
	v.Extra = it.extra
}

func (r *jsonReader) decodeStateSyncItem(s *StateSyncItem) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "type":
			s.Type = r.enum()
		case "action":
			s.Action = r.enum()
		case "contact":
			c := &SyncedContact{}
			o := r.object()
			for o.next() {
				switch string(o.key) {
				case "full_name":
					c.FullName = r.str()
				case "first_name":
					c.FirstName = r.str()
				case "phone_number":
					c.PhoneNumber = r.str()
				default:
					o.keep()
				}
			}
			c.Extra = o.extra
			s.Contact = c
		case "metadata":
			start := r.mark()
			m := r.object()
			for m.next() {
				if string(m.key) == "timestamp" {
					s.Timestamp = r.time()
				} else {
					m.keep()
				}
			}
			if m.extra != nil {
				it.put(r.buf[start:r.pos])
			}
		default:
			it.keep()
		}
	}
	s.Extra = it.extra
}

func (r *jsonReader) decodeMessageEchoes(v *MessageEchoesValue) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "messaging_product":
			v.MessagingProduct = r.enum()
		case "metadata":
			r.decodeMetadata(&v.Metadata)
		case "message_echoes":
			v.MessageEchoes = r.decodeMessages()
		default:
			it.keep()
		}
	}
	v.Extra = it.extra
}
