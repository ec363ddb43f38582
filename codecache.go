package wabsp

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"
)

// Authorization codes are single use, but Onboard must be safe to run again
// for the same session (a retry after a lost answer, a double click). The
// client therefore remembers, for a short while, which token each code was
// exchanged for, and lets concurrent exchanges of one code share a single
// request. Codes are keyed by their SHA-256, never stored.
const (
	codeCacheTTL  = 15 * time.Minute
	codeCacheSize = 1024
)

type codeCache struct {
	mu      sync.Mutex
	entries map[[32]byte]*codeEntry
	// order holds keys oldest first. Entries all live codeCacheTTL, so the
	// oldest is also the first to expire: eviction pops from the front.
	order []orderedKey
	now   func() time.Time
}

type orderedKey struct {
	key   [32]byte
	entry *codeEntry
}

type codeEntry struct {
	done    chan struct{} // closed when the exchange finished
	tok     *AccessToken
	err     error
	expires time.Time
}

func newCodeCache() *codeCache {
	return &codeCache{entries: make(map[[32]byte]*codeEntry), now: time.Now}
}

// exchangeCodeOnce returns the token code was exchanged for within the last
// codeCacheTTL, or exchanges it. A failed exchange is not remembered.
func (c *Client) exchangeCodeOnce(ctx context.Context, code Secret) (*AccessToken, error) {
	cc := c.codes
	key := sha256.Sum256([]byte(code.Reveal()))

	cc.mu.Lock()
	now := cc.now()
	e, ok := cc.entries[key]
	if ok && e.tok != nil && now.After(e.expires) {
		delete(cc.entries, key)
		ok = false
	}
	if !ok {
		cc.evictLocked(now)
		e = &codeEntry{done: make(chan struct{})}
		cc.entries[key] = e
		cc.order = append(cc.order, orderedKey{key, e})
		cc.mu.Unlock()

		tok, err := c.ExchangeCode(ctx, ExchangeCodeRequest{Code: code})
		cc.mu.Lock()
		e.tok, e.err = tok, err
		if err != nil {
			delete(cc.entries, key)
		} else {
			e.expires = cc.now().Add(codeCacheTTL)
		}
		cc.mu.Unlock()
		close(e.done)
		return tok, err
	}
	cc.mu.Unlock()

	select {
	case <-e.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.err != nil {
		// The exchange we waited for failed; this caller tries for itself.
		return c.exchangeCodeOnce(ctx, code)
	}
	return e.tok, nil
}

// evictLocked drops expired entries from the front of the queue, and the
// oldest ones while the cache is full. An entry still being exchanged is
// kept: its callers are waiting on it.
func (cc *codeCache) evictLocked(now time.Time) {
	for len(cc.order) > 0 {
		head := cc.order[0]
		current := cc.entries[head.key] == head.entry
		switch {
		case !current:
			// Replaced or failed: the map no longer points at it.
		case head.entry.tok == nil && head.entry.err == nil:
			return // in flight
		case now.After(head.entry.expires) || len(cc.entries) >= codeCacheSize:
			delete(cc.entries, head.key)
		default:
			return
		}
		cc.order[0] = orderedKey{}
		cc.order = cc.order[1:]
	}
}
