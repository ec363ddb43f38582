package wabsp_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

func TestRequireStopsAClientMissingCredentialsAtConstruction(t *testing.T) {
	// t.Setenv: not parallel.
	for _, v := range []string{"PLIVO_AUTH_ID", "PLIVO_AUTH_TOKEN", "META_APP_ID", "META_APP_SECRET"} {
		t.Setenv(v, "")
	}
	both := wabsp.Require(wabsp.RequirePlivo, wabsp.RequireMetaApp)
	tests := []struct {
		name string
		env  map[string]string
		opts []wabsp.Option
		want string // "" when NewClient succeeds
		is   []error
	}{
		{"nothing set names all four variables", nil, []wabsp.Option{wabsp.FromEnv(), both},
			"wabsp: missing credentials: PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN, META_APP_ID, META_APP_SECRET",
			[]error{wabsp.ErrNoPlivoCredentials, wabsp.ErrNoMetaApp}},
		{"one variable unset names it alone", map[string]string{"PLIVO_AUTH_ID": "MAENVXXXXXXXXXXXXXXX", "PLIVO_AUTH_TOKEN": "t", "META_APP_ID": "42"},
			[]wabsp.Option{wabsp.FromEnv(), both}, "wabsp: missing credentials: META_APP_SECRET", []error{wabsp.ErrNoMetaApp}},
		{"everything set builds", map[string]string{"PLIVO_AUTH_ID": "MAENVXXXXXXXXXXXXXXX", "PLIVO_AUTH_TOKEN": "t", "META_APP_ID": "42", "META_APP_SECRET": "s"},
			[]wabsp.Option{wabsp.FromEnv(), both}, "", nil},
		{"an option after FromEnv supplies what the environment lacks", map[string]string{"META_APP_ID": "42", "META_APP_SECRET": "s"},
			[]wabsp.Option{wabsp.FromEnv(), both, wabsp.WithPlivoCredentials(testAuthID, testAuthToken)}, "", nil},
		{"without FromEnv the options are named", nil, []wabsp.Option{both, wabsp.Require(wabsp.RequireAccessToken)},
			"wabsp: missing credentials: WithPlivoCredentials, WithMetaApp, WithAccessToken",
			[]error{wabsp.ErrNoPlivoCredentials, wabsp.ErrNoMetaApp, wabsp.ErrNoAccessToken}},
		{"what is not required may be missing", nil, []wabsp.Option{wabsp.FromEnv(), wabsp.Require(wabsp.RequireAccessToken), wabsp.WithAccessToken("tok")}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := wabsp.NewClient(tt.opts...)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.want)
			var mce *wabsp.MissingCredentialsError
			require.ErrorAs(t, err, &mce)
			for _, is := range tt.is {
				assert.ErrorIs(t, err, is)
			}
		})
	}
}

func TestRequireRefusesAnUnknownRequirement(t *testing.T) {
	t.Parallel()
	_, err := wabsp.NewClient(wabsp.Require(wabsp.Requirement(42)))
	assert.ErrorContains(t, err, "unknown Requirement(42)")
}

func TestBaseURLsThatAlreadyHoldAPathTheSDKAddsAreRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  wabsp.Option
		want string // "" when accepted
	}{
		{"Plivo with /v1", wabsp.WithPlivoBaseURL("https://api.plivo.com/v1"), "must not include /v1"},
		{"Plivo with /v1/", wabsp.WithPlivoBaseURL("https://api.plivo.com/v1/"), "must not include /v1"},
		{"Plivo with the account path", wabsp.WithPlivoBaseURL("https://api.plivo.com/v1/Account/MA123/"), "must not include /v1"},
		{"Plivo behind a proxy prefix", wabsp.WithPlivoBaseURL("https://proxy.example/plivo"), ""},
		{"Graph with a version", wabsp.WithGraphBaseURL("https://graph.facebook.com/v24.0"), "must not include a version (v24.0)"},
		{"Graph with a major version", wabsp.WithGraphBaseURL("https://graph.facebook.com/v19/"), "must not include a version (v19)"},
		{"Graph behind a proxy prefix", wabsp.WithGraphBaseURL("https://proxy.example/graph"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := wabsp.NewClient(tt.opt)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.want)
			assert.ErrorContains(t, err, "give the host")
		})
	}
}
