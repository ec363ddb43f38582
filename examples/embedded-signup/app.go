package main

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/wabsp/wabsp"
)

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// page is what the server fills into the onboarding page.
type page struct {
	AppID        string
	ConfigID     string
	GraphVersion string
	// SDKURL is Meta's SDK, or the sandbox's stub of it.
	SDKURL string
	// AllowSameOrigin accepts WA_EMBEDDED_SIGNUP messages from the page's
	// own origin, where the sandbox's stub posts them; the real dialog
	// posts from facebook.com.
	AllowSameOrigin bool
	// SDKTimeoutMs and DialogTimeoutMs bound how long the page waits for
	// Meta's SDK to load and for its dialog to answer (defaults 20 s and 10
	// minutes; tests shorten them).
	SDKTimeoutMs, DialogTimeoutMs int
}

// pageData is one rendering of the page: its settings and the signed-in
// customer's CSRF token.
type pageData struct {
	page
	CSRFToken string
}

// app serves the onboarding page and the API it calls.
type app struct {
	client   *wabsp.Client
	page     page
	logger   *slog.Logger
	sessions *sessions
	mux      *http.ServeMux
}

func newApp(client *wabsp.Client, p page, logger *slog.Logger) *app {
	if p.SDKTimeoutMs == 0 {
		p.SDKTimeoutMs = 20_000
	}
	if p.DialogTimeoutMs == 0 {
		p.DialogTimeoutMs = 10 * 60_000
	}
	a := &app{client: client, page: p, logger: logger, sessions: newSessions(), mux: http.NewServeMux()}
	a.mux.HandleFunc("GET /{$}", a.servePage)
	a.mux.HandleFunc("POST /api/whatsapp/embedded-signup", a.onboard)
	return a
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

func (a *app) servePage(w http.ResponseWriter, r *http.Request) {
	cs, ok := a.sessions.current(r)
	if !ok {
		cs = a.sessions.signIn(w, r)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The page holds the CSRF token: no cache may keep it.
	w.Header().Set("Cache-Control", "no-store")
	if err := pageTemplate.Execute(w, pageData{page: a.page, CSRFToken: cs.CSRFToken}); err != nil {
		a.logger.Error("rendering the page", "error", err)
	}
}

// onboardResponse is the API's answer to the page. It never carries the
// customer's token nor a technical error: Error is for the customer to read,
// Reference is what they quote to support, and the server log holds the
// cause under the same reference.
type onboardResponse struct {
	Status        string   `json:"status,omitempty"`
	Message       string   `json:"message,omitempty"`
	WABAID        string   `json:"waba_id,omitempty"`
	BusinessID    string   `json:"business_id,omitempty"`
	PhoneNumberID string   `json:"phone_number_id,omitempty"`
	APIID         string   `json:"api_id,omitempty"`
	Recovered     []string `json:"recovered,omitempty"`
	NextSteps     []string `json:"next_steps,omitempty"`
	Error         string   `json:"error,omitempty"`
	Reference     string   `json:"reference,omitempty"`
}

func (a *app) onboard(w http.ResponseWriter, r *http.Request) {
	reference := randomHex(8)
	cs, ok := a.sessions.current(r)
	if !ok {
		a.logger.Warn("onboarding refused: no session", "reference", reference)
		writeJSON(w, http.StatusUnauthorized, onboardResponse{Error: msgSignedOut, Reference: reference})
		return
	}
	if !cs.validCSRF(r) {
		a.logger.Warn("onboarding refused: missing or wrong CSRF token", "reference", reference, "customer", cs.CustomerID)
		writeJSON(w, http.StatusForbidden, onboardResponse{Error: msgStalePage, Reference: reference})
		return
	}
	// The page posts the code and Meta's WA_EMBEDDED_SIGNUP event as they
	// came; DecodeSignupPost caps, decodes and validates them.
	session, event, err := wabsp.DecodeSignupPost(http.MaxBytesReader(w, r.Body, wabsp.MaxSignupPostBytes))
	if err != nil {
		var ve *wabsp.ValidationError
		msg, what := msgBadRequest, "unreadable post"
		if errors.As(err, &ve) && !ve.Has("body") {
			msg, what = msgIncomplete, "invalid post"
		}
		a.logger.Warn("onboarding refused: "+what, "reference", reference, "customer", cs.CustomerID, "error", err)
		writeJSON(w, http.StatusBadRequest, onboardResponse{Error: msg, Reference: reference})
		return
	}
	if event != nil {
		a.logger.Info("signup ended", "reference", reference, "customer", cs.CustomerID, "event", event.Event,
			"step", event.Data.CurrentStep, "error_code", event.Data.ErrorCode, "error_message", event.Data.ErrorMessage,
			"session_id", event.Data.SessionID)
	}
	// The WABA is onboarded for the signed-in customer, whatever the body
	// says: Plivo keeps the reference with it.
	session.ClientRef = cs.CustomerID

	res, err := a.client.Onboard(r.Context(), session)
	if err != nil {
		f := failureFor(err)
		var (
			oe  *wabsp.OnboardingError
			api *wabsp.APIError
		)
		step, upstreamID := "", ""
		if errors.As(err, &oe) {
			step = string(oe.Step)
		}
		if errors.As(err, &api) {
			upstreamID = api.RequestID
		}
		a.logger.Warn("onboarding failed", "reference", reference, "customer", cs.CustomerID, "step", step,
			"upstream_request_id", upstreamID, "status", f.status, "error", err)
		writeJSON(w, f.status, onboardResponse{Error: f.message, Reference: reference})
		return
	}
	// A real backend stores res.Token (encrypted) with the customer here,
	// and for AwaitingPhoneNumber the whole result, for CompleteOnboarding.
	out := onboardResponse{
		WABAID: res.WABAID, BusinessID: res.BusinessID, PhoneNumberID: res.PhoneNumberID,
		APIID: res.APIID, Recovered: res.Recovered,
	}
	switch {
	case res.AwaitingPhoneNumber:
		out.Status, out.Message, out.NextSteps = "awaiting_phone_number", fmt.Sprintf(msgAwaitingNumber, res.WABAID), stepsAwaitingNumber
	case res.Coexistence != nil:
		out.Status, out.Message, out.NextSteps = "coexistence", fmt.Sprintf(msgCoexistence, res.PhoneNumberID), stepsCoexistence
	default:
		out.Status = "onboarded"
		if res.AlreadyOnboarded {
			out.Status = "already_onboarded"
		}
		out.Message = fmt.Sprintf(msgConnected, res.WABAID, res.PhoneNumberID)
		if res.AlreadyOnboarded {
			out.Message = fmt.Sprintf(msgAlreadyConnected, res.WABAID, res.PhoneNumberID)
		}
		out.NextSteps = nextSteps(a.number(r, reference, res))
	}
	a.logger.Info("onboarded", "reference", reference, "customer", cs.CustomerID, "waba_id", res.WABAID,
		"api_id", res.APIID, "status", out.Status, "ending", res.Ending)
	writeJSON(w, http.StatusOK, out)
}

// number reads the new number's display name review and status with the
// customer's token, for the next steps; nil when it cannot be read now,
// which does not undo the onboarding.
func (a *app) number(r *http.Request, reference string, res *wabsp.OnboardingResult) *wabsp.PhoneNumber {
	if res.PhoneNumberID == "" {
		return nil
	}
	n, err := a.client.WithToken(res.Token.AccessToken).GetPhoneNumber(r.Context(), res.PhoneNumberID)
	if err != nil {
		a.logger.Warn("reading the onboarded number", "reference", reference, "phone_number_id", res.PhoneNumberID, "error", err)
		return nil
	}
	return n
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
