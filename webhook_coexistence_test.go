package wabsp_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

func TestDecodeCoexistenceFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		field      wabsp.WebhookField
		check      func(t *testing.T, c *wabsp.WebhookChange)
	}{
		{"a history chunk carries threads with both sides of the chat", "history.json", wabsp.FieldHistory, func(t *testing.T, c *wabsp.WebhookChange) {
			h := c.History
			require.NotNil(t, h)
			assert.Equal(t, fxPNID, h.Metadata.PhoneNumberID)
			require.Len(t, h.History, 1)
			chunk := h.History[0]
			assert.False(t, chunk.Declined())
			assert.Equal(t, int64(0), chunk.Phase)
			assert.Equal(t, int64(1), chunk.ChunkOrder)
			assert.Equal(t, int64(55), chunk.Progress)
			require.Len(t, chunk.Threads, 1)
			th := chunk.Threads[0]
			assert.Equal(t, fxWaID, th.ID)
			require.Len(t, th.Messages, 2)
			assert.Equal(t, "Do you deliver on Sundays?", th.Messages[0].Text.Body)
			assert.JSONEq(t, `{"status":"READ"}`, string(th.Messages[0].Extra["history_context"]))
			assert.Equal(t, "15550783881", th.Messages[1].From, "the business's own message")
			assert.Equal(t, fxWaID, th.Messages[1].To)
		}},
		{"a declined history is an error chunk", "history_declined.json", wabsp.FieldHistory, func(t *testing.T, c *wabsp.WebhookChange) {
			require.NotNil(t, c.History)
			require.Len(t, c.History.History, 1)
			chunk := c.History.History[0]
			assert.True(t, chunk.Declined())
			assert.Empty(t, chunk.Threads)
		}},
		{"app state sync adds and removes contacts", "smb_app_state_sync.json", wabsp.FieldSMBAppStateSync, func(t *testing.T, c *wabsp.WebhookChange) {
			s := c.AppStateSync
			require.NotNil(t, s)
			require.Len(t, s.StateSync, 2)
			add, remove := s.StateSync[0], s.StateSync[1]
			assert.Equal(t, "contact", add.Type)
			assert.Equal(t, "add", add.Action)
			require.NotNil(t, add.Contact)
			assert.Equal(t, "Kerry Fisher", add.Contact.FullName)
			assert.Equal(t, fxWaID, add.Contact.PhoneNumber)
			assert.Equal(t, time.Unix(1731456100, 0).UTC(), add.Timestamp)
			assert.Equal(t, "remove", remove.Action)
			assert.Equal(t, "16315551182", remove.Contact.PhoneNumber)
		}},
		{"an echo is a message the business sent from the app", "smb_message_echoes.json", wabsp.FieldSMBMessageEchoes, func(t *testing.T, c *wabsp.WebhookChange) {
			e := c.MessageEchoes
			require.NotNil(t, e)
			require.Len(t, e.MessageEchoes, 1)
			m := e.MessageEchoes[0]
			assert.Equal(t, "15550783881", m.From)
			assert.Equal(t, fxWaID, m.To)
			assert.Equal(t, wabsp.MessageType("text"), m.Type)
			assert.Equal(t, "Your order ships today.", m.Text.Body)
		}},
		{"a coexistence disconnection says why", "account_update_partner_removed.json", wabsp.FieldAccountUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			u := c.AccountUpdate
			require.NotNil(t, u)
			assert.Equal(t, wabsp.AccountEventPartnerRemoved, u.Event)
			require.NotNil(t, u.DisconnectionInfo)
			assert.Equal(t, wabsp.DisconnectPrimaryInactivity, u.DisconnectionInfo.Reason)
		}},
		{"a restriction lists what is restricted until when", "account_update_restriction.json", wabsp.FieldAccountUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			u := c.AccountUpdate
			require.NotNil(t, u)
			assert.Equal(t, wabsp.AccountEventAccountRestriction, u.Event)
			require.Len(t, u.RestrictionInfo, 2)
			assert.Equal(t, "RESTRICTED_BIZ_INITIATED_MESSAGING", u.RestrictionInfo[0].Type)
			assert.Equal(t, time.Unix(1731542400, 0).UTC(), u.RestrictionInfo[0].Expiration)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := decodeFixture(t, tt.file)
			c := &w.Entries[0].Changes[0]
			assert.Equal(t, tt.field, c.Field)
			assert.True(t, c.Known())
			assert.Nil(t, c.Raw)
			tt.check(t, c)
		})
	}
}

func TestWebhookHandlerDispatchesCoexistence(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	note := func(s string) error { mu.Lock(); got = append(got, s); mu.Unlock(); return nil }
	h := newTestWebhookHandler(t, wabsp.WebhookConfig{
		OnHistory: func(_ context.Context, _ *wabsp.WebhookEntry, v *wabsp.HistoryValue) error {
			return note("history " + v.Metadata.PhoneNumberID)
		},
		OnAppStateSync: func(_ context.Context, _ *wabsp.WebhookEntry, v *wabsp.AppStateSyncValue) error {
			return note("state " + v.StateSync[0].Action)
		},
		OnMessageEcho: func(_ context.Context, m wabsp.MessageEcho) error {
			return note("echo " + m.PhoneNumberID + " to " + m.Message.To)
		},
		OnConnection: func(_ context.Context, ev wabsp.ConnectionEvent) error {
			s := "disconnected"
			if ev.Connected {
				s = "connected"
			}
			return note(s + " " + ev.WABAID + " " + ev.Reason)
		},
	})
	for _, tc := range []struct{ file, want string }{
		{"history.json", "history " + fxPNID},
		{"smb_app_state_sync.json", "state add"},
		{"smb_message_echoes.json", "echo " + fxPNID + " to " + fxWaID},
		{"smb_message_echoes.json", ""}, // redelivered: deduplicated
		{"account_update_partner_removed.json", "disconnected " + fxWABA + " PRIMARY_INACTIVITY"},
		{"account_update_reconnected.json", "connected " + fxWABA + " "},
	} {
		mu.Lock()
		got = nil
		mu.Unlock()
		require.Equal(t, 200, serve(h, signedPost(readWebhookFixture(t, tc.file), testAppSecret)).Code, tc.file)
		if tc.want == "" {
			assert.Empty(t, got, tc.file)
		} else {
			assert.Equal(t, []string{tc.want}, got, tc.file)
		}
	}
}
