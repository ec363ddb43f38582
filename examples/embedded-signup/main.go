// Command embedded-signup is the backend of a Tech Provider's "Connect
// WhatsApp" page (the Embedded Signup implementation, section 4 of Plivo's Tech
// Provider guide, docs.plivo.com/docs/messaging/concepts/whatsapp/resellers): it serves the page, receives the code
// and ids the page sends when a customer finishes Meta's Embedded Signup, and
// onboards the customer with wabsp's Client.Onboard.
//
// With no credentials in the environment it runs against the wabsptest
// sandbox: it plays the frontend once (a POST of the code and Meta's
// WA_EMBEDDED_SIGNUP event to its own /api/whatsapp/embedded-signup), prints
// the result and exits; -ending picks how the customer's signup ends
// (finish, finish_only_waba, business_app for a WhatsApp Business app
// number, obo_migration, grant_only, cancel, error). With -serve it keeps serving the page, whose
// "Connect WhatsApp" button then runs against a stub of Meta's SDK.
//
// With PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN, META_APP_ID, META_APP_SECRET and
// META_CONFIG_ID all set it talks to the real services and serves the page for
// real customers; a part of them is refused, naming what is missing.
// WABSP_PLIVO_BASE_URL and WABSP_GRAPH_BASE_URL override the endpoints
// (staging, proxies, tests), META_GRAPH_VERSION the Graph version and
// META_SDK_URL the address of Meta's JavaScript SDK. -h lists every flag and
// variable.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/signal"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/examples/internal/exampleenv"
	"github.com/wabsp/wabsp/wabsptest"
)

func main() {
	serve := flag.Bool("serve", false, "keep serving the onboarding page and API")
	addr := flag.String("addr", "127.0.0.1:8080", "listen address with -serve")
	ending := flag.String("ending", "finish", "how the sandbox customer's signup ends, without -serve: "+strings.Join(endingNames(), ", "))
	exampleenv.SetUsage(flag.CommandLine, `Command embedded-signup serves a "Connect WhatsApp" page and onboards the customers who finish it.
With none of the credentials below set it runs once against the in-process sandbox (or serves with -serve).

Usage: go run ./examples/embedded-signup [-ending name] [-serve] [-addr host:port]`,
		exampleenv.Var{Name: "PLIVO_AUTH_ID", Help: "your Plivo Auth ID; with the next four, talks to the real services"},
		exampleenv.Var{Name: "PLIVO_AUTH_TOKEN", Help: "your Plivo Auth Token"},
		exampleenv.Var{Name: "META_APP_ID", Help: "your Meta app id"},
		exampleenv.Var{Name: "META_APP_SECRET", Help: "your Meta app secret"},
		exampleenv.Var{Name: "META_CONFIG_ID", Help: "the Facebook Login for Business configuration id of your Embedded Signup"},
		exampleenv.Var{Name: "META_GRAPH_VERSION", Help: "optional: the Graph API version (default " + wabsp.DefaultGraphVersion + ")"},
		exampleenv.Var{Name: "META_SDK_URL", Help: "optional: where the page loads Meta's JavaScript SDK from"},
		exampleenv.Var{Name: "WABSP_PLIVO_BASE_URL", Help: "optional: another Plivo API host (staging, a proxy)"},
		exampleenv.Var{Name: "WABSP_GRAPH_BASE_URL", Help: "optional: another Graph API host"},
	)
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(os.Stdout, *serve, *addr, *ending); err != nil {
		fmt.Fprintln(os.Stderr, "embedded-signup:", err)
		os.Exit(1)
	}
}

var credentialVars = []string{"PLIVO_AUTH_ID", "PLIVO_AUTH_TOKEN", "META_APP_ID", "META_APP_SECRET", "META_CONFIG_ID"}

// realOnlyVars are read only with credentialVars; set alone they would be
// ignored, so they are refused.
var realOnlyVars = []string{"META_GRAPH_VERSION", "META_SDK_URL", "WABSP_PLIVO_BASE_URL", "WABSP_GRAPH_BASE_URL"}

// endings are the ways a sandbox signup can end, by -ending name.
var endings = map[string]func(sb *wabsptest.Server) wabsptest.Signup{
	"finish": func(sb *wabsptest.Server) wabsptest.Signup { return sb.NewSignup() },
	"finish_only_waba": func(sb *wabsptest.Server) wabsptest.Signup {
		return sb.NewSignup(wabsptest.Ending(wabsp.SignupFinishOnlyWABA))
	},
	"business_app": func(sb *wabsptest.Server) wabsptest.Signup {
		return sb.NewSignup(wabsptest.Ending(wabsp.SignupFinishBusinessApp))
	},
	"obo_migration": func(sb *wabsptest.Server) wabsptest.Signup {
		return sb.NewSignup(wabsptest.Ending(wabsp.SignupFinishOBOMigration))
	},
	"grant_only": func(sb *wabsptest.Server) wabsptest.Signup {
		return sb.NewSignup(wabsptest.Ending(wabsp.SignupFinishGrantOnlyAPIAccess))
	},
	"cancel": func(*wabsptest.Server) wabsptest.Signup {
		return wabsptest.CancelledSignup(wabsp.SignupStepPhoneNumberVerification)
	},
	"error": func(*wabsptest.Server) wabsptest.Signup { return wabsptest.Signup{Ending: wabsp.SignupError} },
}

func endingNames() []string {
	names := make([]string, 0, len(endings))
	for n := range endings {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func run(out io.Writer, serve bool, addr, ending string) error {
	newSignup, ok := endings[ending]
	if !ok {
		return fmt.Errorf("-ending %q: want one of %s", ending, strings.Join(endingNames(), ", "))
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	real, err := exampleenv.Group("talk to the real services", credentialVars...)
	if err != nil {
		return err
	}
	if real {
		app, err := realApp(logger)
		if err != nil {
			return err
		}
		return listen(addr, app, out)
	}
	for _, v := range realOnlyVars {
		if os.Getenv(v) != "" {
			return fmt.Errorf("%s applies to the real services only: set %s as well, or unset it for the sandbox",
				v, strings.Join(credentialVars, ", "))
		}
	}

	sb := wabsptest.NewServer()
	defer sb.Close()
	app := newApp(sb.Client(wabsp.WithLogger(logger)), page{
		AppID: wabsptest.AppID, ConfigID: "sandbox-config-id", GraphVersion: wabsp.DefaultGraphVersion,
		SDKURL: sb.SDKStubURL(), AllowSameOrigin: true,
	}, logger)
	fmt.Fprintln(out, "no credentials set: running against the in-process sandbox at", sb.URL())
	if serve {
		return listen(addr, app, out)
	}
	return onboardOnce(out, app, newSignup(sb))
}

func realApp(logger *slog.Logger) (*app, error) {
	opts := []wabsp.Option{wabsp.FromEnv(), wabsp.Require(wabsp.RequirePlivo, wabsp.RequireMetaApp), wabsp.WithLogger(logger), wabsp.WithUserAgentSuffix("embedded-signup-example")}
	if u := os.Getenv("WABSP_PLIVO_BASE_URL"); u != "" {
		opts = append(opts, wabsp.WithPlivoBaseURL(u))
	}
	if u := os.Getenv("WABSP_GRAPH_BASE_URL"); u != "" {
		opts = append(opts, wabsp.WithGraphBaseURL(u))
	}
	if v := os.Getenv("META_GRAPH_VERSION"); v != "" {
		opts = append(opts, wabsp.WithGraphVersion(v))
	}
	client, err := wabsp.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	sdk := os.Getenv("META_SDK_URL")
	if sdk == "" {
		sdk = "https://connect.facebook.net/en_US/sdk.js"
	}
	return newApp(client, page{
		AppID: client.AppID(), ConfigID: os.Getenv("META_CONFIG_ID"), GraphVersion: client.GraphVersion(), SDKURL: sdk,
	}, logger), nil
}

// onboardOnce does what the page does when the signup dialog ends: load the
// page (which signs the demo customer in and carries the CSRF token), then
// POST the code and Meta's WA_EMBEDDED_SIGNUP event to the backend with
// both. A signup that did not finish must be refused, and one that did must
// be accepted; anything else is an error.
func onboardOnce(out io.Writer, a *app, signup wabsptest.Signup) error {
	srv := httptest.NewServer(a)
	defer srv.Close()
	fmt.Fprintln(out, "onboarding page and API at", srv.URL)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	browser := &http.Client{Jar: jar}
	csrf, err := loadPage(ctx, browser, srv.URL+"/")
	if err != nil {
		return err
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/whatsapp/embedded-signup", bytes.NewReader(signup.Post()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := browser.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var result map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&result); err != nil {
		return fmt.Errorf("decoding the API's answer: %w", err)
	}
	pretty, _ := json.MarshalIndent(result, "", "  ")
	fmt.Fprintf(out, "POST /api/whatsapp/embedded-signup -> %s\n%s\n", resp.Status, pretty)
	switch finished := signup.Ending.Finished(); {
	case finished && resp.StatusCode != http.StatusOK:
		return errors.New("onboarding failed")
	case !finished && resp.StatusCode == http.StatusOK:
		return fmt.Errorf("a signup that ended with %s was accepted", signup.Ending)
	}
	return nil
}

// csrfPattern finds the CSRF token the page carries for its script.
var csrfPattern = regexp.MustCompile(`csrfToken: "([0-9a-f]+)"`)

// loadPage GETs the onboarding page as a browser would, keeping its session
// cookie in hc's jar, and returns the page's CSRF token.
func loadPage(ctx context.Context, hc *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	html, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	m := csrfPattern.FindSubmatch(html)
	if resp.StatusCode != http.StatusOK || m == nil {
		return "", fmt.Errorf("GET %s: %s, no CSRF token on the page", url, resp.Status)
	}
	return string(m[1]), nil
}

func listen(addr string, handler http.Handler, out io.Writer) error {
	srv := &http.Server{Addr: addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(out, "serving the onboarding page on http://%s/ (Ctrl-C to stop)\n", addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
