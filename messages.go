package wabsp

import (
	"context"
	"net/http"
)

// MessageRequest is one WhatsApp message sent through Plivo's Message API.
// Set exactly one content: Text alone (free-form text), Media (with Text as
// its caption), Template, Interactive or Location. Build it with struct
// literals; Validate reports every problem at once.
//
// Plivo's API also takes several recipients joined with "<"; the SDK sends
// to one recipient per call, so that each send can be checked against
// WhatsApp's rules for that customer.
type MessageRequest struct {
	// From is the business's WhatsApp number, registered with Plivo, in
	// E.164 ("+14155550100"); Plivo's src.
	From string
	// To is the customer's number in E.164; Plivo's dst. Plivo's Message
	// API documents phone numbers only: a business-scoped user id (BSUID,
	// "US.13491208655302741918") is refused before sending.
	To string
	// Text is a free-form text message (at most 4096 characters), or the
	// caption of Media (at most 1024; image, video and document only).
	Text string
	// Media is an image, video, audio, document or sticker, by URL.
	Media *MessageMedia
	// Template is an approved template with its parameters: the only kind
	// of message allowed outside the customer-service window.
	Template *TemplateMessage
	// Interactive is a reply-buttons, list or call-to-action URL message.
	Interactive *InteractiveMessage
	// Location is a map pin.
	Location *MessageLocation
	// StatusCallbackURL is where Plivo sends this message's status
	// callbacks (Plivo's url); StatusCallbackMethod is GET or POST (Plivo's
	// default is POST).
	StatusCallbackURL    string
	StatusCallbackMethod string
	// HeldTemplate, when set, is your copy of the template named by
	// Template (from Client.Templates or GetTemplate): Validate then checks
	// that it is approved and that the parameters fit its placeholders. It
	// is not sent.
	HeldTemplate *Template
}

// messageWire is the body of POST /v1/Account/{auth_id}/Message/ for a
// WhatsApp message, as Plivo's API reference and plivo-go's
// MessageCreateParams name the fields.
type messageWire struct {
	Src         string              `json:"src"`
	Dst         string              `json:"dst"`
	Type        string              `json:"type"`
	Text        string              `json:"text,omitempty"`
	MediaURLs   []string            `json:"media_urls,omitempty"`
	Template    *TemplateMessage    `json:"template,omitempty"`
	Interactive *InteractiveMessage `json:"interactive,omitempty"`
	Location    *MessageLocation    `json:"location,omitempty"`
	URL         string              `json:"url,omitempty"`
	Method      string              `json:"method,omitempty"`
}

func (r *MessageRequest) wire() *messageWire {
	w := &messageWire{
		Src: r.From, Dst: r.To, Type: "whatsapp", Text: r.Text,
		Template: r.Template, Interactive: r.Interactive, Location: r.Location,
		URL: r.StatusCallbackURL, Method: r.StatusCallbackMethod,
	}
	if r.Media != nil {
		// Plivo takes a single media URL for WhatsApp.
		w.MediaURLs = []string{r.Media.URL}
	}
	return w
}

// MessageResponse is Plivo's answer to an accepted message: accepted means
// queued, not delivered; the status callbacks say what happened next.
type MessageResponse struct {
	// APIID is Plivo's id for the request.
	APIID string `json:"api_id"`
	// Message is Plivo's text, such as "message(s) queued".
	Message string `json:"message"`
	// MessageUUIDs holds one id per recipient: one for a send by this SDK.
	MessageUUIDs []string `json:"message_uuid"`
}

// MessageUUID returns the id of the message, or "" when Plivo sent none.
func (r *MessageResponse) MessageUUID() string {
	if r == nil || len(r.MessageUUIDs) == 0 {
		return ""
	}
	return r.MessageUUIDs[0]
}

// SendMessage sends one WhatsApp message through Plivo.
//
//	POST https://api.plivo.com/v1/Account/{auth_id}/Message/
//
// The request is validated first; nothing is sent when it is invalid. It
// does not consult WhatsApp's policy (the customer-service window, the
// messaging limit, opt-outs): use a MessageSender for that.
//
// A message cannot be sent twice by the SDK: the call is repeated only when
// Plivo refused it without processing it (429, honouring Retry-After) or
// the connection failed before the request was sent. A 5xx, a timeout or
// a connection cut after sending is returned at once, because Plivo may
// have queued the message; look it up before sending again.
func (c *Client) SendMessage(ctx context.Context, req MessageRequest) (*MessageResponse, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return c.sendMessage(ctx, &req)
}

// sendMessage is SendMessage after validation.
func (c *Client) sendMessage(ctx context.Context, req *MessageRequest) (*MessageResponse, error) {
	return call[MessageResponse](ctx, c, &apiRequest{
		provider: ProviderPlivo,
		method:   http.MethodPost,
		path:     "Message/",
		body:     req.wire(),
	})
}
