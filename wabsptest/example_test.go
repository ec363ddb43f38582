package wabsptest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

// A customer's number is verified with the code the sandbox "sent", then
// registered.
func ExampleServer_LastVerificationCode() {
	sb := wabsptest.NewServer()
	defer sb.Close()
	signup := sb.NewSignup()
	client := sb.Client().WithToken(signup.AccessToken)
	ctx := context.Background()

	pnid := signup.PhoneNumberID
	if err := client.RequestVerificationCode(ctx, pnid, wabsp.RequestCodeRequest{Method: wabsp.CodeBySMS, Language: "en_US"}); err != nil {
		panic(err)
	}
	if err := client.VerifyCode(ctx, pnid, sb.LastVerificationCode(pnid)); err != nil {
		panic(err)
	}
	if err := client.RegisterPhoneNumber(ctx, pnid, wabsp.RegisterRequest{PIN: "123456"}); err != nil {
		panic(err)
	}
	n, err := client.GetPhoneNumber(ctx, pnid)
	if err != nil {
		panic(err)
	}
	fmt.Println(n.CodeVerificationStatus, n.Status, n.PlatformType)
	// Output: VERIFIED CONNECTED CLOUD_API
}

// The test decides Meta's review; SyncTemplates sees the outcome.
func ExampleServer_ReviewTemplates() {
	sb := wabsptest.NewServer()
	defer sb.Close()
	signup := sb.NewSignup()
	client := sb.Client().WithToken(signup.AccessToken)
	ctx := context.Background()

	sb.ReviewTemplates(func(t wabsptest.TemplateUnderReview) (string, string) {
		return "REJECTED", "PROMOTIONAL"
	})
	_, err := client.SubmitTemplate(ctx, signup.WABAID, wabsp.TemplateRequest{
		Name: "order_shipped", Language: "en_US", Category: wabsp.CategoryUtility,
		Components: []wabsp.Component{{Type: wabsp.ComponentBody, Text: "Your order has shipped."}},
	})
	if err != nil {
		panic(err)
	}
	sync, err := client.SyncTemplates(ctx, signup.WABAID)
	if err != nil {
		panic(err)
	}
	for _, t := range sync.Templates {
		fmt.Println(t.Name, t.Status, t.RejectedReason)
	}
	// Output: order_shipped REJECTED PROMOTIONAL
}

// A signed inbound message is posted to the application's webhook handler.
func ExampleServer_DeliverWebhook() {
	sb := wabsptest.NewServer()
	defer sb.Close()
	signup := sb.NewSignup()
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A real handler checks X-Hub-Signature-256 against the app secret.
		fmt.Println("signed:", r.Header.Get("X-Hub-Signature-256") != "")
	}))
	defer app.Close()

	status, err := sb.DeliverWebhook(context.Background(), app.URL, sb.InboundTextTo(signup.PhoneNumberID, "15551234567", "Hello"))
	if err != nil {
		panic(err)
	}
	fmt.Println("status:", status)
	// Output:
	// signed: true
	// status: 200
}
