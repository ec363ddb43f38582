package policy_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp/policy"
)

func TestHTTPHandlerAnswersTheQuestionsAsJSON(t *testing.T) {
	t.Parallel()
	tr, c := newTracker(t)
	ctx := context.Background()
	require.NoError(t, tr.ObserveTierChange(ctx, policy.TierChange{PhoneNumberID: phoneID, Tier: policy.Tier1K}))
	require.NoError(t, tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phoneID, CustomerWAID: alice, At: t0}))
	require.NoError(t, tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phoneID, CustomerUserID: kerryUser, At: t0}))
	_, err := tr.ObserveSent(ctx, policy.Sent{PhoneNumberID: phoneID, CustomerWAID: bob, At: t0, Template: true})
	require.NoError(t, err)
	c.Set(t0.Add(policy.Day - time.Second))

	mux := http.NewServeMux()
	mux.Handle("/policy/", policy.NewHTTPHandler(tr, slog.New(slog.NewTextHandler(io.Discard, nil))))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	tests := []struct {
		name   string
		method string
		path   string
		status int
		body   string
	}{
		{"the window question says open until 24 hours after the last message", "GET",
			"/policy/window?phone_number_id=" + phoneID + "&wa_id=" + alice, 200,
			`{"phone_number_id":"106540352242922","wa_id":"447700900001","open":true,"until":"2025-03-02T12:00:00Z","last_inbound":"2025-03-01T12:00:00Z"}`},
		{"a username-only customer is asked about by BSUID", "GET",
			"/policy/window?phone_number_id=" + phoneID + "&user_id=" + kerryUser, 200,
			`{"phone_number_id":"106540352242922","user_id":"US.13491208655302741918","open":true,"until":"2025-03-02T12:00:00Z","last_inbound":"2025-03-01T12:00:00Z"}`},
		{"the window question for a customer who never wrote says closed", "GET",
			"/policy/window?phone_number_id=" + phoneID + "&wa_id=" + bob, 200,
			`{"phone_number_id":"106540352242922","wa_id":"447700900002","open":false}`},
		{"the limit question gives tier, use and the next free slot", "GET",
			"/policy/limit?phone_number_id=" + phoneID, 200,
			`{"phone_number_id":"106540352242922","portfolio_id":"106540352242922","tier":"TIER_1K","tier_known":true,"unlimited":false,"limit":1000,"used":1,"remaining":999,"next_slot_at":"2025-03-02T12:00:00Z"}`},
		{"the conversation question says bob is inside an open conversation", "GET",
			"/policy/conversation?phone_number_id=" + phoneID + "&wa_id=" + bob, 200,
			`{"phone_number_id":"106540352242922","wa_id":"447700900002","kind":"open_conversation","free_form":false,"conversation_until":"2025-03-02T12:00:00Z","limit":{"phone_number_id":"106540352242922","portfolio_id":"106540352242922","tier":"TIER_1K","tier_known":true,"unlimited":false,"limit":1000,"used":1,"remaining":999,"next_slot_at":"2025-03-02T12:00:00Z"}}`},
		{"a missing wa_id is a 400 naming it", "GET",
			"/policy/window?phone_number_id=" + phoneID, 400,
			`{"error":"policy: invalid input: query: wa_id or user_id is required"}`},
		{"a missing phone_number_id is a 400 naming it", "GET",
			"/policy/limit", 400,
			`{"error":"policy: invalid input: query: phone_number_id is required"}`},
		{"a POST is refused", "POST",
			"/policy/limit?phone_number_id=" + phoneID, 405,
			`{"error":"method not allowed"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			require.NoError(t, err)
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.JSONEq(t, tt.body, string(body))
		})
	}
}

func TestHTTPHandlerReportsAnUnlimitedTierWithoutNumbers(t *testing.T) {
	t.Parallel()
	tr, _ := newTracker(t)
	require.NoError(t, tr.ObserveTierChange(context.Background(), policy.TierChange{PhoneNumberID: phoneID, Tier: policy.TierUnlimited}))
	rec := httptest.NewRecorder()
	policy.NewHTTPHandler(tr, nil).ServeHTTP(rec, httptest.NewRequest("GET", "/policy/limit?phone_number_id="+phoneID, nil))
	assert.Equal(t, 200, rec.Code)
	assert.JSONEq(t, `{"phone_number_id":"106540352242922","portfolio_id":"106540352242922","tier":"TIER_UNLIMITED","tier_known":true,"unlimited":true,"used":0}`, rec.Body.String())
}

func TestHTTPHandlerHidesStoreErrors(t *testing.T) {
	t.Parallel()
	tr, _ := newTracker(t, policy.WithStore(brokenStore{}))
	var logged strings.Builder
	h := policy.NewHTTPHandler(tr, slog.New(slog.NewTextHandler(&logged, nil)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/policy/window?phone_number_id="+phoneID+"&wa_id="+alice, nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	var body map[string]string
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
	assert.Equal(t, map[string]string{"error": "policy store unavailable"}, body)
	assert.NotContains(t, rec.Body.String(), "10.0.0.7")
	assert.Contains(t, logged.String(), "10.0.0.7", "the operator still learns what failed")
}

// brokenStore fails every read like an unreachable Redis.
type brokenStore struct{ policy.Store }

func (brokenStore) Snapshot(context.Context, string, string, time.Time) (policy.Snapshot, error) {
	return policy.Snapshot{}, errors.New("dial tcp 10.0.0.7:6379: connect: connection refused")
}
