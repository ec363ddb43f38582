package wabsp_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

var signupRequest = wabsp.EmbeddedSignupRequest{WABAID: "109876543210987", BusinessID: "198765432109876", PhoneNumberID: "112233445566778", ClientRef: "customer-12345"}

// sequence answers each request with the next fixture, repeating the last.
func sequence(t *testing.T, fxs ...*fixture.Fixture) (httpmock.Responder, *atomic.Int64) {
	var n atomic.Int64
	return func(req *http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		if i >= len(fxs) {
			i = len(fxs) - 1
		}
		fxs[i].AssertRequest(t, req)
		return fxs[i].HTTPResponse(req), nil
	}, &n
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	fx := fixture.Glob(t, "testdata/embeddedsignup/*.json")
	url := fx["success"].Request.URL
	tests := []struct {
		name      string
		answers   []*fixture.Fixture
		wantCalls int64
		check     func(t *testing.T, resp *wabsp.EmbeddedSignupResponse, err error)
	}{
		{"500, 500, 200 succeeds on the third attempt", []*fixture.Fixture{fx["server_error"], fx["server_error"], fx["success"]}, 3,
			func(t *testing.T, resp *wabsp.EmbeddedSignupResponse, err error) {
				require.NoError(t, err)
				assert.Equal(t, "109876543210987", resp.WABAID)
			}},
		{"500 every time gives up with a ServerError counting the attempts", []*fixture.Fixture{fx["server_error"]}, 3,
			func(t *testing.T, _ *wabsp.EmbeddedSignupResponse, err error) {
				var se *wabsp.ServerError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, 3, se.Attempts)
				assert.Equal(t, 500, se.StatusCode)
			}},
		{"400 is tried once", []*fixture.Fixture{fx["phone_registered_elsewhere"], fx["success"]}, 1,
			func(t *testing.T, _ *wabsp.EmbeddedSignupResponse, err error) {
				assert.ErrorIs(t, err, wabsp.ErrPhoneNumberRegisteredElsewhere)
			}},
		{"401 is tried once", []*fixture.Fixture{fx["unauthorized"], fx["success"]}, 1,
			func(t *testing.T, _ *wabsp.EmbeddedSignupResponse, err error) {
				assert.True(t, isType[*wabsp.AuthenticationError](err))
			}},
		{"a retry after a lost success meets already-onboarded, which the caller can tell", []*fixture.Fixture{fx["server_error"], fx["already_onboarded"]}, 2,
			func(t *testing.T, _ *wabsp.EmbeddedSignupResponse, err error) {
				require.ErrorIs(t, err, wabsp.ErrWABAAlreadyOnboarded)
				var bad *wabsp.BadRequestError
				require.ErrorAs(t, err, &bad)
				assert.Equal(t, 2, bad.Attempts, "the error says a retry happened")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockedClient(t)
			responder, calls := sequence(t, tt.answers...)
			mt.RegisterResponder(http.MethodPost, url, responder)
			resp, err := c.EmbeddedSignup(context.Background(), signupRequest)
			tt.check(t, resp, err)
			assert.Equal(t, tt.wantCalls, calls.Load())
		})
	}
}

func rateLimited(retryAfter string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(http.StatusTooManyRequests, `{"api_id":"rl-1","error":"Too many requests."}`)
		if retryAfter != "" {
			resp.Header.Set("Retry-After", retryAfter)
		}
		resp.Request = req
		return resp, nil
	}
}

func TestRateLimitWaitsAsRetryAfterSays(t *testing.T) {
	t.Parallel()
	success := fixture.Load(t, "testdata/embeddedsignup/success.json")
	c, mt := newMockedClient(t)
	var times []time.Time
	first := rateLimited("1")
	mt.RegisterResponder(http.MethodPost, success.Request.URL, func(req *http.Request) (*http.Response, error) {
		times = append(times, time.Now())
		if len(times) == 1 {
			return first(req)
		}
		return success.HTTPResponse(req), nil
	})
	_, err := c.EmbeddedSignup(context.Background(), signupRequest)
	require.NoError(t, err)
	require.Len(t, times, 2)
	// A lower bound only: the client must not come back before it was told to.
	assert.GreaterOrEqual(t, times[1].Sub(times[0]), time.Second, "second attempt waited for Retry-After")
}

func TestRateLimitBeyondMaxRetryAfterIsReturnedAtOnce(t *testing.T) {
	t.Parallel()
	c, mt := newMockedClient(t)
	mt.RegisterResponder(http.MethodPost, fixture.Load(t, "testdata/embeddedsignup/success.json").Request.URL, rateLimited("120"))
	_, err := c.EmbeddedSignup(context.Background(), signupRequest)
	var rl *wabsp.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 2*time.Minute, rl.RetryAfter)
	assert.Equal(t, "rl-1", rl.RequestID)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestRateLimitWithoutRetryAfterBacksOffAndGivesUp(t *testing.T) {
	t.Parallel()
	c, mt := newMockedClient(t)
	mt.RegisterResponder(http.MethodPost, fixture.Load(t, "testdata/embeddedsignup/success.json").Request.URL, rateLimited(""))
	_, err := c.EmbeddedSignup(context.Background(), signupRequest)
	var rl *wabsp.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Zero(t, rl.RetryAfter)
	assert.Equal(t, fastRetries.MaxAttempts, rl.Attempts)
	assert.Equal(t, fastRetries.MaxAttempts, mt.GetTotalCallCount())
}

func TestCancellingTheContextStopsTheBackoffWait(t *testing.T) {
	t.Parallel()
	slow := wabsp.RetryPolicy{MaxAttempts: 5, MinBackoff: time.Hour, MaxBackoff: time.Hour, MaxRetryAfter: time.Hour}
	c, mt := newMockedClient(t, wabsp.WithRetryPolicy(slow))
	fx := fixture.Load(t, "testdata/embeddedsignup/server_error.json")
	ctx, cancel := context.WithCancel(context.Background())
	mt.RegisterResponder(http.MethodPost, fx.Request.URL, func(req *http.Request) (*http.Response, error) {
		cancel() // the client is about to wait an hour before its second attempt
		return fx.HTTPResponse(req), nil
	})
	done := make(chan error, 1)
	go func() {
		_, err := c.EmbeddedSignup(ctx, signupRequest)
		done <- err
	}()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
		var re *wabsp.RequestError
		assert.ErrorAs(t, err, &re)
	case <-time.After(time.Minute):
		t.Fatal("the call kept waiting after its context was cancelled")
	}
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestTransportErrorsAreRetriedThenReported(t *testing.T) {
	t.Parallel()
	c, mt := newMockedClient(t)
	refused := errors.New("connection reset by peer")
	mt.RegisterResponder(http.MethodPost, fixture.Load(t, "testdata/embeddedsignup/success.json").Request.URL, httpmock.NewErrorResponder(refused))
	_, err := c.EmbeddedSignup(context.Background(), signupRequest)
	var re *wabsp.RequestError
	require.ErrorAs(t, err, &re)
	assert.ErrorIs(t, err, refused)
	assert.Equal(t, fastRetries.MaxAttempts, re.Attempts)
	assert.Equal(t, http.MethodPost, re.Method)
}

func TestErrorBodiesThatAreNotJSONKeepTheirTypeAndBytes(t *testing.T) {
	t.Parallel()
	url := fixture.Load(t, "testdata/embeddedsignup/success.json").Request.URL
	tests := []struct {
		name   string
		status int
		body   string
		is     func(error) bool
	}{
		{"an HTML 502 from a proxy is a ServerError", 502, "<html><body>Bad Gateway</body></html>", isType[*wabsp.ServerError]},
		{"a truncated 400 is a BadRequestError without a reason", 400, `{"api_id":"x","error":"waba_id is req`, isType[*wabsp.BadRequestError]},
		{"an empty 403 is a PermissionError", 403, "", isType[*wabsp.PermissionError]},
		{"an unknown 400 message is a BadRequestError", 400, `{"api_id":"q","error":"Something new went wrong."}`, isType[*wabsp.BadRequestError]},
		{"a 404 is a plain APIError", 404, `{"api_id":"n","error":"not found"}`, isType[*wabsp.APIError]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockedClient(t)
			mt.RegisterResponder(http.MethodPost, url, httpmock.NewStringResponder(tt.status, tt.body))
			_, err := c.EmbeddedSignup(context.Background(), signupRequest)
			require.Error(t, err)
			assert.True(t, tt.is(err), "type %T", err)
			var apiErr *wabsp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.body, string(apiErr.Body))
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.NotEmpty(t, apiErr.Message)
			for _, s := range allSentinels {
				assert.NotErrorIs(t, err, s)
			}
		})
	}
}

func TestMalformedSuccessBodiesAreDecodeErrorsKeepingTheBody(t *testing.T) {
	t.Parallel()
	url := fixture.Load(t, "testdata/embeddedsignup/success.json").Request.URL
	for name, body := range map[string]string{
		"truncated":  `{"api_id":"a1","message":"Embedded signup compl`,
		"not JSON":   `OK`,
		"wrong type": `{"api_id": 12, "waba_id": ["x"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockedClient(t)
			mt.RegisterResponder(http.MethodPost, url, httpmock.NewStringResponder(200, body))
			_, err := c.EmbeddedSignup(context.Background(), signupRequest)
			var de *wabsp.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, body, string(de.Body))
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a 200 is never retried")
		})
	}
}
