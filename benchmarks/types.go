package main

import "encoding/json"

// The typed structs every other decoder fills: one set for all of the
// project's webhook fixtures, written the way a careful integrator would.
// Ids and timestamps are strings; a member whose type varies between
// fixtures (an entry's time, a template id sent as a number, nested shapes
// this set does not model) is a json.RawMessage, so that every strict
// decoder reads every file without an error and the comparison is of
// decoding, not of refusing.

type bWebhook struct {
	Object string   `json:"object"`
	Entry  []bEntry `json:"entry"`
}

type bEntry struct {
	ID      string          `json:"id"`
	Time    json.RawMessage `json:"time"`
	Changes []bChange       `json:"changes"`
}

type bChange struct {
	Field string `json:"field"`
	Value bValue `json:"value"`
}

// bValue is the union of the values of every field in the fixtures.
type bValue struct {
	MessagingProduct string          `json:"messaging_product"`
	Metadata         bMetadata       `json:"metadata"`
	Contacts         []bContact      `json:"contacts"`
	Messages         []bMessage      `json:"messages"`
	Statuses         []bStatus       `json:"statuses"`
	Errors           []bError        `json:"errors"`
	MessageEchoes    []bMessage      `json:"message_echoes"`
	History          json.RawMessage `json:"history"`
	StateSync        json.RawMessage `json:"state_sync"`
	Calls            json.RawMessage `json:"calls"`

	Event                            string          `json:"event"`
	MessageTemplateID                json.RawMessage `json:"message_template_id"`
	MessageTemplateName              string          `json:"message_template_name"`
	MessageTemplateLanguage          string          `json:"message_template_language"`
	MessageTemplateCategory          string          `json:"message_template_category"`
	Reason                           string          `json:"reason"`
	OtherInfo                        json.RawMessage `json:"other_info"`
	RejectionInfo                    json.RawMessage `json:"rejection_info"`
	PreviousQualityScore             string          `json:"previous_quality_score"`
	NewQualityScore                  string          `json:"new_quality_score"`
	PreviousCategory                 string          `json:"previous_category"`
	NewCategory                      string          `json:"new_category"`
	CorrectCategory                  string          `json:"correct_category"`
	CategoryUpdateTimestamp          json.RawMessage `json:"category_update_timestamp"`
	DisplayPhoneNumber               string          `json:"display_phone_number"`
	PhoneNumber                      string          `json:"phone_number"`
	CurrentLimit                     string          `json:"current_limit"`
	OldLimit                         string          `json:"old_limit"`
	Decision                         string          `json:"decision"`
	RequestedVerifiedName            string          `json:"requested_verified_name"`
	RejectionReason                  string          `json:"rejection_reason"`
	Requester                        string          `json:"requester"`
	EntityID                         string          `json:"entity_id"`
	EntityType                       string          `json:"entity_type"`
	AlertInfo                        json.RawMessage `json:"alert_info"`
	BanInfo                          json.RawMessage `json:"ban_info"`
	ViolationInfo                    json.RawMessage `json:"violation_info"`
	RestrictionInfo                  json.RawMessage `json:"restriction_info"`
	DisconnectionInfo                json.RawMessage `json:"disconnection_info"`
	WABAInfo                         json.RawMessage `json:"waba_info"`
	MaxDailyConversationPerPhone     json.RawMessage `json:"max_daily_conversation_per_phone"`
	MaxDailyConversationsPerBusiness json.RawMessage `json:"max_daily_conversations_per_business"`
	MaxPhoneNumbersPerBusiness       json.RawMessage `json:"max_phone_numbers_per_business"`
	MaxPhoneNumbersPerWABA           json.RawMessage `json:"max_phone_numbers_per_waba"`
}

type bMetadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

type bContact struct {
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
	WaID   string `json:"wa_id"`
	UserID string `json:"user_id"`
}

type bMessage struct {
	From      string `json:"from"`
	To        string `json:"to"`
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	Context   *struct {
		From string `json:"from"`
		ID   string `json:"id"`
	} `json:"context"`
	Text *struct {
		Body string `json:"body"`
	} `json:"text"`
	Image       *bMedia         `json:"image"`
	Audio       *bMedia         `json:"audio"`
	Video       *bMedia         `json:"video"`
	Document    *bMedia         `json:"document"`
	Sticker     *bMedia         `json:"sticker"`
	Location    *bLocation      `json:"location"`
	Contacts    json.RawMessage `json:"contacts"`
	Interactive *bInteractive   `json:"interactive"`
	Button      *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction"`
	Order        json.RawMessage `json:"order"`
	System       *bSystem        `json:"system"`
	Referral     *bReferral      `json:"referral"`
	PollResponse json.RawMessage `json:"poll_response"`
	Errors       []bError        `json:"errors"`
}

type bMedia struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	Voice    bool   `json:"voice"`
	Animated bool   `json:"animated"`
}

type bLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name"`
	Address   string  `json:"address"`
	URL       string  `json:"url"`
}

type bInteractive struct {
	Type        string `json:"type"`
	ButtonReply *struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"button_reply"`
	ListReply *struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"list_reply"`
}

type bSystem struct {
	Body    string `json:"body"`
	NewWaID string `json:"new_wa_id"`
	Type    string `json:"type"`
}

type bReferral struct {
	SourceURL    string `json:"source_url"`
	SourceID     string `json:"source_id"`
	SourceType   string `json:"source_type"`
	Headline     string `json:"headline"`
	Body         string `json:"body"`
	MediaType    string `json:"media_type"`
	ImageURL     string `json:"image_url"`
	ThumbnailURL string `json:"thumbnail_url"`
	CtwaClid     string `json:"ctwa_clid"`
}

type bStatus struct {
	ID                    string `json:"id"`
	Status                string `json:"status"`
	Timestamp             string `json:"timestamp"`
	RecipientID           string `json:"recipient_id"`
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data"`
	Conversation          *struct {
		ID                  string `json:"id"`
		ExpirationTimestamp string `json:"expiration_timestamp"`
		Origin              struct {
			Type string `json:"type"`
		} `json:"origin"`
	} `json:"conversation"`
	Pricing *struct {
		Billable     bool   `json:"billable"`
		PricingModel string `json:"pricing_model"`
		Category     string `json:"category"`
		Type         string `json:"type"`
	} `json:"pricing"`
	Errors []bError `json:"errors"`
}

type bError struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message"`
	Href      string `json:"href"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
}
