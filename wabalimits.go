package wabsp

// WABALimits are the limits a business works under, to check before
// registering a number or messaging customers outside their service window.
type WABALimits struct {
	// MaxRegisteredNumbers is how many phone numbers may be registered.
	MaxRegisteredNumbers int
	// BusinessInitiated is the messaging limit: how many unique customers
	// the business portfolio, all its numbers together, may deliver
	// messages to outside a customer service window in a moving 24 hours.
	BusinessInitiated Limit
}

// StartingPortfolioLimits returns the limits of a new business portfolio
// under Meta's rules since 2025-10-07: a messaging limit of 250 unique
// customers per moving 24 hours, shared by all the portfolio's phone
// numbers and the same whether or not the business is verified, and at most
// 2 registered phone numbers until the business is verified. Replies inside
// a customer service window are not limited. For the current limit read
// PhoneNumber.Limit (it is the portfolio's) or a business_capability_update
// webhook (BusinessCapabilityUpdate.MessagingLimit).
func StartingPortfolioLimits() WABALimits {
	return WABALimits{MaxRegisteredNumbers: 2, BusinessInitiated: Limit{Conversations: 250}}
}

// UnverifiedWABALimits returns StartingPortfolioLimits.
//
// Deprecated: it returned 50 unique customers per phone number, a rule Meta
// retired: since 2025-10-07 the messaging limit belongs to the business
// portfolio and starts at 250 for every new portfolio. Use
// StartingPortfolioLimits.
func UnverifiedWABALimits() WABALimits { return StartingPortfolioLimits() }

// CanRegisterNumber reports whether one more number may be registered when
// registered numbers already are.
func (l WABALimits) CanRegisterNumber(registered int) bool {
	return registered < l.MaxRegisteredNumbers
}

// CanStartConversation reports whether one more customer may be messaged
// outside their service window when started unique customers were in the
// moving 24 hours, across all the portfolio's numbers.
func (l WABALimits) CanStartConversation(started int) bool {
	return l.BusinessInitiated.Allows(started)
}
