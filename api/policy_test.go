package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir/api/apitest"
)

func TestGetPolicyShowsTheRules(t *testing.T) {
	srv := apitest.NewServer(t)
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
	if p.Revision != 1 || p.Version != "test-1" || !strings.HasPrefix(p.Hash, "sha256:") {
		t.Errorf("record %+v", p)
	}
	if len(p.Severities) != 4 || p.Severities[0].Name != "SEV1" || p.Severities[0].ResponseTarget != "5m0s" || p.Severities[0].ResponseTargetSeconds != 300 {
		t.Errorf("severities %+v", p.Severities)
	}
	if len(p.Checklist) != 7 || p.Checklist[4].ID != "R5" || len(p.Checklist[4].Severities) != 2 || p.Checklist[0].Severities == nil {
		t.Errorf("checklist %+v", p.Checklist)
	}
}

func TestApplyPolicyWithProblemsListsThemAllAndAppliesNothing(t *testing.T) {
	srv := apitest.NewServer(t)
	before := srv.Store.Dump()
	doc := "version: 2\nbad: severities[0] has no name\nok: 1\nbad: SEV9 is not defined\nbad: response_target must be positive\n"
	r := call(t, srv, "PUT", "/api/v1/policy", srv.Admin, doc, "Content-Type", "application/yaml").wantStatus(t, http.StatusUnprocessableEntity)
	e := r.errorBody(t)
	if e.Error.Code != "unprocessable" || e.Error.Message != "the policy has 3 problems; nothing was applied" || e.Error.Field != "" {
		t.Errorf("error %+v", e.Error)
	}
	if len(e.Problems) != 3 || e.Problems[1]["line"] != float64(4) || e.Problems[1]["message"] != "SEV9 is not defined" || e.Problems[1]["path"] == "" {
		t.Errorf("problems %v, want all three with path, line and message", e.Problems)
	}
	if srv.Store.Dump() != before || srv.Policies.Active().Revision != 1 {
		t.Error("a refused policy changed something")
	}
}

func TestApplyPolicy(t *testing.T) {
	srv := apitest.NewServer(t)
	var applied struct {
		Record struct {
			Revision  int    `json:"revision"`
			Version   string `json:"version"`
			AppliedBy string `json:"applied_by"`
		} `json:"record"`
		Created bool `json:"created"`
	}
	r := call(t, srv, "PUT", "/api/v1/policy", srv.Admin, "version: 2\n", "Content-Type", "text/plain").wantStatus(t, http.StatusOK)
	_ = json.Unmarshal(r.body, &applied)
	if !applied.Created || applied.Record.Revision != 2 || applied.Record.Version != "2" || applied.Record.AppliedBy != "admin" {
		t.Errorf("applied %+v", applied)
	}
	r = call(t, srv, "PUT", "/api/v1/policy", srv.Admin, "version: 2\n").wantStatus(t, http.StatusOK)
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
