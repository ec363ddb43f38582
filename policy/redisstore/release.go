package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wabsp/wabsp/policy"
)

var _ policy.ConversationReleaser = (*Store)(nil)

// releaseConversation removes the customer's conversation only if it is
// the one that started at ARGV[2]: a reservation released late must not
// remove a conversation another sender started since.
//
//	KEYS[2] conversations; ARGV[1] customer, ARGV[2] start (Unix ms)
var releaseConversation = redis.NewScript(resolveLua + `
local c = resolve(ARGV[1])
local start = redis.call('ZSCORE', KEYS[2], c)
if start and start == ARGV[2] then
  redis.call('ZREM', KEYS[2], c)
  return 1
end
return 0
`)

// ReleaseConversation implements policy.ConversationReleaser in one atomic
// round trip.
func (s *Store) ReleaseConversation(ctx context.Context, phoneNumberID, customerWAID string, start time.Time) error {
	keys, _, err := s.keys(ctx, phoneNumberID, customerWAID)
	if err == nil {
		err = releaseConversation.Run(ctx, s.rdb, keys, customerWAID, itoa(start.UnixMilli())).Err()
	}
	if err != nil {
		return fmt.Errorf("redisstore: releasing a conversation: %w", err)
	}
	return nil
}
