package ingest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// countingStore is a SignedAuthenticator over integrations by credential
// that counts its lookups, as the store's reads.
type countingStore struct {
	mu      sync.Mutex
	creds   map[string]*arqir.Integration
	secrets map[int64][]byte
	lookups int
}

func newCountingStore() *countingStore {
	return &countingStore{creds: map[string]*arqir.Integration{}, secrets: map[int64][]byte{}}
}

// add makes credential authenticate a new integration of kind.
func (s *countingStore) add(credential string, kind arqir.IntegrationKind) *arqir.Integration {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := int64(len(s.creds) + 1)
	in := &arqir.Integration{ID: id, Kind: kind, Name: fmt.Sprintf("integration-%d", id)}
	s.creds[credential] = in
	s.secrets[id] = []byte(fmt.Sprintf("signing-%d", id))
	return in
}

func (s *countingStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookups
}

func (s *countingStore) AuthenticateIntegration(_ context.Context, kind arqir.IntegrationKind, credential string) (*arqir.Integration, error) {
	in, _, err := s.lookup(kind, credential)
	return in, err
}

func (s *countingStore) AuthenticateIntegrationSigned(_ context.Context, kind arqir.IntegrationKind, credential string) (*arqir.Integration, []byte, error) {
	return s.lookup(kind, credential)
}

func (s *countingStore) IntegrationSigningSecret(_ context.Context, id int64) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.secrets[id], nil
}

func (s *countingStore) lookup(kind arqir.IntegrationKind, credential string) (*arqir.Integration, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lookups++
	in, ok := s.creds[credential]
	if !ok || in.Kind != kind {
		return nil, nil, arqir.Errorf(arqir.EUNAUTHORIZED, "unknown integration credential")
	}
	return in, s.secrets[in.ID], nil
}

// manualClock stands still until moved.
type manualClock struct{ now time.Time }

func (c *manualClock) Now() time.Time { return c.now }

func newTestCache(store Authenticator, cfg AuthCacheConfig) (*AuthCache, *manualClock) {
	clock := &manualClock{now: time.Date(2025, 3, 10, 14, 0, 0, 0, time.UTC)}
	cfg.Now = clock.Now
	return NewAuthCache(store, cfg), clock
}

// signed authenticates credential through a new lookup and fails the test
// on error.
func signed(t *testing.T, c *AuthCache, kind arqir.IntegrationKind, credential string) (*arqir.Integration, []byte, *AuthLookup) {
	t.Helper()
	l := c.Lookup()
	in, secret, err := l.AuthenticateIntegrationSigned(t.Context(), kind, credential)
	if err != nil {
		t.Fatalf("authenticate %s: %v", credential, err)
	}
	return in, secret, l
}

// Within the TTL a credential costs one lookup, and Cached tells a reused
// result from a fresh one; once the TTL has passed, the store is asked
// again.
func TestAuthCacheReusesWithinTheTTL(t *testing.T) {
	store := newCountingStore()
	want := store.add("cred-a", arqir.KindGeneric)
	c, clock := newTestCache(store, AuthCacheConfig{TTL: 30 * time.Second})
	for i := range 10 {
		in, secret, l := signed(t, c, arqir.KindGeneric, "cred-a")
		if in != want || string(secret) != "signing-1" || l.Cached() != (i > 0) {
			t.Fatalf("request %d: %v %q cached=%v", i, in, secret, l.Cached())
		}
		clock.now = clock.now.Add(2 * time.Second)
	}
	if n := store.count(); n != 1 {
		t.Fatalf("%d lookups for 10 requests within the TTL, want 1", n)
	}
	clock.now = clock.now.Add(11 * time.Second) // 31 s after the lookup
	if _, _, l := signed(t, c, arqir.KindGeneric, "cred-a"); l.Cached() || store.count() != 2 {
		t.Fatalf("after the TTL: cached=%v, %d lookups; want a second lookup", l.Cached(), store.count())
	}
}

// The cache holds at most Size entries, whatever the number of
// credentials, and still answers each correctly.
func TestAuthCacheSizeIsBounded(t *testing.T) {
	store := newCountingStore()
	c, _ := newTestCache(store, AuthCacheConfig{Size: 3})
	for i := range 10 {
		cred := fmt.Sprintf("cred-%d", i)
		want := store.add(cred, arqir.KindAlertmanager)
		for range 2 {
			if in, _, _ := signed(t, c, arqir.KindAlertmanager, cred); in != want {
				t.Fatalf("%s authenticated %v, want %v", cred, in, want)
			}
		}
		if n := c.Len(); n > 3 {
			t.Fatalf("%d entries after %d credentials, want at most 3", n, i+1)
		}
	}
	if n := store.count(); n != 10 {
		t.Fatalf("%d lookups, want 10 (each credential's second request from the cache)", n)
	}
}

// A refused credential is asked of the store every time: a credential
// that starts working (just created or rotated in) works at once, and
// unknown credentials leave nothing behind.
func TestAuthCacheKeepsNoFailure(t *testing.T) {
	store := newCountingStore()
	c, _ := newTestCache(store, AuthCacheConfig{})
	for i := range 3 {
		l := c.Lookup()
		if _, _, err := l.AuthenticateIntegrationSigned(t.Context(), arqir.KindGeneric, "cred-new"); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
			t.Fatalf("attempt %d: %v, want EUNAUTHORIZED", i, err)
		}
	}
	if n, entries := store.count(), c.Len(); n != 3 || entries != 0 {
		t.Fatalf("%d lookups and %d entries after 3 refusals, want 3 and 0", n, entries)
	}
	want := store.add("cred-new", arqir.KindGeneric)
	if in, _, l := signed(t, c, arqir.KindGeneric, "cred-new"); in != want || l.Cached() {
		t.Fatalf("the credential once it works: %v cached=%v", in, l.Cached())
	}
}

// Entries are keyed by the credential's SHA-256: the cache never holds the
// credential itself.
func TestAuthCacheKeysByHash(t *testing.T) {
	store := newCountingStore()
	const cred = "arqi_secretcredential"
	store.add(cred, arqir.KindGeneric)
	c, _ := newTestCache(store, AuthCacheConfig{})
	signed(t, c, arqir.KindGeneric, cred)
	if _, ok := c.entries[sha256.Sum256([]byte(cred))]; !ok || len(c.entries) != 1 {
		t.Fatalf("%d entries: want one, under the credential's SHA-256", len(c.entries))
	}
	for k, e := range c.entries {
		if strings.Contains(string(k[:])+fmt.Sprintf("%+v %s", *e.in, e.secret), cred) {
			t.Fatal("an entry holds the credential")
		}
	}
}

// A cached credential is not taken for another kind (the store refuses
// that), an entry without the signing secret does not answer a signed
// lookup, Forget drops the entry, and a negative TTL caches nothing.
func TestAuthCacheAnswersOnlyWhatItRead(t *testing.T) {
	store := newCountingStore()
	store.add("cred-a", arqir.KindAlertmanager)
	c, _ := newTestCache(store, AuthCacheConfig{})
	l := c.Lookup()
	if _, err := l.AuthenticateIntegration(t.Context(), arqir.KindAlertmanager, "cred-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Lookup().AuthenticateIntegration(t.Context(), arqir.KindDatadog, "cred-a"); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
		t.Fatalf("another kind: %v, want EUNAUTHORIZED", err)
	}
	if _, secret, l := signed(t, c, arqir.KindAlertmanager, "cred-a"); l.Cached() || string(secret) != "signing-1" {
		t.Fatalf("a signed lookup after an unsigned one: cached=%v secret %q", l.Cached(), secret)
	}
	if _, _, l = signed(t, c, arqir.KindAlertmanager, "cred-a"); !l.Cached() {
		t.Fatal("the signed entry was not kept")
	}
	l.Forget()
	if _, _, l := signed(t, c, arqir.KindAlertmanager, "cred-a"); l.Cached() {
		t.Fatal("a forgotten entry answered")
	}
	if n := store.count(); n != 4 {
		t.Fatalf("%d lookups, want 4", n)
	}

	off, _ := newTestCache(store, AuthCacheConfig{TTL: -1})
	for range 2 {
		if _, _, l := signed(t, off, arqir.KindAlertmanager, "cred-a"); l.Cached() {
			t.Fatal("a cache with a negative TTL answered")
		}
	}
	if n := store.count(); n != 6 {
		t.Fatalf("%d lookups, want 6: a negative TTL caches nothing", n)
	}
}

// An expired entry is dropped when it is next looked at, and a full cache
// drops expired entries before live ones: a rotated-away signing secret
// does not stay in memory until the cache happens to fill.
func TestAuthCacheDropsExpiredEntries(t *testing.T) {
	store := newCountingStore()
	c, clock := newTestCache(store, AuthCacheConfig{TTL: 30 * time.Second, Size: 3})
	store.add("old", arqir.KindGeneric)
	signed(t, c, arqir.KindGeneric, "old")
	clock.now = clock.now.Add(31 * time.Second)
	if _, _, l := signed(t, c, arqir.KindGeneric, "old"); l.Cached() {
		t.Fatal("an expired entry answered")
	}
	if n := c.Len(); n != 1 { // the expired entry went, the fresh lookup came
		t.Fatalf("%d entries after an expired one was looked at, want 1", n)
	}
	clock.now = clock.now.Add(31 * time.Second) // "old" expired again
	for _, cred := range []string{"live-1", "live-2"} {
		store.add(cred, arqir.KindGeneric)
		signed(t, c, arqir.KindGeneric, cred)
	}
	store.add("live-3", arqir.KindGeneric)
	signed(t, c, arqir.KindGeneric, "live-3") // full: "old" goes, not a live one
	before := store.count()
	for _, cred := range []string{"live-1", "live-2", "live-3"} {
		if _, _, l := signed(t, c, arqir.KindGeneric, cred); !l.Cached() {
			t.Errorf("%s was evicted while an expired entry was kept", cred)
		}
	}
	if store.count() != before {
		t.Fatalf("%d lookups for live entries, want none", store.count()-before)
	}
}
