package wabsptest

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// uploadSession is a Resumable Upload API session.
type uploadSession struct {
	sig      string
	appID    string
	fileName string
	fileType string
	length   int
	received int
	handle   string
}

// uploadedFile is a file whose handle templates and profiles may use.
type uploadedFile struct {
	fileName, fileType string
	size               int
}

var uploadFileTypes = map[string]bool{
	"image/jpeg": true, "image/jpg": true, "image/png": true, "video/mp4": true, "application/pdf": true,
}

// maxUploadBytes bounds one upload; the largest media Meta takes is a 100 MB
// document.
const maxUploadBytes = 100 << 20

func (s *Server) routeUploads(mux *http.ServeMux) {
	mux.HandleFunc("POST /{version}/{app}/uploads", s.startUpload)
}

func (s *Server) startUpload(w http.ResponseWriter, r *http.Request) {
	g, ok := s.authorize(w, r, "")
	if !ok {
		return
	}
	if app := r.PathValue("app"); app != s.appID || g.appID != app {
		writeUnknownObject(w, r.Method, app)
		return
	}
	q := r.URL.Query()
	length, err := strconv.Atoi(q.Get("file_length"))
	switch {
	case err != nil || length < 1:
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param file_length must be a positive integer")
		return
	case length > maxUploadBytes:
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param file_length is larger than the largest file allowed")
		return
	case !uploadFileTypes[q.Get("file_type")]:
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param file_type must be one of {image/jpeg, image/jpg, image/png, video/mp4, application/pdf}")
		return
	}
	// Real session ids are the base64 of "1:attachment:<uuid>"; the URL-safe
	// alphabet keeps "/" out of what becomes a path.
	id := "upload:" + base64.URLEncoding.EncodeToString([]byte("1:attachment:"+randomHex(4)+"-"+randomHex(2)+"-"+randomHex(2)))
	sess := &uploadSession{sig: "ARZ" + randomHex(8), appID: g.appID, fileName: q.Get("file_name"), fileType: q.Get("file_type"), length: length}
	s.mu.Lock()
	s.uploads[id] = sess
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"id": id + "?sig=" + sess.sig})
}

// session finds the upload session of the path, checking its signature.
func (s *Server) session(w http.ResponseWriter, r *http.Request) (*uploadSession, bool) {
	// The upload endpoint takes the token as "OAuth <token>", not Bearer.
	if scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " "); !strings.EqualFold(scheme, "OAuth") {
		writeGraphError(w, http.StatusUnauthorized, 190, 0, "OAuthException", "Invalid OAuth access token: the upload API takes \"Authorization: OAuth <token>\"")
		return nil, false
	}
	g, ok := s.authorize(w, r, "")
	if !ok {
		return nil, false
	}
	id := r.PathValue("id")
	s.mu.Lock()
	sess := s.uploads[id]
	s.mu.Unlock()
	if sess == nil || sess.sig != r.URL.Query().Get("sig") || sess.appID != g.appID {
		writeUnknownObject(w, r.Method, id)
		return nil, false
	}
	return sess, true
}

// uploadStatus tells a client where to resume.
func (s *Server) uploadStatus(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.session(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	out := map[string]any{"id": r.PathValue("id"), "file_offset": sess.received}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// uploadBytes takes the file from file_offset on. The sandbox wants the
// whole rest of the file in one request and answers its handle.
func (s *Server) uploadBytes(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.session(w, r)
	if !ok {
		return
	}
	offset, err := strconv.Atoi(r.Header.Get("file_offset"))
	if err != nil {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The file_offset header is required")
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUploadBytes+1))
	if err != nil {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The upload is larger than the largest file allowed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case sess.handle != "":
		writeJSON(w, http.StatusOK, map[string]string{"h": sess.handle})
	case offset != sess.received:
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException",
			fmt.Sprintf("(#100) file_offset %d does not match the %d bytes already uploaded", offset, sess.received))
	case offset+len(data) != sess.length:
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException",
			fmt.Sprintf("(#100) The upload ends at byte %d but file_length is %d", offset+len(data), sess.length))
	default:
		sess.received = sess.length
		sess.handle = "4::" + base64.StdEncoding.EncodeToString([]byte(sess.fileType)) + ":ARZ" + randomHex(16)
		s.handles[sess.handle] = uploadedFile{fileName: sess.fileName, fileType: sess.fileType, size: sess.length}
		writeJSON(w, http.StatusOK, map[string]string{"h": sess.handle})
	}
}
