package wabsptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// template is a message template in the sandbox.
type template struct {
	id, wabaID       string
	name, language   string
	category         string
	parameterFormat  string
	components       json.RawMessage
	status           string
	rejectedReason   string
	previousCategory string
	version          int // bumped by each edit, so a stale review is dropped
	edits            []time.Time
}

func (s *Server) routeTemplates(mux *http.ServeMux) {
	mux.HandleFunc("POST /{version}/{waba}/message_templates", s.submitTemplate)
	mux.HandleFunc("GET /{version}/{waba}/message_templates", s.listTemplates)
	mux.HandleFunc("DELETE /{version}/{waba}/message_templates", s.deleteTemplate)
}

var templateNamePattern = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)

var templateCategories = map[string]bool{"AUTHENTICATION": true, "MARKETING": true, "UTILITY": true}

type templateBody struct {
	Name            string          `json:"name"`
	Language        string          `json:"language"`
	Category        string          `json:"category"`
	ParameterFormat string          `json:"parameter_format"`
	Components      json.RawMessage `json:"components"`
}

func (s *Server) submitTemplate(w http.ResponseWriter, r *http.Request) {
	wabaID := r.PathValue("waba")
	if _, ok := s.authorize(w, r, wabaID); !ok {
		return
	}
	var b templateBody
	if !decodeBody(w, r, &b) {
		return
	}
	switch {
	case !templateNamePattern.MatchString(b.Name):
		writeInvalidParameter(w, 0, "Invalid parameter", "The template name must be 1 to 512 lower-case letters, digits and underscores.")
		return
	case b.Language == "":
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The parameter language is required")
		return
	case !templateCategories[b.Category]:
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param category must be one of {AUTHENTICATION, MARKETING, UTILITY}")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkComponentsLocked(w, b.Components) {
		return
	}
	if until, ok := s.blockedNames[wabaID+"/"+b.Name]; ok && time.Now().Before(until) {
		writeInvalidParameter(w, 2388023, "Message template language is being deleted",
			fmt.Sprintf("The template name %s was deleted and cannot be used again until %s. Use another name.", b.Name, until.Format(time.DateOnly)))
		return
	}
	for _, id := range s.templateOrder {
		if t := s.templates[id]; t != nil && t.wabaID == wabaID && t.name == b.Name && t.language == b.Language {
			writeInvalidParameter(w, 2388024, "Content in this language already exists",
				fmt.Sprintf("There is already %s content for the template %s. Create a template with a new name or edit the existing one.", b.Language, b.Name))
			return
		}
	}
	format := strings.ToUpper(b.ParameterFormat)
	if format == "" {
		format = "POSITIONAL"
	}
	t := &template{
		id: s.newIDLocked(), wabaID: wabaID, name: b.Name, language: b.Language, category: b.Category,
		parameterFormat: format, components: b.Components, status: "PENDING", rejectedReason: "NONE",
	}
	s.templates[t.id] = t
	s.templateOrder = append(s.templateOrder, t.id)
	writeJSON(w, http.StatusOK, map[string]string{"id": t.id, "status": t.status, "category": t.category})
}

// checkComponentsLocked wants a list with a BODY, and media header samples
// that are handles this sandbox's upload API issued.
func (s *Server) checkComponentsLocked(w http.ResponseWriter, raw json.RawMessage) bool {
	var comps []struct {
		Type    string `json:"type"`
		Example struct {
			HeaderHandle []string `json:"header_handle"`
		} `json:"example"`
	}
	if err := json.Unmarshal(raw, &comps); err != nil || len(comps) == 0 {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param components must be a non-empty array")
		return false
	}
	body := false
	for _, c := range comps {
		body = body || c.Type == "BODY"
		for _, h := range c.Example.HeaderHandle {
			if _, ok := s.handles[h]; !ok {
				writeInvalidParameter(w, 0, "Invalid media handle",
					"The header_handle sample is not a file uploaded through the Resumable Upload API.")
				return false
			}
		}
	}
	if !body {
		writeInvalidParameter(w, 0, "Invalid parameter", "A template needs a BODY component.")
		return false
	}
	return true
}

var templateDefaultFields = []string{"name", "parameter_format", "components", "language", "status", "category"}

func (t *template) fieldsLocked() map[string]any {
	return map[string]any{
		"id": t.id, "name": t.name, "language": t.language, "status": t.status, "category": t.category,
		"parameter_format": t.parameterFormat, "components": t.components, "rejected_reason": t.rejectedReason,
		"previous_category": t.previousCategory,
	}
}

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request) {
	wabaID := r.PathValue("waba")
	if _, ok := s.authorize(w, r, wabaID); !ok {
		return
	}
	s.review(wabaID)
	s.flushWebhooks()
	q := r.URL.Query()
	s.mu.Lock()
	var ids []string
	for _, id := range s.templateOrder {
		t := s.templates[id]
		if t == nil || t.wabaID != wabaID ||
			(q.Get("status") != "" && t.status != q.Get("status")) ||
			(q.Get("category") != "" && t.category != q.Get("category")) ||
			(q.Get("language") != "" && t.language != q.Get("language")) ||
			// Graph's name filter matches parts of names too.
			(q.Get("name") != "" && !strings.Contains(t.name, q.Get("name"))) {
			continue
		}
		ids = append(ids, id)
	}
	s.mu.Unlock()
	cut, paging, ok := page(w, r, ids, 25, 250)
	if !ok {
		return
	}
	fields := requestedFields(r)
	data := []map[string]any{}
	s.mu.Lock()
	for _, id := range cut {
		data = append(data, pick(s.templates[id].fieldsLocked(), fields, templateDefaultFields))
	}
	s.mu.Unlock()
	body := map[string]any{"data": data}
	if paging != nil {
		body["paging"] = paging
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) authorizeTemplate(w http.ResponseWriter, r *http.Request) (*template, bool) {
	id := r.PathValue("id")
	s.mu.Lock()
	t := s.templates[id]
	s.mu.Unlock()
	if t == nil {
		s.unknownNode(w, r, id)
		return nil, false
	}
	_, ok := s.authorize(w, r, t.wabaID)
	return t, ok
}

func (s *Server) getTemplate(w http.ResponseWriter, r *http.Request) {
	t, ok := s.authorizeTemplate(w, r)
	if !ok {
		return
	}
	s.review(t.wabaID)
	s.flushWebhooks()
	s.mu.Lock()
	out := pick(t.fieldsLocked(), requestedFields(r), templateDefaultFields)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// editTemplate applies Graph's edit rules: only APPROVED, REJECTED or PAUSED
// templates; an APPROVED one keeps its category and may be edited once a day
// and 10 times in 30 days. An edit sends the template back to review.
func (s *Server) editTemplate(w http.ResponseWriter, r *http.Request) {
	t, ok := s.authorizeTemplate(w, r)
	if !ok {
		return
	}
	var b templateBody
	if !decodeBody(w, r, &b) {
		return
	}
	if b.Category == "" && len(b.Components) == 0 {
		writeInvalidParameter(w, 0, "Nothing to edit", "An edit needs a category or components.")
		return
	}
	if b.Category != "" && !templateCategories[b.Category] {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param category must be one of {AUTHENTICATION, MARKETING, UTILITY}")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	var recent []time.Time
	for _, e := range t.edits {
		if now.Sub(e) < 30*24*time.Hour {
			recent = append(recent, e)
		}
	}
	switch {
	case t.status != "APPROVED" && t.status != "REJECTED" && t.status != "PAUSED":
		writeInvalidParameter(w, 0, "Template can't be edited", fmt.Sprintf("A template in status %s cannot be edited.", t.status))
		return
	case t.status == "APPROVED" && b.Category != "" && b.Category != t.category:
		writeInvalidParameter(w, 0, "Category can't be changed", "The category of an approved template cannot be changed.")
		return
	case t.status == "APPROVED" && len(recent) > 0 && now.Sub(recent[len(recent)-1]) < 24*time.Hour:
		writeInvalidParameter(w, 0, "Edit limit reached", "This template can be edited once every 24 hours.")
		return
	case t.status == "APPROVED" && len(recent) >= 10:
		writeInvalidParameter(w, 0, "Edit limit reached", "This template can be edited 10 times in 30 days.")
		return
	}
	if len(b.Components) > 0 && !s.checkComponentsLocked(w, b.Components) {
		return
	}
	if t.status == "APPROVED" {
		t.edits = append(recent, now)
	}
	if b.Category != "" {
		t.category = b.Category
	}
	if len(b.Components) > 0 {
		t.components = b.Components
	}
	if b.ParameterFormat != "" {
		t.parameterFormat = strings.ToUpper(b.ParameterFormat)
	}
	t.status, t.rejectedReason = "PENDING", "NONE"
	t.version++
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// deleteTemplate deletes every language of a name, or with hsm_id only that
// template. A deleted APPROVED name is blocked for 30 days.
func (s *Server) deleteTemplate(w http.ResponseWriter, r *http.Request) {
	wabaID := r.PathValue("waba")
	if _, ok := s.authorize(w, r, wabaID); !ok {
		return
	}
	name, hsmID := r.URL.Query().Get("name"), r.URL.Query().Get("hsm_id")
	if name == "" {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The parameter name is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var keep []string
	deleted := 0
	for _, id := range s.templateOrder {
		t := s.templates[id]
		if t.wabaID == wabaID && t.name == name && (hsmID == "" || t.id == hsmID) {
			if t.status == "APPROVED" {
				s.blockedNames[wabaID+"/"+name] = time.Now().Add(30 * 24 * time.Hour)
			}
			delete(s.templates, id)
			deleted++
			continue
		}
		keep = append(keep, id)
	}
	if deleted == 0 {
		writeInvalidParameter(w, 0, "Message template not found", "The message template you are trying to delete could not be found.")
		return
	}
	s.templateOrder = keep
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}
