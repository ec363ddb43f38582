package wabsp

import (
	"encoding/json"
	"time"
)

// TemplateStatusUpdate is the value of a message_template_status_update
// change: a template was approved, rejected, paused, disabled, ...
type TemplateStatusUpdate struct {
	// Event is the template's new status, such as "APPROVED" or
	// "REJECTED" (the TemplateStatus values).
	Event string `json:"event"`
	// MessageTemplateID is sent as a JSON number that can exceed 2^53; it
	// is kept digit for digit.
	MessageTemplateID       string `json:"message_template_id"`
	MessageTemplateName     string `json:"message_template_name,omitempty"`
	MessageTemplateLanguage string `json:"message_template_language,omitempty"`
	// Reason is why, for rejections and pauses ("NONE" otherwise).
	Reason                  string `json:"reason,omitempty"`
	MessageTemplateCategory string `json:"message_template_category,omitempty"`
	// DisableInfo is set on DISABLED: the date the template was disabled.
	DisableInfo *TemplateDisableInfo `json:"disable_info,omitempty"`
	// OtherInfo explains a pause or a lock.
	OtherInfo *TemplateOtherInfo `json:"other_info,omitempty"`
	// RejectionInfo explains a rejection, where Meta sends it.
	RejectionInfo *TemplateRejectionInfo     `json:"rejection_info,omitempty"`
	Extra         map[string]json.RawMessage `json:"extra,omitempty"`
}

// TemplateQualityUpdate is the value of a message_template_quality_update
// change. Scores are GREEN, YELLOW, RED or UNKNOWN.
type TemplateQualityUpdate struct {
	PreviousQualityScore    string                     `json:"previous_quality_score,omitempty"`
	NewQualityScore         string                     `json:"new_quality_score,omitempty"`
	MessageTemplateID       string                     `json:"message_template_id"`
	MessageTemplateName     string                     `json:"message_template_name,omitempty"`
	MessageTemplateLanguage string                     `json:"message_template_language,omitempty"`
	Extra                   map[string]json.RawMessage `json:"extra,omitempty"`
}

// TemplateCategoryUpdate is the value of a template_category_update change.
// An impending change has CorrectCategory and CategoryUpdateTimestamp (when
// it will apply); a change that happened has PreviousCategory.
type TemplateCategoryUpdate struct {
	MessageTemplateID       string                     `json:"message_template_id"`
	MessageTemplateName     string                     `json:"message_template_name,omitempty"`
	MessageTemplateLanguage string                     `json:"message_template_language,omitempty"`
	PreviousCategory        string                     `json:"previous_category,omitempty"`
	NewCategory             string                     `json:"new_category,omitempty"`
	CorrectCategory         string                     `json:"correct_category,omitempty"`
	CategoryUpdateTimestamp time.Time                  `json:"category_update_timestamp,omitzero"`
	Extra                   map[string]json.RawMessage `json:"extra,omitempty"`
}

// templateRef decodes the three members every template change carries.
func (r *jsonReader) templateRef(key []byte, id, name, lang *string) bool {
	switch string(key) {
	case "message_template_id":
		*id = r.str()
	case "message_template_name":
		*name = r.str()
	case "message_template_language":
		*lang = r.enum()
	default:
		return false
	}
	return true
}

func (r *jsonReader) decodeTemplateStatus(u *TemplateStatusUpdate) {
	it := r.object()
	for it.next() {
		if r.templateRef(it.key, &u.MessageTemplateID, &u.MessageTemplateName, &u.MessageTemplateLanguage) {
			continue
		}
		switch string(it.key) {
		case "event":
			u.Event = r.enum()
		case "reason":
			u.Reason = r.str()
		case "message_template_category":
			u.MessageTemplateCategory = r.enum()
		case "disable_info":
			start := r.mark()
			u.DisableInfo = &TemplateDisableInfo{}
			o := r.object()
			for o.next() {
				if string(o.key) == "disable_date" {
					u.DisableInfo.DisableDate = r.time()
				} else {
					o.keep()
				}
			}
			if o.extra != nil {
				it.put(r.buf[start:r.pos])
			}
		case "other_info":
			start := r.mark()
			u.OtherInfo = &TemplateOtherInfo{}
			o := r.object()
			for o.next() {
				switch string(o.key) {
				case "title":
					u.OtherInfo.Title = r.str()
				case "description":
					u.OtherInfo.Description = r.str()
				default:
					o.keep()
				}
			}
			if o.extra != nil {
				it.put(r.buf[start:r.pos])
			}
		case "rejection_info":
			start := r.mark()
			u.RejectionInfo = &TemplateRejectionInfo{}
			o := r.object()
			for o.next() {
				switch string(o.key) {
				case "reason":
					u.RejectionInfo.Reason = r.str()
				case "recommendation":
					u.RejectionInfo.Recommendation = r.str()
				default:
					o.keep()
				}
			}
			if o.extra != nil {
				it.put(r.buf[start:r.pos])
			}
		default:
			it.keep()
		}
	}
	u.Extra = it.extra
}

func (r *jsonReader) decodeTemplateQuality(u *TemplateQualityUpdate) {
	it := r.object()
	for it.next() {
		if r.templateRef(it.key, &u.MessageTemplateID, &u.MessageTemplateName, &u.MessageTemplateLanguage) {
			continue
		}
		switch string(it.key) {
		case "previous_quality_score":
			u.PreviousQualityScore = r.enum()
		case "new_quality_score":
			u.NewQualityScore = r.enum()
		default:
			it.keep()
		}
	}
	u.Extra = it.extra
}

func (r *jsonReader) decodeTemplateCategory(u *TemplateCategoryUpdate) {
	it := r.object()
	for it.next() {
		if r.templateRef(it.key, &u.MessageTemplateID, &u.MessageTemplateName, &u.MessageTemplateLanguage) {
			continue
		}
		switch string(it.key) {
		case "previous_category":
			u.PreviousCategory = r.enum()
		case "new_category":
			u.NewCategory = r.enum()
		case "correct_category":
			u.CorrectCategory = r.enum()
		case "category_update_timestamp":
			u.CategoryUpdateTimestamp = r.time()
		default:
			it.keep()
		}
	}
	u.Extra = it.extra
}

// TemplateDisableInfo says when a template was disabled.
type TemplateDisableInfo struct {
	DisableDate time.Time `json:"disable_date,omitzero"`
}

// TemplateOtherInfo explains a template's pause or lock.
type TemplateOtherInfo struct {
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// TemplateRejectionInfo explains a template's rejection.
type TemplateRejectionInfo struct {
	Reason         string `json:"reason,omitempty"`
	Recommendation string `json:"recommendation,omitempty"`
}
