// Package policy tracks the two rules WhatsApp enforces on every business
// message, so that a send can be decided before Meta refuses it:
//
//   - The customer service window. Free-form messages may go to a customer
//     only within 24 hours of the customer's last message; outside it only
//     a template may be sent (Meta answers error 131047 otherwise).
//   - The messaging limit. A phone number may start business-initiated
//     conversations with at most as many unique customers per rolling 24
//     hours as its tier allows: 50 for an unverified business, then 250,
//     1K (now 2K), 10K, 100K and unlimited. A conversation lasts 24 hours
//     from its start; templates inside it count nothing more.
//
// A Tracker is fed by decoded webhook events (ObserveInbound for customer
// messages, ObserveStatus for delivery statuses, ObserveTierChange for
// phone_number_quality_update and capability changes) and by the
// integrator's own sends (ObserveSent, or Reserve to decide and count
// atomically). It answers Window, Limit and Classify. Answers are exact at
// the boundaries: 23:59:59 after the last inbound message the window is
// open, at 24:00:00 it is closed; a conversation counts until exactly 24
// hours after it started. Times are kept to the millisecond.
//
// # Stores
//
// The state lives in a Store, whose operations are each atomic. The
// default MemoryStore suits one process. Package
// github.com/wabsp/wabsp/policy/redisstore keeps it in Redis so several
// webhook receivers and senders share one view; only programs that import
// it link a Redis client. Every Store is also a wabsp.Deduplicator, so the
// webhook handler can deduplicate deliveries with the same store: a
// delivery Meta retries to another instance is still processed once, and
// an event is marked done only after its callback succeeded.
//
// # HTTP
//
// NewHTTPHandler answers the questions as JSON for other services:
//
//	mux.Handle("/policy/", policy.NewHTTPHandler(tracker, logger))
package policy
