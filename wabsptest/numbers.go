package wabsptest

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"time"

	"github.com/wabsp/wabsp"
)

// Limits the sandbox enforces on a phone number.
const (
	// MaxRegistrations is Meta's limit on register plus deregister calls per
	// number in a rolling 72 hours (error 133016 after it).
	MaxRegistrations = 10
	// MaxCodeRequests is how many verification codes the sandbox sends a
	// number before refusing with error 136024, as Meta does after "too many"
	// requests (Meta does not publish its number).
	MaxCodeRequests = 5
)

// phoneNumber is a WhatsApp Business phone number in the sandbox. A new one
// is as Embedded Signup leaves it: added to the WABA, not yet verified by
// code nor registered with the Cloud API.
type phoneNumber struct {
	id, wabaID     string
	display        string
	verifiedName   string
	nameStatus     string
	newDisplayName string
	newNameStatus  string
	codeStatus     string
	quality        string
	tier           string
	status         string
	platform       string
	throughput     string

	pin           string
	registered    bool
	registeredBy  string // app id of the token that registered it
	registerCalls int
	codeRequests  int
	pendingCode   string // sent and not yet used
	lastCode      string
	profile       map[string]any

	// Coexistence: on the WhatsApp Business app too, and the syncs asked
	// for (sync type → request id).
	bizApp bool
	syncs  map[string]string
}

func (s *Server) newPhoneNumberLocked(id, wabaID string) *phoneNumber {
	n := len(s.numbers) + 100
	return &phoneNumber{
		id: id, wabaID: wabaID,
		display:      fmt.Sprintf("+1 555-%03d-%04d", 10+n/10000, n%10000),
		verifiedName: fmt.Sprintf("Sandbox Shop %d", n-99),
		nameStatus:   "AVAILABLE_WITHOUT_REVIEW", codeStatus: "NOT_VERIFIED", quality: "GREEN", tier: "TIER_250",
		status: "PENDING", platform: "NOT_APPLICABLE", throughput: "STANDARD",
		profile: map[string]any{"messaging_product": "whatsapp"},
	}
}

// tierFields are the names Graph gave the messaging tier: the field was
// renamed in v24 and a version answers only its own name.
const (
	tierFieldOld = "messaging_limit_tier"
	tierFieldNew = "whatsapp_business_manager_messaging_limit"
)

var phoneNumberDefaultFields = []string{"verified_name", "code_verification_status", "display_phone_number", "quality_rating", "platform_type", "throughput"}

// fieldsLocked is every field of the number as the Graph version shows it.
func (p *phoneNumber) fieldsLocked(version string) map[string]any {
	all := map[string]any{
		"id": p.id, "display_phone_number": p.display, "verified_name": p.verifiedName,
		"name_status": p.nameStatus, "new_display_name": p.newDisplayName, "new_name_status": p.newNameStatus,
		"code_verification_status": p.codeStatus, "quality_rating": p.quality,
		"throughput": map[string]string{"level": p.throughput}, "platform_type": p.platform, "status": p.status,
		"is_pin_enabled": p.pin != "", "is_on_biz_app": p.bizApp,
	}
	if graphMajor(version) >= 24 {
		all[tierFieldNew] = p.tier
	} else {
		all[tierFieldOld] = p.tier
	}
	return all
}

// checkTierField refuses the tier field name the path's version does not
// have, as Graph refuses any field its version lacks.
func checkTierField(w http.ResponseWriter, version string, fields []string) bool {
	wrong := tierFieldNew
	if graphMajor(version) >= 24 {
		wrong = tierFieldOld
	}
	if slices.Contains(fields, wrong) {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException",
			fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (WhatsAppBusinessPhoneNumber)", wrong))
		return false
	}
	return true
}

func (s *Server) routeNumbers(mux *http.ServeMux) {
	mux.HandleFunc("POST /{version}/{id}/register", s.register)
	mux.HandleFunc("POST /{version}/{id}/deregister", s.deregister)
	mux.HandleFunc("POST /{version}/{id}/request_code", s.requestCode)
	mux.HandleFunc("POST /{version}/{id}/verify_code", s.verifyCode)
	mux.HandleFunc("GET /{version}/{id}/whatsapp_business_profile", s.getProfile)
	mux.HandleFunc("POST /{version}/{id}/whatsapp_business_profile", s.updateProfile)
}

// authorizeNumber checks a call about the phone number in the path: the
// token, its proof and its grant on the number's WABA.
func (s *Server) authorizeNumber(w http.ResponseWriter, r *http.Request) (*grant, *phoneNumber, bool) {
	id := r.PathValue("id")
	s.mu.Lock()
	p := s.numbers[id]
	s.mu.Unlock()
	if p == nil {
		s.unknownNode(w, r, id)
		return nil, nil, false
	}
	g, ok := s.authorize(w, r, p.wabaID)
	return g, p, ok
}

func (s *Server) listPhoneNumbers(w http.ResponseWriter, r *http.Request) {
	wabaID := r.PathValue("waba")
	if _, ok := s.authorize(w, r, wabaID); !ok {
		return
	}
	fields := requestedFields(r)
	if !checkTierField(w, r.PathValue("version"), fields) {
		return
	}
	s.mu.Lock()
	var ids []string
	if wb := s.wabas[wabaID]; wb != nil {
		ids = append(ids, wb.phones...)
	}
	s.mu.Unlock()
	cut, paging, ok := page(w, r, ids, 25, 1000)
	if !ok {
		return
	}
	data := []map[string]any{}
	s.mu.Lock()
	for _, id := range cut {
		data = append(data, pick(s.numbers[id].fieldsLocked(r.PathValue("version")), fields, phoneNumberDefaultFields))
	}
	s.mu.Unlock()
	body := map[string]any{"data": data}
	if paging != nil {
		body["paging"] = paging
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) getPhoneNumber(w http.ResponseWriter, r *http.Request) {
	_, p, ok := s.authorizeNumber(w, r)
	if !ok {
		return
	}
	fields := requestedFields(r)
	if !checkTierField(w, r.PathValue("version"), fields) {
		return
	}
	s.mu.Lock()
	out := pick(p.fieldsLocked(r.PathValue("version")), fields, phoneNumberDefaultFields)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// updatePhoneNumber is POST /{phone-number-id}: a display name change
// (new_display_name in the query) or a two-step PIN (pin in the body).
func (s *Server) updatePhoneNumber(w http.ResponseWriter, r *http.Request) {
	_, p, ok := s.authorizeNumber(w, r)
	if !ok {
		return
	}
	if name := r.URL.Query().Get("new_display_name"); name != "" {
		s.mu.Lock()
		p.newDisplayName, p.newNameStatus = name, "PENDING_REVIEW"
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
		return
	}
	var body struct {
		PIN string `json:"pin"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if !isSixDigits(body.PIN) {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param pin must be 6 characters long.")
		return
	}
	s.mu.Lock()
	p.pin = body.PIN
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	g, p, ok := s.authorizeNumber(w, r)
	if !ok {
		return
	}
	var body struct {
		MessagingProduct string `json:"messaging_product"`
		PIN              string `json:"pin"`
		Region           string `json:"data_localization_region"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	switch {
	case body.MessagingProduct != "whatsapp":
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The parameter messaging_product is required.")
		return
	case !isSixDigits(body.PIN):
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param pin must be 6 characters long.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case p.registered && p.registeredBy != g.appID:
		writeGraphErr(w, http.StatusForbidden, graphErrorBody{
			Message: "(#10) Application does not have permission for this action", Code: 10,
			ErrorData: &graphErrorData{MessagingProduct: "whatsapp", Details: "This phone number is registered with the Cloud API through another app."},
		})
	case p.registerCalls >= MaxRegistrations:
		writeWhatsAppError(w, 133016, "Account register deregister rate limit exceeded",
			"Registration or deregistration attempts exceeded 10 in 72 hours. Try again later.")
	case p.pin != "" && body.PIN != p.pin:
		p.registerCalls++
		writeWhatsAppError(w, 133005, "Two step verification PIN Mismatch",
			"Two step verification PIN incorrect. Please check your PIN and try again.")
	default:
		p.registerCalls++
		p.pin = body.PIN
		p.registered, p.registeredBy = true, g.appID
		p.status, p.platform = "CONNECTED", "CLOUD_API"
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	}
}

func (s *Server) deregister(w http.ResponseWriter, r *http.Request) {
	g, p, ok := s.authorizeNumber(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !p.registered:
		writeWhatsAppError(w, 133010, "Account not registered", "This phone number is not registered with the Cloud API.")
	case p.registeredBy != g.appID:
		writeGraphErr(w, http.StatusForbidden, graphErrorBody{Message: "(#10) Application does not have permission for this action", Code: 10})
	case p.registerCalls >= MaxRegistrations:
		writeWhatsAppError(w, 133016, "Account register deregister rate limit exceeded",
			"Registration or deregistration attempts exceeded 10 in 72 hours. Try again later.")
	default:
		p.registerCalls++
		p.registered, p.registeredBy = false, ""
		p.status, p.platform = "DISCONNECTED", "NOT_APPLICABLE"
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	}
}

func (s *Server) requestCode(w http.ResponseWriter, r *http.Request) {
	_, p, ok := s.authorizeNumber(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	if m := q.Get("code_method"); m != "SMS" && m != "VOICE" {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Param code_method must be one of {SMS, VOICE}")
		return
	}
	if q.Get("language") == "" {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The parameter language is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case p.registered && p.codeStatus == "VERIFIED":
		writeWhatsAppError(w, 136024, "Request code error", "This phone number is already verified and registered.")
	case p.codeRequests >= MaxCodeRequests:
		writeWhatsAppError(w, 136024, "Request code error", "You have requested a verification code too many times. Wait before requesting a new code.")
	default:
		p.codeRequests++
		p.pendingCode = sixDigits()
		p.lastCode = p.pendingCode
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	}
}

func (s *Server) verifyCode(w http.ResponseWriter, r *http.Request) {
	_, p, ok := s.authorizeNumber(w, r)
	if !ok {
		return
	}
	code := r.URL.Query().Get("code")
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.pendingCode == "" || code != p.pendingCode {
		writeWhatsAppError(w, 136025, "Verify code error", "The verification code is incorrect or has expired.")
		return
	}
	p.pendingCode = ""
	p.codeStatus = "VERIFIED"
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// LastVerificationCode returns the code the sandbox last "sent" to the
// number by SMS or voice, used or not; empty when none was requested.
func (s *Server) LastVerificationCode(phoneNumberID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.numbers[phoneNumberID]; p != nil {
		return p.lastCode
	}
	return ""
}

// Registered reports whether the number is registered with the Cloud API.
func (s *Server) Registered(phoneNumberID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.numbers[phoneNumberID]
	return p != nil && p.registered
}

// GrantToken issues an access token to appID with the default permissions
// on the WABAs, as when a second app (another Tech Provider, or the same
// one's other app) is given access to a customer's WABA.
func (s *Server) GrantToken(appID string, wabaIDs ...string) wabsp.Secret {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &grant{
		token: "EAASANDBOX" + randomHex(24), appID: appID, wabaIDs: wabaIDs,
		scopes:   []string{"whatsapp_business_management", "whatsapp_business_messaging", "business_management"},
		issuedAt: time.Now(),
	}
	for _, id := range wabaIDs {
		if wb := s.wabas[id]; wb != nil {
			g.businessIDs = append(g.businessIDs, wb.businessID)
		}
	}
	s.tokens[g.token] = g
	return wabsp.Secret(g.token)
}

func isSixDigits(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func sixDigits() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		panic("wabsptest: " + err.Error())
	}
	return fmt.Sprintf("%06d", n.Int64())
}
