package wabsp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// check validates a template message on its own: names, types and the
// value each parameter type needs.
func (t *TemplateMessage) check(v *validator, p string) {
	if v.required(p+".name", t.Name, nil) && !templateNamePattern.MatchString(t.Name) {
		v.addf(p+".name", "must be lower-case letters, digits and underscores")
	}
	v.required(p+".language", t.Language, nil)
	for i, c := range t.Components {
		cp := fmt.Sprintf("%s.components[%d]", p, i)
		switch c.Type {
		case TemplateComponentHeader, TemplateComponentBody:
		case TemplateComponentButton:
			switch c.SubType {
			case TemplateButtonQuickReply, TemplateButtonURL, TemplateButtonCopyCode:
			default:
				v.addf(cp+".sub_type", "must be quick_reply, url or copy_code, got %q", truncate(c.SubType, 16))
			}
			if !isDigits(c.Index) {
				v.addf(cp+".index", "must be the button's position from \"0\", got %q", truncate(c.Index, 8))
			}
		default:
			v.addf(cp+".type", "must be header, body or button, got %q", truncate(c.Type, 16))
		}
		named := 0
		// A parameter cannot be longer than the text it is placed in: a
		// header is at most 60 characters, a body 1024.
		textLimit := MaxTemplateTextParamLen
		if c.Type == TemplateComponentHeader {
			textLimit = MaxInteractiveHeader
		}
		for j, prm := range c.Parameters {
			prm.check(v, fmt.Sprintf("%s.parameters[%d]", cp, j), textLimit)
			if prm.ParameterName != "" {
				named++
			}
		}
		if named > 0 && named < len(c.Parameters) {
			v.addf(cp+".parameters", "mixes named and positional parameters")
		}
	}
}

func (prm *TemplateParameter) check(v *validator, p string, textLimit int) {
	if prm.ParameterName != "" && !namedParamPattern.MatchString(prm.ParameterName) {
		v.addf(p+".parameter_name", "must be lower-case letters, digits and underscores, got %q", truncate(prm.ParameterName, 32))
	}
	switch prm.Type {
	case ParamText:
		if v.required(p+".text", prm.Text, nil) {
			v.maxLen(p+".text", prm.Text, textLimit)
		}
	case ParamMedia:
		if v.required(p+".media", prm.Media, nil) {
			v.httpURL(p+".media", prm.Media)
		}
	case ParamPayload:
		v.required(p+".payload", prm.Payload, nil)
	case ParamCouponCode:
		v.required(p+".coupon_code", prm.CouponCode, nil)
	case ParamCurrency:
		if prm.Currency == nil {
			v.addf(p+".currency", "is required")
			break
		}
		v.required(p+".currency.fallback_value", prm.Currency.FallbackValue, nil)
		if c := prm.Currency.CurrencyCode; len(c) != 3 || strings.ToUpper(c) != c {
			v.addf(p+".currency.currency_code", "must be an ISO 4217 code such as USD, got %q", truncate(c, 8))
		}
	case ParamDateTime:
		if prm.DateTime == nil {
			v.addf(p+".date_time", "is required")
			break
		}
		v.required(p+".date_time.fallback_value", prm.DateTime.FallbackValue, nil)
	case ParamLocation:
		if prm.Location == nil {
			v.addf(p+".location", "is required")
			break
		}
		prm.Location.check(v, p+".location")
	default:
		v.addf(p+".type", "unknown parameter type %q", truncate(string(prm.Type), 16))
	}
}

// checkAgainst checks a template message against the template it names:
// approved, same name and language, and one parameter for each placeholder
// of the header, the body and the URL buttons, named as the template names
// them.
func (t *TemplateMessage) checkAgainst(v *validator, p string, held *Template) {
	if held.Name != "" && held.Name != t.Name {
		v.addf(p+".name", "is %q but the held template is %q", truncate(t.Name, 64), truncate(held.Name, 64))
	}
	if held.Language != "" && held.Language != t.Language {
		v.addf(p+".language", "is %q but the held template is in %q", truncate(t.Language, 16), truncate(held.Language, 16))
	}
	switch held.Status {
	case "", TemplateApproved:
	case TemplatePaused:
		v.fields = append(v.fields, FieldError{Field: p, Message: "the template is paused", Err: ErrTemplatePaused})
	case TemplateDisabled:
		v.fields = append(v.fields, FieldError{Field: p, Message: "the template is disabled", Err: ErrTemplateDisabled})
	default:
		v.fields = append(v.fields, FieldError{Field: p, Message: "the template is " + string(held.Status) + ", not APPROVED", Err: ErrTemplateNotApproved})
	}
	sent := func(typ, index string) (TemplateMessageComponent, int, bool) {
		for i, c := range t.Components {
			if c.Type == typ && (typ != TemplateComponentButton || c.Index == index) {
				return c, i, true
			}
		}
		return TemplateMessageComponent{}, -1, false
	}
	named := held.ParameterFormat.IsNamed()
	for _, hc := range held.Components {
		switch hc.Type {
		case ComponentHeader:
			c, i, ok := sent(TemplateComponentHeader, "")
			cp := fmt.Sprintf("%s.components[%d]", p, i)
			if !ok {
				cp = p + ".components"
			}
			switch {
			case hc.Format.IsMedia() || hc.Format == HeaderLocation:
				want := ParamMedia
				if hc.Format == HeaderLocation {
					want = ParamLocation
				}
				if !ok || len(c.Parameters) != 1 || c.Parameters[0].Type != want {
					v.addf(cp, "the template's %s header needs one %s parameter", hc.Format, want)
				}
			default:
				checkTextParams(v, cp, "header", hc.Text, named, c.Parameters, ok)
			}
		case ComponentBody:
			c, i, ok := sent(TemplateComponentBody, "")
			cp := fmt.Sprintf("%s.components[%d]", p, i)
			if !ok {
				cp = p + ".components"
			}
			checkTextParams(v, cp, "body", hc.Text, named, c.Parameters, ok)
		case ComponentButtons:
			for bi, b := range hc.Buttons {
				if b.Type != ButtonURL || !placeholderPattern.MatchString(b.URL) {
					continue
				}
				c, i, ok := sent(TemplateComponentButton, strconv.Itoa(bi))
				if !ok || c.SubType != TemplateButtonURL || len(c.Parameters) != 1 {
					cp := p + ".components"
					if ok {
						cp = fmt.Sprintf("%s.components[%d]", p, i)
					}
					v.addf(cp, "the template's URL button %d needs one text parameter (sub_type url, index %d)", bi, bi)
				}
			}
		}
	}
	// Components that fill nothing in the held template.
	for i, c := range t.Components {
		if c.Type != TemplateComponentButton {
			continue
		}
		bi, err := strconv.Atoi(c.Index)
		if err != nil {
			continue // reported by check
		}
		if b, ok := heldButton(held, bi); !ok || !buttonMatches(b.Type, c.SubType) {
			v.addf(fmt.Sprintf("%s.components[%d]", p, i), "the template has no %s button at index %d", c.SubType, bi)
		}
	}
}

// checkTextParams compares the parameters sent for a header or body with
// the placeholders of its text.
func checkTextParams(v *validator, cp, what, text string, named bool, params []TemplateParameter, sent bool) {
	positional, names := placeholdersOf(text)
	want := positional
	if named {
		want = len(names)
	}
	if want == 0 {
		if sent && len(params) > 0 {
			v.addf(cp, "the template's %s has no placeholders, got %d parameters", what, len(params))
		}
		return
	}
	if len(params) != want {
		v.addf(cp, "the template's %s has %d placeholders, got %d parameters", what, want, len(params))
		return
	}
	if !named {
		for _, prm := range params {
			if prm.ParameterName != "" {
				v.addf(cp, "the template uses positional parameters: parameter_name must be empty")
				return
			}
		}
		return
	}
	for _, prm := range params {
		if !slices.Contains(names, prm.ParameterName) {
			v.addf(cp, "the template's %s has no placeholder {{%s}}", what, truncate(prm.ParameterName, 32))
		}
	}
}

// placeholdersOf returns the highest positional placeholder of text and
// its named placeholders in order of appearance.
func placeholdersOf(text string) (positional int, names []string) {
	for _, m := range placeholderPattern.FindAllStringSubmatch(text, -1) {
		inner := strings.TrimSpace(m[1])
		if n, err := strconv.Atoi(inner); err == nil {
			positional = max(positional, n)
		} else if !slices.Contains(names, inner) {
			names = append(names, inner)
		}
	}
	return positional, names
}

func heldButton(t *Template, index int) (Button, bool) {
	for _, c := range t.Components {
		if c.Type == ComponentButtons && index >= 0 && index < len(c.Buttons) {
			return c.Buttons[index], true
		}
	}
	return Button{}, false
}

func buttonMatches(t ButtonType, subType string) bool {
	switch subType {
	case TemplateButtonQuickReply:
		return t == ButtonQuickReply
	case TemplateButtonURL:
		return t == ButtonURL
	case TemplateButtonCopyCode:
		return t == ButtonCopyCode || t == ButtonOTP
	}
	return false
}
