package wabsp

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Size limits on media samples, from the table of WhatsApp's media limits in
// respond.io's WhatsApp Cloud API help page (help.respond.io/l/en/whatsapp/whatsapp-cloud-api), checked before anything is uploaded.
const (
	MaxImageBytes    = 5 << 20
	MaxAudioBytes    = 16 << 20
	MaxVideoBytes    = 16 << 20
	MaxDocumentBytes = 100 << 20
)

// uploadTypes are the MIME types the Resumable Upload API documents as valid
// file_type values, with the size limit of their kind.
var uploadTypes = map[string]int{
	"image/jpeg":      MaxImageBytes,
	"image/jpg":       MaxImageBytes,
	"image/png":       MaxImageBytes,
	"video/mp4":       MaxVideoBytes,
	"application/pdf": MaxDocumentBytes,
}

// MediaUpload is a file to upload through the Resumable Upload API, such as
// the sample of a template's IMAGE, VIDEO or DOCUMENT header.
type MediaUpload struct {
	// FileName is sent as file_name, such as "header.png".
	FileName string
	// MIMEType is sent as file_type: image/jpeg, image/jpg, image/png,
	// video/mp4 or application/pdf.
	MIMEType string
	// Data is the whole file.
	Data []byte
}

// Validate reports every problem with the upload at once: a file name, an
// accepted MIME type, a non-empty file within its kind's size limit (image 5
// MB, video 16 MB, document 100 MB), and content that does not look like
// another media type than the one declared.
func (u MediaUpload) Validate() error {
	var v validator
	if v.required("file_name", u.FileName, nil) && strings.ContainsAny(u.FileName, "/\\\r\n") {
		v.addf("file_name", "must be a bare file name, without path separators or line breaks")
	}
	declared := strings.ToLower(strings.TrimSpace(u.MIMEType))
	limit, ok := uploadTypes[declared]
	switch {
	case declared == "":
		v.addf("file_type", "is required")
	case !ok:
		v.addf("file_type", "must be image/jpeg, image/jpg, image/png, video/mp4 or application/pdf, got %q", truncate(u.MIMEType, 40))
	}
	switch {
	case len(u.Data) == 0:
		v.addf("file_length", "the file is empty")
	case ok && len(u.Data) > limit:
		v.addf("file_length", "is %d bytes, at most %d allowed for %s", len(u.Data), limit, declared)
	}
	if ok && len(u.Data) > 0 {
		// Only a sniffed type that is itself a known media type counts: the
		// sniffer does not recognise every valid MP4.
		sniffed := http.DetectContentType(u.Data)
		if _, known := uploadTypes[sniffed]; known && sniffed != strings.Replace(declared, "image/jpg", "image/jpeg", 1) {
			v.addf("file_type", "is %s but the content looks like %s", declared, sniffed)
		}
	}
	return v.err("UploadMedia")
}

// MediaHandle is the outcome of an upload.
type MediaHandle struct {
	// Handle is the uploaded file's handle, for a media header's
	// example.header_handle (or a profile picture).
	Handle string `json:"h"`
	// SessionID is the upload session the file went through.
	SessionID string `json:"-"`
}

// UploadMedia uploads a file through Graph's Resumable Upload API and returns
// its handle. It makes two calls:
//
//	POST https://graph.facebook.com/{version}/{app-id}/uploads?file_name=&file_length=&file_type=
//	POST https://graph.facebook.com/{version}/{upload-session-id}   (Authorization: OAuth, file_offset: 0)
//
// The app is the one set with WithMetaApp; the token is the client's access
// token. The upload is validated first (see MediaUpload.Validate) and nothing
// is sent when it is invalid. Starting a session is retried like a read (an
// unused session does no harm); sending the bytes is not retried after a
// 5xx, since the session may already hold them: call UploadMedia again for
// a fresh session.
func (c *Client) UploadMedia(ctx context.Context, up MediaUpload) (*MediaHandle, error) {
	if c.appID == "" {
		return nil, ErrNoMetaApp
	}
	if err := up.Validate(); err != nil {
		return nil, err
	}
	var session struct {
		ID string `json:"id"`
	}
	err := c.do(ctx, &apiRequest{
		provider: ProviderGraph,
		method:   http.MethodPost,
		path:     c.appID + "/uploads",
		query: url.Values{
			"file_name":   {up.FileName},
			"file_length": {strconv.Itoa(len(up.Data))},
			"file_type":   {strings.ToLower(strings.TrimSpace(up.MIMEType))},
		},
		needsToken:  true,
		safeToRetry: true,
	}, &session)
	if err != nil {
		return nil, err
	}
	path, query, err := splitUploadSession(session.ID)
	if err != nil {
		return nil, err
	}
	var out MediaHandle
	err = c.do(ctx, &apiRequest{
		provider:    ProviderGraph,
		method:      http.MethodPost,
		path:        path,
		query:       query,
		rawBody:     up.Data,
		contentType: "application/octet-stream",
		header:      http.Header{"file_offset": {"0"}},
		authScheme:  "OAuth",
		needsToken:  true,
	}, &out)
	if err != nil {
		return nil, err
	}
	if out.Handle == "" {
		return nil, &DecodeError{Provider: ProviderGraph, StatusCode: http.StatusOK, Err: errors.New("upload answer has no file handle (h)")}
	}
	out.SessionID = session.ID
	return &out, nil
}

// errBadUploadSession reports a session id that is not the documented
// "upload:..." shape, which would otherwise become an arbitrary path.
var errBadUploadSession = errors.New("wabsp: Graph returned an upload session id that does not start with \"upload:\"")

// splitUploadSession splits an upload session id such as
// "upload:MTphd...?sig=ARZ..." into its path and the query Graph appended to
// it: the request path may not carry a query of its own.
func splitUploadSession(id string) (string, url.Values, error) {
	path, rawQuery, _ := strings.Cut(id, "?")
	if !strings.HasPrefix(path, "upload:") || len(path) == len("upload:") || strings.ContainsAny(path, "/\\#") || strings.Contains(path, "..") {
		return "", nil, errBadUploadSession
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", nil, errBadUploadSession
	}
	return path, q, nil
}
