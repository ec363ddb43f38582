package wabsp

import (
	"context"
	"sync"
)

// Deduplicator remembers the ids of the events a WebhookHandler has
// processed, because Meta redelivers a delivery until it gets a 2xx, for
// hours or days. SeenBefore reports whether key was seen before and, if not,
// records it, atomically: two concurrent calls with a new key must not both
// answer false. Implementations must be safe for concurrent use; one backed
// by a shared store (Redis, a database) dedupes across replicas.
type Deduplicator interface {
	SeenBefore(ctx context.Context, key string) (bool, error)
}

// DeduplicationForgetter is implemented by a Deduplicator that can drop a
// key again. WebhookHandler calls Forget when the callback for a key failed,
// so Meta's retry of the delivery processes that event again instead of
// skipping it. Without it a failed event is retried only if the store's
// record has expired.
type DeduplicationForgetter interface {
	Forget(ctx context.Context, key string) error
}

// DefaultDedupCapacity is how many keys the default in-memory deduplicator
// remembers: at ~100 bytes a key, about 10 MB.
const DefaultDedupCapacity = 100_000

// MemoryDeduplicator is an in-process Deduplicator bounded in size: once
// full, recording a key forgets the oldest one. It does not share state
// between processes; run one shared store behind several replicas instead.
type MemoryDeduplicator struct {
	mu   sync.Mutex
	seen map[string]uint64
	ring []dedupSlot
	next int
	seq  uint64
}

type dedupSlot struct {
	key string
	seq uint64
}

// NewMemoryDeduplicator returns a MemoryDeduplicator remembering at most
// capacity keys (DefaultDedupCapacity if capacity is not positive).
func NewMemoryDeduplicator(capacity int) *MemoryDeduplicator {
	if capacity <= 0 {
		capacity = DefaultDedupCapacity
	}
	return &MemoryDeduplicator{seen: make(map[string]uint64), ring: make([]dedupSlot, capacity)}
}

// SeenBefore reports whether key was recorded before, recording it if not.
func (d *MemoryDeduplicator) SeenBefore(_ context.Context, key string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.seen[key]; ok {
		return true, nil
	}
	old := d.ring[d.next]
	// A slot whose key was forgotten or re-recorded since no longer owns it.
	if old.seq != 0 && d.seen[old.key] == old.seq {
		delete(d.seen, old.key)
	}
	d.seq++
	d.ring[d.next] = dedupSlot{key: key, seq: d.seq}
	d.seen[key] = d.seq
	d.next = (d.next + 1) % len(d.ring)
	return false, nil
}

// Forget drops key, so the next SeenBefore for it reports false.
func (d *MemoryDeduplicator) Forget(_ context.Context, key string) error {
	d.mu.Lock()
	delete(d.seen, key)
	d.mu.Unlock()
	return nil
}

// Len returns how many keys are remembered.
func (d *MemoryDeduplicator) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}
