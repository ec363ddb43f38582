package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/wabsp/wabsp/policy"
)

// BenchmarkRedisDecision measures the questions on Redis against a bare
// PING and a bare GET: a question costs one round trip, so the baselines
// are its floor. round-trips/op is counted by a client hook.
func BenchmarkRedisDecision(b *testing.B) {
	s, rdb, rt := newStore(b)
	ctx := context.Background()
	tr, err := policy.NewTracker(policy.WithStore(s))
	if err != nil {
		b.Fatal(err)
	}
	const phone = "106540352242922"
	now := time.Now()
	customers := make([]string, 1000)
	for i := range customers {
		customers[i] = strconv.Itoa(447700000000 + i)
		if err := tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phone, CustomerWAID: customers[i], At: now.Add(-time.Duration(i) * time.Minute)}); err != nil {
			b.Fatal(err)
		}
		if _, err := tr.ObserveSent(ctx, policy.Sent{PhoneNumberID: phone, CustomerWAID: "1" + customers[i], At: now.Add(-20*time.Hour + time.Duration(i)*time.Second), Template: true}); err != nil {
			b.Fatal(err)
		}
	}
	if err := rdb.Set(ctx, "wabsp-bench-get", "1", time.Minute).Err(); err != nil {
		b.Fatal(err)
	}

	run := func(name string, f func(i int) error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			before := rt.n.Load()
			for i := 0; i < b.N; i++ {
				if err := f(i); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rt.n.Load()-before)/float64(b.N), "round-trips/op")
		})
	}
	run("baseline_PING", func(int) error { return rdb.Ping(ctx).Err() })
	run("baseline_GET", func(int) error { return rdb.Get(ctx, "wabsp-bench-get").Err() })
	run("Window", func(i int) error { _, err := tr.Window(ctx, phone, customers[i%len(customers)]); return err })
	run("Limit", func(int) error { _, err := tr.Limit(ctx, phone); return err })
	run("Classify", func(i int) error { _, err := tr.Classify(ctx, phone, customers[i%len(customers)]); return err })
	run("Reserve", func(i int) error { _, err := tr.Reserve(ctx, phone, customers[i%len(customers)]); return err })
	run("Claim", func(i int) error {
		_, err := s.Claim(ctx, "bench-"+strconv.Itoa(i), "bench", time.Minute)
		return err
	})
}
