package policy_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/policy"
)

const (
	phoneID = "106540352242922"
	alice   = "447700900001"
	bob     = "447700900002"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable time for table tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func newTracker(t *testing.T, opts ...policy.Option) (*policy.Tracker, *clock) {
	t.Helper()
	c := &clock{t: t0}
	tr, err := policy.NewTracker(append([]policy.Option{policy.WithClock(c.Now)}, opts...)...)
	require.NoError(t, err)
	return tr, c
}

func TestWindowIsExactAtTheTwentyFourHourBoundary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		after time.Duration // since the customer's last message
		open  bool
	}{
		{"just after the message the window is open", 0, true},
		{"at 23:59:59 the window is still open", policy.Day - time.Second, true},
		{"one millisecond before 24 hours the window is still open", policy.Day - time.Millisecond, true},
		{"at 24:00:00 the window is closed", policy.Day, false},
		{"a day later the window stays closed", 2 * policy.Day, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr, c := newTracker(t)
			ctx := context.Background()
			require.NoError(t, tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phoneID, CustomerWAID: alice, At: t0}))
			c.Set(t0.Add(tt.after))

			w, err := tr.Window(ctx, phoneID, alice)
			require.NoError(t, err)
			assert.Equal(t, tt.open, w.Open)
			assert.True(t, t0.Add(policy.Day).Equal(w.Until), "until %v", w.Until)

			d, err := tr.Classify(ctx, phoneID, alice)
			require.NoError(t, err)
			assert.Equal(t, tt.open, d.FreeForm)
			if tt.open {
				assert.Equal(t, policy.KindServiceWindow, d.Kind)
			} else {
				assert.Equal(t, policy.KindNewConversation, d.Kind)
			}
		})
	}
}

func TestAnInboundMessageWithoutATimeOpensTheWindowNow(t *testing.T) {
	t.Parallel()
	tr, c := newTracker(t)
	ctx := context.Background()
	c.Set(t0.Add(time.Hour))
	require.NoError(t, tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phoneID, CustomerWAID: alice}))
	w, err := tr.Window(ctx, phoneID, alice)
	require.NoError(t, err)
	assert.Equal(t, policy.Window{Open: true, Until: t0.Add(time.Hour + policy.Day), LastInbound: t0.Add(time.Hour)}, w)
}

func TestAWindowNeverOpenedIsClosedWithNoEnd(t *testing.T) {
	t.Parallel()
	tr, _ := newTracker(t)
	w, err := tr.Window(context.Background(), phoneID, alice)
	require.NoError(t, err)
	assert.Equal(t, policy.Window{}, w)
}

func TestLimitCountsUniqueCustomersOverAMovingDay(t *testing.T) {
	t.Parallel()
	// Alice is messaged at 0 and again at 0:30, Bob at 1:00: Alice counts
	// once, until 24 hours after her latest message.
	lim := func(used int, next time.Time) policy.Limit {
		return policy.Limit{Portfolio: phoneID, Tier: policy.Tier250, TierKnown: true, Max: 250, Used: used, Remaining: 250 - used, NextSlotAt: next}
	}
	tests := []struct {
		name string
		at   time.Duration
		want policy.Limit
	}{
		{"both count an hour after the second", 2 * time.Hour, lim(2, t0.Add(30*time.Minute+policy.Day))},
		{"at 24:00:00 after alice's first she still counts", policy.Day, lim(2, t0.Add(30*time.Minute+policy.Day))},
		{"one millisecond before 24 hours after her latest she still counts", 30*time.Minute + policy.Day - time.Millisecond, lim(2, t0.Add(30*time.Minute+policy.Day))},
		{"at 24:00:00 after her latest she no longer counts", 30*time.Minute + policy.Day, lim(1, t0.Add(time.Hour+policy.Day))},
		{"at 24:00:00 after bob's none counts", time.Hour + policy.Day, lim(0, time.Time{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr, c := newTracker(t)
			ctx := context.Background()
			require.NoError(t, tr.ObserveTierChange(ctx, policy.TierChange{PhoneNumberID: phoneID, Tier: "TIER_250"}))
			for _, send := range []struct {
				at       time.Duration
				customer string
			}{{0, alice}, {30 * time.Minute, alice}, {time.Hour, bob}} {
				c.Set(t0.Add(send.at))
				_, err := tr.ObserveSent(ctx, policy.Sent{PhoneNumberID: phoneID, CustomerWAID: send.customer, Template: true})
				require.NoError(t, err)
			}
			c.Set(t0.Add(tt.at))

			l, err := tr.Limit(ctx, phoneID)
			require.NoError(t, err)
			assert.Equal(t, tt.want, l)
		})
	}
}

func TestSentMessagesAreClassifiedByWindowConversationAndLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		inbound  bool // alice wrote at t0
		earlier  bool // a template went to alice at t0
		template bool
		at       time.Duration
		want     policy.Kind
		used     int
	}{
		{"a free-form reply inside the window counts nothing", true, false, false, time.Hour, policy.KindServiceWindow, 0},
		{"a template inside the window counts nothing", true, false, true, time.Hour, policy.KindServiceWindow, 0},
		{"a template after the window closed starts a conversation", true, false, true, policy.Day, policy.KindNewConversation, 1},
		{"a template to a customer who never wrote starts a conversation", false, false, true, 0, policy.KindNewConversation, 1},
		{"a second template within 24 hours is inside the open conversation", false, true, true, policy.Day - time.Second, policy.KindOpenConversation, 1},
		{"a template 24 hours after the first starts a new conversation", false, true, true, policy.Day, policy.KindNewConversation, 1},
		{"a free-form message outside the window records nothing", false, false, false, 0, policy.KindNewConversation, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr, c := newTracker(t)
			ctx := context.Background()
			if tt.inbound {
				require.NoError(t, tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phoneID, CustomerWAID: alice, At: t0}))
			}
			if tt.earlier {
				_, err := tr.ObserveSent(ctx, policy.Sent{PhoneNumberID: phoneID, CustomerWAID: alice, At: t0, Template: true})
				require.NoError(t, err)
			}
			c.Set(t0.Add(tt.at))
			d, err := tr.ObserveSent(ctx, policy.Sent{PhoneNumberID: phoneID, CustomerWAID: alice, Template: tt.template})
			require.NoError(t, err)
			assert.Equal(t, tt.want, d.Kind)
			assert.Equal(t, tt.used, d.Limit.Used)
		})
	}
}

func TestReserveTakesTheLastSlotOnceAndRefusesBeyondIt(t *testing.T) {
	t.Parallel()
	tr, c := newTracker(t)
	ctx := context.Background()
	require.NoError(t, tr.ObserveTierChange(ctx, policy.TierChange{PhoneNumberID: phoneID, Tier: policy.TierForLimit(1)}))

	d, err := tr.Reserve(ctx, phoneID, alice)
	require.NoError(t, err)
	assert.Equal(t, policy.KindNewConversation, d.Kind)
	assert.Equal(t, 0, d.Limit.Remaining)
	assert.True(t, t0.Add(policy.Day).Equal(d.ConversationUntil))

	d, err = tr.ObserveSent(ctx, policy.Sent{PhoneNumberID: phoneID, CustomerWAID: alice, Template: true})
	require.NoError(t, err)
	assert.Equal(t, policy.KindOpenConversation, d.Kind, "the send after its reservation counts nothing twice")

	d, err = tr.Reserve(ctx, phoneID, bob)
	require.NoError(t, err)
	assert.Equal(t, policy.KindLimitReached, d.Kind)
	assert.True(t, t0.Add(policy.Day).Equal(d.Limit.NextSlotAt), "a slot frees when alice's conversation ends")

	c.Set(t0.Add(policy.Day))
	d, err = tr.Reserve(ctx, phoneID, bob)
	require.NoError(t, err)
	assert.Equal(t, policy.KindNewConversation, d.Kind)
}

func TestStatusUpdatesCountConversationsTheTrackerDidNotSee(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status policy.StatusUpdate
		used   int
		start  time.Time
	}{
		{"a business-initiated origin counts from the conversation's start", policy.StatusUpdate{Status: "delivered", ConversationOrigin: "business_initiated", ConversationExpiresAt: t0.Add(policy.Day - time.Hour)}, 1, t0.Add(-time.Hour)},
		{"a marketing origin without expiry counts from the status time", policy.StatusUpdate{Status: "sent", ConversationOrigin: "marketing"}, 1, t0},
		{"a business-initiated origin counts even inside the window", policy.StatusUpdate{Status: "sent", ConversationOrigin: "utility", At: t0.Add(-time.Minute)}, 1, t0.Add(-time.Minute)},
		{"a status time ahead of the clock is taken as now", policy.StatusUpdate{Status: "sent", ConversationOrigin: "marketing", At: t0.Add(time.Hour)}, 1, t0},
		{"a service origin counts nothing", policy.StatusUpdate{Status: "sent", ConversationOrigin: "service"}, 0, time.Time{}},
		{"a user-initiated origin counts nothing", policy.StatusUpdate{Status: "sent", ConversationOrigin: "user_initiated"}, 0, time.Time{}},
		{"a failed message counts nothing", policy.StatusUpdate{Status: "failed", ConversationOrigin: "marketing"}, 0, time.Time{}},
		{"a pricing category alone counts nothing inside the window", policy.StatusUpdate{Status: "sent", PricingCategory: "marketing"}, 0, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr, _ := newTracker(t)
			ctx := context.Background()
			if tt.status.ConversationOrigin == "utility" || tt.status.PricingCategory != "" {
				require.NoError(t, tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phoneID, CustomerWAID: alice, At: t0}))
			}
			tt.status.PhoneNumberID, tt.status.CustomerWAID = phoneID, alice
			require.NoError(t, tr.ObserveStatus(ctx, tt.status))
			d, err := tr.Classify(ctx, phoneID, alice)
			require.NoError(t, err)
			assert.Equal(t, tt.used, d.Limit.Used)
			if tt.start.IsZero() {
				assert.True(t, d.ConversationUntil.IsZero())
			} else {
				assert.True(t, tt.start.Add(policy.Day).Equal(d.ConversationUntil), "until %v", d.ConversationUntil)
			}
		})
	}
}

func TestAPricingCategoryOutsideTheWindowCounts(t *testing.T) {
	t.Parallel()
	tr, _ := newTracker(t)
	ctx := context.Background()
	require.NoError(t, tr.ObserveStatus(ctx, policy.StatusUpdate{PhoneNumberID: phoneID, CustomerWAID: alice, Status: "delivered", PricingCategory: "MARKETING"}))
	l, err := tr.Limit(ctx, phoneID)
	require.NoError(t, err)
	assert.Equal(t, 1, l.Used)
}

func TestTierChangesSetTheLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tier policy.Tier
		want policy.Limit
	}{
		{"no tier observed means the default, where Meta starts every portfolio", "", policy.Limit{Tier: policy.Tier250, Max: 250, Remaining: 250}},
		{"TIER_2K allows two thousand", "TIER_2K", policy.Limit{Tier: policy.Tier2K, TierKnown: true, Max: 2000, Remaining: 2000}},
		{"the retired TIER_1K still reads as a thousand", "TIER_1K", policy.Limit{Tier: policy.Tier1K, TierKnown: true, Max: 1000, Remaining: 1000}},
		{"a lower-case tier is understood", "tier_10k", policy.Limit{Tier: policy.Tier10K, TierKnown: true, Max: 10000, Remaining: 10000}},
		{"TIER_UNLIMITED has no limit", "TIER_UNLIMITED", policy.Limit{Tier: policy.TierUnlimited, TierKnown: true, Unlimited: true}},
		{"a tier Meta adds later is read by its shape", "TIER_5K", policy.Limit{Tier: "TIER_5K", TierKnown: true, Max: 5000, Remaining: 5000}},
		{"a tier without a number is kept and limited like the default", "TIER_BIG", policy.Limit{Tier: "TIER_BIG", TierKnown: true, Max: 250, Remaining: 250}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr, _ := newTracker(t)
			ctx := context.Background()
			if tt.tier != "" {
				require.NoError(t, tr.ObserveTierChange(ctx, policy.TierChange{PhoneNumberID: phoneID, Tier: tt.tier}))
			}
			l, err := tr.Limit(ctx, phoneID)
			require.NoError(t, err)
			tt.want.Portfolio = phoneID
			assert.Equal(t, tt.want, l)
		})
	}
}

func TestMissingIdsAreRefusedBeforeTheStoreIsTouched(t *testing.T) {
	t.Parallel()
	tr, _ := newTracker(t, policy.WithStore(failingStore{}))
	ctx := context.Background()
	calls := map[string]func() error{
		"Window":            func() error { _, err := tr.Window(ctx, "", ""); return err },
		"Limit":             func() error { _, err := tr.Limit(ctx, " "); return err },
		"Classify":          func() error { _, err := tr.Classify(ctx, phoneID, ""); return err },
		"Reserve":           func() error { _, err := tr.Reserve(ctx, "", alice); return err },
		"ObserveInbound":    func() error { return tr.ObserveInbound(ctx, policy.InboundMessage{}) },
		"ObserveSent":       func() error { _, err := tr.ObserveSent(ctx, policy.Sent{PhoneNumberID: phoneID}); return err },
		"ObserveStatus":     func() error { return tr.ObserveStatus(ctx, policy.StatusUpdate{CustomerWAID: alice}) },
		"ObserveTierChange": func() error { return tr.ObserveTierChange(ctx, policy.TierChange{Tier: policy.Tier1K}) },
	}
	for name, call := range calls {
		err := call()
		require.ErrorIs(t, err, policy.ErrInvalidInput, name)
		assert.Contains(t, err.Error(), name)
	}
	_, err := tr.Window(ctx, "", "")
	assert.ErrorContains(t, err, "phone_number_id is required; wa_id or user_id is required", "every problem at once")
}

func TestBadOptionsAreRefused(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]policy.Option{
		"nil store":         policy.WithStore(nil),
		"nil clock":         policy.WithClock(nil),
		"tier with no size": policy.WithDefaultTier("TIER_SOME"),
	} {
		_, err := policy.NewTracker(opt)
		assert.ErrorIs(t, err, policy.ErrInvalidInput, name)
	}
}

func TestParseTierAndTierForLimitAgree(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in    string
		tier  policy.Tier
		limit int
		ok    bool
	}{
		{"TIER_50", policy.Tier50, 50, true},
		{" TIER_250 ", policy.Tier250, 250, true},
		{"TIER_10K", policy.Tier10K, 10000, true},
		{"TIER_100K", policy.Tier100K, 100000, true},
		{"UNLIMITED", policy.TierUnlimited, policy.Unlimited, true},
		{"TIER_0", "TIER_0", 0, false},
		{"TIER_+5", "TIER_+5", 0, false},
		{"TIER_K", "TIER_K", 0, false},
		{"gold", "gold", 0, false},
	} {
		tier := policy.ParseTier(tc.in)
		assert.Equal(t, tc.tier, tier, tc.in)
		limit, ok := tier.Limit()
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.limit, limit, tc.in)
		if ok {
			assert.Equal(t, tier, policy.TierForLimit(limit), tc.in)
		}
	}
}

func TestTheMemoryStoreDeduplicatesWithinItsTTL(t *testing.T) {
	t.Parallel()
	c := &clock{t: t0}
	s := policy.NewMemoryStore(policy.WithMemoryClock(c.Now), policy.WithMemoryDedupTTL(time.Hour))
	ctx := context.Background()
	// Each step claims the key and, when it got it, completes it.
	for _, step := range []struct {
		at   time.Duration
		want wabsp.DedupState
	}{{0, wabsp.DedupClaimed}, {time.Hour - time.Millisecond, wabsp.DedupDone}, {time.Hour, wabsp.DedupClaimed}, {time.Hour + time.Second, wabsp.DedupDone}} {
		c.Set(t0.Add(step.at))
		st, err := s.Claim(ctx, "wamid.X", "owner", time.Minute)
		require.NoError(t, err)
		assert.Equal(t, step.want, st, "at +%v", step.at)
		if st == wabsp.DedupClaimed {
			require.NoError(t, s.Complete(ctx, "wamid.X"))
		}
	}
}

// failingStore fails the test's expectations if any of it is reached.
type failingStore struct{ policy.Store }

func TestAnInboundTimeAheadOfTheClockOpensTheWindowFromNow(t *testing.T) {
	t.Parallel()
	tr, _ := newTracker(t)
	ctx := context.Background()
	require.NoError(t, tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phoneID, CustomerWAID: alice, At: t0.Add(365 * policy.Day)}))
	w, err := tr.Window(ctx, phoneID, alice)
	require.NoError(t, err)
	assert.True(t, t0.Add(policy.Day).Equal(w.Until), "until %v", w.Until)
}
