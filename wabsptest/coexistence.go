package wabsptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Coexistence as Meta's "Onboarding WhatsApp Business app users" page
// describes it: after onboarding, POST /{phone-number-id}/smb_app_data asks
// for the app's contacts (smb_app_state_sync) or its chat history
// (history). Each type is accepted once, within 24 hours of onboarding
// (AdvanceClock moves past them); a repeat fails with error 2593107. The
// data then arrives as webhooks, which the sandbox sends with
// WithWebhookURL.

// SyncWindow is how long after onboarding a coexistence sync may be asked
// for.
const SyncWindow = 24 * time.Hour

func (s *Server) smbAppData(w http.ResponseWriter, r *http.Request) {
	pnid := r.PathValue("pnid")
	s.mu.Lock()
	wabaID := s.phoneOwner[pnid]
	s.mu.Unlock()
	if wabaID == "" {
		writeGraphError(w, http.StatusBadRequest, 100, 33, "GraphMethodException",
			fmt.Sprintf("Unsupported post request. Object with ID '%s' does not exist", pnid))
		return
	}
	if _, ok := s.authorize(w, r, wabaID); !ok {
		return
	}
	var req struct {
		MessagingProduct string `json:"messaging_product"`
		SyncType         string `json:"sync_type"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil ||
		req.MessagingProduct != "whatsapp" || (req.SyncType != "smb_app_state_sync" && req.SyncType != "history") {
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException",
			"(#100) The parameter sync_type is required and must be smb_app_state_sync or history; messaging_product must be whatsapp")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n, wb := s.numbers[pnid], s.wabas[wabaID]
	switch {
	case !n.bizApp:
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException",
			"(#100) The phone number is not onboarded from the WhatsApp Business app")
		return
	case !wb.onboarded || s.nowLocked().Sub(wb.onboardedAt) > SyncWindow:
		writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException",
			"(#100) Syncs can be requested only within 24 hours of onboarding; offboard and onboard the number again")
		return
	case n.syncs[req.SyncType] != "":
		writeGraphError(w, http.StatusBadRequest, 2593107, 0, "OAuthException",
			"Synchronization of this type was already requested for this phone number")
		return
	}
	if n.syncs == nil {
		n.syncs = map[string]string{}
	}
	id := fmt.Sprintf("sync-%s-%d", req.SyncType, s.nextID)
	s.nextID++
	n.syncs[req.SyncType] = id
	display := digits(n.display)
	meta := map[string]string{"display_phone_number": display, "phone_number_id": pnid}
	now := s.nowLocked()
	switch req.SyncType {
	case "smb_app_state_sync":
		s.queueWebhookLocked("smb_app_state_sync", envelope(wabaID, now, "smb_app_state_sync", map[string]any{
			"messaging_product": "whatsapp", "metadata": meta,
			"state_sync": []any{map[string]any{
				"type": "contact", "action": "add", "metadata": map[string]string{"timestamp": fmt.Sprint(now.Unix())},
				"contact": map[string]string{"full_name": "Sandbox Customer", "first_name": "Sandbox", "phone_number": "16315551181"},
			}},
		}))
	case "history":
		s.queueWebhookLocked("history", envelope(wabaID, now, "history", map[string]any{
			"messaging_product": "whatsapp", "metadata": meta,
			"history": []any{map[string]any{
				"metadata": map[string]any{"phase": 0, "chunk_order": 1, "progress": 100},
				"threads": []any{map[string]any{"id": "16315551181", "messages": []any{map[string]any{
					"from": "16315551181", "id": "wamid.SANDBOXHISTORY" + randomHex(8), "timestamp": fmt.Sprint(now.Add(-time.Hour).Unix()),
					"type": "text", "text": map[string]string{"body": "Hi, is the shop open today?"},
					"history_context": map[string]string{"status": "READ"},
				}}}},
			}},
		}))
	}
	writeJSON(w, http.StatusOK, map[string]string{"request_id": id})
}

// AddPhoneNumber adds a new, unregistered phone number to a WABA, as a
// customer who finished with FINISH_ONLY_WABA does later in WhatsApp
// Manager. It returns the number's id.
func (s *Server) AddPhoneNumber(wabaID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wb := s.wabas[wabaID]
	if wb == nil {
		return "", fmt.Errorf("wabsptest: no WABA %s", wabaID)
	}
	id := s.newIDLocked()
	wb.phones = append(wb.phones, id)
	s.phoneOwner[id] = wb.id
	s.numbers[id] = s.newPhoneNumberLocked(id, wb.id)
	return id, nil
}

// CoexistenceSyncs returns the sync types requested for a phone number,
// with their request ids.
func (s *Server) CoexistenceSyncs(phoneNumberID string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	if n := s.numbers[phoneNumberID]; n != nil {
		for k, v := range n.syncs {
			out[k] = v
		}
	}
	return out
}

// SolutionID is the sandbox's Multi-Partner Solution with Plivo. It is
// ACTIVE unless WithMultiPartnerSolutionInactive made it DEACTIVATED.
const SolutionID = "1000000000000777"

// getSolution answers GET /{solution-id} as Meta's OpenAPI description
// does: id, name, status, status_for_pending_request.
func (s *Server) getSolution(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authorize(w, r, ""); !ok {
		return
	}
	s.mu.Lock()
	status := "ACTIVE"
	if !s.mpsActive {
		status = "DEACTIVATED"
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{
		"id": SolutionID, "name": "Sandbox Tech Provider with Plivo", "status": status, "status_for_pending_request": "NONE",
	})
}

// EchoTextTo builds the smb_message_echoes webhook of a text the business
// sent from the WhatsApp Business app on one of the sandbox's numbers to a
// customer.
func (s *Server) EchoTextTo(phoneNumberID, to, text string) []byte {
	s.mu.Lock()
	var wabaID, display string
	if p := s.numbers[phoneNumberID]; p != nil {
		wabaID, display = p.wabaID, digits(p.display)
	}
	now := s.nowLocked()
	s.mu.Unlock()
	return envelope(wabaID, now, "smb_message_echoes", map[string]any{
		"messaging_product": "whatsapp",
		"metadata":          map[string]string{"display_phone_number": display, "phone_number_id": phoneNumberID},
		"message_echoes": []any{map[string]any{
			"from": display, "to": to, "id": "wamid.SANDBOXECHO" + randomHex(8), "timestamp": fmt.Sprint(now.Unix()),
			"type": "text", "text": map[string]string{"body": text},
		}},
	})
}

// DisconnectCoexistence builds the account_update Meta sends when it
// disconnects a coexistence number: PARTNER_REMOVED with
// disconnection_info.reason (such as wabsp.DisconnectPrimaryInactivity).
func (s *Server) DisconnectCoexistence(phoneNumberID, reason string) []byte {
	s.mu.Lock()
	var wabaID, display string
	if p := s.numbers[phoneNumberID]; p != nil {
		wabaID, display = p.wabaID, digits(p.display)
	}
	now := s.nowLocked()
	s.mu.Unlock()
	return envelope(wabaID, now, "account_update", map[string]any{
		"event": "PARTNER_REMOVED", "phone_number": display, "disconnection_info": map[string]string{"reason": reason},
	})
}
