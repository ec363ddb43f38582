package policy

import (
	"context"
	"time"
)

// Window is the answer to "may this phone number send a free-form message
// to this customer now, and until when".
type Window struct {
	// Open is true while free-form messages are allowed: before Until.
	Open bool
	// Until is the customer's last message plus 24 hours; zero when no
	// message from the customer is known.
	Until time.Time
	// LastInbound is the customer's last message, zero if none is known.
	LastInbound time.Time
}

// Limit is the answer to "how many more unique customers may this phone
// number's business portfolio message outside their service window in the
// moving 24 hours". Every number of the portfolio draws on the same count.
type Limit struct {
	// Portfolio is the business portfolio counted: its id, or the phone
	// number's own id while its portfolio is unknown (see
	// Tracker.SetPortfolio).
	Portfolio string
	// Tier is the phone number's tier, or the tracker's default when
	// TierKnown is false.
	Tier      Tier
	TierKnown bool
	// Unlimited is true for TierUnlimited; Max and Remaining are then 0.
	Unlimited bool
	Max       int
	// Used counts the unique customers messaged outside their window in
	// the last 24 hours, by any number of the portfolio.
	Used      int
	Remaining int
	// NextSlotAt is when the customer counted longest ago leaves the
	// moving 24 hours, freeing a slot; zero when none is counted.
	NextSlotAt time.Time
}

// Decision is the answer to "what would a business message to this customer
// be now": free-form allowed, inside an open business-initiated
// conversation, a new one, or one beyond the limit.
type Decision struct {
	Kind Kind
	// FreeForm is true when a free-form message is allowed (Kind is
	// KindServiceWindow); otherwise only a template may be sent.
	FreeForm bool
	// WindowUntil is when the customer service window closes (or closed);
	// zero when no message from the customer is known.
	WindowUntil time.Time
	// ConversationUntil is when the customer stops counting against the
	// portfolio's limit (a day after the latest send that counted them);
	// zero when they do not count.
	ConversationUntil time.Time
	// Limit is the portfolio's usage, after the call for Reserve and
	// ObserveSent.
	Limit Limit
}

// Window answers whether phoneNumberID may send a free-form message to
// customerID, a phone number or a BSUID, now. The window is open for 24
// hours after the customer's last message: at 23:59:59.999 it is open, at
// 24:00:00 it is closed.
func (t *Tracker) Window(ctx context.Context, phoneNumberID, customerID string) (Window, error) {
	if err := checkIDs("Window", phoneNumberID, customerID, true); err != nil {
		return Window{}, err
	}
	now := t.now()
	snap, err := t.store.Snapshot(ctx, phoneNumberID, customerID, now)
	if err != nil {
		return Window{}, err
	}
	return window(now, snap.LastInbound), nil
}

// Limit answers how many more unique customers the business portfolio of
// phoneNumberID may message outside their service window in the moving 24
// hours, all its numbers together.
func (t *Tracker) Limit(ctx context.Context, phoneNumberID string) (Limit, error) {
	if err := checkIDs("Limit", phoneNumberID, "", false); err != nil {
		return Limit{}, err
	}
	snap, err := t.store.Snapshot(ctx, phoneNumberID, "", t.now())
	if err != nil {
		return Limit{}, err
	}
	return t.limit(snap), nil
}

// Classify answers what a business message from phoneNumberID to
// customerID would be now, without recording anything. Between Classify
// and a send another sender sharing the store may take the last slot: use
// Reserve to decide and count at once.
func (t *Tracker) Classify(ctx context.Context, phoneNumberID, customerID string) (Decision, error) {
	if err := checkIDs("Classify", phoneNumberID, customerID, true); err != nil {
		return Decision{}, err
	}
	now := t.now()
	snap, err := t.store.Snapshot(ctx, phoneNumberID, customerID, now)
	if err != nil {
		return Decision{}, err
	}
	return t.decide(now, snap), nil
}

func window(now, last time.Time) Window {
	if last.IsZero() {
		return Window{}
	}
	until := last.Add(Day)
	return Window{Open: now.Before(until), Until: until, LastInbound: last}
}

func (t *Tracker) limit(snap Snapshot) Limit {
	l := Limit{Portfolio: snap.Portfolio, Tier: t.defaultTier, Max: t.defaultLim, Used: snap.Used}
	if snap.TierKnown {
		l.Tier, l.TierKnown, l.Max = snap.Tier, true, snap.Limit
	}
	if !snap.Oldest.IsZero() {
		l.NextSlotAt = snap.Oldest.Add(Day)
	}
	if l.Max < 0 {
		l.Unlimited, l.Max = true, 0
		return l
	}
	l.Remaining = max(l.Max-l.Used, 0)
	return l
}

// decide classifies from a snapshot taken at now.
func (t *Tracker) decide(now time.Time, snap Snapshot) Decision {
	w := window(now, snap.LastInbound)
	d := Decision{FreeForm: w.Open, WindowUntil: w.Until, Limit: t.limit(snap)}
	if !snap.ConversationStart.IsZero() {
		d.ConversationUntil = snap.ConversationStart.Add(Day)
	}
	switch {
	case w.Open:
		d.Kind = KindServiceWindow
	case !d.ConversationUntil.IsZero():
		d.Kind = KindOpenConversation
	case d.Limit.Unlimited || d.Limit.Remaining > 0:
		d.Kind = KindNewConversation
	default:
		d.Kind = KindLimitReached
	}
	return d
}

// fromStart turns a store's StartConversation answer into a Decision.
func (t *Tracker) fromStart(at time.Time, res StartResult) Decision {
	d := t.decide(at, res.Snapshot)
	d.Kind = res.Kind
	return d
}
