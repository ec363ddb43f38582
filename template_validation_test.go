package wabsp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// validTemplate has one component of each kind: an IMAGE header, a body with
// two positional parameters, a footer and four buttons.
func validTemplate() wabsp.TemplateRequest {
	return wabsp.TemplateRequest{
		Name: "summer_sale_2025", Language: "en_US", Category: wabsp.CategoryMarketing,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentHeader, Format: wabsp.HeaderImage, Example: &wabsp.ComponentExample{HeaderHandle: []string{"4::aW1hZ2UvcG5n:ARZ_handle"}}},
			{Type: wabsp.ComponentBody, Text: "Hi {{1}}, {{2}} off until Sunday.", Example: &wabsp.ComponentExample{BodyText: [][]string{{"Ana", "25%"}}}},
			{Type: wabsp.ComponentFooter, Text: "Reply STOP to unsubscribe"},
			{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{
				{Type: wabsp.ButtonQuickReply, Text: "Interested"},
				{Type: wabsp.ButtonQuickReply, Text: "Not now"},
				{Type: wabsp.ButtonURL, Text: "Shop", URL: "https://shop.example.com/sale/{{1}}", Example: []string{"https://shop.example.com/sale/ana"}},
				{Type: wabsp.ButtonPhoneNumber, Text: "Call us", PhoneNumber: "+15550051310"},
			}},
		},
	}
}

func authTemplate() wabsp.TemplateRequest {
	return goldenTemplates["authentication_copy_code"]
}

func qr(n int) []wabsp.Button {
	out := make([]wabsp.Button, n)
	for i := range out {
		out[i] = wabsp.Button{Type: wabsp.ButtonQuickReply, Text: "Option"}
	}
	return out
}

// the component indexes of validTemplate.
const (
	header  = 0
	bodyIdx = 1
	footer  = 2
	buttons = 3
)

func setBody(r *wabsp.TemplateRequest, text string, samples ...string) {
	r.Components[bodyIdx].Text = text
	r.Components[bodyIdx].Example = &wabsp.ComponentExample{BodyText: [][]string{samples}}
}

func TestTemplateValidationAppliesEveryDocumentedRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		base   func() wabsp.TemplateRequest
		mutate func(*wabsp.TemplateRequest)
		fields []string // nil: valid
	}{
		// Valid templates, at the limits.
		{"a template with a media header, footer and buttons passes", validTemplate, func(*wabsp.TemplateRequest) {}, nil},
		{"a name of 512 characters passes", validTemplate, func(r *wabsp.TemplateRequest) { r.Name = strings.Repeat("a", 512) }, nil},
		{"a body of 1024 multi-byte characters passes", validTemplate, func(r *wabsp.TemplateRequest) {
			setBody(r, strings.Repeat("é", 1024))
			r.Components[bodyIdx].Example = nil
		}, nil},
		{"a header text and footer of 60 characters pass", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[header] = wabsp.Component{Type: wabsp.ComponentHeader, Format: wabsp.HeaderText, Text: strings.Repeat("h", 60)}
			r.Components[footer].Text = strings.Repeat("f", 60)
		}, nil},
		{"ten quick replies pass", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[buttons].Buttons = qr(10) }, nil},
		{"quick replies after the other buttons pass", validTemplate, func(r *wabsp.TemplateRequest) {
			b := r.Components[buttons].Buttons
			r.Components[buttons].Buttons = []wabsp.Button{b[2], b[3], b[0], b[1]}
		}, nil},
		{"two URL buttons, a phone number and a copy code with six quick replies pass", validTemplate, func(r *wabsp.TemplateRequest) {
			b := r.Components[buttons].Buttons
			r.Components[buttons].Buttons = append(qr(6), b[2], wabsp.Button{Type: wabsp.ButtonURL, Text: "Help", URL: "https://shop.example.com/help"}, b[3],
				wabsp.Button{Type: wabsp.ButtonCopyCode, Example: []string{"SUMMER25"}})
		}, nil},
		{"a label of 25 characters, a URL of 2000 and a phone number of 20 pass", validTemplate, func(r *wabsp.TemplateRequest) {
			b := r.Components[buttons].Buttons
			b[0].Text = strings.Repeat("x", 25)
			b[2].URL = "https://shop.example.com/" + strings.Repeat("p", 2000-len("https://shop.example.com/")-len("{{1}}")) + "{{1}}"
			b[3].PhoneNumber = "+" + strings.Repeat("1", 19)
		}, nil},
		{"a named template with a sample per name passes", func() wabsp.TemplateRequest { return goldenTemplates["header_text_named"] }, func(*wabsp.TemplateRequest) {}, nil},
		{"a repeated positional placeholder needs one sample", validTemplate, func(r *wabsp.TemplateRequest) { setBody(r, "{{1}} and {{1}} again, {{2}}", "a", "b") }, nil},
		{"an authentication template with a copy code button passes", authTemplate, func(*wabsp.TemplateRequest) {}, nil},
		{"an unmodelled button type is sent as given", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[buttons].Buttons = append(r.Components[buttons].Buttons, wabsp.Button{Type: "FLOW", Text: "Book now"})
		}, nil},

		// Name, language, category, format.
		{"a missing name fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Name = "" }, []string{"name"}},
		{"a name with capitals or dashes fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Name = "Summer-Sale" }, []string{"name"}},
		{"a name of 513 characters fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Name = strings.Repeat("a", 513) }, []string{"name"}},
		{"a missing language fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Language = " " }, []string{"language"}},
		{"a missing category fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Category = "" }, []string{"category"}},
		{"an unknown category fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Category = "PROMOTIONAL" }, []string{"category"}},
		{"an unknown parameter format fails", validTemplate, func(r *wabsp.TemplateRequest) { r.ParameterFormat = "numbered" }, []string{"parameter_format"}},

		// Components.
		{"no components fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components = nil }, []string{"components"}},
		{"a template without a body fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components = append(r.Components[:bodyIdx], r.Components[bodyIdx+1:]...)
		}, []string{"components"}},
		{"a second footer fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components = append(r.Components, wabsp.Component{Type: wabsp.ComponentFooter, Text: "again"})
		}, []string{"components[4].type"}},
		{"an unknown component type fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[footer].Type = "CAROUSEL" }, []string{"components[2].type"}},

		// Body.
		{"an empty body fails", validTemplate, func(r *wabsp.TemplateRequest) { setBody(r, ""); r.Components[bodyIdx].Example = nil }, []string{"components[1].text"}},
		{"a body of 1025 characters fails", validTemplate, func(r *wabsp.TemplateRequest) {
			setBody(r, strings.Repeat("b", 1025))
			r.Components[bodyIdx].Example = nil
		}, []string{"components[1].text"}},

		// Header.
		{"a header text of 61 characters fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[header] = wabsp.Component{Type: wabsp.ComponentHeader, Format: wabsp.HeaderText, Text: strings.Repeat("h", 61)}
		}, []string{"components[0].text"}},
		{"a header text with two parameters fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[header] = wabsp.Component{Type: wabsp.ComponentHeader, Format: wabsp.HeaderText, Text: "{{1}} and {{2}}",
				Example: &wabsp.ComponentExample{HeaderText: []string{"a", "b"}}}
		}, []string{"components[0].text"}},
		{"a header parameter without its sample fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[header] = wabsp.Component{Type: wabsp.ComponentHeader, Format: wabsp.HeaderText, Text: "Hello {{1}}"}
		}, []string{"components[0].example.header_text"}},
		{"a media header without a handle fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[header].Example = nil }, []string{"components[0].example.header_handle"}},
		{"a media header with text fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[header].Text = "Sale" }, []string{"components[0].text"}},
		{"a header without a format fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[header].Format = "" }, []string{"components[0].format"}},
		{"a header of an unknown format fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[header].Format = "STICKER" }, []string{"components[0].format"}},

		// Footer.
		{"a footer of 61 characters fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[footer].Text = strings.Repeat("f", 61) }, []string{"components[2].text"}},
		{"a footer with a parameter fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[footer].Text = "Hi {{1}}" }, []string{"components[2].text"}},
		{"a footer with a format or a sample fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[footer].Format = wabsp.HeaderImage
			r.Components[footer].Example = &wabsp.ComponentExample{HeaderHandle: []string{"h"}}
		}, []string{"components[2].format", "components[2].example"}},

		// Buttons.
		{"eleven buttons fail on the total and the quick reply count", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[buttons].Buttons = qr(11) },
			[]string{"components[3].buttons", "components[3].buttons"}},
		{"three URL buttons fail", validTemplate, func(r *wabsp.TemplateRequest) {
			b := r.Components[buttons].Buttons
			r.Components[buttons].Buttons = append(b, b[2], b[2])
		}, []string{"components[3].buttons"}},
		{"two phone number buttons fail", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[buttons].Buttons = append(r.Components[buttons].Buttons, r.Components[buttons].Buttons[3])
		}, []string{"components[3].buttons"}},
		{"two copy code buttons fail", validTemplate, func(r *wabsp.TemplateRequest) {
			cc := wabsp.Button{Type: wabsp.ButtonCopyCode, Example: []string{"CODE1"}}
			r.Components[buttons].Buttons = append(r.Components[buttons].Buttons, cc, cc)
		}, []string{"components[3].buttons"}},
		{"an empty buttons component fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[buttons].Buttons = nil }, []string{"components[3].buttons"}},
		{"a label of 26 characters fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[buttons].Buttons[3].Text = strings.Repeat("x", 26) },
			[]string{"components[3].buttons[3].text"}},
		{"a quick reply without a label fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[buttons].Buttons[1].Text = "" },
			[]string{"components[3].buttons[1].text"}},
		{"quick replies interleaved with other buttons fail", validTemplate, func(r *wabsp.TemplateRequest) {
			b := r.Components[buttons].Buttons
			r.Components[buttons].Buttons = []wabsp.Button{b[0], b[2], b[1], b[3]}
		}, []string{"components[3].buttons[2]"}},
		{"a URL of 2001 characters fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[buttons].Buttons[2].URL = "https://shop.example.com/" + strings.Repeat("p", 2001-len("https://shop.example.com/"))
			r.Components[buttons].Buttons[2].Example = nil
		}, []string{"components[3].buttons[2].url"}},
		{"a URL with two variables fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[buttons].Buttons[2].URL = "https://shop.example.com/{{1}}/{{2}}"
		}, []string{"components[3].buttons[2].url"}},
		{"a URL variable in the middle fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[buttons].Buttons[2].URL = "https://shop.example.com/{{1}}/details"
		}, []string{"components[3].buttons[2].url"}},
		{"a URL variable without a sample URL fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[buttons].Buttons[2].Example = nil },
			[]string{"components[3].buttons[2].example"}},
		{"a sample for a URL without a variable fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[buttons].Buttons[2].URL = "https://shop.example.com/sale"
		}, []string{"components[3].buttons[2].example"}},
		{"a URL that is not http fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[buttons].Buttons[2].URL = "ftp://shop.example.com/{{1}}"
		}, []string{"components[3].buttons[2].url"}},
		{"a phone number of 21 characters fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[buttons].Buttons[3].PhoneNumber = "+" + strings.Repeat("1", 20)
		}, []string{"components[3].buttons[3].phone_number"}},
		{"a phone button without a number fails", validTemplate, func(r *wabsp.TemplateRequest) { r.Components[buttons].Buttons[3].PhoneNumber = "" },
			[]string{"components[3].buttons[3].phone_number"}},
		{"a copy code button without a sample code fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[buttons].Buttons = append(r.Components[buttons].Buttons, wabsp.Button{Type: wabsp.ButtonCopyCode})
		}, []string{"components[3].buttons[4].example"}},
		{"an OTP button outside an authentication template fails", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[buttons].Buttons = append(r.Components[buttons].Buttons, wabsp.Button{Type: wabsp.ButtonOTP, OTPType: wabsp.OTPCopyCode})
		}, []string{"components[3].buttons[4].type"}},

		// Placeholders and samples.
		{"positional placeholders with a gap fail", validTemplate, func(r *wabsp.TemplateRequest) { setBody(r, "{{1}} then {{3}}", "a", "b", "c") },
			[]string{"components[1].text"}},
		{"a placeholder numbered 0 fails", validTemplate, func(r *wabsp.TemplateRequest) { setBody(r, "{{0}} and {{1}}", "a") }, []string{"components[1].text"}},
		{"a placeholder without a sample fails", validTemplate, func(r *wabsp.TemplateRequest) { setBody(r, "{{1}} and {{2}}", "a") },
			[]string{"components[1].example.body_text[0]"}},
		{"a sample without a placeholder fails", validTemplate, func(r *wabsp.TemplateRequest) { setBody(r, "{{1}} and {{2}}", "a", "b", "c") },
			[]string{"components[1].example.body_text[0][2]"}},
		{"an empty sample fails", validTemplate, func(r *wabsp.TemplateRequest) { setBody(r, "{{1}} and {{2}}", "a", " ") },
			[]string{"components[1].example.body_text[0][1]"}},
		{"samples for a body without placeholders fail", validTemplate, func(r *wabsp.TemplateRequest) { setBody(r, "No parameters here", "a") },
			[]string{"components[1].example.body_text[0][0]"}},
		{"named and positional placeholders mixed fail", validTemplate, func(r *wabsp.TemplateRequest) {
			r.ParameterFormat = wabsp.ParameterNamed
			setBody(r, "Hi {{first_name}}, {{1}} off", "25%")
			r.Components[bodyIdx].Example.BodyTextNamedParams = []wabsp.NamedParam{{ParamName: "first_name", Example: "Ana"}}
		}, []string{"components[1].text"}},
		{"named placeholders without parameter_format named fail", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Components[bodyIdx].Text = "Hi {{first_name}}"
			r.Components[bodyIdx].Example = &wabsp.ComponentExample{BodyTextNamedParams: []wabsp.NamedParam{{ParamName: "first_name", Example: "Ana"}}}
		}, []string{"components[1].text"}},
		{"positional placeholders with parameter_format named fail", validTemplate, func(r *wabsp.TemplateRequest) { r.ParameterFormat = wabsp.ParameterNamed },
			[]string{"components[1].text"}},
		{"a named placeholder without a sample fails", func() wabsp.TemplateRequest { return goldenTemplates["header_text_named"] }, func(r *wabsp.TemplateRequest) {
			r.Components[1].Example = &wabsp.ComponentExample{BodyTextNamedParams: []wabsp.NamedParam{{ParamName: "first_name", Example: "Ana"}}}
		}, []string{"components[1].example.body_text_named_params"}},
		{"a named sample without a placeholder fails", func() wabsp.TemplateRequest { return goldenTemplates["header_text_named"] }, func(r *wabsp.TemplateRequest) {
			ex := *r.Components[1].Example
			ex.BodyTextNamedParams = append(append([]wabsp.NamedParam(nil), ex.BodyTextNamedParams...), wabsp.NamedParam{ParamName: "city", Example: "Lisbon"})
			r.Components[1].Example = &ex
		}, []string{"components[1].example.body_text_named_params[2].param_name"}},
		{"a malformed placeholder fails", validTemplate, func(r *wabsp.TemplateRequest) { setBody(r, "Hi {{First Name}}, {{1}} {{2}}", "a", "b") },
			[]string{"components[1].text"}},

		// Authentication templates.
		{"an authentication template with a header fails", authTemplate, func(r *wabsp.TemplateRequest) {
			r.Components = append([]wabsp.Component{{Type: wabsp.ComponentHeader, Format: wabsp.HeaderText, Text: "Code"}}, r.Components...)
		}, []string{"components[0]"}},
		{"an authentication body with text fails", authTemplate, func(r *wabsp.TemplateRequest) {
			r.Components = append([]wabsp.Component(nil), r.Components...)
			r.Components[0].Text = "Your code is {{1}}"
		}, []string{"components[0].text"}},
		{"an authentication template without an OTP button fails", authTemplate, func(r *wabsp.TemplateRequest) { r.Components = r.Components[:2] },
			[]string{"components"}},
		{"an authentication template with a quick reply fails", authTemplate, func(r *wabsp.TemplateRequest) {
			r.Components = append([]wabsp.Component(nil), r.Components...)
			r.Components[2] = wabsp.Component{Type: wabsp.ComponentButtons, Buttons: qr(1)}
		}, []string{"components[2].buttons", "components[2].buttons[0].type"}},
		{"a code expiry of 91 minutes fails", authTemplate, func(r *wabsp.TemplateRequest) {
			r.Components = append([]wabsp.Component(nil), r.Components...)
			r.Components[1].CodeExpirationMinutes = 91
		}, []string{"components[1].code_expiration_minutes"}},
		{"one-tap and zero-tap buttons without apps or terms fail", func() wabsp.TemplateRequest { return goldenTemplates["authentication_zero_tap"] }, func(r *wabsp.TemplateRequest) {
			r.Components = append([]wabsp.Component(nil), r.Components...)
			r.Components[2] = wabsp.Component{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{{Type: wabsp.ButtonOTP, OTPType: wabsp.OTPZeroTap}}}
		}, []string{"components[2].buttons[0].supported_apps", "components[2].buttons[0].zero_tap_terms_accepted"}},
		{"an OTP button without a type fails", authTemplate, func(r *wabsp.TemplateRequest) {
			r.Components = append([]wabsp.Component(nil), r.Components...)
			r.Components[2] = wabsp.Component{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{{Type: wabsp.ButtonOTP}}}
		}, []string{"components[2].buttons[0].otp_type"}},

		{"every problem is reported at once", validTemplate, func(r *wabsp.TemplateRequest) {
			r.Name, r.Language, r.Category = "Bad Name", "", "PROMO"
			r.Components[footer].Text = strings.Repeat("f", 61)
			r.Components[buttons].Buttons[3].Text = strings.Repeat("x", 26)
		}, []string{"name", "language", "category", "components[2].text", "components[3].buttons[3].text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := tt.base()
			// Copy the slices the mutation touches so cases stay independent.
			req.Components = append([]wabsp.Component(nil), req.Components...)
			for i := range req.Components {
				req.Components[i].Buttons = append([]wabsp.Button(nil), req.Components[i].Buttons...)
			}
			tt.mutate(&req)
			err := req.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			var verr *wabsp.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, "SubmitTemplate", verr.Op)
			assert.ElementsMatch(t, tt.fields, fieldsOf(t, err), "%v", err)
		})
	}
}

func TestSubmitTemplateSendsNothingWhenTheTemplateIsInvalid(t *testing.T) {
	t.Parallel()
	c, mt := newMockedClient(t, wabsp.WithAccessToken(testGraphToken))
	req := validTemplate()
	req.Components[buttons].Buttons[0].Text = strings.Repeat("x", 30)

	resp, err := c.SubmitTemplate(context.Background(), "not-a-waba", req)
	assert.Nil(t, resp)
	var verr *wabsp.ValidationError
	require.True(t, errors.As(err, &verr))
	assert.True(t, verr.Has("waba_id"))
	assert.True(t, verr.Has("components[3].buttons[0].text"))
	assert.Contains(t, err.Error(), "components[3].buttons[0].text: is 30 characters long, at most 25 allowed")
	assert.Equal(t, 0, mt.GetTotalCallCount(), "nothing sent")
}

func TestEditValidationChecksTheDocumentedEditRules(t *testing.T) {
	t.Parallel()
	approved := &wabsp.Template{ID: "1234567890", Name: "summer_sale_2025", Status: wabsp.TemplateApproved, Category: wabsp.CategoryMarketing}
	tests := []struct {
		name   string
		req    wabsp.EditTemplateRequest
		fields []string
	}{
		{"new components for an approved template pass", wabsp.EditTemplateRequest{Components: validTemplate().Components, Current: approved}, nil},
		{"a category change of a rejected template passes", wabsp.EditTemplateRequest{Category: wabsp.CategoryUtility,
			Current: &wabsp.Template{Status: wabsp.TemplateRejected, Category: wabsp.CategoryMarketing}}, nil},
		{"an empty edit fails", wabsp.EditTemplateRequest{}, []string{"components"}},
		{"an unknown category fails", wabsp.EditTemplateRequest{Category: "PROMO"}, []string{"category"}},
		{"a category change of an approved template fails", wabsp.EditTemplateRequest{Category: wabsp.CategoryUtility, Current: approved}, []string{"category"}},
		{"editing a pending template fails", wabsp.EditTemplateRequest{Category: wabsp.CategoryUtility,
			Current: &wabsp.Template{Status: wabsp.TemplatePending}}, []string{"status"}},
		{"invalid components fail with their paths", wabsp.EditTemplateRequest{Components: []wabsp.Component{{Type: wabsp.ComponentBody}}}, []string{"components[0].text"}},
		{"components are checked against the current category", wabsp.EditTemplateRequest{
			Components: authTemplate().Components, Current: &wabsp.Template{Status: wabsp.TemplateApproved, Category: wabsp.CategoryAuthentication}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.req.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			assert.ElementsMatch(t, tt.fields, fieldsOf(t, err), "%v", err)
		})
	}
}

func TestPlaceholderMessagesCountTheRealPlaceholdersAndNameTheGap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		samples []string
		want    []wabsp.FieldError
	}{
		{"{{1}} and {{3}} without samples are two placeholders with {{2}} missing", "{{1}} and {{3}}", []string{}, []wabsp.FieldError{
			{Field: "components[1].text", Message: "has 2 positional placeholder(s) ({{1}}, {{3}}) with a gap: {{2}} is missing; number them {{1}} to {{2}}"},
			{Field: "components[1].example.body_text[0]", Message: "has 0 sample value(s) for 2 placeholder(s): every placeholder needs one"},
		}},
		{"{{2}} and {{5}} name every missing number", "{{2}} then {{5}}", []string{"a", "b"}, []wabsp.FieldError{
			{Field: "components[1].text", Message: "has 2 positional placeholder(s) ({{2}}, {{5}}) with a gap: {{1}}, {{3}}, {{4}} are missing; number them {{1}} to {{2}}"},
		}},
		{"a repeated placeholder counts once", "{{1}} {{1}} {{2}}", []string{"a"}, []wabsp.FieldError{
			{Field: "components[1].example.body_text[0]", Message: "has 1 sample value(s) for 2 placeholder(s): every placeholder needs one"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := validTemplate()
			setBody(&r, tt.body, tt.samples...)
			var verr *wabsp.ValidationError
			require.ErrorAs(t, r.Validate(), &verr)
			assert.Equal(t, tt.want, verr.Fields)
		})
	}
}
