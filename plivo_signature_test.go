package wabsp_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wabsp/wabsp"
)

// plivoVectorParams are the parameters of plivo-go's V3 test vectors
// (utils_test.go, TestValidateSignatureV3Pass1..4).
func plivoVectorParams() url.Values {
	p := map[string]string{
		"Direction": "outbound", "From": "19792014278", "ALegUUID": "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36",
		"CallStatus": "in-progress", "BillRate": "0.002", "ParentAuthID": "MANWVLYTK4ZWU1YTY4QA",
		"To":              "sip:PlivoSignature382029104058171078704104@phone-qa.voice.plivodev.com",
		"ALegRequestUUID": "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36", "CallUUID": "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36",
		"RequestUUID":  "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36",
		"SIP-H-To":     "<sip:PlivoSignature382029104058171078704104@52.9.11.55;transport=udp>;tag=1",
		"SessionStart": "2020-04-08 11:34:33.238707", "Event": "StartApp",
	}
	v := url.Values{}
	for k, x := range p {
		v.Set(k, x)
	}
	return v
}

func TestSignPlivoV3MatchesPlivoGoKnownVectors(t *testing.T) {
	t.Parallel()
	const token, nonce = "Y2Q2ZDgxZmY5YWRiOTI5YmQ1Njg0MTAxZWIyOTc4", "31627761595286130198"
	tests := []struct {
		name, method, url, want string
	}{
		{"POST to a URL with a query", "POST", "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml/?a=b&c=d", "k7Pusd4OxCIjR5IfA9iedDNu/h/gbdYqdzG/MiYtd1c="},
		{"GET to a URL with a query", "GET", "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml/?a=b&c=d", "UBq8jAtd32wR8EK9VgxbBn4n5rpI/l1H9iN4WfSEHFQ="},
		{"POST to a URL without a query", "POST", "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml", "iAjE5QqI37mbkYe4w3jTMudqEzbDufdqi7sYwTu64e0="},
		{"GET to a URL without a query", "GET", "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml", "i/MQsaQSAd6fiKhOh2qeeeLHZ9faldADSb3/7+Akfbc="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			params := plivoVectorParams()
			assert.Equal(t, tt.want, wabsp.SignPlivoV3(token, tt.method, tt.url, nonce, params))
			assert.True(t, wabsp.VerifyPlivoSignatureV3(tt.method, tt.url, nonce, tt.want, params, "other-token", token))
			assert.True(t, wabsp.VerifyPlivoSignatureV3(tt.method, tt.url, nonce, "bogus,"+tt.want, params, token), "one of several signatures")

			assert.False(t, wabsp.VerifyPlivoSignatureV3(tt.method, tt.url, nonce, tt.want, params, "wrong-token"))
			assert.False(t, wabsp.VerifyPlivoSignatureV3(tt.method, tt.url, "1"+nonce, tt.want, params, token), "another nonce")
			tampered := plivoVectorParams()
			tampered.Set("CallStatus", "completed")
			assert.False(t, wabsp.VerifyPlivoSignatureV3(tt.method, tt.url, nonce, tt.want, tampered, token), "a changed parameter")
			assert.False(t, wabsp.VerifyPlivoSignatureV3(tt.method, tt.url, "", tt.want, params, token), "no nonce")
			assert.False(t, wabsp.VerifyPlivoSignatureV3(tt.method, tt.url, nonce, "", params, token), "no signature")
		})
	}
}

func TestSignPlivoV2MatchesPlivoGoKnownVector(t *testing.T) {
	t.Parallel()
	// plivo-go utils_test.go, TestValidateSignatureV2Pass.
	const want = "ehV3IKhLysWBxC1sy8INm0qGoQYdYsHwuoKjsX7FsXc="
	assert.Equal(t, want, wabsp.SignPlivoV2("my_auth_token", "https://answer.url", "12345"))
	assert.True(t, wabsp.VerifyPlivoSignatureV2("https://answer.url", "12345", want, "my_auth_token"))
	assert.True(t, wabsp.VerifyPlivoSignatureV2("https://answer.url?ignored=query", "12345", want, "my_auth_token"), "V2 signs the URL without its query")
	assert.False(t, wabsp.VerifyPlivoSignatureV2("https://answer.url", "12345", want, "my_auth_tokens"))
}
