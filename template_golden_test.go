package wabsp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// body is a positional body with two samples, shared by several goldens.
func body() wabsp.Component {
	return wabsp.Component{
		Type: wabsp.ComponentBody, Text: "Hi {{1}}, your order {{2}} is on its way.",
		Example: &wabsp.ComponentExample{BodyText: [][]string{{"Ana", "A-1024"}}},
	}
}

func mediaTemplate(format wabsp.HeaderFormat, name, handle string) wabsp.TemplateRequest {
	return wabsp.TemplateRequest{
		Name: name, Language: "en_US", Category: wabsp.CategoryMarketing,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentHeader, Format: format, Example: &wabsp.ComponentExample{HeaderHandle: []string{handle}}},
			{Type: wabsp.ComponentBody, Text: "Our summer sale is on: {{1}} off everything.", Example: &wabsp.ComponentExample{BodyText: [][]string{{"25%"}}}},
		},
	}
}

var androidApp = []wabsp.SupportedApp{{PackageName: "com.example.app", SignatureHash: "K8a/AINcGX7"}}

// goldenTemplates are built the way a caller would; each must encode to the
// body in testdata/templates/golden/<name>.json, which follows the shape in
// Meta's template components reference.
var goldenTemplates = map[string]wabsp.TemplateRequest{
	"header_text_positional": {
		Name: "order_shipped", Language: "en_US", Category: wabsp.CategoryUtility,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentHeader, Format: wabsp.HeaderText, Text: "Order {{1}} shipped", Example: &wabsp.ComponentExample{HeaderText: []string{"A-1024"}}},
			body(),
		},
	},
	"header_text_named": {
		Name: "order_shipped_named", Language: "en_US", Category: wabsp.CategoryUtility, ParameterFormat: wabsp.ParameterNamed,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentHeader, Format: wabsp.HeaderText, Text: "Order {{order_id}} shipped",
				Example: &wabsp.ComponentExample{HeaderTextNamedParams: []wabsp.NamedParam{{ParamName: "order_id", Example: "A-1024"}}}},
			{Type: wabsp.ComponentBody, Text: "Hi {{first_name}}, order {{order_id}} is on its way.",
				Example: &wabsp.ComponentExample{BodyTextNamedParams: []wabsp.NamedParam{{ParamName: "first_name", Example: "Ana"}, {ParamName: "order_id", Example: "A-1024"}}}},
		},
	},
	"header_image":    mediaTemplate(wabsp.HeaderImage, "summer_sale_image", "4::aW1hZ2UvcG5n:ARZ_sample_image_handle"),
	"header_video":    mediaTemplate(wabsp.HeaderVideo, "summer_sale_video", "4::dmlkZW8vbXA0:ARZ_sample_video_handle"),
	"header_document": mediaTemplate(wabsp.HeaderDocument, "summer_sale_document", "4::YXBwbGljYXRpb24vcGRm:ARZ_sample_document_handle"),
	"header_location": {
		Name: "pickup_point", Language: "en_US", Category: wabsp.CategoryUtility,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentHeader, Format: wabsp.HeaderLocation},
			{Type: wabsp.ComponentBody, Text: "Your parcel is ready at the pickup point above."},
		},
	},
	"footer": {
		Name: "weekly_digest", Language: "en_GB", Category: wabsp.CategoryMarketing,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentBody, Text: "Here is your weekly digest."},
			{Type: wabsp.ComponentFooter, Text: "Reply STOP to unsubscribe"},
		},
	},
	"buttons_quick_reply": {
		Name: "appointment_confirm", Language: "en_US", Category: wabsp.CategoryUtility,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentBody, Text: "Confirm your appointment on {{1}}?", Example: &wabsp.ComponentExample{BodyText: [][]string{{"3 June, 10:00"}}}},
			{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{
				{Type: wabsp.ButtonQuickReply, Text: "Confirm"},
				{Type: wabsp.ButtonQuickReply, Text: "Reschedule"},
			}},
		},
	},
	"buttons_url": {
		Name: "track_order", Language: "en_US", Category: wabsp.CategoryUtility,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentBody, Text: "Your order has shipped."},
			{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{
				{Type: wabsp.ButtonURL, Text: "Track order", URL: "https://shop.example.com/track/{{1}}", Example: []string{"https://shop.example.com/track/A-1024"}},
				{Type: wabsp.ButtonURL, Text: "Help centre", URL: "https://shop.example.com/help"},
			}},
		},
	},
	"buttons_phone_number": {
		Name: "call_support", Language: "en_US", Category: wabsp.CategoryUtility,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentBody, Text: "Need help with your order? Call us."},
			{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{{Type: wabsp.ButtonPhoneNumber, Text: "Call support", PhoneNumber: "+15550051310"}}},
		},
	},
	"buttons_copy_code": {
		Name: "coupon_code", Language: "en_US", Category: wabsp.CategoryMarketing,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentBody, Text: "Use code {{1}} for 25% off.", Example: &wabsp.ComponentExample{BodyText: [][]string{{"SUMMER25"}}}},
			{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{{Type: wabsp.ButtonCopyCode, Example: []string{"SUMMER25"}}}},
		},
	},
	"authentication_copy_code": {
		Name: "login_code", Language: "en_US", Category: wabsp.CategoryAuthentication,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentBody, AddSecurityRecommendation: true},
			{Type: wabsp.ComponentFooter, CodeExpirationMinutes: 10},
			{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{{Type: wabsp.ButtonOTP, OTPType: wabsp.OTPCopyCode, Text: "Copy code"}}},
		},
	},
	"authentication_one_tap": {
		Name: "login_code_autofill", Language: "en_US", Category: wabsp.CategoryAuthentication,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentBody, AddSecurityRecommendation: true},
			{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{{Type: wabsp.ButtonOTP, OTPType: wabsp.OTPOneTap, Text: "Copy code", AutofillText: "Autofill", SupportedApps: androidApp}}},
		},
	},
	"authentication_zero_tap": {
		Name: "login_code_zero_tap", Language: "en_US", Category: wabsp.CategoryAuthentication,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentBody},
			{Type: wabsp.ComponentFooter, CodeExpirationMinutes: 5},
			{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{{Type: wabsp.ButtonOTP, OTPType: wabsp.OTPZeroTap, Text: "Copy code", AutofillText: "Autofill", ZeroTapTermsAccepted: true, SupportedApps: androidApp}}},
		},
	},
}

func TestEveryTemplateEncodesToItsGoldenRequestBody(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/templates/golden/*.json")
	require.NoError(t, err)
	require.Len(t, files, len(goldenTemplates), "one golden file per built template")
	for name, tmpl := range goldenTemplates {
		t.Run(name+" encodes exactly as the golden body", func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(filepath.Join("testdata/templates/golden", name+".json"))
			require.NoError(t, err)
			got, err := json.Marshal(tmpl)
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(got))
			assert.Equal(t, keyPaths(t, want), keyPaths(t, got), "same keys, no extra empty fields")
			require.NoError(t, tmpl.Validate(), "a golden template is valid")

			var back wabsp.TemplateRequest
			require.NoError(t, json.Unmarshal(want, &back))
			assert.Equal(t, tmpl, back, "the golden body decodes back to the same template")
		})
	}
}

// keyPaths lists every object key of a JSON document by its path, so a test
// failure names the key that differs.
func keyPaths(t *testing.T, doc []byte) []string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(doc, &v))
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, child := range x {
				out = append(out, prefix+"."+k)
				walk(prefix+"."+k, child)
			}
		case []any:
			for i, child := range x {
				walk(prefix+"["+strconv.Itoa(i)+"]", child)
			}
		}
	}
	walk("", v)
	sort.Strings(out)
	return out
}
