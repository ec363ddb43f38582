package wabsp_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// Meta's messaging-limits page: since 2025-10-07 the limit belongs to the
// business portfolio, starts at 250 and climbs to 2,000, 10,000, 100,000
// and unlimited; business_capability_update carries it as
// max_daily_conversations_per_business from v24, max_daily_conversation_per_phone
// before.
func TestBusinessCapabilityUpdatesGiveTheMessagingLimitInEveryShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		tier wabsp.Tier
		want wabsp.Limit
	}{
		{"business_capability_update.json", wabsp.Tier1K, wabsp.Limit{Conversations: 1000}},
		{"business_capability_update_tier.json", wabsp.Tier10K, wabsp.Limit{Conversations: 10000}},
		{"business_capability_update_number.json", wabsp.Tier2K, wabsp.Limit{Conversations: 2000}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			c := decodeFixture(t, tt.file).Entries[0].Changes[0]
			require.NotNil(t, c.BusinessCapability)
			assert.Empty(t, c.BusinessCapability.Extra, "a tier string is read, not set aside")
			tier, ok := c.BusinessCapability.MessagingLimit()
			require.True(t, ok)
			assert.Equal(t, tt.tier, tier)
			limit, ok := tier.Limit()
			require.True(t, ok)
			assert.Equal(t, tt.want, limit)
		})
	}
	_, ok := (&wabsp.BusinessCapabilityUpdate{MaxPhoneNumbersPerWABA: 25}).MessagingLimit()
	assert.False(t, ok)
	tier, ok := (&wabsp.BusinessCapabilityUpdate{MaxDailyConversationsPerBusinessTier: "unlimited"}).MessagingLimit()
	assert.True(t, ok)
	assert.Equal(t, wabsp.TierUnlimited, tier)
}

func TestARefusedLimitIncreaseIsAnAccountAlert(t *testing.T) {
	t.Parallel()
	c := decodeFixture(t, "account_alerts_limit_deferred.json").Entries[0].Changes[0]
	require.NotNil(t, c.AccountAlert)
	assert.True(t, c.AccountAlert.LimitIncreaseRefused())
	assert.Equal(t, wabsp.AlertLimitIncreaseDeferred, c.AccountAlert.AlertInfo.AlertType)
	for typ, want := range map[string]bool{
		wabsp.AlertLimitIncreaseFailed: true, wabsp.AlertLimitIncreaseNeedMoreInfo: true, "INCREASED_QUALITY_RISK": false,
	} {
		a := wabsp.AccountAlert{}
		a.AlertInfo.AlertType = typ
		assert.Equal(t, want, a.LimitIncreaseRefused(), typ)
	}
}

func TestTheLadderAndTheStartingLimitsAreMetasCurrentOnes(t *testing.T) {
	t.Parallel()
	var limits []string
	for _, tier := range wabsp.MessagingLimitLadder {
		l, ok := tier.Limit()
		require.True(t, ok, tier)
		limits = append(limits, l.String())
	}
	assert.Equal(t, []string{"250", "2000", "10000", "100000", "unlimited"}, limits)

	start := wabsp.StartingPortfolioLimits()
	assert.Equal(t, wabsp.WABALimits{MaxRegisteredNumbers: 2, BusinessInitiated: wabsp.Limit{Conversations: 250}}, start)
	assert.Equal(t, start, wabsp.UnverifiedWABALimits(), "the deprecated name returns today's rule")
	assert.True(t, start.CanStartConversation(249))
	assert.False(t, start.CanStartConversation(250))

	for n, want := range map[int64]wabsp.Tier{250: wabsp.Tier250, 2000: wabsp.Tier2K, 100000: wabsp.Tier100K, -1: wabsp.TierUnlimited, 1500: "TIER_1500"} {
		assert.Equal(t, want, wabsp.TierForLimit(n), n)
	}
}
