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
	// Customer is the sender as the delivery names them: phone number,
	// BSUID, parent BSUID and username, from the message and its contact.
	Customer Customer `json:"customer"`
	// Contact is the sender's profile where Meta sent one, or nil.
	Contact *WebhookContact `json:"contact,omitempty"`
	Message *Message        `json:"message"`
}

// StatusUpdate is one status of an outbound message with the business
// phone number it was sent from.
type StatusUpdate struct {
	WABAID        string `json:"waba_id"`
	PhoneNumberID string `json:"phone_number_id"`
	// Customer is the recipient as the delivery names them: phone number,
	// BSUID and parent BSUID from the status, completed by its contacts
	// entry (Meta adds one, with the username, to sent, delivered and read
	// statuses since the BSUID rollout; never to failed ones).
	Customer Customer `json:"customer"`
	// Contact is the recipient's contacts entry where Meta sent one, or nil.
	Contact *WebhookContact `json:"contact,omitempty"`
	Status  *Status         `json:"status"`
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
					if !yield(v.inbound(e.ID, &v.Messages[k])) {
						return
					}
				}
			}
		}
	}
}

// inbound is the InboundMessage of one of the change's messages: the
// iterator and the webhook handler build it the same way.
func (v *MessagesValue) inbound(wabaID string, m *Message) InboundMessage {
	c := v.contactFor(m)
	return InboundMessage{WABAID: wabaID, PhoneNumberID: v.Metadata.PhoneNumberID,
		DisplayPhoneNumber: v.Metadata.DisplayPhoneNumber, Customer: m.customer(c), Contact: c, Message: m}
}

// statusUpdate is the StatusUpdate of one of the change's statuses.
func (v *MessagesValue) statusUpdate(wabaID string, s *Status) StatusUpdate {
	c := v.contactOf(s.Customer())
	return StatusUpdate{WABAID: wabaID, PhoneNumberID: v.Metadata.PhoneNumberID,
		Customer: s.Customer().completedBy(c), Contact: c, Status: s}
}

// contactFor finds the sender's profile: Meta lists contacts apart from
// messages, to be matched by phone number (from and wa_id) or by BSUID
// (from_user_id and user_id). Two empty ids never match: with usernames,
// several contacts of one change may have no wa_id. A lone contact is the
// sender when nothing contradicts it (older payloads name it loosely).
func (v *MessagesValue) contactFor(m *Message) *WebhookContact {
	return v.contactOf(Customer{WaID: m.From, UserID: m.FromUserID})
}

// contactOf finds the contacts entry of a customer by the rules of
// contactFor.
func (v *MessagesValue) contactOf(sender Customer) *WebhookContact {
	for i := range v.Contacts {
		c := &v.Contacts[i]
		if sender.Is(c.contact()) && !sender.conflicts(c.contact()) {
			return c
		}
	}
	if len(v.Contacts) == 1 && !sender.conflicts(v.Contacts[0].contact()) {
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
					if !yield(v.statusUpdate(e.ID, &v.Statuses[k])) {
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
