package wabsptest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Graph addresses phone numbers, templates and upload sessions alike as
// /{version}/{id}; the sandbox tells them apart by what it holds.
func (s *Server) routeNodes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{version}/{id}", s.getNode)
	mux.HandleFunc("POST /{version}/{id}", s.postNode)
}

func (s *Server) getNode(w http.ResponseWriter, r *http.Request) {
	switch id := r.PathValue("id"); s.nodeKind(id) {
	case "upload":
		s.uploadStatus(w, r)
	case "phone":
		s.getPhoneNumber(w, r)
	case "template":
		s.getTemplate(w, r)
	case "solution":
		s.getSolution(w, r)
	default:
		s.unknownNode(w, r, id)
	}
}

func (s *Server) postNode(w http.ResponseWriter, r *http.Request) {
	switch id := r.PathValue("id"); s.nodeKind(id) {
	case "upload":
		s.uploadBytes(w, r)
	case "phone":
		s.updatePhoneNumber(w, r)
	case "template":
		s.editTemplate(w, r)
	default:
		s.unknownNode(w, r, id)
	}
}

func (s *Server) nodeKind(id string) string {
	if strings.HasPrefix(id, "upload:") {
		return "upload"
	}
	if id == SolutionID {
		return "solution"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.numbers[id] != nil:
		return "phone"
	case s.templates[id] != nil:
		return "template"
	}
	return ""
}

// unknownNode answers as Graph does for an id it cannot show the caller:
// after the token checks, the same error whether the object is missing or
// not the caller's.
func (s *Server) unknownNode(w http.ResponseWriter, r *http.Request, id string) {
	if _, ok := s.authorize(w, r, ""); !ok {
		return
	}
	writeUnknownObject(w, r.Method, id)
}

func writeUnknownObject(w http.ResponseWriter, method, id string) {
	verb := "get"
	if method != http.MethodGet {
		verb = strings.ToLower(method)
	}
	writeGraphError(w, http.StatusBadRequest, 100, 33, "GraphMethodException", fmt.Sprintf(
		"Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", verb, id))
}

// writeGraphErr writes a Graph error envelope with every optional part.
func writeGraphErr(w http.ResponseWriter, status int, e graphErrorBody) {
	if e.Type == "" {
		e.Type = "OAuthException"
	}
	e.FBTraceID = "Sb" + randomHex(8)
	writeJSON(w, status, map[string]graphErrorBody{"error": e})
}

// writeWhatsAppError writes the shape of the WhatsApp endpoints' errors:
// "(#code) title" with the explanation in error_data.details.
func writeWhatsAppError(w http.ResponseWriter, code int, title, details string) {
	writeGraphErr(w, http.StatusBadRequest, graphErrorBody{
		Message: fmt.Sprintf("(#%d) %s", code, title), Code: code,
		ErrorData: &graphErrorData{MessagingProduct: "whatsapp", Details: details},
	})
}

// writeInvalidParameter writes Graph's code 100 with a user-facing title and
// message, as the template endpoints answer.
func writeInvalidParameter(w http.ResponseWriter, subcode int, title, msg string) {
	writeGraphErr(w, http.StatusBadRequest, graphErrorBody{
		Message: "Invalid parameter", Code: 100, Subcode: subcode, UserTitle: title, UserMsg: msg,
	})
}

// requestedFields reads the fields query; nil when absent.
func requestedFields(r *http.Request) []string {
	raw := r.URL.Query().Get("fields")
	if raw == "" {
		return nil
	}
	var out []string
	for _, f := range strings.Split(raw, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// pick returns id plus the requested fields that have a value, as Graph
// answers a fields query; with no fields it answers the node's defaults.
func pick(all map[string]any, fields, defaults []string) map[string]any {
	if fields == nil {
		fields = defaults
	}
	out := map[string]any{"id": all["id"]}
	for _, f := range fields {
		if v, ok := all[f]; ok && v != nil && v != "" {
			out[f] = v
		}
	}
	return out
}

// graphMajor returns 24 for "v24.0", or 0 when unreadable.
func graphMajor(version string) int {
	v := strings.TrimPrefix(version, "v")
	if i := strings.IndexByte(v, '.'); i >= 0 {
		v = v[:i]
	}
	n, _ := strconv.Atoi(v)
	return n
}

// page cuts a list of ids in order at the request's after cursor and limit.
// Cursors are the base64 of the id they point at, so they stay valid while
// other items are added. paging is nil for an empty page; next is set only
// when there is a next page.
func page(w http.ResponseWriter, r *http.Request, ids []string, defaultLimit, maxLimit int) (cut []string, paging map[string]any, ok bool) {
	q := r.URL.Query()
	limit := defaultLimit
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param limit must be a positive integer")
			return nil, nil, false
		}
		limit = min(n, maxLimit)
	}
	start := 0
	if after := q.Get("after"); after != "" {
		id, err := base64.RawURLEncoding.DecodeString(after)
		found := -1
		for i, v := range ids {
			if err == nil && v == string(id) {
				found = i
			}
		}
		if found < 0 {
			writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The after cursor is invalid or has expired")
			return nil, nil, false
		}
		start = found + 1
	}
	end := min(start+limit, len(ids))
	cut = ids[start:end]
	if len(cut) == 0 {
		return cut, nil, true
	}
	cursors := map[string]string{
		"before": base64.RawURLEncoding.EncodeToString([]byte(cut[0])),
		"after":  base64.RawURLEncoding.EncodeToString([]byte(cut[len(cut)-1])),
	}
	paging = map[string]any{"cursors": cursors}
	if end < len(ids) {
		next := url.Values{}
		for k, v := range q {
			if k != "appsecret_proof" && k != "access_token" {
				next[k] = v
			}
		}
		next.Set("after", cursors["after"])
		next.Set("limit", strconv.Itoa(limit))
		paging["next"] = "http://" + r.Host + r.URL.Path + "?" + next.Encode()
	}
	return cut, paging, true
}

// decodeBody reads a JSON request body of at most 1 MB.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The request body is not valid JSON")
		return false
	}
	return true
}
