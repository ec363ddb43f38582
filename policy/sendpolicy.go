package policy

import (
	"context"
	"time"

	"github.com/wabsp/wabsp"
)

// ConversationReleaser is implemented by stores that can undo a
// reservation: the conversation Reserve counted for a message the provider
// then refused. MemoryStore implements it; a store that does not leaves
// the reservation counted for 24 hours, which errs on the safe side.
type ConversationReleaser interface {
	// ReleaseConversation forgets the customer's conversation if it is the
	// one that started at start; any other is left alone.
	ReleaseConversation(ctx context.Context, phoneNumberID, customerWAID string, start time.Time) error
}

// SendPolicy adapts a Tracker to wabsp.SendPolicy, for a
// wabsp.MessageSender, and to wabsp.MessageObserver, for a
// wabsp.PlivoCallbackHandler: inbound messages open the window, statuses
// correct the count. It is the one place that translates between the
// tracker's answers and the SDK's.
type SendPolicy struct {
	t *Tracker
}

var (
	_ wabsp.SendPolicy      = (*SendPolicy)(nil)
	_ wabsp.MessageObserver = (*SendPolicy)(nil)
)

// SendPolicyFor returns the adapter for t.
func SendPolicyFor(t *Tracker) *SendPolicy { return &SendPolicy{t: t} }

// Window implements wabsp.SendPolicy.
func (p *SendPolicy) Window(ctx context.Context, phoneNumberID, customerWAID string) (wabsp.SendWindow, error) {
	w, err := p.t.Window(ctx, phoneNumberID, customerWAID)
	if err != nil {
		return wabsp.SendWindow{}, err
	}
	return wabsp.SendWindow{Open: w.Open, Until: w.Until}, nil
}

// Reserve implements wabsp.SendPolicy with Tracker.Reserve.
func (p *SendPolicy) Reserve(ctx context.Context, phoneNumberID, customerWAID string) (wabsp.SendReservation, error) {
	d, err := p.t.Reserve(ctx, phoneNumberID, customerWAID)
	if err != nil {
		return wabsp.SendReservation{}, err
	}
	r := wabsp.SendReservation{Kind: wabsp.ReservationKind(d.Kind), Used: d.Limit.Used, Max: d.Limit.Max,
		Unlimited: d.Limit.Unlimited, NextSlotAt: d.Limit.NextSlotAt}
	if d.Kind == KindNewConversation && !d.ConversationUntil.IsZero() {
		r.Start = d.ConversationUntil.Add(-Day)
	}
	return r, nil
}

// Release implements wabsp.SendPolicy: it forgets the conversation a
// reservation counted, when the store can.
func (p *SendPolicy) Release(ctx context.Context, phoneNumberID, customerWAID string, r wabsp.SendReservation) error {
	rel, ok := p.t.store.(ConversationReleaser)
	if !ok || r.Kind != wabsp.ReservationNewConversation || r.Start.IsZero() {
		return nil
	}
	return rel.ReleaseConversation(ctx, phoneNumberID, customerWAID, r.Start)
}

// ObserveInbound implements wabsp.MessageObserver: the customer's message
// opens the window now (Plivo's inbound callback carries no send time).
func (p *SendPolicy) ObserveInbound(ctx context.Context, phoneNumberID, customerWAID string, _ wabsp.PlivoInboundCallback) error {
	return p.t.ObserveInbound(ctx, InboundMessage{PhoneNumberID: phoneNumberID, CustomerWAID: customerWAID})
}

// ObserveStatus implements wabsp.MessageObserver with Tracker.ObserveStatus;
// an undelivered WhatsApp message is a failed one.
func (p *SendPolicy) ObserveStatus(ctx context.Context, phoneNumberID, customerWAID string, s wabsp.PlivoStatusCallback) error {
	status := string(s.Status)
	if s.Status == wabsp.MessageUndelivered {
		status = "failed"
	}
	return p.t.ObserveStatus(ctx, StatusUpdate{PhoneNumberID: phoneNumberID, CustomerWAID: customerWAID, Status: status,
		ConversationOrigin: s.ConversationOrigin, ConversationExpiresAt: s.ConversationExpiresAt})
}
