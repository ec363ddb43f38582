package policy

import "time"

// InboundMessage is a message a customer sent to one of the business's phone
// numbers: it opens or extends the 24-hour customer service window. From a
// "messages" webhook: metadata.phone_number_id, the sender's phone number
// and BSUID (wabsp.InboundMessage.Customer) and messages[].timestamp. At
// least one of the customer's ids is needed; with both, the tracker learns
// that they name one customer.
type InboundMessage struct {
	PhoneNumberID string
	// CustomerWAID is the customer's phone number, empty for a user known
	// only by username.
	CustomerWAID string
	// CustomerUserID is the customer's business-scoped user id (BSUID).
	CustomerUserID string
	// At is when the customer sent it; zero, or a time ahead of the
	// tracker's clock, means the clock's now.
	At time.Time
}

// Sent is a message the integrator sent from PhoneNumberID to CustomerWAID.
type Sent struct {
	PhoneNumberID string
	// CustomerWAID is the recipient: a phone number or a BSUID, whichever
	// the message was addressed to.
	CustomerWAID string
	// At is when it was sent; zero, or a time ahead of the tracker's clock,
	// means the clock's now.
	At time.Time
	// Template is true for a template message. Only a template can count
	// against the messaging limit: a free-form message outside the window
	// is refused by Meta (error 131047) and counts for nothing.
	Template bool
}

// StatusUpdate is a delivery status of a message the business sent, from a
// "messages" webhook's statuses[]. Meta's view of the conversation, when the
// status carries it, corrects the tracker: it counts conversations started
// by sends the tracker never saw (another system, Meta's own tools).
type StatusUpdate struct {
	PhoneNumberID  string // metadata.phone_number_id
	CustomerWAID   string // recipient_id, empty for a user known only by username
	CustomerUserID string // recipient_user_id (BSUID)
	// At is the status timestamp; zero, or a time ahead of the tracker's
	// clock, means the clock's now.
	At time.Time
	// Status is sent, delivered, read, failed, ...; a failed message opened
	// nothing and is ignored.
	Status string
	// ConversationOrigin is conversation.origin.type (business_initiated,
	// user_initiated, referral_conversion, marketing, utility,
	// authentication, service, ...), empty when Meta left it out (from
	// Graph v24 it usually does).
	ConversationOrigin string
	// ConversationExpiresAt is conversation.expiration_timestamp, if sent:
	// the conversation started 24 hours before it.
	ConversationExpiresAt time.Time
	// PricingCategory is pricing.category, used when ConversationOrigin is
	// empty.
	PricingCategory string
	// PricingType is pricing.type under per-message pricing:
	// free_customer_service and free_entry_point say the message was sent
	// inside a window the customer opened, so it counts nothing.
	PricingType string
}

// TierChange is a new messaging-limit tier for a business portfolio, named
// by one of its phone numbers (phone_number_quality_update's current_limit,
// the phone numbers API's whatsapp_business_manager_messaging_limit) or by
// the portfolio or a WABA of it (business_capability_update, see
// wabsp.BusinessCapabilityUpdate.MessagingLimit). Set one of the ids.
type TierChange struct {
	PhoneNumberID string
	// PortfolioID is a business portfolio id or a WABA id, used when
	// PhoneNumberID is empty.
	PortfolioID string
	Tier        Tier
}

// IDChange says that a customer's id From now reads To: from a "messages"
// webhook's system message user_changed_user_id (previous_user_id to the
// new BSUID) or user_changed_number (the old phone number to the new one).
// The customer's window and conversation move to the new id.
type IDChange struct {
	PhoneNumberID string
	From, To      string
}
