package redisinbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentAddsWithDeadlinesStoreWhatTheyAcknowledge: Adds share
// pipelines, and some give up at their deadline while others write. Every
// Add that returned nil is stored; a body is stored intact even though each
// caller overwrites its buffer as soon as Add returns (as the Inbox reuses
// its buffers); and the queue keeps working afterwards (no Add is left
// leading a write that never happens).
func TestConcurrentAddsWithDeadlinesStoreWhatTheyAcknowledge(t *testing.T) {
	t.Parallel()
	q := newQueues(t, 1)[0]
	rdb := newClient(t)
	const n = 400
	var wg sync.WaitGroup
	ok := make([]bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := []byte(fmt.Sprintf("delivery-%04d", i))
			// Deadlines from already past to ample, in a fixed pattern.
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%4)*5*time.Millisecond)
			defer cancel()
			ok[i] = q.Add(ctx, buf, time.Now()) == nil
			for j := range buf {
				buf[j] = 'X'
			}
		}()
	}
	wg.Wait()
	require.NoError(t, q.Add(context.Background(), []byte("after"), time.Now()))

	stream, _, _ := q.Keys()
	msgs, err := rdb.XRange(context.Background(), stream, "-", "+").Result()
	require.NoError(t, err)
	stored := map[string]int{}
	for _, m := range msgs {
		stored[m.Values["b"].(string)]++
	}
	acked := 0
	for i, o := range ok {
		if o {
			acked++
			assert.Equal(t, 1, stored[fmt.Sprintf("delivery-%04d", i)], "delivery %d was acknowledged", i)
		}
	}
	for body := range stored {
		if body == "after" {
			continue
		}
		var i int
		_, err := fmt.Sscanf(body, "delivery-%04d", &i)
		assert.NoError(t, err, "stored body %q is not one that was sent", body)
	}
	assert.Equal(t, 1, stored["after"])
	t.Logf("%d of %d acknowledged, %d stored", acked, n, len(msgs)-1)
}
