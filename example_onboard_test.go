package wabsp_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

func ExampleClient_Onboard() {
	// The sandbox stands in for Plivo and Graph; in production build the
	// client with wabsp.NewClient(wabsp.FromEnv()).
	sb := wabsptest.NewServer()
	defer sb.Close()
	client := sb.Client()

	// What the "Connect WhatsApp" page posts when the customer finishes
	// Meta's dialog: the code and the ids from WA_EMBEDDED_SIGNUP. Only the
	// code is required; missing ids are recovered from the token's grants.
	signup := sb.NewSignup()
	session := wabsp.SignupSession{Code: wabsp.Secret(signup.Code), WABAID: signup.WABAID, ClientRef: "customer-12345"}

	res, err := client.Onboard(context.Background(), session)
	var oe *wabsp.OnboardingError
	switch {
	case errors.As(err, &oe):
		fmt.Println("failed at", oe.Step, oe.Err)
		return
	case err != nil:
		fmt.Println(err)
		return
	}
	fmt.Println("onboarded:", res.WABAID == signup.WABAID, "already:", res.AlreadyOnboarded)
	fmt.Println("recovered:", res.Recovered)

	// Running it again for the same session is safe.
	again, err := client.Onboard(context.Background(), session)
	fmt.Println("again:", err == nil, "already:", again.AlreadyOnboarded)
	// Output:
	// onboarded: true already: false
	// recovered: [business_id phone_number_id]
	// again: true already: true
}
