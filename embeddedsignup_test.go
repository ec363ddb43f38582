package wabsp_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

// requestOf decodes the recorded request body into the SDK's request type.
func requestOf(t *testing.T, fx *fixture.Fixture) wabsp.EmbeddedSignupRequest {
	t.Helper()
	var req wabsp.EmbeddedSignupRequest
	require.NoError(t, json.Unmarshal(fx.RequestBody(), &req))
	return req
}

func TestEmbeddedSignupSendsTheRecordedRequestAndDecodesTheAnswer(t *testing.T) {
	t.Parallel()
	fx := fixture.Load(t, "testdata/embeddedsignup/success.json")
	c, mt := newMockedClient(t)
	fx.Register(t, mt)

	resp, err := c.EmbeddedSignup(context.Background(), requestOf(t, fx))
	require.NoError(t, err)
	assert.Equal(t, &wabsp.EmbeddedSignupResponse{
		APIID:         "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
		Message:       "Embedded signup completed successfully.",
		WABAID:        "109876543210987",
		PhoneNumberID: "112233445566778",
		BusinessID:    "198765432109876",
	}, resp)
	assert.Equal(t, 1, fx.Calls())
}

func TestEmbeddedSignupMapsEachDocumentedErrorToItsType(t *testing.T) {
	t.Parallel()
	const apiID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
	tests := []struct {
		fixture  string
		status   int
		reason   error // nil: no sentinel applies
		is       func(error) bool
		attempts int
		message  string
	}{
		{"invalid_waba_id", 400, wabsp.ErrInvalidWABAID, isType[*wabsp.BadRequestError], 1, "waba_id is not a valid WhatsApp Business Account ID."},
		{"already_onboarded", 400, wabsp.ErrWABAAlreadyOnboarded, isType[*wabsp.BadRequestError], 1, "This WABA is already registered with Plivo."},
		{"phone_registered_elsewhere", 400, wabsp.ErrPhoneNumberRegisteredElsewhere, isType[*wabsp.BadRequestError], 1, "This phone number is already registered under another WABA."},
		{"mps_inactive", 400, wabsp.ErrMultiPartnerSolutionInactive, isType[*wabsp.BadRequestError], 1, "Multi-Partner Solution is not active for your app. Contact Plivo support."},
		{"unauthorized", 401, nil, isType[*wabsp.AuthenticationError], 1, "Authentication credentials were not provided or are invalid."},
		{"forbidden", 403, nil, isType[*wabsp.PermissionError], 1, "Your account is not authorized for the Embedded Signup API."},
		{"server_error", 500, nil, isType[*wabsp.ServerError], fastRetries.MaxAttempts, "An internal error occurred. Please try again later."},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			fx := fixture.Load(t, "testdata/embeddedsignup/"+tt.fixture+".json")
			c, mt := newMockedClient(t)
			fx.Register(t, mt)

			resp, err := c.EmbeddedSignup(context.Background(), requestOf(t, fx))
			require.Error(t, err)
			assert.Nil(t, resp)
			assert.True(t, tt.is(err), "error type: %T", err)

			var apiErr *wabsp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, wabsp.ProviderPlivo, apiErr.Provider)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, apiID, apiErr.RequestID)
			assert.Equal(t, tt.message, apiErr.Message)
			assert.Equal(t, fx.ResponseBody(), apiErr.Body, "raw body kept")
			assert.Equal(t, tt.attempts, apiErr.Attempts)
			assert.Equal(t, tt.attempts, fx.Calls())
			require.NotNil(t, apiErr.Response)
			assert.Contains(t, err.Error(), apiID)

			for _, sentinel := range allSentinels {
				assert.Equal(t, sentinel == tt.reason, errors.Is(err, sentinel), "errors.Is(err, %v)", sentinel)
			}
		})
	}
}

var allSentinels = []error{
	wabsp.ErrMissingWABAID, wabsp.ErrMissingBusinessID, wabsp.ErrMissingPhoneNumberID, wabsp.ErrInvalidWABAID,
	wabsp.ErrWABAAlreadyOnboarded, wabsp.ErrPhoneNumberRegisteredElsewhere, wabsp.ErrMultiPartnerSolutionInactive,
}

func isType[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func TestEmbeddedSignupRefusesTheRecordedInvalidRequestsBeforeSending(t *testing.T) {
	t.Parallel()
	for name, sentinel := range map[string]error{
		"missing_waba_id":         wabsp.ErrMissingWABAID,
		"missing_business_id":     wabsp.ErrMissingBusinessID,
		"missing_phone_number_id": wabsp.ErrMissingPhoneNumberID,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx := fixture.Load(t, "testdata/embeddedsignup/"+name+".json")
			c, mt := newMockedClient(t)
			fx.Register(t, mt)

			_, err := c.EmbeddedSignup(context.Background(), requestOf(t, fx))
			var verr *wabsp.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.ErrorIs(t, err, sentinel, "the same sentinel as Plivo's 400")
			assert.Equal(t, 0, mt.GetTotalCallCount(), "nothing sent")
		})
	}
}

func TestEmbeddedSignupValidationReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	valid := wabsp.EmbeddedSignupRequest{WABAID: "109876543210987", BusinessID: "198765432109876", PhoneNumberID: "112233445566778"}
	tests := []struct {
		name   string
		mutate func(*wabsp.EmbeddedSignupRequest)
		fields []string
	}{
		{"a valid request without client_ref passes", func(*wabsp.EmbeddedSignupRequest) {}, nil},
		{"a client_ref of 64 multi-byte characters passes", func(r *wabsp.EmbeddedSignupRequest) { r.ClientRef = strings.Repeat("é", 64) }, nil},
		{"a client_ref of 65 characters fails", func(r *wabsp.EmbeddedSignupRequest) { r.ClientRef = strings.Repeat("x", 65) }, []string{"client_ref"}},
		{"non-numeric ids fail", func(r *wabsp.EmbeddedSignupRequest) { r.WABAID, r.PhoneNumberID = "WABA_ID_FROM_SIGNUP", "12 34" }, []string{"waba_id", "phone_number_id"}},
		{"blank ids fail", func(r *wabsp.EmbeddedSignupRequest) { r.BusinessID = "  " }, []string{"business_id"}},
		{"all wrong at once", func(r *wabsp.EmbeddedSignupRequest) {
			*r = wabsp.EmbeddedSignupRequest{WABAID: "x", ClientRef: strings.Repeat("x", 100)}
		}, []string{"waba_id", "business_id", "phone_number_id", "client_ref"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := valid
			tt.mutate(&req)
			err := req.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			assert.Equal(t, tt.fields, fieldsOf(t, err))
		})
	}
}

func TestANonNumericWABAIDMatchesErrInvalidWABAIDWhicheverCallNoticed(t *testing.T) {
	t.Parallel()
	const bad = "WABA_ID_FROM_SIGNUP"
	calls := map[string]func(c *wabsp.Client) error{
		"EmbeddedSignup": func(c *wabsp.Client) error {
			req := signupRequest
			req.WABAID = bad
			_, err := c.EmbeddedSignup(context.Background(), req)
			return err
		},
		"Onboard": func(c *wabsp.Client) error {
			_, err := c.Onboard(context.Background(), wabsp.SignupSession{Code: "AQBtestcode123", WABAID: bad})
			return err
		},
		"SubscribeApp": func(c *wabsp.Client) error { return c.SubscribeApp(context.Background(), bad) },
		"SubmitTemplate": func(c *wabsp.Client) error {
			_, err := c.SubmitTemplate(context.Background(), bad, submitRequest)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockedClient(t, wabsp.WithAccessToken(testAccessToken))
			err := call(c)
			assert.ErrorIs(t, err, wabsp.ErrInvalidWABAID)
			assert.NotErrorIs(t, err, wabsp.ErrMissingWABAID)
			assert.Equal(t, 0, mt.GetTotalCallCount(), "nothing sent")
		})
	}
}
