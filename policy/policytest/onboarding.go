package policytest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// OnboardingStore is what a store offers Onboard besides the policy state:
// the Multi-Partner Solution's weekly count and the coexistence syncs.
type OnboardingStore interface {
	wabsp.OnboardingQuota
	wabsp.CoexistenceSyncStore
}

// RunOnboardingStoreTests checks a store's onboarding quota and coexistence
// sync records, each scenario on a fresh, empty store.
func RunOnboardingStoreTests(t *testing.T, newStore func(t *testing.T) OnboardingStore) {
	const solution, week, limit = "1000000000000777", 7 * 24 * time.Hour, 3
	t.Run("the quota refuses past the limit and says when a slot frees", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		for i := range limit {
			ok, _, err := s.ReserveOnboarding(ctx, solution, fmt.Sprint("waba-", i), T0.Add(time.Duration(i)*time.Hour), limit, week)
			require.NoError(t, err)
			require.True(t, ok, "onboarding %d", i)
		}
		ok, _, err := s.ReserveOnboarding(ctx, solution, "waba-0", T0.Add(4*time.Hour), limit, week)
		require.NoError(t, err)
		assert.True(t, ok, "a WABA onboarded again counts once")
		ok, next, err := s.ReserveOnboarding(ctx, solution, "waba-new", T0.Add(5*time.Hour), limit, week)
		require.NoError(t, err)
		assert.False(t, ok)
		assert.True(t, T0.Add(week).Equal(next), "the oldest leaves the window at %v, got %v", T0.Add(week), next)
		ok, _, err = s.ReserveOnboarding(ctx, solution, "waba-new", T0.Add(week), limit, week)
		require.NoError(t, err)
		assert.True(t, ok, "at the oldest's seventh day its slot is free")
		ok, _, err = s.ReserveOnboarding(ctx, "1000000000000888", "waba-other", T0, limit, week)
		require.NoError(t, err)
		assert.True(t, ok, "solutions are counted apart")
	})
	t.Run("a released onboarding frees its slot", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		for i := range limit {
			_, _, err := s.ReserveOnboarding(ctx, solution, fmt.Sprint("waba-", i), T0, limit, week)
			require.NoError(t, err)
		}
		require.NoError(t, s.ReleaseOnboarding(ctx, solution, "waba-1"))
		ok, _, err := s.ReserveOnboarding(ctx, solution, "waba-new", T0, limit, week)
		require.NoError(t, err)
		assert.True(t, ok)
	})
	t.Run("the first coexistence sync record is kept", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		first := wabsp.CoexistenceSync{PhoneNumberID: phone, Type: wabsp.SyncHistory, RequestID: "first", RequestedAt: now}
		kept, err := s.SaveCoexistenceSync(ctx, first)
		require.NoError(t, err)
		assert.Equal(t, "first", kept.RequestID)
		kept, err = s.SaveCoexistenceSync(ctx, wabsp.CoexistenceSync{PhoneNumberID: phone, Type: wabsp.SyncHistory, RequestID: "second", RequestedAt: now})
		require.NoError(t, err)
		assert.Equal(t, "first", kept.RequestID)
		rec, err := s.LoadCoexistenceSync(ctx, phone, wabsp.SyncHistory)
		require.NoError(t, err)
		require.NotNil(t, rec)
		assert.Equal(t, "first", rec.RequestID)
		assert.True(t, now.Equal(rec.RequestedAt))
		rec, err = s.LoadCoexistenceSync(ctx, phone, wabsp.SyncContacts)
		require.NoError(t, err)
		assert.Nil(t, rec, "types are recorded apart")
	})
}
