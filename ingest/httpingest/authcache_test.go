package httpingest_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/httpingest"
	"github.com/arqir/arqir/ingest/sources"
	"github.com/arqir/arqir/internal/testserver"
)

// countingStore is the server's store with a count of the credential
// lookups, the store read the authentication cache saves.
type countingStore struct {
	arqir.Store
	lookups atomic.Int64
}

func (s *countingStore) AuthenticateIntegration(ctx context.Context, kind arqir.IntegrationKind, credential string) (*arqir.Integration, error) {
	s.lookups.Add(1)
	return s.Store.AuthenticateIntegration(ctx, kind, credential)
}

func (s *countingStore) AuthenticateIntegrationSigned(ctx context.Context, kind arqir.IntegrationKind, credential string) (*arqir.Integration, []byte, error) {
	s.lookups.Add(1)
	return s.Store.AuthenticateIntegrationSigned(ctx, kind, credential)
}

// cached serves an ingest handler of its own on srv's store, with
// lookups counted and sources overridden; it returns the handler's URL.
func cached(t *testing.T, srv *testserver.Server, sources ...ingest.Source) (string, *countingStore) {
	t.Helper()
	store := &countingStore{Store: srv.Store}
	ts := httptest.NewServer(httpingest.New(httpingest.Config{
		Integrations: store, Alerts: store, Sources: sources,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}))
	t.Cleanup(ts.Close)
	return ts.URL, store
}

// alertN is one firing generic alert of its own dedup key.
func alertN(i int) string {
	return fmt.Sprintf(`{"dedup_key":"alert-%d","status":"firing","summary":"Alert %d"}`, i, i)
}

// A sender's requests within the TTL cost one lookup of its credential,
// signed or not.
func TestOneCredentialLookupPerTTL(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	url, store := cached(t, srv)
	cred := integration(t, srv, arqir.KindGeneric, unsigned)
	const n = 20
	for i := range n {
		post(t, "POST", url+"/ingest/generic", alertN(i), "Authorization", "Bearer "+cred).want(t, 200, `"status":"accepted"`)
	}
	if got := store.lookups.Load(); got != 1 {
		t.Fatalf("%d credential lookups for %d requests, want 1", got, n)
	}
	if page, err := srv.Store.Alerts(t.Context(), arqir.AlertFilter{Limit: 100}); err != nil || len(page.Alerts) != n {
		t.Fatalf("%d alerts stored (%v), want %d", len(page.Alerts), err, n)
	}
}

// With the cache warm, a revocation stops the credential at its next
// request: 401, nothing stored; and that request's refusal drops the
// cache entry, so the ones after it are refused by the store's lookup.
func TestCachedCredentialStopsAtRevocation(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	url, store := cached(t, srv)
	cred := integration(t, srv, arqir.KindGeneric, unsigned)
	for i := range 2 {
		post(t, "POST", url+"/ingest/generic", alertN(i), "Authorization", "Bearer "+cred).want(t, 200)
	}
	in := onlyIntegration(t, srv)
	if err := srv.Store.RevokeIntegration(t.Context(), in.ID); err != nil {
		t.Fatal(err)
	}
	before := srv.Dump(t)
	post(t, "POST", url+"/ingest/generic", alertN(2), "Authorization", "Bearer "+cred).want(t, 401, `"code":"unauthorized"`, "was revoked at", "create a new integration")
	post(t, "POST", url+"/ingest/generic", alertN(3), "Authorization", "Bearer "+cred).want(t, 401, `"code":"unauthorized"`)
	srv.Unchanged(t, before)
	if got := store.lookups.Load(); got != 2 {
		t.Fatalf("%d credential lookups, want 2: one to warm the cache, one after the refusal dropped the entry", got)
	}
}

// With the cache warm, a rotation stops the old credential at its next
// request (401, nothing stored, even for a retry of a stored request) and
// the new credential works at once.
func TestRotationStopsTheCachedCredentialAtOnce(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	url, _ := cached(t, srv)
	old := integration(t, srv, arqir.KindGeneric, unsigned)
	post(t, "POST", url+"/ingest/generic", alertN(0), "Authorization", "Bearer "+old, "Idempotency-Key", "req-0").want(t, 200)
	post(t, "POST", url+"/ingest/generic", alertN(1), "Authorization", "Bearer "+old).want(t, 200)
	fresh, _, err := srv.Store.RotateIntegration(t.Context(), onlyIntegration(t, srv).ID)
	if err != nil {
		t.Fatal(err)
	}
	before := srv.Dump(t)
	post(t, "POST", url+"/ingest/generic", alertN(2), "Authorization", "Bearer "+old).want(t, 401, "rotated at", "send the new credential")
	post(t, "POST", url+"/ingest/generic", alertN(0), "Authorization", "Bearer "+old, "Idempotency-Key", "req-0").want(t, 401)
	srv.Unchanged(t, before)
	post(t, "POST", url+"/ingest/generic", alertN(2), "Authorization", "Bearer "+fresh.Credential).want(t, 200, `"status":"accepted"`)
}

// A request that stores nothing does not pass through IngestAs's
// re-check: with the cache warm, a PagerDuty acknowledge (accepted, no
// event) and an SNS-style subscription confirmation are refused after a
// revocation, and the confirmation is not carried out.
func TestCachedCredentialRecheckedWhenNothingIsStored(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)

	url, _ := cached(t, srv)
	pd := integration(t, srv, arqir.KindPagerDuty, nil)
	event := func(action string) string {
		return `{"routing_key":"` + pd + `","event_action":"` + action + `","dedup_key":"disk-full","payload":{"summary":"Disk full","source":"db-1","severity":"critical"}}`
	}
	post(t, "POST", url+"/ingest/pagerduty/v2/enqueue", event("trigger")).want(t, 202)
	post(t, "POST", url+"/ingest/pagerduty/v2/enqueue", event("acknowledge")).want(t, 202) // cached, re-checked, fine
	if err := srv.Store.RevokeIntegration(t.Context(), onlyIntegration(t, srv).ID); err != nil {
		t.Fatal(err)
	}
	before := srv.Dump(t)
	post(t, "POST", url+"/ingest/pagerduty/v2/enqueue", event("acknowledge")).want(t, 401, "was revoked at")
	srv.Unchanged(t, before)

	var confirmed int
	generic, _ := sources.Lookup(arqir.KindGeneric)
	url, _ = cached(t, srv, confirmSource{Source: generic, confirmed: &confirmed})
	cred := integration(t, srv, arqir.KindGeneric, nil)
	post(t, "POST", url+"/ingest/generic", `{}`, "Authorization", "Bearer "+cred).want(t, 200)
	post(t, "POST", url+"/ingest/generic", `{}`, "Authorization", "Bearer "+cred).want(t, 200)
	list, err := srv.Store.Integrations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.RevokeIntegration(t.Context(), list[len(list)-1].ID); err != nil {
		t.Fatal(err)
	}
	post(t, "POST", url+"/ingest/generic", `{}`, "Authorization", "Bearer "+cred).want(t, 401, "was revoked at")
	if confirmed != 2 {
		t.Fatalf("confirmed %d times, want 2: not after the revocation", confirmed)
	}
}

// onlyIntegration returns the server's one integration.
func onlyIntegration(t *testing.T, srv *testserver.Server) *arqir.Integration {
	t.Helper()
	list, err := srv.Store.Integrations(t.Context())
	if err != nil || len(list) != 1 {
		t.Fatalf("integrations %v, %v: want one", list, err)
	}
	return list[0]
}

// keylessSource is the generic source marked as verifying with a key it
// fetches itself, as CloudWatch's SNS certificate check does.
type keylessSource struct{ ingest.Source }

func (keylessSource) Verify(context.Context, *ingest.Request, *arqir.Integration, []byte) error {
	return nil
}
func (keylessSource) Keyless() {}

// A source that fetches its verification key itself is authenticated by
// the store every time: a revoked credential must not make arqir fetch
// anything from the cache's say-so.
func TestKeylessSourcesAreNeverAuthenticatedFromTheCache(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	generic, _ := sources.Lookup(arqir.KindGeneric)
	url, store := cached(t, srv, keylessSource{generic})
	cred := integration(t, srv, arqir.KindGeneric, unsigned)
	for i := range 3 {
		post(t, "POST", url+"/ingest/generic", alertN(i), "Authorization", "Bearer "+cred).want(t, 200)
	}
	if got := store.lookups.Load(); got != 3 {
		t.Fatalf("%d credential lookups for 3 requests of a keyless source, want 3", got)
	}
}

// A request refused after a cached authentication (a bad body here) drops
// the entry: the credential's next request asks the store again.
func TestARefusedRequestForgetsTheCachedCredential(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	url, store := cached(t, srv)
	cred := integration(t, srv, arqir.KindGeneric, unsigned)
	post(t, "POST", url+"/ingest/generic", alertN(1), "Authorization", "Bearer "+cred).want(t, 200)
	post(t, "POST", url+"/ingest/generic", `{"status":`, "Authorization", "Bearer "+cred).want(t, 400)
	post(t, "POST", url+"/ingest/generic", alertN(2), "Authorization", "Bearer "+cred).want(t, 200)
	if got := store.lookups.Load(); got != 2 {
		t.Fatalf("%d credential lookups, want 2: the refusal must drop the cached entry", got)
	}
}
