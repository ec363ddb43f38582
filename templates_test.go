package wabsp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

// testGraphToken is the Graph access token the recorded template fixtures
// were made with; their appsecret_proof is derived from it and testAppSecret.
const testGraphToken = "test-graph-token"

const templatesWABAID = "109876543210987"

func newTemplatesClient(t *testing.T) (*wabsp.Client, *httpmock.MockTransport) {
	t.Helper()
	return newMockedClient(t, wabsp.WithAccessToken(testGraphToken))
}

func templateRequestOf(t *testing.T, fx *fixture.Fixture) wabsp.TemplateRequest {
	t.Helper()
	var req wabsp.TemplateRequest
	require.NoError(t, json.Unmarshal(fx.RequestBody(), &req))
	return req
}

// registerPages serves several recorded pages of one listing, each for its
// exact query.
func registerPages(t *testing.T, mt *httpmock.MockTransport, pages ...*fixture.Fixture) {
	t.Helper()
	for _, p := range pages {
		p.RegisterExact(t, mt)
	}
}

func TestSubmitTemplateSendsTheRecordedBodyAndDecodesTheAnswer(t *testing.T) {
	t.Parallel()
	fx := fixture.Load(t, "testdata/templates/submit_success.json")
	c, mt := newTemplatesClient(t)
	fx.Register(t, mt)

	req := templateRequestOf(t, fx)
	require.NoError(t, req.Validate(), "the recorded template is valid")
	resp, err := c.SubmitTemplate(context.Background(), templatesWABAID, req)
	require.NoError(t, err)
	assert.Equal(t, &wabsp.SubmitTemplateResponse{ID: "594425479261596", Status: wabsp.TemplatePending, Category: wabsp.CategoryMarketing}, resp)
	assert.Equal(t, 1, fx.Calls())
}

func TestSubmitTemplateMapsGraphsTemplateErrorsToTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture  string
		is       func(error) bool
		code     int
		kind     wabsp.GraphErrorKind
		attempts int
	}{
		{"submit_invalid_parameter", isType[*wabsp.BadRequestError], 100, wabsp.GraphErrorInvalidParameter, 1},
		{"submit_rate_limited", isType[*wabsp.RateLimitError], 80008, wabsp.GraphErrorThrottled, fastRetries.MaxAttempts},
		{"submit_permission", isType[*wabsp.PermissionError], 200, wabsp.GraphErrorPermission, 1},
		{"submit_token_expired", isType[*wabsp.AuthenticationError], 190, wabsp.GraphErrorTokenInvalid, 1},
		// A submission is not safe to repeat after a 5xx: one attempt only.
		{"submit_server_error", isType[*wabsp.ServerError], 2, wabsp.GraphErrorTemporary, 1},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			fx := fixture.Load(t, "testdata/templates/"+tt.fixture+".json")
			c, mt := newTemplatesClient(t)
			fx.Register(t, mt)

			resp, err := c.SubmitTemplate(context.Background(), templatesWABAID, templateRequestOf(t, fx))
			require.Error(t, err)
			assert.Nil(t, resp)
			assert.True(t, tt.is(err), "error type %T", err)
			var g *wabsp.GraphError
			require.ErrorAs(t, err, &g)
			assert.Equal(t, tt.code, g.Code)
			assert.Equal(t, tt.kind, g.Kind())
			var apiErr *wabsp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, fx.Response.Status, apiErr.StatusCode)
			assert.Equal(t, tt.attempts, apiErr.Attempts)
			assert.Equal(t, tt.attempts, fx.Calls())
			assert.NotContains(t, err.Error(), testGraphToken)
		})
	}
}

func TestTemplatesIteratesOverEveryPageFollowingTheCursors(t *testing.T) {
	t.Parallel()
	pages := []*fixture.Fixture{
		fixture.Load(t, "testdata/templates/list_page1.json"),
		fixture.Load(t, "testdata/templates/list_page2.json"),
		fixture.Load(t, "testdata/templates/list_page3.json"),
	}
	c, mt := newTemplatesClient(t)
	registerPages(t, mt, pages...)

	var names []string
	var all []wabsp.Template
	for tmpl, err := range c.Templates(context.Background(), templatesWABAID, &wabsp.ListTemplatesOptions{Limit: 2}) {
		require.NoError(t, err)
		names = append(names, tmpl.Name)
		all = append(all, tmpl)
	}
	assert.Equal(t, []string{"summer_sale_2025", "order_shipped", "login_code", "coupon_code", "winback_offer"}, names)
	for _, p := range pages {
		assert.Equal(t, 1, p.Calls(), "each page fetched once")
	}

	first := all[0]
	assert.Equal(t, "594425479261596", first.ID)
	assert.Equal(t, wabsp.TemplateApproved, first.Status)
	assert.False(t, first.ParameterFormat.IsNamed(), "POSITIONAL in upper case is understood")
	require.Len(t, first.Components, 4)
	assert.Equal(t, wabsp.HeaderImage, first.Components[0].Format)
	assert.Equal(t, []string{"https://shop.example.com/sale/summer"}, first.Components[3].Buttons[2].Example)
	assert.Equal(t, []string{"SUMMER25"}, all[3].Components[1].Buttons[0].Example, "a copy code sample given as a string")
	assert.Equal(t, "PROMOTIONAL", all[4].RejectedReason)
}

func TestTemplatesStopsFetchingWhenTheLoopBreaks(t *testing.T) {
	t.Parallel()
	page1 := fixture.Load(t, "testdata/templates/list_page1.json")
	page2 := fixture.Load(t, "testdata/templates/list_page2.json")
	c, mt := newTemplatesClient(t)
	registerPages(t, mt, page1, page2)

	n := 0
	for _, err := range c.Templates(context.Background(), templatesWABAID, &wabsp.ListTemplatesOptions{Limit: 2}) {
		require.NoError(t, err)
		if n++; n == 3 {
			break
		}
	}
	assert.Equal(t, 1, page1.Calls())
	assert.Equal(t, 1, page2.Calls())
	assert.Equal(t, 2, mt.GetTotalCallCount(), "no third page requested")
}

func TestTemplatesEncodesTheFiltersInTheQuery(t *testing.T) {
	t.Parallel()
	fx := fixture.Load(t, "testdata/templates/list_filtered.json")
	c, mt := newTemplatesClient(t)
	fx.Register(t, mt)

	var got []wabsp.Template
	opts := &wabsp.ListTemplatesOptions{Status: wabsp.TemplateRejected, Category: wabsp.CategoryMarketing, Language: "pt_BR", Name: "winback"}
	for tmpl, err := range c.Templates(context.Background(), templatesWABAID, opts) {
		require.NoError(t, err)
		got = append(got, tmpl)
	}
	require.Len(t, got, 1, "no next page: the listing ends")
	assert.Equal(t, "winback_offer", got[0].Name)
	assert.Empty(t, opts.Fields, "the caller's options are not modified")
}

func TestTemplatesYieldsOneErrorForABadWABAOrAFailedPage(t *testing.T) {
	t.Parallel()
	c, mt := newTemplatesClient(t)

	var errs []error
	for tmpl, err := range c.Templates(context.Background(), "waba-1", nil) {
		assert.Zero(t, tmpl)
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	var verr *wabsp.ValidationError
	assert.ErrorAs(t, errs[0], &verr)
	assert.Equal(t, 0, mt.GetTotalCallCount())

	mt.RegisterNoResponder(httpmock.NewStringResponder(http.StatusBadRequest,
		`{"error":{"message":"Unsupported get request.","type":"GraphMethodException","code":100,"error_subcode":33,"fbtrace_id":"Xy"}}`))
	errs = nil
	for _, err := range c.Templates(context.Background(), templatesWABAID, nil) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.True(t, isType[*wabsp.BadRequestError](errs[0]))
}

func TestGetTemplateAsksForTheDecodedFields(t *testing.T) {
	t.Parallel()
	fx := fixture.Load(t, "testdata/templates/get.json")
	c, mt := newTemplatesClient(t)
	fx.Register(t, mt)

	tmpl, err := c.GetTemplate(context.Background(), "594425479261596")
	require.NoError(t, err)
	assert.Equal(t, "summer_sale_2025", tmpl.Name)
	assert.Equal(t, wabsp.CategoryMarketing, tmpl.Category)
	assert.Len(t, tmpl.Components, 4)

	_, err = c.GetTemplate(context.Background(), "../me")
	var verr *wabsp.ValidationError
	require.ErrorAs(t, err, &verr)
	assert.True(t, verr.Has("template_id"))
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestEditTemplateSendsTheNewComponents(t *testing.T) {
	t.Parallel()
	fx := fixture.Load(t, "testdata/templates/edit.json")
	c, mt := newTemplatesClient(t)
	fx.Register(t, mt)

	var req wabsp.EditTemplateRequest
	require.NoError(t, json.Unmarshal(fx.RequestBody(), &req))
	req.Current = &wabsp.Template{ID: "594425479261596", Status: wabsp.TemplateApproved, Category: wabsp.CategoryMarketing}
	resp, err := c.EditTemplate(context.Background(), "594425479261596", req)
	require.NoError(t, err)
	assert.True(t, resp.Success)
	assert.Equal(t, 1, fx.Calls())
}

func TestEditTemplateIsNotRetriedAndReportsGraphsRefusal(t *testing.T) {
	t.Parallel()
	fx := fixture.Load(t, "testdata/templates/edit_limit.json")
	c, mt := newTemplatesClient(t)
	fx.Register(t, mt)

	var req wabsp.EditTemplateRequest
	require.NoError(t, json.Unmarshal(fx.RequestBody(), &req))
	_, err := c.EditTemplate(context.Background(), "594425479261596", req)
	var bad *wabsp.BadRequestError
	require.ErrorAs(t, err, &bad)
	assert.Equal(t, "Edit limit reached", bad.Graph.UserTitle)
	assert.Equal(t, 1, fx.Calls())
}

func TestEditTemplateRefusesAnEditTheRulesForbidBeforeSending(t *testing.T) {
	t.Parallel()
	c, mt := newTemplatesClient(t)
	_, err := c.EditTemplate(context.Background(), "594425479261596", wabsp.EditTemplateRequest{
		Category: wabsp.CategoryUtility,
		Current:  &wabsp.Template{Status: wabsp.TemplateApproved, Category: wabsp.CategoryMarketing},
	})
	var verr *wabsp.ValidationError
	require.ErrorAs(t, err, &verr)
	assert.True(t, verr.Has("category"))
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestDeleteTemplateByNameOrByNameAndID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fixture string
		req     wabsp.DeleteTemplateRequest
	}{
		{"delete_by_name", wabsp.DeleteTemplateRequest{Name: "summer_sale_2025"}},
		{"delete_by_id", wabsp.DeleteTemplateRequest{Name: "summer_sale_2025", ID: "594425479261596"}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			fx := fixture.Load(t, "testdata/templates/"+tt.fixture+".json")
			c, mt := newTemplatesClient(t)
			fx.Register(t, mt)
			resp, err := c.DeleteTemplate(context.Background(), templatesWABAID, tt.req)
			require.NoError(t, err)
			assert.True(t, resp.Success)
			assert.Equal(t, 1, fx.Calls())
		})
	}
}

func TestDeleteTemplateReportsAMissingTemplate(t *testing.T) {
	t.Parallel()
	fx := fixture.Load(t, "testdata/templates/delete_not_found.json")
	c, mt := newTemplatesClient(t)
	fx.Register(t, mt)
	_, err := c.DeleteTemplate(context.Background(), templatesWABAID, wabsp.DeleteTemplateRequest{Name: "no_such_template"})
	var g *wabsp.GraphError
	require.ErrorAs(t, err, &g)
	assert.Equal(t, 100, g.Code)
	assert.Equal(t, 1, fx.Calls(), "a 400 is not retried")

	_, err = c.DeleteTemplate(context.Background(), templatesWABAID, wabsp.DeleteTemplateRequest{ID: "x"})
	var verr *wabsp.ValidationError
	require.ErrorAs(t, err, &verr)
	assert.True(t, verr.Has("name"))
	assert.True(t, verr.Has("hsm_id"))
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestSyncTemplatesReportsEveryStatusAndRejectionReason(t *testing.T) {
	t.Parallel()
	c, mt := newTemplatesClient(t)
	registerPages(t, mt, fixture.Load(t, "testdata/templates/sync_page1.json"), fixture.Load(t, "testdata/templates/sync_page2.json"))

	sync, err := c.SyncTemplates(context.Background(), templatesWABAID)
	require.NoError(t, err)
	assert.Equal(t, templatesWABAID, sync.WABAID)
	assert.False(t, sync.SyncedAt.IsZero())
	require.Len(t, sync.Templates, 5)
	assert.Equal(t, map[wabsp.TemplateStatus]int{
		wabsp.TemplateApproved: 1, wabsp.TemplatePending: 1, wabsp.TemplateRejected: 2, wabsp.TemplatePaused: 1,
	}, sync.ByStatus)
	assert.Equal(t, []wabsp.TemplateState{
		{ID: "956723401156789", Name: "winback_offer", Language: "pt_BR", Category: wabsp.CategoryMarketing, Status: wabsp.TemplateRejected, RejectedReason: "PROMOTIONAL"},
		{ID: "967834512267890", Name: "order_update", Language: "es", Category: wabsp.CategoryUtility, Status: wabsp.TemplateRejected, RejectedReason: "INVALID_FORMAT"},
	}, sync.Rejected())
	assert.Empty(t, sync.Templates[0].RejectedReason, `"NONE" means no reason`)
}

func TestFindTemplateMatchesNameAndLanguageExactly(t *testing.T) {
	t.Parallel()
	fx := fixture.Load(t, "testdata/templates/list_filtered.json")
	c, mt := newTemplatesClient(t)
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		// FindTemplate asks with its own filters; answer with the recorded page.
		assert.Equal(t, "summer", req.URL.Query().Get("name"))
		assert.Equal(t, "pt_BR", req.URL.Query().Get("language"))
		return fx.HTTPResponse(req), nil
	})
	_, err := c.FindTemplate(context.Background(), templatesWABAID, "summer", "pt_BR")
	assert.ErrorIs(t, err, wabsp.ErrTemplateNotFound, "winback_offer is not summer")

	c2, mt2 := newTemplatesClient(t)
	mt2.RegisterNoResponder(func(req *http.Request) (*http.Response, error) { return fx.HTTPResponse(req), nil })
	tmpl, err := c2.FindTemplate(context.Background(), templatesWABAID, "winback_offer", "pt_BR")
	require.NoError(t, err)
	assert.Equal(t, "956723401156789", tmpl.ID)
}

func TestButtonExamplesDecodeFromEitherShape(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		raw  string
		want []string
	}{
		{"a string", `{"type":"COPY_CODE","example":"250FF"}`, []string{"250FF"}},
		{"an array", `{"type":"URL","example":["https://a.example/x"]}`, []string{"https://a.example/x"}},
		{"an odd shape is dropped", `{"type":"URL","example":{"x":1}}`, nil},
		{"no example", `{"type":"QUICK_REPLY","text":"Yes"}`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b wabsp.Button
			require.NoError(t, json.Unmarshal([]byte(tt.raw), &b))
			assert.Equal(t, tt.want, b.Example)
		})
	}
}

func TestTemplatesStopsWhenGraphRepeatsACursor(t *testing.T) {
	t.Parallel()
	c, mt := newTemplatesClient(t)
	mt.RegisterNoResponder(httpmock.NewStringResponder(http.StatusOK,
		`{"data":[{"id":"1","name":"a"}],"paging":{"cursors":{"after":"SAME"},"next":"https://graph.facebook.com/next"}}`))
	var errs []error
	n := 0
	for _, err := range c.Templates(context.Background(), templatesWABAID, nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "twice")
	assert.Equal(t, 2, n, "the first page and the page after it, then the repeat is caught")
	assert.Equal(t, 2, mt.GetTotalCallCount())
}
