package wabsp_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when any test leaves a goroutine behind: a
// leaked retry timer, an undrained response, a server not closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
