package redisinbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/inbox/inboxtest"
	"github.com/wabsp/wabsp/inbox/redisinbox"
	"github.com/wabsp/wabsp/policy/redisstore"
)

// benchBody is a delivery for the benchmarks, its ids made unique per
// delivery by replacing the marker "@@".
type benchBody struct {
	name   string
	body   []byte
	events int
}

func benchBodies(b *testing.B) []benchBody {
	small, err := os.ReadFile(filepath.Join("..", "..", "testdata", "webhooks", "message_text.json"))
	if err != nil {
		b.Fatal(err)
	}
	// New ids and a new customer per delivery: deliveries of one customer
	// are processed one at a time.
	small = bytes.Replace(small, []byte(`"id": "wamid.`), []byte(`"id": "wamid.@@`), 1)
	small = bytes.Replace(small, []byte(`"from": "16315551181"`), []byte(`"from": "1@@"`), 1)
	if bytes.Count(small, []byte("@@")) != 2 {
		b.Fatal("message_text.json: no message id or sender to mark")
	}
	var big bytes.Buffer
	big.WriteString(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[`)
	for i := range 1000 {
		if i > 0 {
			big.WriteByte(',')
		}
		fmt.Fprintf(&big, `{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM@@%06d","status":"%s","timestamp":"1731456010","recipient_id":"1631555%04d","conversation":{"id":"c8a4fd1d2d9bd0b8a2a5a0a1a2a3a4a5","origin":{"type":"utility"}},"pricing":{"billable":true,"pricing_model":"PMP","category":"utility","type":"regular"}}`,
			i, []string{"sent", "delivered", "read"}[i%3], i)
	}
	big.WriteString(`]}}]}]}`)
	return []benchBody{{"message_text", small, 1}, {"statuses_1000", big.Bytes(), 1000}}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// freshDedup claims every event: the synchronous handler then runs every
// callback of every delivery, without the cost of a deduplicator (which
// flatters it).
type freshDedup struct{}

func (freshDedup) Claim(context.Context, string, string, time.Duration) (wabsp.DedupState, error) {
	return wabsp.DedupClaimed, nil
}
func (freshDedup) Complete(context.Context, string) error        { return nil }
func (freshDedup) Release(context.Context, string, string) error { return nil }

func benchHandler(b *testing.B, dedup wabsp.Deduplicator, calls *atomic.Int64) *wabsp.WebhookHandler {
	h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{
		AppSecrets: []string{inboxtest.AppSecret}, Deduplicator: dedup, Logger: discardLogger(),
		OnMessage: func(context.Context, wabsp.InboundMessage) error { calls.Add(1); return nil },
		OnStatus:  func(context.Context, wabsp.StatusUpdate) error { calls.Add(1); return nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// loadResult is one load run: the requests' acknowledgement latencies and
// how long the run took.
type loadResult struct {
	lat     []time.Duration
	elapsed time.Duration
}

func (r loadResult) report(b *testing.B) {
	slices.Sort(r.lat)
	q := func(p float64) float64 { return float64(r.lat[int(p*float64(len(r.lat)-1))]) / 1e6 }
	b.ReportMetric(float64(len(r.lat))/r.elapsed.Seconds(), "req/s")
	b.ReportMetric(q(0.50), "p50_ms")
	b.ReportMetric(q(0.99), "p99_ms")
}

// load POSTs body n times, signed, to url: see send.
func load(b *testing.B, url string, body []byte, clients, n int, pace time.Duration) loadResult {
	bodies, sigs := make([][]byte, n), make([]string, n)
	sig := wabsp.SignWebhookBody(inboxtest.AppSecret, body)
	for i := range bodies {
		bodies[i], sigs[i] = body, sig
	}
	return send(b, url, bodies, sigs, clients, pace)
}

// send POSTs bodies[i], signed sigs[i], to url from clients goroutines
// over keep-alive connections. With pace 0 each client sends as soon as its
// previous answer came (closed loop: the throughput); otherwise request i
// is due at start+i*pace and its latency counts from then, so a server
// falling behind shows in the latency (open loop).
func send(b *testing.B, url string, bodies [][]byte, sigs []string, clients int, pace time.Duration) loadResult {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = clients
	defer t.CloseIdleConnections()
	client := &http.Client{Transport: t}
	lat := make([]time.Duration, len(bodies))
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) {
					return
				}
				sent := time.Now()
				if pace > 0 {
					due := start.Add(time.Duration(i) * pace)
					if d := time.Until(due); d > 0 {
						time.Sleep(d)
					}
					sent = due
				}
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[i]))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(wabsp.WebhookSignatureHeader, sigs[i])
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				lat[i] = time.Since(sent)
				if resp.StatusCode != http.StatusOK {
					b.Errorf("answered %d", resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	return loadResult{lat: lat, elapsed: time.Since(start)}
}

// BenchmarkIngest compares, over a loopback net/http server with
// keep-alive connections and 2 or 8 client goroutines, three receivers of
// the same delivery: a bare handler that only reads the body
// (bare_read_body), the synchronous WebhookHandler running counting
// callbacks (sync_handler), and the Inbox's ingest storing the body in a
// Redis stream (inbox_ingest; the stream trimmed to about 100 entries so
// that it stays small without workers). Metrics: requests per second and
// the p50 and p99 time from sending a request to its answer.
func BenchmarkIngest(b *testing.B) {
	for _, in := range benchBodies(b) {
		for _, clients := range []int{2, 8} {
			for _, kind := range []string{"bare_read_body", "bare_xadd", "sync_handler", "inbox_ingest"} {
				b.Run(fmt.Sprintf("%s/clients_%d/%s", in.name, clients, kind), func(b *testing.B) {
					h := ingestHandler(b, kind)
					srv := httptest.NewServer(h)
					defer srv.Close()
					body := bytes.ReplaceAll(in.body, []byte("@@"), []byte("bench"))
					b.SetBytes(int64(len(body)))
					b.ResetTimer()
					r := load(b, srv.URL, body, clients, b.N, 0)
					b.StopTimer()
					r.report(b)
				})
			}
		}
	}
}

func ingestHandler(b *testing.B, kind string) http.Handler {
	var calls atomic.Int64
	switch kind {
	case "bare_read_body":
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := io.ReadAll(r.Body); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
	case "bare_xadd":
		// The floor of any receiver that stores a delivery in a Redis
		// stream before answering: read, one XADD, 200. No signature, no
		// group commit, no receipt time.
		rdb := newClient(b)
		stream := "wabsp-bench:bare:" + randomName()
		b.Cleanup(func() { rdb.Del(context.Background(), stream) })
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if err := rdb.XAdd(r.Context(), &redis.XAddArgs{Stream: stream, MaxLen: 100, Approx: true, Values: []any{"body", body}}).Err(); err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
	case "sync_handler":
		return benchHandler(b, freshDedup{}, &calls)
	}
	q := benchQueue(b, redisinbox.WithMaxLen(100))
	in, err := wabsp.NewInbox(benchHandler(b, freshDedup{}, &calls), q, wabsp.InboxConfig{Logger: discardLogger()})
	if err != nil {
		b.Fatal(err)
	}
	return in
}

func benchQueue(b *testing.B, opts ...redisinbox.Option) *redisinbox.Queue {
	rdb := newClient(b)
	opts = append([]redisinbox.Option{redisinbox.WithPrefix("wabsp-bench:inbox:"), redisinbox.WithName(randomName())}, opts...)
	q := redisinbox.New(rdb, opts...)
	if err := q.Init(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		s, f, d := q.Keys()
		rdb.Del(context.Background(), s, f, d)
	})
	return q
}

// BenchmarkIngestHalfCapacity measures the Inbox's acknowledgement
// latency at half of its capacity: it first finds the capacity (closed
// loop, 8 clients, 2,000 small deliveries), then sends b.N deliveries at
// half that rate (open loop) and reports p50 and p99 from when each was
// due.
func BenchmarkIngestHalfCapacity(b *testing.B) {
	body := bytes.ReplaceAll(benchBodies(b)[0].body, []byte("@@"), []byte("bench"))
	srv := httptest.NewServer(ingestHandler(b, "inbox_ingest"))
	defer srv.Close()
	capacity := load(b, srv.URL, body, 8, 2000, 0)
	rate := float64(len(capacity.lat)) / capacity.elapsed.Seconds() / 2
	b.ResetTimer()
	r := load(b, srv.URL, body, 8, b.N, time.Duration(float64(time.Second)/rate))
	b.StopTimer()
	b.ReportMetric(rate, "offered_req/s")
	r.report(b)
}

// BenchmarkWorkers measures how fast 8 workers drain b.N stored deliveries,
// each with new event ids, dispatching to counting callbacks with the
// deduplication in memory or in Redis (redisstore: two round trips per
// event). Metrics: deliveries and events per second.
func BenchmarkWorkers(b *testing.B) {
	for _, in := range benchBodies(b) {
		for _, dd := range []string{"memory_dedup", "redis_dedup"} {
			b.Run(in.name+"/"+dd, func(b *testing.B) {
				ctx := context.Background()
				q := benchQueue(b)
				var dedup wabsp.Deduplicator = wabsp.NewMemoryDeduplicator(0)
				if dd == "redis_dedup" {
					rdb := newClient(b)
					prefix := "wabsp-bench:" + randomName() + ":"
					dedup = redisstore.New(rdb, redisstore.WithPrefix(prefix))
					b.Cleanup(func() { unlinkPrefix(rdb, prefix) })
				}
				for i := range b.N {
					body := bytes.ReplaceAll(in.body, []byte("@@"), []byte(strconv.Itoa(i)+"x"))
					if err := q.Add(ctx, body, time.Now()); err != nil {
						b.Fatal(err)
					}
				}
				var calls atomic.Int64
				inbox, err := wabsp.NewInbox(benchHandler(b, dedup, &calls), q,
					wabsp.InboxConfig{Workers: 8, Poll: 10 * time.Millisecond, Logger: discardLogger()})
				if err != nil {
					b.Fatal(err)
				}
				runCtx, cancel := context.WithCancel(ctx)
				done := make(chan error, 1)
				b.ResetTimer()
				start := time.Now()
				go func() { done <- inbox.Run(runCtx) }()
				// Waiting on the callbacks first keeps the harness's own
				// Stats round trips out of most of the measured time.
				for calls.Load() < int64(b.N*in.events) {
					time.Sleep(time.Millisecond)
				}
				for {
					st, err := inbox.Stats(ctx)
					if err == nil && st.Processed == int64(b.N) {
						break
					}
					time.Sleep(time.Millisecond)
				}
				elapsed := time.Since(start)
				b.StopTimer()
				cancel()
				<-done
				if got, want := calls.Load(), int64(b.N*in.events); got != want {
					b.Fatalf("%d callbacks ran, want %d", got, want)
				}
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
				b.ReportMetric(float64(b.N*in.events)/elapsed.Seconds(), "events/s")
			})
		}
	}
}
