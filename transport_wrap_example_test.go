package wabsp_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

// requestCounter stands for any instrumentation that wraps a transport, such
// as OpenTelemetry's otelhttp.NewTransport.
type requestCounter struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *requestCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

func ExampleWithTransportWrapper() {
	sb := wabsptest.NewServer()
	defer sb.Close()
	signup := sb.NewSignup()

	// In production: wabsp.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
	//	return otelhttp.NewTransport(rt)
	// })
	counter := &requestCounter{}
	client := sb.Client(wabsp.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
		counter.next = rt // here the sandbox's transport; by default the tuned one, pool included
		return counter
	})).WithToken(signup.AccessToken)

	n, err := client.GetPhoneNumber(context.Background(), signup.PhoneNumberID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n.ID == signup.PhoneNumberID, "requests seen:", counter.n.Load())
	// Output: true requests seen: 1
}
