package wabsp_test

import (
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// Credentials the recorded fixtures were made with. None is real.
const (
	testAuthID    = "MAXXXXXXXXXXXXXXXXXX"
	testAuthToken = "test-plivo-auth-token"
	testAppID     = "1234567890123456"
	testAppSecret = "test-meta-app-secret"
)

// fastRetries keeps retry tests quick: three attempts, microsecond backoff.
var fastRetries = wabsp.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Microsecond, MaxBackoff: 10 * time.Microsecond, MaxRetryAfter: 5 * time.Second}

// newMockedClient returns a client whose every request goes to a fresh
// httpmock transport, which fails on any request nothing was registered for.
func newMockedClient(t *testing.T, opts ...wabsp.Option) (*wabsp.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	base := []wabsp.Option{
		wabsp.WithPlivoCredentials(testAuthID, testAuthToken),
		wabsp.WithMetaApp(testAppID, testAppSecret),
		wabsp.WithTransport(mt),
		wabsp.WithRetryPolicy(fastRetries),
	}
	c, err := wabsp.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

// fieldsOf returns the field path of each problem in err, which must be a
// *ValidationError, in order; every problem must say what is wrong.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var verr *wabsp.ValidationError
	require.ErrorAs(t, err, &verr)
	got := make([]string, 0, len(verr.Fields))
	for _, f := range verr.Fields {
		got = append(got, f.Field)
		assert.NotEmpty(t, f.Message, "%s has no message", f.Field)
	}
	return got
}
