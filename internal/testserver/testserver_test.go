package testserver_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// The tokens work with their roles, and the clock is the store's.
func TestServer(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	for secret, want := range map[string]string{srv.Admin: "admin", srv.Responder: "alice", srv.Viewer: "victor"} {
		tok, err := srv.Store.Authenticate(t.Context(), secret)
		if err != nil || tok.Name != want {
			t.Errorf("token %s: %+v %v", want, tok, err)
		}
	}
	srv.Advance(90 * time.Second)
	inc, err := srv.Store.Declare(t.Context(), arqir.Declaration{Title: "Login down", Severity: "SEV1"}, arqir.Actor{Name: "alice", Source: arqir.SourceCLI})
	if err != nil {
		t.Fatal(err)
	}
	if want := testserver.Epoch.Add(90 * time.Second); !inc.DeclaredAt.Equal(want) || !srv.Now().Equal(want) {
		t.Errorf("declared at %s, clock at %s, want %s", inc.DeclaredAt, srv.Now(), want)
	}
	if inc.PolicyRevision != 1 || len(inc.Checklist) != 7 {
		t.Errorf("incident %+v, want the default policy's checklist under revision 1", inc)
	}
	srv.Advance(5 * time.Minute)
	// The sweep runs on the moved clock: the SEV1 response deadline is
	// breached now, with the paging deadlines (page_ack, initial_notice)
	// nothing met either; it counts them all.
	n := srv.Sweep(t)
	got, err := srv.Store.Incident(t.Context(), inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	breached, response := 0, false
	for _, d := range got.Deadlines {
		if d.BreachedAt != nil {
			breached++
			response = response || d.Kind == arqir.DeadlineResponse && d.BreachedAt.Equal(srv.Now())
		}
	}
	if n != breached || !response {
		t.Errorf("swept %d breaches, the incident records %d, response breached at %s: %t; deadlines %+v", n, breached, srv.Now(), response, got.Deadlines)
	}
}

// Every part of the database shows in the dump, so Unchanged catches any
// change a refused request makes.
func TestUnchangedCatchesEveryChange(t *testing.T) {
	t.Parallel()
	actor := arqir.Actor{Name: "alice", Source: arqir.SourceAPI}
	changes := map[string]func(ctx context.Context, s arqir.Store) error{
		"incident declared": func(ctx context.Context, s arqir.Store) error {
			_, err := s.Declare(ctx, arqir.Declaration{Title: "New", Severity: "SEV3"}, actor)
			return err
		},
		"incident changed": func(ctx context.Context, s arqir.Store) error {
			_, err := s.Acknowledge(ctx, 1, arqir.Change{Actor: actor})
			return err
		},
		"timeline event": func(ctx context.Context, s arqir.Store) error {
			_, err := s.AddNote(ctx, 1, "seen", arqir.Change{Actor: actor})
			return err
		},
		"token created": func(ctx context.Context, s arqir.Store) error {
			_, _, err := s.CreateToken(ctx, "bot", arqir.RoleViewer)
			return err
		},
		"token revoked": func(ctx context.Context, s arqir.Store) error { return s.RevokeToken(ctx, 2) },
		"policy applied": func(ctx context.Context, s arqir.Store) error {
			_, _, err := s.ApplyPolicy(ctx, "16.1", "sha256:x", testserver.RevisedPolicy("16.1"), "admin")
			return err
		},
		"integration created": func(ctx context.Context, s arqir.Store) error {
			_, _, err := s.CreateIntegration(ctx, arqir.NewIntegration{Name: "new", Kind: arqir.KindGeneric})
			return err
		},
		"integration rotated": func(ctx context.Context, s arqir.Store) error {
			_, _, err := s.RotateIntegration(ctx, 1)
			return err
		},
		"integration revoked": func(ctx context.Context, s arqir.Store) error { return s.RevokeIntegration(ctx, 1) },
		"alert ingested": func(ctx context.Context, s arqir.Store) error {
			_, err := s.Ingest(ctx, 1, "", []arqir.AlertEvent{{DedupKey: "new", Status: arqir.AlertFiring, Summary: "new"}})
			return err
		},
		"alert repeated": func(ctx context.Context, s arqir.Store) error {
			_, err := s.Ingest(ctx, 1, "", []arqir.AlertEvent{{DedupKey: "old", Status: arqir.AlertFiring, Summary: "old"}})
			return err
		},
		"alert marked": func(ctx context.Context, s arqir.Store) error {
			_, err := s.MarkAlertFalsePositive(ctx, 1, "noise", actor)
			return err
		},
		// Claiming a notification changes nothing but the outbox row: no
		// timeline event, no incident version.
		"notification claimed": func(ctx context.Context, s arqir.Store) error {
			claimed, err := s.ClaimNotifications(ctx, testserver.Epoch, time.Minute, 1)
			if err == nil && len(claimed) != 1 {
				err = fmt.Errorf("claimed %d notifications, want the declaration's first", len(claimed))
			}
			return err
		},
		// Forgetting the key of the request that stored "old" changes
		// nothing but ingest_requests.
		"request key forgotten": func(ctx context.Context, s arqir.Store) error {
			n, err := s.SweepIngestRequests(ctx, testserver.Epoch.Add(arqir.IngestRequestRetention))
			if err == nil && n != 1 {
				err = fmt.Errorf("the sweep forgot %d request keys, want 1", n)
			}
			return err
		},
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := testserver.New(t)
			if _, err := srv.Store.Declare(t.Context(), arqir.Declaration{Title: "Old", Severity: "SEV2"}, actor); err != nil {
				t.Fatal(err)
			}
			if _, _, err := srv.Store.CreateIntegration(t.Context(), arqir.NewIntegration{Name: "old", Kind: arqir.KindGeneric}); err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Store.Ingest(t.Context(), 1, "req-old", []arqir.AlertEvent{{DedupKey: "old", Status: arqir.AlertFiring, Summary: "old"}}); err != nil {
				t.Fatal(err)
			}
			before := srv.Dump(t)
			if err := change(t.Context(), srv.Store); err != nil {
				t.Fatal(err)
			}
			rec := &recorder{TB: t}
			srv.Unchanged(rec, before)
			if !strings.Contains(rec.errors, "the database changed") {
				t.Errorf("Unchanged missed it; it said %q", rec.errors)
			}
		})
	}
}

// When a token was last used is not part of the dump: authenticating
// records it, refused request or not.
func TestDumpLeavesOutLastUse(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	before := srv.Dump(t)
	if _, err := srv.Store.Authenticate(t.Context(), srv.Viewer); err != nil {
		t.Fatal(err)
	}
	srv.Unchanged(t, before)
}

func TestFail(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	get := func(path, token string) int {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	srv.Fail(fmt.Errorf("disk full"))
	if a, b := get("/api/v1/incidents", srv.Viewer), get("/readyz", ""); a != 500 || b != 503 {
		t.Errorf("failing store: list %d, readyz %d; want 500, 503", a, b)
	}
	if _, err := srv.Store.Tokens(t.Context()); err != nil {
		t.Errorf("Server.Store failed too: %v", err)
	}
	srv.Fail(nil)
	if a, b := get("/api/v1/incidents", srv.Viewer), get("/readyz", ""); a != 200 || b != 200 {
		t.Errorf("healed store: list %d, readyz %d; want 200, 200", a, b)
	}
}

// recorder keeps what a helper reports instead of failing the test.
type recorder struct {
	testing.TB
	errors string
}

func (r *recorder) Errorf(format string, args ...any) { r.errors += fmt.Sprintf(format, args...) }
func (r *recorder) Helper()                           {}
