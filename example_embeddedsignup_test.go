package wabsp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wabsp/wabsp"
)

// plivoStandIn answers the way Plivo's Tech Provider guide documents the
// Embedded Signup API, so the example runs without an account.
func plivoStandIn() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"api_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","message":"Embedded signup completed successfully.",`+
			`"waba_id":"109876543210987","phone_number_id":"112233445566778","business_id":"198765432109876"}`)
	}))
}

func ExampleClient_EmbeddedSignup() {
	plivo := plivoStandIn()
	defer plivo.Close()

	client, err := wabsp.NewClient(
		wabsp.WithPlivoCredentials("MAXXXXXXXXXXXXXXXXXX", "your-auth-token"),
		wabsp.WithPlivoBaseURL(plivo.URL), // omit in production
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := client.EmbeddedSignup(context.Background(), wabsp.EmbeddedSignupRequest{
		WABAID:        "109876543210987",
		BusinessID:    "198765432109876",
		PhoneNumberID: "112233445566778",
		ClientRef:     "customer-12345",
	})
	var bad *wabsp.BadRequestError
	switch {
	case errors.Is(err, wabsp.ErrWABAAlreadyOnboarded):
		fmt.Println("already onboarded")
	case errors.As(err, &bad):
		fmt.Println("refused:", bad.Message, bad.RequestID)
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println(resp.Message, resp.WABAID)
	}
	// Output: Embedded signup completed successfully. 109876543210987
}

func ExampleEmbeddedSignupRequest_Validate() {
	err := wabsp.EmbeddedSignupRequest{WABAID: "WABA_ID", PhoneNumberID: "112233445566778"}.Validate()
	var verr *wabsp.ValidationError
	if errors.As(err, &verr) {
		for _, f := range verr.Fields {
			fmt.Println(f)
		}
	}
	fmt.Println(errors.Is(err, wabsp.ErrMissingBusinessID))
	// Output:
	// waba_id: must be a numeric Meta id, got "WABA_ID"
	// business_id: is required
	// true
}
