package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/wabsp/wabsp"
)

// ErrInvalidInput is matched by errors.Is for every refusal of bad input:
// an empty phone number id or customer id. Nothing was read or recorded.
var ErrInvalidInput = errors.New("policy: invalid input")

// Tracker answers the two questions WhatsApp's messaging policy asks before
// every business message: may this phone number send a free-form message to
// this customer now (the 24-hour customer service window), and may its
// business portfolio message one more customer outside their window (the
// messaging limit: unique customers over a moving 24 hours, shared by the
// portfolio's numbers). It is fed by webhook events (Observe*) and by the
// integrator's own sends; its state lives in a Store, so trackers sharing a
// store share one view. A Tracker is safe for concurrent use.
type Tracker struct {
	store       Store
	now         func() time.Time
	defaultTier Tier
	defaultLim  int

	// learned remembers the phone numbers whose portfolio ObserveWebhook
	// looked up: true once known, else when to look again.
	mu      sync.Mutex
	learned map[string]learnedPortfolio
	// linked remembers the phone-number-to-BSUID links this tracker
	// recorded, so that the deliveries of a customer, which all carry both
	// ids, cost the store one link: phone number id + "\x00" + wa_id ->
	// BSUID. Cleared when it reaches maxLinked.
	linked map[string]string
}

// maxLinked bounds Tracker.linked: a few MB at most.
const maxLinked = 1 << 16

type learnedPortfolio struct {
	known bool
	retry time.Time
}

// Option configures a Tracker.
type Option func(*Tracker) error

// WithStore sets where the state lives (default: a new MemoryStore).
func WithStore(s Store) Option {
	return func(t *Tracker) error {
		if s == nil {
			return fmt.Errorf("%w: WithStore: store is nil", ErrInvalidInput)
		}
		t.store = s
		return nil
	}
}

// WithClock sets the clock questions are answered at (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(t *Tracker) error {
		if now == nil {
			return fmt.Errorf("%w: WithClock: clock is nil", ErrInvalidInput)
		}
		t.now = now
		return nil
	}
}

// WithDefaultTier sets the tier assumed for a portfolio whose tier was
// never observed. The default is Tier250, where Meta starts every new
// business portfolio, verified or not: assuming less than the truth only
// delays sends, assuming more costs quality rating.
func WithDefaultTier(tier Tier) Option {
	return func(t *Tracker) error {
		if _, ok := tier.Limit(); !ok {
			return fmt.Errorf("%w: WithDefaultTier: %q names no limit", ErrInvalidInput, tier)
		}
		t.defaultTier = tier
		return nil
	}
}

// NewTracker returns a Tracker; with no options it keeps its state in memory
// and reads time.Now.
func NewTracker(opts ...Option) (*Tracker, error) {
	t := &Tracker{now: time.Now, defaultTier: Tier250, learned: make(map[string]learnedPortfolio), linked: make(map[string]string)}
	for _, o := range opts {
		if err := o(t); err != nil {
			return nil, err
		}
	}
	if t.store == nil {
		t.store = NewMemoryStore(WithMemoryClock(t.now))
	}
	t.defaultLim, _ = t.defaultTier.Limit()
	return t, nil
}

// Store returns the tracker's store, for instance to deduplicate webhook
// deliveries with it (every Store is a wabsp.Deduplicator).
func (t *Tracker) Store() Store { return t.store }

// ObserveInbound records a customer's message: the service window with that
// customer is open until At plus 24 hours, whether the business replies to
// the customer's phone number or to their BSUID. A message that carries
// both ids links them (see ObserveIDChange); one that carries only the
// BSUID is found by phone number once any event has shown the two together.
func (t *Tracker) ObserveInbound(ctx context.Context, m InboundMessage) error {
	id, err := t.customer(ctx, "ObserveInbound", m.PhoneNumberID, m.CustomerWAID, m.CustomerUserID)
	if err != nil {
		return err
	}
	return t.store.RecordInbound(ctx, m.PhoneNumberID, id, t.at(m.At))
}

// ObserveIDChange moves a customer's window and conversation from one id to
// another and makes the old id read the new one from now on.
func (t *Tracker) ObserveIDChange(ctx context.Context, c IDChange) error {
	if err := checkIDs("ObserveIDChange", c.PhoneNumberID, c.From, true); err != nil {
		return err
	}
	if strings.TrimSpace(c.To) == "" {
		return fmt.Errorf("%w: ObserveIDChange: the new id is required", ErrInvalidInput)
	}
	return t.store.LinkCustomer(ctx, c.PhoneNumberID, c.From, c.To)
}

// customer checks that a customer has an id and returns the one to key it
// by: the BSUID when known, since it survives a username hiding the phone
// number. With both ids the phone number is linked to the BSUID first.
func (t *Tracker) customer(ctx context.Context, op, phoneNumberID, waID, userID string) (string, error) {
	if err := checkIDs(op, phoneNumberID, waID+userID, true); err != nil {
		return "", err
	}
	if userID == "" {
		return waID, nil
	}
	if waID == "" {
		return userID, nil
	}
	key := phoneNumberID + "\x00" + waID
	t.mu.Lock()
	done := t.linked[key] == userID
	t.mu.Unlock()
	if done {
		return userID, nil
	}
	if err := t.store.LinkCustomer(ctx, phoneNumberID, waID, userID); err != nil {
		return "", err
	}
	t.mu.Lock()
	if len(t.linked) >= maxLinked {
		clear(t.linked)
	}
	t.linked[key] = userID
	t.mu.Unlock()
	return userID, nil
}

// ObserveSent records a message the integrator sent and says what it was. A
// template outside the customer's window counts the customer against the
// portfolio's limit (once in a moving 24 hours), even beyond the limit: the
// send happened. A free-form message records nothing.
func (t *Tracker) ObserveSent(ctx context.Context, s Sent) (Decision, error) {
	if err := checkIDs("ObserveSent", s.PhoneNumberID, s.CustomerWAID, true); err != nil {
		return Decision{}, err
	}
	at := t.at(s.At)
	if !s.Template {
		snap, err := t.store.Snapshot(ctx, s.PhoneNumberID, s.CustomerWAID, at)
		if err != nil {
			return Decision{}, err
		}
		return t.decide(at, snap), nil
	}
	res, err := t.store.StartConversation(ctx, StartRequest{
		PhoneNumberID: s.PhoneNumberID, CustomerID: s.CustomerWAID, At: at, DefaultLimit: t.defaultLim,
	})
	if err != nil {
		return Decision{}, err
	}
	return t.fromStart(at, res), nil
}

// Reserve is the atomic form of "classify, then send a template": if a
// template to the customer now would count one more customer against the
// portfolio's limit and the limit allows one, the customer is counted at
// once so that no other sender sharing the store takes the same slot. It answers
// KindLimitReached, recording nothing, when the limit is used up. Call it
// just before sending a template; ObserveSent for the same send afterwards
// counts nothing twice. A reservation whose send then fails stays counted
// for 24 hours, which errs on the safe side.
func (t *Tracker) Reserve(ctx context.Context, phoneNumberID, customerID string) (Decision, error) {
	if err := checkIDs("Reserve", phoneNumberID, customerID, true); err != nil {
		return Decision{}, err
	}
	at := t.now()
	res, err := t.store.StartConversation(ctx, StartRequest{
		PhoneNumberID: phoneNumberID, CustomerID: customerID, At: at, Enforce: true, DefaultLimit: t.defaultLim,
	})
	if err != nil {
		return Decision{}, err
	}
	return t.fromStart(at, res), nil
}

// ObserveStatus lets Meta's view of a sent message correct the count, for
// sends the tracker never saw (another system, Meta's own tools). A status
// whose conversation origin (or, without one, pricing category) is
// business-initiated makes sure the customer is counted; one priced
// free_customer_service or free_entry_point counts nothing, and neither
// does a failed status.
func (t *Tracker) ObserveStatus(ctx context.Context, u StatusUpdate) error {
	id, err := t.customer(ctx, "ObserveStatus", u.PhoneNumberID, u.CustomerWAID, u.CustomerUserID)
	if err != nil {
		return err
	}
	if strings.EqualFold(u.Status, "failed") {
		return nil
	}
	req := StartRequest{PhoneNumberID: u.PhoneNumberID, CustomerID: id, At: t.at(u.At), DefaultLimit: t.defaultLim}
	switch {
	case u.ConversationOrigin != "":
		if !businessInitiated(u.ConversationOrigin) {
			return nil
		}
		req.IgnoreWindow = true // Meta says so; its word beats our window
		if !u.ConversationExpiresAt.IsZero() {
			req.At = u.ConversationExpiresAt.Add(-Day)
		}
	case u.PricingType == "free_customer_service" || u.PricingType == "free_entry_point":
		return nil
	case businessInitiated(u.PricingCategory):
		// Without the origin a category only tells the kind of template;
		// inside the window the template opened nothing.
	default:
		return nil
	}
	_, err = t.store.StartConversation(ctx, req)
	return err
}

// businessInitiated reports whether a conversation origin or pricing
// category is one the messaging limit counts. "service", "user_initiated",
// "referral_conversion" and free entry points are not.
func businessInitiated(category string) bool {
	switch strings.ToLower(category) {
	case "business_initiated", "marketing", "utility", "authentication", "authentication_international",
		"authentication-international", "marketing_lite":
		return true
	}
	return false
}

// ObserveTierChange records a portfolio's new messaging-limit tier. A tier
// whose name gives no limit is kept for display and limited like the
// default tier.
func (t *Tracker) ObserveTierChange(ctx context.Context, c TierChange) error {
	id := c.PhoneNumberID
	if id == "" {
		id = c.PortfolioID
	}
	if err := checkIDs("ObserveTierChange", id, "", false); err != nil {
		return err
	}
	tier := ParseTier(string(c.Tier))
	limit, ok := tier.Limit()
	if !ok {
		limit = t.defaultLim
	}
	return t.store.SetTier(ctx, id, tier, limit)
}

// SetPortfolio records that id, a phone number id or a WABA id, belongs to
// the business portfolio portfolioID (Meta's business id), so that every
// number of the portfolio draws on one messaging limit. What the number
// counted on its own until now joins the portfolio's count.
func (t *Tracker) SetPortfolio(ctx context.Context, id, portfolioID string) error {
	var missing []string
	if strings.TrimSpace(id) == "" {
		missing = append(missing, "a phone number or WABA id is required")
	}
	if strings.TrimSpace(portfolioID) == "" {
		missing = append(missing, "the business portfolio id is required")
	}
	if missing != nil {
		return fmt.Errorf("%w: SetPortfolio: %s", ErrInvalidInput, strings.Join(missing, "; "))
	}
	return t.store.SetPortfolio(ctx, id, portfolioID)
}

// ObserveOnboarding records the portfolio of a customer who finished
// Embedded Signup: the phone number and the WABA belong to the business
// (wabsp.Client.Onboard's result).
func (t *Tracker) ObserveOnboarding(ctx context.Context, r wabsp.OnboardingResult) error {
	var errs []error
	for _, id := range []string{r.PhoneNumberID, r.WABAID} {
		if id != "" {
			errs = append(errs, t.SetPortfolio(ctx, id, r.BusinessID))
		}
	}
	return errors.Join(errs...)
}

// portfolioRecheck is how long ObserveWebhook waits before asking the store
// again for the portfolio of a number it found none for.
const portfolioRecheck = time.Minute

// learnPortfolio maps a phone number to its WABA's portfolio when the
// store knows the WABA's and not the number's (a webhook entry names both).
// Each number is looked up once, or once a minute while unknown.
func (t *Tracker) learnPortfolio(ctx context.Context, phoneNumberID, wabaID string) error {
	if phoneNumberID == "" || wabaID == "" {
		return nil
	}
	now := t.now()
	t.mu.Lock()
	l, seen := t.learned[phoneNumberID]
	t.mu.Unlock()
	if seen && (l.known || now.Before(l.retry)) {
		return nil
	}
	p, err := t.store.Portfolio(ctx, phoneNumberID)
	if err == nil && p == "" {
		if p, err = t.store.Portfolio(ctx, wabaID); err == nil && p != "" {
			err = t.store.SetPortfolio(ctx, phoneNumberID, p)
		}
	}
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.learned[phoneNumberID] = learnedPortfolio{known: p != "", retry: now.Add(portfolioRecheck)}
	t.mu.Unlock()
	return nil
}

// at is an event's time, or now for an event that carries none. A time
// ahead of the clock is taken as now: a bogus future timestamp would
// otherwise hold a window open, and clock skew only shortens a window by
// the skew, which errs on the safe side.
func (t *Tracker) at(v time.Time) time.Time {
	now := t.now()
	if v.IsZero() || v.After(now) {
		return now
	}
	return v
}

// checkIDs reports every missing id at once.
func checkIDs(op, phoneNumberID, customerID string, needCustomer bool) error {
	var missing []string
	if strings.TrimSpace(phoneNumberID) == "" {
		missing = append(missing, "phone_number_id is required")
	}
	if needCustomer && strings.TrimSpace(customerID) == "" {
		missing = append(missing, "wa_id or user_id is required")
	}
	if missing == nil {
		return nil
	}
	return fmt.Errorf("%w: %s: %s", ErrInvalidInput, op, strings.Join(missing, "; "))
}
