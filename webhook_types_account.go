package wabsp

import (
	"encoding/json"
	"time"
)

// PhoneNumberQualityUpdate is the value of a phone_number_quality_update
// change: the number's quality or messaging limit changed. Meta is retiring
// the limit members in 2026, so each may be empty.
type PhoneNumberQualityUpdate struct {
	DisplayPhoneNumber string `json:"display_phone_number,omitempty"`
	// Event is ONBOARDING, THROUGHPUT_UPGRADE, or the older FLAGGED,
	// UNFLAGGED, UPGRADE, DOWNGRADE.
	Event string `json:"event"`
	// OldLimit and CurrentLimit are messaging tiers such as "TIER_2K".
	OldLimit     string `json:"old_limit,omitempty"`
	CurrentLimit string `json:"current_limit,omitempty"`
	// MaxDailyConversationsPerBusiness is kept as sent ("TIER_10K" or a
	// number as text).
	MaxDailyConversationsPerBusiness string                     `json:"max_daily_conversations_per_business,omitempty"`
	Extra                            map[string]json.RawMessage `json:"extra,omitempty"`
}

// PhoneNumberNameUpdate is the value of a phone_number_name_update change:
// Meta's decision on a display name.
type PhoneNumberNameUpdate struct {
	DisplayPhoneNumber string `json:"display_phone_number,omitempty"`
	// Decision is APPROVED, REJECTED, PENDING or DEFERRED.
	Decision              string                     `json:"decision"`
	RequestedVerifiedName string                     `json:"requested_verified_name,omitempty"`
	RejectionReason       string                     `json:"rejection_reason,omitempty"`
	Extra                 map[string]json.RawMessage `json:"extra,omitempty"`
}

// AccountUpdate is the value of an account_update change. Event says which
// of the optional members are set: WABAInfo on PARTNER_* events, BanInfo on
// DISABLED_UPDATE, ViolationInfo on ACCOUNT_VIOLATION, DisconnectionInfo on
// PARTNER_REMOVED of a coexistence number, RestrictionInfo on
// ACCOUNT_RESTRICTION.
type AccountUpdate struct {
	Event             string                     `json:"event"`
	PhoneNumber       string                     `json:"phone_number,omitempty"`
	WABAInfo          *WABAInfo                  `json:"waba_info,omitempty"`
	BanInfo           *BanInfo                   `json:"ban_info,omitempty"`
	ViolationInfo     *ViolationInfo             `json:"violation_info,omitempty"`
	DisconnectionInfo *DisconnectionInfo         `json:"disconnection_info,omitempty"`
	RestrictionInfo   []Restriction              `json:"restriction_info,omitempty"`
	Extra             map[string]json.RawMessage `json:"extra,omitempty"`
}

// The account_update events a Tech Provider acts on most. Other events are
// kept as sent.
const (
	AccountEventPartnerAdded          = "PARTNER_ADDED"
	AccountEventPartnerRemoved        = "PARTNER_REMOVED"
	AccountEventPartnerAppInstalled   = "PARTNER_APP_INSTALLED"
	AccountEventPartnerAppUninstalled = "PARTNER_APP_UNINSTALLED"
	AccountEventAccountOffboarded     = "ACCOUNT_OFFBOARDED"
	AccountEventAccountReconnected    = "ACCOUNT_RECONNECTED"
	AccountEventAccountRestriction    = "ACCOUNT_RESTRICTION"
	AccountEventDisabledUpdate        = "DISABLED_UPDATE"
	AccountEventAccountViolation      = "ACCOUNT_VIOLATION"
	AccountEventAccountDeleted        = "ACCOUNT_DELETED"
)

// DisconnectionInfo says why a coexistence number was disconnected from
// the Cloud API. Reason is one of the DisconnectReason constants (others
// are kept as sent); InitiatedBy is USER or SYSTEM where Meta says.
type DisconnectionInfo struct {
	Reason      string                     `json:"reason"`
	InitiatedBy string                     `json:"initiated_by,omitempty"`
	Extra       map[string]json.RawMessage `json:"extra,omitempty"`
}

// Why Meta disconnects a number onboarded with coexistence (PARTNER_REMOVED).
const (
	// DisconnectPrimaryInactivity: the WhatsApp Business app was not opened
	// on the phone for about 14 days.
	DisconnectPrimaryInactivity = "PRIMARY_INACTIVITY"
	// DisconnectCompanionInactivity: a companion device was inactive for
	// about 30 days.
	DisconnectCompanionInactivity = "COMPANION_INACTIVITY"
	DisconnectChangeNumber        = "CHANGE_NUMBER"
	DisconnectUserReRegistered    = "USER_RE_REGISTERED"
	DisconnectBusinessDowngrade   = "BUSINESS_DOWNGRADE"
	DisconnectAccountDisconnected = "ACCOUNT_DISCONNECTED"
)

// Restriction is one restriction of an ACCOUNT_RESTRICTION update, such as
// RESTRICTED_BIZ_INITIATED_MESSAGING, until Expiration.
type Restriction struct {
	Type       string                     `json:"restriction_type"`
	Expiration time.Time                  `json:"expiration,omitzero"`
	Extra      map[string]json.RawMessage `json:"extra,omitempty"`
}

// ConnectionEvent is an account_update that connects or disconnects a
// customer's WhatsApp Business Account or number from this app, as
// WebhookConfig.OnConnection gets it: mark the customer disconnected (and
// stop sending) or reconnected.
type ConnectionEvent struct {
	// Connected is true for ACCOUNT_RECONNECTED and PARTNER_APP_INSTALLED,
	// false for PARTNER_REMOVED, ACCOUNT_OFFBOARDED and
	// PARTNER_APP_UNINSTALLED.
	Connected bool   `json:"connected"`
	Event     string `json:"event"`
	// WABAID is waba_info.waba_id where Meta names it, else the entry's id.
	WABAID      string `json:"waba_id"`
	PhoneNumber string `json:"phone_number,omitempty"`
	// Reason and InitiatedBy come from disconnection_info, when sent.
	Reason       string    `json:"reason,omitempty"`
	InitiatedBy  string    `json:"initiated_by,omitempty"`
	PartnerAppID string    `json:"partner_app_id,omitempty"`
	SolutionID   string    `json:"solution_id,omitempty"`
	Time         time.Time `json:"time,omitzero"`
}

// connection returns the connection event of an account_update change in
// entry e, and false for any other change.
func (c *WebhookChange) connection(e *WebhookEntry) (ConnectionEvent, bool) {
	u := c.AccountUpdate
	if u == nil {
		return ConnectionEvent{}, false
	}
	ev := ConnectionEvent{Event: u.Event, WABAID: e.ID, PhoneNumber: u.PhoneNumber, Time: e.Time}
	switch u.Event {
	case AccountEventAccountReconnected, AccountEventPartnerAppInstalled:
		ev.Connected = true
	case AccountEventPartnerRemoved, AccountEventAccountOffboarded, AccountEventPartnerAppUninstalled:
	default:
		return ConnectionEvent{}, false
	}
	if w := u.WABAInfo; w != nil {
		if w.WABAID != "" {
			ev.WABAID = w.WABAID
		}
		ev.PartnerAppID, ev.SolutionID = w.PartnerAppID, w.SolutionID
	}
	if d := u.DisconnectionInfo; d != nil {
		ev.Reason, ev.InitiatedBy = d.Reason, d.InitiatedBy
	}
	return ev, true
}

// WABAInfo names the WhatsApp Business Account of a PARTNER_* event.
type WABAInfo struct {
	WABAID                     string                     `json:"waba_id"`
	OwnerBusinessID            string                     `json:"owner_business_id,omitempty"`
	PartnerAppID               string                     `json:"partner_app_id,omitempty"`
	SolutionID                 string                     `json:"solution_id,omitempty"`
	SolutionPartnerBusinessIDs []string                   `json:"solution_partner_business_ids,omitempty"`
	Extra                      map[string]json.RawMessage `json:"extra,omitempty"`
}

// BanInfo describes a ban of a WhatsApp Business Account. WABABanState is
// a list in Meta's samples; a single string is read as a one-element list.
type BanInfo struct {
	WABABanState []string `json:"waba_ban_state,omitempty"`
	// WABABanDate is kept as sent (Meta documents a date, not a format).
	WABABanDate string                     `json:"waba_ban_date,omitempty"`
	Extra       map[string]json.RawMessage `json:"extra,omitempty"`
}

// ViolationInfo describes a policy violation.
type ViolationInfo struct {
	ViolationType string                     `json:"violation_type"`
	Extra         map[string]json.RawMessage `json:"extra,omitempty"`
}

// AccountReviewUpdate is the value of an account_review_update change.
type AccountReviewUpdate struct {
	// Decision is APPROVED, REJECTED, PENDING or DEFERRED.
	Decision string                     `json:"decision"`
	Extra    map[string]json.RawMessage `json:"extra,omitempty"`
}

// AccountAlert is the value of an account_alerts change.
type AccountAlert struct {
	EntityType string `json:"entity_type,omitempty"`
	EntityID   string `json:"entity_id,omitempty"`
	AlertInfo  struct {
		AlertSeverity    string `json:"alert_severity,omitempty"`
		AlertStatus      string `json:"alert_status,omitempty"`
		AlertType        string `json:"alert_type,omitempty"`
		AlertDescription string `json:"alert_description,omitempty"`
	} `json:"alert_info"`
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// BusinessCapabilityUpdate is the value of a business_capability_update
// change: the business's limits changed. The messaging limit arrives as
// max_daily_conversations_per_business from Graph v24 (a number, or a tier
// such as "TIER_10K" in MaxDailyConversationsPerBusinessTier) and as
// max_daily_conversation_per_phone up to v23; MessagingLimit reads any of
// them. A member Meta sends in another shape is kept in Extra.
type BusinessCapabilityUpdate struct {
	MaxDailyConversationPerPhone         int64                      `json:"max_daily_conversation_per_phone,omitempty"`
	MaxDailyConversationsPerBusiness     int64                      `json:"max_daily_conversations_per_business,omitempty"`
	MaxDailyConversationsPerBusinessTier Tier                       `json:"max_daily_conversations_per_business_tier,omitempty"`
	MaxPhoneNumbersPerBusiness           int64                      `json:"max_phone_numbers_per_business,omitempty"`
	MaxPhoneNumbersPerWABA               int64                      `json:"max_phone_numbers_per_waba,omitempty"`
	Extra                                map[string]json.RawMessage `json:"extra,omitempty"`
}

// SecurityUpdate is the value of a security change: a two-step
// verification PIN was changed or a reset was requested.
type SecurityUpdate struct {
	DisplayPhoneNumber string `json:"display_phone_number,omitempty"`
	// Event is PIN_CHANGED, PIN_REQUEST_SUCCESS or PIN_RESET_REQUEST.
	Event     string                     `json:"event"`
	Requester string                     `json:"requester,omitempty"`
	Extra     map[string]json.RawMessage `json:"extra,omitempty"`
}

// OnboardingEvent is what a PARTNER_ADDED account_update tells a Tech
// Provider: a customer finished Embedded Signup and shared this WABA.
type OnboardingEvent struct {
	WABAID          string    `json:"waba_id"`
	OwnerBusinessID string    `json:"owner_business_id,omitempty"`
	PartnerAppID    string    `json:"partner_app_id,omitempty"`
	SolutionID      string    `json:"solution_id,omitempty"`
	Time            time.Time `json:"time,omitzero"`
}

func (r *jsonReader) decodePhoneNumberQuality(u *PhoneNumberQualityUpdate) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "display_phone_number":
			u.DisplayPhoneNumber = r.str()
		case "event":
			u.Event = r.enum()
		case "old_limit":
			u.OldLimit = r.enum()
		case "current_limit":
			u.CurrentLimit = r.enum()
		case "max_daily_conversations_per_business":
			u.MaxDailyConversationsPerBusiness = r.enum()
		default:
			it.keep()
		}
	}
	u.Extra = it.extra
}

func (r *jsonReader) decodePhoneNumberName(u *PhoneNumberNameUpdate) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "display_phone_number":
			u.DisplayPhoneNumber = r.str()
		case "decision":
			u.Decision = r.enum()
		case "requested_verified_name":
			u.RequestedVerifiedName = r.str()
		case "rejection_reason":
			u.RejectionReason = r.str()
		default:
			it.keep()
		}
	}
	u.Extra = it.extra
}

func (r *jsonReader) decodeAccountUpdate(u *AccountUpdate) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "event":
			u.Event = r.enum()
		case "phone_number":
			u.PhoneNumber = r.str()
		case "waba_info":
			w := &WABAInfo{}
			o := r.object()
			for o.next() {
				switch string(o.key) {
				case "waba_id":
					w.WABAID = r.str()
				case "owner_business_id":
					w.OwnerBusinessID = r.str()
				case "partner_app_id":
					w.PartnerAppID = r.str()
				case "solution_id":
					w.SolutionID = r.str()
				case "solution_partner_business_ids":
					w.SolutionPartnerBusinessIDs = r.strs()
				default:
					o.keep()
				}
			}
			w.Extra = o.extra
			u.WABAInfo = w
		case "ban_info":
			b := &BanInfo{}
			o := r.object()
			for o.next() {
				switch string(o.key) {
				case "waba_ban_state":
					b.WABABanState = r.strs()
				case "waba_ban_date":
					b.WABABanDate = r.str()
				default:
					o.keep()
				}
			}
			b.Extra = o.extra
			u.BanInfo = b
		case "violation_info":
			v := &ViolationInfo{}
			o := r.object()
			for o.next() {
				if string(o.key) == "violation_type" {
					v.ViolationType = r.enum()
				} else {
					o.keep()
				}
			}
			v.Extra = o.extra
			u.ViolationInfo = v
		case "disconnection_info":
			d := &DisconnectionInfo{}
			o := r.object()
			for o.next() {
				switch string(o.key) {
				case "reason":
					d.Reason = r.enum()
				case "initiated_by":
					d.InitiatedBy = r.enum()
				default:
					o.keep()
				}
			}
			d.Extra = o.extra
			u.DisconnectionInfo = d
		case "restriction_info":
			u.RestrictionInfo = nil
			for arr := r.array(); arr.next(); {
				u.RestrictionInfo = append(u.RestrictionInfo, Restriction{})
				x := &u.RestrictionInfo[len(u.RestrictionInfo)-1]
				o := r.object()
				for o.next() {
					switch string(o.key) {
					case "restriction_type":
						x.Type = r.enum()
					case "expiration":
						x.Expiration = r.time()
					default:
						o.keep()
					}
				}
				x.Extra = o.extra
			}
		default:
			it.keep()
		}
	}
	u.Extra = it.extra
}

func (r *jsonReader) decodeAccountReview(u *AccountReviewUpdate) {
	it := r.object()
	for it.next() {
		if string(it.key) == "decision" {
			u.Decision = r.enum()
		} else {
			it.keep()
		}
	}
	u.Extra = it.extra
}

func (r *jsonReader) decodeAccountAlert(u *AccountAlert) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "entity_type":
			u.EntityType = r.enum()
		case "entity_id":
			u.EntityID = r.str()
		case "alert_info":
			start := r.mark()
			o := r.object()
			for o.next() {
				switch string(o.key) {
				case "alert_severity":
					u.AlertInfo.AlertSeverity = r.enum()
				case "alert_status":
					u.AlertInfo.AlertStatus = r.enum()
				case "alert_type":
					u.AlertInfo.AlertType = r.enum()
				case "alert_description":
					u.AlertInfo.AlertDescription = r.str()
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

func (r *jsonReader) decodeBusinessCapability(u *BusinessCapabilityUpdate) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "max_daily_conversation_per_phone":
			u.MaxDailyConversationPerPhone = r.int64()
		case "max_daily_conversations_per_business":
			if r.ws() == '"' {
				u.MaxDailyConversationsPerBusinessTier = Tier(r.enum())
			} else {
				u.MaxDailyConversationsPerBusiness = r.int64()
			}
		case "max_phone_numbers_per_business":
			u.MaxPhoneNumbersPerBusiness = r.int64()
		case "max_phone_numbers_per_waba":
			u.MaxPhoneNumbersPerWABA = r.int64()
		default:
			it.keep()
		}
	}
	u.Extra = it.extra
}

func (r *jsonReader) decodeSecurity(u *SecurityUpdate) {
	it := r.object()
	for it.next() {
		switch string(it.key) {
		case "display_phone_number":
			u.DisplayPhoneNumber = r.str()
		case "event":
			u.Event = r.enum()
		case "requester":
			u.Requester = r.str()
		default:
			it.keep()
		}
	}
	u.Extra = it.extra
}
