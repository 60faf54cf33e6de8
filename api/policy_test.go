package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir/internal/testserver"
	"github.com/arqir/arqir/policy"
)

func TestGetPolicyShowsTheRules(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	var p struct {
		Revision   int    `json:"revision"`
		Version    string `json:"version"`
		Hash       string `json:"hash"`
		Severities []struct {
			Name                  string  `json:"name"`
			ResponseTarget        string  `json:"response_target"`
			ResponseTargetSeconds float64 `json:"response_target_seconds"`
		} `json:"severities"`
		Checklist []struct {
			ID         string   `json:"id"`
			Severities []string `json:"severities"`
		} `json:"checklist"`
	}
	r := call(t, srv, "GET", "/api/v1/policy", srv.Viewer, "").wantStatus(t, http.StatusOK)
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	if d := policy.Default(); p.Revision != 1 || p.Version != d.Version() || p.Hash != d.Hash() || !strings.HasPrefix(p.Hash, "sha256:") {
		t.Errorf("record %+v, want revision 1 of the default policy", p)
	}
	if len(p.Severities) != 4 || p.Severities[0].Name != "SEV1" || p.Severities[0].ResponseTarget != "5m0s" || p.Severities[0].ResponseTargetSeconds != 300 {
		t.Errorf("severities %+v", p.Severities)
	}
	if len(p.Checklist) != 7 || p.Checklist[4].ID != "R5" || len(p.Checklist[4].Severities) != 2 || p.Checklist[0].Severities == nil {
		t.Errorf("checklist %+v", p.Checklist)
	}
}

func TestApplyPolicyWithProblemsListsThemAllAndAppliesNothing(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	before := srv.Dump(t)
	doc := string(testserver.BrokenPolicy())
	r := call(t, srv, "PUT", "/api/v1/policy", srv.Admin, doc, "Content-Type", "application/yaml").wantStatus(t, http.StatusUnprocessableEntity)
	e := r.errorBody(t)
	if e.Error.Code != "unprocessable" || e.Error.Message != "the policy has 3 problems; nothing was applied" || e.Error.Field != "" {
		t.Errorf("error %+v", e.Error)
	}
	want := []map[string]any{
		{"path": "severities[2].response_target", "line": lineOf(t, doc, "-30m"), "message": `must be a positive duration like 5m or 2h, got "-30m"`},
		{"path": "first_responder.checklist[4].severities[1]", "line": lineOf(t, doc, "SEV9"), "message": `unknown severity "SEV9"`},
		{"path": "first_responder.checklist[6].done_by", "line": lineOf(t, doc, "slack"), "message": `unknown event that ticks the item "slack"`},
	}
	if len(e.Problems) != len(want) {
		t.Fatalf("problems %v, want all three", e.Problems)
	}
	for i, w := range want {
		got := e.Problems[i]
		if got["path"] != w["path"] || got["line"] != w["line"] || !strings.Contains(fmt.Sprint(got["message"]), w["message"].(string)) {
			t.Errorf("problem %d is %v, want %v", i, got, w)
		}
	}
	srv.Unchanged(t, before)
	if srv.Policies.Active().Revision != 1 {
		t.Error("a refused policy became the active one")
	}
	if inc := declare(t, srv, ""); inc.PolicyRevision != 1 {
		t.Errorf("after the refusal an incident is declared under revision %d, want 1", inc.PolicyRevision)
	}
}

func TestApplyPolicy(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	var applied struct {
		Record struct {
			Revision  int    `json:"revision"`
			Version   string `json:"version"`
			AppliedBy string `json:"applied_by"`
		} `json:"record"`
		Created bool `json:"created"`
	}
	doc := string(testserver.RevisedPolicy("16.1"))
	r := call(t, srv, "PUT", "/api/v1/policy", srv.Admin, doc, "Content-Type", "text/plain").wantStatus(t, http.StatusOK)
	_ = json.Unmarshal(r.body, &applied)
	if !applied.Created || applied.Record.Revision != 2 || applied.Record.Version != "16.1" || applied.Record.AppliedBy != "admin" {
		t.Errorf("applied %+v", applied)
	}
	if inc := declare(t, srv, ""); inc.PolicyRevision != 2 {
		t.Errorf("an incident declared after the apply is under revision %d, want 2", inc.PolicyRevision)
	}
	r = call(t, srv, "PUT", "/api/v1/policy", srv.Admin, doc).wantStatus(t, http.StatusOK)
	_ = json.Unmarshal(r.body, &applied)
	if applied.Created || applied.Record.Revision != 2 {
		t.Errorf("re-applying the same document: %+v, want created false at revision 2", applied)
	}
	var hist struct {
		History []struct {
			Revision int `json:"revision"`
		} `json:"history"`
	}
	r = call(t, srv, "GET", "/api/v1/policy/history", srv.Viewer, "").wantStatus(t, http.StatusOK)
	_ = json.Unmarshal(r.body, &hist)
	if len(hist.History) != 2 || hist.History[0].Revision != 2 {
		t.Errorf("history %+v, want revisions 2, 1", hist)
	}
	if strings.Contains(string(r.body), "source") {
		t.Errorf("history carries the policy source: %s", r.body)
	}
}

// lineOf is the line of the first occurrence of s in doc, as a decoded JSON number.
func lineOf(t *testing.T, doc, s string) float64 {
	t.Helper()
	i := strings.Index(doc, s)
	if i < 0 {
		t.Fatalf("the document has no %q", s)
	}
	return float64(strings.Count(doc[:i], "\n") + 1)
}
