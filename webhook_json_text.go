package wabsp

import (
	"unsafe"
)

// internEnum returns the constant string for a value of the closed sets the
// decoder meets most (statuses, message types, pricing, fields, template
// states), so those values take no room in the text arena and keep nothing
// alive. A switch on a string compiles to a search by length and bytes,
// without the hashing of a map.
func internEnum(b []byte) (string, bool) {
	switch string(b) {
	case "whatsapp":
		return "whatsapp", true
	case "whatsapp_business_account":
		return "whatsapp_business_account", true
	case "sent":
		return "sent", true
	case "delivered":
		return "delivered", true
	case "read":
		return "read", true
	case "failed":
		return "failed", true
	case "played":
		return "played", true
	case "deleted":
		return "deleted", true
	case "text":
		return "text", true
	case "image":
		return "image", true
	case "audio":
		return "audio", true
	case "video":
		return "video", true
	case "document":
		return "document", true
	case "sticker":
		return "sticker", true
	case "location":
		return "location", true
	case "contacts":
		return "contacts", true
	case "interactive":
		return "interactive", true
	case "button":
		return "button", true
	case "reaction":
		return "reaction", true
	case "order":
		return "order", true
	case "system":
		return "system", true
	case "unsupported":
		return "unsupported", true
	case "request_welcome":
		return "request_welcome", true
	case "button_reply":
		return "button_reply", true
	case "list_reply":
		return "list_reply", true
	case "nfm_reply":
		return "nfm_reply", true
	case "marketing":
		return "marketing", true
	case "utility":
		return "utility", true
	case "authentication":
		return "authentication", true
	case "service":
		return "service", true
	case "referral_conversion":
		return "referral_conversion", true
	case "authentication_international":
		return "authentication_international", true
	case "marketing_lite":
		return "marketing_lite", true
	case "regular":
		return "regular", true
	case "free_customer_service":
		return "free_customer_service", true
	case "free_entry_point":
		return "free_entry_point", true
	case "CBP":
		return "CBP", true
	case "PMP":
		return "PMP", true
	case "messages":
		return "messages", true
	case "message_template_status_update":
		return "message_template_status_update", true
	case "message_template_quality_update":
		return "message_template_quality_update", true
	case "template_category_update":
		return "template_category_update", true
	case "phone_number_quality_update":
		return "phone_number_quality_update", true
	case "phone_number_name_update":
		return "phone_number_name_update", true
	case "account_update":
		return "account_update", true
	case "account_review_update":
		return "account_review_update", true
	case "account_alerts":
		return "account_alerts", true
	case "business_capability_update":
		return "business_capability_update", true
	case "security":
		return "security", true
	case "history":
		return "history", true
	case "smb_app_state_sync":
		return "smb_app_state_sync", true
	case "smb_message_echoes":
		return "smb_message_echoes", true
	case "APPROVED":
		return "APPROVED", true
	case "REJECTED":
		return "REJECTED", true
	case "PENDING":
		return "PENDING", true
	case "DEFERRED":
		return "DEFERRED", true
	case "PAUSED":
		return "PAUSED", true
	case "DISABLED":
		return "DISABLED", true
	case "FLAGGED":
		return "FLAGGED", true
	case "REINSTATED":
		return "REINSTATED", true
	case "GREEN":
		return "GREEN", true
	case "YELLOW":
		return "YELLOW", true
	case "RED":
		return "RED", true
	case "UNKNOWN":
		return "UNKNOWN", true
	case "MARKETING":
		return "MARKETING", true
	case "UTILITY":
		return "UTILITY", true
	case "AUTHENTICATION":
		return "AUTHENTICATION", true
	case "image/jpeg":
		return "image/jpeg", true
	case "image/png":
		return "image/png", true
	case "image/webp":
		return "image/webp", true
	case "video/mp4":
		return "video/mp4", true
	case "application/pdf":
		return "application/pdf", true
	case "en":
		return "en", true
	case "en_US":
		return "en_US", true
	case "es":
		return "es", true
	case "pt_BR":
		return "pt_BR", true
	case "audio/ogg; codecs=opus":
		return "audio/ogg; codecs=opus", true
	}
	return "", false
}

// text returns b as a string whose bytes live in the reader's arena: the
// texts of a delivery (ids, names, bodies) share a few allocations instead
// of one each.
//
// The conversion with unsafe.String is sound because an arena chunk is
// append-only: bytes are written once, before the string over them is
// made, and never again (a string that does not fit starts a new chunk;
// the old one stays alive as long as a string points into it). That is
// exactly unsafe.String's contract, a documented API since Go 1.20, not a
// reliance on the layout of strings. The strings never alias the body.
func (r *jsonReader) text(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > cap(r.arena)-len(r.arena) {
		// A chunk of a quarter of the bytes still to read (texts are
		// 15-33% of the project's fixtures), between 64 bytes and 32 KB:
		// about one chunk for a small delivery, little room left unused,
		// and a kept string holds at most 32 KB alive.
		size := min(max((len(r.buf)-r.pos)/4, 64), 32<<10)
		r.arena = make([]byte, 0, max(size, len(b)))
	}
	off := len(r.arena)
	r.arena = append(r.arena, b...)
	return unsafe.String(&r.arena[off], len(b))
}
