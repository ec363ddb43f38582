package wabsp_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

func readSignupPost(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "signup", name+".json"))
	require.NoError(t, err)
	return b
}

func TestDecodeSignupPost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		check func(t *testing.T, s wabsp.SignupSession, ev *wabsp.SignupEvent)
	}{
		{"finish", func(t *testing.T, s wabsp.SignupSession, ev *wabsp.SignupEvent) {
			assert.Equal(t, wabsp.SignupFinish, s.Ending)
			assert.Equal(t, "102290129340398", s.WABAID)
			assert.Equal(t, "106540352242922", s.PhoneNumberID)
			assert.Equal(t, "198765432109876", s.BusinessID)
			assert.Equal(t, "AQBsandboxcode1234567890", s.Code.Reveal())
			assert.Empty(t, s.ClientRef, "the customer comes from the backend's own session, never the page")
			assert.Same(t, ev, s.Event)
		}},
		{"finish_numeric_ids_and_more_assets", func(t *testing.T, s wabsp.SignupSession, ev *wabsp.SignupEvent) {
			assert.Equal(t, "106540352242922", s.PhoneNumberID, "a numeric id is read digit for digit")
			assert.Equal(t, "4", ev.Version)
			d := ev.Data
			assert.Equal(t, []string{"102290129340398"}, d.WABAIDs)
			assert.Equal(t, []string{"act_1"}, d.AdAccountIDs)
			assert.Equal(t, []string{"111"}, d.PageIDs)
			assert.Empty(t, d.DatasetIDs)
			assert.Equal(t, []string{"222"}, d.CatalogIDs)
			assert.Equal(t, []string{"333"}, d.InstagramAccountIDs)
			assert.JSONEq(t, `{"x":1}`, string(d.Extra["new_member"]), "an unknown member is kept")
		}},
		{"finish_only_waba", func(t *testing.T, s wabsp.SignupSession, _ *wabsp.SignupEvent) {
			assert.Equal(t, wabsp.SignupFinishOnlyWABA, s.Ending)
			assert.Empty(t, s.PhoneNumberID)
		}},
		{"finish_business_app", func(t *testing.T, s wabsp.SignupSession, _ *wabsp.SignupEvent) {
			assert.Equal(t, wabsp.SignupFinishBusinessApp, s.Ending)
		}},
		{"cancel_at_step", func(t *testing.T, s wabsp.SignupSession, ev *wabsp.SignupEvent) {
			assert.Equal(t, wabsp.SignupCancel, s.Ending)
			assert.True(t, s.Code.IsZero())
			assert.Equal(t, wabsp.SignupStepPhoneNumberSetup, ev.Data.CurrentStep)
		}},
		{"cancel_reported_error", func(t *testing.T, s wabsp.SignupSession, ev *wabsp.SignupEvent) {
			d := ev.Data
			assert.Equal(t, "524126", d.ErrorCode)
			assert.Equal(t, "Your verification code is incorrect.", d.ErrorMessage)
			assert.Equal(t, "f34b51dab5e0498", d.SessionID)
			assert.Equal(t, "1689211086", d.Timestamp)
		}},
		{"no_event", func(t *testing.T, s wabsp.SignupSession, ev *wabsp.SignupEvent) {
			assert.Nil(t, ev)
			assert.Equal(t, wabsp.SignupEnding(""), s.Ending, "a finish without the event")
			assert.True(t, s.Ending.Finished())
			assert.Empty(t, s.WABAID)
		}},
		{"odd_member_types", func(t *testing.T, s wabsp.SignupSession, ev *wabsp.SignupEvent) {
			assert.Empty(t, s.PhoneNumberID)
			assert.JSONEq(t, `{"id":"106540352242922"}`, string(ev.Data.Extra["phone_number_id"]), "kept, not an error")
			assert.JSONEq(t, `[{"id":1}]`, string(ev.Data.Extra["page_ids"]))
			assert.Equal(t, "102290129340398", s.WABAID)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, ev, err := wabsp.DecodeSignupPost(bytes.NewReader(readSignupPost(t, tt.name)))
			require.NoError(t, err)
			if ev != nil {
				assert.Equal(t, "WA_EMBEDDED_SIGNUP", ev.Type)
			}
			tt.check(t, s, ev)
		})
	}
}

func TestDecodeSignupPostRefusesBadPosts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   []byte
		fields []string
		is     error
	}{
		{"not JSON", []byte(`code=abc`), []string{"body"}, nil},
		{"neither a code nor an event", []byte(`{}`), []string{"code"}, nil},
		{"another message type", readSignupPost(t, "wrong_type"), []string{"event.type"}, nil},
		{"a finish without its code", readSignupPost(t, "finish_without_code"), []string{"code"}, nil},
		{"too large", []byte(`{"code":"` + strings.Repeat("a", wabsp.MaxSignupPostBytes) + `"}`), nil, wabsp.ErrSignupPostTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := wabsp.DecodeSignupPost(bytes.NewReader(tt.body))
			require.Error(t, err)
			if tt.is != nil {
				assert.True(t, errors.Is(err, tt.is), "%v", err)
				return
			}
			assert.ElementsMatch(t, tt.fields, fieldsOf(t, err))
			assert.NotContains(t, err.Error(), "AQBsandboxcode", "the code never appears in an error")
		})
	}
}

func TestSignupEventRoundTrips(t *testing.T) {
	t.Parallel()
	_, ev, err := wabsp.DecodeSignupPost(bytes.NewReader(readSignupPost(t, "cancel_reported_error")))
	require.NoError(t, err)
	b, err := json.Marshal(ev)
	require.NoError(t, err)
	var again wabsp.SignupEvent
	require.NoError(t, json.Unmarshal(b, &again))
	assert.Equal(t, *ev, again)
}
