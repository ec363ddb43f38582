package wabsp

import (
	"errors"
	"strings"
)

// Sentinels for the Graph errors callers branch on. Test with errors.Is on
// any error that carries a *GraphError (the status-typed errors, an
// *OnboardingError around one). They are matched on the envelope's code and
// subcode, never on Meta's wording, which is reworded and localised.
var (
	// ErrCodeExpired: the Embedded Signup code was exchanged too late
	// (code 100, subcode 36007). Codes live about 30 seconds.
	ErrCodeExpired = errors.New("wabsp: the authorization code has expired")
	// ErrCodeAlreadyUsed: the code was exchanged before (code 100, subcode
	// 36009). ErrCodeReused, the SDK's own refusal, matches it too.
	ErrCodeAlreadyUsed = errors.New("wabsp: the authorization code has been used")
	// ErrTemplateExists: a template with this name already has content in
	// this language (code 100, subcode 2388024). Edit it, or pick another
	// name or language.
	ErrTemplateExists = errors.New("wabsp: a template with this name and language already exists")
	// ErrPhoneNumberInUse: the number is still registered to a WhatsApp
	// (consumer or Business app) account and must be deleted from the app
	// first (code 100, subcode 2388001).
	ErrPhoneNumberInUse = errors.New("wabsp: the phone number is in use by a WhatsApp app account")
	// ErrTooManyCodeRequests: verification codes were requested for the
	// number too often; wait before requesting another. Graph answers code
	// 136024 for several request_code refusals (an already verified number
	// too), so this one sentinel also reads error_data.details, for "too
	// many": the only match here that depends on wording.
	ErrTooManyCodeRequests = errors.New("wabsp: too many verification code requests for the phone number")
	// ErrRegisterLimit: more than 10 register or deregister calls for the
	// number in 72 hours (code 133016); the number is blocked for 72 hours.
	ErrRegisterLimit = errors.New("wabsp: register/deregister limit reached for the phone number")
	// ErrAccessRevoked: the access token is no longer valid: it expired,
	// was revoked, the customer removed the app (subcode 458) or changed
	// their password (460) (code 190, any subcode, or 102). Ask the customer
	// to run Embedded Signup again.
	ErrAccessRevoked = errors.New("wabsp: the access token was revoked or expired, or the customer removed the app")
	// ErrSyncAlreadyRequested: this coexistence sync type was already
	// requested for the number (code 2593107). Each type may be requested
	// once per onboarding; after 24 hours the customer must offboard and
	// sign up again.
	ErrSyncAlreadyRequested = errors.New("wabsp: this coexistence sync was already requested for the number")
)

// graphReasons maps a code (and subcode, 0 for any) to its sentinel.
var graphReasons = []struct {
	code, subcode int
	// detailsHave, when set, must appear in error_data.details: Graph
	// shares code 136024 among several request_code refusals.
	detailsHave string
	reason      error
}{
	{100, 36007, "", ErrCodeExpired},
	{100, 36009, "", ErrCodeAlreadyUsed},
	{100, 2388024, "", ErrTemplateExists},
	{100, 2388001, "", ErrPhoneNumberInUse},
	{136024, 0, "too many", ErrTooManyCodeRequests},
	{133016, 0, "", ErrRegisterLimit},
	{190, 0, "", ErrAccessRevoked},
	{102, 0, "", ErrAccessRevoked},
	{2593107, 0, "", ErrSyncAlreadyRequested},
}

// Is reports whether target is the sentinel for e's code and subcode.
func (e *GraphError) Is(target error) bool {
	for _, r := range graphReasons {
		if r.reason != target || r.code != e.Code || (r.subcode != 0 && r.subcode != e.Subcode) {
			continue
		}
		if r.detailsHave != "" && !containsFold(e.Data.Details, r.detailsHave) {
			continue
		}
		return true
	}
	return false
}

func containsFold(s, substr string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(substr))
}
