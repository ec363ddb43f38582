package wabsp_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// The shapes follow Meta's business-scoped user ids page and its messages,
// status and system webhook references
// (developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/).
const (
	fxBSUID       = "US.13491208655302741918"
	fxParentBSUID = "US.ENT.11815799212886844830"
)

func messagesOf(t *testing.T, name string) []wabsp.InboundMessage {
	t.Helper()
	var out []wabsp.InboundMessage
	for m := range decodeFixture(t, name).Messages() {
		out = append(out, m)
	}
	return out
}

func TestMessagesFromUsernameOnlyUsersGoToTheirOwnContacts(t *testing.T) {
	t.Parallel()
	got := messagesOf(t, "message_username_only.json")
	require.Len(t, got, 2)

	kerry, sam := got[0], got[1]
	assert.Empty(t, kerry.Message.From, "a username-only user has no phone number")
	assert.Equal(t, fxBSUID, kerry.Message.FromUserID)
	assert.Equal(t, fxParentBSUID, kerry.Message.FromParentUserID)
	assert.Equal(t, wabsp.Customer{UserID: fxBSUID, ParentUserID: fxParentBSUID, Username: "@kerry.f"}, kerry.Customer)
	require.NotNil(t, kerry.Contact)
	assert.Equal(t, "Kerry Fisher", kerry.Contact.Profile.Name)

	require.NotNil(t, sam.Contact, "the second sender is matched by BSUID, not by two empty wa_ids")
	assert.Equal(t, "Sam Okafor", sam.Contact.Profile.Name)
	assert.Equal(t, wabsp.Customer{UserID: "US.20937461029384756102", Username: "@sam.o"}, sam.Customer)
	assert.Equal(t, "US.20937461029384756102", sam.Customer.ID())
}

func TestAMessageWithPhoneAndBSUIDCarriesBoth(t *testing.T) {
	t.Parallel()
	got := messagesOf(t, "message_with_bsuid.json")
	require.Len(t, got, 1)
	assert.Equal(t, wabsp.Customer{WaID: fxWaID, UserID: fxBSUID}, got[0].Customer)
	assert.Equal(t, fxBSUID, got[0].Customer.ID(), "the BSUID is the id that survives a username")
	require.NotNil(t, got[0].Contact)
	assert.Equal(t, fxWaID, got[0].Contact.WaID)
	assert.Equal(t, fxBSUID, got[0].Contact.UserID)
}

func TestAPhoneOnlyMessageKeepsItsCustomer(t *testing.T) {
	t.Parallel()
	got := messagesOf(t, "message_text.json")
	require.Len(t, got, 1)
	assert.Equal(t, wabsp.Customer{WaID: fxWaID}, got[0].Customer)
}

func TestAUserIDChangeNamesThePreviousIDs(t *testing.T) {
	t.Parallel()
	got := messagesOf(t, "message_system_user_id.json")
	require.Len(t, got, 1)
	m := got[0]
	assert.Nil(t, m.Contact, "system messages carry no contacts")
	require.NotNil(t, m.Message.System)
	assert.Equal(t, wabsp.SystemMessage{
		Body: "User Kerry Fisher changed their user id", Type: wabsp.SystemUserChangedUserID,
		UserID: "US.55501234987654321098", ParentUserID: "US.ENT.55509876123456789012",
		PreviousUserID: fxBSUID, PreviousParentUserID: fxParentBSUID,
	}, *m.Message.System)
	assert.Equal(t, wabsp.Customer{UserID: "US.55501234987654321098", ParentUserID: "US.ENT.55509876123456789012"}, m.Customer)
}

func TestStatusesNameTheirRecipientByEitherID(t *testing.T) {
	t.Parallel()
	var got []wabsp.StatusUpdate
	for s := range decodeFixture(t, "status_username_only.json").Statuses() {
		got = append(got, s)
	}
	require.Len(t, got, 2)
	assert.Equal(t, wabsp.Customer{UserID: fxBSUID, ParentUserID: fxParentBSUID}, got[0].Customer)
	assert.Equal(t, wabsp.Customer{WaID: fxWaID, UserID: fxBSUID, ParentUserID: fxParentBSUID}, got[1].Customer,
		"parent_recipient_user_id, the spelling Meta used for a while, is read too")
	assert.Empty(t, got[1].Status.Extra)
}

func TestContactMatching(t *testing.T) {
	t.Parallel()
	// Two contacts that share no id with a message are never its sender,
	// and one contact whose phone number differs from the sender's is not
	// either.
	tests := []struct {
		name     string
		contacts []wabsp.WebhookContact
		msg      wabsp.Message
		want     string // the matched contact's profile name, "" for none
	}{
		{"by phone number", []wabsp.WebhookContact{contact("A", "1", ""), contact("B", "2", "")}, wabsp.Message{From: "2"}, "B"},
		{"by BSUID", []wabsp.WebhookContact{contact("A", "", "US.1"), contact("B", "", "US.2")}, wabsp.Message{FromUserID: "US.2"}, "B"},
		{"by BSUID when the message also has a phone number", []wabsp.WebhookContact{contact("A", "", "US.1")}, wabsp.Message{From: "1", FromUserID: "US.1"}, "A"},
		{"no match between two empty ids", []wabsp.WebhookContact{contact("A", "", "US.1"), contact("B", "", "US.2")}, wabsp.Message{}, ""},
		{"a lone contact without contradiction", []wabsp.WebhookContact{contact("A", "", "")}, wabsp.Message{From: "1"}, "A"},
		{"not a lone contact with another phone number", []wabsp.WebhookContact{contact("A", "9", "")}, wabsp.Message{From: "1"}, ""},
		{"not a lone contact with another BSUID", []wabsp.WebhookContact{contact("A", "", "US.9")}, wabsp.Message{FromUserID: "US.1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := &wabsp.Webhook{Entries: []wabsp.WebhookEntry{{Changes: []wabsp.WebhookChange{{
				Field: "messages", Messages: &wabsp.MessagesValue{Contacts: tt.contacts, Messages: []wabsp.Message{tt.msg}},
			}}}}}
			for m := range w.Messages() {
				if tt.want == "" {
					assert.Nil(t, m.Contact)
					continue
				}
				require.NotNil(t, m.Contact)
				assert.Equal(t, tt.want, m.Contact.Profile.Name)
			}
		})
	}
}

func contact(name, waID, userID string) wabsp.WebhookContact {
	c := wabsp.WebhookContact{WaID: waID, UserID: userID}
	c.Profile.Name = name
	return c
}

func TestIsBSUID(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]bool{
		fxBSUID: true, fxParentBSUID: true, fxWaID: false, "": false, ".x": false,
	} {
		assert.Equal(t, want, wabsp.IsBSUID(id), id)
	}
}

// Since the BSUID rollout Meta adds a contacts entry, with the username, to
// sent, delivered and read statuses.
func TestAStatusTakesTheUsernameFromItsContact(t *testing.T) {
	t.Parallel()
	var got []wabsp.StatusUpdate
	for s := range decodeFixture(t, "status_with_contact.json").Statuses() {
		got = append(got, s)
	}
	require.Len(t, got, 1)
	assert.Equal(t, wabsp.Customer{UserID: fxBSUID, ParentUserID: fxParentBSUID, Username: "@kerry.f"}, got[0].Customer)
	require.NotNil(t, got[0].Contact)
	assert.Equal(t, "Kerry Fisher", got[0].Contact.Profile.Name)
	assert.Empty(t, got[0].Status.RecipientID)
}

// The handler's callbacks get the same customers as the iterators.
func TestWebhookHandlerCallbacksGetTheCustomer(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var senders, recipients []wabsp.Customer
	h := newTestWebhookHandler(t, wabsp.WebhookConfig{
		OnMessage: func(_ context.Context, m wabsp.InboundMessage) error {
			mu.Lock()
			defer mu.Unlock()
			senders = append(senders, m.Customer)
			return nil
		},
		OnStatus: func(_ context.Context, s wabsp.StatusUpdate) error {
			mu.Lock()
			defer mu.Unlock()
			recipients = append(recipients, s.Customer)
			return nil
		},
	})
	for _, f := range []string{"message_username_only.json", "status_with_contact.json"} {
		require.Equal(t, 200, serve(h, signedPost(readWebhookFixture(t, f), testAppSecret)).Code, f)
	}
	assert.ElementsMatch(t, []wabsp.Customer{
		{UserID: fxBSUID, ParentUserID: fxParentBSUID, Username: "@kerry.f"},
		{UserID: "US.20937461029384756102", Username: "@sam.o"},
	}, senders)
	assert.Equal(t, []wabsp.Customer{{UserID: fxBSUID, ParentUserID: fxParentBSUID, Username: "@kerry.f"}}, recipients)
}
