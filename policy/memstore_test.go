package policy_test

import (
	"testing"

	"github.com/wabsp/wabsp/policy"
	"github.com/wabsp/wabsp/policy/policytest"
)

func TestMemoryStoreBehavesLikeEveryStore(t *testing.T) {
	t.Parallel()
	policytest.RunStoreTests(t, func(*testing.T) policy.Store { return policy.NewMemoryStore() })
	policytest.RunOnboardingStoreTests(t, func(*testing.T) policytest.OnboardingStore { return policy.NewMemoryStore() })
}
