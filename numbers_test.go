package wabsp_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

// The business token and ids the numbers fixtures were recorded with.
const (
	testBusinessToken = "test-business-token"
	testPhoneNumberID = "106540352242922"
	testWABAID        = "102290129340398"
)

func newGraphClient(t *testing.T, opts ...wabsp.Option) (*wabsp.Client, *httpmock.MockTransport) {
	t.Helper()
	return newMockedClient(t, append([]wabsp.Option{wabsp.WithAccessToken(testBusinessToken)}, opts...)...)
}

// numbersFixture loads testdata/numbers/<name>.json and registers it.
func numbersFixture(t *testing.T, mt *httpmock.MockTransport, name string) *fixture.Fixture {
	t.Helper()
	fx := fixture.Load(t, "testdata/numbers/"+name+".json")
	fx.Register(t, mt)
	return fx
}

// registerRequestOf decodes a recorded register body into the SDK's request.
func registerRequestOf(t *testing.T, fx *fixture.Fixture) wabsp.RegisterRequest {
	t.Helper()
	var body struct {
		PIN    string `json:"pin"`
		Region string `json:"data_localization_region"`
	}
	require.NoError(t, json.Unmarshal(fx.RequestBody(), &body))
	return wabsp.RegisterRequest{PIN: body.PIN, DataLocalizationRegion: body.Region}
}

func TestEachNumberCallSendsTheRecordedRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture string
		call    func(context.Context, *wabsp.Client, *fixture.Fixture) error
	}{
		{"register_success", func(ctx context.Context, c *wabsp.Client, fx *fixture.Fixture) error {
			return c.RegisterPhoneNumber(ctx, testPhoneNumberID, registerRequestOf(t, fx))
		}},
		{"deregister_success", func(ctx context.Context, c *wabsp.Client, _ *fixture.Fixture) error {
			return c.DeregisterPhoneNumber(ctx, testPhoneNumberID)
		}},
		{"request_code_success", func(ctx context.Context, c *wabsp.Client, _ *fixture.Fixture) error {
			return c.RequestVerificationCode(ctx, testPhoneNumberID, wabsp.RequestCodeRequest{Method: wabsp.CodeBySMS, Language: "en_US"})
		}},
		{"verify_code_success", func(ctx context.Context, c *wabsp.Client, _ *fixture.Fixture) error {
			return c.VerifyCode(ctx, testPhoneNumberID, "123830")
		}},
		{"display_name_change", func(ctx context.Context, c *wabsp.Client, _ *fixture.Fixture) error {
			return c.RequestDisplayNameChange(ctx, testPhoneNumberID, "Lucky Shrub Garden")
		}},
		{"set_pin_success", func(ctx context.Context, c *wabsp.Client, _ *fixture.Fixture) error {
			return c.SetTwoStepPIN(ctx, testPhoneNumberID, "654321")
		}},
		{"update_profile", func(ctx context.Context, c *wabsp.Client, _ *fixture.Fixture) error {
			return c.UpdateBusinessProfile(ctx, testPhoneNumberID, recordedProfileUpdate)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			c, mt := newGraphClient(t)
			fx := numbersFixture(t, mt, tt.fixture)
			require.NoError(t, tt.call(context.Background(), c, fx))
			assert.Equal(t, 1, fx.Calls())
		})
	}
}

var recordedProfileUpdate = wabsp.BusinessProfileUpdate{
	About:                "Succulents delivered.",
	Address:              "1 Hacker Way, Menlo Park, CA 94025",
	Description:          "Plants and gardening supplies.",
	Email:                "help@luckyshrub.example",
	Vertical:             wabsp.VerticalRetail,
	Websites:             []string{"https://www.luckyshrub.example/", "https://shop.luckyshrub.example/"},
	ProfilePictureHandle: "4::aW1hZ2UvanBlZw==:ARb_handle",
}

func TestNumberCallsReturnTheGraphErrorsMetaSends(t *testing.T) {
	t.Parallel()
	register := func(ctx context.Context, c *wabsp.Client) error {
		return c.RegisterPhoneNumber(ctx, testPhoneNumberID, wabsp.RegisterRequest{PIN: "123456"})
	}
	tests := []struct {
		fixture  string
		call     func(context.Context, *wabsp.Client) error
		code     int
		subcode  int
		is       func(error) bool
		attempts int
	}{
		{"register_wrong_pin", register, 133005, 0, isType[*wabsp.BadRequestError], 1},
		{"register_limit", register, 133016, 0, isType[*wabsp.BadRequestError], 1},
		{"register_too_many_pin_guesses", register, 133008, 0, isType[*wabsp.BadRequestError], 1},
		{"register_in_consumer_app", register, 100, 2388001, isType[*wabsp.BadRequestError], 1},
		// A register that may have reached Meta is never repeated: each one
		// counts against 10 per 72 hours.
		{"register_server_error", register, 2, 0, isType[*wabsp.ServerError], 1},
		{"request_code_too_many", func(ctx context.Context, c *wabsp.Client) error {
			return c.RequestVerificationCode(ctx, testPhoneNumberID, wabsp.RequestCodeRequest{Method: wabsp.CodeByVoice, Language: "pt_BR"})
		}, 136024, 0, isType[*wabsp.BadRequestError], 1},
		{"request_code_already_verified", func(ctx context.Context, c *wabsp.Client) error {
			return c.RequestVerificationCode(ctx, testPhoneNumberID, wabsp.RequestCodeRequest{Method: wabsp.CodeBySMS, Language: "en_US"})
		}, 136024, 0, isType[*wabsp.BadRequestError], 1},
		{"verify_code_mismatch", func(ctx context.Context, c *wabsp.Client) error {
			return c.VerifyCode(ctx, testPhoneNumberID, "000000")
		}, 136025, 0, isType[*wabsp.BadRequestError], 1},
		// Setting the same profile twice does no harm, so it is retried.
		{"update_profile_server_error", func(ctx context.Context, c *wabsp.Client) error {
			return c.UpdateBusinessProfile(ctx, testPhoneNumberID, recordedProfileUpdate)
		}, 2, 0, isType[*wabsp.ServerError], fastRetries.MaxAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			c, mt := newGraphClient(t)
			fx := numbersFixture(t, mt, tt.fixture)

			err := tt.call(context.Background(), c)
			require.Error(t, err)
			assert.True(t, tt.is(err), "error type: %T", err)
			var g *wabsp.GraphError
			require.ErrorAs(t, err, &g)
			assert.Equal(t, tt.code, g.Code)
			assert.Equal(t, tt.subcode, g.Subcode)
			var apiErr *wabsp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, wabsp.ProviderGraph, apiErr.Provider)
			assert.Equal(t, fx.ResponseBody(), apiErr.Body, "raw body kept")
			assert.NotEmpty(t, apiErr.RequestID, "fbtrace_id kept")
			assert.Equal(t, tt.attempts, fx.Calls())
			assert.NotContains(t, err.Error(), testBusinessToken)
		})
	}
}

func TestVerifyCodeKeepsTheCodeOutOfErrors(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	mt.RegisterNoResponder(httpmock.ConnectionFailure)

	err := c.VerifyCode(context.Background(), testPhoneNumberID, "123830")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "123830")
	assert.NotContains(t, err.Error(), testBusinessToken)
}

func TestNumberCallsRefuseBadInputBeforeSending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name   string
		call   func(*wabsp.Client) error
		fields []string
	}{
		{"a five-digit PIN and a lower-case region", func(c *wabsp.Client) error {
			return c.RegisterPhoneNumber(ctx, testPhoneNumberID, wabsp.RegisterRequest{PIN: "12345", DataLocalizationRegion: "de"})
		}, []string{"pin", "data_localization_region"}},
		{"a PIN with letters and a non-numeric id", func(c *wabsp.Client) error {
			return c.RegisterPhoneNumber(ctx, "PHONE_NUMBER_ID", wabsp.RegisterRequest{PIN: "12a456"})
		}, []string{"phone_number_id", "pin"}},
		{"a seven-digit PIN and no id", func(c *wabsp.Client) error {
			return c.RegisterPhoneNumber(ctx, "", wabsp.RegisterRequest{PIN: "1234567"})
		}, []string{"phone_number_id", "pin"}},
		{"a missing PIN", func(c *wabsp.Client) error {
			return c.RegisterPhoneNumber(ctx, testPhoneNumberID, wabsp.RegisterRequest{})
		}, []string{"pin"}},
		{"a PIN of six non-ASCII digits", func(c *wabsp.Client) error {
			return c.SetTwoStepPIN(ctx, testPhoneNumberID, "١٢٣٤٥٦")
		}, []string{"pin"}},
		{"deregistering a path-like id", func(c *wabsp.Client) error {
			return c.DeregisterPhoneNumber(ctx, "123/../456")
		}, []string{"phone_number_id"}},
		{"an unknown code method and a malformed language", func(c *wabsp.Client) error {
			return c.RequestVerificationCode(ctx, testPhoneNumberID, wabsp.RequestCodeRequest{Method: "EMAIL", Language: "english"})
		}, []string{"code_method", "language"}},
		{"no code method nor language", func(c *wabsp.Client) error {
			return c.RequestVerificationCode(ctx, testPhoneNumberID, wabsp.RequestCodeRequest{})
		}, []string{"code_method", "language"}},
		{"a code with a dash", func(c *wabsp.Client) error { return c.VerifyCode(ctx, testPhoneNumberID, "123-830") }, []string{"code"}},
		{"no code", func(c *wabsp.Client) error { return c.VerifyCode(ctx, testPhoneNumberID, " ") }, []string{"code"}},
		{"a blank display name", func(c *wabsp.Client) error { return c.RequestDisplayNameChange(ctx, testPhoneNumberID, "") }, []string{"new_display_name"}},
		{"a nested field request", func(c *wabsp.Client) error {
			_, err := c.GetPhoneNumber(ctx, testPhoneNumberID, "id", "status{x}")
			return err
		}, []string{"fields"}},
		{"a profile read with a bad id", func(c *wabsp.Client) error {
			_, err := c.GetBusinessProfile(ctx, "x")
			return err
		}, []string{"phone_number_id"}},
		{"a profile update breaking every limit", func(c *wabsp.Client) error {
			return c.UpdateBusinessProfile(ctx, testPhoneNumberID, wabsp.BusinessProfileUpdate{
				About: repeat("a", 140), Address: repeat("b", 257), Description: repeat("c", 513),
				Email: repeat("d", 120) + "@example.com", Vertical: "SHOPPING",
				Websites: []string{"www.example.com", "https://" + repeat("e", 250), "https://third.example"},
			})
		}, []string{"about", "address", "description", "email", "vertical", "websites", "websites[0]", "websites[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newGraphClient(t)
			err := tt.call(c)
			var verr *wabsp.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.fields, uniqueFields(verr))
			assert.Equal(t, 0, mt.GetTotalCallCount(), "nothing sent")
		})
	}
}

func uniqueFields(verr *wabsp.ValidationError) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range verr.Fields {
		if !seen[f.Field] {
			seen[f.Field] = true
			out = append(out, f.Field)
		}
	}
	return out
}

func repeat(s string, n int) string {
	b := make([]byte, 0, n*len(s))
	for i := 0; i < n; i++ {
		b = append(b, s...)
	}
	return string(b)
}

func TestNumberCallsNeedAnAccessToken(t *testing.T) {
	t.Parallel()
	c, mt := newMockedClient(t)
	err := c.DeregisterPhoneNumber(context.Background(), testPhoneNumberID)
	assert.ErrorIs(t, err, wabsp.ErrNoAccessToken)
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestWithTokenMakesTheCallWithTheCustomersToken(t *testing.T) {
	t.Parallel()
	c, mt := newMockedClient(t)
	fx := numbersFixture(t, mt, "deregister_success")
	require.NoError(t, c.WithToken(testBusinessToken).DeregisterPhoneNumber(context.Background(), testPhoneNumberID))
	assert.Equal(t, 1, fx.Calls())
}

func TestGetPhoneNumberDecodesEveryField(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	numbersFixture(t, mt, "get_phone_number")

	n, err := c.GetPhoneNumber(context.Background(), testPhoneNumberID)
	require.NoError(t, err)
	assert.Equal(t, &wabsp.PhoneNumber{
		ID:                     testPhoneNumberID,
		DisplayPhoneNumber:     "+1 555-010-0199",
		VerifiedName:           "Lucky Shrub",
		NameStatus:             wabsp.NameApproved,
		NewDisplayName:         "Lucky Shrub Garden",
		NewNameStatus:          wabsp.NamePendingReview,
		CodeVerificationStatus: wabsp.CodeVerified,
		QualityRating:          wabsp.QualityGreen,
		MessagingLimitTier:     wabsp.Tier2K,
		Throughput:             &wabsp.Throughput{Level: "STANDARD"},
		PlatformType:           wabsp.PlatformCloudAPI,
		Status:                 wabsp.PhoneNumberStatusConnected,
	}, n)
	assert.Equal(t, wabsp.NumberConnected, n.State())
	limit, ok := n.Limit()
	require.True(t, ok)
	assert.Equal(t, wabsp.Limit{Conversations: 2000}, limit)
	e164, ok := n.E164()
	assert.True(t, ok)
	assert.Equal(t, "+15550100199", e164)
}

func TestGetPhoneNumberBeforeV24ReadsTheOldTierFieldAndKeepsUnknownValues(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t, wabsp.WithGraphVersion("v23.0"))
	numbersFixture(t, mt, "get_phone_number_v23")

	n, err := c.GetPhoneNumber(context.Background(), testPhoneNumberID)
	require.NoError(t, err)
	assert.Equal(t, wabsp.Tier("TIER_5K"), n.MessagingLimitTier, "unknown tier kept as sent")
	assert.False(t, n.MessagingLimitTier.IsKnown())
	_, ok := n.Limit()
	assert.False(t, ok, "an unknown tier has no known limit")
	assert.Equal(t, wabsp.PhoneNumberStatus("BRAND_NEW_STATUS"), n.Status)
	assert.False(t, n.Status.IsKnown())
	assert.Equal(t, wabsp.NumberStateUnknown, n.State())
	assert.Equal(t, wabsp.QualityNA, n.QualityRating)
	assert.Equal(t, wabsp.CodeNotVerified, n.CodeVerificationStatus)
	assert.Nil(t, n.Throughput)
}

func TestPhoneNumberPrefersThePortfolioLimitWhenBothTierFieldsAreSent(t *testing.T) {
	t.Parallel()
	var n wabsp.PhoneNumber
	require.NoError(t, json.Unmarshal([]byte(`{"id":"1","messaging_limit_tier":"TIER_1K","whatsapp_business_manager_messaging_limit":"TIER_2K"}`), &n))
	assert.Equal(t, wabsp.Tier2K, n.MessagingLimitTier)
	require.NoError(t, json.Unmarshal([]byte(`{"id":"1","whatsapp_business_manager_messaging_limit":{"unexpected":"shape"},"status":"CONNECTED"}`), &n))
	assert.Equal(t, wabsp.TierUnknown, n.MessagingLimitTier, "an odd tier shape does not fail the number")
	assert.Equal(t, wabsp.PhoneNumberStatusConnected, n.Status)
}
