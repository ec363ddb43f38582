package wabsp

import (
	"net/url"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oldEncodeQuery is how the query was built before encodeQuery: through
// url.Values, with the proof Set and the whole Encoded.
func oldEncodeQuery(t *testing.T, v any, proof string) string {
	t.Helper()
	var vals url.Values
	switch q := v.(type) {
	case nil:
		vals = url.Values{}
	case url.Values:
		vals = url.Values{}
		for k, vs := range q {
			vals[k] = append([]string(nil), vs...)
		}
	default:
		var err error
		vals, err = query.Values(v)
		require.NoError(t, err)
	}
	if proof != "" {
		vals.Set("appsecret_proof", proof)
	}
	return vals.Encode()
}

func TestEncodeQueryMatchesURLValuesEncode(t *testing.T) {
	t.Parallel()
	type fields struct {
		Fields []string `url:"fields,comma,omitempty"`
		Limit  int      `url:"limit,omitempty"`
		After  string   `url:"after,omitempty"`
	}
	cases := []struct {
		name  string
		query any
	}{
		{"no query", nil},
		{"credentials with characters to escape", debugTokenQuery{InputToken: "EAAB/x+y z", AccessToken: "123|s&cr=t"}},
		{"an omitted empty value", codeExchangeQuery{Code: "AQB", ClientID: "1"}},
		{"values with several values for a key", url.Values{"b": {"2", "1"}, "a": {"x y"}, "c": {"ü"}}},
		{"values carrying their own appsecret_proof", url.Values{"appsecret_proof": {"stale"}, "z": {"1"}}},
		{"a go-querystring struct", fields{Fields: []string{"id", "name"}, Limit: 2, After: "QVFI=="}},
		{"more parameters than fit on the stack", url.Values{"k1": {"1"}, "k2": {"2"}, "k3": {"3"}, "k4": {"4"}, "k5": {"5"},
			"k6": {"6"}, "k7": {"7"}, "k8": {"8"}, "k9": {"9", "10"}}},
	}
	for _, tc := range cases {
		for _, proof := range []string{"", "0123abcd"} {
			got, err := encodeQuery(tc.query, proof)
			require.NoError(t, err)
			assert.Equal(t, oldEncodeQuery(t, tc.query, proof), got, "%s, proof %q", tc.name, proof)
		}
	}
}
