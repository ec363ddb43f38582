package wabsp

// PricingModel is how Meta prices messages: per conversation (CBP, until
// 2025-07-01) or per message (PMP). See Meta's pricing page,
// developers.facebook.com/documentation/business-messaging/whatsapp/pricing/.
type PricingModel string

// The pricing models Meta documents.
const (
	PricingModelCBP PricingModel = "CBP"
	PricingModelPMP PricingModel = "PMP"
)

// PricingType says under per-message pricing whether a message is charged:
// regular messages are, messages inside an open customer service window
// (service messages and utility templates) or a free entry point window
// (72 hours after a click-to-WhatsApp ad or a Page's call to action) are
// not.
type PricingType string

// The pricing types Meta documents.
const (
	PricingTypeRegular             PricingType = "regular"
	PricingTypeFreeCustomerService PricingType = "free_customer_service"
	PricingTypeFreeEntryPoint      PricingType = "free_entry_point"
)

// PricingCategory is the category a message is priced in.
type PricingCategory string

// The pricing categories Meta documents. The pricing object spells
// authentication-international with a hyphen; a conversation's origin type
// spells it authentication_international (ConversationAuthenticationInternational).
const (
	PricingAuthentication              PricingCategory = "authentication"
	PricingAuthenticationInternational PricingCategory = "authentication-international"
	PricingMarketing                   PricingCategory = "marketing"
	PricingMarketingLite               PricingCategory = "marketing_lite"
	PricingReferralConversion          PricingCategory = "referral_conversion"
	PricingService                     PricingCategory = "service"
	PricingUtility                     PricingCategory = "utility"

	// ConversationAuthenticationInternational is how conversation.origin.type
	// spells PricingAuthenticationInternational.
	ConversationAuthenticationInternational = "authentication_international"
)

// Canonical returns the category as the pricing object spells it, so that a
// conversation origin type compares equal: "authentication_international"
// becomes "authentication-international"; anything else is unchanged.
func (c PricingCategory) Canonical() PricingCategory {
	if c == ConversationAuthenticationInternational {
		return PricingAuthenticationInternational
	}
	return c
}

// Charge is what a status says Meta bills for its message.
type Charge struct {
	// Charged is true when Meta bills the message (per-message pricing) or
	// its conversation (per-conversation pricing, PerConversation set).
	Charged bool
	// Category is the category billed, in the pricing object's spelling.
	Category PricingCategory
	Model    PricingModel
	Type     PricingType
	// PerConversation is true under per-conversation pricing: the charge
	// is the conversation's, shared by every message in it.
	PerConversation bool
	// Known is false when the status's pricing model or type is one Meta
	// added after this SDK: Charged then follows the deprecated billable
	// flag, the best the status says.
	Known bool
}

// Charge reads the status's pricing. ok is false when the status carries
// none (Meta may send pricing on only one of delivered and read, and never
// on failed). Meta charges only delivered messages: a failed status is
// never charged, while sent, delivered and read report the charge that
// applies once the message is delivered.
//
// Under per-message pricing type decides: regular is charged,
// free_customer_service and free_entry_point are not. Under
// per-conversation pricing the deprecated billable flag does.
func (s *Status) Charge() (c Charge, ok bool) {
	p := s.Pricing
	if p == nil {
		return Charge{}, false
	}
	c = Charge{Category: p.Category.Canonical(), Model: p.PricingModel, Type: p.Type, Known: true}
	switch {
	case p.PricingModel == PricingModelPMP && p.Type == PricingTypeRegular:
		c.Charged = true
	case p.PricingModel == PricingModelPMP &&
		(p.Type == PricingTypeFreeCustomerService || p.Type == PricingTypeFreeEntryPoint):
		c.Charged = false
	case p.PricingModel == PricingModelCBP:
		c.Charged, c.PerConversation = p.Billable, true
	default:
		c.Charged, c.Known = p.Billable, false
	}
	if s.Status == StatusFailed {
		c.Charged = false
	}
	return c, true
}
