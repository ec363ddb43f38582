package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/policy"
)

func TestRedisStoreReleasesOnlyTheReservedConversationForEveryInstance(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, err := policy.NewTracker(policy.WithStore(s), policy.WithClock(clock))
	require.NoError(t, err)
	b, err := policy.NewTracker(policy.WithStore(s), policy.WithClock(clock))
	require.NoError(t, err)
	pa, pb := policy.SendPolicyFor(a), policy.SendPolicyFor(b)

	r, err := pa.Reserve(ctx, "pn", "c1")
	require.NoError(t, err)
	require.Equal(t, wabsp.ReservationNewConversation, r.Kind)
	other, err := pb.Reserve(ctx, "pn", "c1")
	require.NoError(t, err)
	assert.Equal(t, wabsp.ReservationOpenConversation, other.Kind, "the second instance sees the first's reservation")

	stale := r
	stale.Start = now.Add(-time.Minute)
	require.NoError(t, pb.Release(ctx, "pn", "c1", stale))
	l, err := b.Limit(ctx, "pn")
	require.NoError(t, err)
	assert.Equal(t, 1, l.Used, "a release for another start removes nothing")

	require.NoError(t, pa.Release(ctx, "pn", "c1", r))
	l, err = b.Limit(ctx, "pn")
	require.NoError(t, err)
	assert.Zero(t, l.Used)
}
