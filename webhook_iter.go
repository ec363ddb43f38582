package wabsp

import "iter"

// InboundMessage is one inbound message with what identifies where it
// arrived: the business phone number, its WABA and the sending customer.
type InboundMessage struct {
	// WABAID is the entry's id: the WhatsApp Business Account.
	WABAID string `json:"waba_id"`
	// PhoneNumberID is the business phone number the message was sent to.
	PhoneNumberID      string `json:"phone_number_id"`
	DisplayPhoneNumber string `json:"display_phone_number,omitempty"`
	// Contact is the sender's profile where Meta sent one, or nil.
	Contact *WebhookContact `json:"contact,omitempty"`
	Message *Message        `json:"message"`
}

// StatusUpdate is one status of an outbound message with the business
// phone number it was sent from.
type StatusUpdate struct {
	WABAID        string  `json:"waba_id"`
	PhoneNumberID string  `json:"phone_number_id"`
	Status        *Status `json:"status"`
}

// Messages iterates over every inbound message of the delivery, in order.
func (w *Webhook) Messages() iter.Seq[InboundMessage] {
	return func(yield func(InboundMessage) bool) {
		for i := range w.Entries {
			e := &w.Entries[i]
			for j := range e.Changes {
				v := e.Changes[j].Messages
				if v == nil {
					continue
				}
				for k := range v.Messages {
					m := &v.Messages[k]
					if !yield(InboundMessage{WABAID: e.ID, PhoneNumberID: v.Metadata.PhoneNumberID,
						DisplayPhoneNumber: v.Metadata.DisplayPhoneNumber, Contact: v.contactFor(m), Message: m}) {
						return
					}
				}
			}
		}
	}
}

// contactFor finds the sender's profile: Meta lists contacts apart from
// messages, matched by wa_id (one contact per change in practice).
func (v *MessagesValue) contactFor(m *Message) *WebhookContact {
	for i := range v.Contacts {
		c := &v.Contacts[i]
		if c.WaID == m.From || (c.WaID == "" && c.UserID != "" && c.UserID == m.From) {
			return c
		}
	}
	if len(v.Contacts) == 1 {
		return &v.Contacts[0]
	}
	return nil
}

// Statuses iterates over every status of the delivery, in order.
func (w *Webhook) Statuses() iter.Seq[StatusUpdate] {
	return func(yield func(StatusUpdate) bool) {
		for i := range w.Entries {
			e := &w.Entries[i]
			for j := range e.Changes {
				v := e.Changes[j].Messages
				if v == nil {
					continue
				}
				for k := range v.Statuses {
					if !yield(StatusUpdate{WABAID: e.ID, PhoneNumberID: v.Metadata.PhoneNumberID, Status: &v.Statuses[k]}) {
						return
					}
				}
			}
		}
	}
}

// Onboardings returns the PARTNER_ADDED events of the delivery: each is a
// customer who finished Embedded Signup and shared a WABA with the app.
func (w *Webhook) Onboardings() []OnboardingEvent {
	var out []OnboardingEvent
	for i := range w.Entries {
		e := &w.Entries[i]
		for j := range e.Changes {
			if ev, ok := e.Changes[j].Onboarding(); ok {
				if ev.Time.IsZero() {
					ev.Time = e.Time
				}
				out = append(out, ev)
			}
		}
	}
	return out
}

// Onboarding returns the onboarding event of a PARTNER_ADDED account_update
// change, and false for any other change.
func (c *WebhookChange) Onboarding() (OnboardingEvent, bool) {
	u := c.AccountUpdate
	if u == nil || u.Event != AccountEventPartnerAdded || u.WABAInfo == nil {
		return OnboardingEvent{}, false
	}
	return OnboardingEvent{
		WABAID:          u.WABAInfo.WABAID,
		OwnerBusinessID: u.WABAInfo.OwnerBusinessID,
		PartnerAppID:    u.WABAInfo.PartnerAppID,
		SolutionID:      u.WABAInfo.SolutionID,
	}, true
}
