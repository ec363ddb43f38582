package wabsp_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

const (
	fxWABA  = "102290129340398"
	fxPNID  = "106540352242922"
	fxWaID  = "16315551181"
	fxWamid = "wamid.HBgLMTYzMTU1NTExODEVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="
)

func readWebhookFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "webhooks", name))
	require.NoError(t, err)
	return b
}

func decodeFixture(t *testing.T, name string) *wabsp.Webhook {
	t.Helper()
	w, err := wabsp.DecodeWebhook(readWebhookFixture(t, name))
	require.NoError(t, err)
	require.Len(t, w.Entries, 1)
	require.Len(t, w.Entries[0].Changes, 1)
	return w
}

// onlyMessage returns the single inbound message of a fixture after
// checking where it arrived.
func onlyMessage(t *testing.T, w *wabsp.Webhook, typ wabsp.MessageType) *wabsp.Message {
	t.Helper()
	var got []wabsp.InboundMessage
	for m := range w.Messages() {
		got = append(got, m)
	}
	require.Len(t, got, 1)
	m := got[0]
	assert.Equal(t, fxWABA, m.WABAID)
	assert.Equal(t, fxPNID, m.PhoneNumberID)
	assert.Equal(t, "15550783881", m.DisplayPhoneNumber)
	assert.Equal(t, fxWaID, m.Message.From)
	assert.True(t, strings.HasPrefix(m.Message.ID, "wamid."), m.Message.ID)
	assert.Equal(t, time.Unix(1731456000, 0).UTC(), m.Message.Timestamp)
	assert.Equal(t, typ, m.Message.Type)
	return m.Message
}

func onlyStatus(t *testing.T, w *wabsp.Webhook, kind wabsp.StatusKind) *wabsp.Status {
	t.Helper()
	var got []wabsp.StatusUpdate
	for s := range w.Statuses() {
		got = append(got, s)
	}
	require.Len(t, got, 1)
	assert.Equal(t, fxPNID, got[0].PhoneNumberID)
	assert.Equal(t, fxWABA, got[0].WABAID)
	assert.Equal(t, kind, got[0].Status.Status)
	assert.Equal(t, fxWaID, got[0].Status.RecipientID)
	return got[0].Status
}

func TestDecodeWebhookMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		typ        wabsp.MessageType
		check      func(t *testing.T, m *wabsp.Message)
	}{
		{"a text message has its body and sender", "message_text.json", wabsp.MessageTypeText, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Text)
			assert.Equal(t, "Hello, is my order on its way?", m.Text.Body)
			assert.Equal(t, fxWamid, m.ID)
			assert.Nil(t, m.Context)
			assert.Empty(t, m.Extra)
		}},
		{"a reply carries the context of the quoted message", "message_text_reply.json", wabsp.MessageTypeText, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Context)
			assert.Equal(t, "15550783881", m.Context.From)
			assert.Equal(t, "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA", m.Context.ID)
		}},
		{"an image has its media id, type, hash and caption", "message_image.json", wabsp.MessageTypeImage, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Image)
			assert.Equal(t, wabsp.Media{ID: "1003383421387256", MimeType: "image/jpeg", SHA256: "HgNN4oDZuZ2dR6x2CAKs5A6HfTDsGTb6TnLz1Z7xZhY=", Caption: "The damaged box"}, *m.Image)
		}},
		{"a voice note is audio marked as voice", "message_audio.json", wabsp.MessageTypeAudio, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Audio)
			assert.Equal(t, "1536237413608587", m.Audio.ID)
			assert.Equal(t, "audio/ogg; codecs=opus", m.Audio.MimeType)
			assert.True(t, m.Audio.Voice)
		}},
		{"a video has its media id and caption", "message_video.json", wabsp.MessageTypeVideo, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Video)
			assert.Equal(t, "1184529626009290", m.Video.ID)
			assert.Equal(t, "Unboxing", m.Video.Caption)
		}},
		{"a document has its file name", "message_document.json", wabsp.MessageTypeDocument, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Document)
			assert.Equal(t, "invoice-2024-11.pdf", m.Document.Filename)
			assert.Equal(t, "application/pdf", m.Document.MimeType)
		}},
		{"a sticker says whether it is animated", "message_sticker.json", wabsp.MessageTypeSticker, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Sticker)
			assert.Equal(t, "1228429801547530", m.Sticker.ID)
			assert.False(t, m.Sticker.Animated)
		}},
		{"a location has its coordinates as numbers", "message_location.json", wabsp.MessageTypeLocation, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Location)
			assert.InDelta(t, 37.483307, m.Location.Latitude, 1e-9)
			assert.InDelta(t, -122.148981, m.Location.Longitude, 1e-9)
			assert.Equal(t, "Main office", m.Location.Name)
		}},
		{"a contacts message has every card field", "message_contacts.json", wabsp.MessageTypeContacts, func(t *testing.T, m *wabsp.Message) {
			require.Len(t, m.Contacts, 1)
			c := m.Contacts[0]
			assert.Equal(t, "Kerry Fisher", c.Name["formatted_name"])
			assert.Equal(t, "1990-05-12", c.Birthday)
			assert.Equal(t, "Lucky Shrub", c.Org["company"])
			require.Len(t, c.Phones, 1)
			assert.Equal(t, fxWaID, c.Phones[0]["wa_id"])
			assert.Equal(t, "kerry@example.com", c.Emails[0]["email"])
			assert.Equal(t, "94025", c.Addresses[0]["zip"])
			assert.Equal(t, "https://www.luckyshrub.com", c.URLs[0]["url"])
		}},
		{"an interactive button reply has the button's id and title", "message_interactive_button_reply.json", wabsp.MessageTypeInteractive, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Interactive)
			assert.Equal(t, "button_reply", m.Interactive.Type)
			require.NotNil(t, m.Interactive.ButtonReply)
			assert.Equal(t, "confirm-order-123", m.Interactive.ButtonReply.ID)
			assert.Equal(t, "Confirm", m.Interactive.ButtonReply.Title)
			assert.Nil(t, m.Interactive.ListReply)
		}},
		{"an interactive list reply has the row's id, title and description", "message_interactive_list_reply.json", wabsp.MessageTypeInteractive, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Interactive)
			require.NotNil(t, m.Interactive.ListReply)
			assert.Equal(t, wabsp.InteractiveChoice{ID: "slot-2024-11-14-10", Title: "Thu 10:00", Description: "Thursday morning, 10:00 to 10:30"}, *m.Interactive.ListReply)
		}},
		{"a template quick-reply button has its payload", "message_button.json", wabsp.MessageTypeButton, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Button)
			assert.Equal(t, "STOP_PROMOTIONS", m.Button.Payload)
			assert.Equal(t, "Stop promotions", m.Button.Text)
		}},
		{"a reaction names the message and the emoji", "message_reaction.json", wabsp.MessageTypeReaction, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Reaction)
			assert.Equal(t, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUU5NTFGRkM3NjhGNTlCRTQ4NAA=", m.Reaction.MessageID)
			assert.Equal(t, "\U0001F44D", m.Reaction.Emoji)
		}},
		{"an order has its items with quantities and prices", "message_order.json", wabsp.MessageTypeOrder, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Order)
			assert.Equal(t, "194836987003835", m.Order.CatalogID)
			require.Len(t, m.Order.ProductItems, 2)
			assert.Equal(t, wabsp.OrderItem{ProductRetailerID: "di9ozbzfi4", Quantity: 2, ItemPrice: 30.5, Currency: "USD"}, m.Order.ProductItems[0])
			assert.InDelta(t, 25.0, m.Order.ProductItems[1].ItemPrice, 1e-9)
		}},
		{"a system message reports the customer's new number", "message_system.json", wabsp.MessageTypeSystem, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.System)
			assert.Equal(t, "user_changed_number", m.System.Type)
			assert.Equal(t, "16315551182", m.System.NewWaID)
		}},
		{"a message from an ad carries its referral", "message_referral.json", wabsp.MessageTypeText, func(t *testing.T, m *wabsp.Message) {
			require.NotNil(t, m.Referral)
			assert.Equal(t, "120226305854810726", m.Referral.SourceID)
			assert.Equal(t, "ad", m.Referral.SourceType)
			assert.Equal(t, "image", m.Referral.MediaType)
			assert.NotEmpty(t, m.Referral.CtwaClid)
			assert.Equal(t, "Is this still available?", m.Text.Body)
		}},
		{"an unsupported message carries its error", "message_unsupported.json", wabsp.MessageTypeUnsupported, func(t *testing.T, m *wabsp.Message) {
			require.Len(t, m.Errors, 1)
			assert.Equal(t, int64(131051), m.Errors[0].Code)
			assert.Equal(t, "Message type is currently not supported.", m.Errors[0].ErrorData.Details)
		}},
		{"an unknown message type keeps its type and raw body", "message_unknown_type.json", "poll_response", func(t *testing.T, m *wabsp.Message) {
			require.Contains(t, m.Extra, "poll_response")
			assert.JSONEq(t, `{"poll_id":"987654","selected_options":["Tuesday"]}`, string(m.Extra["poll_response"]))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := decodeFixture(t, tt.file)
			assert.Equal(t, wabsp.WebhookObjectWABA, w.Object)
			tt.check(t, onlyMessage(t, w, tt.typ))
		})
	}
}

func TestDecodeWebhookContactMatchesSender(t *testing.T) {
	t.Parallel()
	w := decodeFixture(t, "message_text.json")
	for m := range w.Messages() {
		require.NotNil(t, m.Contact)
		assert.Equal(t, "Kerry Fisher", m.Contact.Profile.Name)
		assert.Equal(t, fxWaID, m.Contact.WaID)
	}
}

func TestDecodeWebhookStatuses(t *testing.T) {
	t.Parallel()
	const wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA"
	tests := []struct {
		name, file string
		kind       wabsp.StatusKind
		check      func(t *testing.T, s *wabsp.Status)
	}{
		{"a sent status has its conversation and per-conversation pricing", "status_sent.json", wabsp.StatusSent, func(t *testing.T, s *wabsp.Status) {
			assert.Equal(t, wamid, s.ID)
			assert.Equal(t, time.Unix(1731456010, 0).UTC(), s.Timestamp)
			assert.Equal(t, "order-123", s.BizOpaqueCallbackData)
			require.NotNil(t, s.Conversation)
			assert.Equal(t, "6ceb9d929c0ab2e2a7cd3fe0d6a3a2f8", s.Conversation.ID)
			assert.Equal(t, time.Unix(1731542400, 0).UTC(), s.Conversation.ExpirationTimestamp)
			assert.Equal(t, "utility", s.Conversation.Origin.Type)
			require.NotNil(t, s.Pricing)
			assert.Equal(t, wabsp.Pricing{Billable: true, PricingModel: "CBP", Category: "utility"}, *s.Pricing)
		}},
		{"a delivered status under per-message pricing has no conversation", "status_delivered.json", wabsp.StatusDelivered, func(t *testing.T, s *wabsp.Status) {
			assert.Nil(t, s.Conversation)
			require.NotNil(t, s.Pricing)
			assert.Equal(t, wabsp.PricingModelPMP, s.Pricing.PricingModel)
			assert.Equal(t, wabsp.PricingTypeRegular, s.Pricing.Type)
			assert.Equal(t, wabsp.PricingMarketing, s.Pricing.Category)
		}},
		{"a read status may have neither conversation nor pricing", "status_read.json", wabsp.StatusRead, func(t *testing.T, s *wabsp.Status) {
			assert.Nil(t, s.Conversation)
			assert.Nil(t, s.Pricing)
			assert.Empty(t, s.Extra)
		}},
		{"a failed status carries its errors", "status_failed.json", wabsp.StatusFailed, func(t *testing.T, s *wabsp.Status) {
			require.Len(t, s.Errors, 1)
			e := s.Errors[0]
			assert.Equal(t, int64(131047), e.Code)
			assert.Equal(t, "Re-engagement message", e.Title)
			assert.Contains(t, e.ErrorData.Details, "24 hours")
			assert.Contains(t, e.Href, "error-codes")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t, onlyStatus(t, decodeFixture(t, tt.file), tt.kind))
		})
	}
}

func TestDecodeWebhookFields(t *testing.T) {
	t.Parallel()
	notified := time.Unix(1731456000, 0).UTC()
	tests := []struct {
		name, file string
		field      wabsp.WebhookField
		check      func(t *testing.T, c *wabsp.WebhookChange)
	}{
		{"value-level errors are decoded", "value_errors.json", wabsp.FieldMessages, func(t *testing.T, c *wabsp.WebhookChange) {
			require.NotNil(t, c.Messages)
			require.Len(t, c.Messages.Errors, 1)
			assert.Equal(t, int64(131000), c.Messages.Errors[0].Code)
		}},
		{"a template approval keeps a template id above 2^53 digit for digit", "template_status_update.json", wabsp.FieldTemplateStatusUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			u := c.TemplateStatus
			require.NotNil(t, u)
			assert.Equal(t, "APPROVED", u.Event)
			assert.Equal(t, "1234567890123456789", u.MessageTemplateID)
			assert.Equal(t, "order_confirmation", u.MessageTemplateName)
			assert.Equal(t, "en_US", u.MessageTemplateLanguage)
			assert.Equal(t, "UTILITY", u.MessageTemplateCategory)
		}},
		{"a template rejection has its reason and rejection info", "template_status_rejected.json", wabsp.FieldTemplateStatusUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			u := c.TemplateStatus
			require.NotNil(t, u)
			assert.Equal(t, "REJECTED", u.Event)
			assert.Equal(t, "INVALID_FORMAT", u.Reason)
			require.NotNil(t, u.RejectionInfo)
			assert.Contains(t, u.RejectionInfo.Recommendation, "Move the variable")
		}},
		{"a template pause has its other info", "template_status_paused.json", wabsp.FieldTemplateStatusUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			require.NotNil(t, c.TemplateStatus.OtherInfo)
			assert.Equal(t, "FIRST_PAUSE", c.TemplateStatus.OtherInfo.Title)
		}},
		{"a template quality change has both scores", "template_quality_update.json", wabsp.FieldTemplateQualityUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			u := c.TemplateQuality
			require.NotNil(t, u)
			assert.Equal(t, "GREEN", u.PreviousQualityScore)
			assert.Equal(t, "YELLOW", u.NewQualityScore)
			assert.Equal(t, "987654321098766", u.MessageTemplateID)
		}},
		{"an impending category change has the correct category and its date", "template_category_update.json", wabsp.FieldTemplateCategoryUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			u := c.TemplateCategory
			require.NotNil(t, u)
			assert.Equal(t, "MARKETING", u.CorrectCategory)
			assert.Equal(t, "MARKETING", u.NewCategory)
			assert.Equal(t, time.Unix(1733961600, 0).UTC(), u.CategoryUpdateTimestamp)
		}},
		{"a phone number quality update has its event and limits", "phone_number_quality_update.json", wabsp.FieldPhoneNumberQualityUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			u := c.PhoneNumberQuality
			require.NotNil(t, u)
			assert.Equal(t, wabsp.PhoneNumberQualityUpdate{DisplayPhoneNumber: "15550783881", Event: "UPGRADE", OldLimit: "TIER_2K", CurrentLimit: "TIER_10K", MaxDailyConversationsPerBusiness: "TIER_10K"}, *u)
		}},
		{"a display name decision is decoded", "phone_number_name_update.json", wabsp.FieldPhoneNumberNameUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			require.NotNil(t, c.PhoneNumberName)
			assert.Equal(t, "APPROVED", c.PhoneNumberName.Decision)
			assert.Equal(t, "Lucky Shrub", c.PhoneNumberName.RequestedVerifiedName)
		}},
		{"PARTNER_ADDED is an onboarding with the WABA and its owner", "account_update_partner_added.json", wabsp.FieldAccountUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			require.NotNil(t, c.AccountUpdate)
			assert.Equal(t, wabsp.AccountEventPartnerAdded, c.AccountUpdate.Event)
			require.NotNil(t, c.AccountUpdate.WABAInfo)
			assert.Equal(t, []string{"776655443322110"}, c.AccountUpdate.WABAInfo.SolutionPartnerBusinessIDs)
			ev, ok := c.Onboarding()
			require.True(t, ok)
			assert.Equal(t, "109876543210987", ev.WABAID)
			assert.Equal(t, "198765432109876", ev.OwnerBusinessID)
			assert.Equal(t, "1234567890123456", ev.PartnerAppID)
			assert.Equal(t, "554433221100998", ev.SolutionID)
		}},
		{"a ban has its states and date", "account_update_disabled.json", wabsp.FieldAccountUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			require.NotNil(t, c.AccountUpdate.BanInfo)
			assert.Equal(t, []string{"DISABLE"}, c.AccountUpdate.BanInfo.WABABanState)
			assert.Equal(t, "2024-11-13", c.AccountUpdate.BanInfo.WABABanDate)
			_, ok := c.Onboarding()
			assert.False(t, ok)
		}},
		{"a violation has its type", "account_update_violation.json", wabsp.FieldAccountUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			require.NotNil(t, c.AccountUpdate.ViolationInfo)
			assert.Equal(t, "ADULT", c.AccountUpdate.ViolationInfo.ViolationType)
		}},
		{"an account review decision is decoded", "account_review_update.json", wabsp.FieldAccountReviewUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			require.NotNil(t, c.AccountReview)
			assert.Equal(t, "APPROVED", c.AccountReview.Decision)
		}},
		{"an account alert has its entity and alert info", "account_alerts.json", wabsp.FieldAccountAlerts, func(t *testing.T, c *wabsp.WebhookChange) {
			u := c.AccountAlert
			require.NotNil(t, u)
			assert.Equal(t, "WABA", u.EntityType)
			assert.Equal(t, fxWABA, u.EntityID)
			assert.Equal(t, "WARNING", u.AlertInfo.AlertSeverity)
			assert.Equal(t, "INCREASED_QUALITY_RISK", u.AlertInfo.AlertType)
		}},
		{"a business capability update has its limits as numbers", "business_capability_update.json", wabsp.FieldBusinessCapabilityUpdate, func(t *testing.T, c *wabsp.WebhookChange) {
			require.NotNil(t, c.BusinessCapability)
			assert.Equal(t, wabsp.BusinessCapabilityUpdate{MaxDailyConversationPerPhone: 1000, MaxPhoneNumbersPerBusiness: 2, MaxPhoneNumbersPerWABA: 25}, *c.BusinessCapability)
		}},
		{"a security event has its type and requester", "security.json", wabsp.FieldSecurity, func(t *testing.T, c *wabsp.WebhookChange) {
			require.NotNil(t, c.Security)
			assert.Equal(t, "PIN_CHANGED", c.Security.Event)
			assert.Equal(t, "12345678901234", c.Security.Requester)
		}},
		{"an unknown field is kept as raw JSON", "unknown_field.json", "calls", func(t *testing.T, c *wabsp.WebhookChange) {
			assert.False(t, c.Known())
			assert.Nil(t, c.Messages)
			var v map[string]any
			require.NoError(t, json.Unmarshal(c.Raw, &v))
			assert.Contains(t, v, "calls")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := decodeFixture(t, tt.file)
			c := &w.Entries[0].Changes[0]
			assert.Equal(t, tt.field, c.Field)
			if c.Field != wabsp.FieldMessages {
				assert.Equal(t, notified, w.Entries[0].Time)
			}
			tt.check(t, c)
		})
	}
}

func TestDecodeWebhookOnboardings(t *testing.T) {
	t.Parallel()
	w := decodeFixture(t, "account_update_partner_added.json")
	got := w.Onboardings()
	require.Len(t, got, 1)
	assert.Equal(t, "109876543210987", got[0].WABAID)
	assert.Equal(t, time.Unix(1731456000, 0).UTC(), got[0].Time)
	assert.Empty(t, decodeFixture(t, "message_text.json").Onboardings())
}

func TestDecodeWebhookBadInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		check      func(t *testing.T, w *wabsp.Webhook, err error)
	}{
		{"malformed JSON is a syntax error", "malformed.json", wantSyntaxError},
		{"a truncated body is a syntax error", "truncated.json", wantSyntaxError},
		{"an empty body is a syntax error", "empty.json", wantSyntaxError},
		{"a top level that is not an object is a syntax error", "not_an_object.json", wantSyntaxError},
		{"data after the object is a syntax error", "trailing_data.json", wantSyntaxError},
		{"a trailing NUL byte is a syntax error", "trailing_nul.json", wantSyntaxError},
		{"values json.Marshal cannot write stay zero, kept raw", "out_of_range_values.json", func(t *testing.T, w *wabsp.Webhook, err error) {
			require.NoError(t, err)
			_, err = json.Marshal(w)
			require.NoError(t, err, "a callback that queues the delivery as JSON must not fail on it")
			e := w.Entries[0]
			assert.True(t, e.Time.IsZero())
			assert.JSONEq(t, `270000000000`, string(e.Extra["time"]))
			for m := range w.Messages() {
				_, err := json.Marshal(m)
				require.NoError(t, err)
				assert.True(t, m.Message.Timestamp.IsZero())
				assert.JSONEq(t, `"253402300800"`, string(m.Message.Extra["timestamp"]))
				require.NotNil(t, m.Message.Location)
				assert.Zero(t, m.Message.Location.Latitude)
				assert.Equal(t, `1e999`, string(m.Message.Location.Extra["latitude"]))
				assert.InDelta(t, -122.1487, m.Message.Location.Longitude, 1e-9)
			}
			for s := range w.Statuses() {
				_, err := json.Marshal(s)
				require.NoError(t, err)
				assert.True(t, s.Status.Timestamp.IsZero())
				require.NotNil(t, s.Status.Conversation)
				assert.True(t, s.Status.Conversation.ExpirationTimestamp.IsZero())
				assert.JSONEq(t, `"10000-01-01T00:00:00Z"`, string(s.Status.Conversation.Extra["expiration_timestamp"]))
			}
		}},
		{"a repeated member keeps the last value, as encoding/json does", "duplicate_keys.json", func(t *testing.T, w *wabsp.Webhook, err error) {
			require.NoError(t, err)
			var ids []string
			for m := range w.Messages() {
				ids = append(ids, m.Message.ID)
				require.NotNil(t, m.Contact)
				assert.Equal(t, "Kerry Fisher", m.Contact.Profile.Name)
			}
			for s := range w.Statuses() {
				ids = append(ids, s.Status.ID)
			}
			assert.Equal(t, []string{"wamid.last-messages", "wamid.last-statuses"}, ids)
		}},
		{"an empty entry list decodes to no events", "empty_entry.json", func(t *testing.T, w *wabsp.Webhook, err error) {
			require.NoError(t, err)
			assert.Empty(t, w.Entries)
		}},
		{"a missing object member is not an error", "missing_object.json", func(t *testing.T, w *wabsp.Webhook, err error) {
			require.NoError(t, err)
			assert.Empty(t, w.Object)
			require.Len(t, w.Onboardings(), 1)
		}},
		{"odd field types are kept raw and lose nothing else", "wrong_types.json", func(t *testing.T, w *wabsp.Webhook, err error) {
			require.NoError(t, err)
			var got []*wabsp.Status
			for s := range w.Statuses() {
				got = append(got, s.Status)
			}
			require.Len(t, got, 2)
			first := got[0]
			assert.Equal(t, time.Unix(1731456010, 0).UTC(), first.Timestamp, "a numeric timestamp still decodes")
			assert.Equal(t, fxWaID, first.RecipientID, "a numeric id still decodes, digit for digit")
			assert.True(t, first.Pricing.Billable, "a boolean sent as a string still decodes")
			require.NotNil(t, first.Conversation)
			assert.Equal(t, "6ceb9d929c0ab2e2a7cd3fe0d6a3a2f8", first.Conversation.ID)
			assert.JSONEq(t, `["utility"]`, string(first.Conversation.Extra["origin"]), "an array where an object belongs is kept raw")
			second := got[1]
			assert.Equal(t, "wamid.second", second.ID)
			assert.True(t, second.Timestamp.IsZero())
			assert.JSONEq(t, `{"seconds":1731456012}`, string(second.Extra["timestamp"]), "an object where a timestamp belongs is kept raw")
			assert.JSONEq(t, `0.0147`, string(second.Pricing.Extra["price"]), "an unknown member is kept raw")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := wabsp.DecodeWebhook(readWebhookFixture(t, filepath.Join("bad", tt.file)))
			tt.check(t, w, err)
		})
	}
}

func wantSyntaxError(t *testing.T, w *wabsp.Webhook, err error) {
	t.Helper()
	var syn *wabsp.WebhookSyntaxError
	require.True(t, errors.As(err, &syn), "got %v", err)
	assert.Nil(t, w)
}

func TestDecodeWebhookStringEscapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, want string
	}{
		{"escapes are decoded", `"a\"b\\c\/d\n\t"`, "a\"b\\c/d\n\t"},
		{"a surrogate pair becomes one rune", `"\ud83d\udc4d"`, "\U0001F44D"},
		{"a lone surrogate becomes the replacement rune", `"\ud83d!"`, "\uFFFD!"},
		{"invalid UTF-8 becomes the replacement rune", "\"a\xffb\"", "a\uFFFDb"},
		{"a number where text belongs is kept as its digits", `12345678901234567890123`, "12345678901234567890123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := `{"entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"type":"text","text":{"body":` + tt.raw + `}}]}}]}]}`
			w, err := wabsp.DecodeWebhook([]byte(body))
			require.NoError(t, err)
			var want string
			if json.Valid([]byte(tt.raw)) {
				// encoding/json agrees on every string case.
				_ = json.Unmarshal([]byte(tt.raw), &want)
			}
			got := w.Entries[0].Changes[0].Messages.Messages[0].Text.Body
			assert.Equal(t, tt.want, got)
			if want != "" && tt.raw[0] == '"' {
				assert.Equal(t, want, got)
			}
		})
	}
}

// TestDecodeWebhookChangeOrder pins the one-pass decoding of a change's
// value: whichever of "field" and "value" comes first, and whatever is
// repeated, the result is the one encoding/json's "last member wins" gives.
func TestDecodeWebhookChangeOrder(t *testing.T) {
	t.Parallel()
	const msgs = `{"messages":[{"id":"wamid.A","type":"text","text":{"body":"hi"}}]}`
	const sec = `{"event":"PIN_CHANGED","requester":"1"}`
	const meta = `{ "messaging_product":"whatsapp","messages":[{"id":"wamid.A","type":"text","text":{"body":"hi"}}]}`
	const echoes = `{"messaging_product":"whatsapp","message_echoes":[{"id":"wamid.E","type":"text","text":{"body":"sent from the app"}}]}`
	tests := []struct {
		name, change string
		check        func(t *testing.T, c wabsp.WebhookChange)
	}{
		{"value before field", `{"value":` + msgs + `,"field":"messages"}`, func(t *testing.T, c wabsp.WebhookChange) {
			require.NotNil(t, c.Messages)
			assert.Equal(t, "wamid.A", c.Messages.Messages[0].ID)
		}},
		{"a messages value before its field, decoded in place", `{"value":` + meta + `,"field":"messages"}`, func(t *testing.T, c wabsp.WebhookChange) {
			require.NotNil(t, c.Messages)
			assert.Equal(t, "whatsapp", c.Messages.MessagingProduct)
			assert.Equal(t, "wamid.A", c.Messages.Messages[0].ID)
		}},
		{"a value guessed as messages but of another field", `{"value":` + echoes + `,"field":"smb_message_echoes"}`, func(t *testing.T, c wabsp.WebhookChange) {
			assert.Nil(t, c.Messages)
			require.NotNil(t, c.MessageEchoes)
			assert.Equal(t, "wamid.E", c.MessageEchoes.MessageEchoes[0].ID)
		}},
		{"a value guessed as messages without a field is raw", `{"value":` + meta + `}`, func(t *testing.T, c wabsp.WebhookChange) {
			assert.Nil(t, c.Messages)
			assert.JSONEq(t, meta, string(c.Raw))
		}},
		{"a value guessed as messages then repeated keeps only the last", `{"value":` + meta + `,"value":` + sec + `,"field":"security"}`, func(t *testing.T, c wabsp.WebhookChange) {
			assert.Nil(t, c.Messages)
			require.NotNil(t, c.Security)
			assert.Equal(t, "PIN_CHANGED", c.Security.Event)
		}},
		{"field before value", `{"field":"messages","value":` + msgs + `}`, func(t *testing.T, c wabsp.WebhookChange) {
			require.NotNil(t, c.Messages)
			assert.Equal(t, "hi", c.Messages.Messages[0].Text.Body)
		}},
		{"a repeated field after the value decodes the value as the last field", `{"field":"messages","value":` + sec + `,"field":"security"}`, func(t *testing.T, c wabsp.WebhookChange) {
			assert.Nil(t, c.Messages)
			require.NotNil(t, c.Security)
			assert.Equal(t, "1", c.Security.Requester)
		}},
		{"a repeated value keeps only the last", `{"field":"messages","value":` + msgs + `,"value":[1,2]}`, func(t *testing.T, c wabsp.WebhookChange) {
			assert.Nil(t, c.Messages)
			assert.JSONEq(t, `[1,2]`, string(c.Raw))
		}},
		{"a value that is not an object is raw", `{"value":"x","field":"messages"}`, func(t *testing.T, c wabsp.WebhookChange) {
			assert.Nil(t, c.Messages)
			assert.JSONEq(t, `"x"`, string(c.Raw))
		}},
		{"an unknown field keeps its value raw", `{"value":{"a":[1,{"b":"}]"}]},"field":"new_field"}`, func(t *testing.T, c wabsp.WebhookChange) {
			assert.False(t, c.Known())
			assert.JSONEq(t, `{"a":[1,{"b":"}]"}]}`, string(c.Raw))
		}},
		{"brackets and escaped quotes inside strings do not end the value", `{"value":{"messages":[{"id":"a\"}]","text":{"body":"\\"}}]},"field":"messages"}`, func(t *testing.T, c wabsp.WebhookChange) {
			require.NotNil(t, c.Messages)
			assert.Equal(t, `a"}]`, c.Messages.Messages[0].ID)
			assert.Equal(t, `\`, c.Messages.Messages[0].Text.Body)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := wabsp.DecodeWebhook([]byte(`{"entry":[{"id":"1","changes":[` + tt.change + `]}]}`))
			require.NoError(t, err)
			tt.check(t, w.Entries[0].Changes[0])
		})
	}
}

// TestDecodeWebhookInvalidValueBeforeField checks that a value skipped by
// its brackets alone, because its field comes later, is still validated.
func TestDecodeWebhookInvalidValueBeforeField(t *testing.T) {
	t.Parallel()
	for _, value := range []string{`{"messaging_product":"whatsapp","a":1 "b":2}`, `{"messaging_product":"whatsapp","messages":[{"id":"\q"}]}`, `{"a":1 "b":2}`, `{"a":tru}`, `{"a":"\x01"}`, `{"a":[1,]}`, `{"a":"\q"}`, `{"a":1]`, `[{]}`, `{"a":01}`} {
		body := `{"entry":[{"changes":[{"value":` + value + `,"field":"messages"}]}]}`
		_, err := wabsp.DecodeWebhook([]byte(body))
		var syn *wabsp.WebhookSyntaxError
		assert.True(t, errors.As(err, &syn), "%s: got %v", value, err)
		assert.False(t, json.Valid([]byte(body)), value)
	}
}
