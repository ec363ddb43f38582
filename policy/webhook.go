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

// ObserveWebhook feeds a decoded delivery to the tracker:
//   - account_update PARTNER_ADDED maps the WABA to its owner business
//     portfolio, and a messages change maps its phone number to the
//     portfolio of its entry's WABA when that is known;
//   - inbound messages open or extend windows (keyed by the sender's BSUID
//     when the delivery carries one, linked to their phone number when it
//     carries both), and system messages user_changed_user_id and
//     user_changed_number move a customer's state to the new id;
//   - statuses correct the count of customers messaged outside their
//     window;
//   - business_capability_update sets the tier of the entry's WABA's
//     portfolio, and phone_number_quality_update the tier of the number's
//     (only when resolve is not nil).
//
// Every event is tried; the errors are joined.
func (t *Tracker) ObserveWebhook(ctx context.Context, w *wabsp.Webhook, resolve PhoneNumberResolver) error {
	var errs []error
	for _, ev := range w.Onboardings() {
		if ev.OwnerBusinessID != "" && ev.WABAID != "" {
			errs = append(errs, t.SetPortfolio(ctx, ev.WABAID, ev.OwnerBusinessID))
		}
	}
	for _, e := range w.Entries {
		for _, c := range e.Changes {
			if c.Messages != nil {
				errs = append(errs, t.learnPortfolio(ctx, c.Messages.Metadata.PhoneNumberID, e.ID))
			}
			if c.BusinessCapability != nil {
				if tier, ok := c.BusinessCapability.MessagingLimit(); ok && e.ID != "" {
					errs = append(errs, t.ObserveTierChange(ctx, TierChange{PortfolioID: e.ID, Tier: Tier(tier)}))
				}
			}
		}
	}
	for m := range w.Messages() {
		if m.Message.Type == wabsp.MessageTypeSystem {
			// A system message is WhatsApp's notice, not the customer
			// writing: it opens no window.
			if c, ok := idChange(m); ok {
				errs = append(errs, t.ObserveIDChange(ctx, c))
			}
			continue
		}
		errs = append(errs, t.ObserveInbound(ctx, InboundMessage{
			PhoneNumberID: m.PhoneNumberID, CustomerWAID: m.Customer.WaID, CustomerUserID: m.Customer.UserID,
			At: m.Message.Timestamp,
		}))
	}
	for s := range w.Statuses() {
		u := StatusUpdate{
			PhoneNumberID: s.PhoneNumberID, CustomerWAID: s.Customer.WaID, CustomerUserID: s.Customer.UserID,
			At: s.Status.Timestamp, Status: string(s.Status.Status),
		}
		if c := s.Status.Conversation; c != nil {
			u.ConversationOrigin, u.ConversationExpiresAt = c.Origin.Type, c.ExpirationTimestamp
		}
		if p := s.Status.Pricing; p != nil {
			u.PricingCategory, u.PricingType = string(p.Category), string(p.Type)
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

// idChange reads a system message that gives a customer a new id. The new
// BSUID is system.user_id where Meta sends it, else the message's
// from_user_id; the new number is new_wa_id or, in older payloads, wa_id.
func idChange(m wabsp.InboundMessage) (IDChange, bool) {
	sys := m.Message.System
	if sys == nil {
		return IDChange{}, false
	}
	c := IDChange{PhoneNumberID: m.PhoneNumberID}
	switch sys.Type {
	case wabsp.SystemUserChangedUserID:
		c.From, c.To = sys.PreviousUserID, sys.UserID
		if c.To == "" {
			c.To = m.Message.FromUserID
		}
	case wabsp.SystemUserChangedNumber:
		c.From, c.To = m.Message.From, sys.NewWaID
		if c.To == "" {
			c.To = sys.WaID
		}
	}
	return c, c.From != "" && c.To != "" && c.From != c.To
}
