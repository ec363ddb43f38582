package policy

import (
	"strconv"
	"strings"
)

// Tier is a business portfolio's messaging-limit tier as Meta names it,
// such as "TIER_2K". Meta adds and renames tiers (TIER_1K gave way to
// TIER_2K), so a value not listed here is kept as-is and read by its shape:
// "TIER_<n>" or "TIER_<n>K".
type Tier string

// The tiers Meta has documented. Each is the number of unique customers a
// business portfolio, all its numbers together, may deliver messages to
// outside their service window in a moving 24 hours. The ladder since
// 2025-10-07 is Tier250 (every new portfolio), Tier2K, Tier10K, Tier100K and
// TierUnlimited; Tier50 (the old start of unverified businesses) and Tier1K
// are retired and kept so older data still reads.
const (
	Tier50        Tier = "TIER_50"
	Tier250       Tier = "TIER_250"
	Tier1K        Tier = "TIER_1K"
	Tier2K        Tier = "TIER_2K"
	Tier10K       Tier = "TIER_10K"
	Tier100K      Tier = "TIER_100K"
	TierUnlimited Tier = "TIER_UNLIMITED"
)

// Unlimited is the limit of TierUnlimited wherever a limit is an int.
const Unlimited = -1

// ParseTier turns a tier as a webhook or the phone numbers API spells it into
// a Tier. Case and surrounding spaces are forgiven, and "UNLIMITED" without
// the prefix is accepted; anything else is kept as given.
func ParseTier(s string) Tier {
	u := strings.ToUpper(strings.TrimSpace(s))
	if u == "UNLIMITED" {
		return TierUnlimited
	}
	if _, ok := Tier(u).Limit(); ok {
		return Tier(u)
	}
	return Tier(s)
}

// TierForLimit names the tier of a numeric daily limit, as
// business_capability_update's max_daily_conversation_per_phone gives it:
// 1000 becomes "TIER_1K", 250 "TIER_250" and a negative number
// TierUnlimited.
func TierForLimit(n int) Tier {
	switch {
	case n < 0:
		return TierUnlimited
	case n >= 1000 && n%1000 == 0:
		return Tier("TIER_" + strconv.Itoa(n/1000) + "K")
	default:
		return Tier("TIER_" + strconv.Itoa(n))
	}
}

// Limit returns the number of unique customers the tier allows per rolling
// 24 hours, Unlimited for TierUnlimited, and ok false when the tier's name
// does not say.
func (t Tier) Limit() (limit int, ok bool) {
	switch t {
	case Tier50:
		return 50, true
	case Tier250:
		return 250, true
	case Tier1K:
		return 1000, true
	case Tier2K:
		return 2000, true
	case Tier10K:
		return 10000, true
	case Tier100K:
		return 100000, true
	case TierUnlimited:
		return Unlimited, true
	}
	s, found := strings.CutPrefix(string(t), "TIER_")
	if !found || s == "" {
		return 0, false
	}
	mult := 1
	if k, isK := strings.CutSuffix(s, "K"); isK {
		s, mult = k, 1000
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || s[0] == '+' || n > (1<<31)/mult {
		return 0, false
	}
	return n * mult, true
}

// String returns the tier's name.
func (t Tier) String() string { return string(t) }
