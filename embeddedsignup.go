package wabsp

import (
	"context"
	"net/http"
)

// EmbeddedSignupRequest is the body of Plivo's Embedded Signup call: the ids
// Meta's Embedded Signup flow returned for the customer.
type EmbeddedSignupRequest struct {
	// WABAID is the WhatsApp Business Account the customer created or chose.
	WABAID string `json:"waba_id"`
	// BusinessID is the customer's Meta Business Portfolio.
	BusinessID string `json:"business_id"`
	// PhoneNumberID is the number the customer verified during signup.
	PhoneNumberID string `json:"phone_number_id"`
	// ClientRef is an optional reference of yours for the customer, at most
	// 64 characters.
	ClientRef string `json:"client_ref,omitempty"`
}

// MaxClientRefLength is Plivo's limit on client_ref, in characters.
const MaxClientRefLength = 64

// Validate reports every problem with the request at once, as a
// *ValidationError: each id is required and numeric, and ClientRef is at most
// 64 characters. A missing id also matches its sentinel (ErrMissingWABAID and
// so on), the same one Plivo's 400 for it matches.
func (r EmbeddedSignupRequest) Validate() error {
	var v validator
	r.check(&v, "")
	return v.err("EmbeddedSignup")
}

func (r EmbeddedSignupRequest) check(v *validator, prefix string) {
	v.numericID(prefix+"waba_id", r.WABAID, ErrMissingWABAID)
	v.numericID(prefix+"business_id", r.BusinessID, ErrMissingBusinessID)
	v.numericID(prefix+"phone_number_id", r.PhoneNumberID, ErrMissingPhoneNumberID)
	v.maxLen(prefix+"client_ref", r.ClientRef, MaxClientRefLength)
}

// EmbeddedSignupResponse is Plivo's answer to a completed Embedded Signup.
type EmbeddedSignupResponse struct {
	// APIID is Plivo's id for the request.
	APIID         string `json:"api_id"`
	Message       string `json:"message"`
	WABAID        string `json:"waba_id"`
	PhoneNumberID string `json:"phone_number_id"`
	BusinessID    string `json:"business_id"`
}

// EmbeddedSignup asks Plivo to onboard the customer's WABA: attach it to the
// credit line, register its webhooks and activate the phone number.
//
//	POST https://api.plivo.com/v1/Account/{auth_id}/WhatsApp/EmbeddedSignup/
//
// The request is validated first; nothing is sent when it is invalid.
//
// A 500 is retried under the client's RetryPolicy. An earlier attempt may have
// succeeded before the 500 reached us, in which case the retry is answered
// "This WABA is already registered with Plivo.": errors.Is(err,
// ErrWABAAlreadyOnboarded) tells that case apart, and Client.Onboard treats it
// as success for a WABA the token grants.
func (c *Client) EmbeddedSignup(ctx context.Context, req EmbeddedSignupRequest) (*EmbeddedSignupResponse, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return call[EmbeddedSignupResponse](ctx, c, &apiRequest{
		provider:    ProviderPlivo,
		method:      http.MethodPost,
		path:        "WhatsApp/EmbeddedSignup/",
		body:        req,
		safeToRetry: true,
	})
}
