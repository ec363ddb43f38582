package redisinbox_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/inbox/inboxtest"
	"github.com/wabsp/wabsp/policy/redisstore"
)

// togetherSeconds is how long each BenchmarkIngestAndWorkers run sends.
const togetherSeconds = 3

// BenchmarkIngestAndWorkers runs ingest and workers together, as
// examples/webhook-receiver does: one process, one Redis, a loopback server
// answering with Inbox.ServeHTTP while one Inbox.Run with 8 workers drains
// the same stream. 8 client goroutines send deliveries with new event ids
// on a fixed schedule (open loop) for togetherSeconds at each rate:
// message_text at half of the ingest capacity (measured as in
// BenchmarkIngestHalfCapacity, without workers) and statuses_1000 at fixed
// rates; deduplication in memory or in Redis. Metrics:
//
//   - offered_req/s: the schedule's rate; ingested/s: deliveries answered
//     200 per second of sending; processed/s: deliveries whose callbacks all
//     ran and were acknowledged, per second of sending;
//   - backlog: deliveries stored and not acknowledged when the last answer
//     came (the queue's lag plus pending); drain_s: how long the workers then
//     took to finish them;
//   - p99_ms: acknowledgement latency from when each request was due;
//   - sustained: 1 when ingest kept to the schedule (ingested/s at least 95%
//     of offered_req/s) and the backlog stayed bounded (at most 16
//     deliveries, what 8 workers hold in flight, plus 2% of those sent),
//     else 0.
//
// It checks that every event reached its callback exactly once. Run it
// with -benchtime 1x: each run sends for togetherSeconds whatever b.N is.
func BenchmarkIngestAndWorkers(b *testing.B) {
	bodies := benchBodies(b)
	type run struct {
		body  benchBody
		dedup string
		rate  float64 // 0: half of the ingest capacity
	}
	var cases []run
	for _, dd := range []string{"memory_dedup", "redis_dedup"} {
		for _, r := range []float64{1000, 2000, 3000, 0} {
			cases = append(cases, run{bodies[0], dd, r})
		}
	}
	for _, r := range []float64{50, 100, 150, 200, 250, 300, 350} {
		cases = append(cases, run{bodies[1], "memory_dedup", r})
	}
	for _, r := range []float64{25, 50, 75, 100, 125} {
		cases = append(cases, run{bodies[1], "redis_dedup", r})
	}
	for _, c := range cases {
		name := c.body.name + "/" + c.dedup + "/"
		if c.rate == 0 {
			name += "half_capacity"
		} else {
			name += "rate_" + strconv.Itoa(int(c.rate))
		}
		b.Run(name, func(b *testing.B) {
			rate := c.rate
			if rate == 0 {
				rate = ingestCapacity(b) / 2
			}
			var last togetherResult
			for range b.N {
				last = runTogether(b, c.body, c.dedup, rate)
			}
			last.report(b)
		})
	}
}

var capacityOnce struct {
	sync.Once
	reqPerSec float64
}

// ingestCapacity measures, once per process, how many small deliveries per
// second the Inbox's ingest answers with no worker running (8 clients,
// closed loop, 2,000 deliveries).
func ingestCapacity(b *testing.B) float64 {
	capacityOnce.Do(func() {
		body := bytes.ReplaceAll(benchBodies(b)[0].body, []byte("@@"), []byte("capacity"))
		srv := httptest.NewServer(ingestHandler(b, "inbox_ingest"))
		defer srv.Close()
		r := load(b, srv.URL, body, 8, 2000, 0)
		capacityOnce.reqPerSec = float64(len(r.lat)) / r.elapsed.Seconds()
	})
	return capacityOnce.reqPerSec
}

type togetherResult struct {
	offered, ingested, processed float64
	backlog                      int64
	drain                        time.Duration
	lat                          []time.Duration
	sent                         int
}

func (r togetherResult) sustained() bool {
	return r.ingested >= 0.95*r.offered && r.backlog <= 16+int64(r.sent)/50
}

func (r togetherResult) report(b *testing.B) {
	slices.Sort(r.lat)
	b.ReportMetric(r.offered, "offered_req/s")
	b.ReportMetric(r.ingested, "ingested/s")
	b.ReportMetric(r.processed, "processed/s")
	b.ReportMetric(float64(r.backlog), "backlog")
	b.ReportMetric(r.drain.Seconds(), "drain_s")
	b.ReportMetric(float64(r.lat[int(0.99*float64(len(r.lat)-1))])/1e6, "p99_ms")
	sustained := 0.0
	if r.sustained() {
		sustained = 1
	}
	b.ReportMetric(sustained, "sustained")
}

func runTogether(b *testing.B, in benchBody, dd string, rate float64) togetherResult {
	b.StopTimer()
	ctx := context.Background()
	n := max(int(rate*togetherSeconds), 1)
	// Every delivery with new event ids (and, for message_text, a new
	// customer), signed before the clock starts.
	bodies := make([][]byte, n)
	sigs := make([]string, n)
	for i := range bodies {
		bodies[i] = bytes.ReplaceAll(in.body, []byte("@@"), []byte(strconv.Itoa(i)+"t"))
		sigs[i] = wabsp.SignWebhookBody(inboxtest.AppSecret, bodies[i])
	}
	q := benchQueue(b)
	var dedup wabsp.Deduplicator = wabsp.NewMemoryDeduplicator(0)
	if dd == "redis_dedup" {
		rdb := newClient(b)
		prefix := "wabsp-bench:" + randomName() + ":"
		dedup = redisstore.New(rdb, redisstore.WithPrefix(prefix))
		b.Cleanup(func() { unlinkPrefix(rdb, prefix) })
	}
	var calls atomic.Int64
	inbox, err := wabsp.NewInbox(benchHandler(b, dedup, &calls), q,
		wabsp.InboxConfig{Workers: 8, Poll: 100 * time.Millisecond, Logger: discardLogger()})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(inbox)
	defer srv.Close()
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- inbox.Run(runCtx) }()
	defer func() {
		cancel()
		<-done
	}()

	b.StartTimer()
	sent := send(b, srv.URL, bodies, sigs, 8, time.Duration(float64(time.Second)/rate))
	lat, elapsed := sent.lat, sent.elapsed
	st, err := inbox.Stats(ctx)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	r := togetherResult{
		offered: rate, ingested: float64(st.Ingested) / elapsed.Seconds(),
		processed: float64(st.Processed) / elapsed.Seconds(),
		backlog:   st.Lag + st.Pending, lat: lat, sent: n,
	}
	drainStart := time.Now()
	for st.Processed < int64(n) {
		if time.Since(drainStart) > 5*time.Minute {
			b.Fatalf("the workers did not drain the backlog: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
		if st, err = inbox.Stats(ctx); err != nil {
			b.Fatal(err)
		}
	}
	r.drain = time.Since(drainStart)
	if got, want := calls.Load(), int64(n*in.events); got != want {
		b.Fatalf("%d callbacks ran, want %d", got, want)
	}
	if st.Lag+st.Pending != 0 {
		b.Fatalf("entries left in the queue: %+v", st)
	}
	return r
}

// unlinkPrefix deletes the keys under prefix, a page of SCAN at a time.
func unlinkPrefix(rdb *redis.Client, prefix string) {
	ctx := context.Background()
	var cursor uint64
	for {
		keys, next, err := rdb.Scan(ctx, cursor, prefix+"*", 1000).Result()
		if err != nil {
			return
		}
		if len(keys) > 0 {
			rdb.Unlink(ctx, keys...)
		}
		if cursor = next; cursor == 0 {
			return
		}
	}
}
