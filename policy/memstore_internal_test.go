package policy

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
		_, _ = s.SeenBefore(ctx, strconv.Itoa(i))
	}
	assert.Less(t, len(s.phones["1"].windows), 3*1440)
	assert.Less(t, len(s.dedup), 2*60+2048)
}
