package wabsp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
)

// The headers Plivo signs its callbacks with. Plivo's signature-validation
// page says every request carries the V3 set; its messaging pages still
// show the V2 set. The -Ma- variants are signed with the main account's
// Auth Token, the others with the Auth Token of the (sub)account that owns
// the resource.
const (
	PlivoSignatureV3Header      = "X-Plivo-Signature-V3"
	PlivoSignatureMaV3Header    = "X-Plivo-Signature-Ma-V3"
	PlivoSignatureV3NonceHeader = "X-Plivo-Signature-V3-Nonce"
	PlivoSignatureV2Header      = "X-Plivo-Signature-V2"
	PlivoSignatureMaV2Header    = "X-Plivo-Signature-Ma-V2"
	PlivoSignatureV2NonceHeader = "X-Plivo-Signature-V2-Nonce"
)

// SignPlivoV3 computes X-Plivo-Signature-V3 as plivo-go's
// ComputeSignatureV3 does: base64 of HMAC-SHA256, keyed with the Auth Token,
// over the URL without its query, then "?" and
//   - for GET, the URL's query merged with params, sorted by key, as
//     "k=v&k=v";
//   - for POST, the URL's query sorted as "k=v&k=v" and "." (only when the
//     URL has a query), then the POST parameters sorted by key as "kv"
//     with no separator;
//
// then "." and the nonce. Values are the decoded ones; of a repeated key
// the first value counts. Tests and sandboxes use it to sign callbacks.
func SignPlivoV3(authToken, method, rawURL, nonce string, params url.Values) string {
	m := hmac.New(sha256.New, []byte(authToken))
	m.Write([]byte(plivoV3Payload(method, rawURL, params)))
	m.Write([]byte("." + nonce))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func plivoV3Payload(method, rawURL string, params url.Values) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL // cannot match a signature Plivo made for a real URL
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://" + u.Host + u.Path)
	query := u.Query()
	if len(params) > 0 || u.RawQuery != "" {
		b.WriteByte('?')
	}
	get := strings.EqualFold(method, "GET")
	switch {
	case u.RawQuery != "" && get:
		merged := url.Values{}
		for k, v := range query {
			merged[k] = v[:1]
		}
		for k, v := range params {
			if len(v) > 0 {
				merged[k] = v[:1]
			}
		}
		writeSorted(&b, merged, true)
	case u.RawQuery != "":
		writeSorted(&b, query, true)
		b.WriteByte('.')
		writeSorted(&b, params, false)
		// plivo-go trims the dot (and any dot before it) when there are
		// no parameters; so must we, to compute the same string.
		s := strings.TrimRight(b.String(), ".")
		b.Reset()
		b.WriteString(s)
	default:
		writeSorted(&b, params, get)
	}
	return b.String()
}

// writeSorted writes vals sorted by key: "k=v&k=v" when query is true,
// else "kvkv". Only the first value of a key counts.
func writeSorted(b *strings.Builder, vals url.Values, query bool) {
	keys := make([]string, 0, len(vals))
	for k, v := range vals {
		if len(v) > 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for i, k := range keys {
		if query && i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		if query {
			b.WriteByte('=')
		}
		b.WriteString(vals[k][0])
	}
}

// SignPlivoV2 computes X-Plivo-Signature-V2: base64 of HMAC-SHA256, keyed
// with the Auth Token, over the URL without its query followed directly by
// the nonce.
func SignPlivoV2(authToken, rawURL, nonce string) string {
	base := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		base = u.Scheme + "://" + u.Host + u.Path
	}
	m := hmac.New(sha256.New, []byte(authToken))
	m.Write([]byte(base + nonce))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifyPlivoSignatureV3 reports whether header (one signature or several
// separated by commas, as Plivo may send) holds the V3 signature of the
// request for any of authTokens. Comparisons take constant time.
func VerifyPlivoSignatureV3(method, rawURL, nonce, header string, params url.Values, authTokens ...string) bool {
	if nonce == "" || header == "" {
		return false
	}
	for _, token := range authTokens {
		if token != "" && anyEqual(header, SignPlivoV3(token, method, rawURL, nonce, params)) {
			return true
		}
	}
	return false
}

// VerifyPlivoSignatureV2 reports whether header holds the V2 signature of
// rawURL and nonce for any of authTokens, in constant time.
func VerifyPlivoSignatureV2(rawURL, nonce, header string, authTokens ...string) bool {
	if nonce == "" || header == "" {
		return false
	}
	for _, token := range authTokens {
		if token != "" && anyEqual(header, SignPlivoV2(token, rawURL, nonce)) {
			return true
		}
	}
	return false
}

// anyEqual compares want with each comma-separated value of header. Every
// value is compared, so the time taken does not say which one matched.
func anyEqual(header, want string) bool {
	ok := false
	for _, got := range strings.Split(header, ",") {
		if hmac.Equal([]byte(strings.TrimSpace(got)), []byte(want)) {
			ok = true
		}
	}
	return ok
}
