package wabsptest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

func utilityTemplate(name, language string) wabsp.TemplateRequest {
	return wabsp.TemplateRequest{
		Name: name, Language: language, Category: wabsp.CategoryUtility,
		Components: []wabsp.Component{{
			Type: wabsp.ComponentBody, Text: "Your order {{1}} has shipped.",
			Example: &wabsp.ComponentExample{BodyText: [][]string{{"A-100"}}},
		}},
	}
}

func graphSubcode(t *testing.T, err error) int {
	t.Helper()
	var g *wabsp.GraphError
	require.ErrorAs(t, err, &g)
	return g.Subcode
}

func TestTemplateReviewShowsInSyncTemplates(t *testing.T) {
	t.Parallel()
	sb, signup, c := customer(t)
	ctx := context.Background()
	sb.ReviewTemplates(func(tr wabsptest.TemplateUnderReview) (string, string) {
		if strings.Contains(tr.Name, "promo") {
			return "REJECTED", "PROMOTIONAL"
		}
		return "APPROVED", ""
	})

	shipped, err := c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate("order_shipped", "en_US"))
	require.NoError(t, err)
	assert.Equal(t, wabsp.TemplatePending, shipped.Status)
	assert.Equal(t, wabsp.CategoryUtility, shipped.Category)
	assert.Equal(t, "PENDING", sb.TemplateStatus(shipped.ID), "review waits for the next read")
	_, err = c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate("promo_week", "en_US"))
	require.NoError(t, err)

	sync, err := c.SyncTemplates(ctx, signup.WABAID)
	require.NoError(t, err)
	require.Len(t, sync.Templates, 2)
	assert.Equal(t, map[wabsp.TemplateStatus]int{wabsp.TemplateApproved: 1, wabsp.TemplateRejected: 1}, sync.ByStatus)
	require.Len(t, sync.Rejected(), 1)
	assert.Equal(t, "promo_week", sync.Rejected()[0].Name)
	assert.Equal(t, "PROMOTIONAL", sync.Rejected()[0].RejectedReason)
	assert.Equal(t, shipped.ID, sync.Templates[0].ID)
	assert.Empty(t, sync.Templates[0].RejectedReason, "NONE reads as no reason")
}

func TestTemplatesStayPendingUntilTheRuleDecides(t *testing.T) {
	t.Parallel()
	sb, signup, c := customer(t)
	ctx := context.Background()
	sb.ReviewTemplates(func(wabsptest.TemplateUnderReview) (string, string) { return "PENDING", "" })
	res, err := c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate("order_shipped", "en_US"))
	require.NoError(t, err)
	got, err := c.GetTemplate(ctx, res.ID)
	require.NoError(t, err)
	assert.Equal(t, wabsp.TemplatePending, got.Status)

	sb.ReviewTemplates(func(wabsptest.TemplateUnderReview) (string, string) { return "REJECTED", "" })
	assert.Equal(t, 1, sb.ReviewPendingTemplates())
	got, err = c.GetTemplate(ctx, res.ID)
	require.NoError(t, err)
	assert.Equal(t, wabsp.TemplateRejected, got.Status)
	assert.Equal(t, "INVALID_FORMAT", got.RejectedReason)
	assert.Equal(t, "order_shipped", got.Name)
	require.Len(t, got.Components, 1)
	assert.Equal(t, "Your order {{1}} has shipped.", got.Components[0].Text)
}

func TestSandboxRefusesTemplatesGraphRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name    string
		submit  func(c *wabsp.Client, wabaID string) error
		subcode int
	}{
		{"the same name and language twice", func(c *wabsp.Client, wabaID string) error {
			_, err := c.SubmitTemplate(ctx, wabaID, utilityTemplate("order_shipped", "en_US"))
			require.NoError(t, err)
			_, err = c.SubmitTemplate(ctx, wabaID, utilityTemplate("order_shipped", "en_US"))
			return err
		}, 2388024},
		{"the name of an approved template deleted within 30 days", func(c *wabsp.Client, wabaID string) error {
			_, err := c.SubmitTemplate(ctx, wabaID, utilityTemplate("order_shipped", "en_US"))
			require.NoError(t, err)
			_, err = c.SyncTemplates(ctx, wabaID)
			require.NoError(t, err)
			_, err = c.DeleteTemplate(ctx, wabaID, wabsp.DeleteTemplateRequest{Name: "order_shipped"})
			require.NoError(t, err)
			_, err = c.SubmitTemplate(ctx, wabaID, utilityTemplate("order_shipped", "pt_BR"))
			return err
		}, 2388023},
		{"a header sample that was never uploaded", func(c *wabsp.Client, wabaID string) error {
			tr := utilityTemplate("with_image", "en_US")
			tr.Components = append([]wabsp.Component{{Type: wabsp.ComponentHeader, Format: wabsp.HeaderImage,
				Example: &wabsp.ComponentExample{HeaderHandle: []string{"4::aW1hZ2UvcG5n:forged"}}}}, tr.Components...)
			_, err := c.SubmitTemplate(ctx, wabaID, tr)
			return err
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, signup, c := customer(t)
			err := tt.submit(c, signup.WABAID)
			assert.Equal(t, 100, graphCode(t, err))
			assert.Equal(t, tt.subcode, graphSubcode(t, err))
		})
	}
	t.Run("the same name in another language is a new template", func(t *testing.T) {
		t.Parallel()
		_, signup, c := customer(t)
		_, err := c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate("order_shipped", "en_US"))
		require.NoError(t, err)
		_, err = c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate("order_shipped", "pt_BR"))
		require.NoError(t, err)
	})
}

func TestSandboxListsTemplatesWithFiltersAndCursors(t *testing.T) {
	t.Parallel()
	sb, signup, c := customer(t)
	ctx := context.Background()
	sb.ReviewTemplates(func(tr wabsptest.TemplateUnderReview) (string, string) {
		if tr.Language == "pt_BR" {
			return "REJECTED", "PROMOTIONAL"
		}
		return "APPROVED", ""
	})
	for _, n := range []string{"alpha_one", "alpha_two", "beta", "gamma", "delta"} {
		_, err := c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate(n, "en_US"))
		require.NoError(t, err)
	}
	_, err := c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate("alpha_one", "pt_BR"))
	require.NoError(t, err)

	list := func(opts *wabsp.ListTemplatesOptions) []string {
		var names []string
		for tm, err := range c.Templates(ctx, signup.WABAID, opts) {
			require.NoError(t, err)
			names = append(names, tm.Name+"/"+tm.Language)
		}
		return names
	}
	path := "/" + wabsp.DefaultGraphVersion + "/" + signup.WABAID + "/message_templates"
	before := sb.CallCount(http.MethodGet, path)
	assert.Equal(t, []string{"alpha_one/en_US", "alpha_two/en_US", "beta/en_US", "gamma/en_US", "delta/en_US", "alpha_one/pt_BR"},
		list(&wabsp.ListTemplatesOptions{Limit: 2}))
	assert.Equal(t, 3, sb.CallCount(http.MethodGet, path)-before, "pages of 2, 2 and 2, the last without next")

	assert.Equal(t, []string{"alpha_one/en_US", "alpha_two/en_US"}, list(&wabsp.ListTemplatesOptions{Name: "alpha", Status: wabsp.TemplateApproved}))
	assert.Equal(t, []string{"alpha_one/pt_BR"}, list(&wabsp.ListTemplatesOptions{Language: "pt_BR"}))
	assert.Empty(t, list(&wabsp.ListTemplatesOptions{Category: wabsp.CategoryMarketing}))

	found, err := c.FindTemplate(ctx, signup.WABAID, "alpha_one", "pt_BR")
	require.NoError(t, err)
	assert.Equal(t, wabsp.TemplateRejected, found.Status)
}

func TestSandboxEditsTemplatesUnderGraphsRules(t *testing.T) {
	t.Parallel()
	sb, signup, c := customer(t)
	ctx := context.Background()
	res, err := c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate("order_shipped", "en_US"))
	require.NoError(t, err)
	edit := wabsp.EditTemplateRequest{Components: []wabsp.Component{{Type: wabsp.ComponentBody, Text: "Order {{1}} is on its way.",
		Example: &wabsp.ComponentExample{BodyText: [][]string{{"A-100"}}}}}}

	t.Run("a PENDING template cannot be edited", func(t *testing.T) {
		sb.ReviewTemplates(func(wabsptest.TemplateUnderReview) (string, string) { return "PENDING", "" })
		_, err := c.EditTemplate(ctx, res.ID, edit)
		assert.Equal(t, 100, graphCode(t, err))
		sb.ReviewTemplates(nil)
	})
	require.Equal(t, 1, sb.ReviewPendingTemplates())

	_, err = c.EditTemplate(ctx, res.ID, edit)
	require.NoError(t, err)
	assert.Equal(t, "PENDING", sb.TemplateStatus(res.ID), "an edit goes back to review")
	got, err := c.GetTemplate(ctx, res.ID)
	require.NoError(t, err)
	assert.Equal(t, wabsp.TemplateApproved, got.Status)
	assert.Equal(t, "Order {{1}} is on its way.", got.Components[0].Text)

	t.Run("an approved template is edited at most once a day", func(t *testing.T) {
		_, err := c.EditTemplate(ctx, res.ID, edit)
		assert.Equal(t, 100, graphCode(t, err))
	})
	t.Run("an approved template keeps its category", func(t *testing.T) {
		_, err := c.EditTemplate(ctx, res.ID, wabsp.EditTemplateRequest{Category: wabsp.CategoryMarketing})
		assert.Equal(t, 100, graphCode(t, err))
	})
}

func TestSandboxDeletesTemplatesByNameOrID(t *testing.T) {
	t.Parallel()
	_, signup, c := customer(t)
	ctx := context.Background()
	en, err := c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate("order_shipped", "en_US"))
	require.NoError(t, err)
	_, err = c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate("order_shipped", "pt_BR"))
	require.NoError(t, err)
	_, err = c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate("other", "pt_BR"))
	require.NoError(t, err)

	_, err = c.DeleteTemplate(ctx, signup.WABAID, wabsp.DeleteTemplateRequest{Name: "order_shipped", ID: en.ID})
	require.NoError(t, err)
	_, err = c.FindTemplate(ctx, signup.WABAID, "order_shipped", "en_US")
	require.ErrorIs(t, err, wabsp.ErrTemplateNotFound)
	_, err = c.FindTemplate(ctx, signup.WABAID, "order_shipped", "pt_BR")
	require.NoError(t, err, "deleting by id leaves the other languages")

	_, err = c.DeleteTemplate(ctx, signup.WABAID, wabsp.DeleteTemplateRequest{Name: "order_shipped"})
	require.NoError(t, err)
	sync, err := c.SyncTemplates(ctx, signup.WABAID)
	require.NoError(t, err)
	require.Len(t, sync.Templates, 1)
	assert.Equal(t, "other", sync.Templates[0].Name)

	_, err = c.DeleteTemplate(ctx, signup.WABAID, wabsp.DeleteTemplateRequest{Name: "order_shipped"})
	assert.Equal(t, 100, graphCode(t, err))
}
