package wabsp_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

func TestNewClientReportsEveryInvalidOption(t *testing.T) {
	t.Parallel()
	_, err := wabsp.NewClient(
		wabsp.WithPlivoCredentials("MA/../x", "tok"),
		wabsp.WithMetaApp("not-a-number", "s"),
		wabsp.WithGraphVersion("24"),
		wabsp.WithPlivoBaseURL("ftp://example.com"),
		wabsp.WithRetryPolicy(wabsp.RetryPolicy{MaxAttempts: 0}),
		wabsp.WithHTTPClient(nil),
	)
	require.Error(t, err)
	for _, want := range []string{"Auth ID", "app id", "Graph API version", "Plivo base URL", "MaxAttempts", "nil *http.Client"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestNewClientDefaults(t *testing.T) {
	t.Parallel()
	c, err := wabsp.NewClient()
	require.NoError(t, err)
	assert.Equal(t, wabsp.DefaultGraphVersion, c.GraphVersion())
	assert.Empty(t, c.AppID())
}

func TestCallsWithoutCredentialsFailBeforeSending(t *testing.T) {
	t.Parallel()
	mt := &countingTransport{}
	c, err := wabsp.NewClient(wabsp.WithTransport(mt))
	require.NoError(t, err)
	_, err = c.EmbeddedSignup(context.Background(), signupRequest)
	assert.ErrorIs(t, err, wabsp.ErrNoPlivoCredentials)
	assert.Zero(t, mt.calls)
}

type countingTransport struct{ calls int }

func (c *countingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	c.calls++
	return nil, http.ErrHandlerTimeout
}

func TestFromEnvReadsCredentialsOnlyWhenAsked(t *testing.T) {
	t.Setenv("PLIVO_AUTH_ID", "MAENVXXXXXXXXXXXXXXX")
	t.Setenv("PLIVO_AUTH_TOKEN", "env-token")
	t.Setenv("META_APP_ID", "42")
	t.Setenv("META_APP_SECRET", "env-secret")

	without, err := wabsp.NewClient()
	require.NoError(t, err)
	assert.Empty(t, without.AppID(), "the environment is not read implicitly")

	with, err := wabsp.NewClient(wabsp.FromEnv())
	require.NoError(t, err)
	assert.Equal(t, "42", with.AppID())
	assert.Contains(t, with.String(), "MAENVXXXXXXXXXXXXXXX")
	assert.NotContains(t, with.String(), "env-token")

	t.Setenv("META_APP_SECRET", "")
	_, err = wabsp.NewClient(wabsp.FromEnv())
	assert.EqualError(t, err, "wabsp: missing credentials: META_APP_SECRET", "half a pair is an error naming the missing variable")
	assert.ErrorIs(t, err, wabsp.ErrNoMetaApp)
}
