// Package redisstore keeps a policy.Tracker's state in Redis, so that
// several webhook receivers and senders share one view of every customer
// service window and every phone number's messaging limit, and so that a
// webhook delivery retried to another instance is still seen once.
//
// Each operation is one Lua script, atomic on the server and one round trip
// (the scripts are loaded by Open; after a server restart the first call of
// each script takes a second trip to load it again). The keys of one
// business portfolio share a cluster hash tag, so Redis Cluster works too.
//
// The portfolio of a phone number is kept under its own key and cached by
// each Store: the first operation on a number an instance has not seen
// costs one more round trip to read it, and a number found without a
// portfolio is looked up again after NoPortfolioRecheck, so a portfolio
// another instance records is seen within that time (what was counted
// meanwhile under the number alone then joins the portfolio).
//
// It lives in a package of its own so that programs without Redis do not
// link a Redis client.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/policy"
)

// DefaultPrefix starts every key the store writes.
const DefaultPrefix = "wabsp:policy:"

// Store is a policy.Store in Redis. It is safe for concurrent use.
type Store struct {
	rdb      redis.UniversalClient
	owned    bool
	prefix   string
	dedupTTL time.Duration
	// keep is how long a window or count key outlives its last write: a
	// day plus slack, so a key is never gone while it can still answer,
	// even with the writer's clock a little ahead of Redis's.
	keep time.Duration

	mu     sync.RWMutex
	groups map[string]groupEntry // id -> the group its keys are under

	// noSetNXGet: Redis rejected SET NX GET (before 7.0), ClaimBatch uses
	// the claim script.
	noSetNXGet atomic.Bool
}

var _ policy.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the prefix of every key (default DefaultPrefix), to keep
// several environments apart in one Redis.
func WithPrefix(prefix string) Option {
	return func(s *Store) { s.prefix = prefix }
}

// WithDedupTTL sets how long a processed webhook event is remembered
// (default policy.DefaultDedupTTL).
func WithDedupTTL(ttl time.Duration) Option {
	return func(s *Store) {
		if ttl > 0 {
			s.dedupTTL = ttl
		}
	}
}

// New returns a Store using rdb, which the caller keeps and closes.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{rdb: rdb, prefix: DefaultPrefix, dedupTTL: policy.DefaultDedupTTL, keep: policy.Day + time.Hour,
		groups: make(map[string]groupEntry)}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Open connects to the Redis at url ("redis://[:password@]host:port/db",
// or rediss:// for TLS), checks that it answers and loads the scripts. The
// Store owns the connection: Close it.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		// The parser's message may quote the URL, password included.
		return nil, errors.New("redisstore: the Redis URL is not valid (want redis://[:password@]host:port/db)")
	}
	s := New(redis.NewClient(o), opts...)
	s.owned = true
	if err := s.Load(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// Load loads the scripts into Redis, so that the first call of each is one
// round trip too. Open calls it.
func (s *Store) Load(ctx context.Context) error {
	for _, sc := range []*redis.Script{recordInbound, linkCustomer, startConversation, snapshot, exportGroup, importGroup, claim, release, reserveOnboarding} {
		if err := sc.Load(ctx, s.rdb).Err(); err != nil {
			return fmt.Errorf("redisstore: loading scripts: %w", err)
		}
	}
	return nil
}

// Close closes the connection if Open made it.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.rdb.Close()
}

// keys returns the keys of scripts.go for a phone number and a customer id
// as the caller gave it, under the number's group.
func (s *Store) keys(ctx context.Context, phoneNumberID, customerID string) ([]string, string, error) {
	g, err := s.group(ctx, phoneNumberID)
	if err != nil {
		return nil, "", err
	}
	return s.groupKeys(g, phoneNumberID, customerID), g, nil
}

func (s *Store) groupKeys(group, phoneNumberID, customerID string) []string {
	base := s.prefix + "{" + group + "}:"
	return []string{base + "w:" + customerID, base + "c", base + "t", base + "win:" + phoneNumberID, base + "id"}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// RecordInbound implements policy.Store.
func (s *Store) RecordInbound(ctx context.Context, phoneNumberID, customerID string, at time.Time) error {
	keys, _, err := s.keys(ctx, phoneNumberID, customerID)
	if err == nil {
		err = recordInbound.Run(ctx, s.rdb, keys,
			customerID, itoa(at.UnixMilli()), itoa(s.keep.Milliseconds()), itoa(at.UnixMilli()-s.keep.Milliseconds())).Err()
	}
	if err != nil {
		return fmt.Errorf("redisstore: recording an inbound message: %w", err)
	}
	return nil
}

// LinkCustomer implements policy.Store. Links are kept without expiry: a
// phone number learned with a BSUID today finds a window the BSUID opens
// next month.
func (s *Store) LinkCustomer(ctx context.Context, phoneNumberID, from, to string) error {
	keys, _, err := s.keys(ctx, phoneNumberID, from)
	if err == nil {
		err = linkCustomer.Run(ctx, s.rdb, keys, from, to, itoa(s.keep.Milliseconds())).Err()
	}
	if err != nil {
		return fmt.Errorf("redisstore: linking customer ids: %w", err)
	}
	return nil
}

// SetTier implements policy.Store.
func (s *Store) SetTier(ctx context.Context, id string, tier policy.Tier, limit int) error {
	g, err := s.group(ctx, id)
	if err == nil {
		err = s.rdb.HSet(ctx, s.groupKeys(g, id, "")[2], "name", string(tier), "limit", limit).Err()
	}
	if err != nil {
		return fmt.Errorf("redisstore: recording a tier: %w", err)
	}
	return nil
}

// StartConversation implements policy.Store.
func (s *Store) StartConversation(ctx context.Context, req policy.StartRequest) (policy.StartResult, error) {
	at := req.At.UnixMilli()
	day := policy.Day.Milliseconds()
	keys, group, err := s.keys(ctx, req.PhoneNumberID, req.CustomerID)
	if err != nil {
		return policy.StartResult{}, fmt.Errorf("redisstore: starting a conversation: %w", err)
	}
	vals, err := startConversation.Run(ctx, s.rdb, keys,
		req.CustomerID, itoa(at), itoa(at-day), flag(req.Enforce), flag(req.IgnoreWindow),
		strconv.Itoa(req.DefaultLimit), itoa(day), itoa(s.keep.Milliseconds())).Slice()
	if err != nil {
		return policy.StartResult{}, fmt.Errorf("redisstore: starting a conversation: %w", err)
	}
	if len(vals) != 8 {
		return policy.StartResult{}, fmt.Errorf("redisstore: starting a conversation: unexpected reply of %d values", len(vals))
	}
	kind, _ := vals[0].(string)
	snap, err := decodeSnapshot(vals[1:])
	if err != nil {
		return policy.StartResult{}, fmt.Errorf("redisstore: starting a conversation: %w", err)
	}
	snap.Portfolio = group
	return policy.StartResult{Kind: policy.Kind(kind), Snapshot: snap}, nil
}

// Snapshot implements policy.Store.
func (s *Store) Snapshot(ctx context.Context, phoneNumberID, customerID string, now time.Time) (policy.Snapshot, error) {
	cut := now.UnixMilli() - policy.Day.Milliseconds()
	keys, group, err := s.keys(ctx, phoneNumberID, customerID)
	if err != nil {
		return policy.Snapshot{}, fmt.Errorf("redisstore: reading: %w", err)
	}
	vals, err := snapshot.Run(ctx, s.rdb, keys, customerID, itoa(cut)).Slice()
	if err != nil {
		return policy.Snapshot{}, fmt.Errorf("redisstore: reading: %w", err)
	}
	snap, err := decodeSnapshot(vals)
	if err != nil {
		return policy.Snapshot{}, fmt.Errorf("redisstore: reading: %w", err)
	}
	snap.Portfolio = group
	return snap, nil
}

// Claim implements wabsp.Deduplicator: one script, so that of several
// instances claiming one key exactly one gets it. A lease expires on the
// Redis server's clock, so an instance that dies mid-callback frees the
// event for the others after lease.
func (s *Store) Claim(ctx context.Context, key, owner string, lease time.Duration) (wabsp.DedupState, error) {
	ms := lease.Milliseconds()
	if ms < 1 {
		ms = 1
	}
	n, err := claim.Run(ctx, s.rdb, []string{s.dedupKey(key)}, owner, itoa(ms)).Int()
	if err != nil {
		return 0, fmt.Errorf("redisstore: claiming a webhook event: %w", err)
	}
	switch n {
	case 1:
		return wabsp.DedupClaimed, nil
	case 2:
		return wabsp.DedupInProgress, nil
	case 3:
		return wabsp.DedupDone, nil
	}
	return 0, fmt.Errorf("redisstore: claiming a webhook event: unexpected answer %d", n)
}

// Complete implements wabsp.Deduplicator: the key reads as done for the
// dedup TTL.
func (s *Store) Complete(ctx context.Context, key string) error {
	if err := s.rdb.Set(ctx, s.dedupKey(key), "done", s.dedupTTL).Err(); err != nil {
		return fmt.Errorf("redisstore: completing a webhook event: %w", err)
	}
	return nil
}

// Release implements wabsp.Deduplicator. When Redis cannot be reached the
// lease stays until it expires, and the event is processed on the first
// redelivery after that: late, never lost.
func (s *Store) Release(ctx context.Context, key, owner string) error {
	if err := release.Run(ctx, s.rdb, []string{s.dedupKey(key)}, owner).Err(); err != nil {
		return fmt.Errorf("redisstore: releasing a webhook event: %w", err)
	}
	return nil
}

func (s *Store) dedupKey(key string) string { return s.prefix + "dedup:" + key }

// ClaimBatch implements wabsp.BatchDeduplicator in one round trip: a
// pipeline (which a Cluster client splits by node) of one SET NX GET per
// key, a native command that Redis runs several times faster than a
// script call; Redis before 7.0, which rejects NX with GET, gets the claim
// script per key instead. Either answers each key as Claim would, in
// order, so a key given twice is claimed by its first copy.
func (s *Store) ClaimBatch(ctx context.Context, keys []string, owner string, lease time.Duration) ([]wabsp.DedupState, error) {
	if len(keys) == 0 {
		return []wabsp.DedupState{}, nil
	}
	ms := itoa(max(lease.Milliseconds(), 1))
	if !s.noSetNXGet.Load() {
		out, err := s.claimBySet(ctx, keys, "lease:"+owner, ms)
		if err == nil || !redis.HasErrorPrefix(err, "ERR syntax error") {
			return out, err
		}
		s.noSetNXGet.Store(true)
	}
	return s.claimByScript(ctx, keys, owner, ms)
}

func (s *Store) claimBySet(ctx context.Context, keys []string, lease, ms string) ([]wabsp.DedupState, error) {
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.Cmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.Do(ctx, "set", s.dedupKey(k), lease, "px", ms, "nx", "get")
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redisstore: claiming webhook events: %w", err)
	}
	out := make([]wabsp.DedupState, len(keys))
	for i, c := range cmds {
		v, err := c.Text()
		switch {
		case errors.Is(err, redis.Nil):
			out[i] = wabsp.DedupClaimed // no value: ours now
		case err != nil:
			return nil, fmt.Errorf("redisstore: claiming webhook events: %w", err)
		case v == "done" || v == "1":
			out[i] = wabsp.DedupDone
		default:
			out[i] = wabsp.DedupInProgress
		}
	}
	return out, nil
}

// claimByScript is ClaimBatch for Redis before 7.0: the claim script for
// every key in one pipeline.
func (s *Store) claimByScript(ctx context.Context, keys []string, owner, ms string) ([]wabsp.DedupState, error) {
	run := func() ([]*redis.Cmd, error) {
		pipe := s.rdb.Pipeline()
		cmds := make([]*redis.Cmd, len(keys))
		for i, k := range keys {
			cmds[i] = claim.EvalSha(ctx, pipe, []string{s.dedupKey(k)}, owner, ms)
		}
		_, err := pipe.Exec(ctx)
		return cmds, err
	}
	cmds, err := run()
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		// Redis restarted without the script: load it and try once more.
		if lerr := claim.Load(ctx, s.rdb).Err(); lerr != nil {
			return nil, fmt.Errorf("redisstore: claiming webhook events: %w", lerr)
		}
		cmds, err = run()
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: claiming webhook events: %w", err)
	}
	out := make([]wabsp.DedupState, len(keys))
	for i, c := range cmds {
		n, err := c.Int()
		if err != nil {
			return nil, fmt.Errorf("redisstore: claiming webhook events: %w", err)
		}
		switch n {
		case 1:
			out[i] = wabsp.DedupClaimed
		case 2:
			out[i] = wabsp.DedupInProgress
		case 3:
			out[i] = wabsp.DedupDone
		default:
			return nil, fmt.Errorf("redisstore: claiming webhook events: unexpected answer %d", n)
		}
	}
	return out, nil
}

// CompleteBatch implements wabsp.BatchDeduplicator in one pipeline.
func (s *Store) CompleteBatch(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	pipe := s.rdb.Pipeline()
	for _, k := range keys {
		pipe.Set(ctx, s.dedupKey(k), "done", s.dedupTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redisstore: completing webhook events: %w", err)
	}
	return nil
}

// A Store deduplicates webhook deliveries for wabsp.WebhookHandler across
// instances.
var _ wabsp.BatchDeduplicator = (*Store)(nil)

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// decodeSnapshot reads {tier name, tier known, tier limit, last, start,
// used, oldest}.
func decodeSnapshot(v []any) (policy.Snapshot, error) {
	if len(v) != 7 {
		return policy.Snapshot{}, fmt.Errorf("unexpected reply of %d values", len(v))
	}
	var n [6]int64
	for i := range n {
		x, ok := v[i+1].(int64)
		if !ok {
			return policy.Snapshot{}, fmt.Errorf("unexpected reply value %T at %d", v[i+1], i+1)
		}
		n[i] = x
	}
	name, _ := v[0].(string)
	return policy.Snapshot{
		Tier:              policy.Tier(name),
		TierKnown:         n[0] == 1,
		Limit:             int(n[1]),
		LastInbound:       msTime(n[2]),
		ConversationStart: msTime(n[3]),
		Used:              int(n[4]),
		Oldest:            msTime(n[5]),
	}, nil
}

func msTime(v int64) time.Time {
	if v < 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
