package wabsptest

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"unicode/utf8"
)

type plivoError struct {
	APIID string `json:"api_id"`
	Error string `json:"error"`
}

func (s *Server) routePlivo(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/Account/{authID}/WhatsApp/EmbeddedSignup/", s.thenDeliverWebhooks(s.embeddedSignup))
	mux.HandleFunc("POST /v1/Account/{authID}/Message/", s.thenDeliverPlivoCallbacks(s.sendMessage))
}

// embeddedSignup answers as Plivo's Tech Provider guide documents the
// Embedded Signup API, message for message.
func (s *Server) embeddedSignup(w http.ResponseWriter, r *http.Request) {
	apiID := s.newAPIID()
	fail := func(status int, msg string) { writeJSON(w, status, plivoError{APIID: apiID, Error: msg}) }

	id, token, ok := r.BasicAuth()
	if !ok || r.PathValue("authID") != s.authID || id != s.authID ||
		subtle.ConstantTimeCompare([]byte(token), []byte(s.authToken)) != 1 {
		fail(http.StatusUnauthorized, "Authentication credentials were not provided or are invalid.")
		return
	}
	var req struct {
		WABAID        string `json:"waba_id"`
		BusinessID    string `json:"business_id"`
		PhoneNumberID string `json:"phone_number_id"`
		ClientRef     string `json:"client_ref"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		fail(http.StatusBadRequest, "Invalid JSON body.")
		return
	}
	switch {
	case req.WABAID == "":
		fail(http.StatusBadRequest, "waba_id is required.")
		return
	case req.BusinessID == "":
		fail(http.StatusBadRequest, "business_id is required.")
		return
	case req.PhoneNumberID == "":
		fail(http.StatusBadRequest, "phone_number_id is required.")
		return
	case utf8.RuneCountInString(req.ClientRef) > 64:
		fail(http.StatusBadRequest, "client_ref must be at most 64 characters.")
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	wb := s.wabas[req.WABAID]
	switch {
	case !s.mpsActive:
		fail(http.StatusBadRequest, "Multi-Partner Solution is not active for your app. Contact Plivo support.")
	case wb == nil || wb.businessID != req.BusinessID:
		fail(http.StatusBadRequest, "waba_id is not a valid WhatsApp Business Account ID.")
	case wb.onboarded:
		fail(http.StatusBadRequest, "This WABA is already registered with Plivo.")
	case s.phoneOwner[req.PhoneNumberID] != req.WABAID:
		fail(http.StatusBadRequest, "This phone number is already registered under another WABA.")
	default:
		s.onboarded[req.WABAID] = req.ClientRef
		wb.onboarded, wb.onboardedAt = true, s.nowLocked()
		s.queuePartnerAddedLocked(wb)
		writeJSON(w, http.StatusOK, map[string]string{
			"api_id": apiID, "message": "Embedded signup completed successfully.",
			"waba_id": req.WABAID, "phone_number_id": req.PhoneNumberID, "business_id": req.BusinessID,
		})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
