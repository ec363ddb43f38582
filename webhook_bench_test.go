package wabsp_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/internal/webhookfixture"
)

// Benchmarks compare, in one run, the SDK's decoder with what a receiver
// would otherwise write: encoding/json into map[string]any, and
// encoding/json into structs of the same shape (peer* below, written the
// way Go peers write them: timestamps as strings, numeric ids as int64).
//
//	go test -run '^$' -bench 'Webhook' -benchmem -benchtime=200ms .

// smallDeliveries are realistic 0.5-1.5 KB deliveries, one of each kind a
// busy receiver gets most.
var smallDeliveries = []string{
	"message_text.json", "message_image.json", "message_interactive_button_reply.json",
	"status_sent.json", "status_failed.json", "template_status_update.json",
}

// statusDelivery is webhookfixture.StatusDelivery of the recorded sent
// status.
func statusDelivery(tb testing.TB, n int) []byte {
	tb.Helper()
	b, err := webhookfixture.StatusDelivery(readWebhookFixture(tb, "status_sent.json"), n)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

type peerWebhook struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Time    int64  `json:"time"`
		Changes []struct {
			Field string          `json:"field"`
			Value peerChangeValue `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type peerChangeValue struct {
	MessagingProduct string `json:"messaging_product"`
	Metadata         struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID string `json:"wa_id"`
	} `json:"contacts"`
	Messages []struct {
		From      string `json:"from"`
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
		Image *struct {
			Caption  string `json:"caption"`
			MimeType string `json:"mime_type"`
			SHA256   string `json:"sha256"`
			ID       string `json:"id"`
		} `json:"image"`
		Interactive *struct {
			Type        string `json:"type"`
			ButtonReply *struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"button_reply"`
		} `json:"interactive"`
	} `json:"messages"`
	Statuses []struct {
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
		} `json:"pricing"`
		Errors []peerError `json:"errors"`
	} `json:"statuses"`
	Errors []peerError `json:"errors"`
	// message_template_status_update
	Event                   string `json:"event"`
	MessageTemplateID       int64  `json:"message_template_id"`
	MessageTemplateName     string `json:"message_template_name"`
	MessageTemplateLanguage string `json:"message_template_language"`
	Reason                  string `json:"reason"`
	MessageTemplateCategory string `json:"message_template_category"`
}

type peerError struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
	Href string `json:"href"`
}

type benchDecoder struct {
	name   string
	decode func([]byte) error
}

var benchDecoders = []benchDecoder{
	{"encoding_json_map", func(b []byte) error { var m map[string]any; return json.Unmarshal(b, &m) }},
	{"encoding_json_structs", func(b []byte) error { var w peerWebhook; return json.Unmarshal(b, &w) }},
	{"wabsp", func(b []byte) error { _, err := wabsp.DecodeWebhook(b); return err }},
}

func benchInputs(b *testing.B) []struct {
	name   string
	bodies [][]byte
} {
	var small [][]byte
	for _, f := range smallDeliveries {
		small = append(small, readWebhookFixture(b, f))
	}
	return []struct {
		name   string
		bodies [][]byte
	}{{"small_deliveries", small}, {"statuses_1000", [][]byte{statusDelivery(b, 1000)}}}
}

func totalLen(bodies [][]byte) (n int64) {
	for _, b := range bodies {
		n += int64(len(b))
	}
	return n
}

func BenchmarkWebhookDecode(b *testing.B) {
	for _, in := range benchInputs(b) {
		for _, d := range benchDecoders {
			b.Run(in.name+"/"+d.name, func(b *testing.B) {
				b.SetBytes(totalLen(in.bodies))
				b.ReportAllocs()
				for range b.N {
					for _, body := range in.bodies {
						if err := d.decode(body); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}

// BenchmarkWebhookRequestPath compares reading, verifying and decoding a
// signed request: a peer-like io.ReadAll + HMAC + encoding/json, and the
// handler's DecodeRequest (one right-sized, pooled read).
func BenchmarkWebhookRequestPath(b *testing.B) {
	h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{AppSecrets: []string{testAppSecret},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	paths := []benchDecoder{
		{"baseline_readall_hmac_encoding_json", nil},
		{"wabsp_DecodeRequest", nil},
	}
	for _, in := range benchInputs(b) {
		sigs := make([]string, len(in.bodies))
		for i, body := range in.bodies {
			sigs[i] = wabsp.SignWebhookBody(testAppSecret, body)
		}
		for _, p := range paths {
			b.Run(in.name+"/"+p.name, func(b *testing.B) {
				b.SetBytes(totalLen(in.bodies))
				b.ReportAllocs()
				for range b.N {
					for i, body := range in.bodies {
						req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
						req.Header.Set(wabsp.WebhookSignatureHeader, sigs[i])
						if p.name == "wabsp_DecodeRequest" {
							if _, err := h.DecodeRequest(req); err != nil {
								b.Fatal(err)
							}
							continue
						}
						if err := peerRequestPath(req); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}

func peerRequestPath(r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	m := hmac.New(sha256.New, []byte(testAppSecret))
	m.Write(body)
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(r.Header.Get(wabsp.WebhookSignatureHeader))) {
		return fmt.Errorf("bad signature")
	}
	var w peerWebhook
	return json.Unmarshal(body, &w)
}
