package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/redistest"
	"github.com/wabsp/wabsp/policy"
	"github.com/wabsp/wabsp/policy/policytest"
	"github.com/wabsp/wabsp/policy/redisstore"
)

// redisURL is the server scripts/redis-for-tests.sh started.
func redisURL(tb testing.TB) string { return redistest.URL(tb) }

// roundTrips counts the commands and pipelines sent to Redis: each is one
// round trip. The handshake of a new connection (HELLO, CLIENT SETINFO),
// which the pool does when it pleases, is not counted.
type roundTrips struct{ n atomic.Int64 }

func (c *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !handshake(cmd) {
			c.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (c *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) == 0 || !handshake(cmds[0]) {
			c.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

func handshake(cmd redis.Cmder) bool { return cmd.Name() == "hello" || cmd.Name() == "client" }

// newClient connects to the test server with a round-trip counter.
func newClient(tb testing.TB) (*redis.Client, *roundTrips) {
	tb.Helper()
	o, err := redis.ParseURL(redisURL(tb))
	require.NoError(tb, err)
	rdb := redis.NewClient(o)
	tb.Cleanup(func() { _ = rdb.Close() })
	rt := &roundTrips{}
	rdb.AddHook(rt)
	return rdb, rt
}

// newStore returns a Store under a prefix no other test uses, deleting its
// keys afterwards.
func newStore(tb testing.TB, opts ...redisstore.Option) (*redisstore.Store, *redis.Client, *roundTrips) {
	tb.Helper()
	rdb, rt := newClient(tb)
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "wabsp-test:" + hex.EncodeToString(b[:]) + ":"
	s := redisstore.New(rdb, append([]redisstore.Option{redisstore.WithPrefix(prefix)}, opts...)...)
	require.NoError(tb, s.Load(context.Background()))
	tb.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	return s, rdb, rt
}

func TestRedisStoreBehavesLikeEveryStore(t *testing.T) {
	t.Parallel()
	redisURL(t)
	policytest.RunStoreTests(t, func(t *testing.T) policy.Store {
		s, _, _ := newStore(t)
		return s
	})
	policytest.RunOnboardingStoreTests(t, func(t *testing.T) policytest.OnboardingStore {
		s, _, _ := newStore(t)
		return s
	})
}

func TestEveryRedisOperationIsOneRoundTrip(t *testing.T) {
	t.Parallel()
	s, _, rt := newStore(t)
	tr, err := policy.NewTracker(policy.WithStore(s), policy.WithClock(func() time.Time { return policytest.T0 }))
	require.NoError(t, err)
	ctx := context.Background()
	const phone, customer = "106540352242922", "447700900001"
	// The first operation on a number reads its portfolio once more; the
	// Store remembers it (or its absence, for NoPortfolioRecheck).
	before := rt.n.Load()
	_, err = tr.Limit(ctx, phone)
	require.NoError(t, err)
	assert.Equal(t, int64(2), rt.n.Load()-before, "the first question about a number")
	// The first delivery of a customer with both ids records the link too.
	before = rt.n.Load()
	require.NoError(t, tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phone, CustomerWAID: "447700900005", CustomerUserID: "GB.20937461029384756102"}))
	assert.Equal(t, int64(2), rt.n.Load()-before, "link and record")
	ops := []struct {
		name string
		call func() error
	}{
		{"ObserveTierChange", func() error {
			return tr.ObserveTierChange(ctx, policy.TierChange{PhoneNumberID: phone, Tier: policy.Tier1K})
		}},
		{"ObserveInbound", func() error {
			return tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phone, CustomerWAID: customer})
		}},
		{"ObserveInbound by phone number and BSUID, linked before", func() error {
			return tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phone, CustomerWAID: "447700900005", CustomerUserID: "GB.20937461029384756102"})
		}},
		{"ObserveInbound by BSUID", func() error {
			return tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phone, CustomerUserID: "GB.13491208655302741918"})
		}},
		{"ObserveIDChange", func() error {
			return tr.ObserveIDChange(ctx, policy.IDChange{PhoneNumberID: phone, From: "GB.13491208655302741918", To: "GB.55501234987654321098"})
		}},
		{"Window", func() error { _, err := tr.Window(ctx, phone, customer); return err }},
		{"Window by BSUID", func() error { _, err := tr.Window(ctx, phone, "GB.55501234987654321098"); return err }},
		{"Limit", func() error { _, err := tr.Limit(ctx, phone); return err }},
		{"Classify", func() error { _, err := tr.Classify(ctx, phone, customer); return err }},
		{"Reserve", func() error { _, err := tr.Reserve(ctx, phone, "447700900002"); return err }},
		{"ObserveSent", func() error {
			_, err := tr.ObserveSent(ctx, policy.Sent{PhoneNumberID: phone, CustomerWAID: customer, Template: true})
			return err
		}},
		{"ObserveStatus", func() error {
			return tr.ObserveStatus(ctx, policy.StatusUpdate{PhoneNumberID: phone, CustomerWAID: "447700900003", ConversationOrigin: "marketing"})
		}},
		{"Claim", func() error { _, err := s.Claim(ctx, "wamid.1", "owner", time.Minute); return err }},
		{"Complete", func() error { return s.Complete(ctx, "wamid.1") }},
		{"Release", func() error { return s.Release(ctx, "wamid.2", "owner") }},
	}
	for _, op := range ops {
		before := rt.n.Load()
		require.NoError(t, op.call(), op.name)
		assert.Equal(t, int64(1), rt.n.Load()-before, "%s round trips", op.name)
	}

	// Mapping a number to its portfolio, rare, writes the mapping, takes
	// what the number counted alone and adds it to the portfolio: three
	// trips.
	before = rt.n.Load()
	require.NoError(t, tr.SetPortfolio(ctx, phone, "198765432109876"))
	assert.Equal(t, int64(3), rt.n.Load()-before, "SetPortfolio round trips")
	before = rt.n.Load()
	_, err = tr.Reserve(ctx, phone, "447700900009")
	require.NoError(t, err)
	assert.Equal(t, int64(1), rt.n.Load()-before, "Reserve in the portfolio round trips")
}

// A window written by v0.1, in a string key per customer, is still read
// until it expires, and joins the BSUID it is linked to.
func TestAWindowWrittenByTheFirstVersionIsStillRead(t *testing.T) {
	t.Parallel()
	s, rdb, _ := newStore(t)
	ctx := context.Background()
	const phone, customer, user = "106540352242922", "447700900001", "GB.13491208655302741918"
	prefix := prefixOf(t, s)
	legacy := prefix + "{" + phone + "}:w:" + customer
	require.NoError(t, rdb.Set(ctx, legacy, strconv.FormatInt(policytest.T0.UnixMilli(), 10), 25*time.Hour).Err())

	snap, err := s.Snapshot(ctx, phone, customer, policytest.T0.Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, policytest.T0.Equal(snap.LastInbound), "last inbound %v", snap.LastInbound)
	res, err := s.StartConversation(ctx, policy.StartRequest{PhoneNumberID: phone, CustomerID: customer, At: policytest.T0.Add(policy.Day - time.Millisecond), DefaultLimit: 250})
	require.NoError(t, err)
	assert.Equal(t, policy.KindServiceWindow, res.Kind)

	require.NoError(t, s.LinkCustomer(ctx, phone, customer, user))
	snap, err = s.Snapshot(ctx, phone, user, policytest.T0.Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, policytest.T0.Equal(snap.LastInbound), "the old window joined the BSUID: %v", snap.LastInbound)
}

// A number's count and tier written by v0.1 under the number alone are read
// as they are, and join the portfolio when the number is mapped to it.
func TestAFirstVersionCountJoinsThePortfolio(t *testing.T) {
	t.Parallel()
	s, rdb, _ := newStore(t)
	ctx := context.Background()
	const phone, portfolio = "106540352242922", "198765432109876"
	prefix := prefixOf(t, s)
	base := prefix + "{" + phone + "}:"
	started := policytest.T0.Add(-time.Hour).UnixMilli()
	require.NoError(t, rdb.ZAdd(ctx, base+"c", redis.Z{Score: float64(started), Member: "447700900001"}).Err())
	require.NoError(t, rdb.HSet(ctx, base+"t", "name", "TIER_1K", "limit", 1000).Err())

	snap, err := s.Snapshot(ctx, phone, "447700900001", policytest.T0)
	require.NoError(t, err)
	assert.Equal(t, policy.Snapshot{Portfolio: phone, Tier: policy.Tier1K, Limit: 1000, TierKnown: true,
		ConversationStart: time.UnixMilli(started).UTC(), Used: 1, Oldest: time.UnixMilli(started).UTC()}, snap)

	require.NoError(t, s.SetPortfolio(ctx, phone, portfolio))
	snap, err = s.Snapshot(ctx, phone, "447700900001", policytest.T0)
	require.NoError(t, err)
	assert.Equal(t, policy.Snapshot{Portfolio: portfolio, Tier: policy.Tier1K, Limit: 1000, TierKnown: true,
		ConversationStart: time.UnixMilli(started).UTC(), Used: 1, Oldest: time.UnixMilli(started).UTC()}, snap)
	n, err := rdb.Exists(ctx, base+"c", base+"t").Result()
	require.NoError(t, err)
	assert.Zero(t, n, "the number's own keys are gone")

	// Another instance that had seen the number alone finds the portfolio
	// once it looks again.
	rdb2, _ := newClient(t)
	s2 := redisstore.New(rdb2, redisstore.WithPrefix(prefix))
	snap, err = s2.Snapshot(ctx, phone, "", policytest.T0)
	require.NoError(t, err)
	assert.Equal(t, portfolio, snap.Portfolio)
	assert.Equal(t, 1, snap.Used)
}

// Not parallel: the flush would cost the round-trip test a second trip.
// Sequential tests finish before parallel ones start.
func TestRedisStoreReloadsItsScriptsAfterAFlush(t *testing.T) {
	s, rdb, _ := newStore(t)
	ctx := context.Background()
	require.NoError(t, rdb.ScriptFlush(ctx).Err())
	_, err := s.Snapshot(ctx, "106540352242922", "447700900001", policytest.T0)
	require.NoError(t, err)
}

func TestTwoTrackersSharingRedisSeeOneState(t *testing.T) {
	t.Parallel()
	s1, _, _ := newStore(t)
	ctx := context.Background()
	now := func() time.Time { return policytest.T0 }
	receiver, err := policy.NewTracker(policy.WithStore(s1), policy.WithClock(now))
	require.NoError(t, err)
	// A second instance: its own connection, the same keys.
	rdb2, _ := newClient(t)
	s2 := redisstore.New(rdb2, redisstore.WithPrefix(prefixOf(t, s1)))
	sender, err := policy.NewTracker(policy.WithStore(s2), policy.WithClock(now))
	require.NoError(t, err)

	require.NoError(t, receiver.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: "106540352242922", CustomerWAID: "447700900001", At: policytest.T0.Add(-time.Hour)}))
	w, err := sender.Window(ctx, "106540352242922", "447700900001")
	require.NoError(t, err)
	assert.True(t, w.Open)

	st, err := s1.Claim(ctx, "delivery-1", "receiver", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, wabsp.DedupClaimed, st)
	st, err = s2.Claim(ctx, "delivery-1", "sender", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, wabsp.DedupInProgress, st, "a retried delivery reaching the other instance waits for the first")
	require.NoError(t, s1.Complete(ctx, "delivery-1"))
	st, err = s2.Claim(ctx, "delivery-1", "sender", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, wabsp.DedupDone, st, "and is skipped once the first succeeded")
}

// prefixOf finds the prefix newStore chose by the key Complete writes.
func prefixOf(t *testing.T, s *redisstore.Store) string {
	t.Helper()
	rdb, _ := newClient(t)
	ctx := context.Background()
	// One probe per test: parallel tests probe at once.
	probe := "prefix-probe:" + t.Name()
	err := s.Complete(ctx, probe)
	require.NoError(t, err)
	keys, err := rdb.Keys(ctx, "wabsp-test:*:dedup:"+probe).Result()
	require.NoError(t, err)
	require.Len(t, keys, 1)
	return keys[0][:len(keys[0])-len("dedup:"+probe)]
}

func TestOpenConnectsAndNeverEchoesTheURL(t *testing.T) {
	t.Parallel()
	s, err := redisstore.Open(context.Background(), redisURL(t))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	_, err = redisstore.Open(context.Background(), "redis://:hunter2@127.0.0.1:notaport/0")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = redisstore.Open(ctx, "redis://:hunter2@127.0.0.1:1/0")
	require.Error(t, err, "nothing listens on port 1")
	assert.NotContains(t, err.Error(), "hunter2")
}

// A large batch, through one client, a Ring that spreads the keys over
// shards, or the claim script Redis before 7.0 needs, answers every key as
// Claim would, in order, in one round trip, and survives Redis losing its
// scripts.
// Not parallel: it flushes the scripts, which would add a round trip to the
// parallel tests that count them.
func TestABatchOfManyEventsIsOneRoundTripAndClaimsInOrder(t *testing.T) {
	plain, rdb, rt := newStore(t)
	ring := redis.NewRing(&redis.RingOptions{Addrs: map[string]string{"one": rdb.Options().Addr}, DB: rdb.Options().DB,
		Password: rdb.Options().Password})
	t.Cleanup(func() { _ = ring.Close() })
	ringRT := &roundTrips{}
	ring.AddHook(ringRT)
	var b [6]byte
	_, _ = rand.Read(b[:])
	ringPrefix := "wabsp-test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, ringPrefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	scripted, _, scriptedRT := newStore(t)
	redisstore.UseClaimScript(scripted)
	for _, tc := range []struct {
		name string
		s    *redisstore.Store
		rt   *roundTrips
	}{
		{"one server", plain, rt},
		{"ring", redisstore.New(ring, redisstore.WithPrefix(ringPrefix)), ringRT},
		{"claim script, as on Redis before 7.0", scripted, scriptedRT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			const n = 600
			keys := make([]string, n)
			want := make([]wabsp.DedupState, n)
			for i := range keys {
				keys[i] = "status:wamid." + strconv.Itoa(i)
				want[i] = wabsp.DedupClaimed
			}
			keys[300], want[300] = keys[10], wabsp.DedupInProgress // a second copy
			require.NoError(t, tc.s.Complete(ctx, keys[500]))
			want[500] = wabsp.DedupDone
			st, err := tc.s.Claim(ctx, keys[599], "another", time.Minute)
			require.NoError(t, err)
			require.Equal(t, wabsp.DedupClaimed, st)
			want[599] = wabsp.DedupInProgress

			before := tc.rt.n.Load()
			got, err := tc.s.ClaimBatch(ctx, keys, "owner", time.Minute)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			assert.Equal(t, int64(1), tc.rt.n.Load()-before, "ClaimBatch round trips")

			before = tc.rt.n.Load()
			require.NoError(t, tc.s.CompleteBatch(ctx, keys[:400]))
			assert.Equal(t, int64(1), tc.rt.n.Load()-before, "CompleteBatch round trips")

			require.NoError(t, rdb.ScriptFlush(ctx).Err())
			again, err := tc.s.ClaimBatch(ctx, []string{keys[0], keys[399], keys[400], "status:wamid.new"}, "third", time.Minute)
			require.NoError(t, err)
			assert.Equal(t, []wabsp.DedupState{wabsp.DedupDone, wabsp.DedupDone, wabsp.DedupInProgress, wabsp.DedupClaimed}, again)
			require.NoError(t, rdb.ScriptFlush(ctx).Err())
			require.NoError(t, tc.s.CompleteBatch(ctx, []string{"status:wamid.new"}))
			st, err = tc.s.Claim(ctx, "status:wamid.new", "fourth", time.Minute)
			require.NoError(t, err)
			assert.Equal(t, wabsp.DedupDone, st)
		})
	}
}
