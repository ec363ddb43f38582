package policy

import (
	"context"
	"time"

	"github.com/wabsp/wabsp"
)

// Day is the length of the customer service window and the span of the
// moving count of the messaging limit.
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
// writes the same window and count.
//
// Windows belong to a business phone number; the messaging limit and its
// count belong to the number's business portfolio, shared by all its
// numbers (Meta's rule since 2025-10-07). SetPortfolio says which portfolio
// a number (or a WABA) belongs to; a number whose portfolio is unknown
// counts on its own, under its own id, as every number did before.
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
	// SetPortfolio records that id, a phone number id or a WABA id,
	// belongs to the business portfolio portfolioID. What the id counted
	// on its own joins the portfolio's count (each customer once, at the
	// later time; the higher tier); a portfolio it belonged to before
	// keeps its count.
	SetPortfolio(ctx context.Context, id, portfolioID string) error
	// Portfolio returns the portfolio id belongs to, "" when unknown.
	Portfolio(ctx context.Context, id string) (string, error)
	// SetTier records the tier and limit (Unlimited for none) of the
	// portfolio of id: a phone number, WABA or portfolio id.
	SetTier(ctx context.Context, id string, tier Tier, limit int) error
	// StartConversation classifies a business send and counts it against
	// the portfolio's messaging limit when it counts; see StartRequest.
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

// StartRequest asks a store to classify a business send at At and count it
// against the messaging limit if it counts. Meta's limit is the number of
// unique customers a business portfolio delivers messages to outside a
// customer service window in a moving 24 hours:
//   - inside the customer's service window on this phone number (At before
//     the last inbound message plus Day): KindServiceWindow, nothing
//     counted;
//   - to a customer the portfolio already counts (a counted send in
//     (At-Day, At]): KindOpenConversation; the customer stays counted
//     until a day after the later of the two sends, adding nobody;
//   - otherwise the customer is counted from At (KindNewConversation),
//     unless Enforce is set and the portfolio's limit is already used up
//     (KindLimitReached, nothing counted).
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
	// DefaultLimit applies when no tier was recorded for the portfolio.
	DefaultLimit int
}

// StartResult is a store's answer to StartConversation: the kind of the
// send, and the state at At after the call.
type StartResult struct {
	Kind Kind
	Snapshot
}

// Snapshot is what a store knows about a phone number, its portfolio's
// count, and optionally one customer, at a moment.
type Snapshot struct {
	// Portfolio is the business portfolio the phone number counts in: its
	// id, or the phone number's own id when the portfolio is unknown.
	Portfolio string
	// Tier and Limit were recorded by SetTier; TierKnown is false if never
	// (the limit applied is then the caller's default).
	Tier      Tier
	Limit     int
	TierKnown bool
	// LastInbound is the customer's last message to this phone number,
	// zero if none is known; a store may forget it once the window has
	// been closed for a while.
	LastInbound time.Time
	// ConversationStart is the latest send that counts the customer
	// against the portfolio's limit, within the last Day; zero if none.
	ConversationStart time.Time
	// Used counts the unique customers counted in (now-Day, now]; Oldest
	// is the earliest of their latest counted sends, zero if none.
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
	// KindOpenConversation: the customer is already counted against the
	// portfolio's limit in the moving 24 hours; a template adds nothing to
	// the count, but free-form messages still need the customer's window.
	KindOpenConversation Kind = "open_conversation"
	// KindNewConversation: a template to a customer outside their window
	// counts one more unique customer against the limit.
	KindNewConversation Kind = "new_conversation"
	// KindLimitReached: the customer would count one more and the
	// portfolio's limit is used up until a slot frees.
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
