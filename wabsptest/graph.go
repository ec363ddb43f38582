package wabsptest

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"
)

func (s *Server) routeGraph(mux *http.ServeMux) {
	mux.HandleFunc("GET /{version}/oauth/access_token", s.exchangeCode)
	mux.HandleFunc("GET /{version}/debug_token", s.debugToken)
	mux.HandleFunc("POST /{version}/{waba}/subscribed_apps", s.subscribeApp)
	mux.HandleFunc("GET /{version}/{waba}/phone_numbers", s.listPhoneNumbers)
	mux.HandleFunc("POST /{version}/{pnid}/smb_app_data", s.thenDeliverWebhooks(s.smbAppData))
	s.routeNodes(mux)
	s.routeNumbers(mux)
	s.routeTemplates(mux)
	s.routeUploads(mux)
}

type graphErrorBody struct {
	Message   string          `json:"message"`
	Type      string          `json:"type"`
	Code      int             `json:"code"`
	Subcode   int             `json:"error_subcode,omitempty"`
	UserTitle string          `json:"error_user_title,omitempty"`
	UserMsg   string          `json:"error_user_msg,omitempty"`
	ErrorData *graphErrorData `json:"error_data,omitempty"`
	FBTraceID string          `json:"fbtrace_id"`
}

// graphErrorData is the error_data of the WhatsApp endpoints' errors.
type graphErrorData struct {
	MessagingProduct string `json:"messaging_product"`
	Details          string `json:"details"`
}

func writeGraphError(w http.ResponseWriter, status, code, subcode int, typ, msg string) {
	writeJSON(w, status, map[string]graphErrorBody{"error": {
		Message: msg, Type: typ, Code: code, Subcode: subcode, FBTraceID: "Sb" + randomHex(8),
	}})
}

func (s *Server) exchangeCode(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != s.appID || subtle.ConstantTimeCompare([]byte(q.Get("client_secret")), []byte(s.appSecret)) != 1 {
		writeGraphError(w, http.StatusBadRequest, 101, 0, "OAuthException", "Error validating application. Invalid application ID or secret.")
		return
	}
	if q.Get("redirect_uri") != "" {
		// Embedded Signup codes are issued without a redirect_uri.
		writeGraphError(w, http.StatusBadRequest, 100, 36008, "OAuthException", "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cg := s.codes[q.Get("code")]
	switch {
	case q.Get("code") == "":
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "Missing authorization code")
	case cg == nil:
		writeGraphError(w, http.StatusBadRequest, 100, 36007, "OAuthException", "Invalid verification code format.")
	case cg.used:
		writeGraphError(w, http.StatusBadRequest, 100, 36009, "OAuthException", "This authorization code has been used.")
	case time.Now().After(cg.expires):
		writeGraphError(w, http.StatusBadRequest, 100, 36007, "OAuthException", "This authorization code has expired.")
	default:
		cg.used = true
		writeJSON(w, http.StatusOK, map[string]string{"access_token": cg.grant.token, "token_type": "bearer"})
	}
}

func (s *Server) debugToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("access_token")), []byte(s.appID+"|"+s.appSecret)) != 1 {
		writeGraphError(w, http.StatusBadRequest, 190, 0, "OAuthException", "Invalid OAuth access token - Cannot parse access token")
		return
	}
	s.mu.Lock()
	g := s.tokens[q.Get("input_token")]
	s.mu.Unlock()
	if g == nil {
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
			"is_valid": false, "scopes": []string{},
			"error": map[string]any{"code": 190, "message": "Invalid OAuth access token."},
		}})
		return
	}
	granular := []map[string]any{}
	for _, sc := range g.scopes {
		entry := map[string]any{"scope": sc}
		switch sc {
		case "whatsapp_business_management", "whatsapp_business_messaging":
			entry["target_ids"] = g.wabaIDs
		case "business_management":
			entry["target_ids"] = g.businessIDs
		}
		granular = append(granular, entry)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"app_id": g.appID, "type": "SYSTEM_USER", "application": "Sandbox Tech Provider",
		"data_access_expires_at": 0, "expires_at": 0, "is_valid": true, "issued_at": g.issuedAt.Unix(),
		"scopes": g.scopes, "granular_scopes": granular, "user_id": "122000000000000001",
	}})
}

// authorize checks a call made with a customer's token: known token, correct
// appsecret_proof (the sandbox app has "Require App Secret" on), and, when
// wabaID is not empty, a grant on that WABA.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, wabaID string) (*grant, bool) {
	token := r.URL.Query().Get("access_token")
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "OAuth") {
			token = rest
		}
	}
	s.mu.Lock()
	g := s.tokens[token]
	s.mu.Unlock()
	if g == nil {
		writeGraphError(w, http.StatusUnauthorized, 190, 0, "OAuthException", "Invalid OAuth access token - Cannot parse access token")
		return nil, false
	}
	m := hmac.New(sha256.New, []byte(s.appSecret))
	m.Write([]byte(token))
	if !hmac.Equal([]byte(r.URL.Query().Get("appsecret_proof")), []byte(hex.EncodeToString(m.Sum(nil)))) {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "GraphMethodException", "Invalid appsecret_proof provided in the API argument")
		return nil, false
	}
	if wabaID != "" && !slices.Contains(g.wabaIDs, wabaID) {
		writeGraphError(w, http.StatusForbidden, 200, 0, "OAuthException", "(#200) Permissions error")
		return nil, false
	}
	return g, true
}

func (s *Server) subscribeApp(w http.ResponseWriter, r *http.Request) {
	wabaID := r.PathValue("waba")
	if _, ok := s.authorize(w, r, wabaID); !ok {
		return
	}
	s.mu.Lock()
	if wb := s.wabas[wabaID]; wb != nil {
		wb.subscribed = true
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}
