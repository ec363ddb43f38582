package wabsp_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

const (
	testBusinessNumber = "+14155550100"
	testCustomer       = "+14155550199"
)

// messageRequests are the requests the fixtures in testdata/messages were
// recorded for, keyed by fixture name.
func messageRequests() map[string]wabsp.MessageRequest {
	base := func(r wabsp.MessageRequest) wabsp.MessageRequest {
		r.From, r.To = testBusinessNumber, testCustomer
		return r
	}
	return map[string]wabsp.MessageRequest{
		"text": base(wabsp.MessageRequest{Text: "Your order has shipped.",
			StatusCallbackURL: "https://hooks.example.com/plivo/status", StatusCallbackMethod: "POST"}),
		"template": base(wabsp.MessageRequest{StatusCallbackURL: "https://hooks.example.com/plivo/status",
			Template: &wabsp.TemplateMessage{Name: "order_update", Language: "en_US", Components: []wabsp.TemplateMessageComponent{
				{Type: wabsp.TemplateComponentHeader, Parameters: []wabsp.TemplateParameter{{Type: wabsp.ParamMedia, Media: "https://cdn.example.com/receipt.png"}}},
				{Type: wabsp.TemplateComponentBody, Parameters: []wabsp.TemplateParameter{
					wabsp.TextParam("Ada"),
					{Type: wabsp.ParamCurrency, Currency: &wabsp.TemplateCurrency{FallbackValue: "$12.34", CurrencyCode: "USD", Amount1000: 12340}},
					{Type: wabsp.ParamDateTime, DateTime: &wabsp.TemplateDateTime{FallbackValue: "December 1, 2026"}},
				}},
				{Type: wabsp.TemplateComponentButton, SubType: wabsp.TemplateButtonURL, Index: "0", Parameters: []wabsp.TemplateParameter{wabsp.TextParam("ord-1234")}},
			}}}),
		"template_named": base(wabsp.MessageRequest{Template: &wabsp.TemplateMessage{Name: "welcome_named", Language: "en",
			Components: []wabsp.TemplateMessageComponent{
				{Type: wabsp.TemplateComponentBody, Parameters: []wabsp.TemplateParameter{
					wabsp.NamedTextParam("first_name", "Ada"), wabsp.NamedTextParam("store", "Main St")}},
				{Type: wabsp.TemplateComponentButton, SubType: wabsp.TemplateButtonQuickReply, Index: "0",
					Parameters: []wabsp.TemplateParameter{{Type: wabsp.ParamPayload, Payload: "STOP_PROMOS"}}},
			}}}),
		"media_image": base(wabsp.MessageRequest{Text: "Your receipt",
			Media: &wabsp.MessageMedia{URL: "https://cdn.example.com/receipt.jpg", ContentType: "image/jpeg", Size: 200 << 10}}),
		"interactive_buttons": base(wabsp.MessageRequest{Interactive: &wabsp.InteractiveMessage{Type: wabsp.InteractiveButton,
			Header: &wabsp.InteractiveHeader{Type: "text", Text: "Delivery"},
			Body:   &wabsp.InteractiveText{Text: "When should we deliver?"}, Footer: &wabsp.InteractiveText{Text: "Reply to choose"},
			Action: &wabsp.InteractiveAction{Buttons: []wabsp.InteractiveButtonItem{{ID: "am", Title: "Morning"}, {ID: "pm", Title: "Afternoon"}}}}}),
		"interactive_list": base(wabsp.MessageRequest{Interactive: &wabsp.InteractiveMessage{Type: wabsp.InteractiveList,
			Body: &wabsp.InteractiveText{Text: "Pick a store"},
			Action: &wabsp.InteractiveAction{Buttons: []wabsp.InteractiveButtonItem{{Title: "Stores"}}, Sections: []wabsp.InteractiveSection{
				{Title: "North", Rows: []wabsp.InteractiveRow{{ID: "n1", Title: "Uptown", Description: "Open 8-20"}}},
				{Title: "South", Rows: []wabsp.InteractiveRow{{ID: "s1", Title: "Harbour"}}},
			}}}}),
		"interactive_cta_url": base(wabsp.MessageRequest{Interactive: &wabsp.InteractiveMessage{Type: wabsp.InteractiveCTAURL,
			Body:   &wabsp.InteractiveText{Text: "Track your parcel"},
			Action: &wabsp.InteractiveAction{Buttons: []wabsp.InteractiveButtonItem{{Title: "Track", CTAURL: "https://example.com/track/1234"}}}}}),
		"location": base(wabsp.MessageRequest{Location: &wabsp.MessageLocation{Latitude: "37.7749", Longitude: "-122.4194",
			Name: "Main St store", Address: "1 Main St, San Francisco"}}),
	}
}

func TestSendMessageSendsEachRecordedRequestAndDecodesTheAnswer(t *testing.T) {
	t.Parallel()
	for name, req := range messageRequests() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx := fixture.Load(t, "testdata/messages/"+name+".json")
			c, mt := newMockedClient(t)
			fx.Register(t, mt)

			resp, err := c.SendMessage(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, &wabsp.MessageResponse{
				APIID:        "4f2a6c1e-9b7d-11ef-8a3c-0242ac110002",
				Message:      "message(s) queued",
				MessageUUIDs: []string{"5b3d1a6e-9b7d-11ef-8a3c-0242ac110002"},
			}, resp)
			assert.Equal(t, "5b3d1a6e-9b7d-11ef-8a3c-0242ac110002", resp.MessageUUID())
			assert.Equal(t, 1, fx.Calls())
		})
	}
}

func TestSendMessageTypesPlivosErrorsAndNeverRepeatsASendThatMayHaveGoneOut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture  string
		is       func(error) bool
		attempts int
	}{
		{"invalid_src", isType[*wabsp.BadRequestError], 1},
		{"unauthorized", isType[*wabsp.AuthenticationError], 1},
		// Plivo refused without processing: repeating cannot send twice.
		{"rate_limited", isType[*wabsp.RateLimitError], fastRetries.MaxAttempts},
		// Plivo may have queued the message before failing: not repeated.
		{"server_error", isType[*wabsp.ServerError], 1},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			fx := fixture.Load(t, "testdata/messages/"+tt.fixture+".json")
			c, mt := newMockedClient(t)
			fx.Register(t, mt)

			resp, err := c.SendMessage(context.Background(), wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer, Text: "Hi"})
			require.Error(t, err)
			assert.Nil(t, resp)
			assert.True(t, tt.is(err), "error type %T", err)
			var apiErr *wabsp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, fx.ResponseBody(), apiErr.Body)
			assert.Equal(t, "4f2a6c1e-9b7d-11ef-8a3c-0242ac110002", apiErr.RequestID)
			assert.Equal(t, tt.attempts, fx.Calls())
			assert.NotContains(t, err.Error(), testAuthToken)
		})
	}
}

func TestSendMessageValidationReportsEveryProblemBeforeAnyCall(t *testing.T) {
	t.Parallel()
	long := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'x'
		}
		return string(b)
	}
	tests := []struct {
		name   string
		req    wabsp.MessageRequest
		fields []string
		is     error
	}{
		{"a missing sender and recipient", wabsp.MessageRequest{Text: "Hi"}, []string{"src", "dst"}, nil},
		{"a number without its plus sign", wabsp.MessageRequest{From: "14155550100", To: testCustomer, Text: "Hi"}, []string{"src"}, nil},
		{"a business-scoped user id as recipient", wabsp.MessageRequest{From: testBusinessNumber, To: "US.13491208655302741918", Text: "Hi"}, []string{"dst"}, wabsp.ErrRecipientIsBSUID},
		{"several recipients joined with <", wabsp.MessageRequest{From: testBusinessNumber, To: "+14155550199<+14155550198", Text: "Hi"}, []string{"dst"}, nil},
		{"no content", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer}, []string{"text"}, nil},
		{"text over 4096 characters", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer, Text: long(4097)}, []string{"text"}, nil},
		{"two contents at once", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer,
			Location: &wabsp.MessageLocation{Latitude: "1", Longitude: "2"}, Template: &wabsp.TemplateMessage{Name: "a", Language: "en"}}, []string{"type"}, nil},
		{"an image over 5 MB with a long caption", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer, Text: long(1025),
			Media: &wabsp.MessageMedia{URL: "https://cdn.example.com/a.jpg", ContentType: "image/jpeg", Size: 5<<20 + 1}}, []string{"media_urls[0]", "text"}, nil},
		{"a sticker over 100 KB", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer,
			Media: &wabsp.MessageMedia{URL: "https://cdn.example.com/a.webp", Kind: wabsp.MediaSticker, Size: 100<<10 + 1}}, []string{"media_urls[0]"}, nil},
		{"a document of 100 MB plus one byte", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer,
			Media: &wabsp.MessageMedia{URL: "https://cdn.example.com/a.pdf", ContentType: "application/pdf", Size: 100<<20 + 1}}, []string{"media_urls[0]"}, nil},
		{"a video of the wrong type and a caption on audio", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer, Text: "listen",
			Media: &wabsp.MessageMedia{URL: "https://cdn.example.com/a.mp3", Kind: wabsp.MediaAudio, ContentType: "video/mp4"}}, []string{"media_urls[0]", "text"}, nil},
		{"a media URL that is not http", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer,
			Media: &wabsp.MessageMedia{URL: "ftp://cdn.example.com/a.jpg"}}, []string{"media_urls[0]"}, nil},
		{"four reply buttons, one title too long and a repeated id", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer,
			Interactive: &wabsp.InteractiveMessage{Type: wabsp.InteractiveButton, Body: &wabsp.InteractiveText{Text: "Pick"},
				Action: &wabsp.InteractiveAction{Buttons: []wabsp.InteractiveButtonItem{
					{ID: "a", Title: "One"}, {ID: "a", Title: "Two"}, {ID: "c", Title: long(21)}, {ID: "d", Title: "Four"}}}}},
			[]string{"interactive.action.buttons", "interactive.action.buttons[1].id", "interactive.action.buttons[2].title"}, nil},
		{"a list with eleven rows and no button", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer,
			Interactive: &wabsp.InteractiveMessage{Type: wabsp.InteractiveList, Body: &wabsp.InteractiveText{Text: "Pick"},
				Action: &wabsp.InteractiveAction{Sections: []wabsp.InteractiveSection{{Rows: []wabsp.InteractiveRow{
					{ID: "1", Title: "1"}, {ID: "2", Title: "2"}, {ID: "3", Title: "3"}, {ID: "4", Title: "4"}, {ID: "5", Title: "5"}, {ID: "6", Title: "6"},
					{ID: "7", Title: "7"}, {ID: "8", Title: "8"}, {ID: "9", Title: "9"}, {ID: "10", Title: "10"}, {ID: "11", Title: "11"}}}}}}},
			[]string{"interactive.action.buttons", "interactive.action.sections"}, nil},
		{"a call to action without its URL and without a body", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer,
			Interactive: &wabsp.InteractiveMessage{Type: wabsp.InteractiveCTAURL,
				Action: &wabsp.InteractiveAction{Buttons: []wabsp.InteractiveButtonItem{{Title: "Go"}}}}},
			[]string{"interactive.body.text", "interactive.action.buttons[0].cta_url"}, nil},
		{"a location off the map", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer,
			Location: &wabsp.MessageLocation{Latitude: "91", Longitude: "east"}}, []string{"location.latitude", "location.longitude"}, nil},
		{"template parameters of each kind left empty", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer,
			Template: &wabsp.TemplateMessage{Name: "Bad Name", Components: []wabsp.TemplateMessageComponent{
				{Type: wabsp.TemplateComponentBody, Parameters: []wabsp.TemplateParameter{
					{Type: wabsp.ParamText}, {Type: wabsp.ParamCurrency, Currency: &wabsp.TemplateCurrency{FallbackValue: "1", CurrencyCode: "usd"}}}},
				{Type: wabsp.TemplateComponentButton, SubType: "call", Index: "x"},
			}}},
			[]string{"template.name", "template.language", "template.components[0].parameters[0].text",
				"template.components[0].parameters[1].currency.currency_code", "template.components[1].sub_type", "template.components[1].index"}, nil},
		{"a header parameter longer than a header", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer,
			Template: &wabsp.TemplateMessage{Name: "a", Language: "en", Components: []wabsp.TemplateMessageComponent{
				{Type: wabsp.TemplateComponentHeader, Parameters: []wabsp.TemplateParameter{wabsp.TextParam(long(61))}},
				{Type: wabsp.TemplateComponentBody, Parameters: []wabsp.TemplateParameter{wabsp.TextParam(long(1024))}},
			}}}, []string{"template.components[0].parameters[0].text"}, nil},
		{"a status callback method other than GET or POST", wabsp.MessageRequest{From: testBusinessNumber, To: testCustomer, Text: "Hi",
			StatusCallbackURL: "hooks.example.com", StatusCallbackMethod: "PUT"}, []string{"url", "method"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newMockedClient(t) // the mock fails any request: nothing may be sent
			resp, err := c.SendMessage(context.Background(), tt.req)
			assert.Nil(t, resp)
			assert.Equal(t, tt.fields, fieldsOf(t, err))
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}
}

// heldOrderUpdate is the template the "template" fixture fills, as Graph
// returns it.
func heldOrderUpdate() *wabsp.Template {
	return &wabsp.Template{Name: "order_update", Language: "en_US", Status: wabsp.TemplateApproved, Category: wabsp.CategoryUtility,
		Components: []wabsp.Component{
			{Type: wabsp.ComponentHeader, Format: wabsp.HeaderImage},
			{Type: wabsp.ComponentBody, Text: "Hi {{1}}, you paid {{2}} on {{3}}."},
			{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{{Type: wabsp.ButtonURL, Text: "Track", URL: "https://example.com/o/{{1}}"}}},
		}}
}

func TestTemplateParametersAreCheckedAgainstTheHeldTemplate(t *testing.T) {
	t.Parallel()
	fill := messageRequests()["template"]

	t.Run("parameters that fit the template pass", func(t *testing.T) {
		t.Parallel()
		req := fill
		req.HeldTemplate = heldOrderUpdate()
		assert.NoError(t, req.Validate())
	})
	t.Run("a missing body parameter, a missing URL parameter and a paused template are all reported", func(t *testing.T) {
		t.Parallel()
		req := fill
		tm := *fill.Template
		tm.Components = []wabsp.TemplateMessageComponent{tm.Components[0],
			{Type: wabsp.TemplateComponentBody, Parameters: []wabsp.TemplateParameter{wabsp.TextParam("Ada")}}}
		req.Template = &tm
		held := heldOrderUpdate()
		held.Status = wabsp.TemplatePaused
		req.HeldTemplate = held
		err := req.Validate()
		assert.Equal(t, []string{"template", "template.components[1]", "template.components"}, fieldsOf(t, err))
		assert.ErrorIs(t, err, wabsp.ErrTemplatePaused)
	})
	t.Run("named parameters must name the template's placeholders", func(t *testing.T) {
		t.Parallel()
		req := messageRequests()["template_named"]
		req.HeldTemplate = &wabsp.Template{Name: "welcome_named", Language: "en", Status: wabsp.TemplateApproved, ParameterFormat: "NAMED",
			Components: []wabsp.Component{
				{Type: wabsp.ComponentBody, Text: "Hi {{first_name}}, see you at {{shop}}."},
				{Type: wabsp.ComponentButtons, Buttons: []wabsp.Button{{Type: wabsp.ButtonQuickReply, Text: "Stop promotions"}}},
			}}
		assert.Equal(t, []string{"template.components[0]"}, fieldsOf(t, req.Validate()))
	})
	t.Run("a button the template does not have is refused", func(t *testing.T) {
		t.Parallel()
		req := messageRequests()["template_named"]
		req.HeldTemplate = &wabsp.Template{Name: "welcome_named", Language: "en", ParameterFormat: "named",
			Components: []wabsp.Component{{Type: wabsp.ComponentBody, Text: "Hi {{first_name}} at {{store}}"}}}
		assert.Equal(t, []string{"template.components[1]"}, fieldsOf(t, req.Validate()))
	})
	t.Run("a disabled template matches the sentinel a failed callback would", func(t *testing.T) {
		t.Parallel()
		req := fill
		held := heldOrderUpdate()
		held.Status = wabsp.TemplateDisabled
		req.HeldTemplate = held
		err := req.Validate()
		assert.ErrorIs(t, err, wabsp.ErrTemplateDisabled)
		assert.True(t, errors.Is((&wabsp.PlivoStatusCallback{Status: wabsp.MessageFailed, ErrorCode: "132016"}).Err(), wabsp.ErrTemplateDisabled))
	})
}
