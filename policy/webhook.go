package policy

import (
	"context"
	"errors"

	"github.com/wabsp/wabsp"
)

// A MemoryStore deduplicates webhook deliveries for wabsp.WebhookHandler.
var _ wabsp.Deduplicator = (*MemoryStore)(nil)

// PhoneNumberResolver finds the phone number id of a display phone number
// in a WABA. phone_number_quality_update names the number by its display
// form only; wabsp.Client.ListPhoneNumbers gives the mapping.
type PhoneNumberResolver func(ctx context.Context, wabaID, displayPhoneNumber string) (phoneNumberID string, err error)

// ObserveWebhook feeds a decoded delivery to the tracker: inbound messages
// open or extend windows, statuses correct the conversation count, and
// phone_number_quality_update changes the tier (only when resolve is not
// nil). Every event is tried; the errors are joined.
func (t *Tracker) ObserveWebhook(ctx context.Context, w *wabsp.Webhook, resolve PhoneNumberResolver) error {
	var errs []error
	for m := range w.Messages() {
		errs = append(errs, t.ObserveInbound(ctx, InboundMessage{
			PhoneNumberID: m.PhoneNumberID, CustomerWAID: m.Message.From, At: m.Message.Timestamp,
		}))
	}
	for s := range w.Statuses() {
		u := StatusUpdate{
			PhoneNumberID: s.PhoneNumberID, CustomerWAID: s.Status.RecipientID, At: s.Status.Timestamp,
			Status: string(s.Status.Status),
		}
		if c := s.Status.Conversation; c != nil {
			u.ConversationOrigin, u.ConversationExpiresAt = c.Origin.Type, c.ExpirationTimestamp
		}
		if p := s.Status.Pricing; p != nil {
			u.PricingCategory = p.Category
		}
		errs = append(errs, t.ObserveStatus(ctx, u))
	}
	if resolve == nil {
		return errors.Join(errs...)
	}
	for _, e := range w.Entries {
		for _, c := range e.Changes {
			q := c.PhoneNumberQuality
			if q == nil || q.CurrentLimit == "" {
				continue
			}
			id, err := resolve(ctx, e.ID, q.DisplayPhoneNumber)
			if err == nil {
				err = t.ObserveTierChange(ctx, TierChange{PhoneNumberID: id, Tier: ParseTier(q.CurrentLimit)})
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
