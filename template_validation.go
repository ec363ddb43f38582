package wabsp

import (
	"fmt"
	"regexp"
	"strings"
)

// Graph's documented limits on message templates. Keloa's and respond.io's
// help pages describe stricter limits of their own products (3 quick replies of 20 characters);
// these are the API's.
const (
	MaxTemplateNameLength      = 512
	MaxBodyTextLength          = 1024
	MaxHeaderTextLength        = 60
	MaxFooterTextLength        = 60
	MaxButtons                 = 10
	MaxQuickReplyButtons       = 10
	MaxURLButtons              = 2
	MaxPhoneNumberButtons      = 1
	MaxCopyCodeButtons         = 1
	MaxButtonTextLength        = 25
	MaxButtonURLLength         = 2000
	MaxButtonPhoneNumberLength = 20
	MaxCopyCodeExampleLength   = 15
	MaxCodeExpirationMinutes   = 90
)

var (
	templateNamePattern = regexp.MustCompile(`^[a-z0-9_]+$`)
	// placeholderPattern finds {{...}}; what is inside is judged afterwards
	// so that a malformed placeholder is reported rather than ignored.
	placeholderPattern = regexp.MustCompile(`\{\{([^{}]*)\}\}`)
	namedParamPattern  = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
)

// Validate reports every problem with the template at once, as a
// *ValidationError whose FieldErrors name JSON paths such as
// "components[1].buttons[3].text". It checks Graph's documented rules: the
// name's pattern and length, a language, a known category and parameter
// format; one BODY (at most 1024 characters) and at most one component of
// each type; a header's format, its text (at most 60 characters, one
// parameter) or its media sample handle; a plain-text footer of at most 60;
// button counts per type (quick replies 10, URL 2, phone number 1, copy code
// 1) and in all (10), labels of at most 25, URLs of at most 2000 with one
// {{1}} at the end, phone numbers of at most 20, quick replies grouped apart
// from other buttons; positional placeholders numbered {{1}}..{{n}} without
// gaps, named and positional not mixed and matching parameter_format, a
// sample for every placeholder and none without one; and the fixed shape of
// AUTHENTICATION templates (no header, no body text, one OTP button).
func (t TemplateRequest) Validate() error {
	var v validator
	t.check(&v)
	return v.err("SubmitTemplate")
}

func (t TemplateRequest) check(v *validator) {
	if v.required("name", t.Name, nil) {
		v.maxLen("name", t.Name, MaxTemplateNameLength)
		if !templateNamePattern.MatchString(t.Name) {
			v.addf("name", "may hold only lower-case letters, digits and underscores, got %q", truncate(t.Name, 32))
		}
	}
	v.required("language", t.Language, nil)
	if v.required("category", string(t.Category), nil) {
		checkCategory(v, t.Category)
	}
	checkParameterFormat(v, t.ParameterFormat)
	if t.MessageSendTTLSeconds < 0 {
		v.addf("message_send_ttl_seconds", "must not be negative")
	}
	if len(t.Components) == 0 {
		v.addf("components", "are required: a template needs at least a BODY")
		return
	}
	checkComponents(v, t.Components, t.Category, t.ParameterFormat.IsNamed())
}

func checkCategory(v *validator, c TemplateCategory) {
	switch c {
	case CategoryAuthentication, CategoryMarketing, CategoryUtility:
	default:
		v.addf("category", "must be AUTHENTICATION, MARKETING or UTILITY, got %q", truncate(string(c), 32))
	}
}

func checkParameterFormat(v *validator, f ParameterFormat) {
	if f != "" && !f.IsNamed() && !strings.EqualFold(string(f), string(ParameterPositional)) {
		v.addf("parameter_format", "must be named or positional, got %q", truncate(string(f), 32))
	}
}

// checkComponents applies the per-component rules and the rules that span
// components (one of each type, a body, the authentication shape).
func checkComponents(v *validator, comps []Component, category TemplateCategory, named bool) {
	auth := category == CategoryAuthentication
	seen := map[ComponentType]int{}
	for i, c := range comps {
		p := fmt.Sprintf("components[%d]", i)
		switch c.Type {
		case ComponentHeader, ComponentBody, ComponentFooter, ComponentButtons:
			if first, dup := seen[c.Type]; dup {
				v.addf(p+".type", "a template has at most one %s (components[%d] is one already)", c.Type, first)
				continue
			}
			seen[c.Type] = i
		case "":
			v.addf(p+".type", "is required")
			continue
		default:
			v.addf(p+".type", "must be HEADER, BODY, FOOTER or BUTTONS, got %q", truncate(string(c.Type), 32))
			continue
		}
		switch c.Type {
		case ComponentHeader:
			checkHeader(v, p, c, auth, named)
		case ComponentBody:
			checkBody(v, p, c, auth, named)
		case ComponentFooter:
			checkFooter(v, p, c, auth)
		case ComponentButtons:
			checkButtons(v, p, c, category)
		}
	}
	if _, ok := seen[ComponentBody]; !ok {
		v.addf("components", "a BODY component is required")
	}
	if _, ok := seen[ComponentButtons]; auth && !ok {
		v.addf("components", "an AUTHENTICATION template needs a BUTTONS component with one OTP button")
	}
}

func checkHeader(v *validator, p string, c Component, auth, named bool) {
	if auth {
		v.addf(p, "an AUTHENTICATION template has no header")
		return
	}
	if len(c.Buttons) > 0 {
		v.addf(p+".buttons", "belong in a BUTTONS component")
	}
	ex := c.Example
	if ex == nil {
		ex = &ComponentExample{}
	}
	if len(ex.BodyText) > 0 || len(ex.BodyTextNamedParams) > 0 {
		v.addf(p+".example", "a header takes header_text, header_text_named_params or header_handle samples, not body ones")
	}
	switch c.Format {
	case HeaderText:
		if v.required(p+".text", c.Text, nil) {
			v.maxLen(p+".text", c.Text, MaxHeaderTextLength)
		}
		if len(ex.HeaderHandle) > 0 {
			v.addf(p+".example.header_handle", "is only for IMAGE, VIDEO and DOCUMENT headers")
		}
		ph := checkPlaceholders(v, p+".text", c.Text, named, ex.HeaderText, p+".example.header_text", ex.HeaderTextNamedParams, p+".example.header_text_named_params")
		if ph > 1 {
			v.addf(p+".text", "a header has at most one parameter, found %d", ph)
		}
	case HeaderImage, HeaderVideo, HeaderDocument:
		if c.Text != "" {
			v.addf(p+".text", "must be empty for a %s header", c.Format)
		}
		if len(ex.HeaderText) > 0 || len(ex.HeaderTextNamedParams) > 0 {
			v.addf(p+".example", "a %s header takes a header_handle sample, not text samples", c.Format)
		}
		switch {
		case len(ex.HeaderHandle) == 0:
			v.addf(p+".example.header_handle", "is required: upload a sample %s with Client.UploadMedia and give its handle", strings.ToLower(string(c.Format)))
		case len(ex.HeaderHandle) > 1:
			v.addf(p+".example.header_handle", "holds one handle, got %d", len(ex.HeaderHandle))
		case strings.TrimSpace(ex.HeaderHandle[0]) == "":
			v.addf(p+".example.header_handle[0]", "is empty")
		}
	case HeaderLocation:
		if c.Text != "" {
			v.addf(p+".text", "must be empty for a LOCATION header")
		}
		if c.Example != nil && (len(ex.HeaderText) > 0 || len(ex.HeaderTextNamedParams) > 0 || len(ex.HeaderHandle) > 0) {
			v.addf(p+".example", "a LOCATION header takes no sample")
		}
	case "":
		v.addf(p+".format", "is required: TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION")
	default:
		v.addf(p+".format", "must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION, got %q", truncate(string(c.Format), 32))
	}
}

func checkBody(v *validator, p string, c Component, auth, named bool) {
	if c.Format != "" {
		v.addf(p+".format", "is only for a HEADER")
	}
	if len(c.Buttons) > 0 {
		v.addf(p+".buttons", "belong in a BUTTONS component")
	}
	if auth {
		// Meta writes an authentication body itself ("{{1}} is your
		// verification code.").
		if c.Text != "" {
			v.addf(p+".text", "must be empty in an AUTHENTICATION template: Meta supplies the text")
		}
		return
	}
	if c.AddSecurityRecommendation {
		v.addf(p+".add_security_recommendation", "is only for AUTHENTICATION templates")
	}
	if v.required(p+".text", c.Text, nil) {
		v.maxLen(p+".text", c.Text, MaxBodyTextLength)
	}
	ex := c.Example
	if ex == nil {
		ex = &ComponentExample{}
	}
	if len(ex.HeaderText) > 0 || len(ex.HeaderTextNamedParams) > 0 || len(ex.HeaderHandle) > 0 {
		v.addf(p+".example", "a body takes body_text or body_text_named_params samples, not header ones")
	}
	var positional []string
	if len(ex.BodyText) > 0 {
		positional = ex.BodyText[0]
		if positional == nil {
			positional = []string{}
		}
	}
	checkPlaceholders(v, p+".text", c.Text, named, positional, p+".example.body_text[0]", ex.BodyTextNamedParams, p+".example.body_text_named_params")
}

func checkFooter(v *validator, p string, c Component, auth bool) {
	if c.Format != "" {
		v.addf(p+".format", "a footer is text only")
	}
	if c.Example != nil {
		v.addf(p+".example", "a footer takes no parameters, so no sample")
	}
	if len(c.Buttons) > 0 {
		v.addf(p+".buttons", "belong in a BUTTONS component")
	}
	if auth {
		if c.Text != "" {
			v.addf(p+".text", "must be empty in an AUTHENTICATION template: set code_expiration_minutes instead")
		}
		if c.CodeExpirationMinutes < 0 || c.CodeExpirationMinutes > MaxCodeExpirationMinutes {
			v.addf(p+".code_expiration_minutes", "must be between 1 and %d, got %d", MaxCodeExpirationMinutes, c.CodeExpirationMinutes)
		}
		return
	}
	if c.CodeExpirationMinutes != 0 {
		v.addf(p+".code_expiration_minutes", "is only for AUTHENTICATION templates")
	}
	if v.required(p+".text", c.Text, nil) {
		v.maxLen(p+".text", c.Text, MaxFooterTextLength)
	}
	if n := len(placeholderPattern.FindAllString(c.Text, -1)); n > 0 {
		v.addf(p+".text", "a footer is plain text and takes no parameters, found %d", n)
	}
}
