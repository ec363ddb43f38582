package wabsp

// WABALimits are the limits a WhatsApp Business Account works under, to
// check before registering a number or starting a business-initiated
// conversation.
type WABALimits struct {
	// MaxRegisteredNumbers is how many phone numbers may be registered.
	MaxRegisteredNumbers int
	// BusinessInitiated is the number of unique customers the account may
	// start business-initiated conversations with in a rolling 24 hours.
	BusinessInitiated Limit
}

// UnverifiedWABALimits returns the rules Kaleyra's Embedded Signup page
// (developers.kaleyra.io/docs/embedded-signup) states for a WABA whose business is
// not yet verified: at most 2 registered phone numbers, and business-initiated
// conversations with at most 50 unique customers in a rolling 24 hours (per
// phone number). Replies within a customer-initiated conversation are not
// limited.
//
// These are that page's numbers. Meta's current messaging-limit page starts new
// business portfolios at 250 and shares the limit across the portfolio's
// numbers; for a number's actual limit read PhoneNumber.Limit.
func UnverifiedWABALimits() WABALimits {
	return WABALimits{MaxRegisteredNumbers: 2, BusinessInitiated: Limit{Conversations: 50}}
}

// CanRegisterNumber reports whether one more number may be registered when
// registered numbers already are.
func (l WABALimits) CanRegisterNumber(registered int) bool {
	return registered < l.MaxRegisteredNumbers
}

// CanStartConversation reports whether one more business-initiated
// conversation may start when started of them began in the last 24 hours.
func (l WABALimits) CanStartConversation(started int) bool {
	return l.BusinessInitiated.Allows(started)
}
