// Command register-number takes a customer's phone number through the steps
// a Tech Provider runs after Embedded Signup: request and verify an ownership
// code, register the number with its two-step PIN, read it back, and set its
// business profile.
//
// With no META_ACCESS_TOKEN in the environment it runs against the wabsptest
// sandbox (an in-process Graph API) for a customer who has just finished
// Embedded Signup, so it works on any machine. With META_ACCESS_TOKEN, META_APP_ID, META_APP_SECRET,
// WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_PIN set it calls the real Graph API;
// the code steps then run only when asked: WHATSAPP_REQUEST_CODE=SMS (or
// VOICE) requests a code and stops, WHATSAPP_VERIFICATION_CODE=... verifies
// it on the next run.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "register-number:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	pnid, pin := os.Getenv("WHATSAPP_PHONE_NUMBER_ID"), os.Getenv("WHATSAPP_PIN")
	requestCode, code := os.Getenv("WHATSAPP_REQUEST_CODE"), os.Getenv("WHATSAPP_VERIFICATION_CODE")
	var client *wabsp.Client
	// sentCode is the code to verify once one was requested: the one typed
	// in for real, the one the sandbox "sent" otherwise.
	sentCode := func() string { return code }
	if token := os.Getenv("META_ACCESS_TOKEN"); token != "" {
		c, err := wabsp.NewClient(wabsp.FromEnv(), wabsp.WithUserAgentSuffix("example-register-number"), wabsp.WithAccessToken(token))
		if err != nil {
			return err
		}
		client = c
	} else {
		sb := wabsptest.NewServer()
		defer sb.Close()
		signup := sb.NewSignup()
		fmt.Println("no META_ACCESS_TOKEN set: using the wabsptest sandbox at", sb.URL(), "for WABA", signup.WABAID)
		client = sb.Client(wabsp.WithUserAgentSuffix("example-register-number")).WithToken(signup.AccessToken)
		pnid, pin, requestCode = signup.PhoneNumberID, "123456", "SMS"
		sentCode = func() string { return sb.LastVerificationCode(pnid) }
	}

	if requestCode != "" {
		method := wabsp.CodeMethod(strings.ToUpper(requestCode))
		if err := client.RequestVerificationCode(ctx, pnid, wabsp.RequestCodeRequest{Method: method, Language: "en_US"}); err != nil {
			return fmt.Errorf("requesting a code: %w", err)
		}
		fmt.Printf("1. verification code requested by %s\n", method)
		if os.Getenv("META_ACCESS_TOKEN") != "" {
			fmt.Println("   run again with WHATSAPP_VERIFICATION_CODE set to the code received")
			return nil
		}
	}
	if code := sentCode(); code != "" {
		if err := client.VerifyCode(ctx, pnid, code); err != nil {
			return fmt.Errorf("verifying the code: %w", err)
		}
		fmt.Println("2. ownership verified")
	}

	if err := client.RegisterPhoneNumber(ctx, pnid, wabsp.RegisterRequest{PIN: pin}); err != nil {
		return fmt.Errorf("registering: %w", err)
	}
	fmt.Println("3. registered with the Cloud API")

	n, err := client.GetPhoneNumber(ctx, pnid)
	if err != nil {
		return fmt.Errorf("reading the number: %w", err)
	}
	limit, known := n.Limit()
	fmt.Printf("4. %s (%s): status %s -> %s, quality %s, code %s, tier %s",
		n.DisplayPhoneNumber, n.VerifiedName, n.Status, n.State(), n.QualityRating, n.CodeVerificationStatus, n.MessagingLimitTier)
	if known {
		fmt.Printf(" (its business portfolio may message %s unique customers outside the service window per 24h, shared by all its numbers)", limit)
	}
	fmt.Println()

	update := wabsp.BusinessProfileUpdate{
		About:       "Succulents delivered.",
		Description: "Plants and gardening supplies.",
		Email:       "help@luckyshrub.example",
		Vertical:    wabsp.VerticalRetail,
		Websites:    []string{"https://www.luckyshrub.example/"},
	}
	if err := client.UpdateBusinessProfile(ctx, pnid, update); err != nil {
		return fmt.Errorf("updating the profile: %w", err)
	}
	p, err := client.GetBusinessProfile(ctx, pnid)
	if err != nil {
		return fmt.Errorf("reading the profile: %w", err)
	}
	out, _ := json.MarshalIndent(p, "   ", "  ")
	fmt.Printf("5. business profile updated:\n   %s\n", out)

	rules := wabsp.StartingPortfolioLimits()
	fmt.Printf("a new business portfolio: %s unique customers per 24h outside the service window, shared by its numbers; at most %d numbers until verified\n",
		rules.BusinessInitiated, rules.MaxRegisteredNumbers)
	return nil
}
