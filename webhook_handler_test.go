package wabsp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

const testVerifyToken = "test-verify-token"

func newTestWebhookHandler(t *testing.T, cfg wabsp.WebhookConfig) *wabsp.WebhookHandler {
	t.Helper()
	if cfg.AppSecrets == nil {
		cfg.AppSecrets = []string{testAppSecret}
	}
	cfg.VerifyToken = testVerifyToken
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := wabsp.NewWebhookHandler(cfg)
	require.NoError(t, err)
	return h
}

func signedPost(body []byte, secret string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	if secret != "" {
		req.Header.Set(wabsp.WebhookSignatureHeader, wabsp.SignWebhookBody(secret, body))
	}
	return req
}

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestWebhookHandlerChallenge(t *testing.T) {
	t.Parallel()
	h := newTestWebhookHandler(t, wabsp.WebhookConfig{})
	tests := []struct {
		name, query string
		status      int
		body        string
	}{
		{"the right token echoes the challenge", "hub.mode=subscribe&hub.verify_token=" + testVerifyToken + "&hub.challenge=1158201444", 200, "1158201444"},
		{"a wrong token is forbidden", "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1", 403, ""},
		{"a missing token is forbidden", "hub.mode=subscribe&hub.challenge=1", 403, ""},
		{"another mode is forbidden", "hub.mode=unsubscribe&hub.verify_token=" + testVerifyToken + "&hub.challenge=1", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := serve(h, httptest.NewRequest(http.MethodGet, "/webhook?"+tt.query, nil))
			assert.Equal(t, tt.status, rec.Code)
			if tt.status == 200 {
				assert.Equal(t, tt.body, rec.Body.String())
			}
		})
	}
}

func TestWebhookHandlerRefusesBeforeDecoding(t *testing.T) {
	t.Parallel()
	body := readWebhookFixture(t, "message_text.json")
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"a missing signature is 401", func() *http.Request { return signedPost(body, "") }, 401},
		{"a signature with another secret is 401", func() *http.Request { return signedPost(body, "another-secret") }, 401},
		{"a malformed signature is 401", func() *http.Request {
			r := signedPost(body, "")
			r.Header.Set(wabsp.WebhookSignatureHeader, "sha1=abc")
			return r
		}, 401},
		{"a body over the cap is 413", func() *http.Request { return signedPost(bytes.Repeat([]byte(" "), 2048), testAppSecret) }, 413},
		{"a body over the cap without a length is 413", func() *http.Request {
			r := signedPost(bytes.Repeat([]byte(" "), 2048), testAppSecret)
			r.ContentLength = -1
			return r
		}, 413},
		{"a signed body that is not JSON is 400", func() *http.Request { return signedPost([]byte("{nope"), testAppSecret) }, 400},
		{"PUT is not allowed", func() *http.Request { return httptest.NewRequest(http.MethodPut, "/webhook", nil) }, 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			called := false
			h := newTestWebhookHandler(t, wabsp.WebhookConfig{
				MaxBodyBytes: 1024,
				OnDelivery:   func(context.Context, *wabsp.Webhook) error { called = true; return nil },
			})
			assert.Equal(t, tt.status, serve(h, tt.req()).Code)
			assert.False(t, called, "nothing is dispatched")
		})
	}
}

func TestWebhookHandlerAcceptsARotatedSecret(t *testing.T) {
	t.Parallel()
	var got []string
	h := newTestWebhookHandler(t, wabsp.WebhookConfig{
		AppSecrets: []string{"old-secret", testAppSecret},
		OnMessage: func(_ context.Context, m wabsp.InboundMessage) error {
			got = append(got, m.Message.Text.Body)
			return nil
		},
	})
	rec := serve(h, signedPost(readWebhookFixture(t, "message_text.json"), "old-secret"))
	assert.Equal(t, 200, rec.Code)
	assert.Equal(t, []string{"Hello, is my order on its way?"}, got)
}

func TestWebhookHandlerDispatchesEveryField(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var calls []string
	note := func(s string) error { mu.Lock(); calls = append(calls, s); mu.Unlock(); return nil }
	h := newTestWebhookHandler(t, wabsp.WebhookConfig{
		OnMessage: func(_ context.Context, m wabsp.InboundMessage) error {
			return note("message " + string(m.Message.Type))
		},
		OnStatus:         func(_ context.Context, s wabsp.StatusUpdate) error { return note("status " + string(s.Status.Status)) },
		OnMessagesErrors: func(context.Context, *wabsp.WebhookEntry, *wabsp.MessagesValue) error { return note("value errors") },
		OnTemplateStatus: func(_ context.Context, _ *wabsp.WebhookEntry, u *wabsp.TemplateStatusUpdate) error {
			return note("template " + u.Event)
		},
		OnTemplateQuality: func(context.Context, *wabsp.WebhookEntry, *wabsp.TemplateQualityUpdate) error {
			return note("template quality")
		},
		OnTemplateCategory: func(context.Context, *wabsp.WebhookEntry, *wabsp.TemplateCategoryUpdate) error {
			return note("template category")
		},
		OnPhoneNumberQuality: func(context.Context, *wabsp.WebhookEntry, *wabsp.PhoneNumberQualityUpdate) error {
			return note("number quality")
		},
		OnPhoneNumberName: func(context.Context, *wabsp.WebhookEntry, *wabsp.PhoneNumberNameUpdate) error {
			return note("number name")
		},
		OnAccountUpdate: func(_ context.Context, _ *wabsp.WebhookEntry, u *wabsp.AccountUpdate) error {
			return note("account " + u.Event)
		},
		OnOnboarding:    func(_ context.Context, ev wabsp.OnboardingEvent) error { return note("onboarding " + ev.WABAID) },
		OnAccountReview: func(context.Context, *wabsp.WebhookEntry, *wabsp.AccountReviewUpdate) error { return note("review") },
		OnAccountAlert:  func(context.Context, *wabsp.WebhookEntry, *wabsp.AccountAlert) error { return note("alert") },
		OnBusinessCapability: func(context.Context, *wabsp.WebhookEntry, *wabsp.BusinessCapabilityUpdate) error {
			return note("capability")
		},
		OnSecurity: func(context.Context, *wabsp.WebhookEntry, *wabsp.SecurityUpdate) error { return note("security") },
		OnChange: func(_ context.Context, _ *wabsp.WebhookEntry, c *wabsp.WebhookChange) error {
			return note("other " + string(c.Field))
		},
	})
	files := map[string]string{
		"message_image.json": "message image", "status_failed.json": "status failed", "value_errors.json": "value errors",
		"template_status_rejected.json": "template REJECTED", "template_quality_update.json": "template quality",
		"template_category_update.json": "template category", "phone_number_quality_update.json": "number quality",
		"phone_number_name_update.json": "number name", "account_update_violation.json": "account ACCOUNT_VIOLATION",
		"account_review_update.json": "review", "account_alerts.json": "alert", "business_capability_update.json": "capability",
		"security.json": "security", "unknown_field.json": "other calls",
	}
	for file, want := range files {
		mu.Lock()
		calls = nil
		mu.Unlock()
		rec := serve(h, signedPost(readWebhookFixture(t, file), testAppSecret))
		require.Equal(t, 200, rec.Code, file)
		assert.Equal(t, []string{want}, calls, file)
	}
	calls = nil
	serve(h, signedPost(readWebhookFixture(t, "account_update_partner_added.json"), testAppSecret))
	assert.Equal(t, []string{"account PARTNER_ADDED", "onboarding 109876543210987"}, calls)
}

func TestWebhookHandlerDeduplicatesRedeliveries(t *testing.T) {
	t.Parallel()
	count := 0
	h := newTestWebhookHandler(t, wabsp.WebhookConfig{
		OnMessage: func(context.Context, wabsp.InboundMessage) error { count++; return nil },
	})
	body := readWebhookFixture(t, "message_text.json")
	for range 3 {
		require.Equal(t, 200, serve(h, signedPost(body, testAppSecret)).Code)
	}
	assert.Equal(t, 1, count, "Meta's redeliveries run the callback once")
}

func TestWebhookHandlerCallbackErrorAsksForARetry(t *testing.T) {
	t.Parallel()
	fail := true
	var delivered []string
	h := newTestWebhookHandler(t, wabsp.WebhookConfig{
		OnStatus: func(_ context.Context, s wabsp.StatusUpdate) error {
			if fail {
				return errors.New("database down")
			}
			delivered = append(delivered, s.Status.ID)
			return nil
		},
	})
	body := readWebhookFixture(t, "status_sent.json")
	rec := serve(h, signedPost(body, testAppSecret))
	assert.Equal(t, 500, rec.Code, "a failed callback makes Meta retry")
	assert.NotContains(t, rec.Body.String(), "database down")

	fail = false
	rec = serve(h, signedPost(body, testAppSecret))
	assert.Equal(t, 200, rec.Code)
	assert.Len(t, delivered, 1, "the retried delivery runs the failed event again")

	err := h.Dispatch(context.Background(), decodeFixture(t, "status_sent.json"))
	assert.NoError(t, err)
	assert.Len(t, delivered, 1, "and only once")
}

func TestWebhookHandlerCallbackErrorIsTyped(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	h := newTestWebhookHandler(t, wabsp.WebhookConfig{
		OnMessage: func(context.Context, wabsp.InboundMessage) error { return boom },
	})
	err := h.Dispatch(context.Background(), decodeFixture(t, "message_text.json"))
	var cbErr *wabsp.WebhookCallbackError
	require.True(t, errors.As(err, &cbErr))
	assert.Equal(t, wabsp.FieldMessages, cbErr.Field)
	assert.Equal(t, "message:"+fxWamid, cbErr.Key)
	assert.ErrorIs(t, err, boom)
}

func TestNewWebhookHandlerNeedsASecret(t *testing.T) {
	t.Parallel()
	_, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{AppSecrets: []string{""}})
	var ve *wabsp.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.True(t, ve.Has("AppSecrets"))
}

func TestClientWebhookHandlerUsesTheAppSecret(t *testing.T) {
	t.Parallel()
	c, _ := newMockedClient(t)
	h, err := c.NewWebhookHandler(wabsp.WebhookConfig{})
	require.NoError(t, err)
	rec := serve(h, signedPost(readWebhookFixture(t, "message_text.json"), testAppSecret))
	assert.Equal(t, 200, rec.Code)
	assert.NotContains(t, fmt.Sprintf("%v %+v", h, h), testAppSecret)
}
