package wabsptest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
)

// recordedResponse reads the response body of a recorded fixture.
func recordedResponse(t *testing.T, path string) map[string]json.RawMessage {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var f struct {
		Request struct {
			URL string `json:"url"`
		} `json:"request"`
		Response struct {
			Body map[string]json.RawMessage `json:"body"`
		} `json:"response"`
	}
	require.NoError(t, json.Unmarshal(raw, &f))
	return f.Response.Body
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// get sends a Graph GET with the customer's token and decodes the answer.
func get(t *testing.T, base, path, token string, q url.Values, out any) {
	t.Helper()
	q.Set("appsecret_proof", proofOf(token))
	r, err := http.NewRequest(http.MethodGet, base+"/"+wabsp.DefaultGraphVersion+"/"+path+"?"+q.Encode(), nil)
	require.NoError(t, err)
	r.Header.Set("Authorization", "Bearer "+token)
	requireJSON(t, r, http.StatusOK, out)
}

// The sandbox answers with the fields of the recorded answers: the same keys
// for the same fields query.
func TestSandboxAnswersHaveTheRecordedShapes(t *testing.T) {
	t.Parallel()
	sb, signup, c := customer(t)
	ctx := context.Background()
	require.NoError(t, c.RequestDisplayNameChange(ctx, signup.PhoneNumberID, "Sandbox Garden"))

	t.Run("a phone number", func(t *testing.T) {
		want := recordedResponse(t, "../testdata/numbers/get_phone_number.json")
		var got map[string]json.RawMessage
		get(t, sb.URL(), signup.PhoneNumberID, signup.AccessToken.Reveal(), url.Values{"fields": {strings.Join(c.PhoneNumberFields(), ",")}}, &got)
		assert.Equal(t, keys(want), keys(got))
	})
	t.Run("a business profile", func(t *testing.T) {
		require.NoError(t, c.UpdateBusinessProfile(ctx, signup.PhoneNumberID, wabsp.BusinessProfileUpdate{
			About: "a", Address: "b", Description: "c", Email: "d@example.com", Vertical: wabsp.VerticalRetail, Websites: []string{"https://example.com/"},
		}))
		want := recordedResponse(t, "../testdata/numbers/get_profile.json")
		var got struct {
			Data []map[string]json.RawMessage `json:"data"`
		}
		get(t, sb.URL(), signup.PhoneNumberID+"/whatsapp_business_profile", signup.AccessToken.Reveal(),
			url.Values{"fields": {"about,address,description,email,profile_picture_url,websites,vertical"}}, &got)
		var rec []map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(want["data"], &rec))
		require.Len(t, got.Data, 1)
		delete(rec[0], "profile_picture_url")
		assert.Equal(t, keys(rec[0]), keys(got.Data[0]))
	})
	t.Run("a page of templates", func(t *testing.T) {
		for _, n := range []string{"one", "two", "three"} {
			_, err := c.SubmitTemplate(ctx, signup.WABAID, utilityTemplate(n, "en_US"))
			require.NoError(t, err)
		}
		want := recordedResponse(t, "../testdata/templates/list_page1.json")
		var got map[string]json.RawMessage
		get(t, sb.URL(), signup.WABAID+"/message_templates", signup.AccessToken.Reveal(), url.Values{
			"fields": {"id,name,language,status,category,sub_category,parameter_format,components,rejected_reason,previous_category"},
			"limit":  {"2"},
		}, &got)
		assert.Equal(t, keys(want), keys(got))
		var wantPaging, gotPaging map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(want["paging"], &wantPaging))
		require.NoError(t, json.Unmarshal(got["paging"], &gotPaging))
		assert.Equal(t, keys(wantPaging), keys(gotPaging), "cursors and next")
		var wantData, gotData []map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(want["data"], &wantData))
		require.NoError(t, json.Unmarshal(got["data"], &gotData))
		assert.Equal(t, keys(wantData[0]), keys(gotData[0]))
		var id string
		assert.NoError(t, json.Unmarshal(gotData[0]["id"], &id), "ids are strings")
	})
}
