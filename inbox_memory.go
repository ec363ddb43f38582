package wabsp

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"sync"
	"time"
)

// DefaultInboxVisibility is how long a consumer holds an entry before the
// queue hands it to another: longer than DefaultDedupLease, so that the
// deduplication lease of a crashed worker's events has expired when another
// worker takes them over.
const DefaultInboxVisibility = 2 * time.Minute

// MemoryInboxQueue is an in-process InboxQueue, for tests and single-process
// receivers: entries live in memory and are lost with the process. Meta
// retries a delivery it had no answer to, but not one it had a 200 for, so
// a receiver that must not lose events across restarts uses a durable queue
// (inbox/redisinbox).
type MemoryInboxQueue struct {
	maxLen     int
	visibility time.Duration
	now        func() time.Time

	mu      sync.Mutex
	wake    chan struct{} // closed and replaced when an entry is added
	seq     uint64
	fresh   []*memoryInboxEntry          // not handed out yet, oldest first
	pending map[string]*memoryInboxEntry // handed out, not settled
	dead    []InboxDeadLetter
}

type memoryInboxEntry struct {
	InboxEntry
	seq      uint64
	consumer string
	visible  time.Time // when another consumer may take it
}

// MemoryInboxOption configures a MemoryInboxQueue.
type MemoryInboxOption func(*MemoryInboxQueue)

// WithMemoryInboxMaxLen bounds the entries held (new and pending); Add
// answers ErrInboxFull past it. 0, the default, means unbounded.
func WithMemoryInboxMaxLen(n int) MemoryInboxOption {
	return func(q *MemoryInboxQueue) { q.maxLen = max(n, 0) }
}

// WithMemoryInboxVisibility sets the visibility timeout (default
// DefaultInboxVisibility).
func WithMemoryInboxVisibility(d time.Duration) MemoryInboxOption {
	return func(q *MemoryInboxQueue) {
		if d > 0 {
			q.visibility = d
		}
	}
}

// NewMemoryInboxQueue returns an empty MemoryInboxQueue.
func NewMemoryInboxQueue(opts ...MemoryInboxOption) *MemoryInboxQueue {
	q := &MemoryInboxQueue{
		visibility: DefaultInboxVisibility,
		now:        time.Now,
		wake:       make(chan struct{}),
		pending:    make(map[string]*memoryInboxEntry),
	}
	for _, o := range opts {
		o(q)
	}
	return q
}

var _ InboxQueue = (*MemoryInboxQueue)(nil)

// Add implements InboxQueue. The body is copied.
func (q *MemoryInboxQueue) Add(ctx context.Context, body []byte, received time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.maxLen > 0 && len(q.fresh)+len(q.pending) >= q.maxLen {
		return ErrInboxFull
	}
	q.addLocked(InboxEntry{Body: slices.Clone(body), Received: received})
	return nil
}

func (q *MemoryInboxQueue) addLocked(e InboxEntry) {
	q.seq++
	e.ID = strconv.FormatUint(q.seq, 10)
	q.fresh = append(q.fresh, &memoryInboxEntry{InboxEntry: e, seq: q.seq})
	close(q.wake)
	q.wake = make(chan struct{})
}

// Read implements InboxQueue.
func (q *MemoryInboxQueue) Read(ctx context.Context, consumer string, n int, block time.Duration) ([]InboxEntry, error) {
	if n <= 0 {
		return nil, nil
	}
	var timer <-chan time.Time
	for {
		q.mu.Lock()
		out := q.takeLocked(consumer, n)
		wake := q.wake
		q.mu.Unlock()
		if len(out) > 0 || block <= 0 {
			return out, nil
		}
		if timer == nil {
			t := time.NewTimer(block)
			defer t.Stop()
			timer = t.C
		}
		select {
		case <-wake:
		case <-timer:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// takeLocked hands consumer the pending entries past their visibility
// timeout, oldest first, then new ones.
func (q *MemoryInboxQueue) takeLocked(consumer string, n int) []InboxEntry {
	now := q.now()
	var expired []*memoryInboxEntry
	for _, e := range q.pending {
		if !now.Before(e.visible) {
			expired = append(expired, e)
		}
	}
	slices.SortFunc(expired, func(a, b *memoryInboxEntry) int { return cmp.Compare(a.seq, b.seq) })
	var out []InboxEntry
	hand := func(e *memoryInboxEntry) {
		e.consumer = consumer
		e.visible = now.Add(q.visibility)
		q.pending[e.ID] = e
		out = append(out, e.InboxEntry)
	}
	for _, e := range expired {
		if len(out) == n {
			return out
		}
		hand(e)
	}
	for len(out) < n && len(q.fresh) > 0 {
		e := q.fresh[0]
		q.fresh[0] = nil
		q.fresh = q.fresh[1:]
		hand(e)
	}
	return out
}

// Ack implements InboxQueue.
func (q *MemoryInboxQueue) Ack(_ context.Context, ids ...string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, id := range ids {
		delete(q.pending, id)
	}
	return nil
}

// Retry implements InboxQueue.
func (q *MemoryInboxQueue) Retry(_ context.Context, consumer, id string, after time.Duration, failed bool) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	e, ok := q.pending[id]
	if !ok || e.consumer != consumer {
		return nil
	}
	if failed {
		e.Failures++
	}
	e.visible = q.now().Add(min(max(after, 0), q.visibility))
	return nil
}

// DeadLetter implements InboxQueue.
func (q *MemoryInboxQueue) DeadLetter(_ context.Context, consumer string, e InboxEntry, cause string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	held, ok := q.pending[e.ID]
	if !ok || held.consumer != consumer {
		return nil
	}
	delete(q.pending, e.ID)
	held.Failures = max(held.Failures, e.Failures)
	q.dead = append(q.dead, InboxDeadLetter{InboxEntry: held.InboxEntry, Err: cause, DeadAt: q.now()})
	return nil
}

// Replay implements InboxQueue.
func (q *MemoryInboxQueue) Replay(_ context.Context, n int) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n = min(max(n, 0), len(q.dead))
	for _, d := range q.dead[:n] {
		q.addLocked(InboxEntry{Body: d.Body, Received: d.Received})
	}
	q.dead = slices.Delete(q.dead, 0, n)
	return n, nil
}

// DeadLetters implements InboxQueue.
func (q *MemoryInboxQueue) DeadLetters(_ context.Context, n int) ([]InboxDeadLetter, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.dead[:min(max(n, 0), len(q.dead))]), nil
}

// Stats implements InboxQueue.
func (q *MemoryInboxQueue) Stats(context.Context) (InboxQueueStats, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return InboxQueueStats{Pending: int64(len(q.pending)), Lag: int64(len(q.fresh)), DeadLetters: int64(len(q.dead))}, nil
}

// Leave implements InboxQueue: a MemoryInboxQueue keeps no state per
// consumer.
func (q *MemoryInboxQueue) Leave(context.Context, string) error { return nil }
