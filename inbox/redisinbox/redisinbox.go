// Package redisinbox keeps a wabsp.Inbox's deliveries in a Redis stream, so
// that any number of receivers (ingest) and workers, in any number of
// processes, share one queue: receivers XADD each verified body, workers
// read it through one consumer group (XREADGROUP), acknowledge it (XACK,
// then XDEL: the stream holds only work not done) and take over the entries
// of a crashed worker with XAUTOCLAIM after the visibility timeout. Dead
// letters live in a second stream.
//
// Durability is Redis's: a receiver answers 200 once Redis acknowledged the
// XADD, so a Redis that must not lose acknowledged deliveries runs with
// appendonly yes and appendfsync always (or everysec, accepting up to a
// second of loss on a crash of the machine).
//
// It needs Redis 6.2 or later (XAUTOCLAIM); 7.0 or later cleans up pending
// entries trimmed from the stream.
package redisinbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wabsp/wabsp"
)

// The defaults of a Queue.
const (
	DefaultPrefix = "wabsp:inbox:"
	DefaultName   = "webhooks"
	DefaultGroup  = "workers"
)

// Queue is a wabsp.InboxQueue in Redis. It is safe for concurrent use.
type Queue struct {
	rdb        redis.UniversalClient
	owned      bool
	prefix     string
	name       string
	group      string
	keys       []string // stream, failures, dead
	visibility time.Duration
	maxLen     int64
	retention  time.Duration
	deadMaxLen int64

	mu     sync.Mutex
	claims map[string]claimState // per consumer

	addMu   sync.Mutex
	adds    []*pendingAdd // waiting for a write, oldest first
	writing bool          // an Add leads a write
}

// claimState is where a consumer's XAUTOCLAIM scan of the pending entries
// stands, and when it scans again: scanning on every read would cost a
// round trip per read for entries that are rarely there.
type claimState struct {
	cursor string
	next   time.Time
}

var _ wabsp.InboxQueue = (*Queue)(nil)

// Option configures a Queue.
type Option func(*Queue)

// WithPrefix sets the prefix of every key (default DefaultPrefix).
func WithPrefix(prefix string) Option {
	return func(q *Queue) {
		if prefix != "" {
			q.prefix = prefix
		}
	}
}

// WithName names the queue (default DefaultName): its keys are
// <prefix>{<name>}:stream, :failures and :dead, one cluster slot.
func WithName(name string) Option {
	return func(q *Queue) {
		if name != "" {
			q.name = name
		}
	}
}

// WithGroup names the consumer group (default DefaultGroup).
func WithGroup(group string) Option {
	return func(q *Queue) {
		if group != "" {
			q.group = group
		}
	}
}

// WithVisibilityTimeout sets how long a worker holds an entry before
// another may take it over (default wabsp.DefaultInboxVisibility). Keep it
// longer than the WebhookHandler's DedupLease and than any delivery's
// callbacks run.
func WithVisibilityTimeout(d time.Duration) Option {
	return func(q *Queue) {
		if d > 0 {
			q.visibility = d
		}
	}
}

// WithMaxLen trims the stream to about n entries on every XADD (MAXLEN ~
// n). Acknowledged entries are deleted at once, so the stream holds only
// the backlog; trimming drops its oldest entries whether they were
// processed or not. It is a memory ceiling for an outage of every worker,
// not a routine setting: a delivery trimmed unprocessed is lost, although
// Meta had its 200. 0, the default, does not trim.
func WithMaxLen(n int64) Option { return func(q *Queue) { q.maxLen = max(n, 0) } }

// WithRetention trims entries older than d on every XADD (MINID ~ now-d),
// with the same caveat as WithMaxLen: pick a d far longer than any outage
// of the workers. 0, the default, does not trim; WithMaxLen wins when both
// are set.
func WithRetention(d time.Duration) Option { return func(q *Queue) { q.retention = max(d, 0) } }

// WithDeadLetterMaxLen keeps about the latest n dead letters (default 0:
// all of them).
func WithDeadLetterMaxLen(n int64) Option { return func(q *Queue) { q.deadMaxLen = max(n, 0) } }

// New returns a Queue using rdb, which the caller keeps and closes. Call
// Init before the first use.
func New(rdb redis.UniversalClient, opts ...Option) *Queue {
	q := &Queue{rdb: rdb, prefix: DefaultPrefix, name: DefaultName, group: DefaultGroup,
		visibility: wabsp.DefaultInboxVisibility, claims: map[string]claimState{}}
	for _, o := range opts {
		o(q)
	}
	base := q.prefix + "{" + q.name + "}:"
	q.keys = []string{base + "stream", base + "failures", base + "dead"}
	return q
}

// Open connects to the Redis at url ("redis://[:password@]host:port/db",
// or rediss:// for TLS) and calls Init. The Queue owns the connection:
// Close it.
func Open(ctx context.Context, url string, opts ...Option) (*Queue, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		// The parser's message may quote the URL, password included.
		return nil, errors.New("redisinbox: the Redis URL is not valid (want redis://[:password@]host:port/db)")
	}
	q := New(redis.NewClient(o), opts...)
	q.owned = true
	if err := q.Init(ctx); err != nil {
		_ = q.Close()
		return nil, err
	}
	return q, nil
}

// Init creates the stream and the consumer group if they do not exist and
// loads the scripts.
func (q *Queue) Init(ctx context.Context) error {
	if err := q.createGroup(ctx); err != nil {
		return err
	}
	for _, sc := range []*redis.Script{claim, retry, deadLetter, replay, leave} {
		if err := sc.Load(ctx, q.rdb).Err(); err != nil {
			return fmt.Errorf("redisinbox: loading scripts: %w", err)
		}
	}
	return nil
}

// createGroup creates the group reading the stream from its start, so that
// entries added before the group are read too.
func (q *Queue) createGroup(ctx context.Context) error {
	err := q.rdb.XGroupCreateMkStream(ctx, q.keys[0], q.group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("redisinbox: creating the consumer group: %w", err)
	}
	return nil
}

// Close closes the connection if Open made it.
func (q *Queue) Close() error {
	if !q.owned {
		return nil
	}
	return q.rdb.Close()
}

// Add implements wabsp.InboxQueue: one XADD, the body stored once;
// concurrent Adds share a pipeline.
func (q *Queue) Add(ctx context.Context, body []byte, received time.Time) error {
	return q.add(ctx, body, received)
}

// Read implements wabsp.InboxQueue: XAUTOCLAIM of the entries idle past the
// visibility timeout, then XREADGROUP of new ones, blocking only when
// there were none to claim. It recreates the consumer group if Redis lost
// it (a restart without persistence).
func (q *Queue) Read(ctx context.Context, consumer string, n int, block time.Duration) ([]wabsp.InboxEntry, error) {
	if n <= 0 {
		return nil, nil
	}
	out, err := q.claim(ctx, consumer, n)
	if isNoGroup(err) {
		if err = q.createGroup(ctx); err == nil {
			out, err = q.claim(ctx, consumer, n)
		}
	}
	if err != nil {
		return nil, err
	}
	if len(out) == n {
		return out, nil
	}
	a := &redis.XReadGroupArgs{Group: q.group, Consumer: consumer, Streams: []string{q.keys[0], ">"}, Count: int64(n - len(out)), Block: -1}
	if len(out) == 0 && block > 0 {
		a.Block = block
	}
	streams, err := q.rdb.XReadGroup(ctx, a).Result()
	if isNoGroup(err) {
		if err = q.createGroup(ctx); err == nil {
			streams, err = q.rdb.XReadGroup(ctx, a).Result()
		}
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		if len(out) > 0 {
			return out, nil // the claimed entries are this consumer's now; the next read reports the error
		}
		return nil, fmt.Errorf("redisinbox: reading new deliveries: %w", err)
	}
	for _, s := range streams {
		for _, m := range s.Messages {
			out = append(out, entryOf(m.ID, m.Values, 0))
		}
	}
	return out, nil
}

func (q *Queue) claim(ctx context.Context, consumer string, n int) ([]wabsp.InboxEntry, error) {
	now := time.Now()
	q.mu.Lock()
	st := q.claims[consumer]
	q.mu.Unlock()
	if now.Before(st.next) {
		return nil, nil
	}
	cursor := st.cursor
	if cursor == "" {
		cursor = "0-0"
	}
	res, err := claim.Run(ctx, q.rdb, q.keys, q.group, consumer, q.visibility.Milliseconds(), n, cursor).Slice()
	if err != nil {
		return nil, fmt.Errorf("redisinbox: claiming idle deliveries: %w", err)
	}
	if len(res) == 0 || (len(res)-1)%3 != 0 {
		return nil, fmt.Errorf("redisinbox: claiming idle deliveries: unexpected reply of %d values", len(res))
	}
	st.cursor, _ = res[0].(string)
	if len(res) < 1+3*n && st.cursor == "0-0" {
		// The scan is through and found fewer than asked: nothing else is
		// due until a while later.
		st.next = now.Add(q.claimEvery())
	}
	q.mu.Lock()
	q.claims[consumer] = st
	q.mu.Unlock()
	var out []wabsp.InboxEntry
	for i := 1; i < len(res); i += 3 {
		id, _ := res[i].(string)
		fields, _ := res[i+1].([]any)
		failures, _ := res[i+2].(int64)
		values := make(map[string]any, len(fields)/2)
		for j := 0; j+1 < len(fields); j += 2 {
			k, _ := fields[j].(string)
			values[k] = fields[j+1]
		}
		out = append(out, entryOf(id, values, int(failures)))
	}
	return out, nil
}

// entryOf reads the fields Add wrote.
func entryOf(id string, values map[string]any, failures int) wabsp.InboxEntry {
	e := wabsp.InboxEntry{ID: id, Failures: failures}
	if b, ok := values["b"].(string); ok {
		e.Body = []byte(b)
	}
	if r, ok := values["r"].(string); ok {
		if us, err := strconv.ParseInt(r, 10, 64); err == nil {
			e.Received = time.UnixMicro(us)
		}
	}
	return e
}

// claimEvery is how often a consumer looks for entries to take over: a
// twentieth of the visibility timeout, between 10 ms and a second. An entry
// another process retried or left behind is taken up to that much later
// than it was due; one retried through this Queue is looked for when due.
func (q *Queue) claimEvery() time.Duration {
	return min(max(q.visibility/20, 10*time.Millisecond), time.Second)
}

func isNoGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOGROUP") }

// Ack implements wabsp.InboxQueue: XACK, XDEL and the failure counts' HDEL
// in one MULTI.
func (q *Queue) Ack(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := q.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, q.keys[0], q.group, ids...)
		p.XDel(ctx, q.keys[0], ids...)
		p.HDel(ctx, q.keys[1], ids...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisinbox: acknowledging a delivery: %w", err)
	}
	return nil
}

// Retry implements wabsp.InboxQueue.
func (q *Queue) Retry(ctx context.Context, consumer, id string, after time.Duration, failed bool) error {
	idle := max(q.visibility-min(max(after, 0), q.visibility), 0)
	f := "0"
	if failed {
		f = "1"
	}
	if err := retry.Run(ctx, q.rdb, q.keys, q.group, consumer, id, idle.Milliseconds(), f).Err(); err != nil {
		return fmt.Errorf("redisinbox: scheduling a retry: %w", err)
	}
	// The consumers of this process look for it when it is due, not only
	// at their next scan.
	due := time.Now().Add(q.visibility - idle)
	q.mu.Lock()
	for c, st := range q.claims {
		if due.Before(st.next) {
			st.next = due
			q.claims[c] = st
		}
	}
	q.mu.Unlock()
	return nil
}

// DeadLetter implements wabsp.InboxQueue.
func (q *Queue) DeadLetter(ctx context.Context, consumer string, e wabsp.InboxEntry, cause string) error {
	err := deadLetter.Run(ctx, q.rdb, q.keys, q.group, consumer, e.ID, e.Failures, cause,
		time.Now().UnixMicro(), q.deadMaxLen).Err()
	if err != nil {
		return fmt.Errorf("redisinbox: dead-lettering a delivery: %w", err)
	}
	return nil
}

// Replay implements wabsp.InboxQueue.
func (q *Queue) Replay(ctx context.Context, n int) (int, error) {
	if n <= 0 {
		return 0, nil
	}
	moved, err := replay.Run(ctx, q.rdb, q.keys, n).Int()
	if err != nil {
		return 0, fmt.Errorf("redisinbox: replaying dead letters: %w", err)
	}
	return moved, nil
}

// DeadLetters implements wabsp.InboxQueue.
func (q *Queue) DeadLetters(ctx context.Context, n int) ([]wabsp.InboxDeadLetter, error) {
	if n <= 0 {
		return nil, nil
	}
	msgs, err := q.rdb.XRangeN(ctx, q.keys[2], "-", "+", int64(n)).Result()
	if err != nil {
		return nil, fmt.Errorf("redisinbox: listing dead letters: %w", err)
	}
	out := make([]wabsp.InboxDeadLetter, 0, len(msgs))
	for _, m := range msgs {
		id, _ := m.Values["id"].(string)
		failures, _ := m.Values["f"].(string)
		f, _ := strconv.Atoi(failures)
		d := wabsp.InboxDeadLetter{InboxEntry: entryOf(id, m.Values, f)}
		d.Err, _ = m.Values["err"].(string)
		if at, ok := m.Values["at"].(string); ok {
			if us, err := strconv.ParseInt(at, 10, 64); err == nil {
				d.DeadAt = time.UnixMicro(us)
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// Stats implements wabsp.InboxQueue. Acknowledged entries are deleted, so
// the entries not yet handed out are the stream's length less the pending
// ones.
func (q *Queue) Stats(ctx context.Context) (wabsp.InboxQueueStats, error) {
	var length, dead *redis.IntCmd
	var pending *redis.XPendingCmd
	_, err := q.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		length = p.XLen(ctx, q.keys[0])
		pending = p.XPending(ctx, q.keys[0], q.group)
		dead = p.XLen(ctx, q.keys[2])
		return nil
	})
	if err != nil && !isNoGroup(err) {
		return wabsp.InboxQueueStats{}, fmt.Errorf("redisinbox: reading stats: %w", err)
	}
	s := wabsp.InboxQueueStats{DeadLetters: dead.Val()}
	if p := pending.Val(); p != nil {
		s.Pending = p.Count
	}
	s.Lag = max(length.Val()-s.Pending, 0)
	return s, nil
}

// Leave implements wabsp.InboxQueue: the consumer is deleted from the
// group unless it still holds entries, which then wait for another
// consumer's XAUTOCLAIM.
func (q *Queue) Leave(ctx context.Context, consumer string) error {
	if err := leave.Run(ctx, q.rdb, q.keys[:1], q.group, consumer).Err(); err != nil && !isNoGroup(err) {
		return fmt.Errorf("redisinbox: removing a consumer: %w", err)
	}
	q.mu.Lock()
	delete(q.claims, consumer)
	q.mu.Unlock()
	return nil
}

// Keys returns the stream, failure-count and dead-letter keys, for
// monitoring and tests.
func (q *Queue) Keys() (stream, failures, dead string) { return q.keys[0], q.keys[1], q.keys[2] }
