package policy

import (
	"context"
	"time"

	"github.com/wabsp/wabsp"
)

// A MemoryStore also counts onboardings against a Multi-Partner Solution's
// weekly limit (wabsp.WithSolution) and remembers coexistence sync requests
// (wabsp.WithCoexistenceSyncStore), so one store serves a process.
var (
	_ wabsp.OnboardingQuota      = (*MemoryStore)(nil)
	_ wabsp.CoexistenceSyncStore = (*MemoryStore)(nil)
)

// ReserveOnboarding implements wabsp.OnboardingQuota.
func (s *MemoryStore) ReserveOnboarding(ctx context.Context, solutionID, wabaID string, at time.Time, limit int, window time.Duration) (bool, time.Time, error) {
	return s.onboardings.ReserveOnboarding(ctx, solutionID, wabaID, at, limit, window)
}

// ReleaseOnboarding implements wabsp.OnboardingQuota.
func (s *MemoryStore) ReleaseOnboarding(ctx context.Context, solutionID, wabaID string) error {
	return s.onboardings.ReleaseOnboarding(ctx, solutionID, wabaID)
}

// LoadCoexistenceSync implements wabsp.CoexistenceSyncStore.
func (s *MemoryStore) LoadCoexistenceSync(ctx context.Context, phoneNumberID string, t wabsp.CoexistenceSyncType) (*wabsp.CoexistenceSync, error) {
	return s.syncs.LoadCoexistenceSync(ctx, phoneNumberID, t)
}

// SaveCoexistenceSync implements wabsp.CoexistenceSyncStore.
func (s *MemoryStore) SaveCoexistenceSync(ctx context.Context, rec wabsp.CoexistenceSync) (wabsp.CoexistenceSync, error) {
	return s.syncs.SaveCoexistenceSync(ctx, rec)
}
