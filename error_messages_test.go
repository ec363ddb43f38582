package wabsp_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

// Each error string must carry what a developer needs without a debugger,
// say it once, and hold no credential.
func TestErrorStringsExplainThemselves(t *testing.T) {
	t.Parallel()
	t.Run("a Graph error names the call, code, subcode, type and Meta's user message", func(t *testing.T) {
		t.Parallel()
		fx := fixture.Load(t, "testdata/templates/submit_duplicate.json")
		c, mt := newTemplatesClient(t)
		fx.Register(t, mt)
		_, err := c.SubmitTemplate(context.Background(), templatesWABAID, templateRequestOf(t, fx))
		require.Error(t, err)
		assert.Equal(t, "wabsp: graph: POST /v25.0/109876543210987/message_templates: HTTP 400: Invalid parameter "+
			"(code 100, subcode 2388024, OAuthException): There is already en_US content for the template dup_tpl. "+
			"(fbtrace_id AdupTpl0001)", err.Error())
	})
	t.Run("a Graph error repeats neither its message as title nor its details", func(t *testing.T) {
		t.Parallel()
		fx := fixture.Load(t, "testdata/templates/submit_invalid_parameter.json")
		c, mt := newTemplatesClient(t)
		fx.Register(t, mt)
		_, err := c.SubmitTemplate(context.Background(), templatesWABAID, templateRequestOf(t, fx))
		require.Error(t, err)
		assert.Equal(t, 1, strings.Count(err.Error(), "Invalid parameter"), err.Error())
		assert.Contains(t, err.Error(), "The template name summer_sale_2025 is invalid for language en_US.")
	})
	t.Run("a Plivo error names the call and the api_id", func(t *testing.T) {
		t.Parallel()
		fx := fixture.Load(t, "testdata/embeddedsignup/phone_registered_elsewhere.json")
		c, mt := newMockedClient(t)
		fx.Register(t, mt)
		_, err := c.EmbeddedSignup(context.Background(), signupRequest)
		require.Error(t, err)
		assert.Regexp(t, `^wabsp: plivo: POST /v1/Account/`+testAuthID+`/WhatsApp/EmbeddedSignup/: HTTP 400: .+ \(api_id .+\)$`, err.Error())
		assert.NotContains(t, err.Error(), testAuthToken)
	})
	t.Run("an onboarding failure says wabsp and its step once", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockedClient(t)
		mountRoutes(t, mt, onboardRoutes{
			exchange: happyRoutes.exchange, debug: happyRoutes.debug, phones: happyRoutes.phones,
			subscribe: happyRoutes.subscribe, signup: []string{"server_error"},
		})
		_, err := c.Onboard(context.Background(), fullSession)
		require.Error(t, err)
		msg := err.Error()
		assert.True(t, strings.HasPrefix(msg, "wabsp: onboarding failed at embedded_signup: plivo: POST /v1/Account/"), msg)
		assert.Equal(t, 1, strings.Count(msg, "wabsp:"), msg)
		assert.Equal(t, 1, strings.Count(msg, "embedded_signup"), msg)
	})
	t.Run("a transport failure names the URL once", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(nil)
		base := srv.URL
		srv.Close() // nothing listens there any more
		c, err := wabsp.NewClient(wabsp.WithPlivoCredentials(testAuthID, testAuthToken), wabsp.WithPlivoBaseURL(base),
			wabsp.WithRetryPolicy(wabsp.RetryPolicy{MaxAttempts: 1}))
		require.NoError(t, err)
		_, err = c.EmbeddedSignup(context.Background(), signupRequest)
		var re *wabsp.RequestError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, 1, strings.Count(err.Error(), base), err.Error())
		assert.True(t, strings.HasPrefix(err.Error(), "wabsp: POST "+base+"/v1/Account/"), err.Error())
	})
}
