package wabsp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// SignupSession is what the frontend sends the backend when a customer's
// Embedded Signup ends: the code from FB.login, and the ending and ids from
// the WA_EMBEDDED_SIGNUP event (DecodeSignupPost builds it from the page's
// post). Any id may be empty; Onboard recovers it from the token's grants.
type SignupSession struct {
	Code          Secret `json:"code"`
	WABAID        string `json:"waba_id,omitempty"`
	PhoneNumberID string `json:"phone_number_id,omitempty"`
	BusinessID    string `json:"business_id,omitempty"`
	ClientRef     string `json:"client_ref,omitempty"`
	// Ending is how the signup ended; empty means SignupFinish.
	Ending SignupEnding `json:"event,omitempty"`
	// Event is the whole event, when the page forwarded it.
	Event *SignupEvent `json:"-"`
}

// Validate checks the session before any network call: a well-formed code
// (for an ending that has one), numeric ids where given, and a client_ref
// of at most 64 characters.
func (s SignupSession) Validate() error {
	var v validator
	if s.Ending.Finished() {
		checkCode(&v, "code", s.Code)
	}
	for _, id := range []struct{ field, value string }{
		{"waba_id", s.WABAID}, {"phone_number_id", s.PhoneNumberID}, {"business_id", s.BusinessID},
	} {
		if id.value != "" && !isDigits(id.value) {
			v.notNumeric(id.field, id.value)
		}
	}
	v.maxLen("client_ref", s.ClientRef, MaxClientRefLength)
	return v.err("Onboard")
}

// OnboardingStep names a step of Onboard, in the order they run.
type OnboardingStep string

// The steps of Onboard.
const (
	StepValidate       OnboardingStep = "validate"
	StepExchangeCode   OnboardingStep = "exchange_code"
	StepDebugToken     OnboardingStep = "debug_token"
	StepCheckToken     OnboardingStep = "check_token"
	StepResolveIDs     OnboardingStep = "resolve_ids"
	StepSubscribeApp   OnboardingStep = "subscribe_app"
	StepEmbeddedSignup OnboardingStep = "embedded_signup"
	// StepCoexistenceSync starts the contacts and history syncs of a
	// number that stays on the WhatsApp Business app.
	StepCoexistenceSync OnboardingStep = "coexistence_sync"
)

// OnboardingError says which step of Onboard failed. It wraps the cause, so
// errors.As and errors.Is reach the typed error underneath (a *GraphError, a
// *BadRequestError, ErrScopeMissing, ...).
type OnboardingError struct {
	Step OnboardingStep
	Err  error
}

// Error names the step and the cause.
func (e *OnboardingError) Error() string {
	// The cause's own "wabsp: " would stutter after ours.
	return fmt.Sprintf("wabsp: onboarding failed at %s: %s", e.Step, strings.TrimPrefix(fmt.Sprint(e.Err), "wabsp: "))
}

// Unwrap returns the cause.
func (e *OnboardingError) Unwrap() error { return e.Err }

// Reasons Onboard refuses a token or a session. Test with errors.Is.
var (
	ErrTokenInvalid      = errors.New("wabsp: the access token is not valid")
	ErrTokenForOtherApp  = errors.New("wabsp: the access token was issued to another app")
	ErrScopeMissing      = errors.New("wabsp: the access token lacks a required permission")
	ErrIDNotGranted      = errors.New("wabsp: the session names an object the token was not granted")
	ErrIDUnresolved      = errors.New("wabsp: an id is missing from the session and cannot be recovered")
	ErrIDAmbiguous       = errors.New("wabsp: an id is missing from the session and the token grants several")
	errUnexpectedPayload = errors.New("unexpected response")
)

// OnboardingResult reports a finished onboarding.
type OnboardingResult struct {
	WABAID        string
	BusinessID    string
	PhoneNumberID string
	ClientRef     string
	// APIID is Plivo's id for the Embedded Signup call (of the "already
	// registered" answer when AlreadyOnboarded).
	APIID string
	// Message is Plivo's message.
	Message string
	// AlreadyOnboarded is true when Plivo answered that the WABA was
	// onboarded before: by an earlier Onboard for the same customer, or by an
	// attempt whose success was lost to a 500.
	AlreadyOnboarded bool
	// Recovered lists the ids ("waba_id", "business_id", "phone_number_id")
	// that the session lacked and Onboard recovered.
	Recovered []string
	// Token is the customer's business token: store it (encrypted) to manage
	// the customer's numbers and templates with Client.WithToken.
	Token AccessToken
	// TokenInfo is what debug_token said of Token.
	TokenInfo *TokenInfo
	// Ending is how the customer's signup ended (SignupFinish when the
	// session did not say).
	Ending SignupEnding
	// AwaitingPhoneNumber is set for SignupFinishOnlyWABA: the WABA is
	// connected and subscribed, Plivo was not called (it needs a number).
	// Call CompleteOnboarding once the customer has added one.
	AwaitingPhoneNumber bool
	// Coexistence holds the sync requests started for
	// SignupFinishBusinessApp.
	Coexistence *CoexistenceSyncs
}

// Onboard runs the backend half of Embedded Signup for one customer:
//
//  1. exchange the session's code for the customer's business token;
//  2. debug_token on it: valid, issued to this app, granting
//     whatsapp_business_management and whatsapp_business_messaging;
//  3. take the WABA, business and phone number ids from the session, fill in
//     any missing one from the token's granular scopes (the phone number
//     from GET /{waba-id}/phone_numbers), and refuse an id that contradicts
//     the grants;
//  4. subscribe the app to the WABA's webhooks (which also proves the token
//     can act on the WABA where Graph listed no target ids);
//  5. call Plivo's Embedded Signup API (with WithSolution, after counting
//     the customer against the solution's weekly limit).
//
// Onboard is idempotent for one session: Plivo's "already registered" answer
// for the WABA is a success with AlreadyOnboarded set, and the token a code
// was exchanged for is remembered for 15 minutes (keyed by a hash of the
// code) so that running Onboard again with the same session does not fail on
// the single-use code. "The same session" means the same code, client_ref,
// waba_id, phone_number_id and business_id, field for field (an empty field
// matches only an empty field). Any other session presenting a code this
// Client has exchanged fails at StepExchangeCode with ErrCodeReused before
// anything is sent: a replayed code must never hand one customer's token to
// another tenant.
//
// The memory is per Client (at most 1,024 codes). In a deployment with
// several replicas, a retry that lands on another replica exchanges the code
// again and Graph answers ErrCodeAlreadyUsed: store the OnboardingResult
// (its Token, encrypted) under the session when the first Onboard succeeds,
// and answer a retry from the store rather than from the code, or route a
// session's retries to the replica that served it.
//
// Onboard routes on the session's Ending:
//   - SignupFinish (or empty), SignupFinishOBOMigration and
//     SignupFinishGrantOnlyAPIAccess: all five steps. For the last two this
//     SDK assumes, as neither Meta nor Plivo documents otherwise, that the
//     shared WABA and number are onboarded with Plivo like any other.
//   - SignupFinishOnlyWABA: steps 1 to 4; the result has
//     AwaitingPhoneNumber set, and CompleteOnboarding runs step 5 once the
//     customer has added a number.
//   - SignupFinishBusinessApp (coexistence): all five steps (Plivo's guide
//     does not mention coexistence; this SDK assumes its call applies
//     unchanged), never a register call, then StartCoexistenceSync for the app's contacts and
//     its history, which Meta allows once each within 24 hours of
//     onboarding. If a sync fails the customer is onboarded all the same:
//     Onboard returns the result with an *OnboardingError at
//     StepCoexistenceSync; retry StartCoexistenceSync.
//   - SignupCancel, SignupError and unknown endings: nothing is called; the
//     error at StepValidate wraps a *SignupEndedError.
//
// The code lives about 30 seconds: the page must post it at once, and an
// expired or used code fails at StepExchangeCode with ErrCodeExpired or
// ErrCodeAlreadyUsed.
//
// A failure is an *OnboardingError naming its step.
func (c *Client) Onboard(ctx context.Context, s SignupSession) (*OnboardingResult, error) {
	if err := s.Validate(); err != nil {
		return nil, &OnboardingError{Step: StepValidate, Err: err}
	}
	if !s.Ending.Finished() {
		return nil, &OnboardingError{Step: StepValidate, Err: s.endedError()}
	}
	if c.appID == "" || c.appSecret.IsZero() {
		return nil, &OnboardingError{Step: StepValidate, Err: ErrNoMetaApp}
	}
	if c.authID == "" || c.authToken.IsZero() {
		return nil, &OnboardingError{Step: StepValidate, Err: ErrNoPlivoCredentials}
	}

	tok, err := c.exchangeCodeOnce(ctx, s)
	if err != nil {
		return nil, &OnboardingError{Step: StepExchangeCode, Err: err}
	}
	info, err := c.DebugToken(ctx, tok.AccessToken)
	if err != nil {
		return nil, &OnboardingError{Step: StepDebugToken, Err: err}
	}
	if err := c.checkToken(info); err != nil {
		return nil, &OnboardingError{Step: StepCheckToken, Err: err}
	}

	res := &OnboardingResult{ClientRef: s.ClientRef, Token: *tok, TokenInfo: info, Ending: s.Ending}
	if res.Ending == "" {
		res.Ending = SignupFinish
	}
	customer := c.WithToken(tok.AccessToken)
	onlyWABA := s.Ending == SignupFinishOnlyWABA
	if err := customer.resolveIDs(ctx, s, info, res, !onlyWABA); err != nil {
		return nil, &OnboardingError{Step: StepResolveIDs, Err: err}
	}
	if err := customer.SubscribeApp(ctx, res.WABAID); err != nil {
		return nil, &OnboardingError{Step: StepSubscribeApp, Err: err}
	}
	if onlyWABA {
		res.AwaitingPhoneNumber = true
		return res, nil
	}
	if err := c.signupWithPlivo(ctx, res); err != nil {
		return nil, err
	}
	if s.Ending == SignupFinishBusinessApp {
		syncs, err := customer.startBothSyncs(ctx, res.PhoneNumberID)
		res.Coexistence = syncs
		if err != nil {
			return res, &OnboardingError{Step: StepCoexistenceSync, Err: err}
		}
	}
	return res, nil
}

// signupWithPlivo is step 5: Plivo's Embedded Signup call, its "already
// registered" answer a success.
func (c *Client) signupWithPlivo(ctx context.Context, res *OnboardingResult) error {
	if err := c.reserveSolutionSlot(ctx, res); err != nil {
		return err
	}
	resp, err := c.EmbeddedSignup(ctx, EmbeddedSignupRequest{
		WABAID: res.WABAID, BusinessID: res.BusinessID, PhoneNumberID: res.PhoneNumberID, ClientRef: res.ClientRef,
	})
	switch {
	case err == nil:
		res.APIID, res.Message = resp.APIID, resp.Message
	case alreadyOnboarded(err, res):
	default:
		c.releaseSolutionSlot(ctx, res.WABAID)
		return &OnboardingError{Step: StepEmbeddedSignup, Err: err}
	}
	return nil
}

// CompleteOnboarding finishes an onboarding that ended with
// SignupFinishOnlyWABA once the customer has added a phone number to the
// WABA: it finds the number (GET /{waba-id}/phone_numbers with the
// customer's business token, unless res.PhoneNumberID is set) and calls
// Plivo's Embedded Signup API. Meta sends no webhook for a number added to
// a WABA; poll ListPhoneNumbers with the stored token (or let the customer
// tell you) and call this when a number appears. res is the stored result
// of Onboard; it is updated in place and returned. Errors are
// *OnboardingError at StepResolveIDs or StepEmbeddedSignup.
func (c *Client) CompleteOnboarding(ctx context.Context, res *OnboardingResult) (*OnboardingResult, error) {
	var v validator
	if res == nil {
		v.addf("result", "is required: the OnboardingResult Onboard returned")
	} else {
		if res.Token.AccessToken.IsZero() {
			v.addf("token", "is required: the customer's business token from Onboard")
		}
		if !isDigits(res.WABAID) {
			v.notNumeric("waba_id", res.WABAID)
		}
		if res.PhoneNumberID != "" && !isDigits(res.PhoneNumberID) {
			v.notNumeric("phone_number_id", res.PhoneNumberID)
		}
	}
	if err := v.err("CompleteOnboarding"); err != nil {
		return nil, &OnboardingError{Step: StepValidate, Err: err}
	}
	if res.PhoneNumberID == "" {
		customer := c.WithToken(res.Token.AccessToken)
		if err := customer.resolvePhoneNumber(ctx, res); err != nil {
			return nil, &OnboardingError{Step: StepResolveIDs, Err: err}
		}
	}
	if err := c.signupWithPlivo(ctx, res); err != nil {
		return nil, err
	}
	res.AwaitingPhoneNumber = false
	return res, nil
}

// endedError describes a session whose signup did not finish.
func (s SignupSession) endedError() *SignupEndedError {
	e := &SignupEndedError{Ending: s.Ending}
	if s.Event != nil {
		d := s.Event.Data
		e.CurrentStep, e.ErrorMessage, e.ErrorCode, e.SessionID = d.CurrentStep, d.ErrorMessage, d.ErrorCode, d.SessionID
	}
	return e
}

// alreadyOnboarded records Plivo's "already registered" answer in res as a
// success. Safe to call success: step 3 or 4 established that the token
// grants this WABA, so this is not someone else's account. (Kept out of
// Onboard so that the errors.As target is not a heap allocation on every
// onboarding.)
func alreadyOnboarded(err error, res *OnboardingResult) bool {
	var bad *BadRequestError
	if !errors.Is(err, ErrWABAAlreadyOnboarded) || !errors.As(err, &bad) {
		return false
	}
	res.AlreadyOnboarded = true
	res.APIID, res.Message = bad.RequestID, bad.Message
	return true
}

// checkToken refuses a token that is invalid, not ours, or short of the
// permissions a Tech Provider needs.
func (c *Client) checkToken(info *TokenInfo) error {
	if !info.IsValid {
		if info.Error != nil {
			return fmt.Errorf("%w: %s (code %d)", ErrTokenInvalid, info.Error.Message, info.Error.Code)
		}
		return ErrTokenInvalid
	}
	if info.AppID != c.appID {
		return fmt.Errorf("%w: issued to app %s, this client is app %s", ErrTokenForOtherApp, info.AppID, c.appID)
	}
	if missing := info.MissingScopes(ScopeWhatsAppBusinessManagement, ScopeWhatsAppBusinessMessaging); len(missing) > 0 {
		return fmt.Errorf("%w: %s", ErrScopeMissing, strings.Join(missing, ", "))
	}
	return nil
}

// resolveIDs fills res's ids from the session, the token's grants and, for
// the phone number, the WABA's numbers.
func (c *Client) resolveIDs(ctx context.Context, s SignupSession, info *TokenInfo, res *OnboardingResult, needPhone bool) error {
	var err error
	if res.WABAID, err = pickGranted("waba_id", s.WABAID, info.WABAIDs(), res); err != nil {
		return err
	}
	if res.BusinessID, err = pickGranted("business_id", s.BusinessID, info.BusinessIDs(), res); err != nil {
		return err
	}
	res.PhoneNumberID = s.PhoneNumberID
	if res.PhoneNumberID == "" && needPhone {
		return c.resolvePhoneNumber(ctx, res)
	}
	return nil
}

// resolvePhoneNumber takes the WABA's only phone number.
func (c *Client) resolvePhoneNumber(ctx context.Context, res *OnboardingResult) error {
	ids, err := c.phoneNumberIDs(ctx, res.WABAID)
	if err != nil {
		return err
	}
	switch len(ids) {
	case 0:
		return fmt.Errorf("%w: phone_number_id (WABA %s has no phone number)", ErrIDUnresolved, res.WABAID)
	case 1:
		res.PhoneNumberID = ids[0]
		res.Recovered = append(res.Recovered, "phone_number_id")
	default:
		return fmt.Errorf("%w: phone_number_id (WABA %s has %d numbers)", ErrIDAmbiguous, res.WABAID, len(ids))
	}
	return nil
}

// pickGranted takes the session's id when the grants allow it, or the only
// granted id when the session has none. An empty grant list means Graph did
// not restrict the scope to objects, so the session's id stands (and the
// subscribe step proves access).
func pickGranted(field, fromSession string, granted []string, res *OnboardingResult) (string, error) {
	switch {
	case fromSession != "" && len(granted) > 0 && !slices.Contains(granted, fromSession):
		return "", fmt.Errorf("%w: %s %s is not among those the token grants (%s)", ErrIDNotGranted, field, fromSession, strings.Join(granted, ", "))
	case fromSession != "":
		return fromSession, nil
	case len(granted) == 1:
		res.Recovered = append(res.Recovered, field)
		return granted[0], nil
	case len(granted) == 0:
		return "", fmt.Errorf("%w: %s", ErrIDUnresolved, field)
	default:
		return "", fmt.Errorf("%w: %s (%s)", ErrIDAmbiguous, field, strings.Join(granted, ", "))
	}
}

// phoneNumberIDs lists the ids of a WABA's phone numbers, stopping at two:
// enough to tell one from several.
func (c *Client) phoneNumberIDs(ctx context.Context, wabaID string) ([]string, error) {
	var ids []string
	for n, err := range c.ListPhoneNumbers(ctx, wabaID, &ListPhoneNumbersOptions{Fields: []string{"id"}}) {
		if err != nil {
			return nil, err
		}
		if n.ID == "" {
			return nil, fmt.Errorf("%w: phone number without id", errUnexpectedPayload)
		}
		if ids = append(ids, n.ID); len(ids) == 2 {
			break
		}
	}
	return ids, nil
}
