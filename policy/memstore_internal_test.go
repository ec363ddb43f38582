package policy

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// The sweeps are invisible through the API; this checks that the memory
// store's maps follow the live windows and keys, not everything ever seen.
func TestMemoryStoreForgetsClosedWindowsAndExpiredKeys(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	now := t0
	s := NewMemoryStore(WithMemoryClock(func() time.Time { return now }), WithMemoryDedupTTL(time.Hour))
	ctx := context.Background()
	// 10,000 customers, one a minute: about 1,440 windows are open at the end.
	for i := 0; i < 10000; i++ {
		now = t0.Add(time.Duration(i) * time.Minute)
		_ = s.RecordInbound(ctx, "1", strconv.Itoa(i), now)
		_, _ = s.Claim(ctx, strconv.Itoa(i), "owner", time.Minute)
		_ = s.Complete(ctx, strconv.Itoa(i))
	}
	assert.Less(t, len(s.phones["1"].windows), 3*1440)
	assert.LessOrEqual(t, s.dedup.Len(), 61, "an hour of keys, one a minute")
}

func TestMemoryStoreDeduplicationIsBoundedByCapacity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const capacity = 1000
	s := NewMemoryStore(WithMemoryDedupCapacity(capacity))
	for i := range 5 * capacity {
		require.NoError(t, s.Complete(ctx, "status:"+strconv.Itoa(i)))
	}
	assert.Equal(t, capacity, s.dedup.Len())
	st, err := s.Claim(ctx, "status:"+strconv.Itoa(5*capacity-1), "o", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, wabsp.DedupDone, st, "the newest keys are kept")
	st, err = s.Claim(ctx, "status:0", "o", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, wabsp.DedupClaimed, st, "the oldest were forgotten")
}
