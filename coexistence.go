package wabsp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// CoexistenceSyncType is what a coexistence sync copies from the customer's
// WhatsApp Business app.
type CoexistenceSyncType string

// The sync types of POST /{phone-number-id}/smb_app_data.
const (
	// SyncContacts copies the app's contacts; they arrive as
	// smb_app_state_sync webhooks (WebhookConfig.OnAppStateSync).
	SyncContacts CoexistenceSyncType = "smb_app_state_sync"
	// SyncHistory copies up to six months of chats; they arrive as history
	// webhooks (WebhookConfig.OnHistory), or one chunk saying the business
	// declined.
	SyncHistory CoexistenceSyncType = "history"
)

// CoexistenceSync is one sync request: Meta's request_id and when it was
// made.
type CoexistenceSync struct {
	PhoneNumberID string              `json:"phone_number_id"`
	Type          CoexistenceSyncType `json:"sync_type"`
	RequestID     string              `json:"request_id"`
	RequestedAt   time.Time           `json:"requested_at"`
}

// CoexistenceSyncs are the two syncs Onboard starts for a number onboarded
// from the WhatsApp Business app; either is nil if it was not started.
type CoexistenceSyncs struct {
	Contacts *CoexistenceSync `json:"contacts,omitempty"`
	History  *CoexistenceSync `json:"history,omitempty"`
}

// CoexistenceSyncStore remembers the sync requests made for each number, so
// that StartCoexistenceSync is idempotent: Meta accepts each type once per
// onboarding and refuses a repeat (ErrSyncAlreadyRequested). Share one
// store between replicas (policy.MemoryStore in one process,
// policy/redisstore across several); the Client's default is in memory.
type CoexistenceSyncStore interface {
	// LoadCoexistenceSync returns the recorded request, or nil if none.
	LoadCoexistenceSync(ctx context.Context, phoneNumberID string, t CoexistenceSyncType) (*CoexistenceSync, error)
	// SaveCoexistenceSync records a request. It keeps an earlier record of
	// the same number and type, and returns the record kept.
	SaveCoexistenceSync(ctx context.Context, s CoexistenceSync) (CoexistenceSync, error)
}

// WithCoexistenceSyncStore sets where StartCoexistenceSync records its
// requests (default: in this process). Give every replica the same store.
func WithCoexistenceSyncStore(store CoexistenceSyncStore) Option {
	return func(c *config) error {
		if store == nil {
			return errors.New("wabsp: WithCoexistenceSyncStore: store is nil")
		}
		c.syncStore = store
		return nil
	}
}

// MemoryCoexistenceSyncStore is a CoexistenceSyncStore in this process.
// Records are kept for 48 hours: past Meta's 24-hour window a repeat is
// refused anyway.
type MemoryCoexistenceSyncStore struct {
	mu      sync.Mutex
	now     func() time.Time
	records map[string]CoexistenceSync
}

// NewMemoryCoexistenceSyncStore returns an empty store.
func NewMemoryCoexistenceSyncStore() *MemoryCoexistenceSyncStore {
	return &MemoryCoexistenceSyncStore{now: time.Now, records: make(map[string]CoexistenceSync)}
}

// CoexistenceSyncKeep is how long stores keep a sync record: Meta's
// 24-hour window, twice.
const CoexistenceSyncKeep = 48 * time.Hour

// LoadCoexistenceSync implements CoexistenceSyncStore.
func (m *MemoryCoexistenceSyncStore) LoadCoexistenceSync(_ context.Context, phoneNumberID string, t CoexistenceSyncType) (*CoexistenceSync, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.records[phoneNumberID+"/"+string(t)]
	if !ok || m.now().Sub(r.RequestedAt) > CoexistenceSyncKeep {
		return nil, nil
	}
	return &r, nil
}

// SaveCoexistenceSync implements CoexistenceSyncStore.
func (m *MemoryCoexistenceSyncStore) SaveCoexistenceSync(_ context.Context, s CoexistenceSync) (CoexistenceSync, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for k, r := range m.records {
		if now.Sub(r.RequestedAt) > CoexistenceSyncKeep {
			delete(m.records, k)
		}
	}
	key := s.PhoneNumberID + "/" + string(s.Type)
	if r, ok := m.records[key]; ok {
		return r, nil
	}
	m.records[key] = s
	return s, nil
}

// StartCoexistenceSync asks Meta to copy the contacts or the chat history
// of a number onboarded from the WhatsApp Business app, with the customer's
// business token (Client.WithToken):
//
//	POST https://graph.facebook.com/{version}/{phone-number-id}/smb_app_data
//	{"messaging_product":"whatsapp","sync_type":"smb_app_state_sync"|"history"}
//
// Meta accepts each type once, within 24 hours of onboarding. The call is
// idempotent: a request recorded in the client's CoexistenceSyncStore is
// returned without calling Meta, and when Meta answers that the type was
// already requested (ErrSyncAlreadyRequested) the record another replica
// made is returned if the store has it.
func (c *Client) StartCoexistenceSync(ctx context.Context, phoneNumberID string, t CoexistenceSyncType) (*CoexistenceSync, error) {
	var v validator
	v.numericID("phone_number_id", phoneNumberID, ErrMissingPhoneNumberID)
	if t != SyncContacts && t != SyncHistory {
		v.addf("sync_type", "must be %q or %q, got %q", SyncContacts, SyncHistory, truncate(string(t), 32))
	}
	if err := v.err("StartCoexistenceSync"); err != nil {
		return nil, err
	}
	store := c.syncStore
	if rec, err := store.LoadCoexistenceSync(ctx, phoneNumberID, t); err != nil {
		return nil, fmt.Errorf("wabsp: reading the coexistence sync store: %w", err)
	} else if rec != nil {
		return rec, nil
	}
	var out struct {
		RequestID string `json:"request_id"`
	}
	err := c.do(ctx, &apiRequest{
		provider: ProviderGraph, method: http.MethodPost, path: phoneNumberID + "/smb_app_data",
		body:       smbAppDataRequest{MessagingProduct: "whatsapp", SyncType: t},
		needsToken: true,
	}, &out)
	if errors.Is(err, ErrSyncAlreadyRequested) {
		if rec, lerr := store.LoadCoexistenceSync(ctx, phoneNumberID, t); lerr == nil && rec != nil {
			return rec, nil
		}
	}
	if err != nil {
		return nil, err
	}
	if out.RequestID == "" {
		return nil, &DecodeError{Provider: ProviderGraph, StatusCode: http.StatusOK, Err: jsonFieldMissing("request_id")}
	}
	rec, err := store.SaveCoexistenceSync(ctx, CoexistenceSync{
		PhoneNumberID: phoneNumberID, Type: t, RequestID: out.RequestID, RequestedAt: time.Now().UTC(),
	})
	if err != nil {
		// Meta has the request; only our record of it is missing.
		return &CoexistenceSync{PhoneNumberID: phoneNumberID, Type: t, RequestID: out.RequestID},
			fmt.Errorf("wabsp: recording the coexistence sync (request %s was made): %w", out.RequestID, err)
	}
	return &rec, nil
}

// CoexistenceStatus reads whether a number is on the WhatsApp Business app
// as well as the Cloud API (PhoneNumber.IsOnBizApp) and its PlatformType:
//
//	GET https://graph.facebook.com/{version}/{phone-number-id}?fields=is_on_biz_app,platform_type
func (c *Client) CoexistenceStatus(ctx context.Context, phoneNumberID string) (*PhoneNumber, error) {
	return c.GetPhoneNumber(ctx, phoneNumberID, "is_on_biz_app", "platform_type")
}

type smbAppDataRequest struct {
	MessagingProduct string              `json:"messaging_product"`
	SyncType         CoexistenceSyncType `json:"sync_type"`
}

// startBothSyncs starts the contacts sync, then the history sync (Meta's
// order: contacts first, so that history threads find their contacts).
func (c *Client) startBothSyncs(ctx context.Context, phoneNumberID string) (*CoexistenceSyncs, error) {
	out := &CoexistenceSyncs{}
	var err error
	if out.Contacts, err = c.StartCoexistenceSync(ctx, phoneNumberID, SyncContacts); err != nil {
		return out, err
	}
	out.History, err = c.StartCoexistenceSync(ctx, phoneNumberID, SyncHistory)
	return out, err
}
