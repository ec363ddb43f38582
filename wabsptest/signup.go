package wabsptest

import (
	"encoding/json"
	"time"

	"github.com/wabsp/wabsp"
)

// waba is a customer's WhatsApp Business Account in the sandbox.
type waba struct {
	id, businessID string
	phones         []string
	subscribed     bool
	onboarded      bool
	onboardedAt    time.Time // on the sandbox's clock
}

// grant is what an access token may do.
type grant struct {
	token       string
	appID       string
	wabaIDs     []string
	businessIDs []string
	scopes      []string
	issuedAt    time.Time
}

// codeGrant is an authorization code waiting to be exchanged.
type codeGrant struct {
	grant   *grant
	used    bool
	expires time.Time
}

// Signup is a customer who has just finished Embedded Signup in the
// sandbox: the code and ids the frontend would send the backend.
type Signup struct {
	Code          string
	WABAID        string
	BusinessID    string
	PhoneNumberID string
	// AccessToken is what Code exchanges for.
	AccessToken wabsp.Secret
	// Ending is how the signup ended (SignupFinish unless an option said
	// otherwise).
	Ending wabsp.SignupEnding

	cancelStep wabsp.SignupStep
}

// Session returns the signup as the session Onboard takes.
func (g Signup) Session(clientRef string) wabsp.SignupSession {
	return wabsp.SignupSession{
		Code: wabsp.Secret(g.Code), WABAID: g.WABAID, BusinessID: g.BusinessID, PhoneNumberID: g.PhoneNumberID, ClientRef: clientRef,
		Ending: g.Ending, Event: g.Event(),
	}
}

// Event returns the WA_EMBEDDED_SIGNUP message event Meta's dialog would
// have posted to the page for this signup (version 3's shape, which v4
// keeps).
func (g Signup) Event() *wabsp.SignupEvent {
	return &wabsp.SignupEvent{Type: "WA_EMBEDDED_SIGNUP", Event: g.Ending, Version: "3", Data: wabsp.SignupEventData{
		WABAID: g.WABAID, PhoneNumberID: g.PhoneNumberID, BusinessID: g.BusinessID, CurrentStep: g.cancelStep,
	}}
}

// Post returns the JSON body the example page posts to its backend for this
// signup: {"code": ..., "event": {...}}, as wabsp.DecodeSignupPost reads it.
func (g Signup) Post() []byte {
	b, err := json.Marshal(map[string]any{"code": g.Code, "event": g.Event()})
	if err != nil {
		panic("wabsptest: " + err.Error())
	}
	return b
}

// CancelledSignup is a signup the customer left at step: there is no code,
// and Onboard must refuse it without a call.
func CancelledSignup(step wabsp.SignupStep) Signup {
	return Signup{Ending: wabsp.SignupCancel, cancelStep: step}
}

// SignupOption shapes a new signup.
type SignupOption func(*signupConfig)

type signupConfig struct {
	expired bool
	scopes  []string
	appID   string
	phones  int
	ending  wabsp.SignupEnding
}

// Ending sets how the signup ends. SignupFinishOnlyWABA gives the WABA no
// phone number (add one later with AddPhoneNumber); SignupFinishBusinessApp
// makes its number a coexistence number, on the WhatsApp Business app
// (is_on_biz_app) with a chat history and contacts to sync. For CANCEL use
// CancelledSignup.
func Ending(e wabsp.SignupEnding) SignupOption {
	return func(c *signupConfig) {
		if e == "" {
			e = wabsp.SignupFinish
		}
		c.ending = e
		if e == wabsp.SignupFinishOnlyWABA {
			c.phones = 0
		}
	}
}

// CodeExpired issues a code that has already expired.
func CodeExpired() SignupOption { return func(c *signupConfig) { c.expired = true } }

// Scopes replaces the permissions the customer grants (by default
// whatsapp_business_management, whatsapp_business_messaging and
// business_management).
func Scopes(scopes ...string) SignupOption { return func(c *signupConfig) { c.scopes = scopes } }

// ForApp issues the token to another app, as a code stolen from another
// Tech Provider's flow would be.
func ForApp(appID string) SignupOption { return func(c *signupConfig) { c.appID = appID } }

// PhoneNumbers gives the WABA n phone numbers (default 1); the signup's
// PhoneNumberID is the first.
func PhoneNumbers(n int) SignupOption { return func(c *signupConfig) { c.phones = n } }

// NewSignup creates a customer (business, WABA, phone numbers) and the
// authorization code their Embedded Signup returned.
func (s *Server) NewSignup(opts ...SignupOption) Signup {
	cfg := signupConfig{
		scopes: []string{wabsp.ScopeWhatsAppBusinessManagement, wabsp.ScopeWhatsAppBusinessMessaging, wabsp.ScopeBusinessManagement},
		appID:  s.appID, phones: 1, ending: wabsp.SignupFinish,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w := &waba{id: s.newIDLocked(), businessID: s.newIDLocked()}
	for i := 0; i < cfg.phones; i++ {
		id := s.newIDLocked()
		w.phones = append(w.phones, id)
		s.phoneOwner[id] = w.id
		s.numbers[id] = s.newPhoneNumberLocked(id, w.id)
		if cfg.ending == wabsp.SignupFinishBusinessApp {
			// A coexistence number is already verified and in use on the
			// app; Meta connects it to the Cloud API without a register.
			n := s.numbers[id]
			n.bizApp, n.codeStatus, n.status, n.platform = true, "VERIFIED", "CONNECTED", "CLOUD_API"
		}
	}
	s.wabas[w.id] = w
	g := &grant{
		token: "EAASANDBOX" + randomHex(24), appID: cfg.appID, scopes: cfg.scopes,
		wabaIDs: []string{w.id}, businessIDs: []string{w.businessID}, issuedAt: time.Now(),
	}
	s.tokens[g.token] = g
	code := "AQSANDBOX" + randomHex(24)
	cg := &codeGrant{grant: g, expires: time.Now().Add(10 * time.Minute)}
	if cfg.expired {
		cg.expires = time.Now().Add(-time.Minute)
	}
	s.codes[code] = cg
	out := Signup{Code: code, WABAID: w.id, BusinessID: w.businessID, AccessToken: wabsp.Secret(g.token), Ending: cfg.ending}
	if len(w.phones) > 0 {
		out.PhoneNumberID = w.phones[0]
	}
	return out
}
