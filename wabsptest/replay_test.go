package wabsptest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

// An attacker who saw customer A's code presents it again in a session of
// their own: with their own client_ref and no ids, hoping Onboard recovers
// A's ids from the grants and hands over A's token.
func TestAReplayedCodeNeverHandsOneCustomersTokenToAnotherTenant(t *testing.T) {
	t.Parallel()
	sb := wabsptest.NewServer()
	defer sb.Close()
	c := sb.Client()
	victim := sb.NewSignup()
	_, err := c.Onboard(context.Background(), victim.Session("tenant-A"))
	require.NoError(t, err)

	replays := []struct {
		name    string
		session wabsp.SignupSession
	}{
		{"the code alone under another client_ref", wabsp.SignupSession{Code: wabsp.Secret(victim.Code), ClientRef: "tenant-B"}},
		{"the code and the victim's ids under another client_ref", victim.Session("tenant-B")},
		{"the code under the victim's client_ref without its ids", wabsp.SignupSession{Code: wabsp.Secret(victim.Code), ClientRef: "tenant-A"}},
	}
	for _, tt := range replays {
		t.Run(tt.name+" is refused on the same Client without a call", func(t *testing.T) {
			before := len(sb.Calls())
			res, err := c.Onboard(context.Background(), tt.session)
			assert.Nil(t, res)
			require.ErrorIs(t, err, wabsp.ErrCodeReused)
			assert.ErrorIs(t, err, wabsp.ErrCodeAlreadyUsed, "one test covers both the SDK's and Graph's refusal")
			var oe *wabsp.OnboardingError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, wabsp.StepExchangeCode, oe.Step)
			assert.Equal(t, before, len(sb.Calls()), "nothing was sent")
		})
		t.Run(tt.name+" is refused by Graph on another replica", func(t *testing.T) {
			_, err := sb.Client().Onboard(context.Background(), tt.session)
			require.ErrorIs(t, err, wabsp.ErrCodeAlreadyUsed)
		})
	}
	t.Run("the victim's own retry still succeeds", func(t *testing.T) {
		res, err := c.Onboard(context.Background(), victim.Session("tenant-A"))
		require.NoError(t, err)
		assert.True(t, res.AlreadyOnboarded)
		ref, _ := sb.Onboarded(victim.WABAID)
		assert.Equal(t, "tenant-A", ref)
	})
}
