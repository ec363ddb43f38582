package wabsp

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/google/go-querystring/query"
)

type queryParam struct{ key, value string }

// encodeQuery renders v (nil, url.Values or a struct with
// go-querystring tags) as a raw query, with appsecret_proof set to proof
// when proof is not empty. The output is what url.Values.Encode gives for
// the same values: keys sorted, a key's values in order. It is built in one
// pass, without the url.Values copy that adding the proof used to need.
func encodeQuery(v any, proof string) (string, error) {
	var stack [8]queryParam
	params := stack[:0]
	switch q := v.(type) {
	case nil:
	case url.Values:
		params = appendValues(params, q)
	default:
		vals, err := query.Values(v)
		if err != nil {
			return "", fmt.Errorf("wabsp: encoding query: %w", err)
		}
		params = appendValues(params, vals)
	}
	if proof != "" {
		// Like url.Values.Set: the proof replaces any the query carried.
		params = slices.DeleteFunc(params, func(p queryParam) bool { return p.key == "appsecret_proof" })
		params = append(params, queryParam{"appsecret_proof", proof})
	}
	if len(params) == 0 {
		return "", nil
	}
	// Stable, so that the values of one key keep their order.
	slices.SortStableFunc(params, func(a, b queryParam) int { return cmp.Compare(a.key, b.key) })
	n := 0
	for _, p := range params {
		n += len(p.key) + len(p.value) + 2
	}
	var b strings.Builder
	b.Grow(n + n/4) // a little room for escapes
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.value))
	}
	return b.String(), nil
}

func appendValues(params []queryParam, vals url.Values) []queryParam {
	for k, vs := range vals {
		for _, v := range vs {
			params = append(params, queryParam{k, v})
		}
	}
	return params
}
