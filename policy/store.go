package policy

import (
	"context"
	"time"

	"github.com/wabsp/wabsp"
)

// Day is the length of the customer service window and of a
// business-initiated conversation, and the span of the rolling count.
const Day = 24 * time.Hour

// Store holds the tracker's state. Every method is one atomic operation, so
// several trackers on several machines may share one Store; the decisions
// are made inside the store for that reason. Times are kept to the
// millisecond. MemoryStore and redisstore.Store implement it, and
// policytest.RunStoreTests checks any other implementation.
//
// A customer is named by an id: a phone number (wa_id) or a
// business-scoped user id (BSUID, see wabsp.Customer). LinkCustomer makes
// two ids one customer, so that every method given either id reads and
// writes the same window and conversation.
type Store interface {
	// RecordInbound notes a customer message at at; the window's start is
	// the latest such time recorded.
	RecordInbound(ctx context.Context, phoneNumberID, customerID string, at time.Time) error
	// LinkCustomer records that from names the customer to names, from now
	// on and for good: a phone number and the BSUID seen with it, or a
	// BSUID and the one that replaced it. A window or conversation held
	// under from joins the one held under to (the later window and the
	// earlier conversation start win), so nothing is counted twice. Links
	// chain: after a→b and b→c, a reads c.
	LinkCustomer(ctx context.Context, phoneNumberID, from, to string) error
	// SetTier records a phone number's tier and its limit (Unlimited for
	// none).
	SetTier(ctx context.Context, phoneNumberID string, tier Tier, limit int) error
	// StartConversation classifies a business send and records a new
	// business-initiated conversation when it starts one; see StartRequest.
	StartConversation(ctx context.Context, req StartRequest) (StartResult, error)
	// Snapshot reads what the questions need at now; customerID may be
	// empty when only the phone number's usage is wanted.
	Snapshot(ctx context.Context, phoneNumberID, customerID string, now time.Time) (Snapshot, error)
	// Deduplicator makes a store usable by wabsp.WebhookHandler, so that
	// every instance sharing the store processes a webhook event once: a
	// key is claimed with a lease, marked done only after its callback
	// succeeded, and a done key is forgotten after the store's
	// deduplication TTL.
	wabsp.Deduplicator
}

// StartRequest asks a store to classify a business send at At and record a
// new business-initiated conversation if the send starts one:
//   - inside the customer's service window (At before the last inbound
//     message plus Day): KindServiceWindow, nothing recorded;
//   - inside a business-initiated conversation started in (At-Day, At]:
//     KindOpenConversation, nothing recorded;
//   - otherwise a new conversation starting at At (KindNewConversation),
//     unless Enforce is set and the phone number's limit is already used
//     up (KindLimitReached, nothing recorded).
type StartRequest struct {
	PhoneNumberID string
	// CustomerID is the customer's phone number or BSUID.
	CustomerID string
	At         time.Time
	// Enforce refuses a new conversation beyond the limit; without it the
	// send is recorded anyway, because it already happened.
	Enforce bool
	// IgnoreWindow skips the service-window test, for when Meta itself said
	// the conversation is business-initiated.
	IgnoreWindow bool
	// DefaultLimit applies when no tier was recorded for the phone number.
	DefaultLimit int
}

// StartResult is a store's answer to StartConversation: the kind of the
// send, and the state at At after the call.
type StartResult struct {
	Kind Kind
	Snapshot
}

// Snapshot is what a store knows about a phone number, and optionally one
// customer, at a moment.
type Snapshot struct {
	// Tier and Limit were recorded by SetTier; TierKnown is false if never
	// (the limit applied is then the caller's default).
	Tier      Tier
	Limit     int
	TierKnown bool
	// LastInbound is the customer's last message, zero if none is known; a
	// store may forget it once the window has been closed for a while.
	LastInbound time.Time
	// ConversationStart is the start of the customer's business-initiated
	// conversation open at the moment, zero if none.
	ConversationStart time.Time
	// Used counts conversations started in (now-Day, now]; Oldest is the
	// earliest of them, zero if none.
	Used   int
	Oldest time.Time
}

// Kind says what a business message to a customer would be.
type Kind string

// The kinds of a business message.
const (
	// KindServiceWindow: the customer wrote within 24 hours; free-form
	// messages are allowed and nothing counts against the limit.
	KindServiceWindow Kind = "service_window"
	// KindOpenConversation: a business-initiated conversation with this
	// customer is open; a template adds nothing to the count, but
	// free-form messages still need the customer's window.
	KindOpenConversation Kind = "open_conversation"
	// KindNewConversation: a template starts a new business-initiated
	// conversation and counts against the limit.
	KindNewConversation Kind = "new_conversation"
	// KindLimitReached: a new conversation is needed and the limit is used
	// up until a slot frees.
	KindLimitReached Kind = "limit_reached"
)

// ms is the stores' time resolution. Webhook timestamps are whole seconds,
// so nothing real is lost.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS turns a stored millisecond time back; 0 stays the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// maxLinkHops bounds how many links a store follows from an id to the
// customer it names: ids change rarely, and a bound keeps a mistaken cycle
// from looping.
const maxLinkHops = 8
