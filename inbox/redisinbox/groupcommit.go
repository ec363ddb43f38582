package redisinbox

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// pendingAdd is one Add waiting for its XADD. Concurrent Adds are written
// in one pipeline (a group commit): one round trip, and one wake-up of the
// Redis process, for every delivery that arrived meanwhile, which matters
// most when Redis shares few cores with the receiver. The first Add to
// find no write in progress leads: it writes the waiting Adds, its own
// among them, then hands the lead to the first Add that arrived during the
// write.
type pendingAdd struct {
	ctx      context.Context
	body     []byte
	received time.Time
	taken    bool          // in a write: its body must stay untouched until done
	done     chan error    // the outcome, once written
	lead     chan struct{} // this Add leads the next write
}

// addBatch bounds one pipeline.
const addBatch = 128

func (q *Queue) add(ctx context.Context, body []byte, received time.Time) error {
	p := &pendingAdd{ctx: ctx, body: body, received: received, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	q.addMu.Lock()
	q.adds = append(q.adds, p)
	if !q.writing {
		q.writing = true
		p.lead <- struct{}{}
	}
	q.addMu.Unlock()
	for {
		select {
		case err := <-p.done:
			return err
		case <-p.lead:
			q.write(ctx)
		case <-ctx.Done():
			q.addMu.Lock()
			if !p.taken {
				// Still waiting: withdraw it, so that its body (the
				// caller's buffer) is never written after Add returned.
				for i, x := range q.adds {
					if x == p {
						q.adds = append(q.adds[:i], q.adds[i+1:]...)
						break
					}
				}
				select {
				case <-p.lead: // it was to lead: the lead passes on
					q.passLeadLocked()
				default:
				}
				q.addMu.Unlock()
				return fmt.Errorf("redisinbox: storing a delivery: %w", ctx.Err())
			}
			q.addMu.Unlock()
			// In a write already: its outcome comes within the leader's
			// deadline.
			return <-p.done
		}
	}
}

// write writes up to addBatch waiting Adds in one pipeline and passes the
// lead on. An Add whose context ended before the write is answered with its
// error and not written; the pipeline runs until the latest deadline of the
// others, so that no caller's short deadline fails the rest of the batch.
func (q *Queue) write(ctx context.Context) {
	q.addMu.Lock()
	n := min(len(q.adds), addBatch)
	batch := make([]*pendingAdd, 0, n)
	var latest time.Time
	unbounded := false
	for _, p := range q.adds[:n] {
		if err := p.ctx.Err(); err != nil {
			p.done <- fmt.Errorf("redisinbox: storing a delivery: %w", err)
			continue
		}
		p.taken = true
		batch = append(batch, p)
		if dl, ok := p.ctx.Deadline(); !ok {
			unbounded = true
		} else if dl.After(latest) {
			latest = dl
		}
	}
	q.adds = append(q.adds[:0], q.adds[n:]...)
	q.addMu.Unlock()

	if len(batch) > 0 {
		wctx := context.WithoutCancel(ctx)
		if !unbounded {
			var cancel context.CancelFunc
			wctx, cancel = context.WithDeadline(wctx, latest)
			defer cancel()
		}
		cmds := make([]*redis.StringCmd, len(batch))
		_, err := q.rdb.Pipelined(wctx, func(pl redis.Pipeliner) error {
			for i, p := range batch {
				cmds[i] = pl.XAdd(wctx, q.xaddArgs(p.body, p.received))
			}
			return nil
		})
		for i, p := range batch {
			e := cmds[i].Err()
			if e == nil && err != nil && cmds[i].Val() == "" {
				e = err
			}
			if e != nil {
				e = fmt.Errorf("redisinbox: storing a delivery: %w", e)
			}
			p.done <- e
		}
	}

	q.addMu.Lock()
	q.passLeadLocked()
	q.addMu.Unlock()
}

// passLeadLocked gives the lead to the oldest waiting Add, or ends the
// writing when none waits.
func (q *Queue) passLeadLocked() {
	if len(q.adds) > 0 {
		q.adds[0].lead <- struct{}{}
	} else {
		q.writing = false
	}
}

func (q *Queue) xaddArgs(body []byte, received time.Time) *redis.XAddArgs {
	a := &redis.XAddArgs{Stream: q.keys[0], Values: []any{"b", body, "r", received.UnixMicro()}}
	switch {
	case q.maxLen > 0:
		a.MaxLen, a.Approx = q.maxLen, true
	case q.retention > 0:
		a.MinID, a.Approx = strconv.FormatInt(time.Now().Add(-q.retention).UnixMilli(), 10), true
	}
	return a
}
