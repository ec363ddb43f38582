package wabsp_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/wabsp/wabsp"
)

func ExampleNewWebhookHandler() {
	h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{
		AppSecrets:  []string{"current-app-secret", "previous-app-secret"},
		VerifyToken: "the-token-set-in-the-app-dashboard",
		OnMessage: func(ctx context.Context, m wabsp.InboundMessage) error {
			// Record and return quickly; an error makes Meta retry.
			log.Printf("%s -> %s: %s", m.Message.From, m.PhoneNumberID, m.Message.Type)
			return nil
		},
		OnStatus: func(ctx context.Context, s wabsp.StatusUpdate) error {
			log.Printf("%s is %s", s.Status.ID, s.Status.Status)
			return nil
		},
		OnOnboarding: func(ctx context.Context, ev wabsp.OnboardingEvent) error {
			log.Printf("customer business %s shared WABA %s", ev.OwnerBusinessID, ev.WABAID)
			return nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/whatsapp/webhook", h)
}

func ExampleDecodeWebhook() {
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
		"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
		"statuses":[{"id":"wamid.X","status":"delivered","timestamp":"1731456012","recipient_id":"16315551181"}]},
		"field":"messages"}]}]}`)
	sig := wabsp.SignWebhookBody("app-secret", body) // what Meta sends in X-Hub-Signature-256
	if err := wabsp.VerifyWebhookSignature(body, sig, "app-secret"); err != nil {
		log.Fatal(err)
	}
	w, err := wabsp.DecodeWebhook(body)
	if err != nil {
		log.Fatal(err)
	}
	for s := range w.Statuses() {
		fmt.Println(s.PhoneNumberID, s.Status.ID, s.Status.Status, s.Status.Timestamp.Unix())
	}
	// Output: 106540352242922 wamid.X delivered 1731456012
}
