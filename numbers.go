package wabsp

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// PhoneNumber is a WhatsApp Business phone number as Graph describes it.
// Enum fields keep values the SDK does not know as sent.
type PhoneNumber struct {
	// ID is the phone number id used in every call about the number.
	ID string `json:"id"`
	// DisplayPhoneNumber is the number as shown to customers, such as
	// "+1 555-010-0199".
	DisplayPhoneNumber string `json:"display_phone_number,omitempty"`
	// VerifiedName is the display name; NameStatus says whether it is
	// approved.
	VerifiedName string     `json:"verified_name,omitempty"`
	NameStatus   NameStatus `json:"name_status,omitempty"`
	// NewDisplayName and NewNameStatus describe a display name change under
	// review (see RequestDisplayNameChange).
	NewDisplayName string     `json:"new_display_name,omitempty"`
	NewNameStatus  NameStatus `json:"new_name_status,omitempty"`
	// CodeVerificationStatus says whether ownership was verified with a code.
	CodeVerificationStatus CodeVerificationStatus `json:"code_verification_status,omitempty"`
	QualityRating          QualityRating          `json:"quality_rating,omitempty"`
	// MessagingLimitTier is read from whatsapp_business_manager_messaging_limit
	// (v24 and later) or, when that is absent, messaging_limit_tier.
	MessagingLimitTier Tier              `json:"messaging_limit_tier,omitempty"`
	Throughput         *Throughput       `json:"throughput,omitempty"`
	PlatformType       PlatformType      `json:"platform_type,omitempty"`
	Status             PhoneNumberStatus `json:"status,omitempty"`
	// IsOnBizApp is true for a number onboarded with coexistence: it stays
	// on the WhatsApp Business app as well as the Cloud API.
	IsOnBizApp bool `json:"is_on_biz_app,omitempty"`
}

// Throughput is the number's sending throughput.
type Throughput struct {
	// Level is STANDARD, HIGH or NOT_APPLICABLE; other values are kept.
	Level string `json:"level"`
}

// UnmarshalJSON reads the tier from whichever of its two field names Graph
// used.
func (p *PhoneNumber) UnmarshalJSON(b []byte) error {
	type plain PhoneNumber
	var raw struct {
		plain
		PortfolioLimit Tier `json:"whatsapp_business_manager_messaging_limit"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*p = PhoneNumber(raw.plain)
	if raw.PortfolioLimit != "" {
		p.MessagingLimitTier = raw.PortfolioLimit
	}
	return nil
}

// State maps the number's status to Connected, Flagged or Restricted, the
// states BSP consoles such as Kaleyra's show.
func (p PhoneNumber) State() NumberState { return p.Status.State() }

// Limit returns the number's limit of business-initiated conversations per
// rolling 24 hours; ok is false when its tier is absent or unknown.
func (p PhoneNumber) Limit() (limit Limit, ok bool) { return p.MessagingLimitTier.Limit() }

// PhoneNumberFields lists the fields GetPhoneNumber and ListPhoneNumbers ask
// for when the caller names none, for the client's Graph version: Graph
// rejects a request for a field its version does not have, and the tier
// field was renamed in v24.
func (c *Client) PhoneNumberFields() []string {
	tier := "whatsapp_business_manager_messaging_limit"
	if graphMajor(c.graphVersion) < 24 {
		tier = "messaging_limit_tier"
	}
	return []string{
		"id", "display_phone_number", "verified_name", "name_status", "new_display_name", "new_name_status",
		"code_verification_status", "quality_rating", tier, "throughput", "platform_type", "status",
	}
}

// graphMajor returns 24 for "v24.0", or 0 when unreadable.
func graphMajor(version string) int {
	v := strings.TrimPrefix(version, "v")
	if i := strings.IndexByte(v, '.'); i >= 0 {
		v = v[:i]
	}
	n, _ := strconv.Atoi(v)
	return n
}

// graphSuccess is the {"success": true} answer of Graph's POST edges.
type graphSuccess struct {
	Success bool `json:"success"`
}

// RegisterRequest is the body of a phone number registration.
type RegisterRequest struct {
	// PIN is the number's six-digit two-step verification PIN; for a number
	// without one, it becomes the PIN.
	PIN string
	// DataLocalizationRegion, if set, is the ISO 3166 alpha-2 country code
	// where Meta stores the number's messages at rest (Local Storage).
	DataLocalizationRegion string
}

func (r RegisterRequest) check(v *validator) {
	v.pin("pin", r.PIN)
	if r.DataLocalizationRegion != "" && !countryCodePattern.MatchString(r.DataLocalizationRegion) {
		v.addf("data_localization_region", "must be a two-letter upper-case country code, got %q", truncate(r.DataLocalizationRegion, 16))
	}
}

var countryCodePattern = regexp.MustCompile(`^[A-Z]{2}$`)

type registerBody struct {
	MessagingProduct       string `json:"messaging_product"`
	PIN                    string `json:"pin"`
	DataLocalizationRegion string `json:"data_localization_region,omitempty"`
}

// RegisterPhoneNumber registers a verified number with the Cloud API, the
// last onboarding step after Embedded Signup, and again after a display name
// change is approved.
//
//	POST https://graph.facebook.com/{version}/{phone-number-id}/register
//
// Meta allows 10 register or deregister calls per number in a rolling 72
// hours (error 133016, after which the number is blocked for 72 hours), so
// the call is never repeated by the retry policy after it may have reached
// Meta. A wrong PIN is error 133005; a number still in use in the WhatsApp
// app is refused as well.
func (c *Client) RegisterPhoneNumber(ctx context.Context, phoneNumberID string, req RegisterRequest) error {
	var v validator
	v.numericID("phone_number_id", phoneNumberID, ErrMissingPhoneNumberID)
	req.check(&v)
	if err := v.err("RegisterPhoneNumber"); err != nil {
		return err
	}
	return c.do(ctx, &apiRequest{
		provider:   ProviderGraph,
		method:     http.MethodPost,
		path:       phoneNumberID + "/register",
		body:       registerBody{MessagingProduct: "whatsapp", PIN: req.PIN, DataLocalizationRegion: req.DataLocalizationRegion},
		needsToken: true,
	}, &graphSuccess{})
}

// DeregisterPhoneNumber removes a number from the Cloud API; it can then be
// registered again or moved elsewhere.
//
//	POST https://graph.facebook.com/{version}/{phone-number-id}/deregister
//
// It counts against the same 10 calls per 72 hours as RegisterPhoneNumber
// and is not repeated by the retry policy.
func (c *Client) DeregisterPhoneNumber(ctx context.Context, phoneNumberID string) error {
	var v validator
	v.numericID("phone_number_id", phoneNumberID, ErrMissingPhoneNumberID)
	if err := v.err("DeregisterPhoneNumber"); err != nil {
		return err
	}
	return c.do(ctx, &apiRequest{
		provider:   ProviderGraph,
		method:     http.MethodPost,
		path:       phoneNumberID + "/deregister",
		needsToken: true,
	}, &graphSuccess{})
}

type twoStepPINBody struct {
	PIN string `json:"pin"`
}

// SetTwoStepPIN sets or changes the number's two-step verification PIN, the
// PIN RegisterPhoneNumber then needs. Meta sends a security webhook
// (PIN_CHANGED) to the WABA afterwards.
//
//	POST https://graph.facebook.com/{version}/{phone-number-id}
//
// Setting the same PIN twice leaves the same PIN, so the retry policy may
// repeat the call.
func (c *Client) SetTwoStepPIN(ctx context.Context, phoneNumberID, pin string) error {
	var v validator
	v.numericID("phone_number_id", phoneNumberID, ErrMissingPhoneNumberID)
	v.pin("pin", pin)
	if err := v.err("SetTwoStepPIN"); err != nil {
		return err
	}
	return c.do(ctx, &apiRequest{
		provider:    ProviderGraph,
		method:      http.MethodPost,
		path:        phoneNumberID,
		body:        twoStepPINBody{PIN: pin},
		needsToken:  true,
		safeToRetry: true,
	}, &graphSuccess{})
}

// RequestCodeRequest says how Meta sends a verification code.
type RequestCodeRequest struct {
	// Method is CodeBySMS or CodeByVoice.
	Method CodeMethod `url:"code_method"`
	// Language is the language and locale of the message, such as "en_US"
	// or "pt_BR".
	Language string `url:"language"`
}

var languagePattern = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)

func (r RequestCodeRequest) check(v *validator) {
	if v.required("code_method", string(r.Method), nil) && !r.Method.IsKnown() {
		v.addf("code_method", "must be SMS or VOICE, got %q", truncate(string(r.Method), 16))
	}
	if v.required("language", r.Language, nil) && !languagePattern.MatchString(r.Language) {
		v.addf("language", "must be a language code such as en or en_US, got %q", truncate(r.Language, 16))
	}
}

// RequestVerificationCode asks Meta to send a verification code to the number
// by SMS or voice call, to prove ownership before registration.
//
//	POST https://graph.facebook.com/{version}/{phone-number-id}/request_code?code_method=&language=
//
// Each call sends a message and too many are refused (error 136024), so it is
// never repeated by the retry policy after it may have reached Meta.
func (c *Client) RequestVerificationCode(ctx context.Context, phoneNumberID string, req RequestCodeRequest) error {
	var v validator
	v.numericID("phone_number_id", phoneNumberID, ErrMissingPhoneNumberID)
	req.check(&v)
	if err := v.err("RequestVerificationCode"); err != nil {
		return err
	}
	return c.do(ctx, &apiRequest{
		provider:   ProviderGraph,
		method:     http.MethodPost,
		path:       phoneNumberID + "/request_code",
		query:      req,
		needsToken: true,
	}, &graphSuccess{})
}

// VerifyCode proves ownership of the number with the code Meta sent.
//
//	POST https://graph.facebook.com/{version}/{phone-number-id}/verify_code?code=
//
// A wrong or expired code is error 136025. Guesses are limited, so the call
// is never repeated by the retry policy after it may have reached Meta. The
// code is redacted from logs and errors.
func (c *Client) VerifyCode(ctx context.Context, phoneNumberID, code string) error {
	var v validator
	v.numericID("phone_number_id", phoneNumberID, ErrMissingPhoneNumberID)
	if v.required("code", code, nil) && (!isDigits(code) || len(code) > 10) {
		v.addf("code", "must be the digits Meta sent, without spaces or dashes")
	}
	if err := v.err("VerifyCode"); err != nil {
		return err
	}
	return c.do(ctx, &apiRequest{
		provider:   ProviderGraph,
		method:     http.MethodPost,
		path:       phoneNumberID + "/verify_code",
		query:      verifyCodeQuery{Code: code},
		needsToken: true,
	}, &graphSuccess{})
}

// GetPhoneNumber reads one number. With no fields it asks for
// Client.PhoneNumberFields.
//
//	GET https://graph.facebook.com/{version}/{phone-number-id}?fields=
func (c *Client) GetPhoneNumber(ctx context.Context, phoneNumberID string, fields ...string) (*PhoneNumber, error) {
	var v validator
	v.numericID("phone_number_id", phoneNumberID, ErrMissingPhoneNumberID)
	v.fieldNames("fields", fields)
	if err := v.err("GetPhoneNumber"); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		fields = c.PhoneNumberFields()
	}
	return call[PhoneNumber](ctx, c, &apiRequest{
		provider:   ProviderGraph,
		method:     http.MethodGet,
		path:       phoneNumberID,
		query:      fieldsQuery{Fields: fields},
		needsToken: true,
	})
}

type verifyCodeQuery struct {
	Code string `url:"code"`
}

type displayNameQuery struct {
	NewDisplayName string `url:"new_display_name"`
}

type fieldsQuery struct {
	Fields []string `url:"fields,comma,omitempty"`
}

// MaxDisplayNameLength bounds a display name request; Meta reviews the name
// against its guidelines after that.
const MaxDisplayNameLength = 512

// RequestDisplayNameChange submits a new display name for review (the name
// change flow in respond.io's WhatsApp Cloud API help page (help.respond.io/l/en/whatsapp/whatsapp-cloud-api)). Graph answers at once; the review result shows in
// PhoneNumber.NewNameStatus and in the phone_number_name_update webhook. Once
// approved, call RegisterPhoneNumber again (within 14 days) to apply it.
//
//	POST https://graph.facebook.com/{version}/{phone-number-id}?new_display_name=
//
// Meta allows 10 changes per number in 30 days, so the call is never
// repeated by the retry policy after it may have reached Meta.
func (c *Client) RequestDisplayNameChange(ctx context.Context, phoneNumberID, newName string) error {
	var v validator
	v.numericID("phone_number_id", phoneNumberID, ErrMissingPhoneNumberID)
	if v.required("new_display_name", newName, nil) {
		v.maxLen("new_display_name", newName, MaxDisplayNameLength)
	}
	if err := v.err("RequestDisplayNameChange"); err != nil {
		return err
	}
	return c.do(ctx, &apiRequest{
		provider:   ProviderGraph,
		method:     http.MethodPost,
		path:       phoneNumberID,
		query:      displayNameQuery{NewDisplayName: newName},
		needsToken: true,
	}, &graphSuccess{})
}

// E164 returns DisplayPhoneNumber in E.164 form, such as "+15550100199";
// ok is false when it cannot be read as one.
func (p PhoneNumber) E164() (string, bool) { return ToE164(p.DisplayPhoneNumber) }
