package wabsp_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

func TestStartCoexistenceSyncSendsTheRecordedRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fixture string
		typ     wabsp.CoexistenceSyncType
		id      string
	}{
		{"smb_app_data_contacts", wabsp.SyncContacts, "1234567890123456"},
		{"smb_app_data_history", wabsp.SyncHistory, "6543210987654321"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			c, mt := newGraphClient(t)
			fx := fixture.Load(t, "testdata/coexistence/"+tc.fixture+".json")
			fx.Register(t, mt)
			got, err := c.StartCoexistenceSync(context.Background(), testPhoneNumberID, tc.typ)
			require.NoError(t, err)
			assert.Equal(t, tc.id, got.RequestID)
			assert.Equal(t, tc.typ, got.Type)
			assert.Equal(t, testPhoneNumberID, got.PhoneNumberID)
			again, err := c.StartCoexistenceSync(context.Background(), testPhoneNumberID, tc.typ)
			require.NoError(t, err)
			assert.Equal(t, got, again)
			assert.Equal(t, 1, fx.Calls(), "a repeat is answered from the store")
		})
	}
}

func TestStartCoexistenceSyncRepeatedElsewhere(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	fixture.Load(t, "testdata/coexistence/smb_app_data_already_requested.json").Register(t, mt)
	_, err := c.StartCoexistenceSync(context.Background(), testPhoneNumberID, wabsp.SyncHistory)
	require.ErrorIs(t, err, wabsp.ErrSyncAlreadyRequested)
	var ge *wabsp.GraphError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, 2593107, ge.Code)
}

func TestStartCoexistenceSyncRefusesBadInputBeforeAnyCall(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	for _, tc := range []struct {
		pnid  string
		typ   wabsp.CoexistenceSyncType
		field string
	}{
		{"", wabsp.SyncHistory, "phone_number_id"},
		{"12ab", wabsp.SyncHistory, "phone_number_id"},
		{testPhoneNumberID, "contacts", "sync_type"},
	} {
		_, err := c.StartCoexistenceSync(context.Background(), tc.pnid, tc.typ)
		assert.Contains(t, fieldsOf(t, err), tc.field)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestCoexistenceStatusReadsTheNumber(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	fixture.Load(t, "testdata/coexistence/coexistence_status.json").Register(t, mt)
	n, err := c.CoexistenceStatus(context.Background(), testPhoneNumberID)
	require.NoError(t, err)
	assert.True(t, n.IsOnBizApp)
	assert.Equal(t, wabsp.PlatformCloudAPI, n.PlatformType)
}

func TestMemoryCoexistenceSyncStoreKeepsTheFirstRecord(t *testing.T) {
	t.Parallel()
	store := wabsp.NewMemoryCoexistenceSyncStore()
	ctx := context.Background()
	var wg sync.WaitGroup
	kept := make([]wabsp.CoexistenceSync, 8)
	for i := range kept {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kept[i], _ = store.SaveCoexistenceSync(ctx, wabsp.CoexistenceSync{PhoneNumberID: "1", Type: wabsp.SyncHistory, RequestID: string(rune('a' + i)), RequestedAt: time.Now()})
		}()
	}
	wg.Wait()
	for _, k := range kept {
		assert.Equal(t, kept[0].RequestID, k.RequestID, "every concurrent save sees one record")
	}
	rec, err := store.LoadCoexistenceSync(ctx, "1", wabsp.SyncHistory)
	require.NoError(t, err)
	require.NotNil(t, rec)
	assert.Equal(t, kept[0].RequestID, rec.RequestID)
	rec, err = store.LoadCoexistenceSync(ctx, "1", wabsp.SyncContacts)
	require.NoError(t, err)
	assert.Nil(t, rec)
}

func TestGetSolutionSendsTheRecordedRequest(t *testing.T) {
	t.Parallel()
	c, mt := newGraphClient(t)
	fx := fixture.Load(t, "testdata/coexistence/solution_active.json")
	fx.Register(t, mt)
	sol, err := c.CheckSolution(context.Background(), "1000000000000777")
	require.NoError(t, err)
	assert.Equal(t, wabsp.Solution{ID: "1000000000000777", Name: "Plivo WhatsApp Integration", Status: wabsp.SolutionActive, StatusForPendingRequest: "NONE"}, *sol)
	assert.Equal(t, 1, fx.Calls())

	_, err = c.GetSolution(context.Background(), "not-an-id")
	assert.Equal(t, []string{"solution_id"}, fieldsOf(t, err))
	_, err = wabsp.NewClient(wabsp.WithSolution("abc", wabsp.NewMemoryOnboardingQuota()))
	assert.ErrorContains(t, err, "numeric")
}
