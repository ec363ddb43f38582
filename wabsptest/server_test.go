package wabsptest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

func TestOnboardingAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	sb := wabsptest.NewServer()
	defer sb.Close()
	c := sb.Client()
	signup := sb.NewSignup()

	res, err := c.Onboard(context.Background(), signup.Session("customer-1"))
	require.NoError(t, err)
	assert.Equal(t, signup.WABAID, res.WABAID)
	assert.Equal(t, signup.BusinessID, res.BusinessID)
	assert.Equal(t, signup.PhoneNumberID, res.PhoneNumberID)
	assert.False(t, res.AlreadyOnboarded)
	ref, ok := sb.Onboarded(signup.WABAID)
	assert.True(t, ok)
	assert.Equal(t, "customer-1", ref)
	assert.True(t, sb.Subscribed(signup.WABAID))

	t.Run("the same session again is already onboarded", func(t *testing.T) {
		again, err := c.Onboard(context.Background(), signup.Session("customer-1"))
		require.NoError(t, err)
		assert.True(t, again.AlreadyOnboarded)
	})
	t.Run("another backend instance cannot reuse the single-use code", func(t *testing.T) {
		_, err := sb.Client().Onboard(context.Background(), signup.Session("customer-1"))
		var oe *wabsp.OnboardingError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, wabsp.StepExchangeCode, oe.Step)
		var g *wabsp.GraphError
		require.ErrorAs(t, err, &g)
		assert.Equal(t, 100, g.Code)
	})
}

func TestSandboxRefusesWhatTheRealServicesRefuse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []wabsptest.Option
		session func(sb *wabsptest.Server) wabsp.SignupSession
		step    wabsp.OnboardingStep
		is      error
	}{
		{"an expired code", nil, func(sb *wabsptest.Server) wabsp.SignupSession {
			return sb.NewSignup(wabsptest.CodeExpired()).Session("")
		}, wabsp.StepExchangeCode, nil},
		{"a token for another app", nil, func(sb *wabsptest.Server) wabsp.SignupSession {
			return sb.NewSignup(wabsptest.ForApp("2000000000000002")).Session("")
		}, wabsp.StepCheckToken, wabsp.ErrTokenForOtherApp},
		{"a token without the messaging permission", nil, func(sb *wabsptest.Server) wabsp.SignupSession {
			return sb.NewSignup(wabsptest.Scopes(wabsp.ScopeWhatsAppBusinessManagement)).Session("")
		}, wabsp.StepCheckToken, wabsp.ErrScopeMissing},
		{"a phone number of another WABA", nil, func(sb *wabsptest.Server) wabsp.SignupSession {
			other := sb.NewSignup()
			s := sb.NewSignup().Session("")
			s.PhoneNumberID = other.PhoneNumberID
			return s
		}, wabsp.StepEmbeddedSignup, wabsp.ErrPhoneNumberRegisteredElsewhere},
		{"an inactive Multi-Partner Solution", []wabsptest.Option{wabsptest.WithMultiPartnerSolutionInactive()}, func(sb *wabsptest.Server) wabsp.SignupSession {
			return sb.NewSignup().Session("")
		}, wabsp.StepEmbeddedSignup, wabsp.ErrMultiPartnerSolutionInactive},
		{"a WABA with two numbers and no phone id", nil, func(sb *wabsptest.Server) wabsp.SignupSession {
			s := sb.NewSignup(wabsptest.PhoneNumbers(2)).Session("")
			s.PhoneNumberID = ""
			return s
		}, wabsp.StepResolveIDs, wabsp.ErrIDAmbiguous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb := wabsptest.NewServer(tt.opts...)
			defer sb.Close()
			_, err := sb.Client().Onboard(context.Background(), tt.session(sb))
			var oe *wabsp.OnboardingError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, tt.step, oe.Step, "%v", err)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}
}

func TestSandboxRecoversMissingIDsLikeGraph(t *testing.T) {
	t.Parallel()
	sb := wabsptest.NewServer()
	defer sb.Close()
	signup := sb.NewSignup()
	res, err := sb.Client().Onboard(context.Background(), wabsp.SignupSession{Code: wabsp.Secret(signup.Code)})
	require.NoError(t, err)
	assert.Equal(t, []string{"waba_id", "business_id", "phone_number_id"}, res.Recovered)
	assert.Equal(t, signup.PhoneNumberID, res.PhoneNumberID)
}

func TestSandboxFaults(t *testing.T) {
	t.Parallel()
	t.Run("500s on Plivo are retried to success", func(t *testing.T) {
		t.Parallel()
		sb := wabsptest.NewServer()
		defer sb.Close()
		sb.FailNext(2, wabsptest.Fault{Status: http.StatusInternalServerError, PathPrefix: "/v1/"})
		signup := sb.NewSignup()
		res, err := sb.Client().Onboard(context.Background(), signup.Session(""))
		require.NoError(t, err)
		assert.False(t, res.AlreadyOnboarded)
		assert.Equal(t, 3, sb.CallCount(http.MethodPost, "/v1/Account/"+wabsptest.AuthID+"/WhatsApp/EmbeddedSignup/"))
	})
	t.Run("a Graph 429 with Retry-After is retried", func(t *testing.T) {
		t.Parallel()
		sb := wabsptest.NewServer()
		defer sb.Close()
		sb.FailNext(1, wabsptest.Fault{Status: http.StatusTooManyRequests, PathPrefix: "/" + wabsp.DefaultGraphVersion + "/debug_token"})
		_, err := sb.Client().Onboard(context.Background(), sb.NewSignup().Session(""))
		require.NoError(t, err)
		assert.Equal(t, 2, sb.CallCount(http.MethodGet, "/"+wabsp.DefaultGraphVersion+"/debug_token"))
	})
	t.Run("an answer cut mid-body after Plivo onboarded is retried and recognised", func(t *testing.T) {
		t.Parallel()
		sb := wabsptest.NewServer()
		defer sb.Close()
		sb.FailNext(1, wabsptest.Fault{CloseMidBody: true, PathPrefix: "/v1/"})
		signup := sb.NewSignup()
		res, err := sb.Client().Onboard(context.Background(), signup.Session(""))
		require.NoError(t, err)
		assert.True(t, res.AlreadyOnboarded, "the retry met Plivo's answer for the work the cut attempt did")
		assert.Equal(t, 2, sb.CallCount(http.MethodPost, "/v1/Account/"+wabsptest.AuthID+"/WhatsApp/EmbeddedSignup/"))
	})
	t.Run("a GET cut mid-body is retried to success", func(t *testing.T) {
		t.Parallel()
		sb := wabsptest.NewServer()
		defer sb.Close()
		sb.FailNext(1, wabsptest.Fault{CloseMidBody: true, PathPrefix: "/" + wabsp.DefaultGraphVersion + "/debug_token"})
		_, err := sb.Client().Onboard(context.Background(), sb.NewSignup().Session(""))
		require.NoError(t, err)
		assert.Equal(t, 2, sb.CallCount(http.MethodGet, "/"+wabsp.DefaultGraphVersion+"/debug_token"))
	})
}
