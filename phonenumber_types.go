package wabsp

import (
	"encoding/json"
	"strconv"
	"strings"
)

// QualityRating is Meta's rating of a phone number's recent messages, the
// quality_rating field. Values the SDK does not know are kept as sent.
type QualityRating string

// The documented quality ratings.
const (
	QualityGreen  QualityRating = "GREEN"
	QualityYellow QualityRating = "YELLOW"
	QualityRed    QualityRating = "RED"
	// QualityUnknown is Meta's own value for a number it has not rated yet.
	QualityUnknown QualityRating = "UNKNOWN"
	// QualityNA appears in Meta's samples for new numbers, with the same
	// meaning as QualityUnknown.
	QualityNA QualityRating = "NA"
)

// String returns the rating as Graph sends it.
func (q QualityRating) String() string { return string(q) }

// IsKnown reports whether q is one of the documented ratings.
func (q QualityRating) IsKnown() bool {
	switch q {
	case QualityGreen, QualityYellow, QualityRed, QualityUnknown, QualityNA:
		return true
	}
	return false
}

// Tier is a messaging limit tier: how many unique customers the number's
// business portfolio (all its numbers together, since 2025-10-07) may
// deliver messages to outside a customer service window in a moving 24
// hours. Graph sends it as the deprecated messaging_limit_tier up to v23 and
// as whatsapp_business_manager_messaging_limit from v24; PhoneNumber reads
// either. Values the SDK does not know are kept as sent.
type Tier string

// The tiers Meta has named. The current ladder is MessagingLimitLadder:
// 250, 2K, 10K, 100K, unlimited. TIER_50 (the old start of unverified
// businesses) and TIER_1K (replaced by TIER_2K) are retired and kept so
// older answers still read.
const (
	// TierUnknown is the zero value: Graph reported no tier.
	TierUnknown   Tier = ""
	Tier50        Tier = "TIER_50"
	Tier250       Tier = "TIER_250"
	Tier1K        Tier = "TIER_1K"
	Tier2K        Tier = "TIER_2K"
	Tier10K       Tier = "TIER_10K"
	Tier100K      Tier = "TIER_100K"
	TierUnlimited Tier = "TIER_UNLIMITED"
)

// String returns the tier as Graph sends it.
func (t Tier) String() string { return string(t) }

// IsKnown reports whether t is one of the documented tiers.
func (t Tier) IsKnown() bool {
	_, ok := tierLimits[t]
	return ok
}

// Limit is a number of unique business-initiated conversations allowed in a
// rolling 24 hours. Unlimited is stated, never encoded as a magic number.
type Limit struct {
	// Conversations is the limit; meaningless when Unlimited is true.
	Conversations int
	// Unlimited means there is no limit.
	Unlimited bool
}

// Allows reports whether one more business-initiated conversation may start
// when started of them began in the last 24 hours.
func (l Limit) Allows(started int) bool { return l.Unlimited || started < l.Conversations }

// String gives "50" or "unlimited".
func (l Limit) String() string {
	if l.Unlimited {
		return "unlimited"
	}
	return strconv.Itoa(l.Conversations)
}

var tierLimits = map[Tier]Limit{
	Tier50:        {Conversations: 50},
	Tier250:       {Conversations: 250},
	Tier1K:        {Conversations: 1000},
	Tier2K:        {Conversations: 2000},
	Tier10K:       {Conversations: 10000},
	Tier100K:      {Conversations: 100000},
	TierUnlimited: {Unlimited: true},
}

// Limit returns the tier's limit of unique business-initiated conversations
// per rolling 24 hours. ok is false for TierUnknown and for tiers the SDK does
// not know, whose limit it cannot tell.
func (t Tier) Limit() (limit Limit, ok bool) {
	limit, ok = tierLimits[t]
	return limit, ok
}

// UnmarshalJSON keeps any string as the tier and ignores a value of another
// JSON type rather than failing the whole phone number: the field's shape
// has changed before.
func (t *Tier) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*t = Tier(s)
	}
	return nil
}

// NameStatus is the review state of a number's display name, the name_status
// and new_name_status fields. Values the SDK does not know are kept as sent.
type NameStatus string

// The documented display name statuses.
const (
	NameApproved               NameStatus = "APPROVED"
	NameAvailableWithoutReview NameStatus = "AVAILABLE_WITHOUT_REVIEW"
	NamePendingReview          NameStatus = "PENDING_REVIEW"
	NameDeclined               NameStatus = "DECLINED"
	NameExpired                NameStatus = "EXPIRED"
	// NameNone means no name is under review.
	NameNone NameStatus = "NONE"
	// NameStatusUnknown is the zero value: Graph did not send the field.
	NameStatusUnknown NameStatus = ""
)

// String returns the status as Graph sends it.
func (s NameStatus) String() string { return string(s) }

// IsKnown reports whether s is one of the documented statuses.
func (s NameStatus) IsKnown() bool {
	switch s {
	case NameApproved, NameAvailableWithoutReview, NamePendingReview, NameDeclined, NameExpired, NameNone:
		return true
	}
	return false
}

// CodeVerificationStatus says whether the number's ownership was verified
// with a code, the code_verification_status field.
type CodeVerificationStatus string

// The documented code verification statuses.
const (
	CodeNotVerified CodeVerificationStatus = "NOT_VERIFIED"
	CodeVerified    CodeVerificationStatus = "VERIFIED"
	CodeExpired     CodeVerificationStatus = "EXPIRED"
	// CodeVerificationUnknown is the zero value: Graph did not send the field.
	CodeVerificationUnknown CodeVerificationStatus = ""
)

// String returns the status as Graph sends it.
func (s CodeVerificationStatus) String() string { return string(s) }

// IsKnown reports whether s is one of the documented statuses.
func (s CodeVerificationStatus) IsKnown() bool {
	switch s {
	case CodeNotVerified, CodeVerified, CodeExpired:
		return true
	}
	return false
}

// PlatformType says which API serves the number, the platform_type field.
type PlatformType string

// The documented platform types.
const (
	PlatformCloudAPI      PlatformType = "CLOUD_API"
	PlatformOnPremise     PlatformType = "ON_PREMISE"
	PlatformNotApplicable PlatformType = "NOT_APPLICABLE"
	// PlatformUnknown is the zero value: Graph did not send the field.
	PlatformUnknown PlatformType = ""
)

// String returns the platform as Graph sends it.
func (p PlatformType) String() string { return string(p) }

// IsKnown reports whether p is one of the documented platform types.
func (p PlatformType) IsKnown() bool {
	switch p {
	case PlatformCloudAPI, PlatformOnPremise, PlatformNotApplicable:
		return true
	}
	return false
}

// PhoneNumberStatus is Graph's status field of a phone number. Values the SDK
// does not know are kept as sent. State maps it to the three states BSP
// consoles such as Kaleyra's describe.
type PhoneNumberStatus string

// The phone number statuses Meta and partners' documentation name.
const (
	PhoneNumberStatusPending      PhoneNumberStatus = "PENDING"
	PhoneNumberStatusConnected    PhoneNumberStatus = "CONNECTED"
	PhoneNumberStatusDisconnected PhoneNumberStatus = "DISCONNECTED"
	PhoneNumberStatusFlagged      PhoneNumberStatus = "FLAGGED"
	PhoneNumberStatusRestricted   PhoneNumberStatus = "RESTRICTED"
	PhoneNumberStatusRateLimited  PhoneNumberStatus = "RATE_LIMITED"
	PhoneNumberStatusMigrated     PhoneNumberStatus = "MIGRATED"
	PhoneNumberStatusBanned       PhoneNumberStatus = "BANNED"
	PhoneNumberStatusDeleted      PhoneNumberStatus = "DELETED"
	PhoneNumberStatusUnverified   PhoneNumberStatus = "UNVERIFIED"
	PhoneNumberStatusOffline      PhoneNumberStatus = "OFFLINE"
	// PhoneNumberStatusUnknown is Meta's own value; the zero value "" means Graph did
	// not send the field.
	PhoneNumberStatusUnknown PhoneNumberStatus = "UNKNOWN"
)

// String returns the status as Graph sends it.
func (s PhoneNumberStatus) String() string { return string(s) }

// IsKnown reports whether s is one of the documented statuses.
func (s PhoneNumberStatus) IsKnown() bool {
	switch s {
	case PhoneNumberStatusPending, PhoneNumberStatusConnected, PhoneNumberStatusDisconnected, PhoneNumberStatusFlagged, PhoneNumberStatusRestricted, PhoneNumberStatusRateLimited,
		PhoneNumberStatusMigrated, PhoneNumberStatusBanned, PhoneNumberStatusDeleted, PhoneNumberStatusUnverified, PhoneNumberStatusOffline, PhoneNumberStatusUnknown:
		return true
	}
	return false
}

// NumberState is the sending state Kaleyra's WhatsApp pages show for a number:
// Connected (may send within its messaging limit), Flagged (quality is low
// and the limit cannot be raised), Restricted (the messaging limit is
// reached). Every other status is NumberStateUnknown.
type NumberState string

// The number states of Kaleyra's WhatsApp pages.
const (
	NumberConnected    NumberState = "Connected"
	NumberFlagged      NumberState = "Flagged"
	NumberRestricted   NumberState = "Restricted"
	NumberStateUnknown NumberState = "Unknown"
)

// String returns the state's name.
func (s NumberState) String() string { return string(s) }

// IsKnown reports whether s is Connected, Flagged or Restricted.
func (s NumberState) IsKnown() bool {
	return s == NumberConnected || s == NumberFlagged || s == NumberRestricted
}

// State maps Graph's status to those states. RATE_LIMITED counts as
// Restricted: both mean the number has reached its limit for now.
func (s PhoneNumberStatus) State() NumberState {
	switch PhoneNumberStatus(strings.ToUpper(string(s))) {
	case PhoneNumberStatusConnected:
		return NumberConnected
	case PhoneNumberStatusFlagged:
		return NumberFlagged
	case PhoneNumberStatusRestricted, PhoneNumberStatusRateLimited:
		return NumberRestricted
	}
	return NumberStateUnknown
}

// CodeMethod is how Meta delivers a verification code.
type CodeMethod string

// The two delivery methods.
const (
	CodeBySMS   CodeMethod = "SMS"
	CodeByVoice CodeMethod = "VOICE"
)

// String returns the method as Graph expects it.
func (m CodeMethod) String() string { return string(m) }

// IsKnown reports whether m is SMS or VOICE.
func (m CodeMethod) IsKnown() bool { return m == CodeBySMS || m == CodeByVoice }
