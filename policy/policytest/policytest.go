// Package policytest checks that a policy.Store behaves like the others:
// the same answers at the 24-hour boundaries, the same rolling count, and
// atomic operations under concurrency. Every store in this module runs it;
// a store of your own can too.
package policytest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/policy"
)

// T0 is the moment the scenarios start at.
var T0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	phone          = "106540352242922"
	alice          = "447700900001"
	bob            = "447700900002"
	carol          = "447700900003"
	otherPhone     = "106540352242923"
	waba           = "102290129340398"
	portfolio      = "198765432109876"
	otherPortfolio = "198765432109877"
	// BSUIDs: a country code, a dot and up to 128 letters and digits.
	aliceUser    = "GB.13491208655302741918"
	aliceNewUser = "GB.55501234987654321098"
)

// RunStoreTests runs the conformance scenarios, each on a fresh, empty store
// from newStore: windows exact at 24 hours, the moving count of unique
// customers shared by the numbers of a portfolio, customers by phone number
// or BSUID, and deduplication.
func RunStoreTests(t *testing.T, newStore func(t *testing.T) policy.Store) {
	t.Run("a window is open one millisecond before 24 hours and closed at 24 hours", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		require.NoError(t, s.RecordInbound(ctx, phone, alice, T0))

		snap, err := s.Snapshot(ctx, phone, alice, T0.Add(policy.Day-time.Second))
		require.NoError(t, err)
		assert.True(t, T0.Equal(snap.LastInbound), "last inbound %v", snap.LastInbound)

		for _, tc := range []struct {
			after time.Duration
			want  policy.Kind
		}{
			{policy.Day - time.Second, policy.KindServiceWindow},
			{policy.Day - time.Millisecond, policy.KindServiceWindow},
			{policy.Day, policy.KindNewConversation},
		} {
			res, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: alice, At: T0.Add(tc.after), DefaultLimit: 50})
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Kind, "at +%v", tc.after)
		}
	})

	t.Run("the latest inbound message wins whatever the order of arrival", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		require.NoError(t, s.RecordInbound(ctx, phone, alice, T0.Add(time.Hour)))
		require.NoError(t, s.RecordInbound(ctx, phone, alice, T0))
		snap, err := s.Snapshot(ctx, phone, alice, T0.Add(2*time.Hour))
		require.NoError(t, err)
		assert.True(t, T0.Add(time.Hour).Equal(snap.LastInbound), "last inbound %v", snap.LastInbound)
	})

	t.Run("a customer stays counted until exactly 24 hours after the latest send that counted them", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		latest := time.Hour + policy.Day - time.Millisecond
		for _, tc := range []struct {
			after time.Duration
			want  policy.Kind
			start time.Duration
		}{
			{0, policy.KindNewConversation, 0},
			{time.Hour, policy.KindOpenConversation, time.Hour},
			{latest, policy.KindOpenConversation, latest},
			{time.Hour, policy.KindOpenConversation, latest}, // late news of an earlier send changes nothing
			{latest + policy.Day, policy.KindNewConversation, latest + policy.Day},
		} {
			res, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: alice, At: T0.Add(tc.after), DefaultLimit: 50})
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Kind, "at +%v", tc.after)
			assert.True(t, T0.Add(tc.start).Equal(res.ConversationStart), "at +%v: counted from %v", tc.after, res.ConversationStart)
			assert.Equal(t, 1, res.Used, "at +%v", tc.after)
		}
		for _, tc := range []struct {
			at   time.Duration
			used int
		}{{latest + policy.Day - time.Millisecond, 1}, {latest + 2*policy.Day, 0}} {
			snap, err := s.Snapshot(ctx, phone, alice, T0.Add(tc.at))
			require.NoError(t, err)
			assert.Equal(t, tc.used, snap.Used, "at +%v", tc.at)
		}
	})

	t.Run("the rolling count drops a conversation exactly 24 hours after it started", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		for i, c := range []string{alice, bob, carol} {
			_, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: c, At: T0.Add(time.Duration(i) * time.Hour), DefaultLimit: 50})
			require.NoError(t, err)
		}
		for _, tc := range []struct {
			at     time.Time
			used   int
			oldest time.Time
		}{
			{T0.Add(policy.Day - time.Second), 3, T0},
			{T0.Add(policy.Day - time.Millisecond), 3, T0},
			{T0.Add(policy.Day), 2, T0.Add(time.Hour)},
			{T0.Add(policy.Day + 2*time.Hour), 0, time.Time{}},
		} {
			snap, err := s.Snapshot(ctx, phone, "", tc.at)
			require.NoError(t, err)
			assert.Equal(t, tc.used, snap.Used, "at %v", tc.at)
			assert.True(t, tc.oldest.Equal(snap.Oldest), "at %v: oldest %v", tc.at, snap.Oldest)
		}
		snap, err := s.Snapshot(ctx, phone, alice, T0.Add(policy.Day))
		require.NoError(t, err)
		assert.True(t, snap.ConversationStart.IsZero(), "alice's conversation ended")
		snap, err = s.Snapshot(ctx, phone, bob, T0.Add(policy.Day))
		require.NoError(t, err)
		assert.True(t, T0.Add(time.Hour).Equal(snap.ConversationStart), "bob's conversation is open")
	})

	t.Run("an enforced start beyond the limit is refused and records nothing", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		start := func(c string, enforce bool) policy.StartResult {
			res, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: c, At: T0.Add(time.Minute), Enforce: enforce, DefaultLimit: 2})
			require.NoError(t, err)
			return res
		}
		assert.Equal(t, policy.KindNewConversation, start(alice, true).Kind)
		assert.Equal(t, policy.KindNewConversation, start(bob, true).Kind)
		res := start(carol, true)
		assert.Equal(t, policy.KindLimitReached, res.Kind)
		assert.Equal(t, 2, res.Used)
		assert.True(t, res.ConversationStart.IsZero())
		assert.Equal(t, policy.KindOpenConversation, start(alice, true).Kind, "an open conversation needs no slot")
		res = start(carol, false)
		assert.Equal(t, policy.KindNewConversation, res.Kind, "a send that happened is counted")
		assert.Equal(t, 3, res.Used)
	})

	t.Run("a recorded tier overrides the default limit", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		require.NoError(t, s.SetTier(ctx, phone, policy.Tier50, 1))
		snap, err := s.Snapshot(ctx, phone, "", T0)
		require.NoError(t, err)
		assert.Equal(t, policy.Snapshot{Portfolio: phone, Tier: policy.Tier50, Limit: 1, TierKnown: true}, snap)

		req := policy.StartRequest{PhoneNumberID: phone, CustomerID: alice, At: T0, Enforce: true, DefaultLimit: 100}
		res, err := s.StartConversation(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, policy.KindNewConversation, res.Kind)
		req.CustomerID = bob
		res, err = s.StartConversation(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, policy.KindLimitReached, res.Kind)
		assert.Equal(t, 1, res.Limit)

		require.NoError(t, s.SetTier(ctx, phone, policy.TierUnlimited, policy.Unlimited))
		res, err = s.StartConversation(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, policy.KindNewConversation, res.Kind)
		assert.Equal(t, policy.Unlimited, res.Limit)
		assert.Equal(t, policy.TierUnlimited, res.Tier)
	})

	t.Run("Meta's word that a conversation is business-initiated beats an open window", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		require.NoError(t, s.RecordInbound(ctx, phone, alice, T0))
		res, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: alice, At: T0.Add(time.Hour), IgnoreWindow: true, DefaultLimit: 50})
		require.NoError(t, err)
		assert.Equal(t, policy.KindNewConversation, res.Kind)
		assert.Equal(t, 1, res.Used)
	})

	t.Run("a send seen out of order counts the customer once, from the later send", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		_, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: alice, At: T0.Add(2 * time.Hour), DefaultLimit: 50})
		require.NoError(t, err)
		res, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: alice, At: T0.Add(time.Hour), DefaultLimit: 50})
		require.NoError(t, err)
		assert.Equal(t, policy.KindOpenConversation, res.Kind)
		assert.Equal(t, 1, res.Used)
		assert.True(t, T0.Add(2*time.Hour).Equal(res.ConversationStart))
		snap, err := s.Snapshot(ctx, phone, alice, T0.Add(policy.Day+2*time.Hour-time.Millisecond))
		require.NoError(t, err)
		assert.Equal(t, 1, snap.Used)
		snap, err = s.Snapshot(ctx, phone, alice, T0.Add(policy.Day+2*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, 0, snap.Used, "counted until 24 hours after the later send")
	})

	t.Run("phone numbers of different portfolios share neither windows nor counts", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		require.NoError(t, s.RecordInbound(ctx, phone, alice, T0))
		_, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: bob, At: T0, DefaultLimit: 50})
		require.NoError(t, err)
		snap, err := s.Snapshot(ctx, otherPhone, alice, T0)
		require.NoError(t, err)
		assert.Equal(t, policy.Snapshot{Portfolio: otherPhone}, snap, "each number counts alone while its portfolio is unknown")

		require.NoError(t, s.SetPortfolio(ctx, phone, portfolio))
		require.NoError(t, s.SetPortfolio(ctx, otherPhone, otherPortfolio))
		snap, err = s.Snapshot(ctx, otherPhone, alice, T0)
		require.NoError(t, err)
		assert.Equal(t, policy.Snapshot{Portfolio: otherPortfolio}, snap)
	})

	t.Run("the numbers of one portfolio draw on one count and keep their own windows", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		require.NoError(t, s.SetPortfolio(ctx, phone, portfolio))
		require.NoError(t, s.SetPortfolio(ctx, otherPhone, portfolio))
		require.NoError(t, s.SetTier(ctx, portfolio, policy.Tier("TIER_2"), 2))
		start := func(number, c string, at time.Duration) policy.StartResult {
			t.Helper()
			res, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: number, CustomerID: c, At: T0.Add(at), Enforce: true, DefaultLimit: 250})
			require.NoError(t, err)
			assert.Equal(t, portfolio, res.Portfolio)
			return res
		}
		assert.Equal(t, policy.KindNewConversation, start(phone, alice, 0).Kind)
		assert.Equal(t, policy.KindNewConversation, start(otherPhone, bob, time.Hour).Kind)
		res := start(phone, carol, 2*time.Hour)
		assert.Equal(t, policy.KindLimitReached, res.Kind, "the other number used the last slot")
		assert.Equal(t, 2, res.Used)
		assert.Equal(t, 2, res.Limit)
		assert.Equal(t, policy.KindOpenConversation, start(otherPhone, alice, 3*time.Hour).Kind, "a customer counts once for the portfolio")

		require.NoError(t, s.RecordInbound(ctx, phone, carol, T0.Add(4*time.Hour)))
		assert.Equal(t, policy.KindServiceWindow, start(phone, carol, 5*time.Hour).Kind)
		assert.Equal(t, policy.KindLimitReached, start(otherPhone, carol, 5*time.Hour).Kind, "a window is the number's own")

		for _, tc := range []struct {
			at   time.Duration
			used int
		}{
			{time.Hour + policy.Day - time.Millisecond, 2}, // bob counted at +1h, alice again at +3h
			{time.Hour + policy.Day, 1},
			{3*time.Hour + policy.Day, 0},
		} {
			for _, number := range []string{phone, otherPhone} {
				snap, err := s.Snapshot(ctx, number, "", T0.Add(tc.at))
				require.NoError(t, err)
				assert.Equal(t, tc.used, snap.Used, "%s at +%v", number, tc.at)
			}
		}
	})

	t.Run("a number's count and tier join its portfolio when it is mapped", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		require.NoError(t, s.SetTier(ctx, phone, policy.Tier2K, 2000))
		_, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: alice, At: T0, DefaultLimit: 250})
		require.NoError(t, err)
		_, err = s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: bob, At: T0.Add(time.Hour), DefaultLimit: 250})
		require.NoError(t, err)
		require.NoError(t, s.RecordInbound(ctx, phone, carol, T0))
		require.NoError(t, s.LinkCustomer(ctx, phone, alice, aliceUser))

		require.NoError(t, s.SetPortfolio(ctx, otherPhone, portfolio))
		require.NoError(t, s.SetTier(ctx, portfolio, policy.Tier250, 250))
		_, err = s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: otherPhone, CustomerID: bob, At: T0.Add(2 * time.Hour), DefaultLimit: 250})
		require.NoError(t, err)

		require.NoError(t, s.SetPortfolio(ctx, phone, portfolio))
		p, err := s.Portfolio(ctx, phone)
		require.NoError(t, err)
		assert.Equal(t, portfolio, p)
		p, err = s.Portfolio(ctx, "123456789012345")
		require.NoError(t, err)
		assert.Empty(t, p, "an id never mapped has no portfolio")

		snap, err := s.Snapshot(ctx, otherPhone, aliceUser, T0.Add(3*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, portfolio, snap.Portfolio)
		assert.Equal(t, 2, snap.Used, "alice and bob, bob once")
		assert.Equal(t, policy.Tier2K, snap.Tier, "the higher tier wins")
		assert.Equal(t, 2000, snap.Limit)
		assert.True(t, T0.Equal(snap.ConversationStart), "alice's count and link came along")
		snap, err = s.Snapshot(ctx, phone, bob, T0.Add(3*time.Hour))
		require.NoError(t, err)
		assert.True(t, T0.Add(2*time.Hour).Equal(snap.ConversationStart), "bob at the later of the two sends")
		snap, err = s.Snapshot(ctx, phone, carol, T0.Add(3*time.Hour))
		require.NoError(t, err)
		assert.True(t, T0.Equal(snap.LastInbound), "the number's windows came along")
		require.NoError(t, s.SetPortfolio(ctx, phone, portfolio), "mapping again changes nothing")
		snap, err = s.Snapshot(ctx, phone, "", T0.Add(3*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, 2, snap.Used)
	})

	t.Run("a tier set through a WABA reaches every number of its portfolio", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		require.NoError(t, s.SetPortfolio(ctx, waba, portfolio))
		require.NoError(t, s.SetPortfolio(ctx, phone, portfolio))
		require.NoError(t, s.SetTier(ctx, waba, policy.Tier10K, 10000))
		snap, err := s.Snapshot(ctx, phone, "", T0)
		require.NoError(t, err)
		assert.Equal(t, policy.Snapshot{Portfolio: portfolio, Tier: policy.Tier10K, Limit: 10000, TierKnown: true}, snap)
	})

	t.Run("a window opened under a BSUID is found by the phone number linked to it, before or after", func(t *testing.T) {
		for _, linkFirst := range []bool{true, false} {
			s, ctx := newStore(t), context.Background()
			if linkFirst {
				require.NoError(t, s.LinkCustomer(ctx, phone, alice, aliceUser))
			}
			require.NoError(t, s.RecordInbound(ctx, phone, aliceUser, T0))
			if !linkFirst {
				require.NoError(t, s.LinkCustomer(ctx, phone, alice, aliceUser))
			}
			for _, id := range []string{alice, aliceUser} {
				for _, tc := range []struct {
					after time.Duration
					want  policy.Kind
				}{
					{policy.Day - time.Millisecond, policy.KindServiceWindow},
					{policy.Day, policy.KindNewConversation},
				} {
					snap, err := s.Snapshot(ctx, phone, id, T0.Add(tc.after))
					require.NoError(t, err)
					assert.True(t, T0.Equal(snap.LastInbound), "link first %v, %s: last inbound %v", linkFirst, id, snap.LastInbound)
					res, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: id, At: T0.Add(tc.after), DefaultLimit: 50, Enforce: true})
					require.NoError(t, err)
					if tc.want == policy.KindNewConversation && id == aliceUser {
						tc.want = policy.KindOpenConversation // the phone number's send just started it
					}
					assert.Equal(t, tc.want, res.Kind, "link first %v, %s at +%v", linkFirst, id, tc.after)
					assert.LessOrEqual(t, res.Used, 1, "one customer counts once whichever id is used")
				}
			}
		}
	})

	t.Run("a phone number's window and conversation join its BSUID's when linked", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		require.NoError(t, s.RecordInbound(ctx, phone, alice, T0.Add(time.Hour)))
		require.NoError(t, s.RecordInbound(ctx, phone, aliceUser, T0))
		_, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: aliceUser, At: T0.Add(-2 * time.Hour), IgnoreWindow: true, DefaultLimit: 50})
		require.NoError(t, err)
		_, err = s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: alice, At: T0.Add(-time.Hour), IgnoreWindow: true, DefaultLimit: 50})
		require.NoError(t, err)
		snap, err := s.Snapshot(ctx, phone, "", T0)
		require.NoError(t, err)
		require.Equal(t, 2, snap.Used, "before the link they look like two customers")

		require.NoError(t, s.LinkCustomer(ctx, phone, alice, aliceUser))
		for _, id := range []string{alice, aliceUser} {
			snap, err := s.Snapshot(ctx, phone, id, T0.Add(2*time.Hour))
			require.NoError(t, err)
			assert.True(t, T0.Add(time.Hour).Equal(snap.LastInbound), "%s: the later window wins, got %v", id, snap.LastInbound)
			assert.True(t, T0.Add(-time.Hour).Equal(snap.ConversationStart), "%s: the later count wins, got %v", id, snap.ConversationStart)
			assert.Equal(t, 1, snap.Used, "%s: counted once", id)
		}
		require.NoError(t, s.LinkCustomer(ctx, phone, alice, aliceUser), "linking again changes nothing")
		snap, err = s.Snapshot(ctx, phone, alice, T0.Add(2*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, 1, snap.Used)
	})

	t.Run("an id change moves the window and conversation, and the old ids read the new one", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		require.NoError(t, s.LinkCustomer(ctx, phone, alice, aliceUser))
		require.NoError(t, s.RecordInbound(ctx, phone, aliceUser, T0))
		_, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: aliceUser, At: T0, IgnoreWindow: true, DefaultLimit: 50})
		require.NoError(t, err)

		require.NoError(t, s.LinkCustomer(ctx, phone, aliceUser, aliceNewUser))
		for _, id := range []string{aliceNewUser, aliceUser, alice} {
			snap, err := s.Snapshot(ctx, phone, id, T0.Add(policy.Day-time.Millisecond))
			require.NoError(t, err)
			assert.True(t, T0.Equal(snap.LastInbound), "%s: last inbound %v", id, snap.LastInbound)
			assert.True(t, T0.Equal(snap.ConversationStart), "%s: conversation start %v", id, snap.ConversationStart)
			assert.Equal(t, 1, snap.Used, id)
		}
		require.NoError(t, s.RecordInbound(ctx, phone, alice, T0.Add(time.Hour)))
		snap, err := s.Snapshot(ctx, phone, aliceNewUser, T0.Add(time.Hour))
		require.NoError(t, err)
		assert.True(t, T0.Add(time.Hour).Equal(snap.LastInbound), "a message by the old phone number lands on the new id")
		snap, err = s.Snapshot(ctx, phone, bob, T0)
		require.NoError(t, err)
		assert.True(t, snap.LastInbound.IsZero(), "other customers are untouched")
	})

	t.Run("a link back to where an id already leads is no cycle", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		require.NoError(t, s.LinkCustomer(ctx, phone, alice, aliceUser))
		require.NoError(t, s.LinkCustomer(ctx, phone, aliceUser, alice))
		require.NoError(t, s.RecordInbound(ctx, phone, alice, T0))
		for _, id := range []string{alice, aliceUser} {
			snap, err := s.Snapshot(ctx, phone, id, T0)
			require.NoError(t, err)
			assert.True(t, T0.Equal(snap.LastInbound), id)
		}
	})

	t.Run("deduplication moves a key from claimed to done, only after Complete", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		claim := func(key, owner string) wabsp.DedupState {
			t.Helper()
			st, err := s.Claim(ctx, key, owner, time.Minute)
			require.NoError(t, err)
			return st
		}
		assert.Equal(t, wabsp.DedupClaimed, claim("wamid.A", "one"))
		assert.Equal(t, wabsp.DedupInProgress, claim("wamid.A", "two"), "a live lease holds the key for anyone")
		assert.Equal(t, wabsp.DedupClaimed, claim("wamid.B", "two"), "keys are independent")
		require.NoError(t, s.Release(ctx, "wamid.A", "two"))
		assert.Equal(t, wabsp.DedupInProgress, claim("wamid.A", "two"), "only the owner's release drops the lease")
		require.NoError(t, s.Release(ctx, "wamid.A", "one"))
		assert.Equal(t, wabsp.DedupClaimed, claim("wamid.A", "two"), "a released key is claimed at once")
		require.NoError(t, s.Complete(ctx, "wamid.A"))
		assert.Equal(t, wabsp.DedupDone, claim("wamid.A", "three"))
		require.NoError(t, s.Release(ctx, "wamid.A", "two"))
		assert.Equal(t, wabsp.DedupDone, claim("wamid.A", "three"), "a late release does not undo done")
		require.NoError(t, s.Release(ctx, "wamid.never-seen", "x"), "releasing an unknown key is not an error")
	})

	t.Run("a batch claims and completes like one key at a time", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		b, ok := s.(wabsp.BatchDeduplicator)
		if !ok {
			t.Skip("the store claims one key at a time")
		}
		require.NoError(t, s.Complete(ctx, "wamid.done"))
		states, err := b.ClaimBatch(ctx, []string{"wamid.a", "wamid.b", "wamid.a", "wamid.done"}, "one", time.Minute)
		require.NoError(t, err)
		assert.Equal(t, []wabsp.DedupState{wabsp.DedupClaimed, wabsp.DedupClaimed, wabsp.DedupInProgress, wabsp.DedupDone}, states,
			"a key given twice is claimed by its first copy")
		require.NoError(t, b.CompleteBatch(ctx, []string{"wamid.a"}))
		states, err = b.ClaimBatch(ctx, []string{"wamid.a", "wamid.b"}, "two", time.Minute)
		require.NoError(t, err)
		assert.Equal(t, []wabsp.DedupState{wabsp.DedupDone, wabsp.DedupInProgress}, states)
	})

	t.Run("an expired lease is claimed again", func(t *testing.T) {
		s, ctx := newStore(t), context.Background()
		const lease = 50 * time.Millisecond
		st, err := s.Claim(ctx, "wamid.crashed", "dead-replica", lease)
		require.NoError(t, err)
		require.Equal(t, wabsp.DedupClaimed, st)
		time.Sleep(3 * lease)
		st, err = s.Claim(ctx, "wamid.crashed", "live-replica", time.Minute)
		require.NoError(t, err)
		assert.Equal(t, wabsp.DedupClaimed, st)
		require.NoError(t, s.Release(ctx, "wamid.crashed", "dead-replica"))
		st, err = s.Claim(ctx, "wamid.crashed", "third", time.Minute)
		require.NoError(t, err)
		assert.Equal(t, wabsp.DedupInProgress, st, "the expired owner's late release leaves the new lease")
	})

	t.Run("concurrent enforced starts never pass the limit", func(t *testing.T) {
		s := newStore(t)
		const n, limit = 64, 10
		kinds := concurrently(t, n, func(ctx context.Context, i int) (policy.Kind, error) {
			res, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: fmt.Sprintf("44770090%04d", i), At: T0, Enforce: true, DefaultLimit: limit})
			return res.Kind, err
		})
		assert.Equal(t, map[policy.Kind]int{policy.KindNewConversation: limit, policy.KindLimitReached: n - limit}, kinds)
		snap, err := s.Snapshot(context.Background(), phone, "", T0)
		require.NoError(t, err)
		assert.Equal(t, limit, snap.Used)
	})

	t.Run("concurrent starts with one customer count one conversation", func(t *testing.T) {
		s := newStore(t)
		kinds := concurrently(t, 64, func(ctx context.Context, i int) (policy.Kind, error) {
			res, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: alice, At: T0, Enforce: true, DefaultLimit: 1})
			return res.Kind, err
		})
		assert.Equal(t, map[policy.Kind]int{policy.KindNewConversation: 1, policy.KindOpenConversation: 63}, kinds)
	})

	t.Run("concurrent inbound messages leave the latest", func(t *testing.T) {
		s := newStore(t)
		concurrently(t, 64, func(ctx context.Context, i int) (policy.Kind, error) {
			return "", s.RecordInbound(ctx, phone, alice, T0.Add(time.Duration(i)*time.Second))
		})
		snap, err := s.Snapshot(context.Background(), phone, alice, T0.Add(time.Hour))
		require.NoError(t, err)
		assert.True(t, T0.Add(63*time.Second).Equal(snap.LastInbound), "last inbound %v", snap.LastInbound)
	})

	t.Run("concurrent claims of one key let exactly one through", func(t *testing.T) {
		s := newStore(t)
		kinds := concurrently(t, 64, func(ctx context.Context, i int) (policy.Kind, error) {
			st, err := s.Claim(ctx, "wamid.same", fmt.Sprint("owner-", i), time.Minute)
			return policy.Kind(st.String()), err
		})
		assert.Equal(t, map[policy.Kind]int{"claimed": 1, "in_progress": 63}, kinds)
	})
}

// concurrently runs f n times at once and tallies its answers.
func concurrently(t *testing.T, n int, f func(ctx context.Context, i int) (policy.Kind, error)) map[policy.Kind]int {
	t.Helper()
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		kinds  = map[policy.Kind]int{}
		errs   []error
		starts = make(chan struct{})
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-starts
			k, err := f(context.Background(), i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			if k != "" {
				kinds[k]++
			}
		}(i)
	}
	close(starts)
	wg.Wait()
	require.Empty(t, errs)
	return kinds
}
