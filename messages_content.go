package wabsp

// TemplateMessage names an approved template and fills its placeholders,
// in the shape of Plivo's template object (plivo-go's Template).
type TemplateMessage struct {
	// Name is the template's name.
	Name string `json:"name"`
	// Language is the template's locale code, such as "en_US"; Plivo
	// takes it as a plain string.
	Language string `json:"language"`
	// Components fill the header, body and button placeholders.
	Components []TemplateMessageComponent `json:"components,omitempty"`
	// Category is the template's category as you know it (not sent). A
	// MessageSender refuses a MARKETING template to a customer who opted
	// out of marketing; when empty, HeldTemplate's category is used.
	Category TemplateCategory `json:"-"`
}

// The component types of a template message, in Plivo's lower case.
const (
	TemplateComponentHeader = "header"
	TemplateComponentBody   = "body"
	TemplateComponentButton = "button"
)

// The button sub-types of a template message's button component.
const (
	TemplateButtonQuickReply = "quick_reply"
	TemplateButtonURL        = "url"
	TemplateButtonCopyCode   = "copy_code"
)

// TemplateMessageComponent fills the placeholders of one part of a
// template: its header, its body, or one of its buttons (SubType and Index
// set, Index counting the template's buttons from "0").
type TemplateMessageComponent struct {
	Type       string              `json:"type"`
	SubType    string              `json:"sub_type,omitempty"`
	Index      string              `json:"index,omitempty"`
	Parameters []TemplateParameter `json:"parameters"`
}

// TemplateParameterType is the type of one template parameter.
type TemplateParameterType string

// The parameter types of Plivo's template object.
const (
	ParamText     TemplateParameterType = "text"
	ParamCurrency TemplateParameterType = "currency"
	ParamDateTime TemplateParameterType = "date_time"
	// ParamMedia fills a media header with a URL.
	ParamMedia TemplateParameterType = "media"
	// ParamPayload is a quick-reply button's payload.
	ParamPayload TemplateParameterType = "payload"
	// ParamLocation fills a location header.
	ParamLocation TemplateParameterType = "location"
	// ParamCouponCode is a copy-code button's code.
	ParamCouponCode TemplateParameterType = "coupon_code"
)

// TemplateParameter is the value of one placeholder. Only the field of its
// Type is set; ParameterName names the placeholder of a template with named
// parameters ({{first_name}}).
type TemplateParameter struct {
	Type          TemplateParameterType `json:"type"`
	ParameterName string                `json:"parameter_name,omitempty"`
	Text          string                `json:"text,omitempty"`
	Media         string                `json:"media,omitempty"`
	Payload       string                `json:"payload,omitempty"`
	CouponCode    string                `json:"coupon_code,omitempty"`
	Currency      *TemplateCurrency     `json:"currency,omitempty"`
	DateTime      *TemplateDateTime     `json:"date_time,omitempty"`
	Location      *MessageLocation      `json:"location,omitempty"`
}

// TemplateCurrency is a currency amount; Amount1000 is the amount times
// 1000 (12.34 USD is 12340).
type TemplateCurrency struct {
	FallbackValue string `json:"fallback_value"`
	CurrencyCode  string `json:"currency_code"`
	Amount1000    int64  `json:"amount_1000"`
}

// TemplateDateTime is a date shown as its fallback value.
type TemplateDateTime struct {
	FallbackValue string `json:"fallback_value"`
}

// TextParam is a positional text parameter.
func TextParam(text string) TemplateParameter { return TemplateParameter{Type: ParamText, Text: text} }

// NamedTextParam is a text parameter for the named placeholder {{name}}.
func NamedTextParam(name, text string) TemplateParameter {
	return TemplateParameter{Type: ParamText, ParameterName: name, Text: text}
}

// MessageMediaKind is the kind of a media message, which decides its size
// limit and accepted types.
type MessageMediaKind string

// The media kinds WhatsApp accepts.
const (
	MediaImage    MessageMediaKind = "image"
	MediaVideo    MessageMediaKind = "video"
	MediaAudio    MessageMediaKind = "audio"
	MediaDocument MessageMediaKind = "document"
	MediaSticker  MessageMediaKind = "sticker"
)

// MessageMedia is a media message's file. Plivo fetches it from URL and
// infers its kind; Kind, ContentType and Size are what you know of the file
// (from your storage), not sent, and let Validate check it against
// WhatsApp's limits before the send rather than in a failed callback.
type MessageMedia struct {
	// URL is the file's public http(s) URL.
	URL string
	// Kind is the file's kind; empty means derived from ContentType.
	Kind MessageMediaKind
	// ContentType is the file's MIME type, such as "image/jpeg"; optional.
	ContentType string
	// Size is the file's size in bytes; 0 means unknown.
	Size int64
}

// MessageLocation is a map pin. Plivo takes the coordinates as decimal
// strings.
type MessageLocation struct {
	Latitude  string `json:"latitude"`
	Longitude string `json:"longitude"`
	Name      string `json:"name,omitempty"`
	Address   string `json:"address,omitempty"`
}

// InteractiveType is the kind of an interactive message.
type InteractiveType string

// The interactive message kinds Plivo sends.
const (
	InteractiveButton InteractiveType = "button"
	InteractiveList   InteractiveType = "list"
	InteractiveCTAURL InteractiveType = "cta_url"
)

// InteractiveMessage is a message with reply buttons, a list or a
// call-to-action URL button, in the shape of Plivo's interactive object.
type InteractiveMessage struct {
	Type   InteractiveType    `json:"type"`
	Header *InteractiveHeader `json:"header,omitempty"`
	Body   *InteractiveText   `json:"body,omitempty"`
	Footer *InteractiveText   `json:"footer,omitempty"`
	Action *InteractiveAction `json:"action,omitempty"`
}

// InteractiveHeader is an interactive message's header: text, or an image,
// video or document by URL.
type InteractiveHeader struct {
	Type  string `json:"type"`
	Text  string `json:"text,omitempty"`
	Media string `json:"media,omitempty"`
}

// InteractiveText is an interactive message's body or footer.
type InteractiveText struct {
	Text string `json:"text"`
}

// InteractiveAction holds the buttons or the list. A list's single button
// (its title opens the list) and a call-to-action's single button (title
// and CTAURL) are in Buttons, as Plivo's interactive object puts them.
type InteractiveAction struct {
	Buttons  []InteractiveButtonItem `json:"buttons,omitempty"`
	Sections []InteractiveSection    `json:"sections,omitempty"`
}

// InteractiveButtonItem is a reply button (ID and Title), a list's button
// (Title) or a call-to-action button (Title and CTAURL).
type InteractiveButtonItem struct {
	ID     string `json:"id,omitempty"`
	Title  string `json:"title"`
	CTAURL string `json:"cta_url,omitempty"`
}

// InteractiveSection is one section of a list.
type InteractiveSection struct {
	Title string           `json:"title,omitempty"`
	Rows  []InteractiveRow `json:"rows"`
}

// InteractiveRow is one choice of a list.
type InteractiveRow struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}
