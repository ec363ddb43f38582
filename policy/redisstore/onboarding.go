package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wabsp/wabsp"
)

// A Store counts onboardings against a Multi-Partner Solution's weekly
// limit and remembers coexistence sync requests for every replica.
var (
	_ wabsp.OnboardingQuota      = (*Store)(nil)
	_ wabsp.CoexistenceSyncStore = (*Store)(nil)
)

// Keys:
//
//	<prefix>mps:{<solution>}       onboarded WABAs (zset waba -> Unix ms)
//	<prefix>coex:<pnid>:<type>     a coexistence sync request (JSON, TTL)

// reserveOnboarding mirrors wabsp.MemoryOnboardingQuota. ARGV: waba, at,
// at-window (cut), limit, window. Returns {1} or {0, next free ms}.
var reserveOnboarding = redis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {1} end
local n = redis.call('ZCARD', KEYS[1])
local limit = tonumber(ARGV[4])
if n >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
  return {0, tostring(tonumber(oldest[2]) + tonumber(ARGV[5]))}
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1}
`)

// ReserveOnboarding implements wabsp.OnboardingQuota in one script.
func (s *Store) ReserveOnboarding(ctx context.Context, solutionID, wabaID string, at time.Time, limit int, window time.Duration) (bool, time.Time, error) {
	t := at.UnixMilli()
	w := window.Milliseconds()
	vals, err := reserveOnboarding.Run(ctx, s.rdb, []string{s.prefix + "mps:{" + solutionID + "}"},
		wabaID, itoa(t), itoa(t-w), itoa(int64(limit)), itoa(w)).Slice()
	if err != nil {
		return false, time.Time{}, fmt.Errorf("redisstore: counting an onboarding: %w", err)
	}
	if len(vals) == 1 {
		return true, time.Time{}, nil
	}
	var next int64
	if str, ok := vals[1].(string); ok {
		_, err = fmt.Sscan(str, &next)
	}
	if err != nil || next == 0 {
		return false, time.Time{}, errors.New("redisstore: counting an onboarding: unexpected answer")
	}
	return false, time.UnixMilli(next).UTC(), nil
}

// ReleaseOnboarding implements wabsp.OnboardingQuota.
func (s *Store) ReleaseOnboarding(ctx context.Context, solutionID, wabaID string) error {
	if err := s.rdb.ZRem(ctx, s.prefix+"mps:{"+solutionID+"}", wabaID).Err(); err != nil {
		return fmt.Errorf("redisstore: releasing an onboarding: %w", err)
	}
	return nil
}

func (s *Store) syncKey(phoneNumberID string, t wabsp.CoexistenceSyncType) string {
	return s.prefix + "coex:" + phoneNumberID + ":" + string(t)
}

// LoadCoexistenceSync implements wabsp.CoexistenceSyncStore.
func (s *Store) LoadCoexistenceSync(ctx context.Context, phoneNumberID string, t wabsp.CoexistenceSyncType) (*wabsp.CoexistenceSync, error) {
	b, err := s.rdb.Get(ctx, s.syncKey(phoneNumberID, t)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: reading a coexistence sync: %w", err)
	}
	var rec wabsp.CoexistenceSync
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("redisstore: reading a coexistence sync: %w", err)
	}
	return &rec, nil
}

// SaveCoexistenceSync implements wabsp.CoexistenceSyncStore with SET NX:
// of two replicas saving at once, both keep the first record.
func (s *Store) SaveCoexistenceSync(ctx context.Context, rec wabsp.CoexistenceSync) (wabsp.CoexistenceSync, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return rec, err
	}
	key := s.syncKey(rec.PhoneNumberID, rec.Type)
	set, err := s.rdb.SetNX(ctx, key, b, wabsp.CoexistenceSyncKeep).Result()
	if err != nil {
		return rec, fmt.Errorf("redisstore: recording a coexistence sync: %w", err)
	}
	if set {
		return rec, nil
	}
	kept, err := s.LoadCoexistenceSync(ctx, rec.PhoneNumberID, rec.Type)
	if err != nil || kept == nil {
		return rec, err
	}
	return *kept, nil
}
