package redisinbox_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when any test leaves a goroutine behind: a
// worker not stopped, a blocked read, a connection not closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
