package wabsp

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// FieldError is one problem with one field of a request, found before
// anything was sent.
type FieldError struct {
	// Field is the path of the field as it appears in the JSON request, such
	// as "client_ref" or "components[1].buttons[3].text".
	Field string
	// Message says what is wrong with it.
	Message string
	// Err is the sentinel this problem matches with errors.Is, if any: a
	// missing waba_id is ErrMissingWABAID whether Plivo or the SDK noticed.
	Err error
}

// Error returns "field: message".
func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every problem found in a request before any network
// call. Nothing was sent.
type ValidationError struct {
	// Op names the call that was refused, such as "EmbeddedSignup".
	Op string
	// Fields holds every problem found, in field order.
	Fields []FieldError
}

// Error lists every problem.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return fmt.Sprintf("wabsp: invalid %s request: %s", e.Op, strings.Join(parts, "; "))
}

// Unwrap exposes the sentinels of the field problems to errors.Is.
func (e *ValidationError) Unwrap() []error {
	var errs []error
	for _, f := range e.Fields {
		if f.Err != nil {
			errs = append(errs, f.Err)
		}
	}
	return errs
}

// Has reports whether field is among the problems.
func (e *ValidationError) Has(field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// validator collects field problems so a request reports all of them at once.
type validator struct {
	fields []FieldError
}

func (v *validator) addf(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// required checks that value is present; missing, if not nil, is the
// sentinel the problem matches.
func (v *validator) required(field, value string, missing error) bool {
	if strings.TrimSpace(value) == "" {
		v.fields = append(v.fields, FieldError{Field: field, Message: "is required", Err: missing})
		return false
	}
	return true
}

// numericID checks a required Meta object id: Meta's ids are decimal digits.
func (v *validator) numericID(field, value string, missing error) {
	if !v.required(field, value, missing) {
		return
	}
	if !isDigits(value) {
		v.notNumeric(field, value)
	}
}

// notNumeric reports an id that is not decimal digits. A waba_id matches
// ErrInvalidWABAID, the sentinel of Plivo's 400 for the same mistake, so
// that one errors.Is test covers whichever side noticed.
func (v *validator) notNumeric(field, value string) {
	fe := FieldError{Field: field, Message: fmt.Sprintf("must be a numeric Meta id, got %q", truncate(value, 32))}
	if field == "waba_id" || strings.HasSuffix(field, ".waba_id") {
		fe.Err = ErrInvalidWABAID
	}
	v.fields = append(v.fields, fe)
}

// maxLen checks a length in characters (runes), which is how Meta and Plivo
// count.
func (v *validator) maxLen(field, value string, limit int) {
	if n := utf8.RuneCountInString(value); n > limit {
		v.addf(field, "is %d characters long, at most %d allowed", n, limit)
	}
}

// err returns a *ValidationError when any problem was found, else nil.
func (v *validator) err(op string) error {
	if len(v.fields) == 0 {
		return nil
	}
	return &ValidationError{Op: op, Fields: v.fields}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// truncate shortens user input quoted back in an error message.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
