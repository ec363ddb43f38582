// Command register-number takes a customer's phone number through the steps
// a Tech Provider runs after Embedded Signup: request and verify an ownership
// code, register the number with its two-step PIN, read it back, and set its
// business profile.
//
// With none of its variables set it runs against the wabsptest sandbox (an
// in-process Graph API) for a customer who has just finished Embedded Signup,
// so it works on any machine. With META_ACCESS_TOKEN, META_APP_ID,
// META_APP_SECRET, WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_PIN all set it calls
// the real Graph API; a part of them is refused, naming what is missing. The
// code steps then run only when asked: WHATSAPP_REQUEST_CODE=SMS (or VOICE)
// requests a code and stops, WHATSAPP_VERIFICATION_CODE=... verifies it on the
// next run. -h lists every variable.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/examples/internal/exampleenv"
	"github.com/wabsp/wabsp/wabsptest"
)

// graphVars are needed together to call the real Graph API.
var graphVars = []string{"META_ACCESS_TOKEN", "META_APP_ID", "META_APP_SECRET", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_PIN"}

func main() {
	exampleenv.SetUsage(flag.CommandLine, `Command register-number verifies, registers and profiles a customer's phone number.
With none of the variables below set it runs on the in-process sandbox.

Usage: go run ./examples/register-number`,
		exampleenv.Var{Name: "META_ACCESS_TOKEN", Help: "the customer's business token (or your system user token); with all of the next four, calls the real Graph API"},
		exampleenv.Var{Name: "META_APP_ID", Help: "your Meta app id"},
		exampleenv.Var{Name: "META_APP_SECRET", Help: "your Meta app secret (for appsecret_proof)"},
		exampleenv.Var{Name: "WHATSAPP_PHONE_NUMBER_ID", Help: "the phone number id to register"},
		exampleenv.Var{Name: "WHATSAPP_PIN", Help: "the six-digit two-step verification PIN to register with"},
		exampleenv.Var{Name: "WHATSAPP_REQUEST_CODE", Help: "optional, real Graph only: SMS or VOICE requests an ownership code, then stops"},
		exampleenv.Var{Name: "WHATSAPP_VERIFICATION_CODE", Help: "optional, real Graph only: the code received, verified before registering"},
	)
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
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
	real, err := exampleenv.Group("call the real Graph API", graphVars...)
	if err != nil {
		return err
	}
	if !real && (requestCode != "" || code != "") {
		return errors.New("WHATSAPP_REQUEST_CODE and WHATSAPP_VERIFICATION_CODE apply to the real Graph API only: set " +
			strings.Join(graphVars, ", ") + " as well, or unset them for the sandbox")
	}
	var client *wabsp.Client
	// sentCode is the code to verify once one was requested: the one typed
	// in for real, the one the sandbox "sent" otherwise.
	sentCode := func() string { return code }
	if real {
		c, err := wabsp.NewClient(wabsp.FromEnv(), wabsp.Require(wabsp.RequireMetaApp), wabsp.WithUserAgentSuffix("example-register-number"),
			wabsp.WithAccessToken(os.Getenv("META_ACCESS_TOKEN")))
		if err != nil {
			return err
		}
		client = c
	} else {
		sb := wabsptest.NewServer()
		defer sb.Close()
		signup := sb.NewSignup()
		fmt.Println("no Graph credentials set (see -h): using the wabsptest sandbox at", sb.URL(), "for WABA", signup.WABAID)
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
		if real {
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
