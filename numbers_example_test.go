package wabsp_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

// exampleClient returns a client whose Graph calls go to an in-process
// server answering with the recorded successful exchanges of
// testdata/numbers, so that the examples run and check their output.
func exampleClient() (*wabsp.Client, func()) {
	answers := map[string][]byte{}
	for _, name := range []string{"register_success", "deregister_success", "request_code_success", "verify_code_success",
		"get_phone_number", "display_name_change", "list_page1", "list_page2", "list_page3", "get_profile", "update_profile", "set_pin_success"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "numbers", name+".json"))
		if err != nil {
			panic(err)
		}
		var fx struct {
			Request  struct{ Method, URL string }
			Response struct{ Body json.RawMessage }
		}
		if err := json.Unmarshal(raw, &fx); err != nil {
			panic(err)
		}
		u, _ := url.Parse(fx.Request.URL)
		answers[exampleKey(fx.Request.Method, u)] = fx.Response.Body
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		body, ok := answers[exampleKey(r.Method, r.URL)]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			body = []byte(`{"error":{"message":"no recorded answer","type":"OAuthException","code":100,"fbtrace_id":"example"}}`)
		}
		_, _ = w.Write(body)
	}))
	c, err := wabsp.NewClient(
		wabsp.WithMetaApp("1234567890123456", "test-meta-app-secret"),
		wabsp.WithAccessToken("test-business-token"),
		wabsp.WithGraphBaseURL(srv.URL),
	)
	if err != nil {
		panic(err)
	}
	return c, srv.Close
}

// exampleKey identifies a request by method, path and query, without
// appsecret_proof.
func exampleKey(method string, u *url.URL) string {
	q := u.Query()
	q.Del("appsecret_proof")
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k+"="+q.Get(k))
	}
	sort.Strings(keys)
	return method + " " + u.Path + "?" + strings.Join(keys, "&")
}

func ExampleClient_RegisterPhoneNumber() {
	client, done := exampleClient()
	defer done()

	err := client.RegisterPhoneNumber(context.Background(), "106540352242922", wabsp.RegisterRequest{
		PIN:                    "123456",
		DataLocalizationRegion: "DE",
	})
	var g *wabsp.GraphError
	switch {
	case errors.As(err, &g) && g.Code == 133005:
		fmt.Println("wrong two-step verification PIN")
	case errors.As(err, &g) && g.Code == 133016:
		fmt.Println("register limit reached: wait 72 hours")
	case err != nil:
		fmt.Println("error:", err)
	default:
		fmt.Println("registered")
	}
	// Output: registered
}

func ExampleClient_RegisterPhoneNumber_validation() {
	client, done := exampleClient()
	defer done()

	err := client.RegisterPhoneNumber(context.Background(), "PHONE_NUMBER_ID", wabsp.RegisterRequest{PIN: "12345"})
	var verr *wabsp.ValidationError
	if errors.As(err, &verr) {
		for _, f := range verr.Fields {
			fmt.Println(f)
		}
	}
	// Output:
	// phone_number_id: must be a numeric Meta id, got "PHONE_NUMBER_ID"
	// pin: must be exactly 6 digits
}

func ExampleClient_SetTwoStepPIN() {
	client, done := exampleClient()
	defer done()

	if err := client.SetTwoStepPIN(context.Background(), "106540352242922", "654321"); err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("PIN set")
	// Output: PIN set
}

func ExampleClient_DeregisterPhoneNumber() {
	client, done := exampleClient()
	defer done()

	if err := client.DeregisterPhoneNumber(context.Background(), "106540352242922"); err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("deregistered")
	// Output: deregistered
}

func ExampleClient_RequestVerificationCode() {
	client, done := exampleClient()
	defer done()

	ctx := context.Background()
	err := client.RequestVerificationCode(ctx, "106540352242922", wabsp.RequestCodeRequest{Method: wabsp.CodeBySMS, Language: "en_US"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	// The customer reads the code from the SMS.
	if err := client.VerifyCode(ctx, "106540352242922", "123830"); err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("verified")
	// Output: verified
}

func ExampleClient_GetPhoneNumber() {
	client, done := exampleClient()
	defer done()

	n, err := client.GetPhoneNumber(context.Background(), "106540352242922")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	limit, _ := n.Limit()
	fmt.Println(n.DisplayPhoneNumber, n.VerifiedName, n.NameStatus)
	fmt.Println(n.State(), n.QualityRating, n.MessagingLimitTier, limit)
	fmt.Println("name change:", n.NewDisplayName, n.NewNameStatus)
	// Output:
	// +1 555-010-0199 Lucky Shrub APPROVED
	// Connected GREEN TIER_2K 2000
	// name change: Lucky Shrub Garden PENDING_REVIEW
}

func ExampleClient_ListPhoneNumbers() {
	client, done := exampleClient()
	defer done()

	opts := &wabsp.ListPhoneNumbersOptions{
		Fields: []string{"id", "display_phone_number", "quality_rating", "whatsapp_business_manager_messaging_limit",
			"status", "verified_name", "name_status", "code_verification_status", "throughput", "platform_type"},
		Limit: 2,
	}
	for n, err := range client.ListPhoneNumbers(context.Background(), "102290129340398", opts) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Printf("%-16s %-10s %s\n", n.DisplayPhoneNumber, n.State(), n.MessagingLimitTier)
	}
	// Output:
	// +1 555-010-0199  Connected  TIER_2K
	// +1 555-010-0200  Flagged    TIER_250
	// +44 7700 900123  Restricted TIER_10K
	// +49 30 901820    Unknown    TIER_UNLIMITED
	// +91 98765 43210  Restricted TIER_50
}

func ExampleClient_RequestDisplayNameChange() {
	client, done := exampleClient()
	defer done()

	if err := client.RequestDisplayNameChange(context.Background(), "106540352242922", "Lucky Shrub Garden"); err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("submitted: watch new_name_status, then register again once APPROVED")
	// Output: submitted: watch new_name_status, then register again once APPROVED
}

func ExampleClient_GetBusinessProfile() {
	client, done := exampleClient()
	defer done()

	p, err := client.GetBusinessProfile(context.Background(), "106540352242922")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(p.About, p.Vertical, p.Websites)
	// Output: Succulents delivered. RETAIL [https://www.luckyshrub.example/]
}

func ExampleClient_UpdateBusinessProfile() {
	client, done := exampleClient()
	defer done()

	err := client.UpdateBusinessProfile(context.Background(), "106540352242922", wabsp.BusinessProfileUpdate{
		About:                "Succulents delivered.",
		Address:              "1 Hacker Way, Menlo Park, CA 94025",
		Description:          "Plants and gardening supplies.",
		Email:                "help@luckyshrub.example",
		Vertical:             wabsp.VerticalRetail,
		Websites:             []string{"https://www.luckyshrub.example/", "https://shop.luckyshrub.example/"},
		ProfilePictureHandle: "4::aW1hZ2UvanBlZw==:ARb_handle",
	})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("profile updated")
	// Output: profile updated
}

func ExampleBusinessProfileUpdate_Validate() {
	err := wabsp.BusinessProfileUpdate{
		Email:    "not an address",
		Vertical: "Shopping and Retail",
		Websites: []string{"www.example.com"},
	}.Validate()
	fmt.Println(err)
	// Output: wabsp: invalid UpdateBusinessProfile request: email: must be a plain e-mail address such as help@example.com; vertical: must be one of Meta's verticals (ALCOHOL, APPAREL, AUTO, ...), got "Shopping and Retail"; websites[0]: must be an absolute URL starting with http:// or https://
}

func ExampleTier_Limit() {
	for _, t := range []wabsp.Tier{wabsp.Tier250, wabsp.TierUnlimited, "TIER_5K"} {
		limit, ok := t.Limit()
		if !ok {
			fmt.Println(t, "limit unknown")
			continue
		}
		fmt.Println(t, limit, limit.Allows(249))
	}
	// Output:
	// TIER_250 250 true
	// TIER_UNLIMITED unlimited true
	// TIER_5K limit unknown
}

func ExampleStartingPortfolioLimits() {
	rules := wabsp.StartingPortfolioLimits()
	fmt.Println("register a third number before verification:", rules.CanRegisterNumber(2))
	fmt.Println("message customer 250 outside the window:", rules.CanStartConversation(249))
	fmt.Println("message customer 251 outside the window:", rules.CanStartConversation(250))
	// Output:
	// register a third number before verification: false
	// message customer 250 outside the window: true
	// message customer 251 outside the window: false
}

func ExampleValidateProfilePicture() {
	gif := []byte("GIF89a...")
	fmt.Println(wabsp.ValidateProfilePicture(gif))
	// Output: wabsp: invalid ProfilePicture request: profile_picture: must be a JPEG or PNG image, got image/gif
}

// VerifyCode with a wrong code fails with Graph's error 136025; with the code
// the customer received it succeeds.
func ExampleClient_VerifyCode() {
	sb := wabsptest.NewServer() // stands in for Graph and the customer's phone
	defer sb.Close()
	signup := sb.NewSignup()
	client := sb.Client().WithToken(signup.AccessToken)
	ctx := context.Background()
	pnid := signup.PhoneNumberID

	if err := client.RequestVerificationCode(ctx, pnid, wabsp.RequestCodeRequest{Method: wabsp.CodeBySMS, Language: "en_US"}); err != nil {
		fmt.Println(err)
		return
	}
	err := client.VerifyCode(ctx, pnid, "000000")
	var ge *wabsp.GraphError
	if errors.As(err, &ge) {
		fmt.Println("wrong code: Graph error", ge.Code)
	}
	if err := client.VerifyCode(ctx, pnid, sb.LastVerificationCode(pnid)); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verified")
	// Output:
	// wrong code: Graph error 136025
	// verified
}
