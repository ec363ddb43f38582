package wabsp

import (
	"context"
	"time"
)

// TemplateState is one template's review state, as a sync reports it.
type TemplateState struct {
	ID       string
	Name     string
	Language string
	Category TemplateCategory
	Status   TemplateStatus
	// RejectedReason is Meta's reason for a REJECTED template (such as
	// INVALID_FORMAT or PROMOTIONAL); empty when Graph gave none or "NONE".
	RejectedReason string
}

// TemplateSync is the outcome of SyncTemplates: every template of the WABA
// with its status, and when the sync ran.
type TemplateSync struct {
	WABAID    string
	SyncedAt  time.Time
	Templates []TemplateState
	// ByStatus counts the templates per status.
	ByStatus map[TemplateStatus]int
}

// Rejected returns the rejected templates, with their reasons.
func (s *TemplateSync) Rejected() []TemplateState {
	var out []TemplateState
	for _, t := range s.Templates {
		if t.Status == TemplateRejected {
			out = append(out, t)
		}
	}
	return out
}

// syncFields are all a sync needs: no components.
var syncFields = []string{"id", "name", "language", "status", "category", "rejected_reason"}

// SyncTemplates lists every template of a WABA and reports each one's status
// and rejection reason, the way a product's "Sync Template" button does.
//
//	GET https://graph.facebook.com/{version}/{waba-id}/message_templates?fields=id,name,language,status,category,rejected_reason
//
// (every page). Use it to refresh a local copy after submitting templates, or
// alongside the message_template_status_update webhook to catch up on
// missed deliveries.
func (c *Client) SyncTemplates(ctx context.Context, wabaID string) (*TemplateSync, error) {
	out := &TemplateSync{WABAID: wabaID, ByStatus: map[TemplateStatus]int{}}
	for t, err := range c.Templates(ctx, wabaID, &ListTemplatesOptions{Fields: syncFields}) {
		if err != nil {
			return nil, err
		}
		reason := t.RejectedReason
		if reason == "NONE" {
			reason = ""
		}
		out.Templates = append(out.Templates, TemplateState{
			ID: t.ID, Name: t.Name, Language: t.Language, Category: t.Category, Status: t.Status, RejectedReason: reason,
		})
		out.ByStatus[t.Status]++
	}
	out.SyncedAt = time.Now()
	return out, nil
}
