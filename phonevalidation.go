package wabsp

import (
	"regexp"
	"strings"
)

// PINLength is the length of a two-step verification PIN.
const PINLength = 6

// pin checks a two-step verification PIN: exactly six ASCII digits.
func (v *validator) pin(field, value string) {
	if !v.required(field, value, nil) {
		return
	}
	if len(value) != PINLength || !isDigits(value) {
		v.addf(field, "must be exactly %d digits", PINLength)
	}
}

// fieldNames checks Graph field names given by the caller: each a plain
// name, so that a comma or brace cannot smuggle in a nested field request.
func (v *validator) fieldNames(field string, names []string) {
	for _, n := range names {
		if !graphFieldPattern.MatchString(n) {
			v.addf(field, "%q is not a Graph field name", truncate(n, 32))
		}
	}
}

var graphFieldPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

var e164Pattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// IsE164 reports whether s is a phone number in E.164 form, such as
// "+14155550100": a plus sign and 7 to 15 digits, the first not 0. Spaces,
// dashes and brackets are not accepted; ToE164 removes them.
func IsE164(s string) bool { return e164Pattern.MatchString(s) }

// ToE164 turns a number as Graph displays it ("+1 555-010-0199", or
// "15550100199" in webhooks) into E.164 ("+15550100199"). ok is false when
// the result is not a valid E.164 number.
func ToE164(display string) (e164 string, ok bool) {
	var b strings.Builder
	b.WriteByte('+')
	for _, r := range display {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' || r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return "", false
		}
	}
	e164 = b.String()
	return e164, IsE164(e164)
}
