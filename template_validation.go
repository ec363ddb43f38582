package wabsp

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Graph's documented limits on message templates. Seeds 002 and 004 describe
// stricter limits of their own products (3 quick replies of 20 characters);
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
// "components[1].buttons[3].text". See checkTemplate for the rules.
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

// buttonLimits are the per-type caps; types not listed are capped only by
// the total.
var buttonLimits = map[ButtonType]int{
	ButtonQuickReply:  MaxQuickReplyButtons,
	ButtonURL:         MaxURLButtons,
	ButtonPhoneNumber: MaxPhoneNumberButtons,
	ButtonCopyCode:    MaxCopyCodeButtons,
	ButtonOTP:         1,
}

func checkButtons(v *validator, p string, c Component, category TemplateCategory) {
	if c.Text != "" || c.Format != "" || c.Example != nil {
		v.addf(p, "a BUTTONS component holds only buttons")
	}
	if len(c.Buttons) == 0 {
		v.addf(p+".buttons", "are required: at least one button")
		return
	}
	if len(c.Buttons) > MaxButtons {
		v.addf(p+".buttons", "at most %d buttons in all, got %d", MaxButtons, len(c.Buttons))
	}
	counts := map[ButtonType]int{}
	for _, b := range c.Buttons {
		counts[b.Type]++
	}
	types := make([]string, 0, len(counts))
	for t := range counts {
		types = append(types, string(t))
	}
	sort.Strings(types) // stable error order
	for _, t := range types {
		bt := ButtonType(t)
		if limit, ok := buttonLimits[bt]; ok && counts[bt] > limit {
			v.addf(p+".buttons", "at most %d %s button(s), got %d", limit, bt, counts[bt])
		}
	}
	auth := category == CategoryAuthentication
	if auth && counts[ButtonOTP] == 0 {
		v.addf(p+".buttons", "an AUTHENTICATION template needs one OTP button")
	}

	// Quick replies must form one group, before or after the other buttons.
	groups, prevQR := 0, false
	for j, b := range c.Buttons {
		bp := fmt.Sprintf("%s.buttons[%d]", p, j)
		isQR := b.Type == ButtonQuickReply
		if j == 0 || isQR != prevQR {
			groups++
			if groups == 3 {
				v.addf(bp, "quick replies must be grouped together, not interleaved with other buttons")
			}
		}
		prevQR = isQR
		checkButton(v, bp, b, auth)
	}
}

func checkButton(v *validator, p string, b Button, auth bool) {
	if auth && b.Type != ButtonOTP {
		v.addf(p+".type", "an AUTHENTICATION template takes only an OTP button, got %q", truncate(string(b.Type), 32))
	}
	label := func(required bool) {
		if required {
			if !v.required(p+".text", b.Text, nil) {
				return
			}
		}
		v.maxLen(p+".text", b.Text, MaxButtonTextLength)
		if placeholderPattern.MatchString(b.Text) {
			v.addf(p+".text", "a button label takes no parameters")
		}
	}
	switch b.Type {
	case ButtonQuickReply:
		label(true)
	case ButtonURL:
		label(true)
		checkButtonURL(v, p, b)
	case ButtonPhoneNumber:
		label(true)
		if v.required(p+".phone_number", b.PhoneNumber, nil) {
			v.maxLen(p+".phone_number", b.PhoneNumber, MaxButtonPhoneNumberLength)
		}
	case ButtonCopyCode:
		label(false)
		switch {
		case len(b.Example) != 1 || strings.TrimSpace(b.Example[0]) == "":
			v.addf(p+".example", "is required: one sample code")
		default:
			v.maxLen(p+".example", b.Example[0], MaxCopyCodeExampleLength)
		}
	case ButtonOTP:
		label(false)
		v.maxLen(p+".autofill_text", b.AutofillText, MaxButtonTextLength)
		if !auth {
			v.addf(p+".type", "OTP buttons are only for AUTHENTICATION templates")
		}
		checkOTP(v, p, b)
	case "":
		v.addf(p+".type", "is required")
	default:
		// FLOW, CATALOG and other types the SDK does not model are sent as
		// given; only the label limit applies to them.
		label(false)
	}
}

func checkButtonURL(v *validator, p string, b Button) {
	if !v.required(p+".url", b.URL, nil) {
		return
	}
	v.maxLen(p+".url", b.URL, MaxButtonURLLength)
	if !strings.HasPrefix(b.URL, "https://") && !strings.HasPrefix(b.URL, "http://") {
		v.addf(p+".url", "must start with https:// or http://")
	}
	vars := placeholderPattern.FindAllStringIndex(b.URL, -1)
	switch {
	case len(vars) > 1:
		v.addf(p+".url", "takes at most one variable, found %d", len(vars))
	case len(vars) == 1 && vars[0][1] != len(b.URL):
		v.addf(p+".url", "its variable must come at the end of the URL")
	case len(vars) == 1 && b.URL[vars[0][0]:] != "{{1}}":
		v.addf(p+".url", "its variable must be {{1}}")
	}
	switch {
	case len(vars) == 0 && len(b.Example) > 0:
		v.addf(p+".example", "a URL without a variable takes no sample")
	case len(vars) > 0 && (len(b.Example) != 1 || strings.TrimSpace(b.Example[0]) == ""):
		v.addf(p+".example", "is required: one sample of the full URL with its variable filled in")
	}
}

func checkOTP(v *validator, p string, b Button) {
	switch b.OTPType {
	case OTPCopyCode:
	case OTPOneTap, OTPZeroTap:
		if len(b.SupportedApps) == 0 {
			v.addf(p+".supported_apps", "are required for a %s button: the Android apps that receive the code", b.OTPType)
		}
		for k, app := range b.SupportedApps {
			ap := fmt.Sprintf("%s.supported_apps[%d]", p, k)
			v.required(ap+".package_name", app.PackageName, nil)
			v.required(ap+".signature_hash", app.SignatureHash, nil)
		}
		if b.OTPType == OTPZeroTap && !b.ZeroTapTermsAccepted {
			v.addf(p+".zero_tap_terms_accepted", "must be true for a ZERO_TAP button")
		}
	case "":
		v.addf(p+".otp_type", "is required: COPY_CODE, ONE_TAP or ZERO_TAP")
	default:
		v.addf(p+".otp_type", "must be COPY_CODE, ONE_TAP or ZERO_TAP, got %q", truncate(string(b.OTPType), 32))
	}
}

// checkPlaceholders checks the placeholders of one text against the
// template's parameter format and their samples: positional ones numbered 1..n
// without gaps, named and positional not mixed, a sample for every
// placeholder and none without one. It returns how many distinct
// placeholders the text has.
func checkPlaceholders(v *validator, textPath, text string, named bool,
	positional []string, positionalPath string, namedSamples []NamedParam, namedPath string,
) int {
	numbers := map[int]bool{}
	names := map[string]bool{}
	var order []string
	for _, m := range placeholderPattern.FindAllStringSubmatch(text, -1) {
		inner := strings.TrimSpace(m[1])
		switch {
		case isDigits(inner):
			n, err := strconv.Atoi(inner)
			if err != nil || n < 1 {
				v.addf(textPath, "positional placeholders are numbered from {{1}}, got %s", m[0])
				continue
			}
			numbers[n] = true
		case namedParamPattern.MatchString(inner):
			if !names[inner] {
				order = append(order, inner)
			}
			names[inner] = true
		default:
			v.addf(textPath, "%s is not a valid placeholder: use {{1}} or {{lower_case_name}}", truncate(m[0], 40))
		}
	}
	switch {
	case len(numbers) > 0 && len(names) > 0:
		v.addf(textPath, "mixes named and positional placeholders")
	case len(numbers) > 0 && named:
		v.addf(textPath, "uses positional placeholders but parameter_format is named")
	case len(names) > 0 && !named:
		v.addf(textPath, "uses named placeholders such as {{%s}}: set parameter_format to named", order[0])
	}

	// Positional: {{1}}..{{n}} without a gap, and exactly n samples.
	n := 0
	for k := range numbers {
		n = max(n, k)
	}
	for k := 1; k <= n; k++ {
		if !numbers[k] {
			v.addf(textPath, "positional placeholders must be numbered {{1}} to {{%d}} without gaps: {{%d}} is missing", n, k)
			break
		}
	}
	if positional != nil || n > 0 {
		for k, s := range positional {
			if k >= n {
				v.addf(fmt.Sprintf("%s[%d]", positionalPath, k), "sample value %q has no placeholder", truncate(s, 32))
				continue
			}
			if strings.TrimSpace(s) == "" {
				v.addf(fmt.Sprintf("%s[%d]", positionalPath, k), "sample value for {{%d}} is empty", k+1)
			}
		}
		if len(positional) < n {
			v.addf(positionalPath, "has %d sample value(s) for %d placeholder(s): every placeholder needs one", len(positional), n)
		}
	}

	// Named: one sample per name, no sample without its placeholder.
	sampled := map[string]bool{}
	for k, s := range namedSamples {
		sp := fmt.Sprintf("%s[%d]", namedPath, k)
		switch {
		case !names[s.ParamName]:
			v.addf(sp+".param_name", "sample for {{%s}} has no placeholder", truncate(s.ParamName, 32))
		case sampled[s.ParamName]:
			v.addf(sp+".param_name", "{{%s}} has more than one sample", s.ParamName)
		}
		sampled[s.ParamName] = true
		if strings.TrimSpace(s.Example) == "" {
			v.addf(sp+".example", "is empty")
		}
	}
	for _, name := range order {
		if !sampled[name] {
			v.addf(namedPath, "{{%s}} has no sample value", name)
		}
	}
	return len(numbers) + len(names)
}
