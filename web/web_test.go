package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/arqir/arqir"
)

// polyglot is hostile text a title or label may carry.
const polyglot = `jaVasCript:/*-/*'/*\'/*"/**/(/* */oNcliCk=alert() )//</stYle/</titLe/</teXtarEa/</scRipt/--!>\x3csVg/<sVg/oNloAd=alert()//><script>alert(1)</script><img src=x onerror=alert(2)>`

func TestLoginPageGolden(t *testing.T) {
	e := setup(t)
	resp, body := e.get(e.client(""), "/login")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	golden(t, "login", body)
}

func TestDashboardGolden(t *testing.T) {
	e := setup(t)
	e.declare("Checkout errors", "SEV1", "checkout")
	e.declare("Slow search", "SEV3", "search")
	e.ts.Advance(10 * 60e9)
	e.ts.Sweep(t)
	resp, body := e.get(e.client("victor"), "/")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	for _, want := range []string{"major outage", "degraded", "Checkout errors", "KPIs, last 30 days", "breached"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	golden(t, "dashboard", body)
}

func TestIncidentRoomGolden(t *testing.T) {
	e := setup(t)
	inc := e.declare(polyglot, "SEV2", "<b>svc</b>")
	resp, body := e.get(e.client("alice"), "/incidents/"+itoaID(inc.ID))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	assertEscaped(t, body)
	for _, id := range []string{`id="ack"`, `id="status"`, `hx-trigger="every 5s"`, `id="timeline"`, `id="resolve"`} {
		if !strings.Contains(body, id) {
			t.Errorf("incident room lacks %s", id)
		}
	}
	golden(t, "incident", body)
}

func TestStatusPageGoldenNeedsNoSignIn(t *testing.T) {
	e := setup(t)
	inc := e.declare(polyglot, "SEV2", "checkout")
	e.ts.Store.AssignRoles(context.Background(), inc.ID, arqir.RoleChange{Commander: ptr("alice-secret-person")}, arqir.Change{Actor: arqir.SystemActor})
	resp, body := e.get(e.client(""), "/status")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	assertEscaped(t, body)
	if !strings.Contains(body, "partial outage") {
		t.Error("status page lacks the partial outage of checkout")
	}
	for _, private := range []string{"alice", "timeline", "Sign out"} {
		if strings.Contains(body, private) {
			t.Errorf("the public status page shows %q", private)
		}
	}
	golden(t, "status", body)
}

// assertEscaped checks no hostile markup survives as markup.
func assertEscaped(t *testing.T, body string) {
	t.Helper()
	for _, bad := range []string{"<script>alert", "<img src=x", "<sVg", "<b>svc</b>", "</scRipt"} {
		if strings.Contains(body, bad) {
			t.Errorf("page holds unescaped %q", bad)
		}
	}
	if strings.Count(body, "<script") != 1 { // only the htmx include
		t.Errorf("page holds %d script elements, want only htmx", strings.Count(body, "<script"))
	}
}

func TestPagesNeedSession(t *testing.T) {
	e := setup(t)
	inc := e.declare("x", "SEV3")
	for _, p := range []string{"/", "/incidents", "/incidents/new", "/incidents/" + itoaID(inc.ID)} {
		resp, _ := e.get(e.client(""), p)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("GET %s without a session: %d to %q, want 303 to /login", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestViewerCannotAct(t *testing.T) {
	e := setup(t)
	inc := e.declare("x", "SEV3")
	before := e.ts.Dump(t)
	resp, _ := e.post(e.client("victor"), "/incidents/"+itoaID(inc.ID)+"/ack", url.Values{"csrf": {"csrf-victor"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer ack: %d, want 403", resp.StatusCode)
	}
	if after := e.ts.Dump(t); after != before {
		t.Error("a refused viewer action changed the database")
	}
	_, body := e.get(e.client("victor"), "/incidents/"+itoaID(inc.ID))
	if strings.Contains(body, `id="ack"`) {
		t.Error("the viewer is shown the acknowledge button")
	}
}

func TestCSRFRequired(t *testing.T) {
	e := setup(t)
	inc := e.declare("x", "SEV3")
	before := e.ts.Dump(t)
	for name, form := range map[string]url.Values{"missing": {}, "wrong": {"csrf": {"csrf-victor"}}, "empty": {"csrf": {""}}} {
		resp, _ := e.post(e.client("alice"), "/incidents/"+itoaID(inc.ID)+"/ack", form)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s CSRF token: %d, want 403", name, resp.StatusCode)
		}
	}
	if after := e.ts.Dump(t); after != before {
		t.Error("a POST without the CSRF token changed the database")
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := setup(t)
	inc := e.declare("x", "SEV3")
	before := e.ts.Dump(t)
	form := url.Values{"csrf": {"csrf-alice"}}
	for _, h := range [][]string{{"Origin", "https://evil.example"}, {"Origin", "null"}, {"Origin", "", "Referer", "https://evil.example/page"}} {
		resp, _ := e.post(e.client("alice"), "/incidents/"+itoaID(inc.ID)+"/ack", form, h...)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST with %v: %d, want 403", h, resp.StatusCode)
		}
	}
	if after := e.ts.Dump(t); after != before {
		t.Error("a cross-origin POST changed the database")
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := setup(t)
	for _, p := range []string{"/login", "/status", "/", "/nope"} {
		resp, _ := e.get(e.client("alice"), p)
		h := resp.Header
		if got := h.Get("Content-Security-Policy"); got != "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'" {
			t.Errorf("%s CSP = %q", p, got)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s lacks nosniff or the referrer policy: %v", p, h)
		}
	}
}

func TestSignInSetsSafeCookieAndRateLimits(t *testing.T) {
	e := setup(t)
	c := e.client("")
	token := e.loginToken(c)
	resp, _ := e.post(c, "/login", url.Values{"handle": {"alice"}, "password": {password}, "csrf": {token}, "next": {"/incidents"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/incidents" {
		t.Fatalf("sign in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "arqir_session" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/", cookie)
	}
	if resp, _ := e.get(e.client(""), "/?x"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("without the cookie, the dashboard answers %d", resp.StatusCode)
	}
	signedIn := e.client("")
	u, _ := url.Parse(e.srv.URL)
	signedIn.Jar.SetCookies(u, []*http.Cookie{{Name: cookie.Name, Value: cookie.Value}})
	if resp, _ := e.get(signedIn, "/"); resp.StatusCode != 200 {
		t.Errorf("signed in, the dashboard answers %d", resp.StatusCode)
	}

	// Without the form's token, sign-in is refused.
	if resp, _ := e.post(e.client(""), "/login", url.Values{"handle": {"alice"}, "password": {password}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in without the form token: %d, want 403", resp.StatusCode)
	}
	// Guessing is slowed: after five failures even the right password waits.
	c = e.client("")
	token = e.loginToken(c)
	for i := 0; i < 5; i++ {
		token = e.loginToken(c)
		if resp, _ := e.post(c, "/login", url.Values{"handle": {"victor"}, "password": {"wrong password!"}, "csrf": {token}}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i, resp.StatusCode)
		}
	}
	if resp, _ := e.post(c, "/login", url.Values{"handle": {"victor"}, "password": {password}, "csrf": {e.loginToken(c)}}); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after five failures: %d, want 429", resp.StatusCode)
	}
}

func TestRespondAcknowledgeAndValidation(t *testing.T) {
	e := setup(t)
	inc := e.declare("x", "SEV2")
	c := e.client("alice")
	resp, _ := e.post(c, "/incidents/"+itoaID(inc.ID)+"/ack", url.Values{"csrf": {"csrf-alice"}, "version": {itoa(inc.Version)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ack: %d, want 303", resp.StatusCode)
	}
	got, _ := e.ts.Store.Incident(context.Background(), inc.ID)
	if got.AcknowledgedAt == nil || got.AcknowledgedBy != "alice" {
		t.Errorf("not acknowledged by alice: %+v", got)
	}
	_, body := e.get(c, "/incidents/"+itoaID(inc.ID))
	if !strings.Contains(body, "Acknowledged.") {
		t.Error("no flash after acknowledging")
	}
	// Resolving without a root cause is refused with the reason, not a 500.
	resp, body = e.post(c, "/incidents/"+itoaID(inc.ID)+"/resolve", url.Values{"csrf": {"csrf-alice"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="error"`) {
		t.Errorf("resolve without root cause: %d", resp.StatusCode)
	}
	// htmx sends the token in a header.
	resp, _ = e.post(c, "/incidents/"+itoaID(inc.ID)+"/note", url.Values{"text": {"looking"}}, "X-CSRF-Token", "csrf-alice")
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("note with the header token: %d, want 303", resp.StatusCode)
	}
}

func TestDeclareFromTheForm(t *testing.T) {
	e := setup(t)
	c := e.client("alice")
	resp, _ := e.post(c, "/incidents", url.Values{"csrf": {"csrf-alice"}, "title": {"API down"}, "severity": {"SEV2"}, "services": {"api, web"}, "source": {"user_report"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/incidents/") {
		t.Fatalf("declare: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := e.post(c, "/incidents", url.Values{"csrf": {"csrf-alice"}, "title": {"no severity"}, "source": {"user_report"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="no severity"`) {
		t.Errorf("declare without severity: %d; the form should come back filled", resp.StatusCode)
	}
}

func TestTimelinePartialReturnsOnlyNewEvents(t *testing.T) {
	e := setup(t)
	inc := e.declare("x", "SEV3")
	tl, _ := e.ts.Store.Timeline(context.Background(), inc.ID)
	last := tl[len(tl)-1].ID
	c := e.client("victor")
	_, body := e.get(c, "/incidents/"+itoaID(inc.ID)+"/timeline?after="+itoa(int(last)))
	if strings.Contains(body, "<li") || !strings.Contains(body, "after="+itoa(int(last))) {
		t.Errorf("no new events, yet the partial is %s", body)
	}
	e.ts.Store.AddNote(context.Background(), inc.ID, "new finding", arqir.Change{Actor: arqir.SystemActor})
	_, body = e.get(c, "/incidents/"+itoaID(inc.ID)+"/timeline?after="+itoa(int(last)))
	if !strings.Contains(body, "new finding") || strings.Count(body, "<li") != 1 || !strings.Contains(body, `hx-swap-oob="beforeend:#timeline"`) {
		t.Errorf("partial after a note: %s", body)
	}
}

func TestPageWeight(t *testing.T) {
	e := setup(t)
	inc := e.declare("x", "SEV1", "a")
	for _, p := range []string{"/", "/incidents/" + itoaID(inc.ID)} {
		_, body := e.get(e.client("alice"), p)
		total := len(body)
		for _, asset := range []string{"app.css", "vendor/htmx.min.js"} {
			_, b := e.get(e.client(""), "/static/x/"+asset)
			total += len(b)
		}
		if total > 200_000 {
			t.Errorf("%s weighs %d bytes with its assets, want < 200 KB", p, total)
		}
	}
}

func TestStaticAssetsCachedByVersion(t *testing.T) {
	e := setup(t)
	_, body := e.get(e.client(""), "/login")
	m := assetURL.FindString(body)
	resp, _ := e.get(e.client(""), m+"app.css")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("asset %s: %d %v", m, resp.StatusCode, resp.Header)
	}
	if resp, _ := e.get(e.client(""), "/static/x/vendor/VENDOR.md"); resp.StatusCode != 404 {
		t.Errorf("VENDOR.md is served: %d", resp.StatusCode)
	}
}

func ptr[T any](v T) *T { return &v }

func itoaID(id arqir.IncidentID) string { return itoa(int(id)) }

func itoa(n int) string { return strconv.Itoa(n) }

// loginToken opens the sign-in form and returns its CSRF token.
func (e *env) loginToken(c *http.Client) string {
	e.get(c, "/login")
	u, _ := url.Parse(e.srv.URL + "/login")
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "arqir_login_csrf" {
			return ck.Value
		}
	}
	e.t.Fatal("the sign-in form set no CSRF cookie")
	return ""
}
