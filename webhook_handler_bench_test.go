package wabsp_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wabsp/wabsp"
)

// BenchmarkWebhookHandler measures a receiver's throughput with
// b.RunParallel: WebhookHandler (read, verify, decode, dedupe, dispatch to
// counting OnMessage/OnStatus callbacks) beside a bare http.Handler that
// only reads the body (io.ReadAll) and answers 200, the floor of any
// receiver.
//
// Two ways of serving, the same for both handlers:
//   - direct: ServeHTTP called with an *http.Request and an
//     httptest.ResponseRecorder. Only the handler's work is measured, so
//     this is the strict comparison.
//   - loopback: POSTed through a real httptest.Server over TCP, as Meta
//     delivers. The HTTP client and server work, which any receiver pays,
//     runs on the same 2 cores as the handler and is counted on both sides.
//
// Each delivery gets a number from a middleware (on both sides), and the
// deduplicator used for "wabsp" prefixes every key with it, so every event
// of every iteration is new to the MemoryDeduplicator underneath (which
// does its real work: insert, and evict past its capacity) and reaches its
// callback; otherwise the repeated fixture ids would be skipped after the
// first iteration and the SDK side would look cheaper than it is. The
// prefix costs a string concatenation per deduplicator call (two per
// event: claim and complete), counted against the SDK (the number is rendered once per delivery, on both sides). "wabsp_all_duplicates" measures the other case explicitly: the same
// delivery redelivered, every event a dedup hit, no callback run.
func BenchmarkWebhookHandler(b *testing.B) {
	inputs := []struct {
		name   string
		body   []byte
		events int64
	}{
		{"message_text", readWebhookFixture(b, "message_text.json"), 1},
		{"statuses_1000", statusDelivery(b, 1000), 1000},
	}
	for _, in := range inputs {
		sig := wabsp.SignWebhookBody(testAppSecret, in.body)
		for _, mode := range []string{"direct", "loopback"} {
			for _, kind := range []string{"bare_read_body", "wabsp", "wabsp_all_duplicates"} {
				b.Run(in.name+"/"+mode+"/"+kind, func(b *testing.B) {
					var calls atomic.Int64
					h := benchWebhookHandler(b, kind, in.body, sig, &calls)
					b.SetBytes(int64(len(in.body)))
					b.ReportAllocs()
					if mode == "direct" {
						serveDirect(b, h, in.body, sig)
					} else {
						serveLoopback(b, h, in.body, sig)
					}
					b.StopTimer()
					want := int64(0)
					if kind == "wabsp" {
						want = int64(b.N) * in.events
					}
					if got := calls.Load(); got != want {
						b.Fatalf("%d callbacks ran, want %d", got, want)
					}
				})
			}
		}
	}
}

type deliveryKey struct{}

// numberDeliveries gives each request a delivery number in its context,
// rendered once as the key prefix perDeliveryDedup uses.
func numberDeliveries(h http.Handler) http.Handler {
	var seq atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		prefix := strconv.FormatUint(seq.Add(1), 10) + "/"
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), deliveryKey{}, prefix)))
	})
}

// perDeliveryDedup makes every delivery's events new to the deduplicator
// underneath, as if each delivery carried fresh message ids.
type perDeliveryDedup struct{ inner *wabsp.MemoryDeduplicator }

func (d perDeliveryDedup) Claim(ctx context.Context, key, owner string, lease time.Duration) (wabsp.DedupState, error) {
	prefix, _ := ctx.Value(deliveryKey{}).(string)
	return d.inner.Claim(ctx, prefix+key, owner, lease)
}

func (d perDeliveryDedup) Complete(ctx context.Context, key string) error {
	prefix, _ := ctx.Value(deliveryKey{}).(string)
	return d.inner.Complete(ctx, prefix+key)
}

func (d perDeliveryDedup) Release(ctx context.Context, key, owner string) error {
	prefix, _ := ctx.Value(deliveryKey{}).(string)
	return d.inner.Release(ctx, prefix+key, owner)
}

func benchWebhookHandler(b *testing.B, kind string, body []byte, sig string, calls *atomic.Int64) http.Handler {
	b.Helper()
	if kind == "bare_read_body" {
		return numberDeliveries(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := io.ReadAll(r.Body); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusOK)
		}))
	}
	var dedup wabsp.Deduplicator = perDeliveryDedup{wabsp.NewMemoryDeduplicator(wabsp.DefaultDedupCapacity)}
	if kind == "wabsp_all_duplicates" {
		dedup = wabsp.NewMemoryDeduplicator(wabsp.DefaultDedupCapacity)
	}
	wh, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{
		AppSecrets:   []string{testAppSecret},
		Deduplicator: dedup,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnMessage:    func(context.Context, wabsp.InboundMessage) error { calls.Add(1); return nil },
		OnStatus:     func(context.Context, wabsp.StatusUpdate) error { calls.Add(1); return nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	h := numberDeliveries(wh)
	if kind == "wabsp_all_duplicates" {
		// One delivery first, so every event of the measured ones is seen.
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, signedRequest(body, sig))
		if rec.Code != http.StatusOK {
			b.Fatalf("warm-up delivery answered %d", rec.Code)
		}
		calls.Store(0)
	}
	return h
}

func signedRequest(body []byte, sig string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wabsp.WebhookSignatureHeader, sig)
	return req
}

func serveDirect(b *testing.B, h http.Handler, body []byte, sig string) {
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, signedRequest(body, sig))
			if rec.Code != http.StatusOK {
				b.Errorf("answered %d", rec.Code)
				return
			}
		}
	})
}

func serveLoopback(b *testing.B, h http.Handler, body []byte, sig string) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	client := &http.Client{Transport: t}
	defer t.CloseIdleConnections()
	url := srv.URL + "/webhook"
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(wabsp.WebhookSignatureHeader, sig)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("answered %d", resp.StatusCode)
				return
			}
		}
	})
}
