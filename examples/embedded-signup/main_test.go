package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

func TestRunOnboardsAgainstTheSandboxWithoutCredentials(t *testing.T) {
	for _, v := range append(credentialVars, realOnlyVars...) {
		t.Setenv(v, "")
	}
	tests := []struct {
		ending string
		want   []string
	}{
		{"finish", []string{"200 OK", `"status": "onboarded"`, "What happens next"}},
		{"obo_migration", []string{"200 OK", `"status": "onboarded"`}},
		{"grant_only", []string{"200 OK", `"status": "onboarded"`}},
		{"finish_only_waba", []string{"200 OK", `"status": "awaiting_phone_number"`, "has no phone number yet"}},
		{"business_app", []string{"200 OK", `"status": "coexistence"`, "Keep using the app"}},
		{"cancel", []string{"422 Unprocessable Entity", "You closed Meta's signup at the phone number verification step"}},
		{"error", []string{"422 Unprocessable Entity", "Meta's signup stopped before it finished"}},
	}
	for _, tt := range tests {
		t.Run(tt.ending, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, run(&out, false, "", tt.ending))
			for _, w := range tt.want {
				assert.Contains(t, out.String(), w)
			}
		})
	}
	assert.ErrorContains(t, run(io.Discard, false, "", "sideways"), "want one of")
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
			assert.ErrorContains(t, run(io.Discard, false, "", "finish"), tt.want)
		})
	}
}

// lockedBuffer is the server log as the tests read it: the handler writes
// from the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// apiFixture is the onboarding page and API on loopback against a sandbox,
// with a "browser" that has loaded the page: signed in, holding its cookie
// and CSRF token.
type apiFixture struct {
	sb      *wabsptest.Server
	app     *app
	srv     *httptest.Server
	browser *http.Client
	csrf    string
	log     *lockedBuffer
}

func newAPIFixture(t *testing.T) *apiFixture {
	t.Helper()
	f := &apiFixture{sb: wabsptest.NewServer(), log: &lockedBuffer{}}
	t.Cleanup(f.sb.Close)
	f.app = newApp(f.sb.Client(), page{AppID: wabsptest.AppID, ConfigID: "cfg", GraphVersion: "v24.0", SDKURL: f.sb.SDKStubURL(), AllowSameOrigin: true},
		slog.New(slog.NewTextHandler(f.log, nil)))
	f.srv = httptest.NewServer(f.app)
	t.Cleanup(f.srv.Close)
	f.browser = &http.Client{Jar: mustJar(t)}
	var err error
	f.csrf, err = loadPage(context.Background(), f.browser, f.srv.URL+"/")
	require.NoError(t, err)
	return f
}

// customerID is the id of the one customer signed in so far.
func (f *apiFixture) customerID(t *testing.T) string {
	t.Helper()
	f.app.sessions.mu.Lock()
	defer f.app.sessions.mu.Unlock()
	require.Len(t, f.app.sessions.byID, 1)
	for _, cs := range f.app.sessions.byID {
		return cs.CustomerID
	}
	return ""
}

// post sends body as the page would, through hc, with csrf unless empty.
func (f *apiFixture) post(t *testing.T, hc *http.Client, csrf, body string) (int, onboardResponse, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/api/whatsapp/embedded-signup", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out onboardResponse
	require.NoError(t, json.Unmarshal(raw, &out), "body: %s", raw)
	return resp.StatusCode, out, string(raw)
}

func TestOnboardingAPIOnboardsTheSignedInCustomerAndSaysWhatComesNext(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	signup := f.sb.NewSignup()

	// The page forwards Meta's event; this one names only the WABA, and the
	// body's client_ref is not the page's to choose.
	finish := `"event":{"type":"WA_EMBEDDED_SIGNUP","event":"FINISH","version":"3","data":{"waba_id":"` + signup.WABAID + `"}}`
	status, out, _ := f.post(t, f.browser, f.csrf, `{"code":"`+signup.Code+`",`+finish+`,"client_ref":"someone-else"}`)
	require.Equal(t, http.StatusOK, status, out.Error)
	assert.Equal(t, "onboarded", out.Status)
	assert.Equal(t, []string{"business_id", "phone_number_id"}, out.Recovered)
	clientRef, onboarded := f.sb.Onboarded(signup.WABAID)
	require.True(t, onboarded)
	assert.Equal(t, f.customerID(t), clientRef, "the WABA is onboarded for the session's customer, not what the body names")
	// The sandbox's first number: a name usable without review, registration pending.
	assert.Equal(t, []string{
		`Your display name "Sandbox Shop 1" is approved.`,
		"+1 555-010-0100 is being set up: it can send messages once its status shows Connected.",
	}, out.NextSteps)

	status, out, _ = f.post(t, f.browser, f.csrf, `{"code":"`+signup.Code+`",`+finish+`}`)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "already_onboarded", out.Status)
}

func TestOnboardingAPIShowsFriendlyMessagesAndLogsTheDetail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// send posts the case's request.
		send       func(t *testing.T, f *apiFixture) (int, onboardResponse, string)
		wantStatus int
		wantError  string
		// wantLog is what the server log holds next to the reference.
		wantLog []string
	}{
		{"a POST without a session is refused", func(t *testing.T, f *apiFixture) (int, onboardResponse, string) {
			return f.post(t, &http.Client{}, f.csrf, `{"code":"x"}`)
		}, http.StatusUnauthorized, msgSignedOut, []string{"no session"}},
		{"a POST without the CSRF token is refused", func(t *testing.T, f *apiFixture) (int, onboardResponse, string) {
			return f.post(t, f.browser, "", `{"code":"x"}`)
		}, http.StatusForbidden, msgStalePage, []string{"CSRF"}},
		{"a POST with another session's CSRF token is refused", func(t *testing.T, f *apiFixture) (int, onboardResponse, string) {
			return f.post(t, f.browser, strings.Repeat("ab", 32), `{"code":"x"}`)
		}, http.StatusForbidden, msgStalePage, []string{"CSRF"}},
		{"a body that is not JSON", func(t *testing.T, f *apiFixture) (int, onboardResponse, string) {
			return f.post(t, f.browser, f.csrf, `{"code":`)
		}, http.StatusBadRequest, msgBadRequest, []string{"unreadable post"}},
		{"ids that are not ids", func(t *testing.T, f *apiFixture) (int, onboardResponse, string) {
			return f.post(t, f.browser, f.csrf, `{"code":"short","event":{"type":"WA_EMBEDDED_SIGNUP","event":"FINISH","data":{"waba_id":"abc"}}}`)
		}, http.StatusBadRequest, msgIncomplete, []string{"invalid post", "waba_id"}},
		{"a code issued to another app", func(t *testing.T, f *apiFixture) (int, onboardResponse, string) {
			other := f.sb.NewSignup(wabsptest.ForApp("2000000000000002"))
			return f.post(t, f.browser, f.csrf, `{"code":"`+other.Code+`"}`)
		}, http.StatusForbidden, msgPermissions, []string{"step=check_token", "another app"}},
		{"Plivo failing on every attempt", func(t *testing.T, f *apiFixture) (int, onboardResponse, string) {
			signup := f.sb.NewSignup()
			f.sb.FailNext(10, wabsptest.Fault{Status: http.StatusInternalServerError, PathPrefix: "/v1/"})
			return f.post(t, f.browser, f.csrf, `{"code":"`+signup.Code+`"}`)
		}, http.StatusBadGateway, msgUnavailable, []string{"step=embedded_signup", "upstream_request_id="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newAPIFixture(t)
			status, out, raw := tt.send(t, f)
			assert.Equal(t, tt.wantStatus, status)
			assert.Equal(t, tt.wantError, out.Error)
			require.Regexp(t, `^[0-9a-f]{16}$`, out.Reference, "the customer gets a reference to quote")
			assert.NotContains(t, raw, "wabsp:", "no technical error reaches the page")

			logged := f.log.String()
			var line string
			for _, l := range strings.Split(logged, "\n") {
				if strings.Contains(l, "reference="+out.Reference) {
					line = l
				}
			}
			require.NotEmpty(t, line, "the log has a line with the reference; log: %s", logged)
			for _, want := range tt.wantLog {
				assert.Contains(t, line, want)
			}
		})
	}
}

func TestFailureMessagesNameTheCustomersNextMove(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		status int
		msg    string
	}{
		{"a token without a permission", fmt.Errorf("check: %w", wabsp.ErrScopeMissing), http.StatusForbidden, msgPermissions},
		{"an id the customer did not share", fmt.Errorf("check: %w", wabsp.ErrIDNotGranted), http.StatusForbidden, msgNotShared},
		{"several WABAs and none named", fmt.Errorf("resolve: %w", wabsp.ErrIDAmbiguous), http.StatusUnprocessableEntity, msgWhichWABA},
		{"a number registered elsewhere", fmt.Errorf("plivo: %w", wabsp.ErrPhoneNumberRegisteredElsewhere), http.StatusUnprocessableEntity, msgNumberTaken},
		{"the Multi-Partner Solution inactive", fmt.Errorf("plivo: %w", wabsp.ErrMultiPartnerSolutionInactive), http.StatusBadGateway, msgNotReady},
		{"any other failure", errors.New("dial tcp: connection refused"), http.StatusBadGateway, msgUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := failureFor(tt.err)
			assert.Equal(t, tt.status, got.status)
			assert.Equal(t, tt.msg, got.message)
		})
	}
}

func TestNextStepsFollowTheNamesReviewAndTheNumbersStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		n    *wabsp.PhoneNumber
		want []string
	}{
		{"a name under review and a connected number", &wabsp.PhoneNumber{VerifiedName: "Acme", NameStatus: wabsp.NamePendingReview, DisplayPhoneNumber: "+1 555-010-0199", Status: wabsp.PhoneNumberStatusConnected},
			[]string{`Meta is reviewing your display name "Acme"; this usually takes minutes, sometimes a day.`, "+1 555-010-0199 is connected and can send messages."}},
		{"a declined name and a flagged number", &wabsp.PhoneNumber{VerifiedName: "Acme!!", NameStatus: wabsp.NameDeclined, DisplayPhoneNumber: "+1 555-010-0199", Status: wabsp.PhoneNumberStatusFlagged},
			[]string{`Meta declined your display name "Acme!!". Choose a name that matches your business and submit it again in WhatsApp Manager.`,
				"+1 555-010-0199 is connected, but its quality rating is low: it cannot reach more customers until the rating improves."}},
		{"a number that could not be read", nil,
			[]string{"Meta reviews your display name before your messages show it; this usually takes minutes, sometimes a day.",
				"Your number's status will show in WhatsApp Manager (business.facebook.com)."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, nextSteps(tt.n))
		})
	}
}

func TestThePageCarriesItsSettingsAndASessionBoundCSRFToken(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	resp, err := f.browser.Get(f.srv.URL + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	html, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Contains(t, string(html), `appId: "`+wabsptest.AppID+`"`)
	assert.Contains(t, string(html), `csrfToken: "`+f.csrf+`"`, "the same session keeps its token")
	sdk, err := json.Marshal(f.sb.SDKStubURL())
	require.NoError(t, err)
	assert.Contains(t, strings.ReplaceAll(string(html), `\/`, `/`), `sdkURL: `+string(sdk))

	// Another browser is another customer with another token.
	other, err := loadPage(context.Background(), &http.Client{Jar: mustJar(t)}, f.srv.URL+"/")
	require.NoError(t, err)
	assert.NotEqual(t, f.csrf, other)
}

func mustJar(t *testing.T) http.CookieJar {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return jar
}
