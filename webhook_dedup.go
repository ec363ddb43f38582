package wabsp

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// DedupState is what a Deduplicator knows about an event's key.
type DedupState int

// The states of an event's key. An event is done only after its callback
// succeeded; until then a delivery holds a lease on it, which expires so
// that a process that crashed mid-callback does not block the event.
const (
	// DedupClaimed: the key was unseen, or its lease had expired, and the
	// caller now holds the lease. It must Complete the key after the
	// callback succeeded, or Release it when the callback failed.
	DedupClaimed DedupState = iota + 1
	// DedupInProgress: another delivery holds a live lease on the key; its
	// outcome is not known yet.
	DedupInProgress
	// DedupDone: the event was processed.
	DedupDone
)

// String names the state.
func (s DedupState) String() string {
	switch s {
	case DedupClaimed:
		return "claimed"
	case DedupInProgress:
		return "in_progress"
	case DedupDone:
		return "done"
	}
	return "unknown"
}

// Deduplicator remembers the webhook events a handler has processed, because
// Meta redelivers a delivery until it gets a 2xx, for hours or days, and
// sometimes delivers the same event twice at once. Each key moves from
// unseen to in progress (a lease held by one delivery) to done; a key is
// done only once its callback succeeded, so nothing is acknowledged that
// was not processed. Implementations must be safe for concurrent use; one
// backed by a shared store (Redis, a database) deduplicates across
// replicas, and every step must be atomic there too.
type Deduplicator interface {
	// Claim answers DedupDone for a completed key and DedupInProgress for a
	// key under another owner's live lease. Otherwise it records a lease for
	// owner that expires after lease, and answers DedupClaimed: of several
	// concurrent claims of one key, exactly one is answered DedupClaimed.
	Claim(ctx context.Context, key, owner string, lease time.Duration) (DedupState, error)
	// Complete marks key done, whoever holds its lease: later claims answer
	// DedupDone until the store forgets the key (its TTL or capacity).
	Complete(ctx context.Context, key string) error
	// Release drops owner's lease on key, so that a redelivery can claim it
	// at once. It leaves a done key, or a lease another owner took after
	// owner's expired, alone. Releasing an unknown key is not an error.
	Release(ctx context.Context, key, owner string) error
}

// BatchDeduplicator is a Deduplicator that also claims and completes many
// keys in one call, as a store across the network should: WebhookHandler
// then claims every message and status of a delivery at once before the
// callbacks run, and records the processed ones at once after them. Each
// answer is what Claim would have answered for that key, in order (a key
// given twice is claimed by the first).
type BatchDeduplicator interface {
	Deduplicator
	ClaimBatch(ctx context.Context, keys []string, owner string, lease time.Duration) ([]DedupState, error)
	CompleteBatch(ctx context.Context, keys []string) error
}

// DefaultDedupCapacity is how many completed keys the default in-memory
// deduplicator remembers: at ~100 bytes a key, about 10 MB.
const DefaultDedupCapacity = 100_000

// DefaultDedupLease is how long a delivery holds an event before a
// redelivery may process it again: longer than any callback should run
// (Meta expects an answer within seconds), short enough that an event
// whose process crashed mid-callback is processed on Meta's next retry.
const DefaultDedupLease = time.Minute

// ErrDedupFull is returned by MemoryDeduplicator.Claim when as many leases
// as its capacity are live at once.
var ErrDedupFull = errors.New("wabsp: deduplicator has too many events in progress")

// MemoryDeduplicator is an in-process Deduplicator bounded in size: it
// remembers at most its capacity of completed keys (recording one more
// forgets the oldest) and holds at most as many live leases. Released keys
// take no room. It does not share state between processes; run one shared
// store (policy/redisstore) behind several replicas instead.
type MemoryDeduplicator struct {
	now func() time.Time
	ttl time.Duration // 0: completed keys are forgotten by capacity only

	mu     sync.Mutex
	leases map[string]memoryLease
	done   map[string]doneRecord
	// ring queues completed keys in the order they were completed: count
	// slots from head, the oldest first. Completions share one TTL, so the
	// oldest also expire first and are dropped from the head.
	ring  []dedupSlot
	head  int
	count int
	seq   uint64
}

type memoryLease struct {
	owner   string
	expires time.Time
}

type doneRecord struct {
	seq     uint64
	expires time.Time // zero: never
}

type dedupSlot struct {
	key string
	seq uint64
}

// MemoryDedupOption configures a MemoryDeduplicator.
type MemoryDedupOption func(*MemoryDeduplicator)

// WithDedupTTL makes a MemoryDeduplicator forget a completed key after ttl,
// besides forgetting the oldest when full. Without it keys are forgotten by
// capacity only.
func WithDedupTTL(ttl time.Duration) MemoryDedupOption {
	return func(d *MemoryDeduplicator) {
		if ttl > 0 {
			d.ttl = ttl
		}
	}
}

// WithDedupClock sets the clock leases and the TTL are measured with
// (time.Now by default); tests use it to move time.
func WithDedupClock(now func() time.Time) MemoryDedupOption {
	return func(d *MemoryDeduplicator) {
		if now != nil {
			d.now = now
		}
	}
}

// NewMemoryDeduplicator returns a MemoryDeduplicator remembering at most
// capacity completed keys (DefaultDedupCapacity if capacity is not
// positive).
func NewMemoryDeduplicator(capacity int, opts ...MemoryDedupOption) *MemoryDeduplicator {
	if capacity <= 0 {
		capacity = DefaultDedupCapacity
	}
	d := &MemoryDeduplicator{
		now:    time.Now,
		leases: make(map[string]memoryLease),
		done:   make(map[string]doneRecord),
		ring:   make([]dedupSlot, capacity),
	}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Claim implements Deduplicator.
func (d *MemoryDeduplicator) Claim(_ context.Context, key, owner string, lease time.Duration) (DedupState, error) {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.claimLocked(now, key, owner, lease)
}

func (d *MemoryDeduplicator) claimLocked(now time.Time, key, owner string, lease time.Duration) (DedupState, error) {
	if rec, ok := d.done[key]; ok {
		if rec.expires.IsZero() || now.Before(rec.expires) {
			return DedupDone, nil
		}
		delete(d.done, key) // its ring slot no longer owns it
	}
	if l, ok := d.leases[key]; ok && now.Before(l.expires) {
		return DedupInProgress, nil
	}
	if len(d.leases) >= len(d.ring) {
		for k, l := range d.leases {
			if !now.Before(l.expires) {
				delete(d.leases, k)
			}
		}
		if len(d.leases) >= len(d.ring) {
			return 0, ErrDedupFull
		}
	}
	d.leases[key] = memoryLease{owner: owner, expires: now.Add(lease)}
	return DedupClaimed, nil
}

// Complete implements Deduplicator.
func (d *MemoryDeduplicator) Complete(_ context.Context, key string) error {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.completeLocked(now, key)
	return nil
}

func (d *MemoryDeduplicator) completeLocked(now time.Time, key string) {
	var expires time.Time
	if d.ttl > 0 {
		expires = now.Add(d.ttl)
	}
	delete(d.leases, key)
	for d.count > 0 {
		old := d.ring[d.head]
		rec, owned := d.done[old.key]
		owned = owned && rec.seq == old.seq // else the key was completed again later, or expired
		if d.count < len(d.ring) && owned && (rec.expires.IsZero() || now.Before(rec.expires)) {
			break // room left, and the oldest is live
		}
		if owned {
			delete(d.done, old.key)
		}
		d.ring[d.head] = dedupSlot{}
		d.head = (d.head + 1) % len(d.ring)
		d.count--
	}
	d.seq++
	d.ring[(d.head+d.count)%len(d.ring)] = dedupSlot{key: key, seq: d.seq}
	d.count++
	d.done[key] = doneRecord{seq: d.seq, expires: expires}
}

// Release implements Deduplicator.
func (d *MemoryDeduplicator) Release(_ context.Context, key, owner string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if l, ok := d.leases[key]; ok && l.owner == owner {
		delete(d.leases, key)
	}
	return nil
}

// Len returns how many keys are remembered: completed keys not yet
// forgotten, and leases.
func (d *MemoryDeduplicator) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.done) + len(d.leases)
}

// ClaimBatch implements BatchDeduplicator, under one lock.
func (d *MemoryDeduplicator) ClaimBatch(_ context.Context, keys []string, owner string, lease time.Duration) ([]DedupState, error) {
	out := make([]DedupState, len(keys))
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, k := range keys {
		st, err := d.claimLocked(now, k, owner, lease)
		if err != nil {
			return nil, err
		}
		out[i] = st
	}
	return out, nil
}

// CompleteBatch implements BatchDeduplicator, under one lock.
func (d *MemoryDeduplicator) CompleteBatch(_ context.Context, keys []string) error {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, k := range keys {
		d.completeLocked(now, k)
	}
	return nil
}

// runCallback runs a webhook or callback handler's callback f, turning a
// panic into a *WebhookPanicError: a panic is a failure like any other, so
// the event is released and processed again on the retry.
func runCallback(f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &WebhookPanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return f()
}

// dedupTimeout bounds the Complete and Release calls, which run even when
// the request's context is canceled: the callback's outcome must be
// recorded whether or not the sender is still waiting for the answer.
const dedupTimeout = 5 * time.Second

// settleClaim records the outcome of an event processed under owner's
// claim: done after success, released after a failure. A store that fails
// is logged (what names the handler): a failed release leaves the lease to
// expire, a failed completion lets a redelivery process the event again.
func settleClaim(ctx context.Context, log *slog.Logger, what string, dd Deduplicator, key, owner string, lease time.Duration, ok bool) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dedupTimeout)
	defer cancel()
	if !ok {
		if err := dd.Release(dctx, key, owner); err != nil {
			log.WarnContext(ctx, what+" deduplication could not release a failed event; it is retried once its lease expires",
				"key", key, "lease", lease, "error", err)
		}
		return
	}
	if err := dd.Complete(dctx, key); err != nil {
		log.WarnContext(ctx, what+" deduplication could not record a processed event; a redelivery may process it again",
			"key", key, "error", err)
	}
}
