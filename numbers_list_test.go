package wabsp_test

import (
	"context"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

// pagedOptions are the options the three recorded pages were requested with.
var pagedOptions = &wabsp.ListPhoneNumbersOptions{
	Fields: []string{"id", "display_phone_number", "quality_rating", "whatsapp_business_manager_messaging_limit",
		"status", "verified_name", "name_status", "code_verification_status", "throughput", "platform_type"},
	Limit: 2,
}

func registerNumberPages(t *testing.T, mt *httpmock.MockTransport) []*fixture.Fixture {
	t.Helper()
	var pages []*fixture.Fixture
	for _, name := range []string{"list_page1", "list_page2", "list_page3"} {
		fx := fixture.Load(t, "testdata/numbers/"+name+".json")
		fx.RegisterExact(t, mt)
		pages = append(pages, fx)
	}
	return pages
}

func TestListPhoneNumbersWalksEveryPage(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	pages := registerNumberPages(t, mt)

	var ids []string
	var states []wabsp.NumberState
	var tiers []wabsp.Tier
	for n, err := range c.ListPhoneNumbers(context.Background(), testWABAID, pagedOptions) {
		require.NoError(t, err)
		ids = append(ids, n.ID)
		states = append(states, n.State())
		tiers = append(tiers, n.MessagingLimitTier)
	}
	assert.Equal(t, []string{"106540352242922", "106540352242923", "106540352242924", "106540352242925", "106540352242926"}, ids)
	assert.Equal(t, []wabsp.NumberState{wabsp.NumberConnected, wabsp.NumberFlagged, wabsp.NumberRestricted,
		wabsp.NumberStateUnknown, wabsp.NumberRestricted}, states)
	assert.Equal(t, []wabsp.Tier{wabsp.Tier2K, wabsp.Tier250, wabsp.Tier10K, wabsp.TierUnlimited, wabsp.Tier50}, tiers)
	for i, p := range pages {
		assert.Equal(t, 1, p.Calls(), "page %d fetched once", i+1)
	}
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

func TestListPhoneNumbersStopsFetchingWhenTheLoopBreaks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		take       int
		wantCalled []int
	}{
		{"breaking on the first number fetches one page", 1, []int{1, 0, 0}},
		{"breaking at the end of page one fetches one page", 2, []int{1, 0, 0}},
		{"breaking on the third number fetches two pages", 3, []int{1, 1, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newGraphClient(t)
			pages := registerNumberPages(t, mt)
			got := 0
			for _, err := range c.ListPhoneNumbers(context.Background(), testWABAID, pagedOptions) {
				require.NoError(t, err)
				got++
				if got == tt.take {
					break
				}
			}
			assert.Equal(t, tt.take, got)
			for i, p := range pages {
				assert.Equal(t, tt.wantCalled[i], p.Calls(), "page %d", i+1)
			}
		})
	}
}

func TestListPhoneNumbersAsksForTheDefaultFields(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	fx := numbersFixture(t, mt, "list_default_fields")
	n := 0
	for _, err := range c.ListPhoneNumbers(context.Background(), testWABAID, nil) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 1, n)
	assert.Equal(t, 1, fx.Calls())
}

func TestListPhoneNumbersYieldsAFailedPageOnceAndStops(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	fx := numbersFixture(t, mt, "list_expired_token")
	var errs []error
	for n, err := range c.ListPhoneNumbers(context.Background(), testWABAID, nil) {
		assert.Zero(t, n)
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.True(t, isType[*wabsp.AuthenticationError](errs[0]), "%T", errs[0])
	assert.Equal(t, 1, fx.Calls(), "a 401 is not retried")
}

func TestListPhoneNumbersRefusesBadOptionsBeforeSending(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	var errs []error
	for _, err := range c.ListPhoneNumbers(context.Background(), "waba", &wabsp.ListPhoneNumbersOptions{Limit: -1, Fields: []string{"id,name"}}) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	var verr *wabsp.ValidationError
	require.ErrorAs(t, errs[0], &verr)
	assert.Equal(t, []string{"waba_id", "fields", "limit"}, uniqueFields(verr))
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestListPhoneNumbersStartsOverOnEachRangeAndLeavesTheOptionsAlone(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	pages := registerNumberPages(t, mt)
	opts := *pagedOptions
	seq := c.ListPhoneNumbers(context.Background(), testWABAID, &opts)
	for round := 1; round <= 2; round++ {
		n := 0
		for _, err := range seq {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 5, n, "round %d", round)
	}
	for i, p := range pages {
		assert.Equal(t, 2, p.Calls(), "page %d", i+1)
	}
	assert.Empty(t, opts.After)
}

func TestPhoneNumberFieldsFollowTheGraphVersion(t *testing.T) {
	t.Parallel()
	v24, _ := newGraphClient(t)
	v21, _ := newGraphClient(t, wabsp.WithGraphVersion("v21.0"))
	assert.Contains(t, v24.PhoneNumberFields(), "whatsapp_business_manager_messaging_limit")
	assert.NotContains(t, v24.PhoneNumberFields(), "messaging_limit_tier")
	assert.Contains(t, v21.PhoneNumberFields(), "messaging_limit_tier")
	assert.NotContains(t, v21.PhoneNumberFields(), "whatsapp_business_manager_messaging_limit")
}

func TestListPhoneNumbersStopsWhenGraphRepeatsACursor(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	fx := numbersFixture(t, mt, "list_cursor_loop")
	opts := *pagedOptions
	opts.After = "QVFIUmxvb3A"
	var ids []string
	var errs []error
	for n, err := range c.ListPhoneNumbers(context.Background(), testWABAID, &opts) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, n.ID)
	}
	assert.Len(t, ids, 2, "the page's numbers are still yielded")
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "same paging cursor")
	assert.Equal(t, 1, fx.Calls())
}
