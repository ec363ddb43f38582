package wabsp

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Reasons a WhatsApp message is refused, before the send (by a
// MessageSender or Validate) or after it (in a failed status callback).
// Test for them with errors.Is: the same sentinel matches whichever side
// noticed.
var (
	// ErrServiceWindowClosed: a free-form message outside the 24-hour
	// customer-service window; only a template may be sent.
	ErrServiceWindowClosed = errors.New("wabsp: customer-service window closed: send a template")
	// ErrMessagingLimitReached: the messaging limit allows no new
	// business-initiated conversation until capacity frees.
	ErrMessagingLimitReached = errors.New("wabsp: messaging limit reached")
	// ErrMarketingOptedOut: the customer stopped marketing messages.
	ErrMarketingOptedOut = errors.New("wabsp: customer opted out of marketing messages")
	// ErrRecipientNotOnWhatsApp: the number has no WhatsApp account, or
	// the message could not be delivered to it.
	ErrRecipientNotOnWhatsApp = errors.New("wabsp: recipient not reachable on WhatsApp")
	// ErrTemplatePaused and ErrTemplateDisabled: Meta paused or disabled
	// the template for its quality.
	ErrTemplatePaused   = errors.New("wabsp: template paused")
	ErrTemplateDisabled = errors.New("wabsp: template disabled")
	// ErrTemplateNotApproved: the held template is not APPROVED.
	ErrTemplateNotApproved = errors.New("wabsp: template not approved")
	// ErrRateLimited: too many messages too fast (throughput or pair rate).
	ErrRateLimited = errors.New("wabsp: WhatsApp rate limit hit")
)

// WhatsAppErrorCodes maps the WhatsApp error codes users branch on to
// their sentinel. Plivo reports a failed or undelivered WhatsApp message
// with an ErrorCode in its status callback; these are Meta's Cloud API
// codes, which is what a WhatsApp failure carries when Plivo passes it
// through unchanged (Plivo's pages do not list its WhatsApp codes: codes
// outside this table are kept as they came, with no sentinel).
var WhatsAppErrorCodes = map[string]error{
	"131047": ErrServiceWindowClosed,    // re-engagement message: more than 24 hours since the customer wrote
	"131026": ErrRecipientNotOnWhatsApp, // message undeliverable
	"131050": ErrMarketingOptedOut,      // the user stopped marketing messages
	"132015": ErrTemplatePaused,         // template paused for low quality
	"132016": ErrTemplateDisabled,       // template disabled for low quality
	"131049": ErrMessagingLimitReached,  // per-user marketing limit: Meta chose not to deliver
	"130429": ErrRateLimited,            // throughput reached
	"131056": ErrRateLimited,            // pair rate limit: too many to one customer
	"131048": ErrRateLimited,            // spam rate limit
}

// WhatsAppError is the failure a status callback reported for a message:
// its code as Plivo sent it and, for the codes in WhatsAppErrorCodes, the
// sentinel it matches with errors.Is.
type WhatsAppError struct {
	MessageUUID string
	Status      MessageStatusValue
	Code        string
	Reason      error
}

// Error names the message, its status and the code.
func (e *WhatsAppError) Error() string {
	s := "wabsp: WhatsApp message " + e.MessageUUID + " " + string(e.Status)
	if e.Code != "" {
		s += " (error " + e.Code + ")"
	}
	if e.Reason != nil {
		s += ": " + e.Reason.Error()
	}
	return s
}

// Unwrap returns the sentinel, if any.
func (e *WhatsAppError) Unwrap() error { return e.Reason }

// ServiceWindowClosedError refuses a free-form message outside the
// customer-service window. It matches ErrServiceWindowClosed.
type ServiceWindowClosedError struct {
	From, To string
	// ClosedAt is when the window closed: the customer's last message plus
	// 24 hours; zero when the customer never wrote (that the policy knows).
	ClosedAt time.Time
}

// Error says when the window closed and that a template is needed.
func (e *ServiceWindowClosedError) Error() string {
	if e.ClosedAt.IsZero() {
		return fmt.Sprintf("wabsp: free-form message to %s refused: the customer has not written (no customer-service window); send a template", e.To)
	}
	return fmt.Sprintf("wabsp: free-form message to %s refused: the customer-service window closed at %s; send a template",
		e.To, e.ClosedAt.UTC().Format(time.RFC3339))
}

// Unwrap returns ErrServiceWindowClosed.
func (e *ServiceWindowClosedError) Unwrap() error { return ErrServiceWindowClosed }

// MessagingLimitError refuses a template that would start a new
// business-initiated conversation beyond the messaging limit. It matches
// ErrMessagingLimitReached.
type MessagingLimitError struct {
	From, To string
	// Used and Max are the conversations counted in the rolling 24 hours
	// and the limit.
	Used, Max int
	// FreesAt is when the oldest counted conversation leaves the rolling
	// window; zero when unknown.
	FreesAt time.Time
}

// Error says when capacity frees.
func (e *MessagingLimitError) Error() string {
	s := "wabsp: template to " + e.To + " refused: messaging limit reached (" + strconv.Itoa(e.Used) + " of " + strconv.Itoa(e.Max) + " in 24 hours)"
	if !e.FreesAt.IsZero() {
		s += "; capacity frees at " + e.FreesAt.UTC().Format(time.RFC3339)
	}
	return s
}

// Unwrap returns ErrMessagingLimitReached.
func (e *MessagingLimitError) Unwrap() error { return ErrMessagingLimitReached }

// MarketingOptOutError refuses a marketing template to a customer who
// stopped marketing messages. It matches ErrMarketingOptedOut.
type MarketingOptOutError struct {
	From, To string
	Template string
}

// Error names the template and the customer.
func (e *MarketingOptOutError) Error() string {
	return "wabsp: marketing template " + e.Template + " to " + e.To + " refused: the customer opted out of marketing messages"
}

// Unwrap returns ErrMarketingOptedOut.
func (e *MarketingOptOutError) Unwrap() error { return ErrMarketingOptedOut }
