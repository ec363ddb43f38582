package policy_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp/policy"
)

// The fixtures follow Meta's business-scoped user ids page: since April 2026
// a customer is named by a BSUID, and by a phone number unless they set a
// username.
const (
	kerryPhone   = "16315551181"
	kerryUser    = "US.13491208655302741918"
	kerryNewUser = "US.55501234987654321098"
	samUser      = "US.20937461029384756102"
)

func TestWindowsFollowTheCustomerWhicheverIDTheDeliveryCarries(t *testing.T) {
	t.Parallel()
	sentAt := time.Unix(1731456000, 0)
	type ask struct {
		id   string
		open bool
	}
	tests := []struct {
		name     string
		fixtures []string
		asks     []ask
	}{
		{"a username-only sender's window is found by their BSUID",
			[]string{"message_username_only"},
			[]ask{{kerryUser, true}, {samUser, true}, {kerryPhone, false}}},
		{"a message carrying both ids opens the window for either",
			[]string{"message_with_bsuid"},
			[]ask{{kerryPhone, true}, {kerryUser, true}}},
		{"a window opened by a BSUID alone is found by phone once a status shows both",
			[]string{"message_username_only", "status_username_only"},
			[]ask{{kerryPhone, true}, {kerryUser, true}}},
		{"a user id change moves the window to the new id, and the old id reads it",
			[]string{"message_username_only", "message_system_user_id"},
			[]ask{{kerryNewUser, true}, {kerryUser, true}, {samUser, true}}},
		{"a system message opens no window by itself",
			[]string{"message_system_user_id"},
			[]ask{{kerryNewUser, false}, {kerryUser, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr, err := policy.NewTracker(policy.WithClock(func() time.Time { return sentAt.Add(time.Hour) }))
			require.NoError(t, err)
			ctx := context.Background()
			for _, f := range tt.fixtures {
				require.NoError(t, tr.ObserveWebhook(ctx, decodeFixture(t, f), nil), f)
			}
			for _, a := range tt.asks {
				w, err := tr.Window(ctx, phoneID, a.id)
				require.NoError(t, err)
				assert.Equal(t, a.open, w.Open, "window with %s", a.id)
				if a.open {
					assert.Equal(t, sentAt.Add(policy.Day).UTC(), w.Until.UTC(), "window with %s", a.id)
				}
			}
		})
	}
}

func TestAUserNumberChangeMovesTheWindowToTheNewNumber(t *testing.T) {
	t.Parallel()
	sentAt := time.Unix(1731456000, 0)
	tr, err := policy.NewTracker(policy.WithClock(func() time.Time { return sentAt.Add(time.Hour) }))
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phoneID, CustomerWAID: kerryPhone, At: sentAt.Add(-time.Hour)}))
	require.NoError(t, tr.ObserveWebhook(ctx, decodeFixture(t, "message_system"), nil))
	w, err := tr.Window(ctx, phoneID, "16315551182")
	require.NoError(t, err)
	assert.True(t, w.Open)
}

func TestAReplyByEitherIDCountsOneCustomer(t *testing.T) {
	t.Parallel()
	tr, c := newTracker(t)
	ctx := context.Background()
	require.NoError(t, tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phoneID, CustomerWAID: kerryPhone, CustomerUserID: kerryUser, At: t0}))
	c.Set(t0.Add(policy.Day))
	d, err := tr.Reserve(ctx, phoneID, kerryPhone)
	require.NoError(t, err)
	assert.Equal(t, policy.KindNewConversation, d.Kind, "the window closed at exactly 24 hours")
	d, err = tr.Reserve(ctx, phoneID, kerryUser)
	require.NoError(t, err)
	assert.Equal(t, policy.KindOpenConversation, d.Kind, "the BSUID is the same customer")
	assert.Equal(t, 1, d.Limit.Used)
}

func TestIDChangesNeedBothIDs(t *testing.T) {
	t.Parallel()
	tr, _ := newTracker(t)
	err := tr.ObserveIDChange(context.Background(), policy.IDChange{PhoneNumberID: phoneID, From: kerryUser})
	assert.ErrorIs(t, err, policy.ErrInvalidInput)
	err = tr.ObserveIDChange(context.Background(), policy.IDChange{PhoneNumberID: phoneID, To: kerryUser})
	assert.ErrorIs(t, err, policy.ErrInvalidInput)
}

func TestStatusesOfFreeMessagesCountNothing(t *testing.T) {
	t.Parallel()
	sentAt := time.Unix(1731456000, 0)
	for _, f := range []string{"status_username_only", "status_free_entry_point"} {
		tr, err := policy.NewTracker(policy.WithClock(func() time.Time { return sentAt.Add(time.Hour) }))
		require.NoError(t, err)
		ctx := context.Background()
		require.NoError(t, tr.ObserveWebhook(ctx, decodeFixture(t, f), nil))
		lim, err := tr.Limit(ctx, phoneID)
		require.NoError(t, err)
		assert.Equal(t, 0, lim.Used, f)
	}
	tr, err := policy.NewTracker(policy.WithClock(func() time.Time { return sentAt.Add(time.Hour) }))
	require.NoError(t, err)
	require.NoError(t, tr.ObserveWebhook(context.Background(), decodeFixture(t, "status_authentication_international"), nil))
	lim, err := tr.Limit(context.Background(), phoneID)
	require.NoError(t, err)
	assert.Equal(t, 1, lim.Used, "an international authentication template outside the window counts")
}
