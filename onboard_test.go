package wabsp_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

const testCode = "AQBtestcode123"

// onboardRoutes are the calls Onboard makes, each answered by a sequence of
// recorded fixtures (the last one repeating).
type onboardRoutes struct {
	exchange, debug, phones, subscribe, signup []string
}

// mountRoutes registers the sequences and returns the call counters by route.
func mountRoutes(t *testing.T, mt *httpmock.MockTransport, r onboardRoutes) map[string]*atomic.Int64 {
	t.Helper()
	counts := map[string]*atomic.Int64{}
	for route, names := range map[string][]string{
		"exchange": r.exchange, "debug": r.debug, "phones": r.phones, "subscribe": r.subscribe, "signup": r.signup,
	} {
		if len(names) == 0 {
			counts[route] = &atomic.Int64{}
			continue
		}
		fxs := make([]*fixture.Fixture, len(names))
		for i, n := range names {
			dir := "graph"
			if route == "signup" {
				dir = "embeddedsignup"
			}
			fxs[i] = fixture.Load(t, "testdata/"+dir+"/"+n+".json")
		}
		responder, n := sequence(t, fxs...)
		u := strings.SplitN(fxs[0].Request.URL, "?", 2)[0]
		mt.RegisterResponder(fxs[0].Request.Method, u, responder)
		counts[route] = n
	}
	return counts
}

var fullSession = wabsp.SignupSession{
	Code: testCode, WABAID: "109876543210987", PhoneNumberID: "112233445566778", BusinessID: "198765432109876", ClientRef: "customer-12345",
}

var happyRoutes = onboardRoutes{
	exchange: []string{"exchange_code_success"}, debug: []string{"debug_token_valid"},
	phones: []string{"phone_numbers_one"}, subscribe: []string{"subscribe_app_success"}, signup: []string{"success"},
}

func TestOnboardScenarios(t *testing.T) {
	t.Parallel()
	codeOnly := wabsp.SignupSession{Code: testCode, ClientRef: "customer-12345"}
	with := func(r onboardRoutes, edit func(*onboardRoutes)) onboardRoutes { edit(&r); return r }

	tests := []struct {
		name    string
		session wabsp.SignupSession
		routes  onboardRoutes
		// failures
		step    wabsp.OnboardingStep
		is      error
		as      func(error) bool
		calls   map[string]int64
		checkOK func(t *testing.T, res *wabsp.OnboardingResult)
	}{
		{
			name: "the happy path onboards the session's ids", session: fullSession, routes: happyRoutes,
			calls: map[string]int64{"exchange": 1, "debug": 1, "phones": 0, "subscribe": 1, "signup": 1},
			checkOK: func(t *testing.T, res *wabsp.OnboardingResult) {
				assert.Equal(t, "a1b2c3d4-e5f6-7890-abcd-ef1234567890", res.APIID)
				assert.False(t, res.AlreadyOnboarded)
				assert.Empty(t, res.Recovered)
				assert.Equal(t, "EAAtest-customer-business-token", res.Token.AccessToken.Reveal())
			},
		},
		{
			name: "ids missing from the session are recovered from the token and the WABA's numbers", session: codeOnly, routes: happyRoutes,
			calls: map[string]int64{"exchange": 1, "debug": 1, "phones": 1, "subscribe": 1, "signup": 1},
			checkOK: func(t *testing.T, res *wabsp.OnboardingResult) {
				assert.Equal(t, []string{"waba_id", "business_id", "phone_number_id"}, res.Recovered)
			},
		},
		{
			name: "a WABA with two numbers cannot stand in for a missing phone id", session: wabsp.SignupSession{Code: testCode, WABAID: "109876543210987", BusinessID: "198765432109876"},
			routes: with(happyRoutes, func(r *onboardRoutes) { r.phones = []string{"phone_numbers_two"} }),
			step:   wabsp.StepResolveIDs, is: wabsp.ErrIDAmbiguous,
			calls: map[string]int64{"phones": 1, "subscribe": 0, "signup": 0},
		},
		{
			name: "a token granting two WABAs cannot stand in for a missing WABA id", session: codeOnly,
			routes: with(happyRoutes, func(r *onboardRoutes) { r.debug = []string{"debug_token_two_wabas"} }),
			step:   wabsp.StepResolveIDs, is: wabsp.ErrIDAmbiguous,
			calls: map[string]int64{"subscribe": 0, "signup": 0},
		},
		{
			name: "a session WABA the token does not grant is refused", session: func() wabsp.SignupSession { s := fullSession; s.WABAID = "100000000000001"; return s }(),
			routes: happyRoutes, step: wabsp.StepResolveIDs, is: wabsp.ErrIDNotGranted,
			calls: map[string]int64{"subscribe": 0, "signup": 0},
		},
		{
			name: "a token issued to another app is refused", session: fullSession,
			routes: with(happyRoutes, func(r *onboardRoutes) { r.debug = []string{"debug_token_other_app"} }),
			step:   wabsp.StepCheckToken, is: wabsp.ErrTokenForOtherApp,
			calls: map[string]int64{"subscribe": 0, "signup": 0},
		},
		{
			name: "a token without whatsapp_business_messaging is refused", session: fullSession,
			routes: with(happyRoutes, func(r *onboardRoutes) { r.debug = []string{"debug_token_missing_scope"} }),
			step:   wabsp.StepCheckToken, is: wabsp.ErrScopeMissing,
			calls: map[string]int64{"subscribe": 0, "signup": 0},
		},
		{
			name: "an invalid token is refused", session: fullSession,
			routes: with(happyRoutes, func(r *onboardRoutes) { r.debug = []string{"debug_token_invalid"} }),
			step:   wabsp.StepCheckToken, is: wabsp.ErrTokenInvalid,
			calls: map[string]int64{"subscribe": 0, "signup": 0},
		},
		{
			name: "an expired code fails the exchange with Graph's error", session: fullSession,
			routes: with(happyRoutes, func(r *onboardRoutes) { r.exchange = []string{"exchange_code_expired"} }),
			step:   wabsp.StepExchangeCode, as: isType[*wabsp.GraphError],
			calls: map[string]int64{"exchange": 1, "debug": 0, "signup": 0},
		},
		{
			name: "a subscribe the token may not make fails with a PermissionError", session: fullSession,
			routes: with(happyRoutes, func(r *onboardRoutes) { r.subscribe = []string{"subscribe_app_no_permission"} }),
			step:   wabsp.StepSubscribeApp, as: isType[*wabsp.PermissionError],
			calls: map[string]int64{"subscribe": 1, "signup": 0},
		},
		{
			name: "Graph throttling on subscribe is retried", session: fullSession,
			routes: with(happyRoutes, func(r *onboardRoutes) {
				r.subscribe = []string{"subscribe_app_throttled", "subscribe_app_temporary", "subscribe_app_success"}
			}),
			calls: map[string]int64{"subscribe": 3, "signup": 1},
		},
		{
			name: "a revoked token on subscribe is an AuthenticationError, not retried", session: fullSession,
			routes: with(happyRoutes, func(r *onboardRoutes) { r.subscribe = []string{"subscribe_app_token_expired"} }),
			step:   wabsp.StepSubscribeApp, as: isType[*wabsp.AuthenticationError],
			calls: map[string]int64{"subscribe": 1, "signup": 0},
		},
		{
			name: "BSP 500 then success onboards", session: fullSession,
			routes: with(happyRoutes, func(r *onboardRoutes) { r.signup = []string{"server_error", "success"} }),
			calls:  map[string]int64{"signup": 2},
			checkOK: func(t *testing.T, res *wabsp.OnboardingResult) {
				assert.False(t, res.AlreadyOnboarded)
			},
		},
		{
			name: "already onboarded after a lost success is a success", session: fullSession,
			routes: with(happyRoutes, func(r *onboardRoutes) { r.signup = []string{"server_error", "already_onboarded"} }),
			calls:  map[string]int64{"signup": 2},
			checkOK: func(t *testing.T, res *wabsp.OnboardingResult) {
				assert.True(t, res.AlreadyOnboarded)
				assert.Equal(t, "a1b2c3d4-e5f6-7890-abcd-ef1234567890", res.APIID)
			},
		},
		{
			name: "BSP 500 on every attempt fails with a ServerError", session: fullSession,
			routes: with(happyRoutes, func(r *onboardRoutes) { r.signup = []string{"server_error"} }),
			step:   wabsp.StepEmbeddedSignup, as: isType[*wabsp.ServerError],
			calls: map[string]int64{"signup": int64(fastRetries.MaxAttempts)},
		},
	}
	for _, reason := range []struct {
		fixture string
		is      error
	}{
		{"phone_registered_elsewhere", wabsp.ErrPhoneNumberRegisteredElsewhere},
		{"mps_inactive", wabsp.ErrMultiPartnerSolutionInactive},
		{"unauthorized", nil},
		{"forbidden", nil},
	} {
		tests = append(tests, struct {
			name    string
			session wabsp.SignupSession
			routes  onboardRoutes
			step    wabsp.OnboardingStep
			is      error
			as      func(error) bool
			calls   map[string]int64
			checkOK func(t *testing.T, res *wabsp.OnboardingResult)
		}{
			name: "BSP answer " + reason.fixture + " fails the last step", session: fullSession,
			routes: with(happyRoutes, func(r *onboardRoutes) { r.signup = []string{reason.fixture} }),
			step:   wabsp.StepEmbeddedSignup, is: reason.is, as: isType[*wabsp.APIError],
			calls: map[string]int64{"signup": 1},
		})
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockedClient(t)
			counts := mountRoutes(t, mt, tt.routes)
			res, err := c.Onboard(context.Background(), tt.session)
			for route, want := range tt.calls {
				assert.Equal(t, want, counts[route].Load(), "calls to %s", route)
			}
			if tt.step == "" {
				require.NoError(t, err)
				assert.Equal(t, "109876543210987", res.WABAID)
				assert.Equal(t, "198765432109876", res.BusinessID)
				assert.Equal(t, "112233445566778", res.PhoneNumberID)
				assert.Equal(t, "customer-12345", res.ClientRef)
				if tt.checkOK != nil {
					tt.checkOK(t, res)
				}
				return
			}
			require.Error(t, err)
			assert.Nil(t, res)
			var oe *wabsp.OnboardingError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, tt.step, oe.Step, "failed step; error: %v", err)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			if tt.as != nil {
				assert.True(t, tt.as(err), "errors.As through OnboardingError: %v", err)
			}
		})
	}
}

func TestOnboardTwiceWithTheSameSessionSucceedsWithoutReusingTheCode(t *testing.T) {
	t.Parallel()
	c, mt := newMockedClient(t)
	counts := mountRoutes(t, mt, with2(happyRoutes, []string{"exchange_code_success", "exchange_code_used"}, []string{"success", "already_onboarded"}))

	first, err := c.Onboard(context.Background(), fullSession)
	require.NoError(t, err)
	assert.False(t, first.AlreadyOnboarded)

	second, err := c.Onboard(context.Background(), fullSession)
	require.NoError(t, err)
	assert.True(t, second.AlreadyOnboarded)
	assert.Equal(t, first.WABAID, second.WABAID)
	assert.Equal(t, int64(1), counts["exchange"].Load(), "the single-use code was exchanged once")
	assert.Equal(t, int64(2), counts["signup"].Load())
}

func TestConcurrentOnboardsOfOneSessionShareOneCodeExchange(t *testing.T) {
	t.Parallel()
	c, mt := newMockedClient(t)
	counts := mountRoutes(t, mt, with2(happyRoutes, []string{"exchange_code_success", "exchange_code_used"}, []string{"success", "already_onboarded"}))
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = c.Onboard(context.Background(), fullSession)
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, int64(1), counts["exchange"].Load())
}

func with2(r onboardRoutes, exchange, signup []string) onboardRoutes {
	r.exchange, r.signup = exchange, signup
	return r
}

func TestOnboardRefusesBadInputBeforeAnyCall(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		session wabsp.SignupSession
		fields  []string
	}{
		"an empty code":             {wabsp.SignupSession{WABAID: "1"}, []string{"code"}},
		"a code with spaces":        {wabsp.SignupSession{Code: "AQB code with spaces"}, []string{"code"}},
		"a code too short":          {wabsp.SignupSession{Code: "AQB"}, []string{"code"}},
		"non-numeric ids":           {wabsp.SignupSession{Code: testCode, WABAID: "WABA", PhoneNumberID: "+15551234567", BusinessID: "b-1"}, []string{"waba_id", "phone_number_id", "business_id"}},
		"a client_ref of 65 chars":  {wabsp.SignupSession{Code: testCode, ClientRef: strings.Repeat("r", 65)}, []string{"client_ref"}},
		"everything wrong together": {wabsp.SignupSession{Code: "", WABAID: "x", ClientRef: strings.Repeat("r", 65)}, []string{"code", "waba_id", "client_ref"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockedClient(t)
			_, err := c.Onboard(context.Background(), tt.session)
			var oe *wabsp.OnboardingError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, wabsp.StepValidate, oe.Step)
			var verr *wabsp.ValidationError
			require.ErrorAs(t, err, &verr)
			for _, f := range tt.fields {
				assert.True(t, verr.Has(f), "%s reported in %v", f, verr)
			}
			assert.Len(t, verr.Fields, len(tt.fields))
			assert.Zero(t, mt.GetTotalCallCount())
			if code := tt.session.Code.Reveal(); code != "" {
				assert.NotContains(t, err.Error(), code, "the code is a credential and is never quoted")
			}
		})
	}
}

func TestDebugTokenDecodesTimesScopesAndLargeNumericIDs(t *testing.T) {
	t.Parallel()
	c, mt := newMockedClient(t)
	fixture.Load(t, "testdata/graph/debug_token_numeric_ids.json").Register(t, mt)
	info, err := c.DebugToken(context.Background(), testAccessToken)
	require.NoError(t, err)
	assert.Equal(t, "1234567890123456", info.AppID)
	assert.Equal(t, []string{"9007199254740993"}, info.WABAIDs(), "exact beyond 2^53")
	assert.Equal(t, "122100000000000001", info.UserID)
	assert.True(t, info.ExpiresAt.IsZero(), "expires_at 0 means never")
	assert.Equal(t, int64(1763856000), info.IssuedAt.Unix())
	assert.True(t, info.HasScopes(wabsp.ScopeWhatsAppBusinessManagement, wabsp.ScopeWhatsAppBusinessMessaging))
	assert.False(t, info.HasScopes(wabsp.ScopeBusinessManagement))
	assert.Nil(t, info.BusinessIDs())
}

func TestDebugTokenOfAnExpiredToken(t *testing.T) {
	t.Parallel()
	c, mt := newMockedClient(t)
	fixture.Load(t, "testdata/graph/debug_token_invalid.json").Register(t, mt)
	info, err := c.DebugToken(context.Background(), testAccessToken)
	require.NoError(t, err)
	assert.False(t, info.IsValid)
	require.NotNil(t, info.Error)
	assert.Equal(t, 190, info.Error.Code)
	assert.Equal(t, 463, info.Error.Subcode)
	assert.True(t, info.ExpiredAt(info.ExpiresAt))
	assert.False(t, info.ExpiredAt(info.ExpiresAt.Add(-1)))
}

func TestGraphErrorsKeepTheirEnvelopeAndTraceID(t *testing.T) {
	t.Parallel()
	c, mt := newMockedClient(t)
	fx := fixture.Load(t, "testdata/graph/exchange_code_used.json")
	fx.Register(t, mt)
	_, err := c.ExchangeCode(context.Background(), wabsp.ExchangeCodeRequest{Code: testCode})
	var bad *wabsp.BadRequestError
	require.ErrorAs(t, err, &bad)
	var g *wabsp.GraphError
	require.ErrorAs(t, err, &g)
	assert.Equal(t, 100, g.Code)
	assert.Equal(t, 36009, g.Subcode)
	assert.Equal(t, "OAuthException", g.Type)
	assert.Equal(t, wabsp.GraphErrorInvalidParameter, g.Kind())
	assert.Equal(t, "AzUsedCode01", bad.RequestID)
	assert.Equal(t, wabsp.ProviderGraph, bad.Provider)
	assert.Equal(t, fx.ResponseBody(), bad.Body)
	assert.Equal(t, 1, fx.Calls(), "an invalid-parameter error is not retried")
	assertNoSecret(t, "graph error", fmt.Sprintf("%+v", err))
	assert.NotContains(t, err.Error(), testCode)
}

func TestGraphCallsWithoutAnAppFailBeforeSending(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	c, err := wabsp.NewClient(wabsp.WithTransport(mt), wabsp.WithAccessToken(testAccessToken))
	require.NoError(t, err)
	_, err = c.ExchangeCode(context.Background(), wabsp.ExchangeCodeRequest{Code: testCode})
	assert.ErrorIs(t, err, wabsp.ErrNoMetaApp)
	err = c.SubscribeApp(context.Background(), "109876543210987")
	assert.ErrorIs(t, err, wabsp.ErrNoMetaApp, "appsecret_proof needs the app secret")
	noToken, err := wabsp.NewClient(wabsp.WithTransport(mt), wabsp.WithMetaApp(testAppID, testAppSecret))
	require.NoError(t, err)
	assert.True(t, errors.Is(noToken.SubscribeApp(context.Background(), "109876543210987"), wabsp.ErrNoAccessToken))
	assert.Zero(t, mt.GetTotalCallCount())
}
