package policy

import (
	"context"
	"sync"
	"time"

	"github.com/wabsp/wabsp"
)

// DefaultDedupTTL is how long a store remembers a processed webhook event
// unless told otherwise. Meta retries a failed webhook delivery for days
// (its pages say 36 hours in one place and up to 7 days in another): the
// longer one wins.
const DefaultDedupTTL = 7 * 24 * time.Hour

// MemoryStore is a Store held in this process: the default, right for one
// instance. It is safe for concurrent use; its questions take a read lock
// and allocate nothing.
//
// Its webhook deduplication is a wabsp.MemoryDeduplicator bounded both by
// DefaultDedupTTL and by a capacity (wabsp.DefaultDedupCapacity keys, about
// 10 MB, unless WithMemoryDedupCapacity says otherwise): once full, the
// oldest processed key is forgotten first. Each outbound message adds up
// to four status keys (sent, delivered, read, failed), so size it for a
// week of traffic if redeliveries that late matter to you, or use
// redisstore.
type MemoryStore struct {
	now           func() time.Time
	dedupTTL      time.Duration
	dedupCapacity int

	mu     sync.RWMutex
	phones map[string]*phoneState

	dedup *wabsp.MemoryDeduplicator
}

var _ Store = (*MemoryStore)(nil)

// phoneState is one phone number's state. starts and order hold the same
// conversations: order sorted by start for the rolling count, starts for
// the lookup by customer.
type phoneState struct {
	tier      Tier
	limit     int
	tierKnown bool

	windows      map[string]int64 // customer -> last inbound, Unix ms
	windowsSwept int
	links        map[string]string // id -> id it names now (LinkCustomer)
	starts       map[string]int64  // customer -> conversation start, Unix ms
	order        []started
}

type started struct {
	at       int64
	customer string
}

// MemoryOption configures a MemoryStore.
type MemoryOption func(*MemoryStore)

// WithMemoryClock sets the clock the deduplication leases and TTL are
// measured with; the other methods take their time from the caller.
func WithMemoryClock(now func() time.Time) MemoryOption {
	return func(s *MemoryStore) {
		if now != nil {
			s.now = now
		}
	}
}

// WithMemoryDedupTTL sets how long a processed webhook event is remembered
// (default DefaultDedupTTL).
func WithMemoryDedupTTL(ttl time.Duration) MemoryOption {
	return func(s *MemoryStore) {
		if ttl > 0 {
			s.dedupTTL = ttl
		}
	}
}

// WithMemoryDedupCapacity sets how many processed webhook events are
// remembered at most (default wabsp.DefaultDedupCapacity).
func WithMemoryDedupCapacity(n int) MemoryOption {
	return func(s *MemoryStore) {
		if n > 0 {
			s.dedupCapacity = n
		}
	}
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(opts ...MemoryOption) *MemoryStore {
	s := &MemoryStore{
		now:           time.Now,
		dedupTTL:      DefaultDedupTTL,
		dedupCapacity: wabsp.DefaultDedupCapacity,
		phones:        make(map[string]*phoneState),
	}
	for _, o := range opts {
		o(s)
	}
	s.dedup = wabsp.NewMemoryDeduplicator(s.dedupCapacity,
		wabsp.WithDedupTTL(s.dedupTTL), wabsp.WithDedupClock(s.now))
	return s
}

// phone returns the state of a phone number, creating it; s.mu is held.
func (s *MemoryStore) phone(id string) *phoneState {
	p := s.phones[id]
	if p == nil {
		p = &phoneState{windows: make(map[string]int64), starts: make(map[string]int64)}
		s.phones[id] = p
	}
	return p
}

// resolve follows the links from id to the id its state is kept under.
func (p *phoneState) resolve(id string) string {
	for i := 0; i < maxLinkHops; i++ {
		next, ok := p.links[id]
		if !ok {
			break
		}
		id = next
	}
	return id
}

// LinkCustomer implements Store.
func (s *MemoryStore) LinkCustomer(_ context.Context, phoneNumberID, from, to string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.phone(phoneNumberID)
	rTo, rFrom := p.resolve(to), p.resolve(from)
	if rFrom == rTo {
		return nil
	}
	if p.links == nil {
		p.links = make(map[string]string)
	}
	p.links[from] = rTo
	p.links[rFrom] = rTo
	if w, ok := p.windows[rFrom]; ok {
		if cur, has := p.windows[rTo]; !has || w > cur {
			p.windows[rTo] = w
		}
		delete(p.windows, rFrom)
	}
	if start, ok := p.starts[rFrom]; ok {
		p.remove(rFrom, start)
		if cur, has := p.starts[rTo]; has && cur > start {
			p.remove(rTo, cur)
			p.insert(rTo, start)
		} else if !has {
			p.insert(rTo, start)
		}
	}
	return nil
}

// RecordInbound implements Store.
func (s *MemoryStore) RecordInbound(_ context.Context, phoneNumberID, customerID string, at time.Time) error {
	t := ms(at)
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.phone(phoneNumberID)
	customerID = p.resolve(customerID)
	if last, ok := p.windows[customerID]; !ok || t > last {
		p.windows[customerID] = t
	}
	// Closed windows are dropped in sweeps whose cost is spread over the
	// inserts that grew the map, so memory follows the live windows.
	if n := len(p.windows); n > 2*p.windowsSwept+64 {
		cut := t - Day.Milliseconds()
		for c, last := range p.windows {
			if last <= cut {
				delete(p.windows, c)
			}
		}
		p.windowsSwept = len(p.windows)
	}
	return nil
}

// SetTier implements Store.
func (s *MemoryStore) SetTier(_ context.Context, phoneNumberID string, tier Tier, limit int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.phone(phoneNumberID)
	p.tier, p.limit, p.tierKnown = tier, limit, true
	return nil
}

// StartConversation implements Store.
func (s *MemoryStore) StartConversation(_ context.Context, req StartRequest) (StartResult, error) {
	at := ms(req.At)
	day := Day.Milliseconds()
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.phone(req.PhoneNumberID)
	p.trim(at - day)
	customer := p.resolve(req.CustomerID)
	var res StartResult
	res.Tier, res.Limit, res.TierKnown = p.tier, p.limit, p.tierKnown
	limit := req.DefaultLimit
	if p.tierKnown {
		limit = p.limit
	}
	last, hasLast := p.windows[customer]
	if hasLast {
		res.LastInbound = fromMS(last)
	}
	start, hasStart := p.starts[customer]
	switch {
	case !req.IgnoreWindow && hasLast && at < last+day:
		res.Kind = KindServiceWindow
	case hasStart && start <= at:
		res.Kind = KindOpenConversation
	case !hasStart && req.Enforce && limit >= 0 && len(p.order) >= limit:
		res.Kind = KindLimitReached
	default:
		// A recorded start after at came from an event seen out of order:
		// the conversation really began at at.
		if hasStart {
			p.remove(customer, start)
		}
		p.insert(customer, at)
		res.Kind, start, hasStart = KindNewConversation, at, true
	}
	if hasStart {
		res.ConversationStart = fromMS(start)
	}
	res.Used = len(p.order)
	if res.Used > 0 {
		res.Oldest = fromMS(p.order[0].at)
	}
	return res, nil
}

// trim forgets conversations started at or before cut.
func (p *phoneState) trim(cut int64) {
	n := 0
	for n < len(p.order) && p.order[n].at <= cut {
		e := p.order[n]
		if p.starts[e.customer] == e.at {
			delete(p.starts, e.customer)
		}
		p.order[n] = started{} // let the string go
		n++
	}
	p.order = p.order[n:]
}

// insert keeps order sorted; starts nearly always arrive in time order, so
// the search from the end stops at once.
func (p *phoneState) insert(customer string, at int64) {
	i := len(p.order)
	for i > 0 && p.order[i-1].at > at {
		i--
	}
	p.order = append(p.order, started{})
	copy(p.order[i+1:], p.order[i:])
	p.order[i] = started{at: at, customer: customer}
	p.starts[customer] = at
}

func (p *phoneState) remove(customer string, at int64) {
	for i := firstAfter(p.order, at-1); i < len(p.order) && p.order[i].at == at; i++ {
		if p.order[i].customer == customer {
			p.order = append(p.order[:i], p.order[i+1:]...)
			break
		}
	}
	delete(p.starts, customer)
}

// firstAfter returns the index of the first conversation started after t.
// Written out rather than sort.Search so the question path stays
// allocation-free whatever the compiler decides about closures.
func firstAfter(order []started, t int64) int {
	lo, hi := 0, len(order)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if order[mid].at <= t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// Snapshot implements Store.
func (s *MemoryStore) Snapshot(_ context.Context, phoneNumberID, customerID string, now time.Time) (Snapshot, error) {
	t := ms(now)
	cut := t - Day.Milliseconds()
	s.mu.RLock()
	defer s.mu.RUnlock()
	var snap Snapshot
	p := s.phones[phoneNumberID]
	if p == nil {
		return snap, nil
	}
	snap.Tier, snap.Limit, snap.TierKnown = p.tier, p.limit, p.tierKnown
	if customerID != "" {
		customerID = p.resolve(customerID)
		if last, ok := p.windows[customerID]; ok {
			snap.LastInbound = fromMS(last)
		}
		if start, ok := p.starts[customerID]; ok && start > cut {
			snap.ConversationStart = fromMS(start)
		}
	}
	i := firstAfter(p.order, cut)
	snap.Used = len(p.order) - i
	if snap.Used > 0 {
		snap.Oldest = fromMS(p.order[i].at)
	}
	return snap, nil
}

// Claim implements wabsp.Deduplicator.
func (s *MemoryStore) Claim(ctx context.Context, key, owner string, lease time.Duration) (wabsp.DedupState, error) {
	return s.dedup.Claim(ctx, key, owner, lease)
}

// Complete implements wabsp.Deduplicator.
func (s *MemoryStore) Complete(ctx context.Context, key string) error {
	return s.dedup.Complete(ctx, key)
}

// Release implements wabsp.Deduplicator.
func (s *MemoryStore) Release(ctx context.Context, key, owner string) error {
	return s.dedup.Release(ctx, key, owner)
}
