package wabsp_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/wabsp/wabsp"
)

// An Inbox answers Meta once a delivery is stored and runs the callbacks on
// workers. In production the queue is a Redis stream
// (inbox/redisinbox.Open) shared by every receiver and worker.
func ExampleInbox() {
	processed := make(chan string, 1)
	h, err := wabsp.NewWebhookHandler(wabsp.WebhookConfig{
		AppSecrets: []string{"app-secret"},
		OnStatus: func(_ context.Context, s wabsp.StatusUpdate) error {
			processed <- s.Status.ID + " " + string(s.Status.Status)
			return nil
		},
	})
	if err != nil {
		panic(err)
	}
	inbox, err := wabsp.NewInbox(h, wabsp.NewMemoryInboxQueue(), wabsp.InboxConfig{Workers: 4})
	if err != nil {
		panic(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- inbox.Run(ctx) }()

	// What Meta would POST to the callback URL (served by inbox).
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.example","status":"delivered","timestamp":"1731456010","recipient_id":"16315551181"}]}}]}]}`)
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	req.Header.Set(wabsp.WebhookSignatureHeader, wabsp.SignWebhookBody("app-secret", body))
	rec := httptest.NewRecorder()
	inbox.ServeHTTP(rec, req)
	fmt.Println("answered", rec.Code)

	select {
	case s := <-processed:
		fmt.Println("processed", s)
	case <-time.After(time.Minute):
		fmt.Println("not processed")
	}
	stop() // stop reading, finish what is in flight
	<-stopped
	// Output:
	// answered 200
	// processed wamid.example delivered
}
