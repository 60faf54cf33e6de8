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

// resolve resolves an incident through the store, which writes its RCA.
func (e *env) resolve(inc *arqir.Incident) {
	e.t.Helper()
	_, err := e.ts.Store.Resolve(context.Background(), inc.ID, arqir.Resolution{RootCause: "a bad deploy", CustomerImpact: "checkout failed"},
		arqir.Change{Actor: arqir.Actor{Name: "alice", Source: arqir.SourceWeb}})
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestRCAPages(t *testing.T) {
	e := setup(t)
	inc := e.declare(hostile, "SEV2", "checkout")
	e.resolve(inc)
	path := "/incidents/" + strconv.FormatInt(int64(inc.ID), 10) + "/rca"

	_, list := e.get(e.client("victor"), "/rcas")
	_, page := e.get(e.client("victor"), path)
	for name, body := range map[string]string{"list": list, "page": page} {
		if !strings.Contains(body, inc.ID.String()) {
			t.Errorf("%s lacks the incident", name)
		}
		if strings.Contains(body, "<script>alert") {
			t.Errorf("%s shows the title unescaped", name)
		}
	}
	doc, _ := e.ts.Store.RCA(context.Background(), inc.ID)
	section := doc.Sections[0].ID

	// A viewer may not edit; nor may a form without CSRF.
	before := e.ts.Dump(t)
	edit := url.Values{"csrf": {"csrf-victor"}, "body": {"x"}, "version": {strconv.Itoa(doc.Version)}}
	if resp, _ := e.post(e.client("victor"), path+"/sections/"+section, edit); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer: status %d", resp.StatusCode)
	}
	edit.Del("csrf")
	if resp, _ := e.post(e.client("alice"), path+"/sections/"+section, edit); resp.StatusCode != http.StatusForbidden {
		t.Errorf("no CSRF: status %d", resp.StatusCode)
	}
	if e.ts.Dump(t) != before {
		t.Error("a refused edit changed the store")
	}

	edit = url.Values{"csrf": {"csrf-alice"}, "body": {"The " + hostile + " cause."}, "version": {strconv.Itoa(doc.Version)}}
	if resp, _ := e.post(e.client("alice"), path+"/sections/"+section, edit); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: status %d", resp.StatusCode)
	}
	doc2, _ := e.ts.Store.RCA(context.Background(), inc.ID)
	if !strings.Contains(doc2.Sections[0].Body, "cause.") {
		t.Fatalf("section not saved: %q", doc2.Sections[0].Body)
	}
	// A form based on the old version is refused with why, keeping the text.
	edit.Set("body", "stale text")
	resp, body := e.post(e.client("alice"), path+"/sections/"+section, edit)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "stale text") {
		t.Errorf("stale edit: status %d", resp.StatusCode)
	}

	state := url.Values{"csrf": {"csrf-alice"}, "state": {"in_review"}, "version": {strconv.Itoa(doc2.Version)}}
	if resp, _ := e.post(e.client("alice"), path+"/state", state); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("state: status %d", resp.StatusCode)
	}
	if d, _ := e.ts.Store.RCA(context.Background(), inc.ID); d.State != arqir.RCAInReview {
		t.Errorf("state %s, want in_review", d.State)
	}

	resp, md := e.get(e.client("victor"), path+"/export.md")
	if resp.StatusCode != http.StatusOK || !strings.Contains(md, "cause.") {
		t.Errorf("export: status %d", resp.StatusCode)
	}
	resp, _ = e.get(e.client("victor"), path+"/export.html")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("HTML export CSP %q", csp)
	}
}

func TestRCAMissing(t *testing.T) {
	e := setup(t)
	inc := e.declare("open still", "SEV3")
	if resp, _ := e.get(e.client("victor"), "/incidents/"+strconv.FormatInt(int64(inc.ID), 10)+"/rca"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want 404", resp.StatusCode)
	}
}
