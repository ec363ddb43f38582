package wabsp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// plivoCallbackFixture is a recorded callback: its parameters as Plivo
// sends them.
type plivoCallbackFixture struct {
	Name   string            `json:"name"`
	Source string            `json:"source"`
	Params map[string]string `json:"params"`
}

func loadPlivoCallback(t *testing.T, name string) url.Values {
	t.Helper()
	raw, err := os.ReadFile("testdata/plivo_callbacks/" + name + ".json")
	require.NoError(t, err)
	var fx plivoCallbackFixture
	require.NoError(t, json.Unmarshal(raw, &fx))
	v := url.Values{}
	for k, x := range fx.Params {
		v.Set(k, x)
	}
	return v
}

func TestDecodePlivoCallbackReadsEachRecordedCallback(t *testing.T) {
	t.Parallel()
	t.Run("a delivered status with its conversation", func(t *testing.T) {
		t.Parallel()
		p := loadPlivoCallback(t, "status_delivered")
		s, in, err := wabsp.DecodePlivoCallback(p)
		require.NoError(t, err)
		assert.Nil(t, in)
		assert.Equal(t, &wabsp.PlivoStatusCallback{
			MessageUUID: "5b3d1a6e-9b7d-11ef-8a3c-0242ac110002", Status: wabsp.MessageDelivered,
			From: "14155550100", To: "14155550199", Type: "whatsapp",
			ConversationID: "c0ffee0123456789abcdef0123456789", ConversationOrigin: "marketing",
			ConversationExpiresAt: time.Unix(1796072400, 0).UTC(),
			TotalAmount:           "0.0250", TotalRate: "0.0250", Sequence: "3", Raw: p,
		}, s)
		assert.NoError(t, s.Err())
	})
	t.Run("a failed status outside the window matches ErrServiceWindowClosed", func(t *testing.T) {
		t.Parallel()
		s, _, err := wabsp.DecodePlivoCallback(loadPlivoCallback(t, "status_failed_window"))
		require.NoError(t, err)
		assert.Equal(t, wabsp.MessageFailed, s.Status)
		var waErr *wabsp.WhatsAppError
		require.ErrorAs(t, s.Err(), &waErr)
		assert.Equal(t, "131047", waErr.Code)
		assert.ErrorIs(t, s.Err(), wabsp.ErrServiceWindowClosed)
	})
	t.Run("an unknown code is kept without a sentinel", func(t *testing.T) {
		t.Parallel()
		s, _, err := wabsp.DecodePlivoCallback(loadPlivoCallback(t, "status_undelivered_unknown_code"))
		require.NoError(t, err)
		var waErr *wabsp.WhatsAppError
		require.ErrorAs(t, s.Err(), &waErr)
		assert.Equal(t, "900", waErr.Code)
		assert.Nil(t, waErr.Reason)
	})
	t.Run("sent and read statuses are not errors", func(t *testing.T) {
		t.Parallel()
		for _, name := range []string{"status_sent", "status_read"} {
			s, _, err := wabsp.DecodePlivoCallback(loadPlivoCallback(t, name))
			require.NoError(t, err)
			assert.NoError(t, s.Err(), name)
		}
	})
	t.Run("inbound text, media and a button reply", func(t *testing.T) {
		t.Parallel()
		p := loadPlivoCallback(t, "inbound_media")
		_, in, err := wabsp.DecodePlivoCallback(p)
		require.NoError(t, err)
		assert.Equal(t, &wabsp.PlivoInboundCallback{
			MessageUUID: "7c1e0f3a-9b7d-11ef-8a3c-0242ac110002", From: "14155550199", To: "14155550100", Type: "whatsapp",
			Body: "Here is the damage", ContentType: wabsp.InboundMedia, MimeType: "image/jpeg",
			MediaURLs: []string{"https://media.plivo.com/Account/MAXXXXXXXXXXXXXXXXXX/Message/7c1e0f3a/Media/1"}, Raw: p,
		}, in)

		_, in, err = wabsp.DecodePlivoCallback(loadPlivoCallback(t, "inbound_text"))
		require.NoError(t, err)
		assert.Equal(t, "Is my order on its way?", in.Body)
		assert.Equal(t, wabsp.InboundText, in.ContentType)

		_, in, err = wabsp.DecodePlivoCallback(loadPlivoCallback(t, "inbound_button"))
		require.NoError(t, err)
		assert.Equal(t, wabsp.InboundButton, in.ContentType)
		assert.Equal(t, map[string]string{"ContextMessageUUID": "5b3d1a6e-9b7d-11ef-8a3c-0242ac110002"}, in.Context)
	})
	t.Run("parameters without MessageUUID are refused", func(t *testing.T) {
		t.Parallel()
		_, _, err := wabsp.DecodePlivoCallback(url.Values{"Status": {"sent"}})
		assert.ErrorIs(t, err, wabsp.ErrNotAPlivoCallback)
	})
}

const callbackToken = "test-plivo-auth-token"

// postSigned posts params as a form to u, signed with X-Plivo-Signature-V3.
func postSigned(t *testing.T, u string, params url.Values, token string) *http.Response {
	t.Helper()
	const nonce = "05429567804466091622"
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(params.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(wabsp.PlivoSignatureV3NonceHeader, nonce)
	req.Header.Set(wabsp.PlivoSignatureV3Header, wabsp.SignPlivoV3(token, http.MethodPost, u, nonce, params))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newCallbackServer(t *testing.T, cfg wabsp.PlivoCallbackConfig) string {
	t.Helper()
	if cfg.AuthTokens == nil {
		cfg.AuthTokens = []string{callbackToken}
	}
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	h, err := wabsp.NewPlivoCallbackHandler(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/plivo/callbacks"
}

func TestPlivoCallbackHandlerProcessesEachEventOnceAndOnlyWhenSigned(t *testing.T) {
	t.Parallel()
	var got []wabsp.PlivoStatusCallback
	var mu sync.Mutex
	u := newCallbackServer(t, wabsp.PlivoCallbackConfig{OnStatus: func(_ context.Context, s wabsp.PlivoStatusCallback) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, s)
		return nil
	}})
	delivered := loadPlivoCallback(t, "status_delivered")

	assert.Equal(t, http.StatusOK, postSigned(t, u, delivered, callbackToken).StatusCode)
	assert.Equal(t, http.StatusOK, postSigned(t, u, delivered, callbackToken).StatusCode, "a redelivery is acknowledged")
	assert.Equal(t, http.StatusOK, postSigned(t, u, loadPlivoCallback(t, "status_read"), callbackToken).StatusCode)
	assert.Equal(t, http.StatusUnauthorized, postSigned(t, u, delivered, "another-token").StatusCode)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 2, "the redelivery and the forged one ran nothing")
	assert.Equal(t, wabsp.MessageDelivered, got[0].Status)
	assert.Equal(t, wabsp.MessageRead, got[1].Status)
}

func TestPlivoCallbackHandlerRefusesWhatItCannotTrust(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	u := newCallbackServer(t, wabsp.PlivoCallbackConfig{MaxBodyBytes: 4096,
		OnInbound: func(context.Context, wabsp.PlivoInboundCallback) error { calls.Add(1); return nil },
		OnStatus:  func(context.Context, wabsp.PlivoStatusCallback) error { calls.Add(1); return nil }})
	inbound := loadPlivoCallback(t, "inbound_text")
	send := func(method, target, contentType, body string, header map[string]string) int {
		req, err := http.NewRequest(method, target, strings.NewReader(body))
		require.NoError(t, err)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	t.Run("a changed parameter breaks the signature", func(t *testing.T) {
		const nonce = "1234"
		sig := wabsp.SignPlivoV3(callbackToken, "POST", u, nonce, inbound)
		tampered := loadPlivoCallback(t, "inbound_text")
		tampered.Set("Body", "send me the refund")
		assert.Equal(t, http.StatusUnauthorized, send("POST", u, "application/x-www-form-urlencoded", tampered.Encode(),
			map[string]string{wabsp.PlivoSignatureV3NonceHeader: nonce, wabsp.PlivoSignatureV3Header: sig}))
	})
	t.Run("no signature at all", func(t *testing.T) {
		assert.Equal(t, http.StatusUnauthorized, send("POST", u, "application/x-www-form-urlencoded", inbound.Encode(), nil))
	})
	t.Run("a V2 signature is refused unless allowed, because it does not cover the parameters", func(t *testing.T) {
		const nonce = "987"
		sig := wabsp.SignPlivoV2(callbackToken, u, nonce)
		assert.Equal(t, http.StatusUnauthorized, send("POST", u, "application/x-www-form-urlencoded", inbound.Encode(),
			map[string]string{wabsp.PlivoSignatureV2NonceHeader: nonce, wabsp.PlivoSignatureV2Header: sig}))
	})
	t.Run("a body over the cap", func(t *testing.T) {
		big := url.Values{"MessageUUID": {"x"}, "Body": {strings.Repeat("a", 5000)}}
		assert.Equal(t, http.StatusRequestEntityTooLarge, send("POST", u, "application/x-www-form-urlencoded", big.Encode(), nil))
	})
	t.Run("a JSON body", func(t *testing.T) {
		assert.Equal(t, http.StatusUnsupportedMediaType, send("POST", u, "application/json", `{"MessageUUID":"x"}`, nil))
	})
	t.Run("another method", func(t *testing.T) {
		assert.Equal(t, http.StatusMethodNotAllowed, send("PUT", u, "", "", nil))
	})
	t.Run("signed parameters that are no message callback", func(t *testing.T) {
		assert.Equal(t, http.StatusBadRequest, postSigned(t, u, url.Values{"Foo": {"bar"}}, callbackToken).StatusCode)
	})
	assert.Zero(t, calls.Load(), "nothing untrusted reached a callback")

	t.Run("a signed GET carries its parameters in the query", func(t *testing.T) {
		target := u + "?" + loadPlivoCallback(t, "status_sent").Encode()
		const nonce = "4321"
		sig := wabsp.SignPlivoV3(callbackToken, "GET", target, nonce, nil)
		assert.Equal(t, http.StatusOK, send("GET", target, "", "", map[string]string{wabsp.PlivoSignatureV3NonceHeader: nonce, wabsp.PlivoSignatureV3Header: sig}))
		assert.Equal(t, int64(1), calls.Load())
	})
}

func TestPlivoCallbackHandlerAcceptsV2WhenAllowedAndTheMainAccountHeader(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	u := newCallbackServer(t, wabsp.PlivoCallbackConfig{AllowV2: true, AuthTokens: []string{"subaccount-token", "main-token"},
		OnInbound: func(context.Context, wabsp.PlivoInboundCallback) error { calls.Add(1); return nil }})
	body := loadPlivoCallback(t, "inbound_text")
	req, _ := http.NewRequest("POST", u, strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(wabsp.PlivoSignatureV2NonceHeader, "55")
	req.Header.Set(wabsp.PlivoSignatureMaV2Header, wabsp.SignPlivoV2("main-token", u, "55"))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, int64(1), calls.Load())
}

func TestPlivoCallbackHandlerVerifiesAgainstThePublicURLBehindAProxy(t *testing.T) {
	t.Parallel()
	u := newCallbackServer(t, wabsp.PlivoCallbackConfig{PublicBaseURL: "https://hooks.example.com/"})
	params := loadPlivoCallback(t, "status_sent")
	const nonce = "77"
	req, _ := http.NewRequest("POST", u, strings.NewReader(params.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(wabsp.PlivoSignatureV3NonceHeader, nonce)
	req.Header.Set(wabsp.PlivoSignatureV3Header, wabsp.SignPlivoV3(callbackToken, "POST", "https://hooks.example.com/plivo/callbacks", nonce, params))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, http.StatusUnauthorized, postSigned(t, u, params, callbackToken).StatusCode, "signed for the internal URL")
}

func TestPlivoCallbackHandlerNeverAcknowledgesAnEventItDidNotFinish(t *testing.T) {
	t.Parallel()
	t.Run("a failing callback gets 500 and its retry is processed", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int64
		u := newCallbackServer(t, wabsp.PlivoCallbackConfig{OnInbound: func(context.Context, wabsp.PlivoInboundCallback) error {
			if calls.Add(1) == 1 {
				return errors.New("queue unavailable")
			}
			return nil
		}})
		in := loadPlivoCallback(t, "inbound_text")
		assert.Equal(t, http.StatusInternalServerError, postSigned(t, u, in, callbackToken).StatusCode)
		assert.Equal(t, http.StatusOK, postSigned(t, u, in, callbackToken).StatusCode)
		assert.Equal(t, http.StatusOK, postSigned(t, u, in, callbackToken).StatusCode)
		assert.Equal(t, int64(2), calls.Load())
	})
	t.Run("a panicking callback gets 500, the server survives, and the retry is processed", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int64
		u := newCallbackServer(t, wabsp.PlivoCallbackConfig{OnStatus: func(context.Context, wabsp.PlivoStatusCallback) error {
			if calls.Add(1) == 1 {
				panic("nil map")
			}
			return nil
		}})
		st := loadPlivoCallback(t, "status_failed_window")
		assert.Equal(t, http.StatusInternalServerError, postSigned(t, u, st, callbackToken).StatusCode)
		assert.Equal(t, http.StatusOK, postSigned(t, u, st, callbackToken).StatusCode)
		assert.Equal(t, int64(2), calls.Load())
	})
	t.Run("a redelivery while the first is running gets 503", func(t *testing.T) {
		t.Parallel()
		entered, release := make(chan struct{}), make(chan struct{})
		var calls atomic.Int64
		u := newCallbackServer(t, wabsp.PlivoCallbackConfig{OnInbound: func(context.Context, wabsp.PlivoInboundCallback) error {
			if calls.Add(1) == 1 {
				close(entered)
				<-release
			}
			return nil
		}})
		in := loadPlivoCallback(t, "inbound_text")
		first := make(chan int)
		go func() { first <- postSigned(t, u, in, callbackToken).StatusCode }()
		<-entered
		assert.Equal(t, http.StatusServiceUnavailable, postSigned(t, u, in, callbackToken).StatusCode)
		close(release)
		assert.Equal(t, http.StatusOK, <-first)
		assert.Equal(t, http.StatusOK, postSigned(t, u, in, callbackToken).StatusCode)
		assert.Equal(t, int64(1), calls.Load())
	})
}

// recordingObserver records what the handler told it.
type recordingObserver struct {
	mu       sync.Mutex
	inbound  []string
	statuses []wabsp.MessageStatusValue
	fail     bool
}

func (o *recordingObserver) ObserveInbound(_ context.Context, phone, customer string, m wabsp.PlivoInboundCallback) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail {
		return errors.New("store down")
	}
	o.inbound = append(o.inbound, phone+"<-"+customer)
	return nil
}

func (o *recordingObserver) ObserveStatus(_ context.Context, _, _ string, s wabsp.PlivoStatusCallback) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.statuses = append(o.statuses, s.Status)
	return nil
}

func TestPlivoCallbackHandlerFeedsTheObserverBeforeTheCallbacks(t *testing.T) {
	t.Parallel()
	obs := &recordingObserver{fail: true}
	var calls atomic.Int64
	u := newCallbackServer(t, wabsp.PlivoCallbackConfig{Observer: obs,
		OnInbound: func(context.Context, wabsp.PlivoInboundCallback) error { calls.Add(1); return nil }})
	in := loadPlivoCallback(t, "inbound_text")
	assert.Equal(t, http.StatusInternalServerError, postSigned(t, u, in, callbackToken).StatusCode, "the window could not be recorded")
	assert.Zero(t, calls.Load())

	obs.mu.Lock()
	obs.fail = false
	obs.mu.Unlock()
	assert.Equal(t, http.StatusOK, postSigned(t, u, in, callbackToken).StatusCode)
	for _, name := range []string{"status_sent", "status_delivered", "status_read", "status_failed_window"} {
		assert.Equal(t, http.StatusOK, postSigned(t, u, loadPlivoCallback(t, name), callbackToken).StatusCode, name)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	assert.Equal(t, []string{"14155550100<-14155550199"}, obs.inbound)
	assert.Equal(t, []wabsp.MessageStatusValue{wabsp.MessageDelivered, wabsp.MessageRead, wabsp.MessageFailed}, obs.statuses, "sent is not observed")
	assert.Equal(t, int64(1), calls.Load())
}

func TestNewPlivoCallbackHandlerNeedsAnAuthTokenAndKeepsItOutOfItsString(t *testing.T) {
	t.Parallel()
	_, err := wabsp.NewPlivoCallbackHandler(wabsp.PlivoCallbackConfig{PublicBaseURL: "hooks.example.com", MaxBodyBytes: -1})
	assert.Equal(t, []string{"AuthTokens", "PublicBaseURL", "MaxBodyBytes"}, fieldsOf(t, err))

	h, err := wabsp.NewPlivoCallbackHandler(wabsp.PlivoCallbackConfig{AuthTokens: []string{"very-secret-token"}})
	require.NoError(t, err)
	assert.NotContains(t, h.String(), "very-secret-token")
}
