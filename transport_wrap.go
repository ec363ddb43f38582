package wabsp

import (
	"errors"
	"net/http"
)

// WithTransportWrapper adds wrap around the client's transport, keeping it:
// the tuned default transport and its connection pool (or the transport
// given with WithHTTPClient or WithTransport). Use it for instrumentation
// such as OpenTelemetry's otelhttp.NewTransport, or any http.RoundTripper
// middleware; WithTransport would replace the pool instead.
//
// The wrapper sees every attempt, retries included, below the retry policy.
// Several wrappers apply in the order given, the last one outermost. A
// wrapper that returns nil makes NewClient fail.
func WithTransportWrapper(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return func(c *config) error {
		if wrap == nil {
			return errors.New("wabsp: WithTransportWrapper given a nil function")
		}
		c.transportWrappers = append(c.transportWrappers, wrap)
		return nil
	}
}

// wrapTransport returns a copy of hc whose transport is wrapped by each of
// wrappers in turn; hc itself, possibly the caller's, is left unchanged.
func wrapTransport(hc *http.Client, wrappers []func(http.RoundTripper) http.RoundTripper) (*http.Client, error) {
	if len(wrappers) == 0 {
		return hc, nil
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	for _, wrap := range wrappers {
		if rt = wrap(rt); rt == nil {
			return nil, errors.New("wabsp: a WithTransportWrapper function returned a nil http.RoundTripper")
		}
	}
	cp := *hc
	cp.Transport = rt
	return &cp, nil
}
