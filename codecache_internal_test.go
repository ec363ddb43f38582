package wabsp

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sessionWithCode(i int) SignupSession {
	return SignupSession{Code: Secret(fmt.Sprint("AQBcode-", i)), ClientRef: "tenant"}
}

func issued() (*AccessToken, error) { return &AccessToken{AccessToken: "EAAtoken"}, nil }

func TestCodeCacheStaysBoundedAndEvictsOldestFirst(t *testing.T) {
	t.Parallel()
	cc := newCodeCache()
	now := time.Unix(1_800_000_000, 0)
	cc.now = func() time.Time { return now }
	ctx := context.Background()
	for i := 0; i < 3*codeCacheSize; i++ {
		_, err := cc.once(ctx, sessionWithCode(i), issued)
		require.NoError(t, err)
		now = now.Add(time.Millisecond)
	}
	assert.LessOrEqual(t, len(cc.entries), codeCacheSize)
	assert.Equal(t, len(cc.entries), cc.order.Len())
	_, err := cc.once(ctx, sessionWithCode(0), func() (*AccessToken, error) { return nil, fmt.Errorf("exchanged again") })
	assert.EqualError(t, err, "exchanged again", "the oldest went first")

	now = now.Add(codeCacheTTL + time.Second)
	_, err = cc.once(ctx, sessionWithCode(-1), issued)
	require.NoError(t, err)
	assert.Len(t, cc.entries, 1, "expired entries are dropped on the next insert")
}

func TestCodeCacheStaysBoundedBehindAHungExchange(t *testing.T) {
	t.Parallel()
	cc := newCodeCache()
	ctx := context.Background()
	release := make(chan struct{})
	hung := make(chan struct{})
	waiter := make(chan error, 1)
	go func() {
		_, err := cc.once(ctx, sessionWithCode(-1), func() (*AccessToken, error) {
			close(hung)
			<-release
			return issued()
		})
		waiter <- err
	}()
	<-hung

	for i := 0; i < 10*codeCacheSize; i++ {
		_, err := cc.once(ctx, sessionWithCode(i), issued)
		require.NoError(t, err)
	}
	cc.mu.Lock()
	entries, ordered := len(cc.entries), cc.order.Len()
	cc.mu.Unlock()
	assert.LessOrEqual(t, entries, codeCacheSize, "the bound holds with the oldest entry in flight")
	assert.LessOrEqual(t, ordered, codeCacheSize)

	close(release)
	require.NoError(t, <-waiter, "the evicted exchange still answers its caller")
	cc.mu.Lock()
	defer cc.mu.Unlock()
	assert.LessOrEqual(t, len(cc.entries), codeCacheSize)
}

func TestCodeCacheSharesAnExchangeOnlyWithinTheSession(t *testing.T) {
	t.Parallel()
	cc := newCodeCache()
	ctx := context.Background()
	first := SignupSession{Code: "AQBcode", ClientRef: "tenant-A", WABAID: "1"}
	tok, err := cc.once(ctx, first, issued)
	require.NoError(t, err)

	again, err := cc.once(ctx, first, func() (*AccessToken, error) { panic("the same session exchanges nothing") })
	require.NoError(t, err)
	assert.Same(t, tok, again)

	for _, other := range []SignupSession{
		{Code: "AQBcode", ClientRef: "tenant-B"},
		{Code: "AQBcode", ClientRef: "tenant-A"},
		{Code: "AQBcode", ClientRef: "tenant-A", WABAID: "2"},
		{Code: "AQBcode", ClientRef: "tenant-A", WABAID: "1", PhoneNumberID: "3"},
	} {
		_, err := cc.once(ctx, other, func() (*AccessToken, error) { panic("another session exchanges nothing") })
		assert.ErrorIs(t, err, ErrCodeReused, "%+v", other)
		assert.ErrorIs(t, err, ErrCodeAlreadyUsed)
	}
}
