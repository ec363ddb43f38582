package policy

import "context"

// A MemoryStore's numbers count in groups: the portfolio a number was
// mapped to, or the number alone until then.

// SetPortfolio implements Store.
func (s *MemoryStore) SetPortfolio(_ context.Context, id, portfolioID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.groupID(id)
	if old == portfolioID {
		return nil
	}
	s.portfolios[id] = portfolioID
	// What id counted on its own joins the portfolio; a group id shared
	// with others (another portfolio) keeps its count.
	if src, ok := s.groups[id]; ok && old == id {
		delete(s.groups, id)
		s.group(portfolioID).merge(src)
	}
	if p := s.phones[id]; p != nil {
		p.gid, p.g = portfolioID, s.group(portfolioID)
	}
	return nil
}

// merge adds src's state to g: each customer counted at the later of the
// two times, the higher tier, links g does not have.
func (g *group) merge(src *group) {
	if src.tierKnown && (!g.tierKnown || higherLimit(src.limit, g.limit)) {
		g.tier, g.limit, g.tierKnown = src.tier, src.limit, true
	}
	for from, to := range src.links {
		if _, ok := g.links[from]; !ok {
			if g.links == nil {
				g.links = make(map[string]string)
			}
			g.links[from] = to
		}
	}
	for _, e := range src.order {
		g.count(e.customer, e.at)
	}
}

// higherLimit reports whether limit a allows more than b (Unlimited most).
func higherLimit(a, b int) bool {
	if b == Unlimited {
		return false
	}
	return a == Unlimited || a > b
}

// Portfolio implements Store.
func (s *MemoryStore) Portfolio(_ context.Context, id string) (string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.portfolios[id], nil
}
