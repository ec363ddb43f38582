package wabsp

import "strings"

// Customer is a WhatsApp user as a webhook delivery names them. Since April
// 2026 Meta identifies users by a business-scoped user id (BSUID) besides
// their phone number, and a user who sets a username may be known by the
// BSUID alone: wa_id and from are then omitted. A Customer holds whatever
// the delivery carried; any of its fields may be empty.
// See developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/.
type Customer struct {
	// WaID is the user's phone number as WhatsApp writes it (digits only).
	WaID string `json:"wa_id,omitempty"`
	// UserID is the BSUID: a country code, a dot and up to 128 letters
	// and digits, such as "US.13491208655302741918". It is scoped to the
	// business portfolio and changes when the user changes number.
	UserID string `json:"user_id,omitempty"`
	// ParentUserID is the parent BSUID shared by the portfolios of a
	// managed business ("US.ENT.…"), if any.
	ParentUserID string `json:"parent_user_id,omitempty"`
	// Username is the user's WhatsApp username, if they set one.
	Username string `json:"username,omitempty"`
}

// IsZero reports whether the delivery named the customer by no id at all.
func (c Customer) IsZero() bool { return c.WaID == "" && c.UserID == "" }

// ID returns the id to address the customer by: the BSUID when known (it
// survives a username hiding the phone number), else the phone number.
func (c Customer) ID() string {
	if c.UserID != "" {
		return c.UserID
	}
	return c.WaID
}

// Is reports whether c and o share a phone number or a BSUID.
func (c Customer) Is(o Customer) bool {
	return (c.WaID != "" && c.WaID == o.WaID) || (c.UserID != "" && c.UserID == o.UserID)
}

// conflicts reports whether c and o carry different values of the same id,
// so that they cannot be one user.
func (c Customer) conflicts(o Customer) bool {
	return (c.WaID != "" && o.WaID != "" && c.WaID != o.WaID) ||
		(c.UserID != "" && o.UserID != "" && c.UserID != o.UserID)
}

// IsBSUID reports whether id has the shape of a business-scoped user id
// rather than a phone number: WhatsApp phone numbers are digits only, while
// a BSUID always has a dot after its country code.
func IsBSUID(id string) bool { return strings.IndexByte(id, '.') > 0 }

// customer is who sent the message, from the message and its contact.
func (m *Message) customer(c *WebhookContact) Customer {
	return Customer{WaID: m.From, UserID: m.FromUserID, ParentUserID: m.FromParentUserID}.completedBy(c)
}

// completedBy fills the ids c lacks from a contacts entry, and takes its
// username.
func (c Customer) completedBy(contact *WebhookContact) Customer {
	if contact == nil {
		return c
	}
	if c.WaID == "" {
		c.WaID = contact.WaID
	}
	if c.UserID == "" {
		c.UserID = contact.UserID
	}
	if c.ParentUserID == "" {
		c.ParentUserID = contact.ParentUserID
	}
	c.Username = contact.Profile.Username
	return c
}

// contact is the customer a contacts entry names.
func (c *WebhookContact) contact() Customer {
	return Customer{WaID: c.WaID, UserID: c.UserID, ParentUserID: c.ParentUserID, Username: c.Profile.Username}
}

// Customer is the recipient of the message the status is about, as the
// status alone names them (StatusUpdate.Customer adds the contacts entry).
func (s *Status) Customer() Customer {
	return Customer{WaID: s.RecipientID, UserID: s.RecipientUserID, ParentUserID: s.RecipientParentUserID}
}
