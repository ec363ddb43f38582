package wabsp

import (
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestCodeCacheStaysBoundedAndEvictsOldestFirst(t *testing.T) {
	t.Parallel()
	cc := newCodeCache()
	now := time.Unix(1_800_000_000, 0)
	cc.now = func() time.Time { return now }
	add := func(i int) [32]byte {
		key := sha256.Sum256([]byte(fmt.Sprint("code-", i)))
		cc.evictLocked(now)
		e := &codeEntry{done: make(chan struct{}), tok: &AccessToken{}, expires: now.Add(codeCacheTTL)}
		cc.entries[key] = e
		cc.order = append(cc.order, orderedKey{key, e})
		return key
	}
	first := add(0)
	for i := 1; i < 3*codeCacheSize; i++ {
		add(i)
		now = now.Add(time.Millisecond)
	}
	assert.LessOrEqual(t, len(cc.entries), codeCacheSize)
	assert.NotContains(t, cc.entries, first, "the oldest went first")

	now = now.Add(codeCacheTTL + time.Second)
	add(-1)
	assert.Len(t, cc.entries, 1, "expired entries are dropped on the next insert")
}
