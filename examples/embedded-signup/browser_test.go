package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wabsp/wabsp"
	"github.com/wabsp/wabsp/wabsptest"
)

// The browser test drives the real page in headless Chromium against the
// sandbox and its stub of Meta's SDK: the page's JavaScript (message
// listener, FB.login callback, fetch to the backend, status rendering) is
// what it checks, which no Go-only test reaches.

const (
	// browserBudget bounds the whole test, browser start included, so a
	// hang fails instead of blocking CI.
	browserBudget = 3 * time.Minute
	// caseBudget bounds one case's tab.
	caseBudget = 30 * time.Second
	// screenshotBudget bounds the wait for one screenshot.
	screenshotBudget = 5 * time.Second
)

var embeddedSignupPath = "/v1/Account/" + wabsptest.AuthID + "/WhatsApp/EmbeddedSignup/"

func TestConnectWhatsAppPageInABrowser(t *testing.T) {
	browser := startBrowser(t)

	t.Run("a customer who finishes the dialog is onboarded and sees the WABA id", func(t *testing.T) {
		sb, pg := servePage(t)
		tab := openTab(t, browser, "finish")

		var text string
		require.NoError(t, chromedp.Run(tab.ctx,
			chromedp.Navigate(pg.url),
			chromedp.WaitEnabled("#connect", chromedp.ByQuery),
			chromedp.Click("#connect", chromedp.ByQuery),
			chromedp.WaitVisible("#status.success", chromedp.ByQuery),
			innerText("#status", &text),
		), tab.diagnostics())
		tab.screenshot(t)

		m := regexp.MustCompile(`Connected WhatsApp Business Account (\d+) with phone number id (\d+)\.`).FindStringSubmatch(text)
		require.NotNil(t, m, "status text: %q", text)
		wabaID := m[1]
		assert.Contains(t, text, "is being set up", "the next steps name the number's status")
		var steps int
		require.NoError(t, chromedp.Run(tab.ctx, chromedp.Evaluate(`document.querySelectorAll('#next-steps li').length`, &steps)))
		assert.Equal(t, 2, steps, "the display name review and the number's status are listed")
		_, onboarded := sb.Onboarded(wabaID)
		assert.True(t, onboarded, "the sandbox has not onboarded WABA %s", wabaID)
		assert.True(t, sb.Subscribed(wabaID), "the app is not subscribed to WABA %s", wabaID)
		assert.Equal(t, 1, sb.CallCount(http.MethodPost, "/sandbox/signup"), "the SDK stub ran the dialog once")
		assert.Equal(t, 1, sb.CallCount(http.MethodPost, embeddedSignupPath), "Plivo's Embedded Signup was called once")
		assert.Equal(t, int64(1), pg.apiCalls.Load(), "the page posted to the backend once")
		assertButtonEnabled(t, tab)
		tab.assertNoScriptErrors(t)
	})

	// The other finishes: a WABA without a number yet, and a number that
	// stays on the WhatsApp Business app (coexistence).
	for _, tc := range []struct {
		name, outcome, want string
		onboarded           bool
	}{
		{"a customer who shares a WABA without a number is told to add one", "finish_only_waba",
			"is connected, but it has no phone number yet.", false},
		{"a WhatsApp Business app customer is connected and keeps the app", "business_app",
			"is connected. Keep using the app as before.", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb, pg := servePage(t)
			tab := openTab(t, browser, tc.outcome)
			var text string
			require.NoError(t, chromedp.Run(tab.ctx,
				chromedp.Navigate(pg.url),
				chromedp.WaitEnabled("#connect", chromedp.ByQuery),
				chromedp.Evaluate(`window.WABSP_SANDBOX_OUTCOME = "`+tc.outcome+`"`, nil),
				chromedp.Click("#connect", chromedp.ByQuery),
				chromedp.WaitVisible("#status.success", chromedp.ByQuery),
				innerText("#status-text", &text),
			), tab.diagnostics())
			tab.screenshot(t)
			assert.Contains(t, text, tc.want)
			var steps int
			require.NoError(t, chromedp.Run(tab.ctx, chromedp.Evaluate(`document.querySelectorAll('#next-steps li').length`, &steps)))
			assert.Equal(t, 2, steps, "the page lists what happens next")
			wantCalls := 0
			if tc.onboarded {
				wantCalls = 1
			}
			assert.Equal(t, wantCalls, sb.CallCount(http.MethodPost, embeddedSignupPath), "Plivo's Embedded Signup calls")
			assert.Equal(t, int64(1), pg.apiCalls.Load(), "the page posted the code and the event once")
			assertButtonEnabled(t, tab)
			tab.assertNoScriptErrors(t)
		})
	}

	// Meta's dialog can end without a code: the customer cancels at a step
	// or reports a problem, or Meta reports an error. The page forwards the
	// event, the backend logs it and answers what the customer reads, and
	// nothing is onboarded.
	for _, tc := range []struct {
		name, outcome, want string
	}{
		{"a customer who cancels sees where and nothing is onboarded", "cancel",
			"You closed Meta's signup at the phone number step. Nothing was connected; you can start again."},
		{"a customer who reports a problem is told nothing was connected", "cancel_error",
			"Meta's signup stopped before it finished. Nothing was connected; please start again."},
		{"a customer whom Meta reports an error for is told nothing was connected", "error",
			"Meta's signup stopped before it finished. Nothing was connected; please start again."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb, pg := servePage(t)
			tab := openTab(t, browser, tc.outcome)

			var text string
			require.NoError(t, chromedp.Run(tab.ctx,
				chromedp.Navigate(pg.url),
				chromedp.WaitEnabled("#connect", chromedp.ByQuery),
				chromedp.Evaluate(`window.WABSP_SANDBOX_OUTCOME = "`+tc.outcome+`"`, nil),
				chromedp.Click("#connect", chromedp.ByQuery),
				chromedp.WaitVisible("#status.failure", chromedp.ByQuery),
				innerText("#status-text", &text),
			), tab.diagnostics())
			tab.screenshot(t)

			assert.True(t, strings.HasPrefix(text, tc.want), "status text: %q", text)
			assert.Contains(t, text, "(Reference: ", "the customer can quote a reference; the detail is in the server log")
			assert.Zero(t, sb.CallCount(http.MethodPost, embeddedSignupPath), "Plivo's Embedded Signup must not be called")
			assert.Zero(t, sb.CallCount(http.MethodGet, "/"+wabsp.DefaultGraphVersion+"/oauth/access_token"), "no code is exchanged")
			assert.Equal(t, int64(1), pg.apiCalls.Load(), "the page forwarded the event once")
			assertButtonEnabled(t, tab)
			tab.assertNoScriptErrors(t)
		})
	}

	t.Run("a customer whose dialog never answers is offered to start again", func(t *testing.T) {
		sb, pg := servePage(t, withDialogTimeout(300))
		tab := openTab(t, browser, "never")
		var text string
		require.NoError(t, chromedp.Run(tab.ctx,
			chromedp.Navigate(pg.url),
			chromedp.WaitEnabled("#connect", chromedp.ByQuery),
			chromedp.Evaluate(`window.WABSP_SANDBOX_OUTCOME = "never"`, nil),
			chromedp.Click("#connect", chromedp.ByQuery),
			chromedp.WaitVisible("#status.failure", chromedp.ByQuery),
			innerText("#status-text", &text),
		), tab.diagnostics())
		tab.screenshot(t)
		assert.Equal(t, "Meta\u2019s signup window did not answer. If it is still open, close it, then start again. Nothing was connected.", text)
		assert.Zero(t, sb.CallCount(http.MethodPost, embeddedSignupPath))
		assert.Zero(t, pg.apiCalls.Load())
		assertButtonEnabled(t, tab)
		tab.assertNoScriptErrors(t)
	})

	t.Run("a customer who cancelled can start again and finish", func(t *testing.T) {
		sb, pg := servePage(t)
		tab := openTab(t, browser, "retry")

		var text string
		require.NoError(t, chromedp.Run(tab.ctx,
			chromedp.Navigate(pg.url),
			chromedp.WaitEnabled("#connect", chromedp.ByQuery),
			chromedp.Evaluate(`window.WABSP_SANDBOX_OUTCOME = "cancel"`, nil),
			chromedp.Click("#connect", chromedp.ByQuery),
			chromedp.WaitVisible("#status.failure", chromedp.ByQuery),
			chromedp.WaitEnabled("#connect", chromedp.ByQuery),
			chromedp.Evaluate(`delete window.WABSP_SANDBOX_OUTCOME`, nil),
			chromedp.Click("#connect", chromedp.ByQuery),
			chromedp.WaitVisible("#status.success", chromedp.ByQuery),
			innerText("#status", &text),
		), tab.diagnostics())
		tab.screenshot(t)

		assert.Contains(t, text, "Connected WhatsApp Business Account")
		assert.Equal(t, 1, sb.CallCount(http.MethodPost, embeddedSignupPath), "Plivo's Embedded Signup was called once, for the second attempt")
		assert.Equal(t, int64(2), pg.apiCalls.Load(), "the cancel was forwarded, then the finish")
		tab.assertNoScriptErrors(t)
	})

	// A blocker or a network failure keeps Meta's SDK from loading: the page
	// says so instead of leaving the button grey, and loads it again on
	// request (here from the address that works).
	t.Run("a customer whose browser cannot load Meta's SDK is told so and can try again", func(t *testing.T) {
		sb, pg := servePage(t, withMissingSDK())
		tab := openTab(t, browser, "sdk-failure")

		var text string
		var connectDisabled bool
		require.NoError(t, chromedp.Run(tab.ctx,
			chromedp.Navigate(pg.url),
			chromedp.WaitVisible("#retry-sdk", chromedp.ByQuery),
			innerText("#status-text", &text),
			chromedp.Evaluate(`document.getElementById('connect').disabled`, &connectDisabled),
		), tab.diagnostics())
		tab.screenshot(t)
		assert.Equal(t, "Meta\u2019s signup could not be loaded. Check your internet connection, allow facebook.com in any content blocker, then try again.", text)
		assert.True(t, connectDisabled, "Connect stays off until the SDK has loaded")

		var done string
		require.NoError(t, chromedp.Run(tab.ctx,
			chromedp.Evaluate(`CONFIG.sdkURL = `+strconv.Quote(sb.SDKStubURL()), nil),
			chromedp.Click("#retry-sdk", chromedp.ByQuery),
			chromedp.WaitEnabled("#connect", chromedp.ByQuery),
			chromedp.Click("#connect", chromedp.ByQuery),
			chromedp.WaitVisible("#status.success", chromedp.ByQuery),
			innerText("#status", &done),
		), tab.diagnostics())
		assert.Contains(t, done, "Connected WhatsApp Business Account")
		assert.Equal(t, 1, sb.CallCount(http.MethodPost, embeddedSignupPath))
		assert.Equal(t, int64(1), pg.apiCalls.Load())
	})
}

// chromiumPath finds a Chromium binary: Debian's chromium package, or
// another distribution's name for it.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser starts one headless Chromium for the test's cases (each gets
// its own tab), or skips when there is none outside CI. CI must run the
// test: scripts/install-chromium.sh installs Debian's package.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no chromium binary on PATH; CI must run the browser test: run scripts/install-chromium.sh")
		}
		t.Skip("no chromium binary on PATH (scripts/install-chromium.sh installs it)")
	}

	profile := filepath.Join(t.TempDir(), "profile")
	// Chromium leaves its singleton socket's directory in $TMPDIR; give
	// it one of its own (with a short path: a socket's is limited).
	scratch, err := os.MkdirTemp("", "chromium-")
	require.NoError(t, err)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start.
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-proxy-server", true), // the page and sandbox are on loopback
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1024, 768),
		chromedp.Env("TMPDIR="+scratch),
		browserProcessGroup(),
	)
	budget, cancelBudget := context.WithTimeout(context.Background(), browserBudget)
	alloc, cancelAlloc := chromedp.NewExecAllocator(budget, opts...)
	// chromedp's cdproto is held at the release chromedp v0.16 needs (see
	// go.mod) and does not know every enum value a newer Chromium sends in
	// events the test does not use; drop those complaints and keep the rest.
	browser, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithErrorf(func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "could not unmarshal event") {
			log.Print(msg)
		}
	}))
	// Cleanups run in reverse: close the browser gracefully and wait for
	// its process to exit, end the helpers it leaves behind, then remove
	// the profile before t.TempDir checks its directory is gone.
	pid := 0
	t.Cleanup(func() { removeProfile(t, pid, profile, scratch) })
	t.Cleanup(cancelBudget)
	t.Cleanup(cancelAlloc)
	t.Cleanup(cancelBrowser)
	require.NoError(t, chromedp.Run(browser), "starting %s", path)
	if p := chromedp.FromContext(browser).Browser.Process(); p != nil {
		pid = p.Pid
	}
	return browser
}

// removeProfile ends the browser's leftover processes and removes its
// directories, retrying while a process that is exiting still writes to
// them.
func removeProfile(t *testing.T, pid int, dirs ...string) {
	t.Helper()
	if pid > 0 {
		if err := killBrowserGroup(pid); err != nil {
			t.Errorf("ending the browser's processes: %v", err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, dir := range dirs {
		for {
			err := os.RemoveAll(dir)
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("removing the browser's files: %v", err)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// served is the onboarding page on loopback, counting the page's calls to
// its backend.
type served struct {
	url      string
	apiCalls atomic.Int64
}

// pageOption changes how servePage sets the page up.
type pageOption func(p *page, pageServerURL string)

// withDialogTimeout shortens how long the page waits for Meta's dialog.
func withDialogTimeout(ms int) pageOption {
	return func(p *page, _ string) { p.DialogTimeoutMs = ms }
}

// withMissingSDK points the page at an SDK address that answers 404.
func withMissingSDK() pageOption {
	return func(p *page, pageServerURL string) { p.SDKURL = pageServerURL + "/no-such-sdk.js" }
}

func servePage(t *testing.T, opts ...pageOption) (*wabsptest.Server, *served) {
	t.Helper()
	sb := wabsptest.NewServer()
	t.Cleanup(sb.Close)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	pg := &served{}
	var a *app
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/whatsapp/embedded-signup" {
			pg.apiCalls.Add(1)
		}
		a.ServeHTTP(w, r)
	}))
	// The page needs the server's address before the server starts.
	serverURL := "http://" + srv.Listener.Addr().String()
	p := page{
		AppID: wabsptest.AppID, ConfigID: "sandbox-config-id", GraphVersion: wabsp.DefaultGraphVersion,
		SDKURL: sb.SDKStubURL(), AllowSameOrigin: true,
	}
	for _, opt := range opts {
		opt(&p, serverURL)
	}
	a = newApp(sb.Client(), p, logger)
	srv.Start()
	t.Cleanup(srv.Close)
	pg.url = srv.URL + "/"
	return sb, pg
}

// tab is one browser tab with what its page logged.
type tab struct {
	ctx  context.Context
	name string

	mu         sync.Mutex
	exceptions []string
	console    []string
}

func openTab(t *testing.T, browser context.Context, name string) *tab {
	t.Helper()
	ctx, cancelTab := chromedp.NewContext(browser)
	ctx, cancelTimeout := context.WithTimeout(ctx, caseBudget)
	t.Cleanup(cancelTab)
	t.Cleanup(cancelTimeout)
	tb := &tab{ctx: ctx, name: name}
	// A tab Chromium keeps in the background may never paint: waits for
	// visibility and screenshots then hang. Each case's tab is the front
	// one, with focus emulated for the page.
	require.NoError(t, chromedp.Run(ctx, cdppage.BringToFront(), emulation.SetFocusEmulationEnabled(true)))
	chromedp.ListenTarget(ctx, func(ev any) {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			tb.exceptions = append(tb.exceptions, ev.ExceptionDetails.Error())
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value))
			}
			tb.console = append(tb.console, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
		}
	})
	return tb
}

// diagnostics is what to print when a wait fails: the page's console and
// uncaught exceptions usually say why.
func (tb *tab) diagnostics() string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return fmt.Sprintf("page console: %q; uncaught exceptions: %q", tb.console, tb.exceptions)
}

func (tb *tab) assertNoScriptErrors(t *testing.T) {
	t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	assert.Empty(t, tb.exceptions, "uncaught exceptions on the page")
}

// screenshot saves the whole page as a PNG under the test's temp dir, or
// under $WABSP_SCREENSHOT_DIR to keep it (a CI artifact, a look by eye).
func (tb *tab) screenshot(t *testing.T) {
	t.Helper()
	var png []byte
	// Headless Chromium sometimes never delivers the frame a screenshot
	// waits for (seen after the retry case's second dialog); the picture is
	// only a diagnostic, so it gets a bounded wait rather than the case's
	// whole budget.
	ctx, cancel := context.WithTimeout(tb.ctx, screenshotBudget)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Logf("screenshot of %s: %v", tb.name, err)
		return
	}
	dir := os.Getenv("WABSP_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, tb.name+".png")
	require.NoError(t, os.WriteFile(path, png, 0o600))
	t.Logf("screenshot: %s", path)
}

// innerText reads the rendered text of the element sel in the page.
// chromedp.Text waits on chromedp's own copy of the DOM, which can lag for
// seconds behind a page that rewrites an element's children, as the status
// box does on every change; asking the page does not wait.
func innerText(sel string, text *string) chromedp.Action {
	return chromedp.Evaluate(`document.querySelector(`+strconv.Quote(sel)+`).innerText`, text)
}

func assertButtonEnabled(t *testing.T, tb *tab) {
	t.Helper()
	var disabled bool
	require.NoError(t, chromedp.Run(tb.ctx, chromedp.Evaluate(`document.getElementById('connect').disabled`, &disabled)))
	assert.False(t, disabled, "the Connect WhatsApp button is enabled again so the customer can retry")
}
