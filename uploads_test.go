package wabsp_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/fixture"
)

func TestUploadMediaStartsASessionThenUploadsTheBytes(t *testing.T) {
	t.Parallel()
	start := fixture.Load(t, "testdata/templates/upload_start.json")
	file := fixture.Load(t, "testdata/templates/upload_file.json")
	c, mt := newTemplatesClient(t)
	start.Register(t, mt)
	file.Register(t, mt)

	h, err := c.UploadMedia(context.Background(), wabsp.MediaUpload{FileName: "sample.pdf", MIMEType: "application/pdf", Data: file.RequestBody()})
	require.NoError(t, err)
	assert.Equal(t, "4::YXBwbGljYXRpb24vcGRm:ARZ_sample_document_handle", h.Handle)
	assert.Equal(t, "upload:MTphdHRhY2htZW50OjZiZDNhNTM0LTk2OTE=?sig=ARZqkGCA_uQMxC8nHKI", h.SessionID)
	assert.Equal(t, 1, start.Calls())
	assert.Equal(t, 1, file.Calls())
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 2))))
	return buf.Bytes()
}

func TestUploadMediaChecksTypeAndSizeBeforeUploading(t *testing.T) {
	t.Parallel()
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	tests := []struct {
		name   string
		up     wabsp.MediaUpload
		fields []string
	}{
		{"a small PNG passes", wabsp.MediaUpload{FileName: "h.png", MIMEType: "image/png", Data: pngBytes(t)}, nil},
		{"image/jpg is accepted as Graph documents it", wabsp.MediaUpload{FileName: "h.jpg", MIMEType: "image/jpg", Data: []byte("\xff\xd8\xff\xe0 jpeg")}, nil},
		{"an image of exactly 5 MB passes", wabsp.MediaUpload{FileName: "big.png", MIMEType: "image/png", Data: make([]byte, wabsp.MaxImageBytes)}, nil},
		{"an image over 5 MB fails", wabsp.MediaUpload{FileName: "big.png", MIMEType: "image/png", Data: make([]byte, wabsp.MaxImageBytes+1)}, []string{"file_length"}},
		{"a video over 16 MB fails", wabsp.MediaUpload{FileName: "v.mp4", MIMEType: "video/mp4", Data: make([]byte, wabsp.MaxVideoBytes+1)}, []string{"file_length"}},
		{"a document of 100 MB passes", wabsp.MediaUpload{FileName: "d.pdf", MIMEType: "application/pdf", Data: append(pdf, make([]byte, wabsp.MaxDocumentBytes-len(pdf))...)}, nil},
		{"a document over 100 MB fails", wabsp.MediaUpload{FileName: "d.pdf", MIMEType: "application/pdf", Data: append(pdf, make([]byte, wabsp.MaxDocumentBytes)...)}, []string{"file_length"}},
		{"a type Graph does not take fails", wabsp.MediaUpload{FileName: "a.gif", MIMEType: "image/gif", Data: []byte("GIF89a")}, []string{"file_type"}},
		{"a PNG declared as a PDF fails", wabsp.MediaUpload{FileName: "h.pdf", MIMEType: "application/pdf", Data: pngBytes(t)}, []string{"file_type"}},
		{"an empty file without a name fails", wabsp.MediaUpload{MIMEType: "image/png"}, []string{"file_name", "file_length"}},
		{"a file name with a path fails", wabsp.MediaUpload{FileName: "../h.png", MIMEType: "image/png", Data: pngBytes(t)}, []string{"file_name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.up.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			assert.ElementsMatch(t, tt.fields, fieldsOf(t, err), "%v", err)

			c, mt := newTemplatesClient(t)
			_, err = c.UploadMedia(context.Background(), tt.up)
			assert.ElementsMatch(t, tt.fields, fieldsOf(t, err), "the call refuses what Validate refuses")
			assert.Equal(t, 0, mt.GetTotalCallCount(), "nothing sent")
		})
	}
}

func TestUploadMediaNeedsTheMetaApp(t *testing.T) {
	t.Parallel()
	c, err := wabsp.NewClient(wabsp.WithAccessToken(testGraphToken), wabsp.WithoutAppSecretProof())
	require.NoError(t, err)
	_, err = c.UploadMedia(context.Background(), wabsp.MediaUpload{FileName: "h.png", MIMEType: "image/png", Data: pngBytes(t)})
	assert.ErrorIs(t, err, wabsp.ErrNoMetaApp)
}

func TestUploadMediaRefusesASessionIDThatIsNotAnUploadSession(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"../me/photos", "upload:", "me", "upload:abc/../../x"} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			c, mt := newTemplatesClient(t)
			mt.RegisterNoResponder(httpmock.NewStringResponder(http.StatusOK, `{"id":"`+id+`"}`))
			_, err := c.UploadMedia(context.Background(), wabsp.MediaUpload{FileName: "h.png", MIMEType: "image/png", Data: pngBytes(t)})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "upload session id")
			assert.Equal(t, 1, mt.GetTotalCallCount(), "the bytes are not sent anywhere")
		})
	}
}
