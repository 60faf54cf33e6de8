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

// TestG2toG4_M1toM3_I1_I2_ProceduresPageShowsThem: the diagnostic
// checklists, the runbooks and the improvement cadence the active policy
// carries (policy: TestG1toG4_DiagnosticGroups, TestM1toM3_Runbooks,
// TestI1_ReviewQuarterly, TestI2_DrillsBiMonthly) are on the procedures
// page of the running server, where a responder reads them at 3 a.m.
func TestG2toG4_M1toM3_I1_I2_ProceduresPageShowsThem(t *testing.T) {
	e := setup(t)
	_, body := e.get(e.client("victor"), "/procedures")
	for _, want := range []string{
		"Application Analysis:", "Infrastructure Metrics:", "Database Analysis:", // G2–G4
		"Memory Leak / High Memory Usage:", "Database Performance Degradation:", "Service Unavailability:", // M1–M3
		"Review and update this document quarterly", "Conduct incident response drills bi-monthly", // I1, I2
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the procedures page lacks %q", want)
		}
	}
}
