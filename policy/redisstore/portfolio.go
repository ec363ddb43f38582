package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// A phone number's business portfolio is kept under <prefix>pf:<id> and
// cached by each Store, so that the keys of a question are known without a
// second round trip; see the package doc for how long an absence is
// trusted.

// NoPortfolioRecheck is how long a Store trusts that a phone number has no
// portfolio before reading it again.
const NoPortfolioRecheck = 30 * time.Second

// groupEntry caches the group of an id: its portfolio (known), or the id
// itself until recheck.
type groupEntry struct {
	group   string
	known   bool
	recheck time.Time
}

func (s *Store) portfolioKey(id string) string { return s.prefix + "pf:" + id }

// group returns the group id's keys are under: its portfolio, or itself.
func (s *Store) group(ctx context.Context, id string) (string, error) {
	s.mu.RLock()
	e, cached := s.groups[id]
	s.mu.RUnlock()
	now := time.Now()
	if cached && (e.known || now.Before(e.recheck)) {
		return e.group, nil
	}
	p, err := s.readPortfolio(ctx, id)
	if err != nil {
		return "", err
	}
	if p == "" || p == id {
		s.cache(id, groupEntry{group: id, recheck: now.Add(NoPortfolioRecheck)})
		return id, nil
	}
	s.cache(id, groupEntry{group: p, known: true})
	if cached {
		// This instance may have counted under the number alone since
		// another one recorded the portfolio: move it there too.
		if err := s.migrate(ctx, id, p); err != nil {
			return "", err
		}
	}
	return p, nil
}

func (s *Store) cache(id string, e groupEntry) {
	s.mu.Lock()
	s.groups[id] = e
	s.mu.Unlock()
}

func (s *Store) readPortfolio(ctx context.Context, id string) (string, error) {
	p, err := s.rdb.Get(ctx, s.portfolioKey(id)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("redisstore: reading a portfolio: %w", err)
	}
	return p, nil
}

// Portfolio implements policy.Store; it always reads Redis.
func (s *Store) Portfolio(ctx context.Context, id string) (string, error) {
	return s.readPortfolio(ctx, id)
}

// SetPortfolio implements policy.Store. It takes a few round trips: record
// the portfolio, then move what the id counted alone into it (not atomic
// with concurrent sends under the id alone; a send counted meanwhile by an
// instance that has not seen the portfolio yet joins it within
// NoPortfolioRecheck).
func (s *Store) SetPortfolio(ctx context.Context, id, portfolioID string) error {
	old, err := s.group(ctx, id)
	if err != nil {
		return err
	}
	if old == portfolioID {
		return nil
	}
	if err := s.rdb.Set(ctx, s.portfolioKey(id), portfolioID, 0).Err(); err != nil {
		return fmt.Errorf("redisstore: recording a portfolio: %w", err)
	}
	s.cache(id, groupEntry{group: portfolioID, known: true})
	if old != id {
		return nil // it belonged to another portfolio, which keeps its count
	}
	return s.migrate(ctx, id, portfolioID)
}

// export is what exportGroup returns, in the JSON importGroup reads.
type export struct {
	Counted   []string `json:"c"`
	TierName  string   `json:"tn"`
	TierLimit string   `json:"tl"`
	Links     []string `json:"l"`
	Windows   []string `json:"w"`
}

// migrate moves the state id kept alone into portfolioID's keys.
func (s *Store) migrate(ctx context.Context, id, portfolioID string) error {
	from := s.groupKeys(id, id, "")
	vals, err := exportGroup.Run(ctx, s.rdb, []string{from[1], from[2], from[4], from[3]}).Slice()
	if err != nil {
		return fmt.Errorf("redisstore: moving a number's count to its portfolio: %w", err)
	}
	if len(vals) != 5 {
		return fmt.Errorf("redisstore: moving a number's count to its portfolio: unexpected reply of %d values", len(vals))
	}
	e := export{Counted: strs(vals[0]), Links: strs(vals[3]), Windows: strs(vals[4])}
	e.TierName, _ = vals[1].(string)
	e.TierLimit, _ = vals[2].(string)
	if len(e.Counted) == 0 && e.TierLimit == "" && len(e.Links) == 0 && len(e.Windows) == 0 {
		return nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("redisstore: moving a number's count to its portfolio: %w", err)
	}
	to := s.groupKeys(portfolioID, id, "")
	err = importGroup.Run(ctx, s.rdb, []string{to[1], to[2], to[4], to[3]}, string(b), itoa(s.keep.Milliseconds())).Err()
	if err != nil {
		return fmt.Errorf("redisstore: moving a number's count to its portfolio: %w", err)
	}
	return nil
}

// strs reads a Redis array of strings; never nil, so JSON writes [].
func strs(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		str, _ := x.(string)
		out = append(out, str)
	}
	return out
}
