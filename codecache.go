package wabsp

import (
	"container/list"
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"time"
)

// Authorization codes are single use, but Onboard must be safe to run again
// for the same session (a retry after a lost answer, a double click). The
// client therefore remembers, for a short while, which token each code was
// exchanged for and for which session, and lets concurrent exchanges of one
// code by that session share a single request. Codes are keyed by their
// SHA-256, never stored.
const (
	codeCacheTTL  = 15 * time.Minute
	codeCacheSize = 1024
)

// ErrCodeReused is the cause of Onboard's failure at StepExchangeCode when
// the code was already exchanged by this Client for another session: another
// client_ref or other ids. Nothing is sent. A code is single use, and its
// token belongs to the session that first presented it; handing it to a
// second session would attach one customer's WABA to another tenant. It also
// matches ErrCodeAlreadyUsed, the answer Graph gives for a used code.
var ErrCodeReused error = &codeReusedError{}

type codeReusedError struct{}

// Error says why the code was refused.
func (*codeReusedError) Error() string {
	return "wabsp: the code was already exchanged for another session (client_ref or ids differ)"
}

// Is lets errors.Is(ErrCodeReused, ErrCodeAlreadyUsed) hold: both mean "ask
// the customer to sign up again".
func (*codeReusedError) Is(target error) bool { return target == ErrCodeAlreadyUsed }

type codeCache struct {
	mu      sync.Mutex
	entries map[[32]byte]*codeEntry
	// order holds the entries oldest first. Entries all live codeCacheTTL,
	// so the oldest is also the first to expire.
	order *list.List
	now   func() time.Time
}

type codeEntry struct {
	key     [32]byte
	session sessionKey
	elem    *list.Element
	done    chan struct{} // closed when the exchange finished
	tok     *AccessToken
	err     error
	expires time.Time
}

// sessionKey is what makes a second Onboard "the same session" as the first:
// the code's client_ref and every id, field for field.
type sessionKey struct {
	clientRef, wabaID, phoneNumberID, businessID string
}

func sessionKeyOf(s SignupSession) sessionKey {
	return sessionKey{s.ClientRef, s.WABAID, s.PhoneNumberID, s.BusinessID}
}

func newCodeCache() *codeCache {
	return &codeCache{entries: make(map[[32]byte]*codeEntry), order: list.New(), now: time.Now}
}

// exchangeCodeOnce returns the token s.Code was exchanged for within the
// last codeCacheTTL by the same session, or exchanges it. A code exchanged
// for another session is ErrCodeReused. A failed exchange is not remembered.
func (c *Client) exchangeCodeOnce(ctx context.Context, s SignupSession) (*AccessToken, error) {
	return c.codes.once(ctx, s, func() (*AccessToken, error) {
		return c.ExchangeCode(ctx, ExchangeCodeRequest{Code: s.Code})
	})
}

// once runs exchange for s's code unless the same session has it cached or
// in flight.
func (cc *codeCache) once(ctx context.Context, s SignupSession, exchange func() (*AccessToken, error)) (*AccessToken, error) {
	key := sha256.Sum256([]byte(s.Code.Reveal()))
	session := sessionKeyOf(s)

	cc.mu.Lock()
	now := cc.now()
	e, ok := cc.entries[key]
	if ok && e.tok != nil && now.After(e.expires) {
		cc.removeLocked(e)
		ok = false
	}
	if ok && e.session != session {
		cc.mu.Unlock()
		return nil, ErrCodeReused
	}
	if !ok {
		cc.evictLocked(now)
		e = &codeEntry{key: key, session: session, done: make(chan struct{})}
		cc.entries[key] = e
		e.elem = cc.order.PushBack(e)
		cc.mu.Unlock()

		tok, err := exchange()
		cc.mu.Lock()
		e.tok, e.err = tok, err
		switch {
		case cc.entries[key] != e:
			// Evicted while in flight: its waiters have e, the cache no
			// longer does.
		case err != nil:
			cc.removeLocked(e)
		default:
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
		if errors.Is(e.err, ErrCodeAlreadyUsed) {
			return nil, e.err
		}
		// The exchange we waited for failed; this caller tries for itself.
		return cc.once(ctx, s, exchange)
	}
	return e.tok, nil
}

// evictLocked drops expired entries, then the oldest ones while the cache is
// full, so that the bound holds whatever is in flight: an entry evicted
// while its exchange runs stays with the callers waiting on it and is simply
// not remembered afterwards.
func (cc *codeCache) evictLocked(now time.Time) {
	for front := cc.order.Front(); front != nil; front = cc.order.Front() {
		e := front.Value.(*codeEntry)
		expired := e.tok != nil && now.After(e.expires)
		if !expired && len(cc.entries) < codeCacheSize {
			return
		}
		cc.removeLocked(e)
	}
}

func (cc *codeCache) removeLocked(e *codeEntry) {
	if cc.entries[e.key] == e {
		delete(cc.entries, e.key)
	}
	if e.elem != nil {
		cc.order.Remove(e.elem)
		e.elem = nil
	}
}
