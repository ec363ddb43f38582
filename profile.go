package wabsp

import (
	"bytes"
	"context"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
)

// Vertical is the industry of a business profile. Values the SDK does not
// know are kept as sent.
type Vertical string

// The verticals Graph accepts. respond.io's WhatsApp Cloud API help page shows
// their labels ("Beauty, Spa and
// Salon" is BEAUTY and so on); the API takes these codes.
const (
	// VerticalUndefined is the zero value: no vertical set. Once set, a
	// vertical cannot be cleared again.
	VerticalUndefined        Vertical = ""
	VerticalAlcohol          Vertical = "ALCOHOL"
	VerticalApparel          Vertical = "APPAREL"
	VerticalAuto             Vertical = "AUTO"
	VerticalBeauty           Vertical = "BEAUTY"
	VerticalEducation        Vertical = "EDU"
	VerticalEntertainment    Vertical = "ENTERTAIN"
	VerticalEventPlanning    Vertical = "EVENT_PLAN"
	VerticalFinance          Vertical = "FINANCE"
	VerticalGovernment       Vertical = "GOVT"
	VerticalGrocery          Vertical = "GROCERY"
	VerticalHealth           Vertical = "HEALTH"
	VerticalHotel            Vertical = "HOTEL"
	VerticalNonprofit        Vertical = "NONPROFIT"
	VerticalOnlineGambling   Vertical = "ONLINE_GAMBLING"
	VerticalOTCDrugs         Vertical = "OTC_DRUGS"
	VerticalOther            Vertical = "OTHER"
	VerticalPhysicalGambling Vertical = "PHYSICAL_GAMBLING"
	VerticalProfServices     Vertical = "PROF_SERVICES"
	VerticalRestaurant       Vertical = "RESTAURANT"
	VerticalRetail           Vertical = "RETAIL"
	VerticalTravel           Vertical = "TRAVEL"
)

var knownVerticals = map[Vertical]bool{
	VerticalAlcohol: true, VerticalApparel: true, VerticalAuto: true, VerticalBeauty: true, VerticalEducation: true,
	VerticalEntertainment: true, VerticalEventPlanning: true, VerticalFinance: true, VerticalGovernment: true,
	VerticalGrocery: true, VerticalHealth: true, VerticalHotel: true, VerticalNonprofit: true,
	VerticalOnlineGambling: true, VerticalOTCDrugs: true, VerticalOther: true, VerticalPhysicalGambling: true,
	VerticalProfServices: true, VerticalRestaurant: true, VerticalRetail: true, VerticalTravel: true,
}

// String returns the vertical as Graph sends it.
func (v Vertical) String() string { return string(v) }

// IsKnown reports whether v is one of the documented verticals.
func (v Vertical) IsKnown() bool { return knownVerticals[v] }

// BusinessProfile is a number's WhatsApp business profile, as read.
type BusinessProfile struct {
	About             string   `json:"about,omitempty"`
	Address           string   `json:"address,omitempty"`
	Description       string   `json:"description,omitempty"`
	Email             string   `json:"email,omitempty"`
	ProfilePictureURL string   `json:"profile_picture_url,omitempty"`
	Websites          []string `json:"websites,omitempty"`
	Vertical          Vertical `json:"vertical,omitempty"`
	MessagingProduct  string   `json:"messaging_product,omitempty"`
}

// businessProfileFields are the fields GetBusinessProfile asks for when the
// caller names none.
var businessProfileFields = []string{"about", "address", "description", "email", "profile_picture_url", "websites", "vertical"}

// GetBusinessProfile reads a number's business profile. With no fields it
// asks for about, address, description, email, profile_picture_url, websites
// and vertical.
//
//	GET https://graph.facebook.com/{version}/{phone-number-id}/whatsapp_business_profile?fields=
func (c *Client) GetBusinessProfile(ctx context.Context, phoneNumberID string, fields ...string) (*BusinessProfile, error) {
	var v validator
	v.numericID("phone_number_id", phoneNumberID, ErrMissingPhoneNumberID)
	v.fieldNames("fields", fields)
	if err := v.err("GetBusinessProfile"); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		fields = businessProfileFields
	}
	var page graphPage[BusinessProfile]
	err := c.do(ctx, &apiRequest{
		provider:   ProviderGraph,
		method:     http.MethodGet,
		path:       phoneNumberID + "/whatsapp_business_profile",
		query:      fieldsQuery{Fields: fields},
		needsToken: true,
	}, &page)
	if err != nil {
		return nil, err
	}
	// Graph wraps the one profile in a list.
	if len(page.Data) == 0 {
		return &BusinessProfile{}, nil
	}
	return &page.Data[0], nil
}

// Business profile limits, in characters, from Meta's reference and
// respond.io's WhatsApp Cloud API help page (help.respond.io/l/en/whatsapp/whatsapp-cloud-api).
const (
	MaxProfileAboutLength       = 139
	MaxProfileAddressLength     = 256
	MaxProfileDescriptionLength = 512
	MaxProfileEmailLength       = 128
	MaxProfileWebsites          = 2
	MaxProfileWebsiteLength     = 256
)

// BusinessProfileUpdate is the change to make to a business profile. Empty
// fields are left as they are.
type BusinessProfileUpdate struct {
	// About is the profile's status text, 1 to 139 characters.
	About string `json:"about,omitempty"`
	// Address is at most 256 characters.
	Address string `json:"address,omitempty"`
	// Description is at most 512 characters.
	Description string `json:"description,omitempty"`
	// Email is a valid address of at most 128 characters.
	Email string `json:"email,omitempty"`
	// Vertical is one of the Vertical constants.
	Vertical Vertical `json:"vertical,omitempty"`
	// Websites holds at most 2 http:// or https:// URLs of at most 256
	// characters each; it replaces the profile's list.
	Websites []string `json:"websites,omitempty"`
	// ProfilePictureHandle is the handle the Resumable Upload API returned
	// for the new picture (check the image with ValidateProfilePicture
	// before uploading it).
	ProfilePictureHandle string `json:"profile_picture_handle,omitempty"`
}

// Validate reports every problem with the update at once, as a
// *ValidationError naming each field.
func (u BusinessProfileUpdate) Validate() error {
	var v validator
	u.check(&v)
	return v.err("UpdateBusinessProfile")
}

func (u BusinessProfileUpdate) check(v *validator) {
	v.maxLen("about", u.About, MaxProfileAboutLength)
	v.maxLen("address", u.Address, MaxProfileAddressLength)
	v.maxLen("description", u.Description, MaxProfileDescriptionLength)
	if u.Email != "" {
		v.maxLen("email", u.Email, MaxProfileEmailLength)
		if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@')+1:], ".") {
			v.addf("email", "must be a plain e-mail address such as help@example.com")
		}
	}
	if u.Vertical != VerticalUndefined && !u.Vertical.IsKnown() {
		v.addf("vertical", "must be one of Meta's verticals (ALCOHOL, APPAREL, AUTO, ...), got %q", truncate(string(u.Vertical), 32))
	}
	if len(u.Websites) > MaxProfileWebsites {
		v.addf("websites", "holds %d websites, at most %d allowed", len(u.Websites), MaxProfileWebsites)
	}
	for i, w := range u.Websites {
		field := "websites[" + strconv.Itoa(i) + "]"
		v.maxLen(field, w, MaxProfileWebsiteLength)
		if !isWebURL(w) {
			v.addf(field, "must be an absolute URL starting with http:// or https://")
		}
	}
	if u.ProfilePictureHandle != "" && strings.TrimSpace(u.ProfilePictureHandle) == "" {
		v.addf("profile_picture_handle", "must not be blank")
	}
}

func isWebURL(s string) bool {
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Host != "" && !strings.ContainsAny(s, " \t\r\n")
}

type profileBody struct {
	MessagingProduct string `json:"messaging_product"`
	BusinessProfileUpdate
}

// UpdateBusinessProfile changes a number's business profile; fields left
// empty in u are not changed.
//
//	POST https://graph.facebook.com/{version}/{phone-number-id}/whatsapp_business_profile
//
// The update is validated first (the profile limits above). Sending the same update
// twice leaves the same profile, so the retry policy may repeat it.
func (c *Client) UpdateBusinessProfile(ctx context.Context, phoneNumberID string, u BusinessProfileUpdate) error {
	var v validator
	v.numericID("phone_number_id", phoneNumberID, ErrMissingPhoneNumberID)
	u.check(&v)
	if err := v.err("UpdateBusinessProfile"); err != nil {
		return err
	}
	return c.do(ctx, &apiRequest{
		provider:    ProviderGraph,
		method:      http.MethodPost,
		path:        phoneNumberID + "/whatsapp_business_profile",
		body:        profileBody{MessagingProduct: "whatsapp", BusinessProfileUpdate: u},
		needsToken:  true,
		safeToRetry: true,
	}, &graphSuccess{})
}

// MaxProfilePictureBytes is the largest profile picture Kaleyra's Add a
// Number page (developers.kaleyra.io/docs/creating-whatsapp-number) accepts:
// 5 MB. Meta recommends 640x640 pixels.
const MaxProfilePictureBytes = 5 << 20

// ValidateProfilePicture checks an image before it is uploaded for a
// profile: at most 5 MB, JPEG or PNG (as Kaleyra's Add a Number page asks), judged from its content
// rather than its file name. Problems are reported as a *ValidationError on
// the field "profile_picture".
func ValidateProfilePicture(image []byte) error {
	var v validator
	switch {
	case len(image) == 0:
		v.addf("profile_picture", "is empty")
	default:
		if len(image) > MaxProfilePictureBytes {
			v.addf("profile_picture", "is %d bytes, at most %d (5 MB) allowed", len(image), MaxProfilePictureBytes)
		}
		if !isJPEG(image) && !isPNG(image) {
			v.addf("profile_picture", "must be a JPEG or PNG image, got %s", http.DetectContentType(image))
		}
	}
	return v.err("ProfilePicture")
}

func isJPEG(b []byte) bool { return bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) }
func isPNG(b []byte) bool  { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }
