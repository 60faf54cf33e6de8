package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// An incident commander runs a SEV 2 from the browser alone: declares it,
// finds it on the dashboard, acknowledges it, posts a structured update,
// resolves it with its root cause and customer impact, and opens its RCA.
func TestUI_DeclareAcknowledgeUpdateResolveInTheBrowser(t *testing.T) {
	h := newHarness(t)
	b := newTab(t, h)
	b.signIn()

	// Declare a SEV 2 through the form.
	b.do("follow the declare link", chromedp.Click(chromedp.CSS("#declare-link")), chromedp.WaitVisible(chromedp.CSS("#declare-form")))
	b.fill("#title", "Checkout payments failing for EU cards", "#services", "checkout, payments",
		"#summary", "Card authorisations return 502 from the PSP adapter.")
	b.do("choose SEV2", chromedp.Click(chromedp.CSS("#sev-SEV2")))
	b.submit("#declare")
	b.contains("#flash", "declared.")
	b.contains("#incident-title", "Checkout payments failing for EU cards")
	b.textIs("#severity", "SEV2")
	b.textIs("#status", "investigating")
	incs := h.incidents()
	if len(incs) != 1 || incs[0].Severity != "SEV2" || strings.Join(incs[0].Services, ",") != "checkout,payments" {
		t.Fatalf("after the form the store holds %+v, want one SEV2 on checkout,payments", incs)
	}
	id := incs[0].ID

	// See it on the dashboard, and open its incident room from there.
	b.open("/")
	b.contains("#open-incidents", id.String()+" Checkout payments failing for EU cards")
	b.contains("#open-counts", "SEV2 1")
	b.contains("#services", "checkout")
	b.do("open the incident room from the dashboard",
		chromedp.Click(chromedp.CSS(`#open-incidents a[href="/incidents/`+id.String()+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#incident-title")))
	b.contains("#incident-title", id.String())

	// Acknowledge.
	b.submit("#ack")
	b.contains("#acked", "acknowledged by admin")
	b.do("the acknowledge button is gone", chromedp.WaitNotPresent(chromedp.CSS("#ack")))

	// Post a structured status update that moves it to identified.
	b.do("choose the update's status", chromedp.SetValue(chromedp.CSS("#u-status"), "IDENTIFIED"))
	b.fill("#u-investigating", "PSP adapter connection pool", "#u-findings", "Pool exhausted after the 14:02 deploy",
		"#u-eta", "30 minutes")
	b.submit("#post-update")
	b.textIs("#status", "identified")
	b.contains("#timeline", "Pool exhausted after the 14:02 deploy")

	// Resolve with root cause and customer impact.
	b.fill("#res-root-cause", "The deploy halved the PSP adapter's connection pool.",
		"#res-impact", "EU card payments failed for 40 minutes.")
	b.submit("#resolve")
	b.textIs("#status", "resolved")
	b.do("no actions are offered on a resolved incident", chromedp.WaitNotPresent(chromedp.CSS("#resolve")))
	if got := h.incident(id); got.Status != arqir.StatusResolved || got.AcknowledgedBy != "admin" {
		t.Fatalf("the store holds status %s acknowledged by %q, want RESOLVED by admin", got.Status, got.AcknowledgedBy)
	}

	// Its RCA.
	b.open(fmt.Sprintf("/incidents/%d/rca", id))
	b.textIs("#rca-state", "draft")
	b.contains("main", "Checkout payments failing for EU cards")

	// It is in the RCA list, due within 24 hours, and counts in the KPIs:
	// one automated-or-manual incident resolved, so MTTR has a value.
	b.open("/rcas")
	b.contains("#rcas", "Checkout payments failing for EU cards")
	h.Clock.Advance(time.Minute) // the window ends now: let a minute pass
	b.open("/kpis?since=30d")
	b.contains("#kpi-mttr", "1 sample")
	if got := b.text("#kpi-mttr .tile-value"); got == "" || strings.Contains(got, "no data") {
		t.Fatalf("MTTR after resolving one incident reads %q", got)
	}
}

// hostile is text an attacker controls (an alert title, a service name, a
// label), holding the usual HTML and script injections.
var hostile = []string{
	`"><img src=x onerror=window.__pwned=1><script>window.__pwned=1</script>`,
	`javascript:window.__pwned=1//`,
	`</textarea><svg onload=window.__pwned=1>`,
	`'><iframe srcdoc="<script>parent.__pwned=1</script>">`,
}

// All user- and alert-supplied text is escaped: an incident whose title,
// summary, services and alert labels hold script and HTML polyglots runs
// no script in the dashboard, the incidents list or the incident room, and
// shows the text literally.
func TestUI_HostileTitleRunsNoScript(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	title := hostile[0] + " " + hostile[2]
	inc, err := h.Admin.Declare(ctx, client.DeclareRequest{
		Title:    title,
		Severity: "SEV1",
		Summary:  hostile[3],
		Services: []string{hostile[1], `<b onmouseover=window.__pwned=1>svc</b>`},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Admin.AddNote(ctx, inc.ID.String(), hostile[3]+" "+hostile[1]); err != nil {
		t.Fatal(err)
	}
	// An alert from a monitoring tool, with hostile labels and annotations.
	gen := h.integration(arqir.KindGeneric, "edge")
	h.signed(gen, `{"dedup_key": "x1", "status": "firing", "severity": "critical", "service": "edge",
		"summary": `+jsonString(hostile[0])+`, "labels": {"team": `+jsonString(hostile[2])+`},
		"annotations": {"runbook": `+jsonString(hostile[1])+`, "description": `+jsonString(hostile[3])+`}}`).want(t, http.StatusOK)

	b := newTab(t, h)
	b.signIn()
	for _, path := range []string{"/", "/incidents", "/incidents/" + inc.ID.String(), "/status"} {
		b.open(path)
		b.do("wait for the page to settle", chromedp.WaitReady(chromedp.CSS("body")))
		pwned := run(b, "read window.__pwned on "+path, chromedp.Evaluate[string](`typeof window.__pwned`))
		if pwned != "undefined" {
			t.Fatalf("%s ran injected script: window.__pwned is %s", path, pwned)
		}
		injected := run(b, "count injected elements on "+path,
			chromedp.Evaluate[int](`document.querySelectorAll("main img[src=x], main svg[onload], main iframe, main script, main b[onmouseover]").length`))
		if injected != 0 {
			t.Fatalf("%s holds %d elements injected from incident text", path, injected)
		}
	}
	// The incident room shows the text literally, and the services as text.
	b.open("/incidents/" + inc.ID.String())
	b.contains("#incident-title", title)
	b.contains("#timeline", hostile[3])
	b.open("/incidents")
	b.contains("#incidents", hostile[0])
	b.open("/")
	b.contains("#open-incidents", hostile[2])
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// A form posted from another origin is refused, even with the session
// cookie the browser holds; and a POST from arqir's own page without the
// CSRF token is refused too. Neither changes the incident.
func TestUI_CrossOriginFormPostIsRefused(t *testing.T) {
	h := newHarness(t)
	inc := h.declare(h.Admin, "Search latency above 2s", "SEV2")
	ackURL := fmt.Sprintf("%s/incidents/%d/ack", h.App.URL(), inc.ID)

	// Another site on the same host (so the Lax session cookie is sent),
	// another port: a page with a forged acknowledge form.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Cute cats</title><main><form method="post" action="%s">
<input type="hidden" name="version" value="%d"><button type="submit" id="forged">See cats</button></form></main>`, ackURL, inc.Version)
	}))
	t.Cleanup(evil.Close)

	b := newTab(t, h)
	b.signIn()
	b.do("visit the other site", chromedp.Navigate(evil.URL), chromedp.WaitVisible(chromedp.CSS("#forged")))
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#forged")))
	if err != nil {
		t.Fatalf("submit the forged form: %v", err)
	}
	if resp.Status != http.StatusForbidden {
		t.Fatalf("the cross-origin form post answered %d, want 403", resp.Status)
	}
	b.contains("main", "sent from another site")
	if got := h.incident(inc.ID); got.AcknowledgedAt != nil || got.Version != inc.Version {
		t.Fatalf("the forged post changed the incident: acknowledged at %v, version %d→%d", got.AcknowledgedAt, inc.Version, got.Version)
	}

	// From arqir's own incident room, a POST that carries the session cookie
	// but not the CSRF token.
	b.open("/incidents/" + inc.ID.String())
	status := run(b, "post without the CSRF token", chromedp.Evaluate[int](fmt.Sprintf(`fetch("/incidents/%d/ack", {
		method: "POST", credentials: "same-origin",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "version=%d"}).then(r => r.status)`, inc.ID, inc.Version), chromedp.EvalAwaitPromise))
	if status != http.StatusForbidden {
		t.Fatalf("a same-origin POST without the CSRF token answered %d, want 403", status)
	}
	// The same request with the page's token is accepted: the refusal above
	// was the missing token, not the request.
	status = run(b, "post with the CSRF token", chromedp.Evaluate[int](fmt.Sprintf(`fetch("/incidents/%d/ack", {
		method: "POST", credentials: "same-origin", redirect: "manual",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "version=%d&csrf=" + encodeURIComponent(document.querySelector("input[name=csrf]").value)}).then(r => r.type === "opaqueredirect" ? 303 : r.status)`, inc.ID, inc.Version), chromedp.EvalAwaitPromise))
	if status != http.StatusSeeOther {
		t.Fatalf("a same-origin POST with the CSRF token answered %d, want 303", status)
	}
	if got := h.incident(inc.ID); got.AcknowledgedBy != "admin" {
		t.Fatalf("the incident is acknowledged by %q after the valid post, want admin", got.AcknowledgedBy)
	}
}

// Every page but sign-in and the public status page needs a session: a
// protected page sends the browser to /login (and back after signing in),
// a wrong password is told, and signing out ends the session.
func TestUI_SignInRequiredAndLogout(t *testing.T) {
	h := newHarness(t)
	inc := h.declare(h.Admin, "Login page slow", "SEV3")
	room := "/incidents/" + inc.ID.String()
	b := newTab(t, h)

	b.open(room)
	if got := b.location(); !strings.HasPrefix(got, "/login?next=") {
		t.Fatalf("without a session %s went to %s, want /login", room, got)
	}
	b.do("the sign-in form", chromedp.WaitVisible(chromedp.CSS("#sign-in")))

	b.fill("#handle", "admin", "#password", "not the password at all")
	b.submit("#sign-in")
	b.contains("#error", "That handle and password do not match.")
	if got := b.location(); !strings.HasPrefix(got, "/login") {
		t.Fatalf("a wrong password went to %s", got)
	}

	b.signIn()
	b.open(room)
	b.contains("#incident-title", "Login page slow")

	b.submit("#logout")
	if got := b.location(); got != "/login" {
		t.Fatalf("signing out went to %s, want /login", got)
	}
	b.open(room)
	if got := b.location(); !strings.HasPrefix(got, "/login?next=") {
		t.Fatalf("after signing out %s went to %s, want /login", room, got)
	}
	b.open("/status")
	b.do("the public status page needs no session", chromedp.WaitReady(chromedp.CSS("#services")))
}

// screenshotsEnv, set to 1, writes the README's screenshots.
const screenshotsEnv = "ARQIR_UPDATE_SCREENSHOTS"

// The README's screenshots: the dashboard, an incident room, the on-call
// calendar and the KPI page at 1366×768 with realistic data. They are
// written to docs/screenshots/ only with ARQIR_UPDATE_SCREENSHOTS=1, so
// a test run never changes the tree.
func TestUI_Screenshots(t *testing.T) {
	if os.Getenv(screenshotsEnv) != "1" {
		t.Skip(screenshotsEnv + " is not 1: not writing docs/screenshots/")
	}
	h := newHarness(t)
	room := seedScreenshotData(t, h)
	b := newTab(t, h)
	b.signIn()
	for _, shot := range []struct{ path, ready, file string }{
		{"/", "#open-incidents", "dashboard.png"},
		{room, "#timeline", "incident-room.png"},
		{"/oncall", "main h1", "oncall-calendar.png"},
		{"/kpis", "main h1", "kpis.png"},
	} {
		b.open(shot.path)
		b.do("wait for "+shot.ready, chromedp.WaitVisible(chromedp.CSS(shot.ready)))
		png := run(b, "screenshot "+shot.path, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join("..", "docs", "screenshots", shot.file), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// seedScreenshotData makes a week of a small company's incident response
// and returns the path of the busiest incident room.
func seedScreenshotData(t *testing.T, h *harness) string {
	t.Helper()
	ctx := context.Background()
	people(t, h.Admin, "maria", "kenji", "aisha", "tom", "lena", "omar")
	for schedule, who := range map[string][]string{"primary": {"maria", "kenji", "aisha"}, "secondary": {"tom", "lena", "omar"}} {
		if _, err := h.Admin.SetParticipants(ctx, schedule, client.ParticipantsRequest{Users: who}); err != nil {
			t.Fatalf("participants of %s: %v", schedule, err)
		}
	}

	// A resolved SEV 3 from earlier, a SEV 1 being worked, a fresh SEV 2.
	old := h.declare(h.Admin, "Search results stale for 20 minutes", "SEV3")
	must(t)(h.Admin.Acknowledge(ctx, old.ID.String()))
	h.Clock.Advance(25 * time.Minute)
	must(t)(h.Admin.Resolve(ctx, old.ID.String(), client.ResolveRequest{RootCause: "Indexer stuck on a poison message.", CustomerImpact: "Search showed prices up to 20 minutes old."}))

	h.Clock.Advance(3 * time.Hour)
	big, err := h.Admin.Declare(ctx, client.DeclareRequest{Title: "Checkout API returning 503 in us-east-1", Severity: "SEV1",
		Services: []string{"checkout", "payments"}, Summary: "Error rate at 38% since 11:02 UTC."})
	if err != nil {
		t.Fatal(err)
	}
	h.Clock.Advance(3 * time.Minute)
	must(t)(h.Admin.Acknowledge(ctx, big.ID.String()))
	h.Clock.Advance(4 * time.Minute)
	must(t)(h.Admin.AddNote(ctx, big.ID.String(), "Rolled back checkout 2026.11.30-2; error rate unchanged."))
	h.Clock.Advance(6 * time.Minute)
	must(t)(h.Admin.PostUpdate(ctx, big.ID.String(), client.UpdateRequest{Status: "IDENTIFIED",
		Investigating: "Database connection limits on the checkout primary", Findings: "Connection pool exhausted after a config push", ETA: "20 minutes"}))
	h.Clock.Advance(2 * time.Minute)

	h.Clock.Advance(10 * time.Minute)
	h.declare(h.Admin, "Elevated latency on image CDN in eu-west", "SEV2")
	h.Clock.Advance(4 * time.Minute)
	return "/incidents/" + big.ID.String()
}

// must fails the test on a client error, ignoring the value.
func must(t *testing.T) func(*arqir.Incident, error) {
	return func(_ *arqir.Incident, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}
