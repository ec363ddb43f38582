package wabsp

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// GraphError is Meta's Graph API error envelope,
// {"error":{"message","type","code","error_subcode","error_user_title",
// "error_user_msg","fbtrace_id","error_data":{...}}}. It is reached with
// errors.As from the status-typed error that carries it. Decide on Code and
// Subcode (or Kind), never on the titles, which Meta rewords.
type GraphError struct {
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   int    `json:"error_subcode"`
	UserTitle string `json:"error_user_title"`
	UserMsg   string `json:"error_user_msg"`
	FBTraceID string `json:"fbtrace_id"`
	// Data is error_data: for WhatsApp errors, messaging_product and details.
	Data GraphErrorData `json:"error_data"`
}

// GraphErrorData is the error_data object of a Graph error.
type GraphErrorData struct {
	MessagingProduct string `json:"messaging_product"`
	Details          string `json:"details"`
}

// Error gives the code, subcode, type, message and the user-facing title,
// message and details Meta sent, which usually say what to change.
func (e *GraphError) Error() string {
	var b strings.Builder
	b.WriteString("wabsp: graph error: ")
	b.WriteString(e.Message)
	b.WriteString(" (")
	b.WriteString(e.codeText())
	b.WriteString(")")
	e.writeDetails(&b, e.Message)
	return b.String()
}

// codeText renders "code 100, subcode 2388024, OAuthException".
func (e *GraphError) codeText() string {
	s := "code " + strconv.Itoa(e.Code)
	if e.Subcode != 0 {
		s += ", subcode " + strconv.Itoa(e.Subcode)
	}
	if e.Type != "" {
		s += ", " + e.Type
	}
	return s
}

// writeDetails appends ": title: user message: details", skipping what is
// empty or repeats what was already written (Meta often sends the message
// again as the title).
func (e *GraphError) writeDetails(b *strings.Builder, already string) {
	seen := []string{already}
	for _, part := range []string{e.UserTitle, e.UserMsg, e.Data.Details} {
		part = strings.TrimSpace(part)
		if part == "" || slices.Contains(seen, part) {
			continue
		}
		seen = append(seen, part)
		b.WriteString(": ")
		b.WriteString(part)
	}
}

// GraphErrorKind groups Graph error codes by what a caller can do about them.
type GraphErrorKind int

// The kinds of Graph error. GraphErrorOther is every code not listed.
const (
	GraphErrorOther GraphErrorKind = iota
	// GraphErrorTokenInvalid: the access token is expired, revoked or
	// invalid (code 190 and its subcodes, 102). Ask the customer to sign in
	// again.
	GraphErrorTokenInvalid
	// GraphErrorPermission: a permission is missing (10, 200-299).
	GraphErrorPermission
	// GraphErrorThrottled: a rate limit (4, 17, 32, 613, 80007, 80008,
	// 130429). Retryable after a wait.
	GraphErrorThrottled
	// GraphErrorInvalidParameter: the request carried a bad value (100).
	GraphErrorInvalidParameter
	// GraphErrorTemporary: Meta's side failed and says to retry (1, 2,
	// 131000, 131016, 133004).
	GraphErrorTemporary
)

var graphErrorKindNames = [...]string{"other", "token invalid", "permission", "throttled", "invalid parameter", "temporary"}

// String names the kind.
func (k GraphErrorKind) String() string {
	if int(k) < len(graphErrorKindNames) && k >= 0 {
		return graphErrorKindNames[k]
	}
	return fmt.Sprintf("GraphErrorKind(%d)", int(k))
}

// Kind classifies the error by its code.
func (e *GraphError) Kind() GraphErrorKind {
	switch c := e.Code; {
	case c == 190 || c == 102:
		return GraphErrorTokenInvalid
	case c == 10 || (c >= 200 && c <= 299):
		return GraphErrorPermission
	case c == 4 || c == 17 || c == 32 || c == 613 || c == 80007 || c == 80008 || c == 130429:
		return GraphErrorThrottled
	case c == 100:
		return GraphErrorInvalidParameter
	case c == 1 || c == 2 || c == 131000 || c == 131016 || c == 133004:
		return GraphErrorTemporary
	}
	return GraphErrorOther
}

// Retryable reports whether sending the same request again later may succeed.
func (e *GraphError) Retryable() bool {
	k := e.Kind()
	return k == GraphErrorThrottled || k == GraphErrorTemporary
}

// decodeGraphError returns the envelope in body, or nil when body is not one.
func decodeGraphError(body []byte) *GraphError {
	var env struct {
		Error *GraphError `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil || env.Error == nil {
		return nil
	}
	return env.Error
}

// UnmarshalJSON accepts error_data in any shape: some Graph endpoints send it
// as a string or with other fields, and an odd error_data must not hide the
// error it belongs to.
func (d *GraphErrorData) UnmarshalJSON(b []byte) error {
	var obj struct {
		MessagingProduct string `json:"messaging_product"`
		Details          any    `json:"details"`
	}
	if json.Unmarshal(b, &obj) != nil {
		return nil
	}
	d.MessagingProduct = obj.MessagingProduct
	switch v := obj.Details.(type) {
	case nil:
	case string:
		d.Details = v
	default:
		raw, _ := json.Marshal(v)
		d.Details = string(raw)
	}
	return nil
}
