package wabsp_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/policy"
)

const sendURL = "https://api.plivo.com/v1/Account/" + testAuthID + "/Message/"

// testClock is a clock the test moves.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type senderRig struct {
	clock   *testClock
	tracker *policy.Tracker
	sender  *wabsp.MessageSender
	optOuts *wabsp.MemoryMarketingOptOuts
	sends   atomic.Int64
	status  atomic.Int64 // the status Plivo answers
}

// newSenderRig wires a sender to an in-memory tracker whose business
// number may start limit new conversations a day, and a mocked Plivo.
func newSenderRig(t *testing.T, limit int) *senderRig {
	t.Helper()
	r := &senderRig{clock: &testClock{now: time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)}, optOuts: wabsp.NewMemoryMarketingOptOuts()}
	r.status.Store(http.StatusAccepted)
	var err error
	r.tracker, err = policy.NewTracker(policy.WithClock(r.clock.Now))
	require.NoError(t, err)
	require.NoError(t, r.tracker.ObserveTierChange(context.Background(),
		policy.TierChange{PhoneNumberID: wabsp.DigitsOnly(testBusinessNumber), Tier: policy.TierForLimit(limit)}))
	c, mt := newMockedClient(t)
	mt.RegisterResponder(http.MethodPost, sendURL, func(*http.Request) (*http.Response, error) {
		r.sends.Add(1)
		st := int(r.status.Load())
		if st != http.StatusAccepted {
			return httpmock.NewStringResponse(st, `{"api_id":"x","error":"refused"}`), nil
		}
		return httpmock.NewStringResponse(st, `{"api_id":"x","message":"message(s) queued","message_uuid":["u1"]}`), nil
	})
	r.sender, err = c.NewMessageSender(wabsp.MessageSenderConfig{Policy: policy.SendPolicyFor(r.tracker), OptOuts: r.optOuts})
	require.NoError(t, err)
	return r
}

func textTo(to string) wabsp.MessageRequest {
	return wabsp.MessageRequest{From: testBusinessNumber, To: to, Text: "Thanks for your message"}
}

func templateTo(to string, category wabsp.TemplateCategory) wabsp.MessageRequest {
	return wabsp.MessageRequest{From: testBusinessNumber, To: to,
		Template: &wabsp.TemplateMessage{Name: "welcome", Language: "en", Category: category}}
}

func (r *senderRig) used(t *testing.T) int {
	l, err := r.tracker.Limit(context.Background(), wabsp.DigitsOnly(testBusinessNumber))
	require.NoError(t, err)
	return l.Used
}

func TestMessageSenderSendsFreeFormOnlyInsideTheWindow(t *testing.T) {
	t.Parallel()
	r := newSenderRig(t, 2)
	ctx := context.Background()

	_, err := r.sender.Send(ctx, textTo(testCustomer))
	var closed *wabsp.ServiceWindowClosedError
	require.ErrorAs(t, err, &closed)
	assert.True(t, closed.ClosedAt.IsZero(), "the customer never wrote")
	assert.ErrorIs(t, err, wabsp.ErrServiceWindowClosed)

	wroteAt := r.clock.Now()
	require.NoError(t, policy.SendPolicyFor(r.tracker).ObserveInbound(ctx, wabsp.DigitsOnly(testBusinessNumber), wabsp.DigitsOnly(testCustomer), wabsp.PlivoInboundCallback{}))
	r.clock.Advance(23 * time.Hour)
	resp, err := r.sender.Send(ctx, textTo(testCustomer))
	require.NoError(t, err)
	assert.Equal(t, "u1", resp.MessageUUID())

	r.clock.Advance(time.Hour)
	_, err = r.sender.Send(ctx, textTo(testCustomer))
	require.ErrorAs(t, err, &closed)
	assert.Equal(t, wroteAt.Add(24*time.Hour), closed.ClosedAt)
	assert.Contains(t, err.Error(), "2026-11-30T09:00:00Z")
	assert.Equal(t, int64(1), r.sends.Load(), "refusals sent nothing")
	assert.Zero(t, r.used(t), "free-form messages count nothing")
}

func TestMessageSenderCountsTemplatesAgainstTheLimitAndSaysWhenCapacityFrees(t *testing.T) {
	t.Parallel()
	r := newSenderRig(t, 2)
	ctx := context.Background()
	first := r.clock.Now()
	_, err := r.sender.Send(ctx, templateTo("+14155550001", wabsp.CategoryUtility))
	require.NoError(t, err)
	r.clock.Advance(time.Hour)
	_, err = r.sender.Send(ctx, templateTo("+14155550002", wabsp.CategoryUtility))
	require.NoError(t, err)
	_, err = r.sender.Send(ctx, templateTo("+14155550001", wabsp.CategoryUtility))
	require.NoError(t, err, "a second template to a counted customer adds nobody")
	assert.Equal(t, 2, r.used(t))

	_, err = r.sender.Send(ctx, templateTo("+14155550003", wabsp.CategoryUtility))
	var limit *wabsp.MessagingLimitError
	require.ErrorAs(t, err, &limit)
	assert.ErrorIs(t, err, wabsp.ErrMessagingLimitReached)
	// Meta counts unique customers over a moving day: both stay counted a
	// day after their latest template, sent an hour after the first.
	assert.Equal(t, first.Add(25*time.Hour), limit.FreesAt)
	assert.Equal(t, 2, limit.Used)
	assert.Equal(t, 2, limit.Max)
	assert.Equal(t, int64(3), r.sends.Load())

	r.clock.Advance(24 * time.Hour)
	_, err = r.sender.Send(ctx, templateTo("+14155550003", wabsp.CategoryUtility))
	assert.NoError(t, err, "the customers left the moving 24 hours")
}

func TestMessageSenderReleasesTheReservationOnlyWhenPlivoRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("a 400 gives the slot back", func(t *testing.T) {
		t.Parallel()
		r := newSenderRig(t, 1)
		r.status.Store(http.StatusBadRequest)
		_, err := r.sender.Send(ctx, templateTo("+14155550001", wabsp.CategoryUtility))
		require.ErrorAs(t, err, new(*wabsp.BadRequestError))
		assert.Zero(t, r.used(t))

		r.status.Store(http.StatusAccepted)
		_, err = r.sender.Send(ctx, templateTo("+14155550002", wabsp.CategoryUtility))
		assert.NoError(t, err, "the released slot is free for another customer")
	})
	t.Run("a 500 keeps it: Plivo may have queued the message", func(t *testing.T) {
		t.Parallel()
		r := newSenderRig(t, 1)
		r.status.Store(http.StatusInternalServerError)
		_, err := r.sender.Send(ctx, templateTo("+14155550001", wabsp.CategoryUtility))
		require.ErrorAs(t, err, new(*wabsp.ServerError))
		assert.Equal(t, 1, r.used(t))
		assert.Equal(t, int64(1), r.sends.Load(), "not repeated")
	})
}

func TestMessageSenderRefusesMarketingToACustomerWhoOptedOut(t *testing.T) {
	t.Parallel()
	r := newSenderRig(t, 5)
	ctx := context.Background()
	r.optOuts.Record(wabsp.DigitsOnly(testBusinessNumber), testCustomer, "stop")

	_, err := r.sender.Send(ctx, templateTo(testCustomer, wabsp.CategoryMarketing))
	var out *wabsp.MarketingOptOutError
	require.ErrorAs(t, err, &out)
	assert.ErrorIs(t, err, wabsp.ErrMarketingOptedOut)
	assert.Zero(t, r.used(t), "nothing reserved for a refused template")

	held := templateTo(testCustomer, "")
	held.HeldTemplate = &wabsp.Template{Name: "welcome", Language: "en", Category: wabsp.CategoryMarketing}
	_, err = r.sender.Send(ctx, held)
	assert.ErrorIs(t, err, wabsp.ErrMarketingOptedOut, "the held template's category counts too")

	_, err = r.sender.Send(ctx, templateTo(testCustomer, wabsp.CategoryUtility))
	assert.NoError(t, err, "utility templates are not marketing")

	r.optOuts.Record(wabsp.DigitsOnly(testBusinessNumber), testCustomer, "resume")
	_, err = r.sender.Send(ctx, templateTo(testCustomer, wabsp.CategoryMarketing))
	assert.NoError(t, err)
}

func TestNewMessageSenderNeedsAPolicy(t *testing.T) {
	t.Parallel()
	c, _ := newMockedClient(t)
	_, err := c.NewMessageSender(wabsp.MessageSenderConfig{})
	assert.Equal(t, []string{"Policy"}, fieldsOf(t, err))
}
