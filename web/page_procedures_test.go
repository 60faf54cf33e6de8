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
	if resp, _ := e.get(e.client(""), "/procedures"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: status %d", resp.StatusCode)
	}
}
