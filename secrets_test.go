package wabsp_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

const testAccessToken = "EAAtest-customer-business-token"

// secretsOf lists every credential a test client holds, in the forms it
// could leak in: raw, and Basic-auth encoded.
var secretsOf = []string{
	testAuthToken, testAppSecret, testAccessToken,
	base64.StdEncoding.EncodeToString([]byte(testAuthID + ":" + testAuthToken)),
}

// syncBuffer is a log sink safe for the retry hooks' goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range secretsOf {
		assert.NotContains(t, text, s, "%s leaks a secret", where)
	}
}

func TestSecretsNeverAppearInFormattedValues(t *testing.T) {
	t.Parallel()
	c, _ := newMockedClient(t, wabsp.WithAccessToken(testAccessToken))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		assertNoSecret(t, "client "+verb, fmt.Sprintf(verb, c))
		assertNoSecret(t, "customer client "+verb, fmt.Sprintf(verb, c.WithToken(testAccessToken)))
		assertNoSecret(t, "secret "+verb, fmt.Sprintf(verb, wabsp.Secret(testAppSecret)))
		assertNoSecret(t, "struct holding a secret "+verb, fmt.Sprintf(verb, struct{ Token wabsp.Secret }{wabsp.Secret(testAccessToken)}))
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "secret", wabsp.Secret(testAppSecret), "client", c)
	assertNoSecret(t, "slog", buf.String())
	assert.Equal(t, testAppSecret, wabsp.Secret(testAppSecret).Reveal())
}

func TestSecretsNeverAppearInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	fx := fixture.Glob(t, "testdata/embeddedsignup/*.json")
	url := fx["success"].Request.URL
	tests := []struct {
		name      string
		responder httpmock.Responder
	}{
		{"401", fx["unauthorized"].Responder(t)},
		{"403", fx["forbidden"].Responder(t)},
		{"400", fx["already_onboarded"].Responder(t)},
		{"500 retried", fx["server_error"].Responder(t)},
		{"429 retried", rateLimited("")},
		{"transport error", httpmock.NewErrorResponder(errors.New("connection reset"))},
		{"truncated success", httpmock.NewStringResponder(200, `{"api_id":`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs syncBuffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, mt := newMockedClient(t, wabsp.WithLogger(logger), wabsp.WithAccessToken(testAccessToken))
			mt.RegisterResponder(http.MethodPost, url, tt.responder)
			_, err := c.EmbeddedSignup(context.Background(), signupRequest)
			require.Error(t, err)
			for _, verb := range []string{"%v", "%+v", "%s"} {
				assertNoSecret(t, "error "+verb, fmt.Sprintf(verb, err))
			}
			for e := err; e != nil; e = errors.Unwrap(e) {
				assertNoSecret(t, fmt.Sprintf("wrapped %T", e), e.Error())
			}
			require.NotEmpty(t, logs.String(), "the attempt was logged")
			assertNoSecret(t, "logs", logs.String())
		})
	}
}

func TestSecretsNeverAppearWhenGraphCallsFail(t *testing.T) {
	t.Parallel()
	exchange := fixture.Load(t, "testdata/graph/exchange_code_success.json")
	subscribe := fixture.Load(t, "testdata/graph/subscribe_app_success.json")
	secrets := append([]string{testCode}, secretsOf...)
	tests := []struct {
		name  string
		mount func(mt *httpmock.MockTransport)
	}{
		{"transport error on the code exchange, whose URL holds the secret and the code", func(mt *httpmock.MockTransport) {
			mt.RegisterResponder(http.MethodGet, strings.SplitN(exchange.Request.URL, "?", 2)[0], httpmock.NewErrorResponder(errors.New("connection reset")))
		}},
		{"Graph error on the code exchange", func(mt *httpmock.MockTransport) {
			fixture.Load(t, "testdata/graph/exchange_code_used.json").Register(t, mt)
		}},
		{"transport error on a call with the business token", func(mt *httpmock.MockTransport) {
			exchange.Register(t, mt)
			fixture.Load(t, "testdata/graph/debug_token_valid.json").Register(t, mt)
			mt.RegisterResponder(http.MethodPost, strings.SplitN(subscribe.Request.URL, "?", 2)[0], httpmock.NewErrorResponder(errors.New("connection reset")))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs syncBuffer
			logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, mt := newMockedClient(t, wabsp.WithLogger(logger))
			tt.mount(mt)
			session := fullSession
			_, err := c.Onboard(context.Background(), session)
			require.Error(t, err)
			for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%+v", session), fmt.Sprintf("%#v", session), logs.String()} {
				for _, s := range secrets {
					assert.NotContains(t, text, s)
				}
			}
			assert.Contains(t, logs.String(), "REDACTED", "URLs are logged with their credentials redacted")
		})
	}
}
