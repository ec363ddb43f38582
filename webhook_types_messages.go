package wabsp

import (
	"encoding/json"
	"time"
)

// MessagesValue is the value of a "messages" change: inbound messages,
// status updates of outbound ones, or errors, for one business phone number.
type MessagesValue struct {
	MessagingProduct string           `json:"messaging_product,omitempty"`
	Metadata         WebhookMetadata  `json:"metadata"`
	Contacts         []WebhookContact `json:"contacts,omitempty"`
	Messages         []Message        `json:"messages,omitempty"`
	Statuses         []Status         `json:"statuses,omitempty"`
	// Errors are value-level errors Meta could not tie to a message.
	Errors []WebhookError             `json:"errors,omitempty"`
	Extra  map[string]json.RawMessage `json:"extra,omitempty"`
}

// WebhookMetadata names the business phone number a messages change is for.
type WebhookMetadata struct {
	DisplayPhoneNumber string                     `json:"display_phone_number,omitempty"`
	PhoneNumberID      string                     `json:"phone_number_id"`
	Extra              map[string]json.RawMessage `json:"extra,omitempty"`
}

// WebhookContact is the customer who sent the messages of a change. Since
// April 2026 a contact also carries its business-scoped user id (BSUID);
// a user who set a WhatsApp username may have a UserID and no WaID.
type WebhookContact struct {
	Profile struct {
		Name string `json:"name,omitempty"`
		// Username is the user's WhatsApp username, if they set one.
		Username string `json:"username,omitempty"`
	} `json:"profile"`
	WaID string `json:"wa_id,omitempty"`
	// UserID is the user's BSUID; ParentUserID the parent BSUID shared
	// across the portfolios of a managed business, if any.
	UserID       string                     `json:"user_id,omitempty"`
	ParentUserID string                     `json:"parent_user_id,omitempty"`
	Extra        map[string]json.RawMessage `json:"extra,omitempty"`
}

// MessageType is the type of an inbound message. Values Meta adds later are
// kept as sent; the message's body for them is in Message.Extra under the
// type's name.
type MessageType string

// The inbound message types Meta documents.
const (
	MessageTypeText        MessageType = "text"
	MessageTypeImage       MessageType = "image"
	MessageTypeAudio       MessageType = "audio"
	MessageTypeVideo       MessageType = "video"
	MessageTypeDocument    MessageType = "document"
	MessageTypeSticker     MessageType = "sticker"
	MessageTypeLocation    MessageType = "location"
	MessageTypeContacts    MessageType = "contacts"
	MessageTypeInteractive MessageType = "interactive"
	MessageTypeButton      MessageType = "button"
	MessageTypeReaction    MessageType = "reaction"
	MessageTypeOrder       MessageType = "order"
	MessageTypeSystem      MessageType = "system"
	MessageTypeRequest     MessageType = "request_welcome"
	MessageTypeUnsupported MessageType = "unsupported"
)

// Message is one inbound message. The pointer matching Type is set; a
// message that came from an ad also has Referral. From is empty for a user
// known only by username: FromUserID (the BSUID) is then the sender.
type Message struct {
	From string `json:"from,omitempty"`
	// To is set on messages the business sent: echoes and history.
	To               string      `json:"to,omitempty"`
	FromUserID       string      `json:"from_user_id,omitempty"`
	FromParentUserID string      `json:"from_parent_user_id,omitempty"`
	ID               string      `json:"id"`
	Timestamp        time.Time   `json:"timestamp"`
	Type             MessageType `json:"type"`

	Context     *MessageContext            `json:"context,omitempty"`
	Text        *TextContent               `json:"text,omitempty"`
	Image       *Media                     `json:"image,omitempty"`
	Audio       *Media                     `json:"audio,omitempty"`
	Video       *Media                     `json:"video,omitempty"`
	Document    *Media                     `json:"document,omitempty"`
	Sticker     *Media                     `json:"sticker,omitempty"`
	Location    *Location                  `json:"location,omitempty"`
	Contacts    []SharedContact            `json:"contacts,omitempty"`
	Interactive *InteractiveReply          `json:"interactive,omitempty"`
	Button      *ButtonReply               `json:"button,omitempty"`
	Reaction    *Reaction                  `json:"reaction,omitempty"`
	Order       *Order                     `json:"order,omitempty"`
	System      *SystemMessage             `json:"system,omitempty"`
	Referral    *Referral                  `json:"referral,omitempty"`
	Errors      []WebhookError             `json:"errors,omitempty"`
	Extra       map[string]json.RawMessage `json:"extra,omitempty"`
}

// MessageContext is set on replies, forwarded messages and product
// enquiries.
type MessageContext struct {
	From                string `json:"from,omitempty"`
	ID                  string `json:"id,omitempty"`
	Forwarded           bool   `json:"forwarded,omitempty"`
	FrequentlyForwarded bool   `json:"frequently_forwarded,omitempty"`
	// ReferredProduct is set when the customer asked about a catalog
	// product.
	ReferredProduct *ReferredProduct           `json:"referred_product,omitempty"`
	Extra           map[string]json.RawMessage `json:"extra,omitempty"`
}

// ReferredProduct is the catalog product a message refers to.
type ReferredProduct struct {
	CatalogID         string                     `json:"catalog_id,omitempty"`
	ProductRetailerID string                     `json:"product_retailer_id,omitempty"`
	Extra             map[string]json.RawMessage `json:"extra,omitempty"`
}

// TextContent is the body of a text message.
type TextContent struct {
	Body  string                     `json:"body"`
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// Media is an image, audio, video, document or sticker. Download it with
// its ID through the Graph media endpoint.
type Media struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
	URL      string `json:"url,omitempty"`
	// Voice is set on audio recorded in WhatsApp.
	Voice bool `json:"voice,omitempty"`
	// Animated is set on animated stickers.
	Animated bool                       `json:"animated,omitempty"`
	Extra    map[string]json.RawMessage `json:"extra,omitempty"`
}

// Location is a shared location.
type Location struct {
	Latitude  float64                    `json:"latitude"`
	Longitude float64                    `json:"longitude"`
	Name      string                     `json:"name,omitempty"`
	Address   string                     `json:"address,omitempty"`
	URL       string                     `json:"url,omitempty"`
	Extra     map[string]json.RawMessage `json:"extra,omitempty"`
}

// SharedContact is one contact card of a contacts message. Its lists are
// kept as decoded maps of strings, since Meta's card fields vary.
type SharedContact struct {
	Name      map[string]string          `json:"name,omitempty"`
	Birthday  string                     `json:"birthday,omitempty"`
	Org       map[string]string          `json:"org,omitempty"`
	Phones    []map[string]string        `json:"phones,omitempty"`
	Emails    []map[string]string        `json:"emails,omitempty"`
	Addresses []map[string]string        `json:"addresses,omitempty"`
	URLs      []map[string]string        `json:"urls,omitempty"`
	Extra     map[string]json.RawMessage `json:"extra,omitempty"`
}

// InteractiveReply is the customer's answer to an interactive message.
// Type says which of the replies is set: "button_reply", "list_reply" or
// "nfm_reply" (a WhatsApp Flow's response).
type InteractiveReply struct {
	Type        string                     `json:"type"`
	ButtonReply *InteractiveChoice         `json:"button_reply,omitempty"`
	ListReply   *InteractiveChoice         `json:"list_reply,omitempty"`
	NFMReply    *FlowReply                 `json:"nfm_reply,omitempty"`
	Extra       map[string]json.RawMessage `json:"extra,omitempty"`
}

// InteractiveChoice is the button or list row a customer chose: the id and
// title the business gave it (Description only for list rows).
type InteractiveChoice struct {
	ID          string                     `json:"id"`
	Title       string                     `json:"title,omitempty"`
	Description string                     `json:"description,omitempty"`
	Extra       map[string]json.RawMessage `json:"extra,omitempty"`
}

// FlowReply is a WhatsApp Flow's response.
type FlowReply struct {
	Name string `json:"name,omitempty"`
	Body string `json:"body,omitempty"`
	// ResponseJSON is the Flow's response, a JSON document in a string.
	ResponseJSON string                     `json:"response_json,omitempty"`
	Extra        map[string]json.RawMessage `json:"extra,omitempty"`
}

// ButtonReply is a tap on a quick-reply button of a template message.
type ButtonReply struct {
	Payload string                     `json:"payload,omitempty"`
	Text    string                     `json:"text,omitempty"`
	Extra   map[string]json.RawMessage `json:"extra,omitempty"`
}

// Reaction is an emoji reaction to a message; an empty Emoji removes one.
type Reaction struct {
	MessageID string                     `json:"message_id"`
	Emoji     string                     `json:"emoji,omitempty"`
	Extra     map[string]json.RawMessage `json:"extra,omitempty"`
}

// Order is a cart sent from a catalog.
type Order struct {
	CatalogID    string                     `json:"catalog_id"`
	Text         string                     `json:"text,omitempty"`
	ProductItems []OrderItem                `json:"product_items,omitempty"`
	Extra        map[string]json.RawMessage `json:"extra,omitempty"`
}

// OrderItem is one line of an Order.
type OrderItem struct {
	ProductRetailerID string                     `json:"product_retailer_id"`
	Quantity          int64                      `json:"quantity"`
	ItemPrice         float64                    `json:"item_price"`
	Currency          string                     `json:"currency"`
	Extra             map[string]json.RawMessage `json:"extra,omitempty"`
}

// SystemMessage reports a change on the customer's side: a new phone
// number (Type "user_changed_number", with the new number) or a new
// business-scoped user id (Type "user_changed_user_id", with the previous
// ids and no phone number). See Meta's system messages webhook reference,
// developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system/.
type SystemMessage struct {
	Body     string `json:"body,omitempty"`
	Type     string `json:"type,omitempty"`
	WaID     string `json:"wa_id,omitempty"`
	NewWaID  string `json:"new_wa_id,omitempty"`
	Identity string `json:"identity,omitempty"`
	Customer string `json:"customer,omitempty"`
	// UserID and ParentUserID are the customer's new BSUID and parent
	// BSUID where the message names them; PreviousUserID and
	// PreviousParentUserID the ones they replace.
	UserID               string                     `json:"user_id,omitempty"`
	ParentUserID         string                     `json:"parent_user_id,omitempty"`
	PreviousUserID       string                     `json:"previous_user_id,omitempty"`
	PreviousParentUserID string                     `json:"previous_parent_user_id,omitempty"`
	Extra                map[string]json.RawMessage `json:"extra,omitempty"`
}

// The system message types Meta documents.
const (
	SystemUserChangedNumber = "user_changed_number"
	SystemUserChangedUserID = "user_changed_user_id"
)

// Referral is set on a message a customer sent from a click-to-WhatsApp ad
// or post.
type Referral struct {
	SourceURL    string                     `json:"source_url,omitempty"`
	SourceID     string                     `json:"source_id,omitempty"`
	SourceType   string                     `json:"source_type,omitempty"`
	Headline     string                     `json:"headline,omitempty"`
	Body         string                     `json:"body,omitempty"`
	MediaType    string                     `json:"media_type,omitempty"`
	ImageURL     string                     `json:"image_url,omitempty"`
	VideoURL     string                     `json:"video_url,omitempty"`
	ThumbnailURL string                     `json:"thumbnail_url,omitempty"`
	CtwaClid     string                     `json:"ctwa_clid,omitempty"`
	Extra        map[string]json.RawMessage `json:"extra,omitempty"`
}

// WebhookError is an error reported in a webhook: on a failed status, on an
// unsupported message, or for a whole value.
type WebhookError struct {
	Code      int64  `json:"code"`
	Title     string `json:"title,omitempty"`
	Message   string `json:"message,omitempty"`
	ErrorData struct {
		Details string `json:"details,omitempty"`
	} `json:"error_data"`
	Href  string                     `json:"href,omitempty"`
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// StatusKind is the delivery state a status reports.
type StatusKind string

// The statuses Meta documents. Values it adds later are kept as sent.
const (
	StatusSent      StatusKind = "sent"
	StatusDelivered StatusKind = "delivered"
	StatusRead      StatusKind = "read"
	StatusFailed    StatusKind = "failed"
	StatusPlayed    StatusKind = "played"
	StatusDeleted   StatusKind = "deleted"
)

// Status is a delivery status of an outbound message.
type Status struct {
	// ID is the wamid of the message the status is about.
	ID        string     `json:"id"`
	Status    StatusKind `json:"status"`
	Timestamp time.Time  `json:"timestamp"`
	// RecipientID is the recipient's phone number, empty for a user known
	// only by username.
	RecipientID string `json:"recipient_id,omitempty"`
	// RecipientUserID is the recipient's BSUID, RecipientParentUserID its
	// parent BSUID (read from recipient_parent_user_id or, as Meta spelled
	// it for a while, parent_recipient_user_id).
	RecipientUserID       string                     `json:"recipient_user_id,omitempty"`
	RecipientParentUserID string                     `json:"recipient_parent_user_id,omitempty"`
	BizOpaqueCallbackData string                     `json:"biz_opaque_callback_data,omitempty"`
	Conversation          *Conversation              `json:"conversation,omitempty"`
	Pricing               *Pricing                   `json:"pricing,omitempty"`
	Errors                []WebhookError             `json:"errors,omitempty"`
	Extra                 map[string]json.RawMessage `json:"extra,omitempty"`
}

// Conversation is the conversation a status belongs to. Meta omits it from
// Graph v24 except in free entry point windows, so it is nil on most
// statuses.
type Conversation struct {
	ID                  string    `json:"id"`
	ExpirationTimestamp time.Time `json:"expiration_timestamp,omitzero"`
	Origin              struct {
		// Type is the conversation category, such as "marketing",
		// "utility", "authentication", "authentication_international"
		// (an underscore here, a hyphen in Pricing.Category), "service"
		// or "referral_conversion".
		Type string `json:"type,omitempty"`
	} `json:"origin"`
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// Pricing is how Meta bills a message, from a status's pricing object (see
// Status.Charge for what it means). Since 2025-07-01 Meta prices per
// message (PMP); statuses of earlier messages carry per-conversation
// pricing (CBP). Values Meta adds later are kept as sent.
type Pricing struct {
	// Billable is the field Meta deprecated with per-message pricing: read
	// Type instead. Kept because older statuses carry only it.
	Billable     bool         `json:"billable"`
	PricingModel PricingModel `json:"pricing_model,omitempty"`
	// Type is set under per-message pricing only.
	Type     PricingType                `json:"type,omitempty"`
	Category PricingCategory            `json:"category,omitempty"`
	Extra    map[string]json.RawMessage `json:"extra,omitempty"`
}

func (r *jsonReader) decodeMessagesValue(v *MessagesValue) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "messaging_product":
			v.MessagingProduct = r.enum()
		case "metadata":
			r.decodeMetadata(&v.Metadata)
		case "contacts":
			v.Contacts = decodeArray(r, (*jsonReader).decodeContact)
		case "messages":
			v.Messages = decodeArray(r, (*jsonReader).decodeMessage)
		case "statuses":
			v.Statuses = decodeArray(r, (*jsonReader).decodeStatus)
		case "errors":
			v.Errors = r.decodeErrors()
		default:
			if r.guessing {
				// A member messages values do not have: the value was only
				// guessed to be messages (see decodeChange). The rest is
				// skipped unread; the value is decoded once its field is
				// known.
				r.guessMissed = true
				for r.skipSpan(); it.next(); {
					r.skipSpan()
				}
				return
			}
			it.keep()
		}
	}
	v.Extra = it.extra
}

func (r *jsonReader) decodeMetadata(m *WebhookMetadata) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "display_phone_number":
			m.DisplayPhoneNumber = r.str()
		case "phone_number_id":
			m.PhoneNumberID = r.str()
		default:
			it.keep()
		}
	}
	m.Extra = it.extra
}

func (r *jsonReader) decodeContact(c *WebhookContact) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "profile":
			start := r.mark()
			p := r.object()
			for p.next() {
				switch string(p.key) {
				case "name":
					c.Profile.Name = r.str()
				case "username":
					c.Profile.Username = r.str()
				default:
					p.keep()
				}
			}
			if p.extra != nil {
				it.put(r.buf[start:r.pos])
			}
		case "wa_id":
			c.WaID = r.str()
		case "user_id":
			c.UserID = r.str()
		case "parent_user_id":
			c.ParentUserID = r.str()
		default:
			it.keep()
		}
	}
	c.Extra = it.extra
}

func (r *jsonReader) decodeErrors() []WebhookError {
	var out []WebhookError
	for arr := r.array(); arr.next(); {
		out = append(out, WebhookError{})
		e := &out[len(out)-1]
		it := r.object()
		for it.next() {
			switch string(it.key) {
			case "code":
				e.Code = r.int64()
			case "title":
				e.Title = r.str()
			case "message":
				e.Message = r.str()
			case "href":
				e.Href = r.str()
			case "error_data":
				start := r.mark()
				d := r.object()
				for d.next() {
					if string(d.key) == "details" {
						e.ErrorData.Details = r.str()
					} else {
						d.keep()
					}
				}
				if d.extra != nil {
					it.put(r.buf[start:r.pos])
				}
			default:
				it.keep()
			}
		}
		e.Extra = it.extra
	}
	return out
}

func (r *jsonReader) decodeStatus(s *Status) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "id":
			s.ID = r.str()
		case "status":
			s.Status = StatusKind(r.enum())
		case "timestamp":
			s.Timestamp = r.time()
		case "recipient_id":
			s.RecipientID = r.str()
		case "recipient_user_id":
			s.RecipientUserID = r.str()
		case "recipient_parent_user_id", "parent_recipient_user_id":
			s.RecipientParentUserID = r.str()
		case "biz_opaque_callback_data":
			s.BizOpaqueCallbackData = r.str()
		case "conversation":
			if r.ws() == 'n' {
				r.skip()
				continue
			}
			s.Conversation = slabOf(r, &r.conversations)
			r.decodeConversation(s.Conversation)
		case "pricing":
			if r.ws() == 'n' {
				r.skip()
				continue
			}
			s.Pricing = slabOf(r, &r.pricings)
			r.decodePricing(s.Pricing)
		case "errors":
			s.Errors = r.decodeErrors()
		default:
			it.keep()
		}
	}
	s.Extra = it.extra
}

func (r *jsonReader) decodeConversation(c *Conversation) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "id":
			c.ID = r.str()
		case "expiration_timestamp":
			c.ExpirationTimestamp = r.time()
		case "origin":
			start := r.mark()
			o := r.object()
			for o.next() {
				if string(o.key) == "type" {
					c.Origin.Type = r.enum()
				} else {
					o.keep()
				}
			}
			if o.extra != nil {
				it.put(r.buf[start:r.pos])
			}
		default:
			it.keep()
		}
	}
	c.Extra = it.extra
}

func (r *jsonReader) decodePricing(p *Pricing) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "billable":
			p.Billable = r.boolean()
		case "pricing_model":
			p.PricingModel = PricingModel(r.enum())
		case "type":
			p.Type = PricingType(r.enum())
		case "category":
			p.Category = PricingCategory(r.enum())
		default:
			it.keep()
		}
	}
	p.Extra = it.extra
}
