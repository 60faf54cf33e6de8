package web_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestProceduresPage(t *testing.T) {
	e := setup(t)
	resp, body := e.get(e.client("victor"), "/procedures")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	active := e.ts.Policies.Active()
	for _, want := range []string{active.Hash, active.Version, `id="document"`, `id="history"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The document reads as a document: its Markdown rendered, not shown
	// as text.
	doc := body[strings.Index(body, `id="document"`):]
	doc = doc[:strings.Index(doc, "</article>")]
	for _, want := range []string{"<h3>", "<h4>", "<li>"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %s: its Markdown is not rendered:\n%.600s", want, doc)
		}
	}
	for _, raw := range []string{"\n# ", "\n- ", "&lt;!--"} {
		if strings.Contains(doc, raw) {
			t.Errorf("the document shows Markdown syntax %q as text:\n%.600s", raw, doc)
		}
	}
	if resp, _ := e.get(e.client(""), "/procedures"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: status %d", resp.StatusCode)
	}
}
