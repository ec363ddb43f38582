// Command register-number takes a customer's phone number through the steps
// a Tech Provider runs after Embedded Signup: request and verify an ownership
// code, register the number with its two-step PIN, read it back, and set its
// business profile.
//
// With no META_ACCESS_TOKEN in the environment it runs against a small
// in-process stand-in for the Graph endpoints it uses, so it works on any
// machine. With META_ACCESS_TOKEN, META_APP_ID, META_APP_SECRET,
// WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_PIN set it calls the real Graph API;
// the code steps then run only when asked: WHATSAPP_REQUEST_CODE=SMS (or
// VOICE) requests a code and stops, WHATSAPP_VERIFICATION_CODE=... verifies
// it on the next run.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/wabsp/wabsp"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "register-number:", err)
		os.Exit(1)
	}
}

// The stand-in's number, PIN and the code it "sends".
const (
	fakePhoneNumberID = "106540352242922"
	fakePIN           = "123456"
	fakeCode          = "123830"
	fakeToken         = "sandbox-business-token"
)

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	opts := []wabsp.Option{wabsp.FromEnv(), wabsp.WithUserAgentSuffix("example-register-number")}
	pnid, pin := os.Getenv("WHATSAPP_PHONE_NUMBER_ID"), os.Getenv("WHATSAPP_PIN")
	requestCode, code := os.Getenv("WHATSAPP_REQUEST_CODE"), os.Getenv("WHATSAPP_VERIFICATION_CODE")
	if token := os.Getenv("META_ACCESS_TOKEN"); token != "" {
		opts = append(opts, wabsp.WithAccessToken(token))
	} else {
		fake := newFakeGraph()
		srv := httptest.NewServer(fake)
		defer srv.Close()
		fmt.Println("no META_ACCESS_TOKEN set: using an in-process stand-in for the Graph API at", srv.URL)
		opts = append(opts, wabsp.WithMetaApp("1234567890123456", "sandbox-app-secret"),
			wabsp.WithAccessToken(fakeToken), wabsp.WithGraphBaseURL(srv.URL))
		pnid, pin, requestCode, code = fakePhoneNumberID, fakePIN, "SMS", fakeCode
	}
	client, err := wabsp.NewClient(opts...)
	if err != nil {
		return err
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
	if code != "" {
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
		fmt.Printf(" (%s business-initiated conversations per 24h)", limit)
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

	rules := wabsp.UnverifiedWABALimits()
	fmt.Printf("until the business is verified (seed 000): at most %d numbers, %s business-initiated conversations per 24h\n",
		rules.MaxRegisteredNumbers, rules.BusinessInitiated)
	return nil
}

// fakeGraph answers the six Graph calls above for one number, keeping its
// state between them, in the shapes Meta documents.
type fakeGraph struct {
	mu       sync.Mutex
	verified bool
	status   string
	profile  map[string]any
}

func newFakeGraph() *fakeGraph {
	return &fakeGraph{status: "PENDING", profile: map[string]any{"messaging_product": "whatsapp"}}
}

func (f *fakeGraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer "+fakeToken || r.URL.Query().Get("appsecret_proof") == "" {
		graphError(w, http.StatusUnauthorized, 190, "Invalid OAuth access token.")
		return
	}
	// Paths look like /v24.0/{id}/{edge}.
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || parts[1] != fakePhoneNumberID {
		graphError(w, http.StatusBadRequest, 100, "Unsupported request: unknown object id.")
		return
	}
	edge := ""
	if len(parts) > 2 {
		edge = parts[2]
	}
	switch r.Method + " " + edge {
	case "POST request_code":
		success(w)
	case "POST verify_code":
		if r.URL.Query().Get("code") != fakeCode {
			graphError(w, http.StatusBadRequest, 136025, "(#136025) Verify code error")
			return
		}
		f.verified = true
		success(w)
	case "POST register":
		var body struct {
			MessagingProduct string `json:"messaging_product"`
			PIN              string `json:"pin"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		switch {
		case body.MessagingProduct != "whatsapp":
			graphError(w, http.StatusBadRequest, 100, "(#100) The parameter messaging_product is required.")
		case body.PIN != fakePIN:
			graphError(w, http.StatusBadRequest, 133005, "(#133005) Two step verification PIN Mismatch")
		default:
			f.status = "CONNECTED"
			success(w)
		}
	case "GET ":
		verification := "NOT_VERIFIED"
		if f.verified {
			verification = "VERIFIED"
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": fakePhoneNumberID, "display_phone_number": "+1 555-010-0199", "verified_name": "Lucky Shrub",
			"name_status": "APPROVED", "code_verification_status": verification, "quality_rating": "GREEN",
			"whatsapp_business_manager_messaging_limit": "TIER_250", "throughput": map[string]string{"level": "STANDARD"},
			"platform_type": "CLOUD_API", "status": f.status,
		})
	case "POST whatsapp_business_profile":
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body["messaging_product"] != "whatsapp" {
			graphError(w, http.StatusBadRequest, 100, "(#100) The parameter messaging_product is required.")
			return
		}
		for k, v := range body {
			f.profile[k] = v
		}
		success(w)
	case "GET whatsapp_business_profile":
		_ = json.NewEncoder(w).Encode(map[string]any{"data": []any{f.profile}})
	default:
		graphError(w, http.StatusBadRequest, 100, "Unsupported request.")
	}
}

func success(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"success":true}`)) }

func graphError(w http.ResponseWriter, status, code int, message string) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "sandbox",
	}})
}
