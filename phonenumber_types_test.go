package wabsp_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

func TestTierLimitGivesConversationsPer24Hours(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tier  wabsp.Tier
		limit wabsp.Limit
		ok    bool
	}{
		{wabsp.Tier50, wabsp.Limit{Conversations: 50}, true},
		{wabsp.Tier250, wabsp.Limit{Conversations: 250}, true},
		{wabsp.Tier1K, wabsp.Limit{Conversations: 1000}, true},
		{wabsp.Tier2K, wabsp.Limit{Conversations: 2000}, true},
		{wabsp.Tier10K, wabsp.Limit{Conversations: 10000}, true},
		{wabsp.Tier100K, wabsp.Limit{Conversations: 100000}, true},
		{wabsp.TierUnlimited, wabsp.Limit{Unlimited: true}, true},
		{wabsp.TierUnknown, wabsp.Limit{}, false},
		{"TIER_5K", wabsp.Limit{}, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.tier)+" has its documented limit", func(t *testing.T) {
			t.Parallel()
			limit, ok := tt.tier.Limit()
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.limit, limit)
			assert.Equal(t, tt.ok, tt.tier.IsKnown())
			assert.Equal(t, string(tt.tier), tt.tier.String())
		})
	}
}

func TestLimitAllows(t *testing.T) {
	t.Parallel()
	fifty := wabsp.Limit{Conversations: 50}
	assert.True(t, fifty.Allows(49))
	assert.False(t, fifty.Allows(50))
	assert.True(t, wabsp.Limit{Unlimited: true}.Allows(1<<30))
	assert.Equal(t, "50", fifty.String())
	assert.Equal(t, "unlimited", wabsp.Limit{Unlimited: true}.String())
}

func TestStartingPortfolioLimitsBoundTheNumbersAndTheCustomers(t *testing.T) {
	t.Parallel()
	l := wabsp.StartingPortfolioLimits()
	assert.True(t, l.CanRegisterNumber(1))
	assert.False(t, l.CanRegisterNumber(2))
	assert.True(t, l.CanStartConversation(249))
	assert.False(t, l.CanStartConversation(250))
}

func TestStatusMapsToTheConsoleNumberStates(t *testing.T) {
	t.Parallel()
	tests := map[wabsp.PhoneNumberStatus]wabsp.NumberState{
		wabsp.PhoneNumberStatusConnected:   wabsp.NumberConnected,
		wabsp.PhoneNumberStatusFlagged:     wabsp.NumberFlagged,
		wabsp.PhoneNumberStatusRestricted:  wabsp.NumberRestricted,
		wabsp.PhoneNumberStatusRateLimited: wabsp.NumberRestricted,
		"connected":                        wabsp.NumberConnected,
		wabsp.PhoneNumberStatusPending:     wabsp.NumberStateUnknown,
		wabsp.PhoneNumberStatusBanned:      wabsp.NumberStateUnknown,
		"":                                 wabsp.NumberStateUnknown,
		"SOMETHING_NEW":                    wabsp.NumberStateUnknown,
	}
	for status, want := range tests {
		assert.Equal(t, want, status.State(), "status %q", status)
	}
	assert.True(t, wabsp.NumberFlagged.IsKnown())
	assert.False(t, wabsp.NumberStateUnknown.IsKnown())
}

func TestEnumsKeepUnknownValuesWhenDecoding(t *testing.T) {
	t.Parallel()
	var n wabsp.PhoneNumber
	require.NoError(t, json.Unmarshal([]byte(`{"id":"1","quality_rating":"PURPLE","name_status":"IN_LIMBO",
		"code_verification_status":"MAYBE","platform_type":"SATELLITE","status":"NEW"}`), &n))
	assert.Equal(t, wabsp.QualityRating("PURPLE"), n.QualityRating)
	assert.False(t, n.QualityRating.IsKnown())
	assert.Equal(t, wabsp.NameStatus("IN_LIMBO"), n.NameStatus)
	assert.False(t, n.NameStatus.IsKnown())
	assert.Equal(t, wabsp.CodeVerificationStatus("MAYBE"), n.CodeVerificationStatus)
	assert.False(t, n.CodeVerificationStatus.IsKnown())
	assert.Equal(t, wabsp.PlatformType("SATELLITE"), n.PlatformType)
	assert.False(t, n.PlatformType.IsKnown())
	assert.Equal(t, "PURPLE", n.QualityRating.String())
}

func TestDocumentedEnumValuesAreKnown(t *testing.T) {
	t.Parallel()
	for _, q := range []wabsp.QualityRating{"GREEN", "YELLOW", "RED", "UNKNOWN", "NA"} {
		assert.True(t, q.IsKnown(), q)
	}
	for _, s := range []wabsp.NameStatus{"APPROVED", "AVAILABLE_WITHOUT_REVIEW", "PENDING_REVIEW", "DECLINED", "EXPIRED", "NONE"} {
		assert.True(t, s.IsKnown(), s)
	}
	for _, s := range []wabsp.CodeVerificationStatus{"NOT_VERIFIED", "VERIFIED", "EXPIRED"} {
		assert.True(t, s.IsKnown(), s)
	}
	for _, p := range []wabsp.PlatformType{"CLOUD_API", "ON_PREMISE", "NOT_APPLICABLE"} {
		assert.True(t, p.IsKnown(), p)
	}
	assert.True(t, wabsp.CodeBySMS.IsKnown())
	assert.True(t, wabsp.CodeByVoice.IsKnown())
	assert.False(t, wabsp.CodeMethod("sms").IsKnown())
}

func TestPhoneNumberRoundTripsThroughJSON(t *testing.T) {
	t.Parallel()
	in := wabsp.PhoneNumber{ID: "1", MessagingLimitTier: wabsp.Tier10K, Status: wabsp.PhoneNumberStatusConnected}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	var out wabsp.PhoneNumber
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in, out)
}

func TestE164(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"+1 555-010-0199":    "+15550100199",
		"15550783881":        "+15550783881",
		"+44 (20) 7946.0958": "+442079460958",
	} {
		got, ok := wabsp.ToE164(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got)
		assert.True(t, wabsp.IsE164(got))
	}
	for _, bad := range []string{"", "+0123456789", "12345", "+1 555 CALL NOW", "+1234567890123456"} {
		_, ok := wabsp.ToE164(bad)
		assert.False(t, ok, bad)
	}
	assert.False(t, wabsp.IsE164("+1 555 0100"))
}
