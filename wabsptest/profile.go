package wabsptest

import (
	"net/http"
	"strings"
	"unicode/utf8"
)

var profileDefaultFields = []string{"about", "address", "description", "email", "profile_picture_url", "websites", "vertical", "messaging_product"}

var profileVerticals = map[string]bool{
	"": true, "ALCOHOL": true, "APPAREL": true, "AUTO": true, "BEAUTY": true, "EDU": true, "ENTERTAIN": true,
	"EVENT_PLAN": true, "FINANCE": true, "GOVT": true, "GROCERY": true, "HEALTH": true, "HOTEL": true,
	"NONPROFIT": true, "ONLINE_GAMBLING": true, "OTC_DRUGS": true, "OTHER": true, "PHYSICAL_GAMBLING": true,
	"PROF_SERVICES": true, "RESTAURANT": true, "RETAIL": true, "TRAVEL": true,
}

// getProfile answers the one profile wrapped in a list, as Graph does.
func (s *Server) getProfile(w http.ResponseWriter, r *http.Request) {
	_, p, ok := s.authorizeNumber(w, r)
	if !ok {
		return
	}
	fields := requestedFields(r)
	if fields == nil {
		fields = profileDefaultFields
	}
	s.mu.Lock()
	out := map[string]any{"messaging_product": "whatsapp"}
	for _, f := range fields {
		if v, ok := p.profile[f]; ok {
			out[f] = v
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": []any{out}})
}

func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request) {
	_, p, ok := s.authorizeNumber(w, r)
	if !ok {
		return
	}
	var body struct {
		MessagingProduct string    `json:"messaging_product"`
		About            *string   `json:"about"`
		Address          *string   `json:"address"`
		Description      *string   `json:"description"`
		Email            *string   `json:"email"`
		Vertical         *string   `json:"vertical"`
		Websites         *[]string `json:"websites"`
		PictureHandle    string    `json:"profile_picture_handle"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	bad := func(msg string) { writeGraphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) "+msg) }
	switch {
	case body.MessagingProduct != "whatsapp":
		bad("The parameter messaging_product is required.")
		return
	case tooLong(body.About, 139), tooLong(body.Address, 256), tooLong(body.Description, 512), tooLong(body.Email, 128):
		bad("Param about, address, description or email is longer than allowed.")
		return
	case body.Vertical != nil && !profileVerticals[*body.Vertical]:
		bad("Param vertical must be one of the documented verticals.")
		return
	case body.Websites != nil && len(*body.Websites) > 2:
		bad("Param websites must have at most 2 elements.")
		return
	}
	if body.Websites != nil {
		for _, u := range *body.Websites {
			if len(u) > 256 || !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
				bad("Param websites must hold http:// or https:// URLs of at most 256 characters.")
				return
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if body.PictureHandle != "" {
		if _, ok := s.handles[body.PictureHandle]; !ok {
			bad("Param profile_picture_handle is not a valid uploaded file handle.")
			return
		}
		p.profile["profile_picture_url"] = "https://pps.whatsapp.net/v/t61.sandbox/" + p.id + ".jpg"
	}
	set := func(k string, v *string) {
		if v != nil {
			p.profile[k] = *v
		}
	}
	set("about", body.About)
	set("address", body.Address)
	set("description", body.Description)
	set("email", body.Email)
	set("vertical", body.Vertical)
	if body.Websites != nil {
		p.profile["websites"] = append([]string(nil), *body.Websites...)
	}
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

func tooLong(s *string, n int) bool { return s != nil && utf8.RuneCountInString(*s) > n }
