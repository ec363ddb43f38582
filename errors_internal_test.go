package wabsp

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp/internal/fixture"
)

// The public call refuses a request with a missing id before sending it, so
// Plivo's 400 for one can only be met by sending the recorded body as is.
// This proves the SDK maps those recorded answers to the same sentinels its
// own validation uses.
func TestPlivoAnswersToRequestsWithMissingIdsMapToTheirSentinels(t *testing.T) {
	t.Parallel()
	for name, sentinel := range map[string]error{
		"missing_waba_id":         ErrMissingWABAID,
		"missing_business_id":     ErrMissingBusinessID,
		"missing_phone_number_id": ErrMissingPhoneNumberID,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx := fixture.Load(t, "testdata/embeddedsignup/"+name+".json")
			mt := httpmock.NewMockTransport()
			fx.Register(t, mt)
			c, err := NewClient(WithPlivoCredentials("MAXXXXXXXXXXXXXXXXXX", "test-plivo-auth-token"), WithTransport(mt),
				WithRetryPolicy(RetryPolicy{MaxAttempts: 3, MinBackoff: time.Microsecond, MaxBackoff: time.Microsecond}))
			require.NoError(t, err)

			err = c.do(context.Background(), &apiRequest{
				provider: ProviderPlivo, method: http.MethodPost, path: "WhatsApp/EmbeddedSignup/",
				body: json.RawMessage(fx.RequestBody()), safeToRetry: true,
			}, nil)
			var bad *BadRequestError
			require.ErrorAs(t, err, &bad)
			assert.ErrorIs(t, err, sentinel)
			assert.Equal(t, sentinel, bad.Reason)
			assert.Equal(t, 1, fx.Calls())
			for _, other := range []error{ErrMissingWABAID, ErrMissingBusinessID, ErrMissingPhoneNumberID} {
				if other != sentinel {
					assert.False(t, errors.Is(err, other))
				}
			}
		})
	}
}

func TestGraphErrorKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code      int
		kind      GraphErrorKind
		retryable bool
	}{
		{190, GraphErrorTokenInvalid, false},
		{10, GraphErrorPermission, false},
		{200, GraphErrorPermission, false},
		{299, GraphErrorPermission, false},
		{4, GraphErrorThrottled, true},
		{17, GraphErrorThrottled, true},
		{32, GraphErrorThrottled, true},
		{613, GraphErrorThrottled, true},
		{80007, GraphErrorThrottled, true},
		{130429, GraphErrorThrottled, true},
		{100, GraphErrorInvalidParameter, false},
		{1, GraphErrorTemporary, true},
		{2, GraphErrorTemporary, true},
		{131047, GraphErrorOther, false},
		{368, GraphErrorOther, false},
	}
	for _, tt := range tests {
		e := &GraphError{Code: tt.code}
		assert.Equal(t, tt.kind, e.Kind(), "code %d", tt.code)
		assert.Equal(t, tt.retryable, e.Retryable(), "code %d", tt.code)
	}
}

func TestJitteredBackoffStaysWithinItsBounds(t *testing.T) {
	t.Parallel()
	minWait, maxWait := 100*time.Millisecond, 2*time.Second
	for attempt := 0; attempt < 10; attempt++ {
		ceiling := minWait << attempt
		if ceiling > maxWait {
			ceiling = maxWait
		}
		for i := 0; i < 100; i++ {
			d := jitteredBackoff(minWait, maxWait, attempt)
			assert.GreaterOrEqual(t, d, ceiling/2)
			assert.LessOrEqual(t, d, ceiling)
		}
	}
}

func TestRedactURLHidesCredentialsInTheQuery(t *testing.T) {
	t.Parallel()
	c, err := NewClient()
	require.NoError(t, err)
	u, err := c.endpoint(&apiRequest{provider: ProviderGraph, path: "oauth/access_token"})
	require.NoError(t, err)
	u.RawQuery = "client_id=1&client_secret=s3cr3t&code=AQBx&appsecret_proof=abc&fields=id"
	got := redactURL(u)
	for _, leaked := range []string{"s3cr3t", "AQBx", "abc"} {
		assert.NotContains(t, got, leaked)
	}
	assert.Contains(t, got, "client_id=1")
	assert.Contains(t, got, "fields=id")
}
