package wabsptest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/policy"
	"github.com/wabsp/wabsp/wabsptest"
)

const (
	business = "+14155550100"
	alice    = "+14155550111"
	bob      = "+14155550122"
)

// messagingRig is a Tech Provider's messaging stack on the sandbox: a
// policy tracker on the sandbox's clock, a sender, and the callback handler
// feeding the tracker.
type messagingRig struct {
	sb       *wabsptest.Server
	client   *wabsp.Client
	sender   *wabsp.MessageSender
	tracker  *policy.Tracker
	hooks    *httptest.Server
	mu       sync.Mutex
	statuses []wabsp.PlivoStatusCallback
	inbound  []wabsp.PlivoInboundCallback
}

func newMessagingRig(t *testing.T, limit int) *messagingRig {
	t.Helper()
	r := &messagingRig{sb: wabsptest.NewServer(wabsptest.WithMessagingLimit(limit))}
	t.Cleanup(r.sb.Close)
	r.client = r.sb.Client()
	var err error
	r.tracker, err = policy.NewTracker(policy.WithClock(r.sb.Now))
	require.NoError(t, err)
	require.NoError(t, r.tracker.ObserveTierChange(context.Background(),
		policy.TierChange{PhoneNumberID: wabsp.DigitsOnly(business), Tier: policy.TierForLimit(limit)}))
	adapter := policy.SendPolicyFor(r.tracker)
	h, err := r.client.NewPlivoCallbackHandler(wabsp.PlivoCallbackConfig{
		Observer: adapter, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnStatus: func(_ context.Context, s wabsp.PlivoStatusCallback) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.statuses = append(r.statuses, s)
			return nil
		},
		OnInbound: func(_ context.Context, m wabsp.PlivoInboundCallback) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.inbound = append(r.inbound, m)
			return nil
		},
	})
	require.NoError(t, err)
	r.hooks = httptest.NewServer(h)
	t.Cleanup(r.hooks.Close)
	r.sb.SetPlivoMessageURL(r.hooks.URL + "/plivo/inbound")
	r.sender, err = r.client.NewMessageSender(wabsp.MessageSenderConfig{Policy: adapter})
	require.NoError(t, err)
	return r
}

func (r *messagingRig) lastStatus() wabsp.PlivoStatusCallback {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.statuses[len(r.statuses)-1]
}

func (r *messagingRig) statusesOf(uuid string) []wabsp.MessageStatusValue {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []wabsp.MessageStatusValue
	for _, s := range r.statuses {
		if s.MessageUUID == uuid {
			out = append(out, s.Status)
		}
	}
	return out
}

func (r *messagingRig) template(to string) wabsp.MessageRequest {
	return wabsp.MessageRequest{From: business, To: to, StatusCallbackURL: r.hooks.URL + "/plivo/status",
		Template: &wabsp.TemplateMessage{Name: "welcome", Language: "en", Category: wabsp.CategoryUtility}}
}

func (r *messagingRig) text(to, body string) wabsp.MessageRequest {
	return wabsp.MessageRequest{From: business, To: to, Text: body, StatusCallbackURL: r.hooks.URL + "/plivo/status"}
}

func TestSandboxPlaysAConversationUnderWhatsAppsRules(t *testing.T) {
	t.Parallel()
	r := newMessagingRig(t, 1)
	ctx := context.Background()

	resp, err := r.sender.Send(ctx, r.template(alice))
	require.NoError(t, err)
	assert.Equal(t, []wabsp.MessageStatusValue{wabsp.MessageQueued, wabsp.MessageSent, wabsp.MessageDelivered},
		r.statusesOf(resp.MessageUUID()), "signed status callbacks arrive before the send returns")

	_, err = r.sender.Send(ctx, r.text(alice, "Hello?"))
	assert.ErrorIs(t, err, wabsp.ErrServiceWindowClosed, "the customer has not written yet")

	status, err := r.sb.CustomerMessage(ctx, alice, business, "Where is my order?")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	r.mu.Lock()
	require.Len(t, r.inbound, 1)
	assert.Equal(t, "Where is my order?", r.inbound[0].Body)
	assert.Equal(t, wabsp.DigitsOnly(alice), r.inbound[0].From)
	r.mu.Unlock()

	resp, err = r.sender.Send(ctx, r.text(alice, "It ships today."))
	require.NoError(t, err)
	assert.Equal(t, wabsp.MessageDelivered, r.lastStatus().Status)
	assert.Equal(t, resp.MessageUUID(), r.lastStatus().MessageUUID)

	_, err = r.sender.Send(ctx, r.template(bob))
	var limit *wabsp.MessagingLimitError
	require.ErrorAs(t, err, &limit, "the limit of 1 went to alice's conversation")

	r.sb.AdvanceClock(25 * time.Hour)
	_, err = r.sender.Send(ctx, r.text(alice, "Anything else?"))
	var closed *wabsp.ServiceWindowClosedError
	require.ErrorAs(t, err, &closed)
	assert.False(t, closed.ClosedAt.IsZero())

	_, err = r.sender.Send(ctx, r.template(bob))
	assert.NoError(t, err, "a day later the slot is free")

	sent := r.sb.SentMessages()
	require.Len(t, sent, 3, "refusals never reached Plivo")
	assert.Equal(t, []string{"template", "text", "template"}, []string{sent[0].Kind, sent[1].Kind, sent[2].Kind})
}

func TestSandboxFailsWhatMetaWouldRefuseInTheStatusCallback(t *testing.T) {
	t.Parallel()
	r := newMessagingRig(t, 1)
	ctx := context.Background()

	// Sent without the policy check, as a system that ignores the rules.
	resp, err := r.client.SendMessage(ctx, r.text(alice, "Hi there"))
	require.NoError(t, err, "Plivo accepts the message: WhatsApp refuses it afterwards")
	last := r.lastStatus()
	assert.Equal(t, resp.MessageUUID(), last.MessageUUID)
	assert.Equal(t, wabsp.MessageFailed, last.Status)
	assert.ErrorIs(t, last.Err(), wabsp.ErrServiceWindowClosed)

	_, err = r.client.SendMessage(ctx, r.template(alice))
	require.NoError(t, err)
	_, err = r.client.SendMessage(ctx, r.template(bob))
	require.NoError(t, err)
	assert.Equal(t, wabsptest.ErrorCodeLimitReached, r.lastStatus().ErrorCode)
	assert.ErrorIs(t, r.lastStatus().Err(), wabsp.ErrMessagingLimitReached)
}

func TestSandboxMessageAPIAnswersFaultsAndBadBodies(t *testing.T) {
	t.Parallel()
	r := newMessagingRig(t, 5)
	ctx := context.Background()

	r.sb.FailNext(1, wabsptest.Fault{Status: http.StatusInternalServerError, PathPrefix: "/v1/Account/"})
	_, err := r.client.SendMessage(ctx, r.template(alice))
	var serverErr *wabsp.ServerError
	require.ErrorAs(t, err, &serverErr)
	assert.Equal(t, 1, serverErr.Attempts, "a send that may have gone out is not repeated")

	r.sb.FailNext(2, wabsptest.Fault{Status: http.StatusTooManyRequests, PathPrefix: "/v1/Account/"})
	_, err = r.client.SendMessage(ctx, r.template(alice))
	require.NoError(t, err, "a 429 is repeated: Plivo did not take the message")
	assert.Len(t, r.sb.SentMessages(), 1)

	post := func(body string) int {
		req, _ := http.NewRequest(http.MethodPost, r.sb.URL()+"/v1/Account/"+wabsptest.AuthID+"/Message/", bytes.NewBufferString(body))
		req.SetBasicAuth(wabsptest.AuthID, wabsptest.AuthToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusBadRequest, post(`{"src":"14155550100","dst":"14155550111","type":"sms","text":"hi"}`))
	assert.Equal(t, http.StatusBadRequest, post(`{"src":"14155550100","dst":"US.1234","type":"whatsapp","text":"hi"}`))
	assert.Equal(t, http.StatusBadRequest, post(`{"src":"14155550100","dst":"14155550111","type":"whatsapp","text":"hi","location":{"latitude":"1","longitude":"2"}}`))
	assert.Equal(t, http.StatusBadRequest, post(`{"src":"14155550100","dst":"14155550111","type":"whatsapp","template":{"name":"x"}}`))
	assert.Equal(t, http.StatusAccepted, post(`{"src":"14155550100","dst":"14155550111","type":"whatsapp","text":"caption","media_urls":["https://x.example/a.jpg"]}`))

	_, err = r.sb.Client(wabsp.WithPlivoCredentials(wabsptest.AuthID, "wrong-token")).SendMessage(ctx, r.template(alice))
	assert.True(t, errors.As(err, new(*wabsp.AuthenticationError)))
}
