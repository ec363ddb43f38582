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

func TestSendPolicyReleasesOnlyTheConversationItReserved(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	tr, err := policy.NewTracker(policy.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	p := policy.SendPolicyFor(tr)

	r, err := p.Reserve(ctx, "pn", "c1")
	require.NoError(t, err)
	assert.Equal(t, wabsp.ReservationNewConversation, r.Kind)
	assert.Equal(t, now, r.Start)
	assert.Equal(t, 1, r.Used)

	again, err := p.Reserve(ctx, "pn", "c1")
	require.NoError(t, err)
	assert.Equal(t, wabsp.ReservationOpenConversation, again.Kind)
	require.NoError(t, p.Release(ctx, "pn", "c1", again), "releasing a reservation that counted nothing changes nothing")
	l, err := tr.Limit(ctx, "pn")
	require.NoError(t, err)
	assert.Equal(t, 1, l.Used)

	stale := r
	stale.Start = now.Add(-time.Hour)
	require.NoError(t, p.Release(ctx, "pn", "c1", stale), "another conversation's start is left alone")
	l, _ = tr.Limit(ctx, "pn")
	assert.Equal(t, 1, l.Used)

	require.NoError(t, p.Release(ctx, "pn", "c1", r))
	l, _ = tr.Limit(ctx, "pn")
	assert.Zero(t, l.Used)
	d, err := tr.Classify(ctx, "pn", "c1")
	require.NoError(t, err)
	assert.Equal(t, policy.KindNewConversation, d.Kind)
}

func TestSendPolicyObservesPlivoCallbacks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	tr, err := policy.NewTracker(policy.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	p := policy.SendPolicyFor(tr)

	require.NoError(t, p.ObserveInbound(ctx, "pn", "c1", wabsp.PlivoInboundCallback{}))
	w, err := p.Window(ctx, "pn", "c1")
	require.NoError(t, err)
	assert.Equal(t, wabsp.SendWindow{Open: true, Until: now.Add(24 * time.Hour)}, w)

	require.NoError(t, p.ObserveStatus(ctx, "pn", "c2", wabsp.PlivoStatusCallback{Status: wabsp.MessageUndelivered, ConversationOrigin: "marketing"}))
	l, _ := tr.Limit(ctx, "pn")
	assert.Zero(t, l.Used, "an undelivered message opened nothing")
	require.NoError(t, p.ObserveStatus(ctx, "pn", "c2", wabsp.PlivoStatusCallback{Status: wabsp.MessageDelivered, ConversationOrigin: "marketing"}))
	l, _ = tr.Limit(ctx, "pn")
	assert.Equal(t, 1, l.Used, "a delivered marketing conversation is counted")
}
