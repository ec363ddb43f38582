package wabsp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wabsp/wabsp"
)

// exampleGraph stands in for Graph in the examples: it accepts any template
// and lists two, over two pages.
func exampleGraph() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost:
			fmt.Fprint(w, `{"id":"594425479261596","status":"PENDING","category":"UTILITY"}`)
		case r.URL.Query().Get("after") == "":
			fmt.Fprint(w, `{"data":[{"id":"594425479261596","name":"order_shipped","language":"en_US","status":"APPROVED","category":"UTILITY"}],
				"paging":{"cursors":{"before":"QQ","after":"Qg"},"next":"https://graph.facebook.com/next"}}`)
		default:
			fmt.Fprint(w, `{"data":[{"id":"956723401156789","name":"winback_offer","language":"pt_BR","status":"REJECTED","category":"MARKETING","rejected_reason":"PROMOTIONAL"}],
				"paging":{"cursors":{"before":"Qg","after":"Qg"}}}`)
		}
	}))
}

func ExampleClient_SubmitTemplate() {
	graph := exampleGraph()
	defer graph.Close()
	client, err := wabsp.NewClient(
		wabsp.WithMetaApp("1234567890123456", "app-secret"),
		wabsp.WithAccessToken("system-user-token"),
		wabsp.WithGraphBaseURL(graph.URL),
	)
	if err != nil {
		panic(err)
	}

	resp, err := client.SubmitTemplate(context.Background(), "109876543210987", wabsp.TemplateRequest{
		Name:     "order_shipped",
		Language: "en_US",
		Category: wabsp.CategoryUtility,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentBody, Text: "Hi {{1}}, order {{2}} is on its way.",
				Example: &wabsp.ComponentExample{BodyText: [][]string{{"Ana", "A-1024"}}}},
			{Type: wabsp.ComponentFooter, Text: "Reply STOP to unsubscribe"},
			{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{
				{Type: wabsp.ButtonURL, Text: "Track order", URL: "https://shop.example.com/track/{{1}}",
					Example: []string{"https://shop.example.com/track/A-1024"}},
			}},
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.ID, resp.Status, resp.Category)

	// An invalid template is refused before anything is sent, with every
	// problem named by its path.
	_, err = client.SubmitTemplate(context.Background(), "109876543210987", wabsp.TemplateRequest{
		Name: "Order Shipped", Language: "en_US", Category: wabsp.CategoryUtility,
		Components: []wabsp.Component{{Type: wabsp.ComponentBody, Text: "Hi {{1}}"}},
	})
	var verr *wabsp.ValidationError
	if errors.As(err, &verr) {
		for _, f := range verr.Fields {
			fmt.Println(f.Field)
		}
	}
	// Output:
	// 594425479261596 PENDING UTILITY
	// name
	// components[0].example.body_text[0]
}

func ExampleClient_Templates() {
	graph := exampleGraph()
	defer graph.Close()
	client, err := wabsp.NewClient(
		wabsp.WithMetaApp("1234567890123456", "app-secret"),
		wabsp.WithAccessToken("system-user-token"),
		wabsp.WithGraphBaseURL(graph.URL),
	)
	if err != nil {
		panic(err)
	}

	// Every page is fetched in turn as the loop goes on.
	for t, err := range client.Templates(context.Background(), "109876543210987", &wabsp.ListTemplatesOptions{Limit: 50}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(t.Name, t.Language, t.Status)
	}
	// Output:
	// order_shipped en_US APPROVED
	// winback_offer pt_BR REJECTED
}

// SyncTemplates refreshes every template's status and rejection reason, as
// a "Sync templates" button would.
func ExampleClient_SyncTemplates() {
	graph := exampleGraph()
	defer graph.Close()
	client, err := wabsp.NewClient(
		wabsp.WithMetaApp("1234567890123456", "app-secret"),
		wabsp.WithAccessToken("system-user-token"),
		wabsp.WithGraphBaseURL(graph.URL),
	)
	if err != nil {
		panic(err)
	}

	sync, err := client.SyncTemplates(context.Background(), "109876543210987")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sync.ByStatus[wabsp.TemplateApproved], "approved,", sync.ByStatus[wabsp.TemplateRejected], "rejected")
	for _, t := range sync.Rejected() {
		fmt.Println(t.Name, t.Language, t.RejectedReason)
	}
	// Output:
	// 1 approved, 1 rejected
	// winback_offer pt_BR PROMOTIONAL
}

// After a submission failed with a *ServerError, FindTemplate tells whether
// Meta created the template after all, instead of submitting it again.
func ExampleClient_FindTemplate() {
	graph := exampleGraph()
	defer graph.Close()
	client, err := wabsp.NewClient(
		wabsp.WithMetaApp("1234567890123456", "app-secret"),
		wabsp.WithAccessToken("system-user-token"),
		wabsp.WithGraphBaseURL(graph.URL),
	)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	t, err := client.FindTemplate(ctx, "109876543210987", "order_shipped", "en_US")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("found", t.ID, t.Status)

	_, err = client.FindTemplate(ctx, "109876543210987", "winback_offer", "en_US") // only pt_BR exists
	fmt.Println(errors.Is(err, wabsp.ErrTemplateNotFound))
	// Output:
	// found 594425479261596 APPROVED
	// true
}
