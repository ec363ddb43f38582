package wabsp

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MessageStatusValue is the status a Plivo status callback reports.
// Unknown values are kept.
type MessageStatusValue string

// The statuses of an outbound message in Plivo's message status
// callbacks; read is WhatsApp only.
const (
	MessageQueued      MessageStatusValue = "queued"
	MessageSent        MessageStatusValue = "sent"
	MessageDelivered   MessageStatusValue = "delivered"
	MessageRead        MessageStatusValue = "read"
	MessageFailed      MessageStatusValue = "failed"
	MessageUndelivered MessageStatusValue = "undelivered"
)

// PlivoStatusCallback is one of Plivo's message status callbacks, sent to
// the message's StatusCallbackURL each time its status changes.
type PlivoStatusCallback struct {
	MessageUUID string
	Status      MessageStatusValue
	// From is the business number, To the customer's.
	From, To string
	// Type is "whatsapp" for WhatsApp messages.
	Type string
	// ErrorCode is set for failed and undelivered messages.
	ErrorCode string
	// ConversationID, ConversationOrigin (utility, authentication,
	// marketing, service) and ConversationExpiresAt are WhatsApp-only;
	// Meta leaves the conversation out of most statuses since Graph v24,
	// so they are often empty.
	ConversationID        string
	ConversationOrigin    string
	ConversationExpiresAt time.Time
	// TotalAmount and TotalRate are Plivo's charge, as decimal strings.
	TotalAmount, TotalRate string
	// Sequence orders the callbacks of one message.
	Sequence string
	// Raw holds every parameter as Plivo sent it, documented or not.
	Raw url.Values
}

// Err returns a *WhatsAppError for a failed or undelivered message, which
// matches the sentinel of its code (ErrServiceWindowClosed for 131047 and
// so on), and nil for any other status.
func (s PlivoStatusCallback) Err() error {
	if s.Status != MessageFailed && s.Status != MessageUndelivered {
		return nil
	}
	return &WhatsAppError{MessageUUID: s.MessageUUID, Status: s.Status, Code: s.ErrorCode, Reason: WhatsAppErrorCodes[s.ErrorCode]}
}

// The content types of an inbound WhatsApp message in Plivo's callback.
const (
	InboundText    = "text"
	InboundMedia   = "media"
	InboundButton  = "button"
	InboundUnknown = "unknown"
)

// PlivoInboundCallback is a customer's WhatsApp message, as Plivo posts it
// to the message_url of the application the number belongs to.
type PlivoInboundCallback struct {
	MessageUUID string
	// From is the customer's number, To the business number.
	From, To string
	// Type is "whatsapp".
	Type string
	// Body is the text of the message or the caption of its media.
	Body string
	// ContentType is text, media, button or unknown; MimeType is set for
	// media (such as "video/mp4").
	ContentType string
	MimeType    string
	// MediaURLs are the Media1, Media2, ... parameters, in order.
	MediaURLs []string
	// Context holds the parameters whose name starts with "Context": the
	// message a reply refers to. Plivo's pages do not list them yet.
	Context map[string]string
	// Raw holds every parameter as Plivo sent it.
	Raw url.Values
}

// ErrNotAPlivoCallback is returned for parameters that are neither a
// status nor an inbound message (no MessageUUID).
var ErrNotAPlivoCallback = errors.New("wabsp: not a Plivo message callback: MessageUUID missing")

var mediaParam = regexp.MustCompile(`^Media([0-9]+)$`)

// DecodePlivoCallback reads a callback's parameters (the form of a POST,
// the query of a GET): a status callback when it has Status, else an
// inbound message. Exactly one of the results is non-nil without error.
func DecodePlivoCallback(p url.Values) (*PlivoStatusCallback, *PlivoInboundCallback, error) {
	if p.Get("MessageUUID") == "" {
		return nil, nil, ErrNotAPlivoCallback
	}
	if status := p.Get("Status"); status != "" {
		s := &PlivoStatusCallback{
			MessageUUID: p.Get("MessageUUID"), Status: MessageStatusValue(strings.ToLower(status)),
			From: p.Get("From"), To: p.Get("To"), Type: p.Get("Type"), ErrorCode: p.Get("ErrorCode"),
			ConversationID: p.Get("ConversationID"), ConversationOrigin: p.Get("ConversationOrigin"),
			TotalAmount: p.Get("TotalAmount"), TotalRate: p.Get("TotalRate"), Sequence: p.Get("Sequence"), Raw: p,
		}
		if ts, err := strconv.ParseInt(p.Get("ConversationExpirationTimestamp"), 10, 64); err == nil && ts > 0 {
			s.ConversationExpiresAt = time.Unix(ts, 0).UTC()
		}
		return s, nil, nil
	}
	in := &PlivoInboundCallback{
		MessageUUID: p.Get("MessageUUID"), From: p.Get("From"), To: p.Get("To"), Type: p.Get("Type"),
		Body: p.Get("Body"), ContentType: p.Get("ContentType"), MimeType: p.Get("MimeType"), Raw: p,
	}
	type media struct {
		n   int
		url string
	}
	var ms []media
	for k, v := range p {
		if m := mediaParam.FindStringSubmatch(k); m != nil && len(v) > 0 {
			n, _ := strconv.Atoi(m[1])
			ms = append(ms, media{n, v[0]})
		} else if strings.HasPrefix(k, "Context") && len(v) > 0 {
			if in.Context == nil {
				in.Context = map[string]string{}
			}
			in.Context[k] = v[0]
		}
	}
	slices.SortFunc(ms, func(a, b media) int { return a.n - b.n })
	for _, m := range ms {
		in.MediaURLs = append(in.MediaURLs, m.url)
	}
	return nil, in, nil
}
