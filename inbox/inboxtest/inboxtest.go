// Package inboxtest checks that a wabsp.InboxQueue behaves as an Inbox
// needs, and that an Inbox on it loses nothing: a stalled worker's
// deliveries taken over, failures retried and dead-lettered, dead letters
// replayed, a graceful shutdown, and thousands of deliveries over several
// workers each processed exactly once. Every queue in this module runs it;
// a queue of your own can too.
package inboxtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// AppSecret signs the deliveries of the scenarios.
const AppSecret = "inboxtest-app-secret"

// Setup makes what a scenario needs.
type Setup struct {
	// NewQueues returns n handles on one fresh, empty queue whose
	// visibility timeout is visibility: as n processes sharing a queue
	// would each open it (for an in-memory queue, the same value n times).
	NewQueues func(t *testing.T, n int, visibility time.Duration) []wabsp.InboxQueue
	// NewDeduplicator returns a fresh deduplicator shared by the handlers
	// of a scenario; nil means an in-memory one.
	NewDeduplicator func(t *testing.T) wabsp.Deduplicator
	// Many is how many deliveries the exactly-once scenario sends
	// (default 10,000).
	Many int
}

// StatusDelivery is a signed-ready delivery of one status to the customer
// 16315551181, whose event key is "status:<id>:delivered".
func StatusDelivery(id string) []byte { return StatusDeliveryTo(id, "16315551181") }

// StatusDeliveryTo is StatusDelivery to the customer recipient.
func StatusDeliveryTo(id, recipient string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[{"id":"` +
		id + `","status":"delivered","timestamp":"1731456010","recipient_id":"` + recipient + `"}]}}]}]}`)
}

// Ingest posts body, signed, to in's ServeHTTP and returns the status.
func Ingest(in http.Handler, body []byte) int {
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wabsp.WebhookSignatureHeader, wabsp.SignWebhookBody(AppSecret, body))
	rec := httptest.NewRecorder()
	in.ServeHTTP(rec, req)
	return rec.Code
}

// Quick is an InboxConfig whose waits are milliseconds, for tests.
func Quick(workers, maxAttempts int) wabsp.InboxConfig {
	return wabsp.InboxConfig{
		Workers: workers, MaxAttempts: maxAttempts, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		Poll: 20 * time.Millisecond, ShutdownGrace: 10 * time.Second, Logger: discard(),
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// NewInbox returns an Inbox on q whose handler runs onStatus, with dedup
// (nil: an in-memory one) and a DedupLease of lease (0: the default).
func NewInbox(t *testing.T, q wabsp.InboxQueue, dedup wabsp.Deduplicator, lease time.Duration, cfg wabsp.InboxConfig,
	onStatus func(context.Context, wabsp.StatusUpdate) error) *wabsp.Inbox {
	t.Helper()
	h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{
		AppSecrets: []string{AppSecret}, Deduplicator: dedup, DedupLease: lease, Logger: discard(), OnStatus: onStatus,
	})
	require.NoError(t, err)
	in, err := wabsp.NewInbox(h, q, cfg)
	require.NoError(t, err)
	return in
}

// Start runs in's workers until the test ends, or until the returned stop
// is called; stop waits for Run to return.
func Start(t *testing.T, in *wabsp.Inbox) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			require.NoError(t, <-done)
		})
	}
	t.Cleanup(stop)
	return stop
}

// Settled waits until q holds nothing pending or new.
func Settled(t *testing.T, q wabsp.InboxQueue) wabsp.InboxQueueStats {
	t.Helper()
	var s wabsp.InboxQueueStats
	require.Eventually(t, func() bool {
		var err error
		s, err = q.Stats(context.Background())
		return err == nil && s.Pending == 0 && s.Lag == 0
	}, 60*time.Second, 5*time.Millisecond, "the queue never settled")
	return s
}

// Processed waits until the Inboxes together count want processed
// deliveries: a delivery is counted once its acknowledgement returned, a
// moment after the queue shows it settled.
func Processed(t *testing.T, want int64, ins ...*wabsp.Inbox) {
	t.Helper()
	require.Eventually(t, func() bool {
		var got int64
		for _, in := range ins {
			st, err := in.Stats(context.Background())
			if err != nil {
				return false
			}
			got += st.Processed
		}
		return got == want
	}, 60*time.Second, 5*time.Millisecond, "the inboxes never counted %d processed deliveries", want)
}

// RunQueueTests runs the scenarios.
func RunQueueTests(t *testing.T, s Setup) {
	if s.NewDeduplicator == nil {
		s.NewDeduplicator = func(*testing.T) wabsp.Deduplicator { return wabsp.NewMemoryDeduplicator(0) }
	}
	if s.Many == 0 {
		s.Many = 10_000
	}
	ctx := context.Background()
	const long = time.Hour

	t.Run("an entry read is held by its consumer until acknowledged, then gone", func(t *testing.T) {
		q := s.NewQueues(t, 1, long)[0]
		received := time.UnixMicro(1_700_000_000_123_456)
		require.NoError(t, q.Add(ctx, []byte("one"), received))
		require.NoError(t, q.Add(ctx, []byte("two"), received))
		st, err := q.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, wabsp.InboxQueueStats{Lag: 2}, st)

		got, err := q.Read(ctx, "a", 1, 0)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, "one", string(got[0].Body))
		assert.True(t, received.Equal(got[0].Received), "received %v", got[0].Received)
		assert.Zero(t, got[0].Failures)
		st, err = q.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, wabsp.InboxQueueStats{Pending: 1, Lag: 1}, st)

		other, err := q.Read(ctx, "b", 10, 0)
		require.NoError(t, err)
		require.Len(t, other, 1, "b gets only the entry a does not hold")
		assert.Equal(t, "two", string(other[0].Body))

		require.NoError(t, q.Ack(ctx, got[0].ID))
		require.NoError(t, q.Ack(ctx, other[0].ID))
		st, err = q.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, wabsp.InboxQueueStats{}, st)
		none, err := q.Read(ctx, "a", 10, 10*time.Millisecond)
		require.NoError(t, err)
		assert.Empty(t, none)
	})

	t.Run("a blocked read returns the entry added while it waits", func(t *testing.T) {
		q := s.NewQueues(t, 1, long)[0]
		got := make(chan []wabsp.InboxEntry, 1)
		go func() {
			e, _ := q.Read(ctx, "a", 5, 30*time.Second)
			got <- e
		}()
		// The read may start before or after the Add: both must return it.
		require.NoError(t, q.Add(ctx, []byte("late"), time.Now()))
		e := <-got
		require.Len(t, e, 1)
		assert.Equal(t, "late", string(e[0].Body))
	})

	t.Run("a retried entry comes back with its failures counted, to any consumer", func(t *testing.T) {
		q := s.NewQueues(t, 1, long)[0]
		require.NoError(t, q.Add(ctx, []byte("x"), time.Now()))
		got, err := q.Read(ctx, "a", 1, 0)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.NoError(t, q.Retry(ctx, "a", got[0].ID, 0, true))
		again, err := q.Read(ctx, "b", 1, 0)
		require.NoError(t, err)
		require.Len(t, again, 1)
		assert.Equal(t, got[0].ID, again[0].ID)
		assert.Equal(t, 1, again[0].Failures)
		assert.Equal(t, "x", string(again[0].Body))

		// A put back without failure (the event was in progress elsewhere).
		require.NoError(t, q.Retry(ctx, "b", again[0].ID, 0, false))
		third, err := q.Read(ctx, "a", 1, 0)
		require.NoError(t, err)
		require.Len(t, third, 1)
		assert.Equal(t, 1, third[0].Failures)
	})

	t.Run("a consumer that lost an entry cannot retry or dead-letter it", func(t *testing.T) {
		q := s.NewQueues(t, 1, long)[0]
		require.NoError(t, q.Add(ctx, []byte("x"), time.Now()))
		got, err := q.Read(ctx, "a", 1, 0)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.NoError(t, q.Retry(ctx, "a", got[0].ID, 0, true))
		taken, err := q.Read(ctx, "b", 1, 0)
		require.NoError(t, err)
		require.Len(t, taken, 1)

		// a's late outcomes: b holds the entry now.
		require.NoError(t, q.Retry(ctx, "a", got[0].ID, 0, true))
		require.NoError(t, q.DeadLetter(ctx, "a", got[0], "late"))
		st, err := q.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, wabsp.InboxQueueStats{Pending: 1}, st)
		none, err := q.Read(ctx, "c", 1, 0)
		require.NoError(t, err)
		assert.Empty(t, none, "b still holds it")
	})

	t.Run("a dead letter keeps body, error and failures, and is replayed as new", func(t *testing.T) {
		q := s.NewQueues(t, 1, long)[0]
		received := time.UnixMicro(1_700_000_000_000_001)
		require.NoError(t, q.Add(ctx, []byte("poison"), received))
		got, err := q.Read(ctx, "a", 1, 0)
		require.NoError(t, err)
		require.Len(t, got, 1)
		got[0].Failures = 3
		require.NoError(t, q.DeadLetter(ctx, "a", got[0], "callback: boom"))

		dead, err := q.DeadLetters(ctx, 10)
		require.NoError(t, err)
		require.Len(t, dead, 1)
		assert.Equal(t, "poison", string(dead[0].Body))
		assert.Equal(t, "callback: boom", dead[0].Err)
		assert.Equal(t, 3, dead[0].Failures)
		assert.Equal(t, got[0].ID, dead[0].ID)
		assert.True(t, received.Equal(dead[0].Received))
		assert.False(t, dead[0].DeadAt.IsZero())
		st, err := q.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, wabsp.InboxQueueStats{DeadLetters: 1}, st)

		n, err := q.Replay(ctx, 10)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		back, err := q.Read(ctx, "b", 1, 0)
		require.NoError(t, err)
		require.Len(t, back, 1)
		assert.Equal(t, "poison", string(back[0].Body))
		assert.Zero(t, back[0].Failures)
		assert.True(t, received.Equal(back[0].Received))
		dead, err = q.DeadLetters(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, dead)
	})

	t.Run("an entry a stalled worker holds is processed by another worker", func(t *testing.T) {
		qs := s.NewQueues(t, 2, 300*time.Millisecond)
		dedup := s.NewDeduplicator(t)
		started, release := make(chan struct{}), make(chan struct{})
		var stalledCalls, otherCalls atomic.Int32
		// The first worker takes the delivery and stops in the middle of
		// its callback, as a hung or crashed process does: no outcome, no
		// acknowledgement. Its deduplication lease runs out before the
		// queue's visibility timeout.
		stalled := NewInbox(t, qs[0], dedup, 100*time.Millisecond, Quick(1, 5), func(context.Context, wabsp.StatusUpdate) error {
			if stalledCalls.Add(1) == 1 {
				close(started)
				<-release
			}
			return nil
		})
		other := NewInbox(t, qs[1], dedup, 100*time.Millisecond, Quick(1, 5), func(context.Context, wabsp.StatusUpdate) error {
			otherCalls.Add(1)
			return nil
		})
		require.Equal(t, http.StatusOK, Ingest(stalled, StatusDelivery("wamid.stalled")))
		stopStalled := Start(t, stalled)
		<-started
		Start(t, other)
		require.Eventually(t, func() bool { return otherCalls.Load() == 1 }, 60*time.Second, 5*time.Millisecond,
			"the other worker never processed the stalled delivery")
		Settled(t, qs[1])
		close(release)
		stopStalled()
		assert.Equal(t, int32(1), otherCalls.Load())
		Processed(t, 1, other)
		st, err := other.Stats(ctx)
		require.NoError(t, err)
		assert.Zero(t, st.DeadLettered)
	})

	t.Run("a callback failing twice then succeeding is processed, not dead-lettered", func(t *testing.T) {
		q := s.NewQueues(t, 1, long)[0]
		var calls atomic.Int32
		in := NewInbox(t, q, s.NewDeduplicator(t), 0, Quick(2, 3), func(context.Context, wabsp.StatusUpdate) error {
			switch calls.Add(1) {
			case 1:
				return errors.New("downstream unavailable")
			case 2:
				panic("callback bug")
			}
			return nil
		})
		require.Equal(t, http.StatusOK, Ingest(in, StatusDelivery("wamid.flaky")))
		Start(t, in)
		require.Eventually(t, func() bool { st, _ := in.Stats(ctx); return st.Processed == 1 }, 60*time.Second, 5*time.Millisecond)
		Settled(t, q)
		st, err := in.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, int32(3), calls.Load())
		assert.Equal(t, int64(2), st.Retried)
		assert.Zero(t, st.DeadLettered)
		assert.Zero(t, st.DeadLetters)
	})

	t.Run("a callback that always fails is dead-lettered with its error, then replayed", func(t *testing.T) {
		q := s.NewQueues(t, 1, long)[0]
		var fixed atomic.Bool
		var calls, ok atomic.Int32
		in := NewInbox(t, q, s.NewDeduplicator(t), 0, Quick(2, 3), func(context.Context, wabsp.StatusUpdate) error {
			calls.Add(1)
			if !fixed.Load() {
				return errors.New("crm rejected the status")
			}
			ok.Add(1)
			return nil
		})
		require.Equal(t, http.StatusOK, Ingest(in, StatusDelivery("wamid.poison")))
		Start(t, in)
		require.Eventually(t, func() bool { st, _ := in.Stats(ctx); return st.DeadLetters == 1 }, 60*time.Second, 5*time.Millisecond)
		Settled(t, q)
		assert.Equal(t, int32(3), calls.Load(), "MaxAttempts attempts")
		dead, err := in.DeadLetters(ctx, 10)
		require.NoError(t, err)
		require.Len(t, dead, 1)
		assert.Contains(t, dead[0].Err, "crm rejected the status")
		assert.Contains(t, dead[0].Err, "status:wamid.poison:delivered")
		assert.Equal(t, 3, dead[0].Failures)
		assert.Equal(t, string(StatusDelivery("wamid.poison")), string(dead[0].Body))

		fixed.Store(true)
		n, err := in.ReplayDeadLetters(ctx, 10)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Eventually(t, func() bool { return ok.Load() == 1 }, 60*time.Second, 5*time.Millisecond)
		st := Settled(t, q)
		assert.Zero(t, st.DeadLetters)
		Processed(t, 1, in)
		stats, err := in.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(1), stats.DeadLettered)
	})

	t.Run("a signed body that is not a webhook is dead-lettered at once", func(t *testing.T) {
		q := s.NewQueues(t, 1, long)[0]
		in := NewInbox(t, q, s.NewDeduplicator(t), 0, Quick(1, 5), func(context.Context, wabsp.StatusUpdate) error { return nil })
		require.Equal(t, http.StatusOK, Ingest(in, []byte(`{"object":`)))
		Start(t, in)
		require.Eventually(t, func() bool { st, _ := in.Stats(ctx); return st.DeadLetters == 1 }, 60*time.Second, 5*time.Millisecond)
		dead, err := in.DeadLetters(ctx, 1)
		require.NoError(t, err)
		require.Len(t, dead, 1)
		assert.Contains(t, dead[0].Err, "decoding the delivery")
		assert.Equal(t, 1, dead[0].Failures)
	})

	t.Run("a shutdown finishes the deliveries in flight and leaves the rest queued", func(t *testing.T) {
		q := s.NewQueues(t, 1, long)[0]
		started, release := make(chan struct{}), make(chan struct{})
		var calls atomic.Int32
		in := NewInbox(t, q, s.NewDeduplicator(t), 0, Quick(1, 5), func(context.Context, wabsp.StatusUpdate) error {
			if calls.Add(1) == 1 {
				close(started)
				<-release
			}
			return nil
		})
		for i := range 3 {
			require.Equal(t, http.StatusOK, Ingest(in, StatusDelivery("wamid.shutdown-"+strconv.Itoa(i))))
		}
		stop := Start(t, in)
		<-started
		stopped := make(chan struct{})
		go func() { stop(); close(stopped) }()
		select {
		case <-stopped:
			t.Fatal("Run returned while a delivery was in flight")
		case <-time.After(50 * time.Millisecond):
		}
		close(release)
		<-stopped
		st, err := in.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(1), st.Processed)
		assert.Zero(t, st.Pending, "nothing read was left unsettled")
		assert.Equal(t, int64(2), st.Lag, "the deliveries not read wait for the next worker")

		// The next run processes them.
		Start(t, in)
		Settled(t, q)
		assert.Equal(t, int32(3), calls.Load())
	})

	t.Run("one customer's deliveries are processed in the order they were stored", func(t *testing.T) {
		q := s.NewQueues(t, 1, long)[0]
		var mu sync.Mutex
		var order []string
		in := NewInbox(t, q, s.NewDeduplicator(t), 0, Quick(8, 5), func(_ context.Context, st wabsp.StatusUpdate) error {
			if st.Status.RecipientID == "alice" {
				// Earlier deliveries take longer: without ordering, later
				// ones would overtake them.
				n, _ := strconv.Atoi(strings.TrimPrefix(st.Status.ID, "wamid.alice-"))
				time.Sleep(time.Duration(3-n%4) * time.Millisecond)
				mu.Lock()
				order = append(order, st.Status.ID)
				mu.Unlock()
			}
			return nil
		})
		var want []string
		for i := range 24 {
			id := "wamid.alice-" + strconv.Itoa(i)
			want = append(want, id)
			require.Equal(t, http.StatusOK, Ingest(in, StatusDeliveryTo(id, "alice")))
			require.Equal(t, http.StatusOK, Ingest(in, StatusDeliveryTo("wamid.other-"+strconv.Itoa(i), "other-"+strconv.Itoa(i))))
		}
		Start(t, in)
		Settled(t, q)
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, want, order)
	})

	t.Run(fmt.Sprintf("%d deliveries over 4 workers in two inboxes reach the callbacks exactly once", s.Many), func(t *testing.T) {
		qs := s.NewQueues(t, 2, 30*time.Second)
		dedup := s.NewDeduplicator(t)
		var mu sync.Mutex
		seen := make(map[string]int, s.Many)
		onStatus := func(_ context.Context, st wabsp.StatusUpdate) error {
			mu.Lock()
			seen[st.Status.ID]++
			mu.Unlock()
			return nil
		}
		ins := []*wabsp.Inbox{
			NewInbox(t, qs[0], dedup, 0, Quick(2, 5), onStatus),
			NewInbox(t, qs[1], dedup, 0, Quick(2, 5), onStatus),
		}
		for _, in := range ins {
			Start(t, in)
		}
		// Meta delivers some events twice: every tenth delivery is sent
		// again, to the other receiver.
		var wg sync.WaitGroup
		var refused atomic.Int32
		began := time.Now()
		const senders = 8
		for w := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < s.Many; i += senders {
					// A thousand customers: one customer's deliveries run
					// one at a time in each inbox.
					body := StatusDeliveryTo("wamid.many-"+strconv.Itoa(i), strconv.Itoa(16315550000+i%1000))
					if Ingest(ins[i%2], body) != http.StatusOK {
						refused.Add(1)
					}
					if i%10 == 0 && Ingest(ins[(i+1)%2], body) != http.StatusOK {
						refused.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		t.Logf("ingested in %v", time.Since(began))
		require.Zero(t, refused.Load(), "ingest refused deliveries")
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(seen) == s.Many
		}, 120*time.Second, 10*time.Millisecond, "not every event reached the callbacks")
		st := Settled(t, qs[0])
		t.Logf("processed in %v", time.Since(began))
		assert.Zero(t, st.DeadLetters)
		mu.Lock()
		defer mu.Unlock()
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s reached the callbacks %d times", id, n)
			}
		}
		var ingested int64
		for _, in := range ins {
			s, err := in.Stats(ctx)
			require.NoError(t, err)
			ingested += s.Ingested
		}
		assert.Equal(t, int64(s.Many+s.Many/10), ingested)
		// Every delivery, duplicates too, was processed and acknowledged.
		Processed(t, ingested, ins...)
	})
}
