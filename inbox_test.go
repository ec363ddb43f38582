package wabsp_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/inbox/inboxtest"
)

func TestMemoryInboxQueue(t *testing.T) {
	t.Parallel()
	inboxtest.RunQueueTests(t, inboxtest.Setup{
		NewQueues: func(t *testing.T, n int, visibility time.Duration) []wabsp.InboxQueue {
			q := wabsp.NewMemoryInboxQueue(wabsp.WithMemoryInboxVisibility(visibility))
			qs := make([]wabsp.InboxQueue, n)
			for i := range qs {
				qs[i] = q
			}
			return qs
		},
	})
}

// failingQueue is a queue whose Add fails, or waits for its context.
type failingQueue struct {
	wabsp.InboxQueue
	hang bool
}

func (f failingQueue) Add(ctx context.Context, _ []byte, _ time.Time) error {
	if f.hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return errors.New("connection refused")
}

func TestInboxIngestAcknowledgesOnlyWhatItStored(t *testing.T) {
	t.Parallel()
	body := inboxtest.StatusDelivery("wamid.ingest")
	signed := wabsp.SignWebhookBody(inboxtest.AppSecret, body)
	for _, tc := range []struct {
		name       string
		queue      func() wabsp.InboxQueue
		body       []byte
		signature  string
		wantStatus int
		wantStored int64
	}{
		{"a signed delivery is stored and answered 200", nil, body, signed, http.StatusOK, 1},
		{"a bad signature is refused and not stored", nil, body, wabsp.SignWebhookBody("other", body), http.StatusUnauthorized, 0},
		{"a missing signature is refused and not stored", nil, body, "", http.StatusUnauthorized, 0},
		{"a body over the cap is refused and not stored", nil, bytes.Repeat([]byte("x"), 2048), "", http.StatusRequestEntityTooLarge, 0},
		{"a queue that fails is answered 503", func() wabsp.InboxQueue { return failingQueue{} }, body, signed, http.StatusServiceUnavailable, 0},
		{"a queue slower than AckTimeout is answered 503", func() wabsp.InboxQueue { return failingQueue{hang: true} }, body, signed, http.StatusServiceUnavailable, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mem := wabsp.NewMemoryInboxQueue()
			q := wabsp.InboxQueue(mem)
			if tc.queue != nil {
				q = tc.queue()
			}
			h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{AppSecrets: []string{inboxtest.AppSecret}, MaxBodyBytes: 1024})
			require.NoError(t, err)
			cfg := inboxtest.Quick(1, 1)
			cfg.AckTimeout = 20 * time.Millisecond
			in, err := wabsp.NewInbox(h, q, cfg)
			require.NoError(t, err)
			req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(tc.body))
			if tc.signature != "" {
				req.Header.Set(wabsp.WebhookSignatureHeader, tc.signature)
			}
			rec := httptest.NewRecorder()
			in.ServeHTTP(rec, req)
			assert.Equal(t, tc.wantStatus, rec.Code)
			st, err := mem.Stats(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tc.wantStored, st.Lag)
			if tc.wantStored == 1 {
				got, err := mem.Read(context.Background(), "c", 1, 0)
				require.NoError(t, err)
				require.Len(t, got, 1)
				assert.Equal(t, body, got[0].Body, "the raw body is stored byte for byte")
			}
		})
	}
}

func TestInboxAnswersTheSubscriptionChallenge(t *testing.T) {
	t.Parallel()
	h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{AppSecrets: []string{"s"}, VerifyToken: "tok"})
	require.NoError(t, err)
	in, err := wabsp.NewInbox(h, wabsp.NewMemoryInboxQueue(), wabsp.InboxConfig{})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	in.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?hub.mode=subscribe&hub.verify_token=tok&hub.challenge=42", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "42", rec.Body.String())
}

func TestInboxFullMemoryQueueAnswers503(t *testing.T) {
	t.Parallel()
	h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{AppSecrets: []string{inboxtest.AppSecret}})
	require.NoError(t, err)
	in, err := wabsp.NewInbox(h, wabsp.NewMemoryInboxQueue(wabsp.WithMemoryInboxMaxLen(1)), inboxtest.Quick(1, 1))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, inboxtest.Ingest(in, inboxtest.StatusDelivery("wamid.1")))
	assert.Equal(t, http.StatusServiceUnavailable, inboxtest.Ingest(in, inboxtest.StatusDelivery("wamid.2")))
	st, err := in.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(1), st.Ingested)
	assert.Equal(t, int64(1), st.IngestFailed)
}

func TestNewInboxRefusesBadConfig(t *testing.T) {
	t.Parallel()
	h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{AppSecrets: []string{"s"}})
	require.NoError(t, err)
	_, err = wabsp.NewInbox(nil, nil, wabsp.InboxConfig{Workers: -1, Backoff: -time.Second})
	require.Error(t, err)
	assert.ElementsMatch(t, []string{"handler", "queue", "Workers", "Backoff"}, fieldsOf(t, err))
	_, err = wabsp.NewInbox(h, wabsp.NewMemoryInboxQueue(), wabsp.InboxConfig{MaxAttempts: -1})
	assert.Equal(t, []string{"MaxAttempts"}, fieldsOf(t, err))
}

func TestInboxDeadLetterErrorIsBounded(t *testing.T) {
	t.Parallel()
	var statuses []string
	for i := range 200 {
		statuses = append(statuses, `{"id":"wamid.bounded-`+strconv.Itoa(i)+`","status":"sent","timestamp":"1731456010","recipient_id":"16315551181"}`)
	}
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"2"},"statuses":[` +
		strings.Join(statuses, ",") + `]}}]}]}`)
	q := wabsp.NewMemoryInboxQueue()
	in := inboxtest.NewInbox(t, q, nil, 0, inboxtest.Quick(1, 1), func(context.Context, wabsp.StatusUpdate) error {
		return errors.New("the downstream system refused this status update")
	})
	require.Equal(t, http.StatusOK, inboxtest.Ingest(in, body))
	inboxtest.Start(t, in)
	require.Eventually(t, func() bool { st, _ := q.Stats(context.Background()); return st.DeadLetters == 1 },
		60*time.Second, 5*time.Millisecond)
	dead, err := in.DeadLetters(context.Background(), 1)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.LessOrEqual(t, len(dead[0].Err), 4<<10+64)
	assert.Contains(t, dead[0].Err, "status:wamid.bounded-0:sent")
	assert.Contains(t, dead[0].Err, "more bytes)")
}
