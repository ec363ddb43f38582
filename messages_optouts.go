package wabsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// FieldUserPreferences is the webhook field Meta sends when a customer
// stops or resumes marketing messages.
const FieldUserPreferences WebhookField = "user_preferences"

// UserPreference is one entry of a user_preferences webhook: Category
// "marketing_messages", Value "stop" or "resume".
type UserPreference struct {
	WAID      string      `json:"wa_id"`
	Detail    string      `json:"detail,omitempty"`
	Category  string      `json:"category"`
	Value     string      `json:"value"`
	Timestamp json.Number `json:"timestamp,omitempty"`
}

// UserPreferencesValue is the value of a user_preferences change.
type UserPreferencesValue struct {
	Metadata struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	UserPreferences []UserPreference `json:"user_preferences"`
}

// DecodeUserPreferences reads a user_preferences change, which the
// webhook decoder keeps raw (WebhookChange.Raw). ok is false for any other
// field.
func DecodeUserPreferences(c *WebhookChange) (v *UserPreferencesValue, ok bool, err error) {
	if c == nil || c.Field != FieldUserPreferences {
		return nil, false, nil
	}
	v = new(UserPreferencesValue)
	if err := json.Unmarshal(c.Raw, v); err != nil {
		return nil, true, fmt.Errorf("wabsp: decoding user_preferences: %w", err)
	}
	return v, true, nil
}

// MemoryMarketingOptOuts is an in-process MarketingOptOuts, fed with
// Record or ObserveWebhookChange from Meta's user_preferences webhook. It is
// safe for concurrent use; it does not share state between processes.
type MemoryMarketingOptOuts struct {
	mu      sync.RWMutex
	stopped map[string]bool
}

// NewMemoryMarketingOptOuts returns an empty MemoryMarketingOptOuts.
func NewMemoryMarketingOptOuts() *MemoryMarketingOptOuts {
	return &MemoryMarketingOptOuts{stopped: map[string]bool{}}
}

// Record notes a customer's marketing preference: value "stop" opts the
// customer out, "resume" back in; other values are ignored.
func (m *MemoryMarketingOptOuts) Record(phoneNumberID, customerWAID, value string) {
	key := phoneNumberID + "/" + DigitsOnly(customerWAID)
	m.mu.Lock()
	defer m.mu.Unlock()
	switch strings.ToLower(value) {
	case "stop":
		m.stopped[key] = true
	case "resume":
		delete(m.stopped, key)
	}
}

// ObserveWebhookChange records the marketing preferences of a
// user_preferences change and ignores any other: use it as (or from) a
// WebhookConfig.OnChange. The business number is keyed as a MessageSender
// keys it: resolve (nil for its digits) applied to display_phone_number.
func (m *MemoryMarketingOptOuts) ObserveWebhookChange(ctx context.Context, c *WebhookChange, resolve PhoneNumberIDResolver) error {
	v, ok, err := DecodeUserPreferences(c)
	if !ok || err != nil {
		return err
	}
	phone, err := resolvePhoneNumberID(ctx, resolve, v.Metadata.DisplayPhoneNumber)
	if err != nil {
		return err
	}
	for _, p := range v.UserPreferences {
		if p.Category == "marketing_messages" {
			m.Record(phone, p.WAID, p.Value)
		}
	}
	return nil
}

// OptedOut implements MarketingOptOuts.
func (m *MemoryMarketingOptOuts) OptedOut(_ context.Context, phoneNumberID, customerWAID string) (bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.stopped[phoneNumberID+"/"+DigitsOnly(customerWAID)], nil
}
