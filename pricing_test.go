package wabsp_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// Meta's pricing page and status webhook reference
// (developers.facebook.com/documentation/business-messaging/whatsapp/pricing/,
// .../webhooks/reference/messages/status/): per-message pricing since
// 2025-07-01, where type says whether a message is charged.
func TestChargeOfEveryDocumentedPricing(t *testing.T) {
	t.Parallel()
	type want struct {
		charged, perConversation bool
	}
	pmp := func(typ wabsp.PricingType, cat wabsp.PricingCategory) wabsp.Pricing {
		return wabsp.Pricing{PricingModel: wabsp.PricingModelPMP, Type: typ, Category: cat, Billable: typ == wabsp.PricingTypeRegular}
	}
	tests := []struct {
		name    string
		pricing wabsp.Pricing
		want    want
	}{
		{"a regular marketing message is charged", pmp(wabsp.PricingTypeRegular, wabsp.PricingMarketing), want{charged: true}},
		{"a regular marketing lite message is charged", pmp(wabsp.PricingTypeRegular, wabsp.PricingMarketingLite), want{charged: true}},
		{"a regular utility template is charged", pmp(wabsp.PricingTypeRegular, wabsp.PricingUtility), want{charged: true}},
		{"a regular authentication template is charged", pmp(wabsp.PricingTypeRegular, wabsp.PricingAuthentication), want{charged: true}},
		{"a regular international authentication template is charged", pmp(wabsp.PricingTypeRegular, wabsp.PricingAuthenticationInternational), want{charged: true}},
		{"a service message in the customer service window is free", pmp(wabsp.PricingTypeFreeCustomerService, wabsp.PricingService), want{}},
		{"a utility template in the customer service window is free", pmp(wabsp.PricingTypeFreeCustomerService, wabsp.PricingUtility), want{}},
		{"a marketing template in a free entry point window is free", pmp(wabsp.PricingTypeFreeEntryPoint, wabsp.PricingMarketing), want{}},
		{"a utility template in a free entry point window is free", pmp(wabsp.PricingTypeFreeEntryPoint, wabsp.PricingUtility), want{}},
		{"an authentication template in a free entry point window is free", pmp(wabsp.PricingTypeFreeEntryPoint, wabsp.PricingAuthentication), want{}},
		{"a service message in a free entry point window is free", pmp(wabsp.PricingTypeFreeEntryPoint, wabsp.PricingService), want{}},
		{"a billable conversation under the old model is charged per conversation",
			wabsp.Pricing{Billable: true, PricingModel: wabsp.PricingModelCBP, Category: wabsp.PricingMarketing}, want{charged: true, perConversation: true}},
		{"a free referral conversation under the old model is not charged",
			wabsp.Pricing{Billable: false, PricingModel: wabsp.PricingModelCBP, Category: wabsp.PricingReferralConversion}, want{perConversation: true}},
		{"a free service conversation under the old model is not charged",
			wabsp.Pricing{Billable: false, PricingModel: wabsp.PricingModelCBP, Category: wabsp.PricingService}, want{perConversation: true}},
	}
	for _, tt := range tests {
		for _, kind := range []wabsp.StatusKind{wabsp.StatusSent, wabsp.StatusDelivered, wabsp.StatusRead, wabsp.StatusFailed} {
			t.Run(tt.name+" ("+string(kind)+")", func(t *testing.T) {
				t.Parallel()
				p := tt.pricing
				s := wabsp.Status{Status: kind, Pricing: &p}
				c, ok := s.Charge()
				require.True(t, ok)
				wantCharged := tt.want.charged && kind != wabsp.StatusFailed
				assert.Equal(t, wabsp.Charge{
					Charged: wantCharged, Category: p.Category, Model: p.PricingModel, Type: p.Type,
					PerConversation: tt.want.perConversation, Known: true,
				}, c)
			})
		}
	}
}

func TestChargeWithoutPricingOrWithUnknownValues(t *testing.T) {
	t.Parallel()
	_, ok := (&wabsp.Status{Status: wabsp.StatusRead}).Charge()
	assert.False(t, ok, "Meta may leave pricing out of a status")

	for _, billable := range []bool{true, false} {
		s := wabsp.Status{Status: wabsp.StatusDelivered, Pricing: &wabsp.Pricing{Billable: billable, PricingModel: "TBP", Type: "tiered"}}
		c, ok := s.Charge()
		require.True(t, ok)
		assert.False(t, c.Known)
		assert.Equal(t, billable, c.Charged, "an unknown model falls back to billable")
	}
	s := wabsp.Status{Status: wabsp.StatusDelivered, Pricing: &wabsp.Pricing{Billable: true, PricingModel: wabsp.PricingModelPMP, Type: "free_partner_credit"}}
	c, _ := s.Charge()
	assert.Equal(t, wabsp.Charge{Charged: true, Model: wabsp.PricingModelPMP, Type: "free_partner_credit"}, c, "an unknown type too")
}

func TestDecodePricingShapes(t *testing.T) {
	t.Parallel()
	t.Run("a free entry point window keeps its conversation from v24 on", func(t *testing.T) {
		t.Parallel()
		s := onlyStatus(t, decodeFixture(t, "status_free_entry_point.json"), wabsp.StatusDelivered)
		require.NotNil(t, s.Conversation)
		assert.Equal(t, "referral_conversion", s.Conversation.Origin.Type)
		assert.Equal(t, time.Unix(1731715200, 0).UTC(), s.Conversation.ExpirationTimestamp, "72 hours")
		assert.Equal(t, wabsp.Pricing{PricingModel: wabsp.PricingModelPMP, Type: wabsp.PricingTypeFreeEntryPoint, Category: wabsp.PricingMarketing}, *s.Pricing)
		c, ok := s.Charge()
		require.True(t, ok)
		assert.False(t, c.Charged)
	})
	t.Run("international authentication is spelled two ways", func(t *testing.T) {
		t.Parallel()
		s := onlyStatus(t, decodeFixture(t, "status_authentication_international.json"), wabsp.StatusSent)
		assert.Equal(t, wabsp.PricingAuthenticationInternational, s.Pricing.Category)
		require.NotNil(t, s.Conversation)
		assert.Equal(t, wabsp.ConversationAuthenticationInternational, s.Conversation.Origin.Type)
		assert.Equal(t, s.Pricing.Category, wabsp.PricingCategory(s.Conversation.Origin.Type).Canonical())
		c, _ := s.Charge()
		assert.Equal(t, wabsp.Charge{Charged: true, Category: wabsp.PricingAuthenticationInternational, Model: wabsp.PricingModelPMP, Type: wabsp.PricingTypeRegular, Known: true}, c)
	})
	t.Run("unknown pricing values and fields are kept", func(t *testing.T) {
		t.Parallel()
		s := onlyStatus(t, decodeFixture(t, "status_unknown_pricing.json"), wabsp.StatusDelivered)
		assert.Equal(t, wabsp.PricingModel("TBP"), s.Pricing.PricingModel)
		assert.Equal(t, wabsp.PricingType("tiered"), s.Pricing.Type)
		assert.Equal(t, wabsp.PricingCategory("marketing_plus"), s.Pricing.Category)
		assert.Equal(t, map[string]json.RawMessage{"tier": json.RawMessage(`"3"`)}, s.Pricing.Extra)
	})
}
