package wabsptest_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp/wabsptest"
)

func proofOf(token string) string {
	m := hmac.New(sha256.New, []byte(wabsptest.AppSecret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// requireJSON sends r, wants status, and decodes the body into out unless
// out is nil.
func requireJSON(t *testing.T, r *http.Request, status int, out any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, status, resp.StatusCode)
	if out != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	}
}
