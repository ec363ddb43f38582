package wabsp_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

func TestRedirectsToAnotherOriginAreRefusedWithTheCredentials(t *testing.T) {
	t.Parallel()
	calls := []struct {
		name string
		auth string // the Authorization header the configured server sees
		call func(c *wabsp.Client) error
	}{
		{"Plivo's Basic authorization", "Basic ", func(c *wabsp.Client) error {
			_, err := c.EmbeddedSignup(context.Background(), signupRequest)
			return err
		}},
		{"a Graph Bearer token", "Bearer " + testAccessToken, func(c *wabsp.Client) error {
			_, err := c.SubmitTemplate(context.Background(), "109876543210987", submitRequest)
			return err
		}},
	}
	targets := []struct {
		name     string
		location func(elsewhere string) string
	}{
		{"the same host on another port", func(elsewhere string) string { return elsewhere + "/steal" }},
		{"another scheme", func(elsewhere string) string {
			return strings.Replace(elsewhere, "http://", "https://", 1) + "/steal"
		}},
	}
	for _, call := range calls {
		for _, target := range targets {
			t.Run(call.name+" is not sent to "+target.name, func(t *testing.T) {
				t.Parallel()
				elsewhere := newRealServer(t, answer(200, signupOK))
				var seenAuth string
				configured := newRealServer(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
					seenAuth = r.Header.Get("Authorization")
					http.Redirect(w, r, target.location(elsewhere.URL), http.StatusFound)
				})
				c := clientFor(t, configured)

				err := call.call(c)
				require.ErrorIs(t, err, wabsp.ErrRedirectRefused)
				var re *wabsp.RequestError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, 1, re.Attempts, "a refused redirect is not retried")
				assert.Contains(t, seenAuth, call.auth, "the configured server got the credentials")
				assert.Zero(t, elsewhere.calls.Load(), "nothing reached the other origin")
				assert.Equal(t, int64(1), configured.calls.Load())
				assert.NotContains(t, err.Error(), testAuthToken)
			})
		}
	}
}

func TestARedirectWithinTheOriginIsFollowed(t *testing.T) {
	t.Parallel()
	rs := newRealServer(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			http.Redirect(w, r, r.URL.Path+"moved", http.StatusTemporaryRedirect)
			return
		}
		answer(200, signupOK)(n, w, r)
	})
	_, err := clientFor(t, rs).EmbeddedSignup(context.Background(), signupRequest)
	require.NoError(t, err)
	assert.Equal(t, int64(2), rs.calls.Load())
}

func TestAPIErrorKeepsNoCredential(t *testing.T) {
	t.Parallel()
	const code = "AQBsecretcode123"
	calls := []struct {
		name    string
		call    func(c *wabsp.Client) error
		secrets []string
	}{
		{"the code exchange (client_secret, code)", func(c *wabsp.Client) error {
			_, err := c.ExchangeCode(context.Background(), wabsp.ExchangeCodeRequest{Code: code})
			return err
		}, []string{testAppSecret, code}},
		{"debug_token (input_token, the app token)", func(c *wabsp.Client) error {
			_, err := c.DebugToken(context.Background(), testAccessToken)
			return err
		}, []string{testAppSecret, testAccessToken}},
		{"a call with a business token (Bearer, appsecret_proof)", func(c *wabsp.Client) error {
			return c.SubscribeApp(context.Background(), "109876543210987")
		}, []string{testAccessToken, proof(testAppSecret, testAccessToken)}},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := newRealServer(t, answer(400, `{"error":{"message":"Invalid parameter","type":"OAuthException","code":100,"fbtrace_id":"Ft1"}}`))
			err := tt.call(clientFor(t, rs))
			var apiErr *wabsp.APIError
			require.ErrorAs(t, err, &apiErr)
			require.NotNil(t, apiErr.Response)
			require.NotNil(t, apiErr.Response.Request)
			kept := []string{
				apiErr.Response.Request.URL.String(), apiErr.URL, err.Error(),
				fmt.Sprint(apiErr.Response.Request.Header), fmt.Sprintf("%+v", *apiErr.Response.Request.URL),
			}
			for _, secret := range tt.secrets {
				for _, s := range kept {
					assert.NotContains(t, s, secret)
				}
			}
			assert.Contains(t, apiErr.URL, "=%5BREDACTED%5D", "the query still shows which parameters were sent")
		})
	}
}

// proof is appsecret_proof as Meta defines it.
func proof(secret, token string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}
