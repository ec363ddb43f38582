package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp/wabsptest"
)

func TestRunOnboardsAgainstTheSandboxWithoutCredentials(t *testing.T) {
	for _, v := range append(credentialVars, realOnlyVars...) {
		t.Setenv(v, "")
	}
	var out bytes.Buffer
	require.NoError(t, run(&out, false, ""))
	assert.Contains(t, out.String(), "200 OK")
	assert.Contains(t, out.String(), `"status": "onboarded"`)
}

func TestRunRefusesHalfTheConfiguration(t *testing.T) {
	tests := []struct {
		name string
		set  []string
		want string
	}{
		{"one credential names the four missing", []string{"PLIVO_AUTH_ID"},
			"PLIVO_AUTH_ID set but PLIVO_AUTH_TOKEN, META_APP_ID, META_APP_SECRET, META_CONFIG_ID missing"},
		{"four credentials name the one missing", []string{"PLIVO_AUTH_ID", "PLIVO_AUTH_TOKEN", "META_APP_ID", "META_APP_SECRET"},
			"META_CONFIG_ID missing"},
		{"an endpoint override without credentials is not ignored", []string{"WABSP_GRAPH_BASE_URL"},
			"WABSP_GRAPH_BASE_URL applies to the real services only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range append(credentialVars, realOnlyVars...) {
				t.Setenv(v, "")
			}
			for _, v := range tt.set {
				t.Setenv(v, "1")
			}
			assert.ErrorContains(t, run(io.Discard, false, ""), tt.want)
		})
	}
}

func TestOnboardingAPI(t *testing.T) {
	t.Parallel()
	sb := wabsptest.NewServer()
	defer sb.Close()
	a := newApp(sb.Client(), page{AppID: wabsptest.AppID, ConfigID: "cfg", GraphVersion: "v24.0", SDKURL: sb.SDKStubURL(), AllowSameOrigin: true},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(a)
	defer srv.Close()
	signup := sb.NewSignup()
	post := func(body string) (int, onboardResponse) {
		resp, err := http.Post(srv.URL+"/api/whatsapp/embedded-signup", "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		var out onboardResponse
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}

	status, out := post(`{"code":"` + signup.Code + `","waba_id":"` + signup.WABAID + `"}`)
	assert.Equal(t, http.StatusOK, status, out.Error)
	assert.Equal(t, "onboarded", out.Status)
	assert.Equal(t, []string{"business_id", "phone_number_id"}, out.Recovered)

	status, out = post(`{"code":"` + signup.Code + `","waba_id":"` + signup.WABAID + `"}`)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "already_onboarded", out.Status)

	status, out = post(`{"code":`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.NotEmpty(t, out.Error)

	status, out = post(`{"code":"short","waba_id":"abc"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "validate", out.Step)

	other := sb.NewSignup(wabsptest.ForApp("2000000000000002"))
	status, out = post(`{"code":"` + other.Code + `"}`)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, "check_token", out.Step)
	assert.NotContains(t, out.Error, other.AccessToken.Reveal())

	resp, err := http.Get(srv.URL + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	html, _ := io.ReadAll(resp.Body)
	assert.Contains(t, string(html), sb.SDKStubURL())
	assert.Contains(t, string(html), `appId: "`+wabsptest.AppID+`"`)
}
