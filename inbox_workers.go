package wabsp

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrInboxRunning is returned by Run when the Inbox's workers already run.
var ErrInboxRunning = errors.New("wabsp: inbox workers are already running")

// settleTimeout bounds the queue calls that record an outcome: they run
// even during shutdown, since an outcome not recorded means the delivery is
// processed again.
const settleTimeout = 5 * time.Second

// Run processes the queue's deliveries on Workers goroutines until ctx is
// canceled, then stops reading, lets the deliveries in flight finish (for
// up to ShutdownGrace) and returns nil. Nothing read is dropped: a delivery
// that did not finish stays pending in the queue and another worker takes
// it after the visibility timeout. Queue errors are logged and retried, not
// returned. Run may be called again after it returned.
func (in *Inbox) Run(ctx context.Context) error {
	if !in.running.CompareAndSwap(false, true) {
		return ErrInboxRunning
	}
	defer in.running.Store(false)

	// The callbacks' context outlives ctx by the grace period, so that a
	// shutdown does not fail the deliveries in flight.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	slots := make(chan struct{}, in.cfg.Workers)
	// One goroutine acknowledges what the workers processed, in batches:
	// one round trip for all the deliveries that finished meanwhile.
	acks := make(chan string, in.cfg.Workers)
	acked := make(chan struct{})
	go in.ackLoop(work, acks, acked)
	var wg sync.WaitGroup
	stopStats := in.logStatsEvery(ctx, &wg)
	order := newInboxOrder()
	var seq uint64

	errBackoff := in.cfg.Backoff
	for ctx.Err() == nil {
		n := in.acquire(ctx, slots)
		if n == 0 {
			break
		}
		// The read itself is not canceled with ctx: a read canceled after
		// Redis handed out entries would leave them to wait for the
		// visibility timeout. Poll bounds it instead.
		entries, err := in.q.Read(work, in.consumer, n, in.cfg.Poll)
		for range n - len(entries) {
			<-slots
		}
		// Entries handed out are processed even alongside an error: they
		// are pending on this consumer now.
		for _, e := range entries {
			wg.Add(1)
			turn := seq
			seq++
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				in.process(work, e, order, turn, acks)
			}()
		}
		if err != nil {
			in.log.WarnContext(ctx, "webhook inbox could not read the queue; retrying", "error", err, "wait", errBackoff)
			sleepCtx(ctx, errBackoff)
			errBackoff = min(2*errBackoff, in.cfg.MaxBackoff)
			continue
		}
		errBackoff = in.cfg.Backoff
	}
	stopStats()

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(in.cfg.ShutdownGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		in.log.Warn("webhook inbox: deliveries still running after the shutdown grace; canceling them, they stay in the queue")
		cancelWork()
		<-done
	}
	close(acks)
	<-acked
	final, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	if err := in.q.Leave(final, in.consumer); err != nil {
		in.log.Warn("webhook inbox could not remove its consumer from the queue", "consumer", in.consumer, "error", err)
	}
	if s, err := in.Stats(final); err == nil {
		in.log.Info("webhook inbox workers stopped", "consumer", in.consumer, "stats", s)
	}
	return nil
}

// acquire takes at least one free worker slot, waiting for it, and then
// every other free slot; it returns how many it took, 0 when ctx ended.
func (in *Inbox) acquire(ctx context.Context, slots chan struct{}) int {
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return 0
	}
	n := 1
	for n < cap(slots) {
		select {
		case slots <- struct{}{}:
			n++
		default:
			return n
		}
	}
	return n
}

// process runs one delivery's callbacks and records the outcome in the
// queue.
func (in *Inbox) process(ctx context.Context, e InboxEntry, order *inboxOrder, turn uint64, acks chan<- string) {
	settle, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	wh, err := DecodeWebhook(e.Body)
	key := ""
	if err == nil {
		key = orderKey(wh)
	}
	wait, leave := order.enter(turn, key)
	defer leave()
	if wait != nil {
		<-wait
	}
	if err != nil {
		// A body Meta signed that does not decode will not decode on a
		// retry either.
		in.deadLetter(settle, e, e.Failures+1, "decoding the delivery: "+err.Error())
		return
	}
	err = in.h.Dispatch(ctx, wh)
	switch {
	case err == nil:
		acks <- e.ID
	case onlyInProgress(err):
		// Another delivery holds one of its events: not a failure, so it
		// is not counted; it is retried once that outcome is known.
		in.deferred.Add(1)
		if err := in.q.Retry(settle, in.consumer, e.ID, in.backoff(1), false); err != nil {
			in.log.WarnContext(settle, "webhook inbox could not put a delivery back", "id", e.ID, "error", err)
		}
	default:
		failures := e.Failures + 1
		if failures >= in.cfg.MaxAttempts {
			in.deadLetter(settle, e, failures, err.Error())
			return
		}
		// A failure caused by the shutdown's cancellation is not the
		// delivery's fault.
		failed := ctx.Err() == nil
		after := in.backoff(failures)
		in.retried.Add(1)
		in.log.WarnContext(settle, "webhook inbox delivery failed; it will be retried",
			"id", e.ID, "failures", failures, "max_attempts", in.cfg.MaxAttempts, "retry_in", after)
		if err := in.q.Retry(settle, in.consumer, e.ID, after, failed); err != nil {
			in.log.WarnContext(settle, "webhook inbox could not schedule a retry; the visibility timeout will", "id", e.ID, "error", err)
		}
	}
}

// ackBatch bounds how many entries one acknowledgement settles.
const ackBatch = 256

// ackLoop acknowledges the ids sent on acks until it is closed, each time
// all those waiting, then closes done.
func (in *Inbox) ackLoop(ctx context.Context, acks <-chan string, done chan<- struct{}) {
	defer close(done)
	batch := make([]string, 0, ackBatch)
	for id := range acks {
		batch = append(batch[:0], id)
	more:
		for len(batch) < ackBatch {
			select {
			case id, ok := <-acks:
				if !ok {
					break more
				}
				batch = append(batch, id)
			default:
				break more
			}
		}
		settle, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
		err := in.q.Ack(settle, batch...)
		cancel()
		if err != nil {
			in.log.WarnContext(ctx, "webhook inbox could not acknowledge processed deliveries; they are read again and their events skipped",
				"count", len(batch), "error", err)
			continue
		}
		in.processed.Add(int64(len(batch)))
	}
}

// maxDeadLetterCause bounds the error kept with a dead letter: a delivery
// of 1,000 statuses whose callbacks all failed joins 1,000 errors.
const maxDeadLetterCause = 4 << 10

func (in *Inbox) deadLetter(ctx context.Context, e InboxEntry, failures int, cause string) {
	e.Failures = failures
	if len(cause) > maxDeadLetterCause {
		cause = strings.ToValidUTF8(cause[:maxDeadLetterCause], "") + "… (" + strconv.Itoa(len(cause)-maxDeadLetterCause) + " more bytes)"
	}
	if err := in.q.DeadLetter(ctx, in.consumer, e, cause); err != nil {
		in.log.ErrorContext(ctx, "webhook inbox could not dead-letter a delivery; it will be read again", "id", e.ID, "error", err)
		return
	}
	in.deadLettered.Add(1)
	in.log.ErrorContext(ctx, "webhook inbox dead-lettered a delivery", "id", e.ID, "failures", failures, "error", cause)
}

// backoff is the wait before retry number failures: Backoff doubled per
// failure up to MaxBackoff, less up to a fifth at random so that deliveries
// that failed together do not all come back at once.
func (in *Inbox) backoff(failures int) time.Duration {
	d := in.cfg.Backoff
	for i := 1; i < failures && d < in.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, in.cfg.MaxBackoff)
	return d - time.Duration(rand.Int64N(int64(d)/5+1))
}

// logStatsEvery logs Stats every StatsInterval until the returned function
// is called.
func (in *Inbox) logStatsEvery(ctx context.Context, wg *sync.WaitGroup) (stop func()) {
	if in.cfg.StatsInterval <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(in.cfg.StatsInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s, err := in.Stats(ctx)
				if err != nil {
					in.log.WarnContext(ctx, "webhook inbox stats: the queue did not answer", "error", err)
				}
				in.log.InfoContext(ctx, "webhook inbox", "consumer", in.consumer, "stats", s)
			}
		}
	}()
	return cancel
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
