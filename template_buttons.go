package wabsp

import (
	"fmt"
	"sort"
	"strings"
)

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
