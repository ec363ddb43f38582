package main

import (
	_ "embed"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

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
}

// app serves the onboarding page and the API it calls.
type app struct {
	client *wabsp.Client
	page   page
	logger *slog.Logger
	mux    *http.ServeMux
}

func newApp(client *wabsp.Client, p page, logger *slog.Logger) *app {
	a := &app{client: client, page: p, logger: logger, mux: http.NewServeMux()}
	a.mux.HandleFunc("GET /{$}", a.servePage)
	a.mux.HandleFunc("POST /api/whatsapp/embedded-signup", a.onboard)
	return a
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

func (a *app) servePage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTemplate.Execute(w, a.page); err != nil {
		a.logger.Error("rendering the page", "error", err)
	}
}

// onboardResponse is the API's answer to the page. It never carries the
// customer's token.
type onboardResponse struct {
	Status        string   `json:"status,omitempty"`
	WABAID        string   `json:"waba_id,omitempty"`
	BusinessID    string   `json:"business_id,omitempty"`
	PhoneNumberID string   `json:"phone_number_id,omitempty"`
	APIID         string   `json:"api_id,omitempty"`
	Recovered     []string `json:"recovered,omitempty"`
	Error         string   `json:"error,omitempty"`
	Step          string   `json:"step,omitempty"`
}

func (a *app) onboard(w http.ResponseWriter, r *http.Request) {
	var session wabsp.SignupSession
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	if err := dec.Decode(&session); err != nil {
		writeJSON(w, http.StatusBadRequest, onboardResponse{Error: "the request body must be a JSON object with code, waba_id, phone_number_id and business_id"})
		return
	}
	res, err := a.client.Onboard(r.Context(), session)
	if err != nil {
		var oe *wabsp.OnboardingError
		step, msg := "", err.Error()
		if errors.As(err, &oe) {
			// The page says "Onboarding failed at <step>: " itself.
			step, msg = string(oe.Step), strings.TrimPrefix(oe.Err.Error(), "wabsp: ")
		}
		a.logger.Warn("onboarding failed", "step", step, "error", err)
		writeJSON(w, statusFor(err), onboardResponse{Error: msg, Step: step})
		return
	}
	// A real backend stores res.Token (encrypted) with the customer here.
	status := "onboarded"
	if res.AlreadyOnboarded {
		status = "already_onboarded"
	}
	a.logger.Info("onboarded", "waba_id", res.WABAID, "api_id", res.APIID, "status", status)
	writeJSON(w, http.StatusOK, onboardResponse{
		Status: status, WABAID: res.WABAID, BusinessID: res.BusinessID, PhoneNumberID: res.PhoneNumberID,
		APIID: res.APIID, Recovered: res.Recovered,
	})
}

// statusFor tells the page whose fault a failure is: its input, the
// customer's grants, or a service upstream.
func statusFor(err error) int {
	var verr *wabsp.ValidationError
	switch {
	case errors.As(err, &verr):
		return http.StatusBadRequest
	case errors.Is(err, wabsp.ErrTokenInvalid), errors.Is(err, wabsp.ErrTokenForOtherApp), errors.Is(err, wabsp.ErrScopeMissing),
		errors.Is(err, wabsp.ErrIDNotGranted):
		return http.StatusForbidden
	case errors.Is(err, wabsp.ErrIDUnresolved), errors.Is(err, wabsp.ErrIDAmbiguous):
		return http.StatusUnprocessableEntity
	}
	var bad *wabsp.BadRequestError
	if errors.As(err, &bad) {
		return http.StatusUnprocessableEntity
	}
	return http.StatusBadGateway
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
