// Command send-message sends WhatsApp messages through Plivo with WhatsApp's
// rules applied before each send, and receives Plivo's callbacks.
//
// Without credentials it runs on the wabsptest sandbox: it sends a template
// to a new customer, receives the customer's reply through Plivo's inbound
// callback (which opens the customer-service window), answers free-form
// inside the window, and shows a free-form send refused once the window
// has closed (the sandbox's clock moved 25 hours on).
//
// With PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN, WHATSAPP_FROM (your WhatsApp number
// on Plivo), WHATSAPP_TO (the customer) and WHATSAPP_TEMPLATE (an approved
// template without parameters, in WHATSAPP_TEMPLATE_LANGUAGE, default
// en_US) set, it sends that template through Plivo for real.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"time"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/policy"
	"github.com/wabsp/wabsp/wabsptest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "send-message:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if os.Getenv("PLIVO_AUTH_ID") != "" && os.Getenv("PLIVO_AUTH_TOKEN") != "" && os.Getenv("WHATSAPP_TO") != "" {
		return sendForReal(ctx)
	}
	return sandboxConversation(ctx)
}

// sendForReal sends one approved template through Plivo.
func sendForReal(ctx context.Context) error {
	client, err := wabsp.NewClient(wabsp.FromEnv(), wabsp.Require(wabsp.RequirePlivo), wabsp.WithUserAgentSuffix("example-send-message"))
	if err != nil {
		return err
	}
	lang := os.Getenv("WHATSAPP_TEMPLATE_LANGUAGE")
	if lang == "" {
		lang = "en_US"
	}
	resp, err := client.SendMessage(ctx, wabsp.MessageRequest{
		From: os.Getenv("WHATSAPP_FROM"), To: os.Getenv("WHATSAPP_TO"),
		Template: &wabsp.TemplateMessage{Name: os.Getenv("WHATSAPP_TEMPLATE"), Language: lang},
	})
	if err != nil {
		return err
	}
	fmt.Println("Plivo queued message", resp.MessageUUID())
	return nil
}

const (
	business = "+14155550100"
	customer = "+14155550199"
)

// sandboxConversation plays a whole conversation on the sandbox.
func sandboxConversation(ctx context.Context) error {
	sb := wabsptest.NewServer()
	defer sb.Close()
	fmt.Println("no Plivo credentials set: using the wabsptest sandbox at", sb.URL())
	client := sb.Client(wabsp.WithUserAgentSuffix("example-send-message"))

	// The policy tracker reads the sandbox's clock, so that moving the
	// clock closes the window for both.
	tracker, err := policy.NewTracker(policy.WithClock(sb.Now))
	if err != nil {
		return err
	}
	rules := policy.SendPolicyFor(tracker)

	// Plivo's callbacks: statuses of our messages and the customer's
	// messages, verified with the Auth Token; the tracker is fed first.
	handler, err := client.NewPlivoCallbackHandler(wabsp.PlivoCallbackConfig{
		Observer: rules,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnStatus: func(_ context.Context, s wabsp.PlivoStatusCallback) error {
			fmt.Printf("  status callback: message %s is %s\n", s.MessageUUID, s.Status)
			return nil
		},
		OnInbound: func(_ context.Context, m wabsp.PlivoInboundCallback) error {
			fmt.Printf("  inbound callback: +%s wrote %q\n", m.From, m.Body)
			return nil
		},
	})
	if err != nil {
		return err
	}
	hooks := httptest.NewServer(handler)
	defer hooks.Close()
	sb.SetPlivoMessageURL(hooks.URL + "/plivo/inbound")
	statusURL := hooks.URL + "/plivo/status"

	sender, err := client.NewMessageSender(wabsp.MessageSenderConfig{Policy: rules})
	if err != nil {
		return err
	}

	fmt.Println("1. a template to a new customer (outside any window: counted against the messaging limit)")
	resp, err := sender.Send(ctx, wabsp.MessageRequest{From: business, To: customer, StatusCallbackURL: statusURL,
		Template: &wabsp.TemplateMessage{Name: "order_shipped", Language: "en_US", Category: wabsp.CategoryUtility,
			Components: []wabsp.TemplateMessageComponent{{Type: wabsp.TemplateComponentBody,
				Parameters: []wabsp.TemplateParameter{wabsp.TextParam("Ada"), wabsp.TextParam("#1234")}}}}})
	if err != nil {
		return err
	}
	fmt.Println("  Plivo queued", resp.MessageUUID())

	fmt.Println("2. the customer replies")
	if status, err := sb.CustomerMessage(ctx, customer, business, "Thanks! When will it arrive?"); err != nil || status != 200 {
		return fmt.Errorf("inbound callback: status %d: %v", status, err)
	}

	fmt.Println("3. a free-form answer inside the customer-service window")
	if _, err := sender.Send(ctx, wabsp.MessageRequest{From: business, To: customer, StatusCallbackURL: statusURL,
		Text: "Tomorrow before noon."}); err != nil {
		return err
	}

	fmt.Println("4. 25 hours later, a free-form message is refused before any call")
	sb.AdvanceClock(25 * time.Hour)
	_, err = sender.Send(ctx, wabsp.MessageRequest{From: business, To: customer, Text: "Did it arrive?"})
	var closed *wabsp.ServiceWindowClosedError
	if !errors.As(err, &closed) {
		return fmt.Errorf("expected the window to be closed, got %v", err)
	}
	fmt.Println("  refused:", err)
	fmt.Printf("sandbox: Plivo received %d messages\n", len(sb.SentMessages()))
	return nil
}
