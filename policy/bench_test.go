package policy_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wabsp/wabsp/policy"
)

// seeded returns a tracker on a MemoryStore holding a busy phone number:
// 10,000 customers with open windows and 5,000 open conversations, so that
// lookups and the rolling count work on realistic sizes.
func seeded(b *testing.B) (*policy.Tracker, []string) {
	b.Helper()
	tr, err := policy.NewTracker()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	customers := make([]string, 10000)
	for i := range customers {
		customers[i] = strconv.Itoa(447700000000 + i)
		if err := tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phoneID, CustomerWAID: customers[i], At: now.Add(-time.Duration(i) * 10 * time.Second)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := tr.ObserveTierChange(ctx, policy.TierChange{PhoneNumberID: phoneID, Tier: policy.Tier10K}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 5000; i++ {
		if _, err := tr.ObserveSent(ctx, policy.Sent{PhoneNumberID: phoneID, CustomerWAID: "1" + customers[i], At: now.Add(-20*time.Hour + time.Duration(i)*time.Second), Template: true}); err != nil {
			b.Fatal(err)
		}
	}
	return tr, customers
}

// BenchmarkDecision measures the questions on the in-memory store against
// the least any shared answer can cost: a map lookup under a read lock.
func BenchmarkDecision(b *testing.B) {
	ctx := context.Background()

	b.Run("baseline_rwmutex_map_lookup", func(b *testing.B) {
		type key struct{ phone, customer string }
		var mu sync.RWMutex
		m := make(map[key]int64, 10000)
		var customers []string
		for i := 0; i < 10000; i++ {
			c := strconv.Itoa(447700000000 + i)
			customers = append(customers, c)
			m[key{phoneID, c}] = int64(i)
		}
		var sink int64
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			mu.RLock()
			sink += m[key{phoneID, customers[i%len(customers)]}]
			mu.RUnlock()
		}
		_ = sink
	})

	tr, customers := seeded(b)
	b.Run("Window", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := tr.Window(ctx, phoneID, customers[i%len(customers)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Limit", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := tr.Limit(ctx, phoneID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Classify", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := tr.Classify(ctx, phoneID, customers[i%len(customers)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Reserve writes; with the customers of seeded() it mostly finds an
	// open window or conversation, like a real sender replying.
	b.Run("Reserve", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := tr.Reserve(ctx, phoneID, customers[i%len(customers)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
