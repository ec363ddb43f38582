package wabsptest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

var tinyPNG = func() []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		panic(err)
	}
	return buf.Bytes()
}()

func TestUploadingAHeaderSampleThroughTheSandbox(t *testing.T) {
	t.Parallel()
	sb, signup, c := customer(t)
	ctx := context.Background()

	h, err := c.UploadMedia(ctx, wabsp.MediaUpload{FileName: "header.png", MIMEType: "image/png", Data: tinyPNG})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(h.Handle, "4::"+base64.StdEncoding.EncodeToString([]byte("image/png"))+":"), h.Handle)
	assert.True(t, strings.HasPrefix(h.SessionID, "upload:"), h.SessionID)
	assert.Contains(t, h.SessionID, "?sig=", "session ids carry a signature, as Graph's do")
	assert.Equal(t, 1, sb.CallCount(http.MethodPost, "/"+wabsp.DefaultGraphVersion+"/"+wabsptest.AppID+"/uploads"))

	tr := utilityTemplate("with_image", "en_US")
	tr.Category = wabsp.CategoryMarketing
	tr.Components = append([]wabsp.Component{{Type: wabsp.ComponentHeader, Format: wabsp.HeaderImage,
		Example: &wabsp.ComponentExample{HeaderHandle: []string{h.Handle}}}}, tr.Components...)
	_, err = c.SubmitTemplate(ctx, signup.WABAID, tr)
	require.NoError(t, err, "the handle is accepted as a header sample")
}

func TestSandboxUploadChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		client func(sb *wabsptest.Server, token wabsp.Secret) *wabsp.Client
		status int
	}{
		{"a session for another app's id", func(sb *wabsptest.Server, token wabsp.Secret) *wabsp.Client {
			return sb.Client(wabsp.WithMetaApp("2000000000000002", wabsptest.AppSecret)).WithToken(token)
		}, http.StatusBadRequest},
		{"a token the sandbox never issued", func(sb *wabsptest.Server, _ wabsp.Secret) *wabsp.Client {
			return sb.Client().WithToken("EAAnotissued")
		}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sb, signup, _ := customer(t)
			_, err := tt.client(sb, signup.AccessToken).UploadMedia(context.Background(), wabsp.MediaUpload{FileName: "a.png", MIMEType: "image/png", Data: tinyPNG})
			var ae *wabsp.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
		})
	}
}

// The SDK always sends the whole file with the right headers, so the
// sandbox's checks of the second call are driven by hand.
func TestSandboxUploadSessionChecksOffsetLengthAndScheme(t *testing.T) {
	t.Parallel()
	sb, signup, _ := customer(t)
	proof := proofOf(signup.AccessToken.Reveal())
	start, err := http.NewRequest(http.MethodPost, sb.URL()+"/"+wabsp.DefaultGraphVersion+"/"+wabsptest.AppID+
		"/uploads?file_name=a.png&file_length=10&file_type=image/png&appsecret_proof="+proof, nil)
	require.NoError(t, err)
	start.Header.Set("Authorization", "Bearer "+signup.AccessToken.Reveal())
	var session struct {
		ID string `json:"id"`
	}
	requireJSON(t, start, http.StatusOK, &session)
	require.True(t, strings.HasPrefix(session.ID, "upload:"))

	send := func(scheme, offset string, body []byte) *http.Request {
		r, err := http.NewRequest(http.MethodPost, sb.URL()+"/"+wabsp.DefaultGraphVersion+"/"+session.ID+"&appsecret_proof="+proof, bytes.NewReader(body))
		require.NoError(t, err)
		r.Header.Set("Authorization", scheme+" "+signup.AccessToken.Reveal())
		r.Header.Set("file_offset", offset)
		return r
	}
	requireJSON(t, send("Bearer", "0", make([]byte, 10)), http.StatusUnauthorized, nil)
	requireJSON(t, send("OAuth", "3", make([]byte, 10)), http.StatusBadRequest, nil)
	requireJSON(t, send("OAuth", "0", make([]byte, 9)), http.StatusBadRequest, nil)
	var out struct {
		H string `json:"h"`
	}
	requireJSON(t, send("OAuth", "0", make([]byte, 10)), http.StatusOK, &out)
	assert.NotEmpty(t, out.H)
}
