package wabsp

import (
	"encoding/json"
	"strings"
)

// TemplateCategory is a message template's category. Values Meta adds later
// are kept as they are.
type TemplateCategory string

// The template categories Meta accepts on creation.
const (
	CategoryAuthentication TemplateCategory = "AUTHENTICATION"
	CategoryMarketing      TemplateCategory = "MARKETING"
	CategoryUtility        TemplateCategory = "UTILITY"
)

// TemplateStatus is a template's review status. Unknown values are kept.
type TemplateStatus string

// The template statuses Graph documents.
const (
	TemplateApproved        TemplateStatus = "APPROVED"
	TemplateArchived        TemplateStatus = "ARCHIVED"
	TemplateDeleted         TemplateStatus = "DELETED"
	TemplateDisabled        TemplateStatus = "DISABLED"
	TemplateFlagged         TemplateStatus = "FLAGGED"
	TemplateInAppeal        TemplateStatus = "IN_APPEAL"
	TemplateLimitExceeded   TemplateStatus = "LIMIT_EXCEEDED"
	TemplateLocked          TemplateStatus = "LOCKED"
	TemplatePaused          TemplateStatus = "PAUSED"
	TemplatePending         TemplateStatus = "PENDING"
	TemplatePendingDeletion TemplateStatus = "PENDING_DELETION"
	TemplateReinstated      TemplateStatus = "REINSTATED"
	TemplateRejected        TemplateStatus = "REJECTED"
)

// ParameterFormat says how a template's placeholders are written. Graph takes
// it in lower case on creation and answers it in upper case on reads; the SDK
// compares it without regard to case.
type ParameterFormat string

// The two placeholder syntaxes.
const (
	// ParameterPositional placeholders are {{1}}, {{2}}, ... numbered from 1
	// in order. It is Graph's default when parameter_format is omitted.
	ParameterPositional ParameterFormat = "positional"
	// ParameterNamed placeholders are {{first_name}}: lower-case letters,
	// digits and underscores.
	ParameterNamed ParameterFormat = "named"
)

// IsNamed reports whether f is the named format, in either case.
func (f ParameterFormat) IsNamed() bool { return strings.EqualFold(string(f), string(ParameterNamed)) }

// ComponentType is the type of a template component.
type ComponentType string

// The component types of a template.
const (
	ComponentHeader  ComponentType = "HEADER"
	ComponentBody    ComponentType = "BODY"
	ComponentFooter  ComponentType = "FOOTER"
	ComponentButtons ComponentType = "BUTTONS"
)

// HeaderFormat is the format of a HEADER component.
type HeaderFormat string

// The header formats.
const (
	HeaderText     HeaderFormat = "TEXT"
	HeaderImage    HeaderFormat = "IMAGE"
	HeaderVideo    HeaderFormat = "VIDEO"
	HeaderDocument HeaderFormat = "DOCUMENT"
	HeaderLocation HeaderFormat = "LOCATION"
)

// IsMedia reports whether the header carries a media sample (header_handle).
func (f HeaderFormat) IsMedia() bool {
	return f == HeaderImage || f == HeaderVideo || f == HeaderDocument
}

// ButtonType is the type of a button in a BUTTONS component. Types the SDK
// does not model (FLOW, CATALOG, MPM and so on) are kept and sent as given.
type ButtonType string

// The button types the SDK validates.
const (
	ButtonQuickReply  ButtonType = "QUICK_REPLY"
	ButtonURL         ButtonType = "URL"
	ButtonPhoneNumber ButtonType = "PHONE_NUMBER"
	ButtonCopyCode    ButtonType = "COPY_CODE"
	// ButtonOTP is the one-time-password button of AUTHENTICATION templates;
	// OTPType says which kind.
	ButtonOTP ButtonType = "OTP"
)

// OTPType is the kind of an authentication template's OTP button.
type OTPType string

// The OTP button kinds.
const (
	OTPCopyCode OTPType = "COPY_CODE"
	OTPOneTap   OTPType = "ONE_TAP"
	OTPZeroTap  OTPType = "ZERO_TAP"
)

// TemplateRequest is the body of a template submission,
// POST /{waba-id}/message_templates. Build it with struct literals; Validate
// checks it against Graph's documented limits.
type TemplateRequest struct {
	// Name: lower-case letters, digits and underscores, at most 512.
	Name string `json:"name"`
	// Language is the template's locale code, such as "en_US".
	Language string `json:"language"`
	// Category is AUTHENTICATION, MARKETING or UTILITY.
	Category TemplateCategory `json:"category"`
	// ParameterFormat is ParameterNamed or ParameterPositional; empty means
	// positional.
	ParameterFormat ParameterFormat `json:"parameter_format,omitempty"`
	// AllowCategoryChange lets Meta assign another category instead of
	// rejecting the template.
	AllowCategoryChange bool `json:"allow_category_change,omitempty"`
	// MessageSendTTLSeconds is the time-to-live of messages sent with the
	// template (authentication and utility templates); zero leaves Meta's
	// default.
	MessageSendTTLSeconds int `json:"message_send_ttl_seconds,omitempty"`
	// Components are the header, body, footer and buttons.
	Components []Component `json:"components"`
}

// Component is one part of a template: a header, the body, a footer or the
// buttons. Only the fields of its type are set.
type Component struct {
	Type ComponentType `json:"type"`
	// Format is the header format (HEADER only).
	Format HeaderFormat `json:"format,omitempty"`
	// Text is the header, body or footer text, with its placeholders.
	Text string `json:"text,omitempty"`
	// Example holds the sample values of the placeholders, or the media
	// header's sample handle.
	Example *ComponentExample `json:"example,omitempty"`
	// Buttons are the buttons of a BUTTONS component.
	Buttons []Button `json:"buttons,omitempty"`
	// AddSecurityRecommendation adds "For your security, do not share this
	// code." to an authentication template's BODY.
	AddSecurityRecommendation bool `json:"add_security_recommendation,omitempty"`
	// CodeExpirationMinutes (1-90) adds an expiry warning to an
	// authentication template's FOOTER.
	CodeExpirationMinutes int `json:"code_expiration_minutes,omitempty"`
}

// ComponentExample holds a component's sample values. Positional samples are
// listed in placeholder order; named ones carry their parameter name.
type ComponentExample struct {
	HeaderText            []string     `json:"header_text,omitempty"`
	HeaderTextNamedParams []NamedParam `json:"header_text_named_params,omitempty"`
	// HeaderHandle holds the Resumable Upload API handle of a media
	// header's sample (see Client.UploadMedia).
	HeaderHandle []string `json:"header_handle,omitempty"`
	// BodyText is a list of sample sets; Graph uses the first one.
	BodyText            [][]string   `json:"body_text,omitempty"`
	BodyTextNamedParams []NamedParam `json:"body_text_named_params,omitempty"`
}

// NamedParam is the sample value of a named placeholder.
type NamedParam struct {
	ParamName string `json:"param_name"`
	Example   string `json:"example"`
}

// Button is one button of a BUTTONS component. Only the fields of its type
// are set.
type Button struct {
	Type ButtonType `json:"type"`
	// Text is the button label (at most 25 characters).
	Text string `json:"text,omitempty"`
	// URL is a URL button's address; it may end with one {{1}} variable.
	URL string `json:"url,omitempty"`
	// PhoneNumber is a PHONE_NUMBER button's number (at most 20 characters).
	PhoneNumber string `json:"phone_number,omitempty"`
	// Example is a URL button's sample full URL when URL has a variable, or a
	// COPY_CODE button's sample code. Graph takes the first as a one-element
	// array and the second as a plain string; the SDK writes each shape.
	Example []string `json:"example,omitempty"`
	// OTPType is set on OTP buttons.
	OTPType OTPType `json:"otp_type,omitempty"`
	// AutofillText is a ONE_TAP button's label.
	AutofillText string `json:"autofill_text,omitempty"`
	// SupportedApps lists the Android apps a ONE_TAP or ZERO_TAP button
	// hands the code to.
	SupportedApps []SupportedApp `json:"supported_apps,omitempty"`
	// ZeroTapTermsAccepted must be true on a ZERO_TAP button.
	ZeroTapTermsAccepted bool `json:"zero_tap_terms_accepted,omitempty"`
}

// SupportedApp is an Android app an OTP button hands the code to.
type SupportedApp struct {
	PackageName   string `json:"package_name"`
	SignatureHash string `json:"signature_hash"`
}

// buttonWire is Button without its methods, for encoding.
type buttonWire Button

// MarshalJSON writes a COPY_CODE button's example as a string, the shape
// Graph documents for it; every other button's example stays an array.
func (b Button) MarshalJSON() ([]byte, error) {
	if b.Type == ButtonCopyCode && len(b.Example) > 0 {
		w := b
		w.Example = nil
		return json.Marshal(struct {
			buttonWire
			Example string `json:"example"`
		}{buttonWire(w), b.Example[0]})
	}
	return json.Marshal(buttonWire(b))
}

// UnmarshalJSON accepts example as a string or an array of strings.
func (b *Button) UnmarshalJSON(data []byte) error {
	var w struct {
		buttonWire
		Example json.RawMessage `json:"example"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*b = Button(w.buttonWire)
	b.Example = nil
	if len(w.Example) == 0 || string(w.Example) == "null" {
		return nil
	}
	var one string
	if json.Unmarshal(w.Example, &one) == nil {
		b.Example = []string{one}
		return nil
	}
	var many []string
	if json.Unmarshal(w.Example, &many) == nil {
		b.Example = many
	}
	// Any other shape is dropped rather than failing the whole template.
	return nil
}

// Template is a message template as Graph returns it.
type Template struct {
	ID              string           `json:"id"`
	Name            string           `json:"name"`
	Language        string           `json:"language"`
	Status          TemplateStatus   `json:"status"`
	Category        TemplateCategory `json:"category"`
	SubCategory     string           `json:"sub_category,omitempty"`
	ParameterFormat ParameterFormat  `json:"parameter_format,omitempty"`
	Components      []Component      `json:"components,omitempty"`
	// RejectedReason is why Meta rejected the template (such as
	// INVALID_FORMAT or PROMOTIONAL), or "NONE".
	RejectedReason string `json:"rejected_reason,omitempty"`
	// PreviousCategory is set when Meta changed the template's category.
	PreviousCategory TemplateCategory `json:"previous_category,omitempty"`
}

// SubmitTemplateResponse is Graph's answer to a template submission.
type SubmitTemplateResponse struct {
	ID       string           `json:"id"`
	Status   TemplateStatus   `json:"status"`
	Category TemplateCategory `json:"category"`
}
