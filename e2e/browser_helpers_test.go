package e2e

import (
	"context"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/arqir/arqir/storetest"
)

// chromiumPath is Debian's Chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// browserOptions are the flags that run Chromium headless as root in a
// container (see wire-formats.md, "Browser tests"): a 1366×768 window,
// the smallest screen the UI is made for.
var browserOptions = []chromedp.ExecAllocatorOption{
	chromedp.ExecPath(chromiumPath),
	chromedp.Headless,
	chromedp.NoSandbox,
	chromedp.DisableGPU,
	chromedp.NoFirstRun,
	chromedp.NoDefaultBrowserCheck,
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	chromedp.Flag("disable-dev-shm-usage", true),
	chromedp.WindowSize(1366, 768),
}

// One Chromium serves the whole package; each test opens its own tab in
// its own browser context (its own cookies), since launching costs about
// half a second.
var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error
)

// tab is one browser tab of a test; every step of it fails the test on
// error and gives up after stepTimeout.
type tab struct {
	t   *testing.T
	ctx context.Context
	h   *harness
}

// stepTimeout bounds one browser step, so a missing element fails the
// test instead of hanging it.
const stepTimeout = 10 * time.Second

// newTab opens a fresh tab, with no cookies, on the harness's arqir. A
// test needing Chromium skips without it, and fails instead when
// ARQIR_TEST_REQUIRE_ALL=1.
func newTab(t *testing.T, h *harness) *tab {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		msg := chromiumPath + " not found: skipping the browser tests (apt-get install chromium)"
		if os.Getenv(storetest.RequireAllEnv) == "1" {
			t.Fatal(msg + "; " + storetest.RequireAllEnv + "=1 requires it")
		}
		t.Skip(msg)
	}
	browserOnce.Do(func() {
		actx, _ := chromedp.NewExecAllocator(context.Background(), browserOptions...)
		browserCtx, _ = chromedp.NewContext(actx)
		browserErr = chromedp.Do(browserCtx)
	})
	if browserErr != nil {
		t.Fatalf("start %s: %v", chromiumPath, browserErr)
	}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return &tab{t: t, ctx: ctx, h: h}
}

// do runs steps, failing the test with what was being done.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("%s (at %s): %v", what, loc, err)
	}
}

// run runs one step with a result.
func run[T any](b *tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("%s (at %s): %v", what, loc, err)
	}
	return v
}

// open loads a path of arqir and waits for its main content.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.h.App.URL()+path), chromedp.WaitReady(chromedp.CSS("main")))
}

// text is the visible text of the element.
func (b *tab) text(sel string) string {
	b.t.Helper()
	return run(b, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// textIs waits until the element's text is exactly want.
func (b *tab) textIs(sel, want string) {
	b.t.Helper()
	b.waitJS("text of "+sel+" = "+want, `(function(){const e=document.querySelector(`+jsString(sel)+`);return !!e && e.innerText.trim()===`+jsString(want)+`})()`)
}

// contains waits until the element's text holds every fragment.
func (b *tab) contains(sel string, fragments ...string) {
	b.t.Helper()
	for _, f := range fragments {
		b.waitJS(sel+" shows "+f, `(function(){const e=document.querySelector(`+jsString(sel)+`);return !!e && e.innerText.includes(`+jsString(f)+`)})()`)
	}
}

// waitJS polls a boolean expression in the page until it is true.
func (b *tab) waitJS(what, expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			loc, _ := chromedp.Run(b.ctx, chromedp.Location())
			body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
			b.t.Fatalf("waiting for %s (at %s): %v\npage text:\n%s", what, loc, err, body)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// fill types values into form fields: selector, value pairs. Fields are
// set directly, so hidden <details> need not be opened first.
func (b *tab) fill(pairs ...string) {
	b.t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		b.do("fill "+pairs[i], chromedp.SetValue(chromedp.CSS(pairs[i]), pairs[i+1], chromedp.NodeReady))
	}
}

// submit presses a form's submit button, the way a person does, and
// waits for the answer page to load.
func (b *tab) submit(button string) {
	b.t.Helper()
	b.do("press "+button,
		chromedp.Evaluate[chromedp.Void](`window.__left = true; document.querySelector(`+jsString(button)+`).closest("details")?.setAttribute("open", "")`),
		chromedp.Click(chromedp.CSS(button), chromedp.NodeVisible))
	b.waitJS("the page after "+button, `window.__left === undefined && document.readyState === "complete"`)
}

// location is the tab's current URL path.
func (b *tab) location() string {
	b.t.Helper()
	loc := run(b, "read the location", chromedp.Location())
	return strings.TrimPrefix(loc, b.h.App.URL())
}

// firstPasswordRE finds the first-run admin's password in the banner.
var firstPasswordRE = regexp.MustCompile(`Sign in to the web UI as admin with password: (\S+)\n`)

// firstPassword is the password printed for the first-run admin.
func (h *harness) firstPassword() string {
	h.t.Helper()
	m := firstPasswordRE.FindStringSubmatch(h.Banner)
	if m == nil {
		h.t.Fatalf("no first-run password in the banner:\n%s", h.Banner)
	}
	return m[1]
}

// adminPassword is what the admin chooses at the first sign-in.
const adminPassword = "correct horse battery staple"

// signIn signs the first-run admin in with the printed password and
// chooses a new one, as the first sign-in requires; it ends on the
// dashboard.
func (b *tab) signIn() {
	b.t.Helper()
	b.open("/login")
	b.fill("#handle", "admin", "#password", b.h.firstPassword())
	b.submit("#sign-in")
	b.contains("h1", "Change your password")
	b.fill("#current", b.h.firstPassword(), "#new", adminPassword, "#confirm", adminPassword)
	b.submit("#change-password")
	b.contains("#flash", "Your password was changed.")
	// Setting a password ends every session of the user, this one too
	// (sqlstore.putLogin), so the browser is back at sign-in.
	if strings.HasPrefix(b.location(), "/login") {
		b.fill("#handle", "admin", "#password", adminPassword)
		b.submit("#sign-in")
	}
	b.do("the dashboard", chromedp.WaitVisible(chromedp.CSS("#logout")))
	if got := b.location(); got != "/" {
		b.t.Fatalf("after the password change the browser is at %s, want the dashboard", got)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "<", `\x3c`, "\u2028", `\u2028`, "\u2029", `\u2029`)
	return `"` + r.Replace(s) + `"`
}
