package wabsp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// These tests deliver over a real loopback HTTP server, as Meta does, and
// count what went in against what the callbacks processed.

// loopbackReceiver serves a WebhookHandler on 127.0.0.1 with the timeouts of
// NewWebhookServer, and logs into a buffer the test can read.
type loopbackReceiver struct {
	URL string
	h   *wabsp.WebhookHandler
	log *syncBuffer
}

func newLoopbackReceiver(t *testing.T, cfg wabsp.WebhookConfig, wrap ...func(http.Handler) http.Handler) *loopbackReceiver {
	t.Helper()
	rcv := &loopbackReceiver{log: &syncBuffer{}}
	cfg.AppSecrets = []string{testAppSecret}
	cfg.Logger = slog.New(slog.NewJSONHandler(rcv.log, nil))
	h, err := wabsp.NewWebhookHandler(cfg)
	require.NoError(t, err)
	rcv.h = h
	var handler http.Handler = h
	for _, w := range wrap {
		handler = w(handler)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = wabsp.NewWebhookServer("", handler)
	ts.Start()
	t.Cleanup(ts.Close)
	rcv.URL = ts.URL
	return rcv
}

// post POSTs a signed body once and returns the status.
func (r *loopbackReceiver) post(body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wabsp.WebhookSignatureHeader, wabsp.SignWebhookBody(testAppSecret, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

func (r *loopbackReceiver) deliver(t *testing.T, body []byte) int {
	t.Helper()
	status, err := r.post(body)
	require.NoError(t, err)
	return status
}

// deliverUntilOK retries like Meta: the same body again until a 2xx, at
// most attempts times. It is safe to call from any goroutine.
func (r *loopbackReceiver) deliverUntilOK(body []byte, attempts int, pause time.Duration) error {
	for range attempts {
		status, err := r.post(body)
		if err != nil {
			return err
		}
		if status == http.StatusOK {
			return nil
		}
		time.Sleep(pause)
	}
	return fmt.Errorf("no 200 after %d deliveries", attempts)
}

func TestWebhookPanickingCallbackIsRetriedNotLost(t *testing.T) {
	t.Parallel()
	var calls, processed atomic.Int32
	rcv := newLoopbackReceiver(t, wabsp.WebhookConfig{
		OnMessage: func(_ context.Context, m wabsp.InboundMessage) error {
			if calls.Add(1) == 1 {
				var absent *wabsp.Location // an optional field the delivery did not carry
				return fmt.Errorf("unreachable: %v", absent.Latitude)
			}
			processed.Add(1)
			return nil
		},
	})
	body := readWebhookFixture(t, "message_text.json")

	assert.Equal(t, http.StatusInternalServerError, rcv.deliver(t, body), "a panic is a failure: Meta must retry")
	assert.Contains(t, rcv.log.String(), "webhook callback panicked")
	assert.Contains(t, rcv.log.String(), "nil pointer dereference")
	assert.Contains(t, rcv.log.String(), "goroutine", "the log carries the stack")

	assert.Equal(t, http.StatusOK, rcv.deliver(t, body), "the retry runs the callback again")
	assert.Equal(t, http.StatusOK, rcv.deliver(t, body), "and a later duplicate is skipped")
	assert.Equal(t, int32(2), calls.Load())
	assert.Equal(t, int32(1), processed.Load())
}

func TestWebhookPanicIsTypedInDispatch(t *testing.T) {
	t.Parallel()
	h := newTestWebhookHandler(t, wabsp.WebhookConfig{
		OnStatus: func(context.Context, wabsp.StatusUpdate) error { panic("boom") },
	})
	err := h.Dispatch(context.Background(), decodeFixture(t, "status_sent.json"))
	var p *wabsp.WebhookPanicError
	require.ErrorAs(t, err, &p)
	assert.Equal(t, "boom", p.Value)
	assert.Contains(t, string(p.Stack), "runtime/debug.Stack")
	var cb *wabsp.WebhookCallbackError
	require.ErrorAs(t, err, &cb)
	assert.True(t, strings.HasPrefix(cb.Key, "status:wamid."), cb.Key)
}

func TestWebhookRedeliveryDuringProcessingIsNotAcknowledged(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	release := make(chan error)
	var calls, processed atomic.Int32
	rcv := newLoopbackReceiver(t, wabsp.WebhookConfig{
		OnMessage: func(context.Context, wabsp.InboundMessage) error {
			if calls.Add(1) == 1 {
				close(entered)
				if err := <-release; err != nil {
					return err
				}
			}
			processed.Add(1)
			return nil
		},
	})
	body := readWebhookFixture(t, "message_text.json")

	first := make(chan int, 1)
	go func() {
		status, err := rcv.post(body)
		if err != nil {
			status = -1
		}
		first <- status
	}()
	select {
	case <-entered:
	case status := <-first:
		t.Fatalf("the first delivery answered %d without reaching its callback", status)
	case <-time.After(30 * time.Second):
		t.Fatal("the first delivery never reached its callback")
	}
	assert.Equal(t, http.StatusServiceUnavailable, rcv.deliver(t, body),
		"a duplicate of an event still in progress must not be acknowledged")
	release <- errors.New("database down")
	assert.Equal(t, http.StatusInternalServerError, <-first)

	assert.Equal(t, http.StatusOK, rcv.deliver(t, body), "Meta's retry processes the event")
	assert.Equal(t, int32(1), processed.Load())
	assert.Equal(t, int32(2), calls.Load())
}

func TestWebhookCrashedDeliveryIsRetriedAfterItsLease(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	dedup := wabsp.NewMemoryDeduplicator(100, wabsp.WithDedupClock(clock.Now))
	var processed atomic.Int32
	rcv := newLoopbackReceiver(t, wabsp.WebhookConfig{
		Deduplicator: dedup,
		DedupLease:   time.Minute,
		OnMessage:    func(context.Context, wabsp.InboundMessage) error { processed.Add(1); return nil },
	})
	// A replica claimed the event and died mid-callback: its lease is all
	// that is left of it.
	w := decodeFixture(t, "message_text.json")
	st, err := dedup.Claim(context.Background(), "message:"+w.Entries[0].Changes[0].Messages.Messages[0].ID, "crashed-replica", time.Minute)
	require.NoError(t, err)
	require.Equal(t, wabsp.DedupClaimed, st)

	body := readWebhookFixture(t, "message_text.json")
	assert.Equal(t, http.StatusServiceUnavailable, rcv.deliver(t, body), "the lease is live: retry later")
	clock.Advance(time.Minute)
	assert.Equal(t, http.StatusOK, rcv.deliver(t, body), "once it expired, the retry processes the event")
	assert.Equal(t, int32(1), processed.Load())
}

// TestWebhookConcurrentRedeliveriesProcessEachEventOnce plays Meta against
// one receiver: every delivery posted by several senders at once, each
// retrying until a 2xx, while callbacks fail on their first try for every
// third event. Every event must be processed exactly once.
func TestWebhookConcurrentRedeliveriesProcessEachEventOnce(t *testing.T) {
	t.Parallel()
	const deliveries, statusesEach, senders = 40, 5, 4
	var mu sync.Mutex
	processed := map[string]int{}
	attempts := map[string]int{}
	rcv := newLoopbackReceiver(t, wabsp.WebhookConfig{
		OnStatus: func(_ context.Context, s wabsp.StatusUpdate) error {
			mu.Lock()
			defer mu.Unlock()
			attempts[s.Status.ID]++
			n, _ := strconv.Atoi(s.Status.ID[strings.LastIndexByte(s.Status.ID, '-')+1:])
			if n%3 == 0 && attempts[s.Status.ID] == 1 {
				return errors.New("transient failure")
			}
			processed[s.Status.ID]++
			return nil
		},
	})
	var wg sync.WaitGroup
	for d := range deliveries {
		body := statusBatch(d, statusesEach)
		for range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				assert.NoError(t, rcv.deliverUntilOK(body, 200, time.Millisecond))
			}()
		}
	}
	wg.Wait()
	require.Len(t, processed, deliveries*statusesEach, "nothing lost")
	for id, n := range processed {
		assert.Equal(t, 1, n, "%s processed once", id)
	}
}

// statusBatch is a delivery of n "delivered" statuses with ids unique to d.
func statusBatch(d, n int) []byte {
	var b strings.Builder
	b.WriteString(`{"object":"whatsapp_business_account","entry":[{"id":"` + fxWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"` + fxPNID + `"},"statuses":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"wamid.batch-%d-%d","status":"delivered","timestamp":"1731456010","recipient_id":"%s"}`, d, d*n+i, fxWaID)
	}
	b.WriteString(`]}}]}]}`)
	return []byte(b.String())
}

// TestWebhookUnsignedSlowBodiesHoldLittleMemory opens connections that
// declare a body of almost the cap and send one byte of it: before the
// signature can be checked the handler must not have reserved the declared
// size for each.
func TestWebhookUnsignedSlowBodiesHoldLittleMemory(t *testing.T) {
	const conns = 100
	const declared = 3_000_000
	var inHandler atomic.Int32
	rcv := newLoopbackReceiver(t, wabsp.WebhookConfig{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inHandler.Add(1)
			next.ServeHTTP(w, r)
		})
	})
	addr := strings.TrimPrefix(rcv.URL, "http://")

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	var open []net.Conn
	defer func() {
		for _, c := range open {
			_ = c.Close()
		}
	}()
	for range conns {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		open = append(open, c)
		_, err = fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", addr, declared)
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return inHandler.Load() == conns }, 10*time.Second, time.Millisecond)
	// Give every handler time to reach its read: the reservation, if any,
	// happens before it.
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	grown := int64(during.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap grew by %d KiB for %d connections declaring %d bytes each", grown>>10, conns, declared)
	assert.Less(t, grown, int64(32<<20), "memory must follow the bytes received, not the Content-Length declared")
}

func TestNewWebhookServerSetsTimeouts(t *testing.T) {
	t.Parallel()
	s := wabsp.NewWebhookServer(":8080", http.NotFoundHandler())
	assert.Equal(t, ":8080", s.Addr)
	assert.Equal(t, wabsp.WebhookReadHeaderTimeout, s.ReadHeaderTimeout)
	assert.Equal(t, wabsp.WebhookReadTimeout, s.ReadTimeout)
	assert.Equal(t, wabsp.WebhookWriteTimeout, s.WriteTimeout)
	assert.Equal(t, wabsp.WebhookIdleTimeout, s.IdleTimeout)
	assert.Equal(t, wabsp.WebhookMaxHeaderBytes, s.MaxHeaderBytes)
}
