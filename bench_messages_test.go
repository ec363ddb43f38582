package wabsp_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/policy"
)

// acceptTransport answers every request as Plivo's Message API accepts a
// message, without a network: the benchmarks then measure the SDK alone.
type acceptTransport struct{}

func (acceptTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	const body = `{"api_id":"4f2a6c1e-9b7d-11ef-8a3c-0242ac110002","message":"message(s) queued","message_uuid":["5b3d1a6e-9b7d-11ef-8a3c-0242ac110002"]}`
	return &http.Response{StatusCode: http.StatusAccepted, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// sendPair is an unchecked client and a policy-checked sender on the same
// in-memory transport, with the customer's window open.
func sendPair(tb testing.TB) (*wabsp.Client, *wabsp.MessageSender) {
	tb.Helper()
	c, err := wabsp.NewClient(wabsp.WithPlivoCredentials(testAuthID, testAuthToken), wabsp.WithTransport(acceptTransport{}))
	if err != nil {
		tb.Fatal(err)
	}
	tr, err := policy.NewTracker()
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	if err := tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: wabsp.DigitsOnly(testBusinessNumber),
		CustomerWAID: wabsp.DigitsOnly(testCustomer), At: time.Now()}); err != nil {
		tb.Fatal(err)
	}
	s, err := c.NewMessageSender(wabsp.MessageSenderConfig{Policy: policy.SendPolicyFor(tr)})
	if err != nil {
		tb.Fatal(err)
	}
	return c, s
}

var benchText = wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer, Text: "Your order has shipped."}

var benchTemplate = wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer,
	Template: &wabsp.TemplateMessage{Name: "order_update", Language: "en_US", Components: []wabsp.TemplateMessageComponent{
		{Type: wabsp.TemplateComponentBody, Parameters: []wabsp.TemplateParameter{wabsp.TextParam("Ada"), wabsp.TextParam("#1234")}}}}}

// BenchmarkSendMessage compares a policy-checked send with an unchecked
// one (the baseline) on an in-memory transport. The target: at most 5%
// more time and 10 more allocations.
func BenchmarkSendMessage(b *testing.B) {
	c, s := sendPair(b)
	ctx := context.Background()
	for _, m := range []struct {
		name string
		req  wabsp.MessageRequest
	}{{"text", benchText}, {"template", benchTemplate}} {
		b.Run(m.name+"/baseline-unchecked", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := c.SendMessage(ctx, m.req); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(m.name+"/policy-checked", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := s.Send(ctx, m.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSendPolicyOnly measures what a policy-checked send adds to an
// unchecked one: the policy's questions alone. On a loaded machine the two
// send benchmarks above vary more than this whole difference; this one
// states it directly.
func BenchmarkSendPolicyOnly(b *testing.B) {
	tr, err := policy.NewTracker()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	phone, customer := wabsp.DigitsOnly(testBusinessNumber), wabsp.DigitsOnly(testCustomer)
	if err := tr.ObserveInbound(ctx, policy.InboundMessage{PhoneNumberID: phone, CustomerWAID: customer, At: time.Now()}); err != nil {
		b.Fatal(err)
	}
	p := policy.SendPolicyFor(tr)
	b.Run("window", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := p.Window(ctx, wabsp.DigitsOnly(testBusinessNumber), wabsp.DigitsOnly(testCustomer)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reserve", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := p.Reserve(ctx, wabsp.DigitsOnly(testBusinessNumber), wabsp.DigitsOnly(testCustomer)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestPolicyCheckedSendAddsAtMostTenAllocations holds the allocation half
// of BenchmarkSendMessage's target in CI: counts, unlike times, do not
// depend on the machine's load.
func TestPolicyCheckedSendAddsAtMostTenAllocations(t *testing.T) {
	c, s := sendPair(t)
	ctx := context.Background()
	for _, req := range []wabsp.MessageRequest{benchText, benchTemplate} {
		unchecked := testing.AllocsPerRun(50, func() {
			if _, err := c.SendMessage(ctx, req); err != nil {
				t.Fatal(err)
			}
		})
		checked := testing.AllocsPerRun(50, func() {
			if _, err := s.Send(ctx, req); err != nil {
				t.Fatal(err)
			}
		})
		if checked-unchecked > 10 {
			t.Errorf("a policy-checked send allocates %.0f times, %.0f more than an unchecked one (at most 10)", checked, checked-unchecked)
		}
	}
}
