package policy

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/wabsp/wabsp"
)

// NewHTTPHandler returns a read-only http.Handler answering the tracker's
// questions as JSON, for mounting under "/policy/":
//
//	GET /policy/window?phone_number_id=...&wa_id=...        WindowJSON
//	GET /policy/limit?phone_number_id=...                   LimitJSON
//	GET /policy/conversation?phone_number_id=...&wa_id=...  DecisionJSON
//
// A customer known only by username is asked about with user_id=<BSUID>
// in place of wa_id; wa_id may carry a BSUID too.
//
// A missing id answers 400, another method 405, a store failure 503; an
// error body is {"error": "..."} and never carries the store's own message,
// which is logged to logger (nil: slog.Default()).
func NewHTTPHandler(t *Tracker, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	h := &httpHandler{t: t, log: logger}
	mux := http.NewServeMux()
	mux.HandleFunc("/policy/window", h.window)
	mux.HandleFunc("/policy/limit", h.limit)
	mux.HandleFunc("/policy/conversation", h.conversation)
	return mux
}

type httpHandler struct {
	t   *Tracker
	log *slog.Logger
}

// WindowJSON is the body of GET /policy/window. Times are RFC 3339 in UTC,
// left out when unknown.
type WindowJSON struct {
	PhoneNumberID string `json:"phone_number_id"`
	WAID          string `json:"wa_id,omitempty"`
	// UserID is set in place of WAID when the customer was asked about by
	// BSUID.
	UserID      string `json:"user_id,omitempty"`
	Open        bool   `json:"open"`
	Until       string `json:"until,omitempty"`
	LastInbound string `json:"last_inbound,omitempty"`
}

// LimitJSON is the body of GET /policy/limit. Limit and remaining are left
// out when unlimited is true.
type LimitJSON struct {
	PhoneNumberID string `json:"phone_number_id"`
	// PortfolioID is the business portfolio counted, or the phone number's
	// own id while its portfolio is unknown.
	PortfolioID string `json:"portfolio_id"`
	Tier        string `json:"tier"`
	TierKnown   bool   `json:"tier_known"`
	Unlimited   bool   `json:"unlimited"`
	Limit       *int   `json:"limit,omitempty"`
	Used        int    `json:"used"`
	Remaining   *int   `json:"remaining,omitempty"`
	NextSlotAt  string `json:"next_slot_at,omitempty"`
}

// DecisionJSON is the body of GET /policy/conversation.
type DecisionJSON struct {
	PhoneNumberID     string    `json:"phone_number_id"`
	WAID              string    `json:"wa_id,omitempty"`
	UserID            string    `json:"user_id,omitempty"`
	Kind              Kind      `json:"kind"`
	FreeForm          bool      `json:"free_form"`
	WindowUntil       string    `json:"window_until,omitempty"`
	ConversationUntil string    `json:"conversation_until,omitempty"`
	Limit             LimitJSON `json:"limit"`
}

func (h *httpHandler) window(w http.ResponseWriter, r *http.Request) {
	phone, customer, ok := h.ids(w, r, true)
	if !ok {
		return
	}
	win, err := h.t.Window(r.Context(), phone, customer)
	if h.failed(w, r, err) {
		return
	}
	waID, userID := customerIDs(customer)
	writeJSON(w, http.StatusOK, WindowJSON{PhoneNumberID: phone, WAID: waID, UserID: userID, Open: win.Open,
		Until: timeJSON(win.Until), LastInbound: timeJSON(win.LastInbound)})
}

func (h *httpHandler) limit(w http.ResponseWriter, r *http.Request) {
	phone, _, ok := h.ids(w, r, false)
	if !ok {
		return
	}
	l, err := h.t.Limit(r.Context(), phone)
	if h.failed(w, r, err) {
		return
	}
	writeJSON(w, http.StatusOK, limitJSON(phone, l))
}

func (h *httpHandler) conversation(w http.ResponseWriter, r *http.Request) {
	phone, customer, ok := h.ids(w, r, true)
	if !ok {
		return
	}
	d, err := h.t.Classify(r.Context(), phone, customer)
	if h.failed(w, r, err) {
		return
	}
	waID, userID := customerIDs(customer)
	writeJSON(w, http.StatusOK, DecisionJSON{PhoneNumberID: phone, WAID: waID, UserID: userID, Kind: d.Kind, FreeForm: d.FreeForm,
		WindowUntil: timeJSON(d.WindowUntil), ConversationUntil: timeJSON(d.ConversationUntil), Limit: limitJSON(phone, d.Limit)})
}

// ids checks the method and reads the query, answering the request itself
// when something is wrong.
func (h *httpHandler) ids(w http.ResponseWriter, r *http.Request, needCustomer bool) (phone, customer string, ok bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, errorJSON{"method not allowed"})
		return "", "", false
	}
	q := r.URL.Query()
	phone, customer = q.Get("phone_number_id"), q.Get("wa_id")
	if customer == "" {
		customer = q.Get("user_id")
	}
	if err := checkIDs("query", phone, customer, needCustomer); err != nil {
		writeJSON(w, http.StatusBadRequest, errorJSON{err.Error()})
		return "", "", false
	}
	return phone, customer, true
}

func (h *httpHandler) failed(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, ErrInvalidInput):
		writeJSON(w, http.StatusBadRequest, errorJSON{err.Error()})
	default:
		h.log.ErrorContext(r.Context(), "policy: answering "+r.URL.Path, "error", err)
		writeJSON(w, http.StatusServiceUnavailable, errorJSON{"policy store unavailable"})
	}
	return true
}

type errorJSON struct {
	Error string `json:"error"`
}

func limitJSON(phone string, l Limit) LimitJSON {
	out := LimitJSON{PhoneNumberID: phone, PortfolioID: l.Portfolio, Tier: string(l.Tier), TierKnown: l.TierKnown, Unlimited: l.Unlimited,
		Used: l.Used, NextSlotAt: timeJSON(l.NextSlotAt)}
	if !l.Unlimited {
		out.Limit, out.Remaining = &l.Max, &l.Remaining
	}
	return out
}

func timeJSON(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// customerIDs echoes the id asked about under the name it has: a BSUID as
// user_id, a phone number as wa_id.
func customerIDs(id string) (waID, userID string) {
	if wabsp.IsBSUID(id) {
		return "", id
	}
	return id, ""
}
