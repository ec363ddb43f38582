package policy_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/policy"
)

// Meta's messaging-limits page: since 2025-10-07 the limit belongs to the
// business portfolio and every number of it draws on the same count.
const (
	fxWABA      = "102290129340398"
	fxPortfolio = "198765432109876"
	otherPhone  = "106540352242923"
)

func TestTheTrackerLearnsPortfoliosFromWebhooks(t *testing.T) {
	t.Parallel()
	now := time.Unix(1731456000, 0).Add(time.Hour)
	tr, err := policy.NewTracker(policy.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	ctx := context.Background()

	require.NoError(t, tr.ObserveWebhook(ctx, decodeFixture(t, "account_update_partner_added"), nil))
	p, err := tr.Store().Portfolio(ctx, "109876543210987")
	require.NoError(t, err)
	assert.Equal(t, fxPortfolio, p, "PARTNER_ADDED names the WABA's owner business")

	require.NoError(t, tr.SetPortfolio(ctx, fxWABA, fxPortfolio))
	require.NoError(t, tr.ObserveWebhook(ctx, decodeFixture(t, "message_text"), nil))
	lim, err := tr.Limit(ctx, phoneID)
	require.NoError(t, err)
	assert.Equal(t, fxPortfolio, lim.Portfolio, "the entry's WABA gives the number its portfolio")

	require.NoError(t, tr.ObserveWebhook(ctx, decodeFixture(t, "business_capability_update_tier"), nil))
	lim, err = tr.Limit(ctx, phoneID)
	require.NoError(t, err)
	assert.Equal(t, policy.Tier10K, lim.Tier, "business_capability_update sets the portfolio's tier")
	assert.Equal(t, 10000, lim.Max)
}

func TestOnboardingMapsTheNumberAndTheWABAToTheBusiness(t *testing.T) {
	t.Parallel()
	tr, _ := newTracker(t)
	ctx := context.Background()
	require.NoError(t, tr.ObserveOnboarding(ctx, wabsp.OnboardingResult{WABAID: fxWABA, BusinessID: fxPortfolio, PhoneNumberID: phoneID}))
	require.NoError(t, tr.SetPortfolio(ctx, otherPhone, fxPortfolio))
	require.NoError(t, tr.ObserveTierChange(ctx, policy.TierChange{PortfolioID: fxWABA, Tier: policy.Tier2K}))

	_, err := tr.Reserve(ctx, phoneID, alice)
	require.NoError(t, err)
	d, err := tr.Reserve(ctx, otherPhone, bob)
	require.NoError(t, err)
	assert.Equal(t, policy.KindNewConversation, d.Kind)
	assert.Equal(t, policy.Limit{Portfolio: fxPortfolio, Tier: policy.Tier2K, TierKnown: true, Max: 2000, Used: 2, Remaining: 1998, NextSlotAt: t0.Add(policy.Day)}, d.Limit,
		"both numbers draw on the portfolio's count")
	d, err = tr.Reserve(ctx, otherPhone, alice)
	require.NoError(t, err)
	assert.Equal(t, policy.KindOpenConversation, d.Kind, "alice already counts for the portfolio")
}

func TestSetPortfolioNeedsBothIDs(t *testing.T) {
	t.Parallel()
	tr, _ := newTracker(t)
	err := tr.SetPortfolio(context.Background(), "", "")
	assert.ErrorIs(t, err, policy.ErrInvalidInput)
	assert.ErrorContains(t, err, "phone number or WABA id is required; the business portfolio id is required")
}
