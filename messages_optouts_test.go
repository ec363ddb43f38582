package wabsp_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// The delivery follows Meta's user_preferences webhook reference
// (developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences).
func TestMarketingOptOutsFollowTheUserPreferencesWebhook(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/optouts/user_preferences_stop.json")
	require.NoError(t, err)
	wh, err := wabsp.DecodeWebhook(raw)
	require.NoError(t, err)
	c := &wh.Entries[0].Changes[0]

	v, ok, err := wabsp.DecodeUserPreferences(c)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "112233445566778", v.Metadata.PhoneNumberID)
	assert.Equal(t, []wabsp.UserPreference{{WAID: "14155550199", Detail: "User requested to stop marketing messages",
		Category: "marketing_messages", Value: "stop", Timestamp: "1764406800"}}, v.UserPreferences)

	ctx := context.Background()
	optOuts := wabsp.NewMemoryMarketingOptOuts()
	require.NoError(t, optOuts.ObserveWebhookChange(ctx, c, nil))
	out, err := optOuts.OptedOut(ctx, wabsp.DigitsOnly(testBusinessNumber), testCustomer)
	require.NoError(t, err)
	assert.True(t, out, "keyed like the sender keys the business number")

	_, ok, err = wabsp.DecodeUserPreferences(&wabsp.WebhookChange{Field: wabsp.FieldMessages})
	assert.False(t, ok)
	assert.NoError(t, err)

	optOuts.Record(wabsp.DigitsOnly(testBusinessNumber), testCustomer, "resume")
	out, _ = optOuts.OptedOut(ctx, wabsp.DigitsOnly(testBusinessNumber), testCustomer)
	assert.False(t, out)
}
