package wabsp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// SignupEnding is how a customer's Embedded Signup ended: the event of the
// WA_EMBEDDED_SIGNUP message Meta's dialog posts to the page (Embedded
// Signup v3 and v4; v2 was retired on 2026-10-15). Unknown values are kept
// as sent.
type SignupEnding string

// The endings of Embedded Signup, from Meta's Embedded Signup
// implementation page.
const (
	// SignupFinish: the customer shared a WABA with a verified number.
	SignupFinish SignupEnding = "FINISH"
	// SignupFinishOnlyWABA: a WABA without a number yet. Onboard connects
	// the WABA; CompleteOnboarding finishes once the customer adds one.
	SignupFinishOnlyWABA SignupEnding = "FINISH_ONLY_WABA"
	// SignupFinishBusinessApp: the number stays on the WhatsApp Business
	// app (coexistence). Onboard also starts the contacts and history
	// syncs.
	SignupFinishBusinessApp SignupEnding = "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING"
	// SignupFinishOBOMigration: a WABA another partner ran on behalf of the
	// business, migrated to the business's ownership with this app.
	SignupFinishOBOMigration SignupEnding = "FINISH_OBO_MIGRATION"
	// SignupFinishGrantOnlyAPIAccess: the business granted this app API
	// access to a WABA it already has.
	SignupFinishGrantOnlyAPIAccess SignupEnding = "FINISH_GRANT_ONLY_API_ACCESS"
	// SignupCancel: the customer left the flow (CurrentStep says where) or
	// reported an error (ErrorMessage, ErrorCode, SessionID).
	SignupCancel SignupEnding = "CANCEL"
	// SignupError: the flow failed on Meta's side.
	SignupError SignupEnding = "ERROR"
)

// Finished reports whether the ending shared assets with this app, so that
// there is a code to exchange. An empty ending counts as SignupFinish, for
// pages that do not forward the event.
func (e SignupEnding) Finished() bool {
	switch e {
	case "", SignupFinish, SignupFinishOnlyWABA, SignupFinishBusinessApp, SignupFinishOBOMigration,
		SignupFinishGrantOnlyAPIAccess:
		return true
	}
	return false
}

// SignupStep is the screen a customer left Embedded Signup on (the
// current_step of a CANCEL). Unknown values are kept.
type SignupStep string

// The screens of Embedded Signup.
const (
	SignupStepBusinessAccountSelection     SignupStep = "BUSINESS_ACCOUNT_SELECTION"
	SignupStepWABAPhoneProfilePicker       SignupStep = "WABA_PHONE_PROFILE_PICKER"
	SignupStepWhatsAppBusinessProfileSetup SignupStep = "WHATSAPP_BUSINESS_PROFILE_SETUP"
	SignupStepPhoneNumberSetup             SignupStep = "PHONE_NUMBER_SETUP"
	SignupStepPhoneNumberVerification      SignupStep = "PHONE_NUMBER_VERIFICATION"
	SignupStepPermissions                  SignupStep = "PERMISSIONS"
)

// SignupEvent is the WA_EMBEDDED_SIGNUP message event, as the page
// receives it from Meta's dialog and forwards it to the backend.
type SignupEvent struct {
	Type    string          `json:"type"`
	Event   SignupEnding    `json:"event"`
	Version string          `json:"version,omitempty"`
	Data    SignupEventData `json:"data"`
}

// SignupEventData is the event's data: the shared assets on a finish, the
// step or the reported error on a CANCEL. Ids are strings whether Meta
// sends strings or numbers; members this SDK does not know are kept in
// Extra.
type SignupEventData struct {
	PhoneNumberID       string   `json:"phone_number_id,omitempty"`
	WABAID              string   `json:"waba_id,omitempty"`
	BusinessID          string   `json:"business_id,omitempty"`
	WABAIDs             []string `json:"waba_ids,omitempty"`
	AdAccountIDs        []string `json:"ad_account_ids,omitempty"`
	PageIDs             []string `json:"page_ids,omitempty"`
	DatasetIDs          []string `json:"dataset_ids,omitempty"`
	CatalogIDs          []string `json:"catalog_ids,omitempty"`
	InstagramAccountIDs []string `json:"instagram_account_ids,omitempty"`

	CurrentStep  SignupStep                 `json:"current_step,omitempty"`
	ErrorMessage string                     `json:"error_message,omitempty"`
	ErrorCode    string                     `json:"error_code,omitempty"`
	SessionID    string                     `json:"session_id,omitempty"`
	Timestamp    string                     `json:"timestamp,omitempty"`
	Extra        map[string]json.RawMessage `json:"extra,omitempty"`
}

// UnmarshalJSON reads the event leniently: ids and codes as strings or
// numbers, unknown members kept, a member of an unexpected type kept in
// Data.Extra instead of failing the whole event.
func (e *SignupEvent) UnmarshalJSON(b []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return err
	}
	*e = SignupEvent{}
	e.Type = looseString(top["type"])
	e.Event = SignupEnding(looseString(top["event"]))
	e.Version = looseString(top["version"])
	var data map[string]json.RawMessage
	if raw, ok := top["data"]; ok && json.Unmarshal(raw, &data) != nil {
		data = map[string]json.RawMessage{"data": raw}
	}
	d := &e.Data
	strs := map[string]*string{
		"phone_number_id": &d.PhoneNumberID, "waba_id": &d.WABAID, "business_id": &d.BusinessID,
		"error_message": &d.ErrorMessage, "error_code": &d.ErrorCode, "session_id": &d.SessionID,
		"timestamp": &d.Timestamp,
	}
	lists := map[string]*[]string{
		"waba_ids": &d.WABAIDs, "ad_account_ids": &d.AdAccountIDs, "page_ids": &d.PageIDs,
		"dataset_ids": &d.DatasetIDs, "catalog_ids": &d.CatalogIDs, "instagram_account_ids": &d.InstagramAccountIDs,
	}
	for k, raw := range data {
		var ok bool
		switch {
		case strs[k] != nil:
			*strs[k], ok = looseScalar(raw)
		case lists[k] != nil:
			*lists[k], ok = looseList(raw)
		case k == "current_step":
			var s string
			s, ok = looseScalar(raw)
			d.CurrentStep = SignupStep(s)
		}
		if !ok {
			if d.Extra == nil {
				d.Extra = make(map[string]json.RawMessage)
			}
			d.Extra[k] = raw
		}
	}
	return nil
}

// looseScalar reads a string, a number or null as text.
func looseScalar(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", true
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err == nil
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		return string(raw), true
	}
	return "", false
}

func looseString(raw json.RawMessage) string {
	s, _ := looseScalar(raw)
	return s
}

// looseList reads an array of ids, or a single id as a one-element list.
func looseList(raw json.RawMessage) ([]string, bool) {
	if s, ok := looseScalar(raw); ok {
		if s == "" {
			return nil, true
		}
		return []string{s}, true
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := looseScalar(it)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// MaxSignupPostBytes caps what DecodeSignupPost reads: the page posts a
// code and one event, a few hundred bytes.
const MaxSignupPostBytes = 64 << 10

// ErrSignupPostTooLarge is returned by DecodeSignupPost for a body over
// MaxSignupPostBytes.
var ErrSignupPostTooLarge = errors.New("wabsp: signup post too large")

// SignupPost is what the onboarding page posts to the backend when the
// dialog ends: the code from FB.login (absent on a CANCEL or ERROR) and the
// WA_EMBEDDED_SIGNUP event as the dialog sent it.
type SignupPost struct {
	Code  Secret       `json:"code"`
	Event *SignupEvent `json:"event"`
}

// DecodeSignupPost reads the page's post (JSON {"code": ..., "event":
// {...}}) up to MaxSignupPostBytes and turns it into a SignupSession for
// Onboard. The event may be missing (a dialog closed on its last screen
// still finishes, and Meta does not promise the message): the session is
// then a FINISH whose ids Onboard recovers from the token's grants. The session's ClientRef is left empty: set it from your own
// signed-in customer, never from the page. The session is validated (see
// SignupSession.Validate) before it is returned, so a malformed post fails
// here with a *ValidationError and nothing is called.
func DecodeSignupPost(r io.Reader) (SignupSession, *SignupEvent, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSignupPostBytes+1))
	if err != nil {
		return SignupSession{}, nil, fmt.Errorf("wabsp: reading the signup post: %w", err)
	}
	if len(b) > MaxSignupPostBytes {
		return SignupSession{}, nil, ErrSignupPostTooLarge
	}
	var p SignupPost
	if err := json.Unmarshal(b, &p); err != nil {
		var v validator
		v.addf("body", "is not the page's JSON post: %s", err.Error())
		return SignupSession{}, nil, v.err("DecodeSignupPost")
	}
	s := SignupSession{Code: p.Code}
	if p.Event != nil {
		if p.Event.Type != "WA_EMBEDDED_SIGNUP" {
			var v validator
			v.addf("event.type", "must be WA_EMBEDDED_SIGNUP, got %s", strconv.Quote(truncate(p.Event.Type, 32)))
			return SignupSession{}, nil, v.err("DecodeSignupPost")
		}
		d := p.Event.Data
		s.Ending, s.Event = p.Event.Event, p.Event
		s.WABAID, s.PhoneNumberID, s.BusinessID = d.WABAID, d.PhoneNumberID, d.BusinessID
	}
	if err := s.Validate(); err != nil {
		return SignupSession{}, nil, err
	}
	return s, p.Event, nil
}

// SignupEndedError is Onboard's answer for a session whose signup did not
// finish (CANCEL or ERROR): nothing was called. It carries what the event
// said, for the log; show the customer a message of your own.
type SignupEndedError struct {
	Ending       SignupEnding
	CurrentStep  SignupStep
	ErrorMessage string
	ErrorCode    string
	SessionID    string
}

// Error says how the signup ended.
func (e *SignupEndedError) Error() string {
	s := "wabsp: the customer's signup ended with " + string(e.Ending)
	if e.CurrentStep != "" {
		s += " at " + string(e.CurrentStep)
	}
	if e.ErrorCode != "" || e.ErrorMessage != "" {
		s += fmt.Sprintf(" (error %s: %s)", e.ErrorCode, truncate(e.ErrorMessage, 200))
	}
	if e.SessionID != "" {
		s += " session " + e.SessionID
	}
	return s
}

// Is makes errors.Is(err, ErrSignupNotFinished) hold.
func (e *SignupEndedError) Is(target error) bool { return target == ErrSignupNotFinished }

// ErrSignupNotFinished matches every *SignupEndedError.
var ErrSignupNotFinished = errors.New("wabsp: the customer's signup did not finish")
