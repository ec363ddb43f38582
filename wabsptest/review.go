package wabsptest

import "encoding/json"

// TemplateUnderReview is a submitted or edited template as the review rule
// sees it.
type TemplateUnderReview struct {
	ID, WABAID, Name, Language, Category string
	// Components are the template's components as the client sent them.
	Components json.RawMessage
}

// ReviewTemplates sets the rule that reviews templates: it returns the new
// status (APPROVED or REJECTED; PENDING or "" leaves the template under
// review) and, for a rejection, the reason (such as INVALID_FORMAT or
// PROMOTIONAL; INVALID_FORMAT when empty). By default every template is
// approved.
//
// A template is reviewed when its WABA's templates are next read (a listing,
// or GET of a template), or at once by ReviewPendingTemplates: a submission
// answers PENDING, and the next SyncTemplates sees the outcome. When a
// webhook URL is set, each review sends message_template_status_update
// before the read that caused it is answered.
func (s *Server) ReviewTemplates(rule func(TemplateUnderReview) (status, reason string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reviewRule = rule
}

// ReviewPendingTemplates reviews every PENDING template now, delivers the
// resulting webhooks, and returns how many templates left PENDING.
func (s *Server) ReviewPendingTemplates() int {
	n := s.review("")
	s.flushWebhooks()
	return n
}

// TemplateStatus returns a template's status, or "" for an unknown id.
func (s *Server) TemplateStatus(templateID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.templates[templateID]; t != nil {
		return t.status
	}
	return ""
}

// review applies the rule to the PENDING templates of wabaID (all when
// empty). The rule runs without the lock so that it may call the Server.
func (s *Server) review(wabaID string) int {
	type job struct {
		t       *template
		version int
		view    TemplateUnderReview
	}
	s.mu.Lock()
	rule := s.reviewRule
	var jobs []job
	for _, id := range s.templateOrder {
		t := s.templates[id]
		if t != nil && t.status == "PENDING" && (wabaID == "" || t.wabaID == wabaID) {
			jobs = append(jobs, job{t, t.version, TemplateUnderReview{
				ID: t.id, WABAID: t.wabaID, Name: t.name, Language: t.language, Category: t.category,
				Components: append(json.RawMessage(nil), t.components...),
			}})
		}
	}
	s.mu.Unlock()
	if rule == nil {
		rule = func(TemplateUnderReview) (string, string) { return "APPROVED", "" }
	}
	reviewed := 0
	for _, j := range jobs {
		status, reason := rule(j.view)
		if status == "" || status == "PENDING" {
			continue
		}
		if status == "REJECTED" && reason == "" {
			reason = "INVALID_FORMAT"
		}
		if status != "REJECTED" {
			reason = "NONE"
		}
		s.mu.Lock()
		if s.templates[j.t.id] == j.t && j.t.status == "PENDING" && j.t.version == j.version {
			j.t.status, j.t.rejectedReason = status, reason
			reviewed++
			s.queueWebhookLocked("message_template_status_update", TemplateStatusUpdatePayload(TemplateStatusEvent{
				WABAID: j.t.wabaID, TemplateID: j.t.id, Name: j.t.name, Language: j.t.language,
				Category: j.t.category, Event: status, Reason: reason,
			}))
		}
		s.mu.Unlock()
	}
	return reviewed
}
