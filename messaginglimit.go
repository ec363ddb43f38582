package wabsp

import (
	"strconv"
	"strings"
)

// Messaging limits, as Meta's messaging-limits page defines them since
// 2025-10-07 (developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits/):
// the limit is the number of unique WhatsApp users a business may deliver
// messages to outside a customer service window in a moving 24 hours. It
// belongs to the business portfolio and is shared by all its phone numbers.
// New portfolios start at 250, verified or not, and climb to 2,000, 10,000,
// 100,000 and unlimited.

// MessagingLimitLadder is the tiers a business portfolio climbs, in order.
var MessagingLimitLadder = []Tier{Tier250, Tier2K, Tier10K, Tier100K, TierUnlimited}

// TierForLimit names the tier of a numeric limit: 2000 is "TIER_2K", 250
// "TIER_250", a negative number TierUnlimited.
func TierForLimit(n int64) Tier {
	switch {
	case n < 0:
		return TierUnlimited
	case n >= 1000 && n%1000 == 0:
		return Tier("TIER_" + strconv.FormatInt(n/1000, 10) + "K")
	default:
		return Tier("TIER_" + strconv.FormatInt(n, 10))
	}
}

// MessagingLimit returns the messaging limit the update announces, from
// max_daily_conversations_per_business (a tier or a number; Graph v24 and
// later) or, without it, max_daily_conversation_per_phone (v23 and
// before); ok is false when it carries neither.
func (u *BusinessCapabilityUpdate) MessagingLimit() (tier Tier, ok bool) {
	switch {
	case u.MaxDailyConversationsPerBusinessTier != "":
		t := Tier(strings.ToUpper(strings.TrimSpace(string(u.MaxDailyConversationsPerBusinessTier))))
		if t == "UNLIMITED" {
			t = TierUnlimited
		}
		return t, true
	case u.MaxDailyConversationsPerBusiness != 0:
		return TierForLimit(u.MaxDailyConversationsPerBusiness), true
	case u.MaxDailyConversationPerPhone != 0:
		return TierForLimit(u.MaxDailyConversationPerPhone), true
	}
	return TierUnknown, false
}

// The account_alerts types by which Meta refuses, defers or questions a
// request to raise a business's messaging limit.
const (
	AlertLimitIncreaseDeferred     = "INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED"
	AlertLimitIncreaseFailed       = "INCREASED_CAPABILITIES_ELIGIBILITY_FAILED"
	AlertLimitIncreaseNeedMoreInfo = "INCREASED_CAPABILITIES_ELIGIBILITY_NEED_MORE_INFO"
)

// LimitIncreaseRefused reports whether the alert says a messaging-limit
// increase was deferred, failed or needs more information: the limit stays
// where it is.
func (a *AccountAlert) LimitIncreaseRefused() bool {
	switch a.AlertInfo.AlertType {
	case AlertLimitIncreaseDeferred, AlertLimitIncreaseFailed, AlertLimitIncreaseNeedMoreInfo:
		return true
	}
	return false
}
