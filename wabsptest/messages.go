package wabsptest

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/wabsp/wabsp"
)

// DefaultMessagingLimit is how many new business-initiated conversations a
// sandbox business number may start in a rolling 24 hours, unless
// WithMessagingLimit says otherwise: Meta's first limit, 250.
const DefaultMessagingLimit = 250

// The error codes the sandbox puts in failed status callbacks, as Meta's
// Cloud API numbers them (whether Plivo passes them through unchanged is
// not documented).
const (
	ErrorCodeOutsideWindow = "131047"
	ErrorCodeLimitReached  = "131049"
)

// messaging is the sandbox's Message API state; Server.mu guards it.
type messaging struct {
	limit      int
	messageURL string
	lastIn     map[string]time.Time            // business/customer -> customer's last message
	starts     map[string]map[string]time.Time // business -> customer -> conversation start
	sent       []SentMessage
	outbox     []plivoCallback
	seq        atomic.Int64
}

// SentMessage is one message the sandbox accepted, and what became of it.
type SentMessage struct {
	MessageUUID string
	From, To    string
	// Kind is text, media, template, interactive or location.
	Kind string
	// Template is the template's name for a template message.
	Template string
	// Status is the last status the sandbox reported: delivered, or
	// failed with ErrorCode.
	Status    string
	ErrorCode string
}

type plivoCallback struct {
	method, url string
	params      url.Values
}

// WithMessagingLimit sets how many new business-initiated conversations a
// business number may start in a rolling 24 hours.
func WithMessagingLimit(n int) Option {
	return func(s *Server) { s.messagingLocked().limit = n }
}

// messagingLocked returns the Message API state, creating it; s.mu is held
// (or s is not shared yet).
func (s *Server) messagingLocked() *messaging {
	if s.msgs == nil {
		s.msgs = &messaging{limit: DefaultMessagingLimit, lastIn: map[string]time.Time{}, starts: map[string]map[string]time.Time{}}
	}
	return s.msgs
}

// Now is the sandbox's clock, moved by AdvanceClock: give it to a policy
// tracker so that both agree on when a window closes.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

// SetPlivoMessageURL sets the message_url of the sandbox's Plivo
// application: where CustomerMessage delivers inbound messages.
func (s *Server) SetPlivoMessageURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messagingLocked().messageURL = u
}

// SentMessages returns the messages accepted so far, in order.
func (s *Server) SentMessages() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentMessage(nil), s.messagingLocked().sent...)
}

// CustomerMessage plays a customer writing text to a business number: it
// opens the customer-service window at the sandbox's clock and posts
// Plivo's signed inbound callback to the message URL. It returns the
// callback's HTTP status; an error when nothing could be delivered.
func (s *Server) CustomerMessage(ctx context.Context, customer, business, text string) (int, error) {
	s.mu.Lock()
	m := s.messagingLocked()
	m.lastIn[digits(business)+"/"+digits(customer)] = s.nowLocked()
	target := m.messageURL
	uuid := s.newMessageUUIDLocked()
	s.mu.Unlock()
	if target == "" {
		return 0, fmt.Errorf("wabsptest: no message URL: call SetPlivoMessageURL first")
	}
	params := url.Values{"MessageUUID": {uuid}, "From": {digits(customer)}, "To": {digits(business)}, "Type": {"whatsapp"},
		"ContentType": {"text"}, "Body": {text}, "Units": {"1"}, "TotalRate": {"0.00000"}, "TotalAmount": {"0.00000"}}
	return s.deliverPlivoCallback(ctx, plivoCallback{method: http.MethodPost, url: target, params: params})
}

func (s *Server) newMessageUUIDLocked() string {
	n := s.messagingLocked().seq.Add(1)
	return fmt.Sprintf("%08x-9b7d-11ef-8a3c-%012x", n, n)
}

// sendMessageBody is what the sandbox reads of a Message API request.
type sendMessageBody struct {
	Src         string          `json:"src"`
	Dst         string          `json:"dst"`
	Type        string          `json:"type"`
	Text        string          `json:"text"`
	MediaURLs   []string        `json:"media_urls"`
	Template    json.RawMessage `json:"template"`
	Interactive json.RawMessage `json:"interactive"`
	Location    json.RawMessage `json:"location"`
	URL         string          `json:"url"`
	Method      string          `json:"method"`
}

// sendMessage plays Plivo's Message API for WhatsApp. Like the real
// service it accepts a well-formed message at once (202) and reports
// WhatsApp's verdict in status callbacks: a free-form message outside the
// customer-service window, or a template beyond the messaging limit, fails
// there rather than in the answer.
func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	apiID := s.newAPIID()
	fail := func(status int, msg string) { writeJSON(w, status, plivoError{APIID: apiID, Error: msg}) }
	id, token, ok := r.BasicAuth()
	if !ok || r.PathValue("authID") != s.authID || id != s.authID ||
		subtle.ConstantTimeCompare([]byte(token), []byte(s.authToken)) != 1 {
		fail(http.StatusUnauthorized, "Authentication credentials were not provided or are invalid.")
		return
	}
	var b sendMessageBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&b); err != nil {
		fail(http.StatusBadRequest, "Invalid JSON body.")
		return
	}
	kind, problem := classifyMessage(&b)
	if problem != "" {
		fail(http.StatusBadRequest, problem)
		return
	}
	from, to := digits(b.Src), digits(b.Dst)

	s.mu.Lock()
	m := s.messagingLocked()
	now := s.nowLocked()
	uuid := s.newMessageUUIDLocked()
	sm := SentMessage{MessageUUID: uuid, From: from, To: to, Kind: kind, Status: "delivered"}
	if kind == "template" {
		var t struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(b.Template, &t)
		sm.Template = t.Name
	}
	last, wrote := m.lastIn[from+"/"+to]
	inWindow := wrote && now.Before(last.Add(24*time.Hour))
	switch {
	case kind != "template" && !inWindow:
		sm.Status, sm.ErrorCode = "failed", ErrorCodeOutsideWindow
	case kind == "template" && !inWindow:
		convs := m.starts[from]
		if convs == nil {
			convs = map[string]time.Time{}
			m.starts[from] = convs
		}
		for c, at := range convs {
			if !now.Before(at.Add(24 * time.Hour)) {
				delete(convs, c)
			}
		}
		if _, open := convs[to]; !open {
			if len(convs) >= m.limit {
				sm.Status, sm.ErrorCode = "failed", ErrorCodeLimitReached
			} else {
				convs[to] = now
			}
		}
	}
	m.sent = append(m.sent, sm)
	if b.URL != "" {
		method := strings.ToUpper(b.Method)
		if method == "" {
			method = http.MethodPost
		}
		statuses := []string{"queued", "sent", "delivered"}
		if sm.Status == "failed" {
			statuses = []string{"queued", "failed"}
		}
		for i, st := range statuses {
			p := url.Values{"MessageUUID": {uuid}, "Status": {st}, "From": {from}, "To": {to}, "Type": {"whatsapp"},
				"Sequence": {strconv.Itoa(i + 1)}, "Units": {"1"}}
			if st == "failed" {
				p.Set("ErrorCode", sm.ErrorCode)
			}
			m.outbox = append(m.outbox, plivoCallback{method: method, url: b.URL, params: p})
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{"api_id": apiID, "message": "message(s) queued", "message_uuid": []string{uuid}})
}

// classifyMessage checks a body as Plivo would and names its kind.
func classifyMessage(b *sendMessageBody) (kind, problem string) {
	switch {
	case b.Type != "whatsapp":
		return "", "type must be whatsapp for a WhatsApp message."
	case b.Src == "":
		return "", "src is required."
	case b.Dst == "":
		return "", "dst is required."
	case len(digits(b.Src)) < 8 || len(digits(b.Src)) > 15:
		return "", "src is not a valid phone number."
	case len(digits(b.Dst)) < 8 || len(digits(b.Dst)) > 15 || strings.Contains(b.Dst, "."):
		return "", "dst is not a valid phone number."
	case b.URL != "" && !strings.HasPrefix(b.URL, "http"):
		return "", "url must be a valid http(s) URL."
	}
	set := 0
	for _, k := range []struct {
		on   bool
		name string
	}{{len(b.MediaURLs) > 0, "media"}, {len(b.Template) > 0, "template"}, {len(b.Interactive) > 0, "interactive"}, {len(b.Location) > 0, "location"}} {
		if k.on {
			set++
			kind = k.name
		}
	}
	switch {
	case set > 1:
		return "", "only one of media_urls, template, interactive and location may be set."
	case set == 0 && b.Text == "":
		return "", "text is required."
	case set == 0:
		kind = "text"
	case kind != "media" && b.Text != "":
		return "", "text cannot be combined with " + kind + "."
	case kind == "media" && len(b.MediaURLs) != 1:
		return "", "WhatsApp messages take a single media URL."
	}
	if utf8.RuneCountInString(b.Text) > 4096 {
		return "", "text must be at most 4096 characters."
	}
	if kind == "template" {
		var t struct {
			Name     string `json:"name"`
			Language string `json:"language"`
		}
		if json.Unmarshal(b.Template, &t) != nil || t.Name == "" || t.Language == "" {
			return "", "template requires name and language."
		}
	}
	return kind, ""
}

// thenDeliverPlivoCallbacks runs h, then posts the status callbacks it
// queued, before the answer reaches the client: a caller sees the
// callbacks of a send by the time the send returns.
func (s *Server) thenDeliverPlivoCallbacks(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h(w, r)
		s.mu.Lock()
		m := s.messagingLocked()
		out := m.outbox
		m.outbox = nil
		s.mu.Unlock()
		for _, cb := range out {
			_, _ = s.deliverPlivoCallback(context.WithoutCancel(r.Context()), cb)
		}
	}
}

// deliverPlivoCallback sends one callback signed as Plivo signs it
// (X-Plivo-Signature-V3 with the sandbox's Auth Token).
func (s *Server) deliverPlivoCallback(ctx context.Context, cb plivoCallback) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	nonce := randomHex(10)
	var req *http.Request
	var err error
	if cb.method == http.MethodGet {
		target := cb.url
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + cb.params.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err == nil {
			req.Header.Set(wabsp.PlivoSignatureV3Header, wabsp.SignPlivoV3(s.authToken, http.MethodGet, target, nonce, nil))
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, cb.url, strings.NewReader(cb.params.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(wabsp.PlivoSignatureV3Header, wabsp.SignPlivoV3(s.authToken, http.MethodPost, cb.url, nonce, cb.params))
		}
	}
	if err != nil {
		return 0, fmt.Errorf("wabsptest: building a Plivo callback: %w", err)
	}
	req.Header.Set(wabsp.PlivoSignatureV3NonceHeader, nonce)
	req.Header.Set("User-Agent", "PlivoHTTP (wabsptest)")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("wabsptest: delivering a Plivo callback: %w", err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}
