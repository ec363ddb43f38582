package wabsp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"
)

// A Tech Provider onboards its customers through a Multi-Partner Solution
// shared with Plivo. Meta lets a solution onboard at most
// SolutionOnboardingLimit new customers per rolling SolutionOnboardingWindow
// (Meta's Multi-Partner Solutions page), and Plivo's Embedded Signup call
// fails with "Multi-Partner Solution is not active" while the solution is
// not ACTIVE.
const (
	SolutionOnboardingLimit  = 200
	SolutionOnboardingWindow = 7 * 24 * time.Hour
)

// SolutionStatus is a Multi-Partner Solution's status. Unknown values are
// kept.
type SolutionStatus string

// The statuses of a Multi-Partner Solution (Meta's OpenAPI description of
// GET /{solution-id} and the partner_solutions webhook).
const (
	SolutionDraft               SolutionStatus = "DRAFT"
	SolutionInitiated           SolutionStatus = "INITIATED"
	SolutionActive              SolutionStatus = "ACTIVE"
	SolutionRejected            SolutionStatus = "REJECTED"
	SolutionDeactivated         SolutionStatus = "DEACTIVATED"
	SolutionPendingDeactivation SolutionStatus = "PENDING_DEACTIVATION"
)

// Solution is a Multi-Partner Solution as GET /{solution-id} describes it.
type Solution struct {
	ID     string         `json:"id"`
	Name   string         `json:"name"`
	Status SolutionStatus `json:"status"`
	// StatusForPendingRequest is PENDING_ACTIVATION, PENDING_DEACTIVATION
	// or NONE.
	StatusForPendingRequest string `json:"status_for_pending_request,omitempty"`
}

// ErrSolutionInactive is returned by CheckSolution for a solution whose
// status is not ACTIVE: Plivo's Embedded Signup call would fail.
var ErrSolutionInactive = errors.New("wabsp: the Multi-Partner Solution is not active")

// GetSolution reads a Multi-Partner Solution with the client's access
// token (the Tech Provider's system user token):
//
//	GET https://graph.facebook.com/{version}/{solution-id}?fields=id,name,status,status_for_pending_request
func (c *Client) GetSolution(ctx context.Context, solutionID string) (*Solution, error) {
	var v validator
	v.numericID("solution_id", solutionID, nil)
	if err := v.err("GetSolution"); err != nil {
		return nil, err
	}
	return call[Solution](ctx, c, &apiRequest{
		provider: ProviderGraph, method: http.MethodGet, path: solutionID,
		query:      fieldsQuery{Fields: []string{"id", "name", "status", "status_for_pending_request"}},
		needsToken: true,
	})
}

// CheckSolution reads the solution and returns ErrSolutionInactive, with
// its status, unless it is ACTIVE. Call it at start-up, so that an
// inactive solution is diagnosed before a customer's onboarding fails at
// Plivo's call.
func (c *Client) CheckSolution(ctx context.Context, solutionID string) (*Solution, error) {
	s, err := c.GetSolution(ctx, solutionID)
	if err != nil {
		return nil, err
	}
	if s.Status != SolutionActive {
		return s, fmt.Errorf("%w: solution %s is %s (pending request: %s)", ErrSolutionInactive, s.ID, s.Status, s.StatusForPendingRequest)
	}
	return s, nil
}

// OnboardingQuota counts the customers onboarded through a solution so
// that Onboard refuses the 201st of a rolling week before Meta does. A
// WABA counts once however often it is onboarded. Implementations must be
// atomic: policy.MemoryStore and policy/redisstore share the count between
// replicas; MemoryOnboardingQuota keeps it in one process.
type OnboardingQuota interface {
	// ReserveOnboarding records wabaID as onboarded through solutionID at
	// at, unless limit other WABAs were recorded in (at-window, at]. When
	// it refuses, nextFree is when the oldest of them leaves the window. A
	// WABA already recorded in the window is accepted without counting
	// again.
	ReserveOnboarding(ctx context.Context, solutionID, wabaID string, at time.Time, limit int, window time.Duration) (ok bool, nextFree time.Time, err error)
	// ReleaseOnboarding forgets a reservation whose onboarding failed.
	ReleaseOnboarding(ctx context.Context, solutionID, wabaID string) error
}

// SolutionLimitError is Onboard's refusal when the solution has onboarded
// SolutionOnboardingLimit customers in the rolling window.
type SolutionLimitError struct {
	SolutionID string
	Limit      int
	// NextFree is when the next slot frees.
	NextFree time.Time
}

// Error says when a slot frees.
func (e *SolutionLimitError) Error() string {
	return fmt.Sprintf("wabsp: solution %s onboarded %d customers in the last 7 days; the next slot frees at %s",
		e.SolutionID, e.Limit, e.NextFree.UTC().Format(time.RFC3339))
}

// WithSolution makes Onboard count each new customer against the
// solution's weekly limit in quota, refusing with *SolutionLimitError at
// StepSolutionLimit before Plivo is called, and releasing the count when
// Plivo refuses the customer.
func WithSolution(solutionID string, quota OnboardingQuota) Option {
	return func(c *config) error {
		if !isDigits(solutionID) {
			return fmt.Errorf("wabsp: WithSolution: solution id must be a numeric Meta id, got %q", truncate(solutionID, 32))
		}
		if quota == nil {
			return errors.New("wabsp: WithSolution: quota is nil")
		}
		c.solutionID, c.quota = solutionID, quota
		return nil
	}
}

// StepSolutionLimit is the step of Onboard that counts the customer against
// the solution's weekly limit (with WithSolution).
const StepSolutionLimit OnboardingStep = "solution_limit"

// reserveSolutionSlot counts res's WABA against the solution's limit.
func (c *Client) reserveSolutionSlot(ctx context.Context, res *OnboardingResult) error {
	if c.quota == nil {
		return nil
	}
	ok, next, err := c.quota.ReserveOnboarding(ctx, c.solutionID, res.WABAID, time.Now(), SolutionOnboardingLimit, SolutionOnboardingWindow)
	if err != nil {
		return &OnboardingError{Step: StepSolutionLimit, Err: err}
	}
	if !ok {
		return &OnboardingError{Step: StepSolutionLimit, Err: &SolutionLimitError{SolutionID: c.solutionID, Limit: SolutionOnboardingLimit, NextFree: next}}
	}
	return nil
}

// releaseSolutionSlot gives the slot back after Plivo refused the customer.
func (c *Client) releaseSolutionSlot(ctx context.Context, wabaID string) {
	if c.quota == nil {
		return
	}
	if err := c.quota.ReleaseOnboarding(context.WithoutCancel(ctx), c.solutionID, wabaID); err != nil && c.logger != nil {
		c.logger.WarnContext(ctx, "wabsp: could not release an onboarding slot", "solution_id", c.solutionID, "waba_id", wabaID, "error", err)
	}
}

// MemoryOnboardingQuota is an OnboardingQuota in this process.
type MemoryOnboardingQuota struct {
	mu        sync.Mutex
	solutions map[string]map[string]time.Time // solution → WABA → onboarded at
}

// NewMemoryOnboardingQuota returns an empty quota.
func NewMemoryOnboardingQuota() *MemoryOnboardingQuota {
	return &MemoryOnboardingQuota{solutions: make(map[string]map[string]time.Time)}
}

// ReserveOnboarding implements OnboardingQuota.
func (q *MemoryOnboardingQuota) ReserveOnboarding(_ context.Context, solutionID, wabaID string, at time.Time, limit int, window time.Duration) (bool, time.Time, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	wabas := q.solutions[solutionID]
	if wabas == nil {
		wabas = make(map[string]time.Time)
		q.solutions[solutionID] = wabas
	}
	cut := at.Add(-window)
	var live []time.Time
	for id, t := range wabas {
		if !t.After(cut) {
			delete(wabas, id)
			continue
		}
		live = append(live, t)
	}
	if _, ok := wabas[wabaID]; ok {
		return true, time.Time{}, nil
	}
	if len(live) >= limit {
		sort.Slice(live, func(i, j int) bool { return live[i].Before(live[j]) })
		return false, live[len(live)-limit].Add(window), nil
	}
	wabas[wabaID] = at
	return true, time.Time{}, nil
}

// ReleaseOnboarding implements OnboardingQuota.
func (q *MemoryOnboardingQuota) ReleaseOnboarding(_ context.Context, solutionID, wabaID string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.solutions[solutionID], wabaID)
	return nil
}
