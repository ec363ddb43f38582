package wabsp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SendWindow is a policy's answer to "may this number send a free-form
// message to this customer now".
type SendWindow struct {
	Open bool
	// Until is when the window closes (or closed): the customer's last
	// message plus 24 hours; zero when the customer never wrote.
	Until time.Time
}

// ReservationKind says what a template send is under WhatsApp's rules.
type ReservationKind string

// The kinds of a template send, as the policy tracker names them.
const (
	// ReservationServiceWindow: inside the customer-service window; nothing
	// counted.
	ReservationServiceWindow ReservationKind = "service_window"
	// ReservationOpenConversation: inside an open business-initiated
	// conversation; nothing counted.
	ReservationOpenConversation ReservationKind = "open_conversation"
	// ReservationNewConversation: a new business-initiated conversation,
	// counted against the messaging limit by the reservation.
	ReservationNewConversation ReservationKind = "new_conversation"
	// ReservationLimitReached: a new conversation is needed and the limit
	// is used up; nothing counted.
	ReservationLimitReached ReservationKind = "limit_reached"
)

// SendReservation is a policy's answer to Reserve.
type SendReservation struct {
	Kind ReservationKind
	// Start is when the counted conversation starts (Kind
	// ReservationNewConversation); Release needs it.
	Start time.Time
	// Used and Max are the limit's usage after the call; Unlimited is set
	// for a portfolio without a limit.
	Used, Max int
	Unlimited bool
	// NextSlotAt is when the oldest counted conversation leaves the rolling
	// 24 hours; zero when none is counted.
	NextSlotAt time.Time
}

// SendPolicy is what a MessageSender asks before a send. The policy
// package's tracker implements it through policy.SendPolicyFor; with its
// Redis store every instance sharing the store sees one count.
type SendPolicy interface {
	// Window answers whether a free-form message is allowed now.
	Window(ctx context.Context, phoneNumberID, customerWAID string) (SendWindow, error)
	// Reserve classifies a template send now and, when it starts a new
	// business-initiated conversation within the limit, counts it at once.
	Reserve(ctx context.Context, phoneNumberID, customerWAID string) (SendReservation, error)
	// Release undoes a reservation whose message Plivo refused.
	Release(ctx context.Context, phoneNumberID, customerWAID string, r SendReservation) error
}

// MarketingOptOuts knows which customers stopped marketing messages (Meta's
// user_preferences webhook, value "stop").
type MarketingOptOuts interface {
	OptedOut(ctx context.Context, phoneNumberID, customerWAID string) (bool, error)
}

// PhoneNumberIDResolver turns a business number (E.164 or digits) into the
// key the policy knows the number by, such as its Meta phone number id.
type PhoneNumberIDResolver func(ctx context.Context, businessNumber string) (string, error)

// DigitsOnly returns the digits of a number: "+1 415-555-0100" is
// "14155550100". It is the default key of business numbers and customers.
func DigitsOnly(number string) string {
	// An E.164 number (validated before every send) is its digits after
	// the plus sign: a substring, without an allocation.
	if rest := strings.TrimPrefix(number, "+"); isDigits(rest) {
		return rest
	}
	var b strings.Builder
	b.Grow(len(number))
	for i := 0; i < len(number); i++ {
		if c := number[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func resolvePhoneNumberID(ctx context.Context, r PhoneNumberIDResolver, number string) (string, error) {
	if r == nil {
		return DigitsOnly(number), nil
	}
	id, err := r(ctx, number)
	if err != nil {
		return "", fmt.Errorf("wabsp: resolving business number: %w", err)
	}
	return id, nil
}

// MessageSenderConfig configures a MessageSender. Policy is required.
type MessageSenderConfig struct {
	Policy SendPolicy
	// OptOuts, if set, refuses marketing templates to customers who opted
	// out.
	OptOuts MarketingOptOuts
	// PhoneNumberID keys the business number in the policy; nil means its
	// digits. Give the PlivoCallbackHandler the same resolver.
	PhoneNumberID PhoneNumberIDResolver
}

// MessageSender sends WhatsApp messages through Plivo with WhatsApp's rules
// applied first: a free-form message only inside the customer-service
// window, a template outside it only within the messaging limit (counted
// atomically by the policy's Reserve, and released when Plivo refuses the
// message), and no marketing template to a customer who opted out. It is
// safe for concurrent use.
type MessageSender struct {
	c   *Client
	cfg MessageSenderConfig
}

// NewMessageSender returns a sender that consults cfg.Policy before each
// send.
func (c *Client) NewMessageSender(cfg MessageSenderConfig) (*MessageSender, error) {
	if cfg.Policy == nil {
		return nil, &ValidationError{Op: "NewMessageSender", Fields: []FieldError{{Field: "Policy", Message: "is required"}}}
	}
	return &MessageSender{c: c, cfg: cfg}, nil
}

// Send validates req, asks the policy, and sends it through Plivo.
//
// Refusals before any call: a *ValidationError; a *ServiceWindowClosedError
// (ErrServiceWindowClosed) for free-form content outside the window; a
// *MessagingLimitError (ErrMessagingLimitReached) saying when capacity
// frees; a *MarketingOptOutError (ErrMarketingOptedOut). A template's
// reservation is released when Plivo answers with a 4xx (it refused the
// message); after a 5xx or a lost connection Plivo may have queued it, so
// it stays counted, which errs on the safe side.
func (s *MessageSender) Send(ctx context.Context, req MessageRequest) (*MessageResponse, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	phone, err := resolvePhoneNumberID(ctx, s.cfg.PhoneNumberID, req.From)
	if err != nil {
		return nil, err
	}
	customer := DigitsOnly(req.To)
	if req.Template == nil {
		w, err := s.cfg.Policy.Window(ctx, phone, customer)
		if err != nil {
			return nil, fmt.Errorf("wabsp: send policy: %w", err)
		}
		if !w.Open {
			return nil, &ServiceWindowClosedError{From: req.From, To: req.To, ClosedAt: w.Until}
		}
		return s.c.sendMessage(ctx, &req)
	}

	if s.cfg.OptOuts != nil && req.templateCategory() == CategoryMarketing {
		out, err := s.cfg.OptOuts.OptedOut(ctx, phone, customer)
		if err != nil {
			return nil, fmt.Errorf("wabsp: marketing opt-outs: %w", err)
		}
		if out {
			return nil, &MarketingOptOutError{From: req.From, To: req.To, Template: req.Template.Name}
		}
	}
	res, err := s.cfg.Policy.Reserve(ctx, phone, customer)
	if err != nil {
		return nil, fmt.Errorf("wabsp: send policy: %w", err)
	}
	if res.Kind == ReservationLimitReached {
		return nil, &MessagingLimitError{From: req.From, To: req.To, Used: res.Used, Max: res.Max, FreesAt: res.NextSlotAt}
	}
	resp, err := s.c.sendMessage(ctx, &req)
	if err != nil && res.Kind == ReservationNewConversation && refusedByPlivo(err) {
		// Recorded even when the caller's context is gone: the slot must
		// not stay taken by a message that was never accepted.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dedupTimeout)
		defer cancel()
		if rerr := s.cfg.Policy.Release(rctx, phone, customer, res); rerr != nil {
			return nil, errors.Join(err, fmt.Errorf("wabsp: releasing the reservation: %w", rerr))
		}
	}
	return resp, err
}

// templateCategory is the category the caller gave, else the held
// template's.
func (r *MessageRequest) templateCategory() TemplateCategory {
	if r.Template.Category != "" {
		return TemplateCategory(strings.ToUpper(string(r.Template.Category)))
	}
	if r.HeldTemplate != nil {
		return TemplateCategory(strings.ToUpper(string(r.HeldTemplate.Category)))
	}
	return ""
}

// refusedByPlivo reports an answer that says Plivo did not accept the
// message: any 4xx.
func refusedByPlivo(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500
}
