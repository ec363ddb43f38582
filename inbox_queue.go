package wabsp

import (
	"context"
	"errors"
	"time"
)

// InboxQueue is where an Inbox keeps verified deliveries between the
// acknowledgement and the callbacks: a durable queue with a consumer group.
// Each entry is handed to one consumer at a time; it stays pending until it
// is acknowledged or dead-lettered, and a pending entry whose consumer has
// not settled it within the queue's visibility timeout is handed to another
// consumer (a crashed worker's entries are not lost). NewMemoryInboxQueue is
// the in-process implementation; the package inbox/redisinbox keeps it in a
// Redis stream shared by any number of receivers and workers.
//
// Implementations must be safe for concurrent use and must not return from
// Add before the entry is stored as durably as they can store it.
type InboxQueue interface {
	// Add stores a verified delivery's raw body and the time it was
	// received. It returns nil only once the entry is stored: the receiver
	// acknowledges Meta's delivery on that nil.
	Add(ctx context.Context, body []byte, received time.Time) error
	// Read hands consumer up to max entries: first pending entries whose
	// visibility timeout has passed (a crashed or retrying consumer's),
	// then new ones. With none available it waits up to block for a new
	// one; it returns no entries and no error when none came.
	Read(ctx context.Context, consumer string, max int, block time.Duration) ([]InboxEntry, error)
	// Ack settles entries that were processed and forgets them.
	Ack(ctx context.Context, ids ...string) error
	// Retry makes an entry that consumer holds available again after
	// after (at most the visibility timeout), counting one more failure if
	// failed. It does nothing for an entry consumer no longer holds: another
	// consumer took it over, or it was settled.
	Retry(ctx context.Context, consumer, id string, after time.Duration, failed bool) error
	// DeadLetter moves an entry consumer holds to the dead letters, with the
	// error that stopped it, and settles it, in one step. It does nothing
	// for an entry consumer no longer holds.
	DeadLetter(ctx context.Context, consumer string, e InboxEntry, cause string) error
	// Replay moves up to max dead letters, oldest first, back to the queue
	// as new entries with no failures, and returns how many it moved.
	Replay(ctx context.Context, max int) (int, error)
	// DeadLetters lists up to max dead letters, oldest first.
	DeadLetters(ctx context.Context, max int) ([]InboxDeadLetter, error)
	// Stats counts the entries the queue holds.
	Stats(ctx context.Context) (InboxQueueStats, error)
	// Leave forgets consumer if it holds no entry, so that the names of
	// stopped worker pools do not pile up; Run calls it when it returns.
	Leave(ctx context.Context, consumer string) error
}

// InboxEntry is one stored delivery.
type InboxEntry struct {
	// ID is the queue's id of the entry (a Redis stream id).
	ID string
	// Body is the delivery's raw body, as signed by Meta.
	Body []byte
	// Received is when the receiver read the delivery.
	Received time.Time
	// Failures counts the attempts whose callbacks failed so far.
	Failures int
}

// InboxDeadLetter is a delivery that failed too often, kept with its error
// until it is replayed.
type InboxDeadLetter struct {
	InboxEntry
	// Err is the error of the last attempt.
	Err string
	// DeadAt is when it was dead-lettered.
	DeadAt time.Time
}

// InboxQueueStats counts what a queue holds, across every process using it.
type InboxQueueStats struct {
	// Pending counts the entries handed to a consumer and not settled yet:
	// being processed, or waiting for a retry.
	Pending int64
	// Lag counts the entries stored and not yet handed to any consumer.
	Lag int64
	// DeadLetters counts the dead letters.
	DeadLetters int64
}

// ErrInboxFull is returned by Add when a queue bounded in size holds as many
// entries as it may; the receiver answers 503, so Meta retries later.
var ErrInboxFull = errors.New("wabsp: inbox queue is full")
