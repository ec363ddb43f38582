package wabsp

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Limits WhatsApp puts on message content, checked before a send. Text and
// caption limits are Meta's Cloud API limits (Plivo's reference gives 4096
// for free-form WhatsApp text); interactive limits are Meta's interactive
// object limits.
const (
	MaxMessageTextLength    = 4096
	MaxCaptionLength        = 1024
	MaxInteractiveBody      = 1024
	MaxInteractiveHeader    = 60
	MaxInteractiveFooter    = 60
	MaxReplyButtons         = 3
	MaxReplyButtonTitle     = 20
	MaxReplyButtonID        = 256
	MaxListButtonTitle      = 20
	MaxListSections         = 10
	MaxListRows             = 10
	MaxListSectionTitle     = 24
	MaxListRowTitle         = 24
	MaxListRowDescription   = 72
	MaxListRowID            = 200
	MaxCTAButtonTitle       = 20
	MaxTemplateTextParamLen = 1024
)

// MediaLimit is the largest file and the MIME types WhatsApp accepts for a
// media kind.
type MediaLimit struct {
	MaxBytes     int64
	ContentTypes []string
}

// MediaLimits are WhatsApp's supported media types and sizes per kind, from
// Meta's supported-media reference. A sticker's limit is that of a static
// sticker (100 KB); animated stickers may be up to 500 KB, which the SDK
// cannot tell apart from the type, so a larger sticker must declare no
// Size to pass.
var MediaLimits = map[MessageMediaKind]MediaLimit{
	MediaImage:    {5 << 20, []string{"image/jpeg", "image/png"}},
	MediaVideo:    {16 << 20, []string{"video/mp4", "video/3gpp"}},
	MediaAudio:    {16 << 20, []string{"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}},
	MediaDocument: {100 << 20, []string{"text/plain", "application/pdf", "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.openxmlformats-officedocument.presentationml.presentation"}},
	MediaSticker:  {100 << 10, []string{"image/webp"}},
}

// ErrRecipientIsBSUID is matched by the validation error of a recipient
// given as a business-scoped user id: Plivo's Message API documents phone
// numbers only for dst.
var ErrRecipientIsBSUID = errors.New("wabsp: Plivo's Message API takes a phone number, not a business-scoped user id")

// bsuidPattern is a BSUID: a country code, ".", and alphanumerics.
var bsuidPattern = regexp.MustCompile(`^[A-Za-z]{2}\.[A-Za-z0-9]{1,128}$`)

// Validate reports every problem with the request at once, as a
// *ValidationError; nothing is sent when it fails.
func (r MessageRequest) Validate() error {
	var v validator
	r.check(&v)
	return v.err("SendMessage")
}

func (r *MessageRequest) check(v *validator) {
	v.phone("src", r.From)
	v.phone("dst", r.To)

	kinds := 0
	for _, set := range []bool{r.Media != nil, r.Template != nil, r.Interactive != nil, r.Location != nil} {
		if set {
			kinds++
		}
	}
	switch {
	case kinds > 1:
		v.addf("type", "set only one of media, template, interactive and location")
	case kinds == 0 && r.Text == "":
		v.addf("text", "is required: set text, media, template, interactive or location")
	case kinds == 1 && r.Text != "" && r.Media == nil:
		v.addf("text", "is only sent alone or as a media caption")
	case r.Media == nil:
		v.maxLen("text", r.Text, MaxMessageTextLength)
	}
	if r.Media != nil {
		r.Media.check(v, "media_urls[0]", r.Text)
	}
	if r.Template != nil {
		r.Template.check(v, "template")
		if r.HeldTemplate != nil {
			r.Template.checkAgainst(v, "template", r.HeldTemplate)
		}
	}
	if r.Interactive != nil {
		r.Interactive.check(v, "interactive")
	}
	if r.Location != nil {
		r.Location.check(v, "location")
	}
	if r.StatusCallbackURL != "" {
		v.httpURL("url", r.StatusCallbackURL)
	}
	switch strings.ToUpper(r.StatusCallbackMethod) {
	case "", "GET", "POST":
	default:
		v.addf("method", "must be GET or POST, got %q", truncate(r.StatusCallbackMethod, 16))
	}
}

// phone checks a number in E.164 and explains a BSUID.
func (v *validator) phone(field, value string) {
	switch {
	case !v.required(field, value, nil):
	case bsuidPattern.MatchString(value):
		v.fields = append(v.fields, FieldError{Field: field, Message: "is a business-scoped user id; Plivo's Message API takes a phone number in E.164", Err: ErrRecipientIsBSUID})
	case strings.Contains(value, "<"):
		v.addf(field, "must be one number: the SDK sends to one recipient per call")
	case !IsE164(value):
		v.addf(field, "must be a phone number in E.164, such as +14155550100, got %q", truncate(value, 32))
	}
}

func (v *validator) httpURL(field, value string) {
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		v.addf(field, "must be an absolute http(s) URL")
	}
}

func (m *MessageMedia) check(v *validator, p, caption string) {
	if v.required(p, m.URL, nil) {
		v.httpURL(p, m.URL)
	}
	kind := m.Kind
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(m.ContentType, ";", 2)[0]))
	if kind == "" && ct != "" {
		kind = mediaKindOf(ct)
		if kind == "" {
			v.addf(p, "content type %q is not one WhatsApp accepts", truncate(ct, 64))
			return
		}
	}
	if kind == "" {
		return // nothing known to check beyond the URL
	}
	limit, ok := MediaLimits[kind]
	if !ok {
		v.addf(p, "unknown media kind %q: use image, video, audio, document or sticker", truncate(string(kind), 16))
		return
	}
	if ct != "" && !containsString(limit.ContentTypes, ct) {
		v.addf(p, "content type %q is not accepted for %s: use %s", truncate(ct, 64), kind, strings.Join(limit.ContentTypes, ", "))
	}
	if m.Size < 0 {
		v.addf(p, "size must not be negative")
	} else if m.Size > limit.MaxBytes {
		v.addf(p, "is %d bytes, at most %d allowed for %s", m.Size, limit.MaxBytes, kind)
	}
	if caption != "" {
		switch kind {
		case MediaAudio, MediaSticker:
			v.addf("text", "a %s cannot have a caption", kind)
		default:
			v.maxLen("text", caption, MaxCaptionLength)
		}
	}
}

func mediaKindOf(contentType string) MessageMediaKind {
	for _, k := range []MessageMediaKind{MediaImage, MediaVideo, MediaAudio, MediaDocument, MediaSticker} {
		if containsString(MediaLimits[k].ContentTypes, contentType) {
			return k
		}
	}
	return ""
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (l *MessageLocation) check(v *validator, p string) {
	coord := func(field, value string, limit float64) {
		if !v.required(field, value, nil) {
			return
		}
		f, err := strconv.ParseFloat(value, 64)
		if err != nil || f < -limit || f > limit {
			v.addf(field, "must be a decimal number between %g and %g", -limit, limit)
		}
	}
	coord(p+".latitude", l.Latitude, 90)
	coord(p+".longitude", l.Longitude, 180)
}

func (m *InteractiveMessage) check(v *validator, p string) {
	if m.Body == nil || strings.TrimSpace(m.Body.Text) == "" {
		v.addf(p+".body.text", "is required")
	} else {
		v.maxLen(p+".body.text", m.Body.Text, MaxInteractiveBody)
	}
	if m.Footer != nil {
		v.maxLen(p+".footer.text", m.Footer.Text, MaxInteractiveFooter)
	}
	if h := m.Header; h != nil {
		switch h.Type {
		case "text":
			if v.required(p+".header.text", h.Text, nil) {
				v.maxLen(p+".header.text", h.Text, MaxInteractiveHeader)
			}
		case "image", "video", "document":
			if v.required(p+".header.media", h.Media, nil) {
				v.httpURL(p+".header.media", h.Media)
			}
		default:
			v.addf(p+".header.type", "must be text, image, video or document, got %q", truncate(h.Type, 16))
		}
	}
	var buttons []InteractiveButtonItem
	var sections []InteractiveSection
	if m.Action != nil {
		buttons, sections = m.Action.Buttons, m.Action.Sections
	}
	bp := p + ".action.buttons"
	switch m.Type {
	case InteractiveButton:
		if len(buttons) == 0 || len(buttons) > MaxReplyButtons {
			v.addf(bp, "needs 1 to %d reply buttons, got %d", MaxReplyButtons, len(buttons))
		}
		ids, titles := map[string]bool{}, map[string]bool{}
		for i, b := range buttons {
			q := fmt.Sprintf("%s[%d]", bp, i)
			if v.required(q+".id", b.ID, nil) {
				v.maxLen(q+".id", b.ID, MaxReplyButtonID)
				if ids[b.ID] {
					v.addf(q+".id", "repeats another button's id")
				}
				ids[b.ID] = true
			}
			if v.required(q+".title", b.Title, nil) {
				v.maxLen(q+".title", b.Title, MaxReplyButtonTitle)
				if titles[b.Title] {
					v.addf(q+".title", "repeats another button's title")
				}
				titles[b.Title] = true
			}
		}
		if len(sections) > 0 {
			v.addf(p+".action.sections", "is only for a list")
		}
	case InteractiveList:
		if len(buttons) != 1 {
			v.addf(bp, "a list needs exactly one button, whose title opens it")
		} else if v.required(bp+"[0].title", buttons[0].Title, nil) {
			v.maxLen(bp+"[0].title", buttons[0].Title, MaxListButtonTitle)
		}
		sp := p + ".action.sections"
		if len(sections) == 0 || len(sections) > MaxListSections {
			v.addf(sp, "needs 1 to %d sections, got %d", MaxListSections, len(sections))
		}
		rows, ids := 0, map[string]bool{}
		for i, s := range sections {
			q := fmt.Sprintf("%s[%d]", sp, i)
			if len(sections) > 1 {
				v.required(q+".title", s.Title, nil)
			}
			v.maxLen(q+".title", s.Title, MaxListSectionTitle)
			if len(s.Rows) == 0 {
				v.addf(q+".rows", "needs at least one row")
			}
			for j, row := range s.Rows {
				rows++
				r := fmt.Sprintf("%s.rows[%d]", q, j)
				if v.required(r+".id", row.ID, nil) {
					v.maxLen(r+".id", row.ID, MaxListRowID)
					if ids[row.ID] {
						v.addf(r+".id", "repeats another row's id")
					}
					ids[row.ID] = true
				}
				if v.required(r+".title", row.Title, nil) {
					v.maxLen(r+".title", row.Title, MaxListRowTitle)
				}
				v.maxLen(r+".description", row.Description, MaxListRowDescription)
			}
		}
		if rows > MaxListRows {
			v.addf(sp, "has %d rows, at most %d allowed in all", rows, MaxListRows)
		}
	case InteractiveCTAURL:
		if len(buttons) != 1 {
			v.addf(bp, "a call-to-action needs exactly one button")
		} else {
			b := buttons[0]
			if v.required(bp+"[0].title", b.Title, nil) {
				v.maxLen(bp+"[0].title", b.Title, MaxCTAButtonTitle)
			}
			if v.required(bp+"[0].cta_url", b.CTAURL, nil) {
				v.httpURL(bp+"[0].cta_url", b.CTAURL)
			}
		}
	default:
		v.addf(p+".type", "must be button, list or cta_url, got %q", truncate(string(m.Type), 16))
	}
}
