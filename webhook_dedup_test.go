package wabsp_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

func TestMemoryDeduplicatorStates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newFakeClock()
	d := wabsp.NewMemoryDeduplicator(10, wabsp.WithDedupClock(clock.Now), wabsp.WithDedupTTL(time.Hour))
	claim := func(key, owner string) wabsp.DedupState {
		t.Helper()
		st, err := d.Claim(ctx, key, owner, time.Minute)
		require.NoError(t, err)
		return st
	}
	steps := []struct {
		name string
		do   func() wabsp.DedupState
		want wabsp.DedupState
	}{
		{"an unseen key is claimed", func() wabsp.DedupState { return claim("k", "a") }, wabsp.DedupClaimed},
		{"a live lease is in progress for anyone", func() wabsp.DedupState { return claim("k", "b") }, wabsp.DedupInProgress},
		{"another owner's release leaves the lease", func() wabsp.DedupState {
			require.NoError(t, d.Release(ctx, "k", "b"))
			return claim("k", "b")
		}, wabsp.DedupInProgress},
		{"the owner's release frees the key at once", func() wabsp.DedupState {
			require.NoError(t, d.Release(ctx, "k", "a"))
			return claim("k", "b")
		}, wabsp.DedupClaimed},
		{"an expired lease is claimed again", func() wabsp.DedupState {
			clock.Advance(time.Minute)
			return claim("k", "c")
		}, wabsp.DedupClaimed},
		{"a late release by the expired owner leaves the new lease", func() wabsp.DedupState {
			require.NoError(t, d.Release(ctx, "k", "b"))
			return claim("k", "d")
		}, wabsp.DedupInProgress},
		{"a completed key is done", func() wabsp.DedupState {
			require.NoError(t, d.Complete(ctx, "k"))
			return claim("k", "e")
		}, wabsp.DedupDone},
		{"a release does not undo done", func() wabsp.DedupState {
			require.NoError(t, d.Release(ctx, "k", "c"))
			return claim("k", "e")
		}, wabsp.DedupDone},
		{"a done key is forgotten after the TTL", func() wabsp.DedupState {
			clock.Advance(time.Hour)
			return claim("k", "f")
		}, wabsp.DedupClaimed},
		{"releasing an unknown key is not an error", func() wabsp.DedupState {
			require.NoError(t, d.Release(ctx, "never-seen", "x"))
			return claim("never-seen", "x")
		}, wabsp.DedupClaimed},
	}
	for _, s := range steps {
		assert.Equal(t, s.want, s.do(), s.name)
	}
}

func TestMemoryDeduplicatorIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("completing past capacity forgets the oldest done key", func(t *testing.T) {
		d := wabsp.NewMemoryDeduplicator(2)
		for _, k := range []string{"a", "b", "c"} {
			st, err := d.Claim(ctx, k, "o", time.Minute)
			require.NoError(t, err)
			require.Equal(t, wabsp.DedupClaimed, st)
			require.NoError(t, d.Complete(ctx, k))
		}
		assert.Equal(t, 2, d.Len())
		st, _ := d.Claim(ctx, "c", "o", time.Minute)
		assert.Equal(t, wabsp.DedupDone, st, "a recent key is remembered")
		st, _ = d.Claim(ctx, "a", "o", time.Minute)
		assert.Equal(t, wabsp.DedupClaimed, st, "the oldest key was forgotten")
	})
	t.Run("a key failing over and over takes no room from done keys", func(t *testing.T) {
		const capacity = 100
		d := wabsp.NewMemoryDeduplicator(capacity)
		for i := range capacity {
			require.NoError(t, d.Complete(ctx, "real-"+strconv.Itoa(i)))
		}
		for range 300_000 {
			st, err := d.Claim(ctx, "failing", "o", time.Minute)
			require.NoError(t, err)
			require.Equal(t, wabsp.DedupClaimed, st)
			require.NoError(t, d.Release(ctx, "failing", "o"))
		}
		for i := range capacity {
			st, err := d.Claim(ctx, "real-"+strconv.Itoa(i), "o", time.Minute)
			require.NoError(t, err)
			require.Equal(t, wabsp.DedupDone, st, "real-%d", i)
		}
		assert.Equal(t, capacity, d.Len())
	})
	t.Run("live leases are bounded by the capacity too", func(t *testing.T) {
		clock := newFakeClock()
		d := wabsp.NewMemoryDeduplicator(3, wabsp.WithDedupClock(clock.Now))
		for _, k := range []string{"a", "b", "c"} {
			_, err := d.Claim(ctx, k, "o", time.Minute)
			require.NoError(t, err)
		}
		_, err := d.Claim(ctx, "d", "o", time.Minute)
		require.ErrorIs(t, err, wabsp.ErrDedupFull)
		clock.Advance(time.Minute)
		st, err := d.Claim(ctx, "d", "o", time.Minute)
		require.NoError(t, err, "expired leases are swept to make room")
		assert.Equal(t, wabsp.DedupClaimed, st)
		assert.Equal(t, 1, d.Len())
	})
}

func TestMemoryDeduplicatorClaimsOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	d := wabsp.NewMemoryDeduplicator(100)
	var wg sync.WaitGroup
	var claimed atomic.Int32
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if st, _ := d.Claim(context.Background(), "k", strconv.Itoa(i), time.Minute); st == wabsp.DedupClaimed {
				claimed.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), claimed.Load())
}

// countingBatchDedup counts the calls a handler makes on its deduplicator.
type countingBatchDedup struct {
	*wabsp.MemoryDeduplicator
	claims, completes, releases, claimBatches, completeBatches atomic.Int32
}

func (c *countingBatchDedup) Claim(ctx context.Context, key, owner string, lease time.Duration) (wabsp.DedupState, error) {
	c.claims.Add(1)
	return c.MemoryDeduplicator.Claim(ctx, key, owner, lease)
}

func (c *countingBatchDedup) Complete(ctx context.Context, key string) error {
	c.completes.Add(1)
	return c.MemoryDeduplicator.Complete(ctx, key)
}

func (c *countingBatchDedup) Release(ctx context.Context, key, owner string) error {
	c.releases.Add(1)
	return c.MemoryDeduplicator.Release(ctx, key, owner)
}

func (c *countingBatchDedup) ClaimBatch(ctx context.Context, keys []string, owner string, lease time.Duration) ([]wabsp.DedupState, error) {
	c.claimBatches.Add(1)
	return c.MemoryDeduplicator.ClaimBatch(ctx, keys, owner, lease)
}

func (c *countingBatchDedup) CompleteBatch(ctx context.Context, keys []string) error {
	c.completeBatches.Add(1)
	return c.MemoryDeduplicator.CompleteBatch(ctx, keys)
}

func TestWebhookHandlerClaimsADeliveryInOneBatch(t *testing.T) {
	t.Parallel()
	dedup := &countingBatchDedup{MemoryDeduplicator: wabsp.NewMemoryDeduplicator(10_000)}
	var mu sync.Mutex
	processed := map[string]int{}
	failOnce := map[string]bool{"wamid.batch-0-3": true}
	h := newTestWebhookHandler(t, wabsp.WebhookConfig{
		Deduplicator: dedup,
		OnStatus: func(_ context.Context, s wabsp.StatusUpdate) error {
			mu.Lock()
			defer mu.Unlock()
			if failOnce[s.Status.ID] {
				delete(failOnce, s.Status.ID)
				return errors.New("transient")
			}
			processed[s.Status.ID]++
			return nil
		},
	})
	body := statusBatch(0, 100)

	assert.Equal(t, 500, serve(h, signedPost(body, testAppSecret)).Code, "one event failed")
	assert.Equal(t, int32(1), dedup.claimBatches.Load(), "the delivery's 100 events are claimed in one call")
	assert.Equal(t, int32(1), dedup.completeBatches.Load(), "and the 99 processed recorded in one call")
	assert.Zero(t, dedup.claims.Load())
	assert.Zero(t, dedup.completes.Load())
	assert.Equal(t, int32(1), dedup.releases.Load(), "the failed event is released")
	assert.Len(t, processed, 99)

	assert.Equal(t, 200, serve(h, signedPost(body, testAppSecret)).Code, "the retry processes the failed event")
	assert.Len(t, processed, 100)
	for id, n := range processed {
		assert.Equal(t, 1, n, id)
	}
	assert.Equal(t, 200, serve(h, signedPost(body, testAppSecret)).Code)
	assert.Len(t, processed, 100, "a redelivery of done events runs nothing")
}
