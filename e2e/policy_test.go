package e2e

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/policy"
)

// tightened is the default policy with a different version and SEV1 target.
func tightened(version, sev1Target string) []byte {
	src := string(policy.DefaultYAML())
	src = strings.Replace(src, `version: "16.0"`, `version: "`+version+`"`, 1)
	return []byte(strings.Replace(src, "response_target: 5m", "response_target: "+sev1Target, 1))
}

// Every incident keeps the policy revision it was declared under; a new
// policy applies to incidents declared after it.
func TestPolicy_IncidentKeepsTheRevisionItOpenedUnder(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	before := h.declare(h.Admin, "Before", "SEV1")
	rec, created, err := h.Admin.ApplyPolicy(ctx, tightened("16.1", "3m"))
	if err != nil || !created || rec.Revision != 2 || rec.Version != "16.1" {
		t.Fatalf("apply: %+v created=%v err=%v", rec, created, err)
	}
	after := h.declare(h.Admin, "After", "SEV1")
	if before.PolicyRevision != 1 || after.PolicyRevision != 2 {
		t.Fatalf("revisions %d and %d, want 1 and 2", before.PolicyRevision, after.PolicyRevision)
	}
	if got := after.Deadlines[0].DueAt.Sub(after.DeclaredAt); got != 3*time.Minute {
		t.Fatalf("new SEV1 target %s, want the new policy's 3m", got)
	}
	// Re-applying the same document creates no revision.
	if _, created, _ := h.Admin.ApplyPolicy(ctx, tightened("16.1", "3m")); created {
		t.Fatal("the same policy applied twice made a new revision")
	}
	p, _ := h.Admin.Policy(ctx)
	if p.Revision != 2 || !strings.HasPrefix(p.Hash, "sha256:") {
		t.Fatalf("active policy %+v", p)
	}
}

// An invalid policy is refused with every problem; the old one stays.
func TestPolicy_InvalidPolicyRefusedOldOneStays(t *testing.T) {
	h := newHarness(t)
	bad := strings.Replace(string(policy.DefaultYAML()), "response_target: 5m", "response_target: -5m", 1)
	bad = strings.Replace(bad, "title: Critical", "titel: Critical", 1)
	_, _, err := h.Admin.ApplyPolicy(context.Background(), []byte(bad))
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Status != 422 || len(ce.Problems) != 3 {
		t.Fatalf("invalid policy → %v, want 422 with 3 problems (unknown key, missing title, negative target)", err)
	}
	if p, _ := h.Admin.Policy(context.Background()); p.Revision != 1 {
		t.Fatalf("active revision %d after a refused policy", p.Revision)
	}
	if inc := h.declare(h.Admin, "x", "SEV1"); inc.Deadlines[0].DueAt.Sub(inc.DeclaredAt) != 5*time.Minute {
		t.Fatal("refused policy took effect")
	}
}

// serve --policy with an invalid file refuses to start and leaves the
// stored policy; with a valid one it applies it; SIGHUP's reload refuses an
// invalid edit and applies a valid one.
func TestPolicy_ServePolicyFileAndReload(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "policy.yaml")
	db := filepath.Join(dir, "arqir.db")
	os.WriteFile(file, []byte("version: 1\nseverities: []\nbogus: true\n"), 0o600)

	_, err := app.New(context.Background(), app.Config{DB: db, PolicyFile: file, Now: func() time.Time { return start }, Out: new(strings.Builder)})
	var pe *app.PolicyError
	if !errors.As(err, &pe) || len(pe.Problems) < 2 {
		t.Fatalf("invalid --policy → %v, want a PolicyError listing the problems", err)
	}

	os.WriteFile(file, tightened("16.2", "4m"), 0o600)
	h := newHarness(t, func(c *app.Config) { c.DB, c.PolicyFile = db, file })
	if a := h.App.Policies.Active(); a.Version != "16.2" {
		t.Fatalf("active %+v, want the --policy file", a)
	}
	os.WriteFile(file, []byte("version: [\n"), 0o600)
	h.App.ReloadPolicy(context.Background())
	if a := h.App.Policies.Active(); a.Version != "16.2" {
		t.Fatalf("an invalid reload replaced the policy: %+v", a)
	}
	os.WriteFile(file, tightened("16.3", "4m"), 0o600)
	h.App.ReloadPolicy(context.Background())
	if a := h.App.Policies.Active(); a.Version != "16.3" {
		t.Fatalf("a valid reload was not applied: %+v", a)
	}
}

// A replica picks up a policy another replica applied at its next tick.
func TestPolicy_ReplicasConvergeOnTheActivePolicy(t *testing.T) {
	one := newHarness(t)
	two := newHarness(t, func(c *app.Config) { c.DB = one.cfg.DB })
	if _, _, err := one.Admin.ApplyPolicy(context.Background(), tightened("17.0", "5m")); err != nil {
		t.Fatal(err)
	}
	if _, err := two.App.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := two.App.Policies.Active().Version; v != "17.0" {
		t.Fatalf("second replica still on %s", v)
	}
}
