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

	mu         sync.RWMutex
	phones     map[string]*phoneState // phone number id -> its windows
	groups     map[string]*group      // portfolio id (or lone number's id) -> its count
	portfolios map[string]string      // phone number or WABA id -> portfolio id

	dedup       *wabsp.MemoryDeduplicator
	onboardings *wabsp.MemoryOnboardingQuota
	syncs       *wabsp.MemoryCoexistenceSyncStore
}

var _ Store = (*MemoryStore)(nil)

// phoneState is one phone number's customer service windows, and the
// group it counts in, kept here so that a question costs one lookup less.
type phoneState struct {
	windows      map[string]int64 // customer -> last inbound, Unix ms
	windowsSwept int
	gid          string
	g            *group
}

// group is the messaging-limit state of a business portfolio, shared by its
// phone numbers; a number whose portfolio is unknown is a group of its own,
// under its own id. starts and order hold the same customers: order sorted
// by time for the moving count, starts for the lookup by customer.
type group struct {
	tier      Tier
	limit     int
	tierKnown bool

	links  map[string]string // customer id -> id it names now (LinkCustomer)
	starts map[string]int64  // customer -> latest counted send, Unix ms
	order  []started
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
		onboardings:   wabsp.NewMemoryOnboardingQuota(),
		syncs:         wabsp.NewMemoryCoexistenceSyncStore(),
		groups:        make(map[string]*group),
		portfolios:    make(map[string]string),
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
		p = &phoneState{windows: make(map[string]int64), gid: s.groupID(id), g: s.group(id)}
		s.phones[id] = p
	}
	return p
}

// groupID is the portfolio an id counts in: its mapped portfolio, else
// itself. s.mu is held.
func (s *MemoryStore) groupID(id string) string {
	if p, ok := s.portfolios[id]; ok {
		return p
	}
	return id
}

// group returns the group of an id, creating it; s.mu is held.
func (s *MemoryStore) group(id string) *group {
	gid := s.groupID(id)
	g := s.groups[gid]
	if g == nil {
		g = &group{starts: make(map[string]int64)}
		s.groups[gid] = g
	}
	return g
}

// resolve follows the links from id to the id its state is kept under.
func (g *group) resolve(id string) string {
	for i := 0; i < maxLinkHops; i++ {
		next, ok := g.links[id]
		if !ok {
			break
		}
		id = next
	}
	return id
}

// lastInbound is the customer's window on this number: kept under the id
// the links lead to, or, for a window recorded on this number before
// another number of the portfolio learned the link, under the id given.
func (p *phoneState) lastInbound(given, resolved string) (int64, bool) {
	last, ok := p.windows[resolved]
	if given != resolved {
		if old, found := p.windows[given]; found && (!ok || old > last) {
			last, ok = old, true
		}
	}
	return last, ok
}

// LinkCustomer implements Store.
func (s *MemoryStore) LinkCustomer(_ context.Context, phoneNumberID, from, to string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.phone(phoneNumberID)
	g := p.g
	rTo, rFrom := g.resolve(to), g.resolve(from)
	if rFrom == rTo {
		return nil
	}
	if g.links == nil {
		g.links = make(map[string]string)
	}
	g.links[from] = rTo
	g.links[rFrom] = rTo
	// Windows are per phone number: the link moves the one of this number;
	// another number's window under from is found through the link.
	if w, ok := p.windows[rFrom]; ok {
		if cur, has := p.windows[rTo]; !has || w > cur {
			p.windows[rTo] = w
		}
		delete(p.windows, rFrom)
	}
	if at, ok := g.starts[rFrom]; ok {
		g.remove(rFrom, at)
		g.count(rTo, at)
	}
	return nil
}

// RecordInbound implements Store.
func (s *MemoryStore) RecordInbound(_ context.Context, phoneNumberID, customerID string, at time.Time) error {
	t := ms(at)
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.phone(phoneNumberID)
	customerID = p.g.resolve(customerID)
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
func (s *MemoryStore) SetTier(_ context.Context, id string, tier Tier, limit int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.group(id)
	g.tier, g.limit, g.tierKnown = tier, limit, true
	return nil
}

// StartConversation implements Store.
func (s *MemoryStore) StartConversation(_ context.Context, req StartRequest) (StartResult, error) {
	at := ms(req.At)
	day := Day.Milliseconds()
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.phone(req.PhoneNumberID)
	g := p.g
	g.trim(at - day)
	customer := g.resolve(req.CustomerID)
	var res StartResult
	res.Portfolio = p.gid
	res.Tier, res.Limit, res.TierKnown = g.tier, g.limit, g.tierKnown
	limit := req.DefaultLimit
	if g.tierKnown {
		limit = g.limit
	}
	last, hasLast := p.lastInbound(req.CustomerID, customer)
	if hasLast {
		res.LastInbound = fromMS(last)
	}
	_, counted := g.starts[customer]
	switch {
	case !req.IgnoreWindow && hasLast && at < last+day:
		res.Kind = KindServiceWindow
	case counted:
		// Already one of the unique customers of the moving day: the send
		// keeps them counted a day from now, and adds nobody.
		g.count(customer, at)
		res.Kind = KindOpenConversation
	case req.Enforce && limit >= 0 && len(g.order) >= limit:
		res.Kind = KindLimitReached
	default:
		g.count(customer, at)
		res.Kind = KindNewConversation
	}
	if start, ok := g.starts[customer]; ok {
		res.ConversationStart = fromMS(start)
	}
	res.Used = len(g.order)
	if res.Used > 0 {
		res.Oldest = fromMS(g.order[0].at)
	}
	return res, nil
}

// trim forgets customers last counted at or before cut.
func (g *group) trim(cut int64) {
	n := 0
	for n < len(g.order) && g.order[n].at <= cut {
		e := g.order[n]
		if g.starts[e.customer] == e.at {
			delete(g.starts, e.customer)
		}
		g.order[n] = started{} // let the string go
		n++
	}
	g.order = g.order[n:]
}

// count records a send counting customer at at, keeping the later of at and
// the time already recorded.
func (g *group) count(customer string, at int64) {
	if cur, ok := g.starts[customer]; ok {
		if cur >= at {
			return
		}
		g.remove(customer, cur)
	}
	g.insert(customer, at)
}

// insert keeps order sorted; sends nearly always arrive in time order, so
// the search from the end stops at once.
func (g *group) insert(customer string, at int64) {
	i := len(g.order)
	for i > 0 && g.order[i-1].at > at {
		i--
	}
	g.order = append(g.order, started{})
	copy(g.order[i+1:], g.order[i:])
	g.order[i] = started{at: at, customer: customer}
	g.starts[customer] = at
}

func (g *group) remove(customer string, at int64) {
	for i := firstAfter(g.order, at-1); i < len(g.order) && g.order[i].at == at; i++ {
		if g.order[i].customer == customer {
			g.order = append(g.order[:i], g.order[i+1:]...)
			break
		}
	}
	delete(g.starts, customer)
}

// firstAfter returns the index of the first entry counted after t.
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
	var g *group
	p := s.phones[phoneNumberID]
	if p != nil {
		snap.Portfolio, g = p.gid, p.g
	} else {
		snap.Portfolio = s.groupID(phoneNumberID)
		g = s.groups[snap.Portfolio]
	}
	if customerID != "" {
		given := customerID
		if g != nil {
			customerID = g.resolve(customerID)
		}
		if p != nil {
			if last, ok := p.lastInbound(given, customerID); ok {
				snap.LastInbound = fromMS(last)
			}
		}
	}
	if g == nil {
		return snap, nil
	}
	snap.Tier, snap.Limit, snap.TierKnown = g.tier, g.limit, g.tierKnown
	if customerID != "" {
		if start, ok := g.starts[customerID]; ok && start > cut {
			snap.ConversationStart = fromMS(start)
		}
	}
	i := firstAfter(g.order, cut)
	snap.Used = len(g.order) - i
	if snap.Used > 0 {
		snap.Oldest = fromMS(g.order[i].at)
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

// ClaimBatch implements wabsp.BatchDeduplicator.
func (s *MemoryStore) ClaimBatch(ctx context.Context, keys []string, owner string, lease time.Duration) ([]wabsp.DedupState, error) {
	return s.dedup.ClaimBatch(ctx, keys, owner, lease)
}

// CompleteBatch implements wabsp.BatchDeduplicator.
func (s *MemoryStore) CompleteBatch(ctx context.Context, keys []string) error {
	return s.dedup.CompleteBatch(ctx, keys)
}
