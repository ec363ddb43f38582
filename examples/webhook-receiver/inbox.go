package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/inbox/redisinbox"
)

// inboxMode is the receiver with -inbox: deliveries are acknowledged once
// stored in a Redis stream and processed by workers, in this process and
// in any other running with the same -inbox. nil without -inbox: the
// handler processes each delivery before answering.
type inboxMode struct {
	queue   *redisinbox.Queue
	workers int
	in      *wabsp.Inbox
	stop    func()
	closed  sync.Once
}

// openInbox connects to the stream at url, or returns nil for "".
func openInbox(url string, workers int) (*inboxMode, error) {
	if url == "" {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	q, err := redisinbox.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	return &inboxMode{queue: q, workers: workers}, nil
}

// wrap returns what serves deliveries: h itself without -inbox; otherwise
// an Inbox that stores them for h's callbacks, whose workers it starts.
func (m *inboxMode) wrap(h *wabsp.WebhookHandler) (http.Handler, error) {
	if m == nil {
		return h, nil
	}
	in, err := wabsp.NewInbox(h, m.queue, wabsp.InboxConfig{
		Workers:       m.workers,
		StatsInterval: time.Minute,
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	m.in, m.stop = in, func() { cancel(); <-done }
	fmt.Fprintf(os.Stderr, "inbox: %d workers as consumer %s\n", m.workers, in.Consumer())
	return in, nil
}

// settle waits until the workers have processed everything stored, so that
// the demo reads the tracker after the events reached it.
func (m *inboxMode) settle() error {
	if m == nil || m.in == nil {
		return nil
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		s, err := m.in.Stats(context.Background())
		if err == nil && s.Pending == 0 && s.Lag == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("inbox: not settled after 30s: %+v, %v", s, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// close stops the workers, letting the deliveries in flight finish, and
// closes the connection.
func (m *inboxMode) close() {
	if m == nil {
		return
	}
	m.closed.Do(func() {
		if m.stop != nil {
			m.stop()
		}
		_ = m.queue.Close()
	})
}
