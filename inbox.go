package wabsp

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The defaults of InboxConfig.
const (
	DefaultInboxWorkers     = 8
	DefaultInboxMaxAttempts = 8
	DefaultInboxBackoff     = time.Second
	DefaultInboxMaxBackoff  = time.Minute
	DefaultInboxAckTimeout  = 2 * time.Second
	DefaultInboxShutdown    = 30 * time.Second
	DefaultInboxPoll        = time.Second
)

// InboxConfig configures an Inbox. Every field is optional.
type InboxConfig struct {
	// Workers is how many deliveries Run processes at once (default
	// DefaultInboxWorkers).
	Workers int
	// MaxAttempts is how many times a delivery's callbacks may fail before
	// it is dead-lettered (default DefaultInboxMaxAttempts).
	MaxAttempts int
	// Backoff is the wait before the first retry; it doubles with each
	// failure up to MaxBackoff, and the queue's visibility timeout caps it
	// too (defaults DefaultInboxBackoff and DefaultInboxMaxBackoff).
	Backoff, MaxBackoff time.Duration
	// AckTimeout bounds the queue's Add: past it the receiver answers 503
	// and Meta retries (default DefaultInboxAckTimeout).
	AckTimeout time.Duration
	// ShutdownGrace is how long Run lets the deliveries in flight finish
	// once its context is canceled; past it their callbacks' context is
	// canceled too, and what did not finish stays in the queue for the next
	// worker (default DefaultInboxShutdown).
	ShutdownGrace time.Duration
	// Poll is how long one read waits for new entries, and so how long Run
	// takes to notice its context was canceled (default DefaultInboxPoll).
	Poll time.Duration
	// Consumer names this Inbox's worker pool in the queue's consumer
	// group; it must differ between processes. Default: host name, process
	// id and a random suffix.
	Consumer string
	// StatsInterval, if set, makes Run log Stats at this interval.
	StatsInterval time.Duration
	// Logger receives retries, dead letters, queue errors and stats; nil
	// means slog.Default().
	Logger *slog.Logger
}

// Inbox acknowledges Meta's deliveries as soon as they are stored and runs
// the callbacks on a pool of workers: the opt-in mode for receivers whose
// callbacks are slow or whose deliveries come in bursts. Its ServeHTTP
// verifies a delivery's signature and size, stores the raw body in an
// InboxQueue and answers 200 only once the queue has stored it (503 when the
// queue fails or is slower than AckTimeout, so that Meta retries); Run reads
// the queue and dispatches each delivery through the WebhookHandler's
// Dispatch: the same callbacks and the same done-after-success
// deduplication as the synchronous handler.
//
// A delivery whose callbacks failed or panicked stays in the queue and is
// retried with exponential backoff; after MaxAttempts failures it moves to
// the dead letters with its error, and ReplayDeadLetters puts it back. A
// body that is not a webhook is dead-lettered at once. A worker that
// crashes leaves its entries pending; the queue hands them to another
// worker after its visibility timeout, and the deduplication skips the
// events that were done. (A delivery that kills its process outright, not a
// panic, which is recovered, is taken over again after each visibility
// timeout: crashes are not counted as failures.)
//
// Ordering: Meta itself does not deliver in order, so order statuses by
// their timestamps, not by arrival. The queue hands deliveries out in the
// order they were stored, and within one Inbox the deliveries of one
// customer (one phone number and one customer's wa_id, in every message
// and status of the delivery) are processed one at a time in that order,
// while other customers' run in parallel. Not ordered: a delivery that
// concerns several customers (a batch of statuses) or none (template and
// account updates); deliveries of one customer handed to different
// processes; a retried delivery, which runs after later ones. A delivery
// waiting for an earlier one of its customer occupies a worker: a burst
// from one customer can hold several workers while it drains.
//
// Ingest (ServeHTTP) and the workers (Run) may run in the same process or
// in different ones sharing the queue.
type Inbox struct {
	h        *WebhookHandler
	q        InboxQueue
	cfg      InboxConfig
	log      *slog.Logger
	consumer string
	running  atomic.Bool
	pool     sync.Pool

	ingested, ingestFailed, processed, retried, deferred, deadLettered atomic.Int64
}

// NewInbox returns an Inbox that verifies and dispatches with h and keeps
// the deliveries in q.
func NewInbox(h *WebhookHandler, q InboxQueue, cfg InboxConfig) (*Inbox, error) {
	var v validator
	if h == nil {
		v.addf("handler", "is required")
	}
	if q == nil {
		v.addf("queue", "is required")
	}
	for _, f := range []struct {
		name string
		val  int64
	}{
		{"Workers", int64(cfg.Workers)}, {"MaxAttempts", int64(cfg.MaxAttempts)},
		{"Backoff", int64(cfg.Backoff)}, {"MaxBackoff", int64(cfg.MaxBackoff)},
		{"AckTimeout", int64(cfg.AckTimeout)}, {"ShutdownGrace", int64(cfg.ShutdownGrace)},
		{"Poll", int64(cfg.Poll)}, {"StatsInterval", int64(cfg.StatsInterval)},
	} {
		if f.val < 0 {
			v.addf(f.name, "must not be negative")
		}
	}
	if err := v.err("NewInbox"); err != nil {
		return nil, err
	}
	def := func(d *time.Duration, to time.Duration) {
		if *d == 0 {
			*d = to
		}
	}
	if cfg.Workers == 0 {
		cfg.Workers = DefaultInboxWorkers
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = DefaultInboxMaxAttempts
	}
	def(&cfg.Backoff, DefaultInboxBackoff)
	def(&cfg.MaxBackoff, DefaultInboxMaxBackoff)
	def(&cfg.AckTimeout, DefaultInboxAckTimeout)
	def(&cfg.ShutdownGrace, DefaultInboxShutdown)
	def(&cfg.Poll, DefaultInboxPoll)
	in := &Inbox{h: h, q: q, cfg: cfg, log: cfg.Logger, consumer: cfg.Consumer}
	if in.log == nil {
		in.log = slog.Default()
	}
	if in.consumer == "" {
		host, _ := os.Hostname()
		var b [4]byte
		_, _ = rand.Read(b[:])
		in.consumer = host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
	}
	return in, nil
}

// Consumer returns the name of this Inbox's worker pool in the queue.
func (in *Inbox) Consumer() string { return in.consumer }

// ServeHTTP answers Meta's subscription challenge (GET) as the
// WebhookHandler does, and ingests a delivery (POST): 200 once it is
// stored, 401 for a bad signature, 413 for a body over the cap, 400 when
// the body could not be read, 503 when the queue failed or timed out.
func (in *Inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		in.h.ServeHTTP(w, r)
		return
	}
	received := time.Now()
	buf, _ := in.pool.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		buf.Reset()
		in.pool.Put(buf)
	}()
	if err := in.h.ReadVerifiedBody(r, buf); err != nil {
		status := readErrorStatus(err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), in.cfg.AckTimeout)
	err := in.q.Add(ctx, buf.Bytes(), received)
	cancel()
	if err != nil {
		in.ingestFailed.Add(1)
		in.log.WarnContext(r.Context(), "webhook inbox could not store a delivery; answering 503 so that Meta retries",
			"bytes", buf.Len(), "error", err)
		http.Error(w, "the delivery could not be stored; retry later", http.StatusServiceUnavailable)
		return
	}
	in.ingested.Add(1)
	w.WriteHeader(http.StatusOK)
}

// InboxStats are an Inbox's counters. The first six count what this Inbox
// did since NewInbox; the queue's counts are across every process sharing
// the queue.
type InboxStats struct {
	// Ingested counts deliveries stored and acknowledged.
	Ingested int64
	// IngestFailed counts deliveries answered 503 because the queue failed.
	IngestFailed int64
	// Processed counts deliveries whose callbacks all succeeded.
	Processed int64
	// Retried counts failed attempts that will be retried.
	Retried int64
	// Deferred counts attempts put back because another delivery of one of
	// their events was still being processed.
	Deferred int64
	// DeadLettered counts deliveries moved to the dead letters.
	DeadLettered int64
	InboxQueueStats
}

// Stats returns the counters, asking the queue for its counts.
func (in *Inbox) Stats(ctx context.Context) (InboxStats, error) {
	s := InboxStats{
		Ingested: in.ingested.Load(), IngestFailed: in.ingestFailed.Load(), Processed: in.processed.Load(),
		Retried: in.retried.Load(), Deferred: in.deferred.Load(), DeadLettered: in.deadLettered.Load(),
	}
	qs, err := in.q.Stats(ctx)
	s.InboxQueueStats = qs
	return s, err
}

// LogValue makes the stats one structured slog group.
func (s InboxStats) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int64("ingested", s.Ingested), slog.Int64("ingest_failed", s.IngestFailed),
		slog.Int64("processed", s.Processed), slog.Int64("retried", s.Retried),
		slog.Int64("deferred", s.Deferred), slog.Int64("dead_lettered", s.DeadLettered),
		slog.Int64("pending", s.Pending), slog.Int64("lag", s.Lag), slog.Int64("dead_letters", s.DeadLetters))
}

// DeadLetters lists up to max dead letters, oldest first, with their
// errors.
func (in *Inbox) DeadLetters(ctx context.Context, max int) ([]InboxDeadLetter, error) {
	return in.q.DeadLetters(ctx, max)
}

// ReplayDeadLetters puts up to max dead letters, oldest first, back in the
// queue with no failures counted, and returns how many it moved. Events of
// theirs that were done before are skipped by the deduplication.
func (in *Inbox) ReplayDeadLetters(ctx context.Context, max int) (int, error) {
	n, err := in.q.Replay(ctx, max)
	if n > 0 {
		in.log.InfoContext(ctx, "webhook inbox replayed dead letters", "count", n)
	}
	return n, err
}
