package ingest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// Defaults of AuthCacheConfig.
const (
	// DefaultAuthCacheTTL bounds how long a credential is taken on the
	// strength of an earlier lookup. It bounds no revocation: whatever
	// answers a request re-checks the integration first (see AuthCache).
	DefaultAuthCacheTTL = 30 * time.Second
	// DefaultAuthCacheSize holds far more integrations than a deployment
	// configures, while bounding what unknown credentials could make it
	// keep (nothing: failures are not cached) or what rotated ones leave.
	DefaultAuthCacheSize = 4096
)

// AuthCacheConfig configures an AuthCache. The zero value is the defaults.
type AuthCacheConfig struct {
	// TTL is how long a successful authentication is reused; 0 is
	// DefaultAuthCacheTTL, a negative value caches nothing.
	TTL time.Duration
	// Size bounds the entries; 0 is DefaultAuthCacheSize. A full cache
	// drops an arbitrary entry for a new one.
	Size int
	// Now is the cache's clock; default time.Now.
	Now func() time.Time
}

// AuthCache remembers successful authentications for a short time, so that
// a sender's requests do not each read its integration by credential: on
// the ingest path that lookup was half of the database's work per request.
//
// It is safe only with a re-check of the integration wherever a request is
// answered: events are stored with arqir.AlertService.IngestAs, which
// refuses them in its transaction when the integration was revoked or
// rotated since the credential was checked, and a request that stores
// nothing is re-checked against the store (AuthLookup.Cached says when).
// A cached credential thus never outlives a revocation or a rotation by a
// single request.
//
// Entries are keyed by the SHA-256 of the credential: the cache never
// holds a credential. It holds the integration and, when it was read with
// it, the signing secret, which deserves the care of
// arqir.IntegrationService.IntegrationSigningSecret. Failures are never
// cached: an unknown credential costs a lookup each time, as before, and a
// credential created or rotated in works at once. Safe for concurrent use.
type AuthCache struct {
	auth Authenticator
	ttl  time.Duration
	size int
	now  func() time.Time

	mu      sync.RWMutex
	entries map[credentialHash]authEntry
}

// credentialHash is the SHA-256 of a credential.
type credentialHash [sha256.Size]byte

// authEntry is one successful authentication.
type authEntry struct {
	in      *arqir.Integration // shared by every hit: never changed
	secret  []byte             // the signing secret, when signed
	signed  bool               // secret was read with the integration
	expires time.Time
}

// NewAuthCache returns a cache in front of auth.
func NewAuthCache(auth Authenticator, cfg AuthCacheConfig) *AuthCache {
	c := &AuthCache{auth: auth, ttl: cfg.TTL, size: cfg.Size, now: cfg.Now, entries: map[credentialHash]authEntry{}}
	if c.ttl == 0 {
		c.ttl = DefaultAuthCacheTTL
	}
	if c.size <= 0 {
		c.size = DefaultAuthCacheSize
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Lookup returns the Authenticator of one request. Use a new one per
// request: it remembers whether the integration it returned came from the
// cache.
func (c *AuthCache) Lookup() *AuthLookup { return &AuthLookup{cache: c} }

// Len returns the number of entries, expired ones included until replaced.
func (c *AuthCache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

// get returns the live entry of key for kind; signed asks for an entry
// that holds the signing secret.
func (c *AuthCache) get(key credentialHash, kind arqir.IntegrationKind, signed bool) (authEntry, bool) {
	if c.ttl < 0 {
		return authEntry{}, false
	}
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if ok && !c.now().Before(e.expires) {
		// Expired entries go at once: a rotated-away signing secret must
		// not stay in memory until the cache happens to fill.
		c.mu.Lock()
		if cur, still := c.entries[key]; still && !c.now().Before(cur.expires) {
			delete(c.entries, key)
		}
		c.mu.Unlock()
		return authEntry{}, false
	}
	// Another kind is not this credential's: the store answers that
	// EUNAUTHORIZED, and so it shall.
	if !ok || e.in.Kind != kind || (signed && !e.signed) {
		return authEntry{}, false
	}
	return e, true
}

// put remembers a successful authentication.
func (c *AuthCache) put(key credentialHash, e authEntry) {
	if c.ttl < 0 {
		return
	}
	e.expires = c.now().Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.size {
		now := c.now()
		for k, old := range c.entries { // expired entries first
			if !now.Before(old.expires) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries { // still full: the map's iteration starts at random
			if len(c.entries) < c.size {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[key] = e
}

// forget drops the entry of key.
func (c *AuthCache) forget(key credentialHash) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

// AuthLookup authenticates one request through an AuthCache; it is an
// ingest.SignedAuthenticator for Process. Not for concurrent use.
type AuthLookup struct {
	cache  *AuthCache
	key    credentialHash
	looked bool // key is set
	cached bool
}

var _ SignedAuthenticator = (*AuthLookup)(nil)

// Cached reports whether the integration last returned came from the
// cache: it was active with that credential up to the TTL ago, not
// necessarily now. Whoever answers the request without
// arqir.AlertService.IngestAs must then re-check it.
func (l *AuthLookup) Cached() bool { return l.cached }

// Forget drops the cache entry of the credential last authenticated: a
// re-check found that it stopped working, and the next request of that
// credential must ask the store (which refuses it) rather than be refused
// again after the work of a transaction.
func (l *AuthLookup) Forget() {
	if l.looked {
		l.cache.forget(l.key)
	}
}

// AuthenticateIntegration implements Authenticator.
func (l *AuthLookup) AuthenticateIntegration(ctx context.Context, kind arqir.IntegrationKind, credential string) (*arqir.Integration, error) {
	l.begin(credential)
	if e, ok := l.cache.get(l.key, kind, false); ok {
		l.cached = true
		return e.in, nil
	}
	in, err := l.cache.auth.AuthenticateIntegration(ctx, kind, credential)
	if err != nil {
		return nil, err
	}
	l.cache.put(l.key, authEntry{in: in})
	return in, nil
}

// AuthenticateIntegrationSigned implements SignedAuthenticator, with two
// reads when the cache's Authenticator is not a SignedAuthenticator.
func (l *AuthLookup) AuthenticateIntegrationSigned(ctx context.Context, kind arqir.IntegrationKind, credential string) (*arqir.Integration, []byte, error) {
	l.begin(credential)
	if e, ok := l.cache.get(l.key, kind, true); ok {
		l.cached = true
		return e.in, e.secret, nil
	}
	var (
		in     *arqir.Integration
		secret []byte
		err    error
	)
	if sa, ok := l.cache.auth.(SignedAuthenticator); ok {
		in, secret, err = sa.AuthenticateIntegrationSigned(ctx, kind, credential)
	} else if in, err = l.cache.auth.AuthenticateIntegration(ctx, kind, credential); err == nil {
		if secret, err = l.cache.auth.IntegrationSigningSecret(ctx, in.ID); err != nil {
			err = fmt.Errorf("signing secret of integration %d: %w", in.ID, err)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	l.cache.put(l.key, authEntry{in: in, secret: secret, signed: true})
	return in, secret, nil
}

// IntegrationSigningSecret implements Authenticator; it is not cached
// (Process needs it only for sources that read it apart, never on the path
// of AuthenticateIntegrationSigned).
func (l *AuthLookup) IntegrationSigningSecret(ctx context.Context, id int64) ([]byte, error) {
	return l.cache.auth.IntegrationSigningSecret(ctx, id)
}

// begin starts the lookup of credential.
func (l *AuthLookup) begin(credential string) {
	l.key = sha256.Sum256([]byte(credential))
	l.looked, l.cached = true, false
}
