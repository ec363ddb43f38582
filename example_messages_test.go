package wabsp_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/policy"
	"github.com/wabsp/wabsp/wabsptest"
)

func ExampleClient_SendMessage() {
	sb := wabsptest.NewServer()
	defer sb.Close()
	client := sb.Client() // wabsp.NewClient(wabsp.FromEnv()) for real

	resp, err := client.SendMessage(context.Background(), wabsp.MessageRequest{
		From: "+14155550100",
		To:   "+14155550199",
		Template: &wabsp.TemplateMessage{Name: "order_shipped", Language: "en_US",
			Components: []wabsp.TemplateMessageComponent{{Type: wabsp.TemplateComponentBody,
				Parameters: []wabsp.TemplateParameter{wabsp.TextParam("Ada"), wabsp.TextParam("#1234")}}}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Message, len(resp.MessageUUIDs))
	// Output: message(s) queued 1
}

func ExampleMessageSender_Send() {
	sb := wabsptest.NewServer()
	defer sb.Close()
	tracker, err := policy.NewTracker(policy.WithClock(sb.Now))
	if err != nil {
		panic(err)
	}
	sender, err := sb.Client().NewMessageSender(wabsp.MessageSenderConfig{Policy: policy.SendPolicyFor(tracker)})
	if err != nil {
		panic(err)
	}

	// The customer never wrote: free-form text is refused before any call.
	_, err = sender.Send(context.Background(), wabsp.MessageRequest{From: "+14155550100", To: "+14155550199", Text: "Hi!"})
	fmt.Println(errors.Is(err, wabsp.ErrServiceWindowClosed))
	// Output: true
}

func ExampleSignPlivoV3() {
	// Sign a callback as Plivo would, to test a receiver.
	params := url.Values{"MessageUUID": {"5b3d1a6e-9b7d-11ef-8a3c-0242ac110002"}, "Status": {"delivered"}}
	sig := wabsp.SignPlivoV3("auth-token", "POST", "https://hooks.example.com/plivo/status", "12345", params)
	fmt.Println(wabsp.VerifyPlivoSignatureV3("POST", "https://hooks.example.com/plivo/status", "12345", sig, params, "auth-token"))
	// Output: true
}
