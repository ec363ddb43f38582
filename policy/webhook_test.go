package policy_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/policy"
)

func decodeFixture(t *testing.T, name string) *wabsp.Webhook {
	t.Helper()
	raw, err := os.ReadFile("../testdata/webhooks/" + name + ".json")
	require.NoError(t, err)
	w, err := wabsp.DecodeWebhook(raw)
	require.NoError(t, err)
	return w
}

func TestObserveWebhookFeedsMessagesStatusesAndTiers(t *testing.T) {
	t.Parallel()
	const phone, customer = "106540352242922", "16315551181"
	sentAt := time.Unix(1731456000, 0)
	now := sentAt.Add(time.Hour)
	tr, err := policy.NewTracker(policy.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	ctx := context.Background()

	require.NoError(t, tr.ObserveWebhook(ctx, decodeFixture(t, "message_text"), nil))
	win, err := tr.Window(ctx, phone, customer)
	require.NoError(t, err)
	assert.True(t, win.Open)
	assert.Equal(t, sentAt.Add(24*time.Hour).UTC(), win.Until.UTC(), "the recorded message's timestamp opens the window")

	require.NoError(t, tr.ObserveWebhook(ctx, decodeFixture(t, "status_sent"), nil))

	quality := decodeFixture(t, "phone_number_quality_update")
	var asked []string
	resolve := func(_ context.Context, wabaID, display string) (string, error) {
		asked = append(asked, wabaID+"/"+display)
		return phone, nil
	}
	require.NoError(t, tr.ObserveWebhook(ctx, quality, resolve))
	assert.Equal(t, []string{"102290129340398/15550783881"}, asked)
	lim, err := tr.Limit(ctx, phone)
	require.NoError(t, err)
	assert.True(t, lim.TierKnown)
	assert.Equal(t, policy.Tier("TIER_10K"), lim.Tier)
	assert.Equal(t, 1, lim.Used, "the status's business-initiated conversation is counted")

	failing := func(context.Context, string, string) (string, error) { return "", errors.New("no such number") }
	assert.ErrorContains(t, tr.ObserveWebhook(ctx, quality, failing), "no such number")
}
