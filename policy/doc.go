// Package policy tracks the two rules WhatsApp enforces on every business
// message, so that a send can be decided before Meta refuses it:
//
//   - The customer service window. Free-form messages may go to a customer
//     only within 24 hours of the customer's last message to that phone
//     number; outside it only a template may be sent (Meta answers error
//     131047 otherwise).
//   - The messaging limit, as Meta's messaging-limits page defines it since
//     2025-10-07: the number of unique customers a business portfolio may
//     deliver messages to outside their service window in a moving 24
//     hours, shared by all the portfolio's phone numbers. Every new
//     portfolio starts at 250, verified or not, then 2,000, 10,000, 100,000
//     and unlimited. A customer counts once, until 24 hours after the latest
//     message that counted them; messages inside a service window count
//     nothing.
//
// A customer is named by phone number or by business-scoped user id
// (BSUID): a delivery that carries both links them, so either finds the same
// window and count (see wabsp.Customer).
//
// A Tracker is fed by decoded webhook events (ObserveWebhook, or one by one:
// ObserveInbound for customer messages, ObserveStatus for delivery
// statuses, ObserveTierChange for phone_number_quality_update and
// business_capability_update, ObserveIDChange for new customer ids), by
// onboarding (ObserveOnboarding, SetPortfolio: which portfolio a number
// belongs to) and by the integrator's own sends (ObserveSent, or Reserve to
// decide and count atomically). It answers Window, Limit and Classify.
// Answers are exact at the boundaries: 23:59:59 after the last inbound
// message the window is open, at 24:00:00 it is closed; a customer counts
// until exactly 24 hours after the latest message that counted them. Times
// are kept to the millisecond. A number whose portfolio is not known yet
// counts on its own; once mapped, what it counted joins the portfolio.
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
