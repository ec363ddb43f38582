// Command embedded-signup completes a WhatsApp Embedded Signup onboarding
// through Plivo. With no credentials in the environment it runs against an
// in-process stand-in for Plivo's API, so it works on any machine.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/wabsp/wabsp"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "embedded-signup:", err)
		os.Exit(1)
	}
}

func run() error {
	opts := []wabsp.Option{wabsp.FromEnv(), wabsp.WithUserAgentSuffix("example-embedded-signup")}
	if os.Getenv("PLIVO_AUTH_ID") == "" {
		fake := httptest.NewServer(http.HandlerFunc(fakePlivo))
		defer fake.Close()
		fmt.Println("no PLIVO_AUTH_ID set: using an in-process stand-in for Plivo at", fake.URL)
		opts = append(opts, wabsp.WithPlivoCredentials("MAXXXXXXXXXXXXXXXXXX", "sandbox-token"), wabsp.WithPlivoBaseURL(fake.URL))
	}
	client, err := wabsp.NewClient(opts...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := client.EmbeddedSignup(ctx, wabsp.EmbeddedSignupRequest{
		WABAID:        "109876543210987",
		BusinessID:    "198765432109876",
		PhoneNumberID: "112233445566778",
		ClientRef:     "customer-12345",
	})
	if err != nil {
		return err
	}
	out, _ := json.MarshalIndent(resp, "", "  ")
	fmt.Printf("onboarded:\n%s\n", out)
	return nil
}

// fakePlivo answers the Embedded Signup call the way seed 003 documents.
func fakePlivo(w http.ResponseWriter, r *http.Request) {
	var req wabsp.EmbeddedSignupRequest
	w.Header().Set("Content-Type", "application/json")
	if _, _, ok := r.BasicAuth(); !ok {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"api_id":"sandbox","error":"Authentication credentials were not provided or are invalid."}`))
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"api_id":"sandbox","error":"waba_id is required."}`))
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{
		"api_id": "sandbox-0001", "message": "Embedded signup completed successfully.",
		"waba_id": req.WABAID, "phone_number_id": req.PhoneNumberID, "business_id": req.BusinessID,
	})
}
