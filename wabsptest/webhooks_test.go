package wabsptest_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp/wabsptest"
)

// receiver is a Tech Provider's webhook endpoint: it checks the signature
// with the sandbox's app secret and keeps what it accepted.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	accepted []envelope
}

type envelope struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Time    int64  `json:"time"`
		Changes []struct {
			Field string                     `json:"field"`
			Value map[string]json.RawMessage `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		m := hmac.New(sha256.New, []byte(wabsptest.AppSecret))
		m.Write(body)
		want := "sha256=" + hex.EncodeToString(m.Sum(nil))
		if !hmac.Equal([]byte(r.Header.Get("X-Hub-Signature-256")), []byte(want)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var e envelope
		if err := json.Unmarshal(body, &e); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		rc.accepted = append(rc.accepted, e)
		rc.mu.Unlock()
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) fields() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, e := range rc.accepted {
		out = append(out, e.Entry[0].Changes[0].Field)
	}
	return out
}

func (rc *receiver) last() envelope {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.accepted[len(rc.accepted)-1]
}

func str(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	require.NoError(t, json.Unmarshal(raw, &s), "%s", raw)
	return s
}

func TestSandboxSendsSignedWebhooksOnItsOwn(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	sb := wabsptest.NewServer(wabsptest.WithWebhookURL(rc.URL))
	defer sb.Close()
	ctx := context.Background()
	signup := sb.NewSignup()

	_, err := sb.Client().Onboard(ctx, signup.Session("customer-1"))
	require.NoError(t, err)
	require.Equal(t, []string{"account_update"}, rc.fields(), "delivered before Onboard returned")
	e := rc.last()
	assert.Equal(t, "whatsapp_business_account", e.Object)
	assert.Equal(t, signup.WABAID, e.Entry[0].ID)
	assert.NotZero(t, e.Entry[0].Time)
	v := e.Entry[0].Changes[0].Value
	assert.Equal(t, "PARTNER_ADDED", str(t, v["event"]))
	var info map[string]string
	require.NoError(t, json.Unmarshal(v["waba_info"], &info))
	assert.Equal(t, map[string]string{"waba_id": signup.WABAID, "owner_business_id": signup.BusinessID, "partner_app_id": wabsptest.AppID}, info)

	sb.ReviewTemplates(func(wabsptest.TemplateUnderReview) (string, string) { return "REJECTED", "PROMOTIONAL" })
	c := sb.Client().WithToken(signup.AccessToken)
	res, err := c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate("order_shipped", "en_US"))
	require.NoError(t, err)
	_, err = c.SyncTemplates(ctx, signup.WABAID)
	require.NoError(t, err)
	require.Equal(t, []string{"account_update", "message_template_status_update"}, rc.fields())
	v = rc.last().Entry[0].Changes[0].Value
	assert.Equal(t, res.ID, string(v["message_template_id"]), "the template id is a JSON number")
	assert.Equal(t, "REJECTED", str(t, v["event"]))
	assert.Equal(t, "PROMOTIONAL", str(t, v["reason"]))
	assert.Equal(t, "order_shipped", str(t, v["message_template_name"]))
	assert.Equal(t, "en_US", str(t, v["message_template_language"]))

	deliveries := sb.WebhookDeliveries()
	require.Len(t, deliveries, 2)
	for _, d := range deliveries {
		assert.NoError(t, d.Err)
		assert.Equal(t, http.StatusOK, d.Status)
	}
}

func TestDeliverWebhookSignsWithTheAppSecret(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	ctx := context.Background()

	t.Run("an inbound text reaches a receiver that checks the signature", func(t *testing.T) {
		sb := wabsptest.NewServer()
		defer sb.Close()
		signup := sb.NewSignup()
		status, err := sb.DeliverWebhook(ctx, rc.URL, sb.InboundTextTo(signup.PhoneNumberID, "15551234567", "Hi, is my order ready?"))
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status)
		v := rc.last().Entry[0].Changes[0].Value
		var meta map[string]string
		require.NoError(t, json.Unmarshal(v["metadata"], &meta))
		assert.Equal(t, signup.PhoneNumberID, meta["phone_number_id"])
		assert.Regexp(t, `^1555\d{7}$`, meta["display_phone_number"])
		var msgs []struct {
			From, ID, Timestamp, Type string
			Text                      struct{ Body string }
		}
		require.NoError(t, json.Unmarshal(v["messages"], &msgs))
		require.Len(t, msgs, 1)
		assert.Equal(t, "15551234567", msgs[0].From)
		assert.Equal(t, "text", msgs[0].Type)
		assert.Equal(t, "Hi, is my order ready?", msgs[0].Text.Body)
		assert.Regexp(t, `^\d+$`, msgs[0].Timestamp, "timestamps are strings of Unix seconds")
	})
	t.Run("a sandbox with another app secret is refused by the receiver", func(t *testing.T) {
		other := wabsptest.NewServer(wabsptest.WithApp(wabsptest.AppID, "another-secret"))
		defer other.Close()
		body := wabsptest.PhoneNumberQualityUpdatePayload(wabsptest.QualityUpdateEvent{
			WABAID: "102290129340398", DisplayPhoneNumber: "15550100199", Event: "THROUGHPUT_UPGRADE",
		})
		status, err := other.DeliverWebhook(ctx, rc.URL, body)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, status)
	})
	t.Run("payload builders fill the documented fields", func(t *testing.T) {
		body := wabsptest.TemplateStatusUpdatePayload(wabsptest.TemplateStatusEvent{
			WABAID: "102290129340398", TemplateID: "18446744073709551615", Name: "n", Language: "en_US", Event: "APPROVED",
		})
		assert.True(t, bytes.Contains(body, []byte(`"message_template_id":18446744073709551615`)), "%s", body)
		assert.True(t, bytes.Contains(body, []byte(`"reason":"NONE"`)), "%s", body)
	})
}
