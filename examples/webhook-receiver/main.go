// Command webhook-receiver serves wabsp's webhook handler and prints every
// decoded event as one JSON line on stdout.
//
// By default it needs no credentials: it starts the handler on a loopback
// test server and points the wabsptest sandbox at it. A customer is
// onboarded (the sandbox sends PARTNER_ADDED), a template is submitted and
// reviewed (it sends the status update), and the customer writes in (an
// inbound text); then each recorded delivery in testdata/webhooks is posted,
// signed with a demo app secret as Meta would sign it, and it exits.
//
// With -addr it serves until interrupted, checking signatures with
// META_APP_SECRET (several secrets, comma-separated, during a rotation) and
// answering Meta's subscription challenge with WEBHOOK_VERIFY_TOKEN:
//
//	META_APP_SECRET=... WEBHOOK_VERIFY_TOKEN=... go run ./examples/webhook-receiver -addr :8080
//
// Both are required with -addr; the demo signs with its own secret and
// ignores them. -h lists every flag and variable.
//
// Every delivery also feeds a messaging-policy tracker, whose answers are
// served as JSON under /policy/ (GET /policy/window?phone_number_id=&wa_id=,
// /policy/limit?phone_number_id=, /policy/conversation?...). With
// -redis-url (or WABSP_REDIS_URL) the tracker and the webhook deduplication
// live in Redis, shared by every instance; otherwise in memory.
//
// With -inbox redis://host:port it acknowledges each delivery once it is
// stored in a Redis stream and runs the callbacks on -workers workers (see
// wabsp.Inbox); every process started with the same -inbox shares the work,
// and the tracker and deduplication default to that Redis too:
//
//	go run ./examples/webhook-receiver -inbox redis://localhost:6379/0 -workers 8
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/examples/internal/exampleenv"
	"github.com/wabsp/wabsp/policy"
	"github.com/wabsp/wabsp/policy/redisstore"
	"github.com/wabsp/wabsp/wabsptest"
)

const demoSecret = "demo-app-secret"

func main() {
	addr := flag.String("addr", "", "serve on this address (such as :8080) until interrupted, instead of the demo")
	fixtures := flag.String("fixtures", "", "directory of deliveries to post in the demo (default: the repository's testdata/webhooks)")
	redisURL := flag.String("redis-url", os.Getenv("WABSP_REDIS_URL"), "keep the policy tracker and deduplication in this Redis (default: in memory, or the -inbox Redis)")
	inboxURL := flag.String("inbox", "", "acknowledge deliveries once stored in this Redis (redis://host:port/db) and process them on workers")
	workers := flag.Int("workers", 4, "with -inbox, how many deliveries to process at once")
	exampleenv.SetUsage(flag.CommandLine, `Command webhook-receiver serves wabsp's webhook handler and prints each event as a JSON line.
Without -addr it runs a demo on loopback with recorded, signed deliveries and needs no variables.

Usage: go run ./examples/webhook-receiver [-addr :8080] [-fixtures dir] [-redis-url redis://...] [-inbox redis://... [-workers n]]`,
		exampleenv.Var{Name: "META_APP_SECRET", Help: "with -addr: your Meta app secret(s), comma-separated during a rotation, to check signatures"},
		exampleenv.Var{Name: "WEBHOOK_VERIFY_TOKEN", Help: "with -addr: the verify token you entered for the callback URL in Meta's app dashboard"},
		exampleenv.Var{Name: "WABSP_REDIS_URL", Help: "optional: the default of -redis-url"},
	)
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *redisURL == "" {
		*redisURL = *inboxURL
	}
	st, err := openStore(*redisURL)
	if err == nil {
		inbox, err = openInbox(*inboxURL, *workers)
		defer inbox.close()
	}
	if err == nil {
		if *addr != "" {
			err = serve(*addr, st)
		} else {
			err = demo(*fixtures, st)
		}
	}
	if err != nil {
		inbox.close()
		fmt.Fprintln(os.Stderr, "webhook-receiver:", err)
		os.Exit(1)
	}
}

// inbox is the -inbox mode, nil without it.
var inbox *inboxMode

// printer writes one JSON line per event; callbacks may run concurrently.
type printer struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (p *printer) print(kind string, v any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.enc.Encode(map[string]any{"event": kind, "data": v})
}

// openStore returns where the tracker and the deduplicator keep their
// state: every policy.Store is also a wabsp.Deduplicator.
func openStore(redisURL string) (policy.Store, error) {
	if redisURL == "" {
		return policy.NewMemoryStore(), nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return redisstore.Open(ctx, redisURL)
}

// newMux serves the webhook handler at / and the tracker's answers under
// /policy/. Each delivery feeds the tracker before the callbacks run.
func newMux(secrets []string, verifyToken string, p *printer, st policy.Store) (http.Handler, error) {
	tracker, err := policy.NewTracker(policy.WithStore(st))
	if err != nil {
		return nil, err
	}
	h, err := newHandler(secrets, verifyToken, p, st, func(ctx context.Context, w *wabsp.Webhook) error {
		// Without a Graph client there is no display-number resolver, so
		// phone_number_quality_update is skipped; business_capability_update
		// still sets the portfolio's tier.
		return tracker.ObserveWebhook(ctx, w, nil)
	})
	if err != nil {
		return nil, err
	}
	root, err := inbox.wrap(h)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/policy/", policy.NewHTTPHandler(tracker, nil))
	mux.Handle("/", root)
	return mux, nil
}

func newHandler(secrets []string, verifyToken string, p *printer, dedup wabsp.Deduplicator, onDelivery func(context.Context, *wabsp.Webhook) error) (*wabsp.WebhookHandler, error) {
	return wabsp.NewWebhookHandler(wabsp.WebhookConfig{
		AppSecrets:   secrets,
		VerifyToken:  verifyToken,
		Deduplicator: dedup,
		OnDelivery:   onDelivery,
		OnMessage:    func(_ context.Context, m wabsp.InboundMessage) error { return p.print("message", m) },
		OnStatus:     func(_ context.Context, s wabsp.StatusUpdate) error { return p.print("status", s) },
		OnOnboarding: func(_ context.Context, ev wabsp.OnboardingEvent) error {
			return p.print("onboarding", ev)
		},
		// Every other change, typed where the SDK knows the field, raw
		// where it does not.
		OnChange: func(_ context.Context, e *wabsp.WebhookEntry, c *wabsp.WebhookChange) error {
			return p.print(string(c.Field), map[string]any{"entry_id": e.ID, "change": c})
		},
		OnMessagesErrors: func(_ context.Context, e *wabsp.WebhookEntry, v *wabsp.MessagesValue) error {
			return p.print("messages_errors", map[string]any{"entry_id": e.ID, "phone_number_id": v.Metadata.PhoneNumberID, "errors": v.Errors})
		},
	})
}

func demo(dir string, st policy.Store) error {
	if dir == "" {
		dir = defaultFixtures()
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no deliveries found in %s (use -fixtures)", dir)
	}
	sort.Strings(files)
	p := &printer{enc: json.NewEncoder(os.Stdout)}
	// Two secrets, as during a rotation: the sandbox app's and the demo's.
	h, err := newMux([]string{wabsptest.AppSecret, demoSecret}, "demo-verify-token", p, st)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Timeout: 10 * time.Second}
	if err := sandboxEvents(srv.URL, client, p); err != nil {
		return fmt.Errorf("sandbox events: %w", err)
	}
	fmt.Fprintf(os.Stderr, "demo: posting %d signed deliveries from %s to %s\n", len(files), dir, srv.URL)
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		status, err := deliver(client, srv.URL, demoSecret, body)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("%s: the handler answered %d", filepath.Base(f), status)
		}
	}
	if err := inbox.settle(); err != nil {
		return err
	}
	// What the tracker made of the recorded inbound message and statuses.
	for _, q := range []string{"window?phone_number_id=106540352242922&wa_id=16315551181", "limit?phone_number_id=106540352242922"} {
		if err := printPolicy(client, srv.URL+"/policy/"+q, p); err != nil {
			return err
		}
	}
	return nil
}

// sandboxEvents makes the sandbox send the webhooks a Tech Provider meets
// first: an onboarding, a template review and a customer's message.
func sandboxEvents(receiver string, client *http.Client, p *printer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sb := wabsptest.NewServer(wabsptest.WithWebhookURL(receiver))
	defer sb.Close()
	fmt.Fprintf(os.Stderr, "demo: the sandbox at %s delivers its webhooks to %s\n", sb.URL(), receiver)

	signup := sb.NewSignup()
	if _, err := sb.Client().Onboard(ctx, signup.Session("demo-customer")); err != nil {
		return err
	}
	customer := sb.Client().WithToken(signup.AccessToken)
	_, err := customer.SubmitTemplate(ctx, signup.WABAID, wabsp.TemplateRequest{
		Name: "order_update", Language: "en_US", Category: wabsp.CategoryUtility,
		Components: []wabsp.Component{{Type: wabsp.ComponentBody, Text: "Your order {{1}} has shipped.",
			Example: &wabsp.ComponentExample{BodyText: [][]string{{"A-1024"}}}}},
	})
	if err != nil {
		return err
	}
	sb.ReviewPendingTemplates()
	const customerWAID = "15551234567"
	if status, err := sb.DeliverWebhook(ctx, receiver, sb.InboundTextTo(signup.PhoneNumberID, customerWAID, "Where is my order?")); err != nil || status != http.StatusOK {
		return fmt.Errorf("inbound text: status %d: %v", status, err)
	}
	for _, d := range sb.WebhookDeliveries() {
		if d.Err != nil || d.Status != http.StatusOK {
			return fmt.Errorf("the sandbox's %s webhook was answered %d: %v", d.Field, d.Status, d.Err)
		}
	}
	if err := inbox.settle(); err != nil {
		return err
	}
	// The customer just wrote: the 24-hour window is open.
	return printPolicy(client, receiver+"/policy/window?phone_number_id="+signup.PhoneNumberID+"&wa_id="+customerWAID, p)
}

func printPolicy(client *http.Client, url string, p *printer) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var answer any
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d %v", url, resp.StatusCode, answer)
	}
	return p.print("policy", map[string]any{"query": url[strings.Index(url, "/policy/"):], "answer": answer})
}

// deliver posts body the way Meta does: JSON, signed with the app secret.
func deliver(client *http.Client, url, secret string, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wabsp.WebhookSignatureHeader, wabsp.SignWebhookBody(secret, body))
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// defaultFixtures finds testdata/webhooks next to the current directory or
// relative to this source file, so the demo runs from anywhere in the
// repository.
func defaultFixtures() string {
	rel := filepath.Join("testdata", "webhooks")
	if _, err := os.Stat(rel); err == nil {
		return rel
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		return filepath.Join(filepath.Dir(file), "..", "..", rel)
	}
	return rel
}

func serve(addr string, st policy.Store) error {
	if err := exampleenv.Require("serving Meta's webhooks with -addr", "META_APP_SECRET", "WEBHOOK_VERIFY_TOKEN"); err != nil {
		return err
	}
	var secrets []string
	for _, s := range strings.Split(os.Getenv("META_APP_SECRET"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			secrets = append(secrets, s)
		}
	}
	if len(secrets) == 0 {
		return errors.New("META_APP_SECRET is not set")
	}
	token := os.Getenv("WEBHOOK_VERIFY_TOKEN")
	h, err := newMux(secrets, token, &printer{enc: json.NewEncoder(os.Stdout)}, st)
	if err != nil {
		return err
	}
	// NewWebhookServer sets every timeout (header, body, write, idle) and a
	// header cap: the signature is checked only once the whole body has
	// arrived, so without them an unsigned client could hold connections
	// and memory for as long as it liked.
	srv := wabsp.NewWebhookServer(addr, h)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	fmt.Fprintf(os.Stderr, "serving webhooks on %s, policy answers under /policy/\n", addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
