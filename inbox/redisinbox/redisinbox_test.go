package redisinbox_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/inbox/inboxtest"
	"github.com/wabsp/wabsp/inbox/redisinbox"
	"github.com/wabsp/wabsp/internal/redistest"
	"github.com/wabsp/wabsp/policy/redisstore"
)

func randomName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func newClient(tb testing.TB) *redis.Client {
	tb.Helper()
	o, err := redis.ParseURL(redistest.URL(tb))
	require.NoError(tb, err)
	rdb := redis.NewClient(o)
	tb.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// newQueues opens n clients on one queue under a name no other test uses,
// as n processes would, and deletes its keys afterwards.
func newQueues(t *testing.T, n int, opts ...redisinbox.Option) []*redisinbox.Queue {
	t.Helper()
	opts = append([]redisinbox.Option{redisinbox.WithPrefix("wabsp-test:inbox:"), redisinbox.WithName(randomName())}, opts...)
	qs := make([]*redisinbox.Queue, n)
	for i := range qs {
		qs[i] = redisinbox.New(newClient(t), opts...)
		require.NoError(t, qs[i].Init(context.Background()))
	}
	cleanup := newClient(t)
	t.Cleanup(func() {
		s, f, d := qs[0].Keys()
		cleanup.Del(context.Background(), s, f, d)
	})
	return qs
}

func TestRedisQueue(t *testing.T) {
	t.Parallel()
	inboxtest.RunQueueTests(t, inboxtest.Setup{
		NewQueues: func(t *testing.T, n int, visibility time.Duration) []wabsp.InboxQueue {
			out := make([]wabsp.InboxQueue, n)
			for i, q := range newQueues(t, n, redisinbox.WithVisibilityTimeout(visibility)) {
				out[i] = q
			}
			return out
		},
		NewDeduplicator: func(t *testing.T) wabsp.Deduplicator {
			rdb := newClient(t)
			prefix := "wabsp-test:" + randomName() + ":"
			t.Cleanup(func() {
				ctx := context.Background()
				iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
				for iter.Next(ctx) {
					rdb.Del(ctx, iter.Val())
				}
			})
			return redisstore.New(rdb, redisstore.WithPrefix(prefix))
		},
	})
}

// TestDeliveriesSurviveARedisRestart: deliveries acknowledged to Meta are
// in Redis's append-only file; Redis is killed before any worker ran and
// restarted, and each delivery is processed once.
func TestDeliveriesSurviveARedisRestart(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), DialTimeout: time.Second, ReadTimeout: time.Second, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	ctx := context.Background()
	q := redisinbox.New(rdb)
	require.NoError(t, q.Init(ctx))
	var calls atomic.Int32
	seen := make(chan string, 10)
	in := inboxtest.NewInbox(t, q, redisstore.New(rdb), 0, inboxtest.Quick(2, 5), func(_ context.Context, s wabsp.StatusUpdate) error {
		calls.Add(1)
		seen <- s.Status.ID
		return nil
	})
	for _, id := range []string{"wamid.restart-1", "wamid.restart-2"} {
		require.Equal(t, http.StatusOK, inboxtest.Ingest(in, inboxtest.StatusDelivery(id)))
	}

	srv.Kill()
	// While Redis is down nothing is acknowledged.
	require.Equal(t, http.StatusServiceUnavailable, inboxtest.Ingest(in, inboxtest.StatusDelivery("wamid.refused")))
	srv.Restart()

	inboxtest.Start(t, in)
	got := map[string]bool{<-seen: true, <-seen: true}
	assert.Equal(t, map[string]bool{"wamid.restart-1": true, "wamid.restart-2": true}, got)
	inboxtest.Settled(t, q)
	assert.Equal(t, int32(2), calls.Load(), "each delivery processed once")

	// Redis goes away under running workers: they log, wait and resume.
	srv.Kill()
	require.Equal(t, http.StatusServiceUnavailable, inboxtest.Ingest(in, inboxtest.StatusDelivery("wamid.refused")))
	srv.Restart()
	// Meta retries until it gets a 200: the first attempts may meet
	// connections the restart broke.
	require.Eventually(t, func() bool {
		return inboxtest.Ingest(in, inboxtest.StatusDelivery("wamid.restart-3")) == http.StatusOK
	}, 30*time.Second, 10*time.Millisecond)
	assert.Equal(t, "wamid.restart-3", <-seen)
	inboxtest.Settled(t, q)
	assert.Equal(t, int32(3), calls.Load())
}

// TestAcknowledgedEntriesLeaveTheStream: the stream holds only work not
// done, so it needs no trimming to stay small.
func TestAcknowledgedEntriesLeaveTheStream(t *testing.T) {
	t.Parallel()
	q := newQueues(t, 1)[0]
	rdb := newClient(t)
	in := inboxtest.NewInbox(t, q, nil, 0, inboxtest.Quick(2, 5), func(context.Context, wabsp.StatusUpdate) error { return nil })
	for _, id := range []string{"wamid.a", "wamid.b", "wamid.c"} {
		require.Equal(t, http.StatusOK, inboxtest.Ingest(in, inboxtest.StatusDelivery(id)))
	}
	stream, failures, _ := q.Keys()
	n, err := rdb.XLen(context.Background(), stream).Result()
	require.NoError(t, err)
	require.Equal(t, int64(3), n)
	inboxtest.Start(t, in)
	inboxtest.Settled(t, q)
	n, err = rdb.XLen(context.Background(), stream).Result()
	require.NoError(t, err)
	assert.Zero(t, n)
	exists, err := rdb.Exists(context.Background(), failures).Result()
	require.NoError(t, err)
	assert.Zero(t, exists)
}

func TestMaxLenTrimsTheStream(t *testing.T) {
	t.Parallel()
	q := newQueues(t, 1, redisinbox.WithMaxLen(10))[0]
	rdb := newClient(t)
	ctx := context.Background()
	for range 1000 {
		require.NoError(t, q.Add(ctx, []byte("x"), time.Now()))
	}
	stream, _, _ := q.Keys()
	n, err := rdb.XLen(ctx, stream).Result()
	require.NoError(t, err)
	// MAXLEN ~ trims whole radix-tree nodes (100 entries by default), so the
	// stream keeps at most a node more than asked.
	assert.LessOrEqual(t, n, int64(10+100))
}

func TestOpenRefusesABadURLWithoutQuotingIt(t *testing.T) {
	t.Parallel()
	_, err := redisinbox.Open(context.Background(), "postgres://user:hunter2@host/db")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
}

// TestLeaveRemovesOnlyAConsumerThatHoldsNothing: worker pools get a new
// consumer name per process, so a stopped one removes its name; one that
// still holds an entry stays, or the entry would be lost from the group.
func TestLeaveRemovesOnlyAConsumerThatHoldsNothing(t *testing.T) {
	t.Parallel()
	q := newQueues(t, 1)[0]
	rdb := newClient(t)
	ctx := context.Background()
	stream, _, _ := q.Keys()
	consumers := func() []string {
		cs, err := rdb.XInfoConsumers(ctx, stream, redisinbox.DefaultGroup).Result()
		require.NoError(t, err)
		var names []string
		for _, c := range cs {
			names = append(names, c.Name)
		}
		return names
	}

	in := inboxtest.NewInbox(t, q, nil, 0, inboxtest.Quick(1, 5), func(context.Context, wabsp.StatusUpdate) error { return nil })
	require.Equal(t, http.StatusOK, inboxtest.Ingest(in, inboxtest.StatusDelivery("wamid.leave")))
	stop := inboxtest.Start(t, in)
	inboxtest.Settled(t, q)
	require.Contains(t, consumers(), in.Consumer())
	stop()
	assert.NotContains(t, consumers(), in.Consumer(), "a stopped pool that holds nothing leaves the group")

	require.NoError(t, q.Add(ctx, []byte("held"), time.Now()))
	held, err := q.Read(ctx, "holder", 1, 0)
	require.NoError(t, err)
	require.Len(t, held, 1)
	require.NoError(t, q.Leave(ctx, "holder"))
	assert.Contains(t, consumers(), "holder", "a consumer holding an entry stays")
}
