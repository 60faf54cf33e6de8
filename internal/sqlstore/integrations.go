package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// Integration secrets. The prefixes let people and secret scanners tell an
// integration credential ("arqi_") from its signing secret ("arqs_") and
// from an API token ("arq_").
const (
	credentialPrefix    = "arqi_"
	signingSecretPrefix = "arqs_"
)

const integrationColumns = "id, name, kind, service, severity, settings, created_at, rotated_at, revoked_at"

// CreateIntegration stores an integration with a new credential (only its
// SHA-256 is kept) and a new signing secret (kept as-is, see
// docs/adr/0004-integration-credentials.md), and returns both once.
func (s *Store) CreateIntegration(ctx context.Context, n arqir.NewIntegration) (arqir.IntegrationSecrets, *arqir.Integration, error) {
	rules, err := s.currentRules()
	if err != nil {
		return arqir.IntegrationSecrets{}, nil, fmt.Errorf("create integration: %w", err)
	}
	if err := n.Validate(rules); err != nil {
		return arqir.IntegrationSecrets{}, nil, err
	}
	secrets, err := newIntegrationSecrets()
	if err != nil {
		return arqir.IntegrationSecrets{}, nil, fmt.Errorf("create integration %q: %w", n.Name, err)
	}
	settings, err := json.Marshal(nonNilMap(n.Settings))
	if err != nil {
		return arqir.IntegrationSecrets{}, nil, fmt.Errorf("create integration %q: encode settings: %w", n.Name, err)
	}
	in := &arqir.Integration{Name: n.Name, Kind: n.Kind, Service: n.Service, Severity: n.Severity, Settings: nonNilMap(n.Settings), CreatedAt: s.clock()}
	err = s.db.QueryRowContext(ctx, s.q(`INSERT INTO integrations (name, kind, service, severity, settings, hash, signing_secret, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		in.Name, string(in.Kind), in.Service, in.Severity, string(settings),
		hashSecret(secrets.Credential), secrets.SigningSecret, micros(in.CreatedAt)).Scan(&in.ID)
	if s.d.IsUniqueViolation(err) {
		return arqir.IntegrationSecrets{}, nil, arqir.FieldErrorf(arqir.ECONFLICT, "name", "an active integration is already named %q: pick another name or revoke that one first", in.Name)
	} else if err != nil {
		return arqir.IntegrationSecrets{}, nil, fmt.Errorf("create integration %q: %w", in.Name, err)
	}
	return secrets, in, nil
}

// Integration returns one integration.
func (s *Store) Integration(ctx context.Context, id int64) (*arqir.Integration, error) {
	in, err := s.loadIntegration(ctx, s.db, id)
	if err != nil {
		return nil, fmt.Errorf("read integration %d: %w", id, err)
	}
	return in, nil
}

// Integrations lists all integrations, oldest first, revoked ones included.
func (s *Store) Integrations(ctx context.Context) ([]*arqir.Integration, error) {
	out, err := queryAll(ctx, s.db, `SELECT `+integrationColumns+` FROM integrations ORDER BY id`, scanIntegration)
	if err != nil {
		return nil, fmt.Errorf("list integrations: %w", err)
	}
	return out, nil
}

// RotateIntegration replaces the credential and the signing secret in one
// statement: from its commit on, only the new ones work.
func (s *Store) RotateIntegration(ctx context.Context, id int64) (arqir.IntegrationSecrets, *arqir.Integration, error) {
	secrets, err := newIntegrationSecrets()
	if err != nil {
		return arqir.IntegrationSecrets{}, nil, fmt.Errorf("rotate integration %d: %w", id, err)
	}
	now := s.clock()
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE integrations SET hash = ?, signing_secret = ?, rotated_at = ?
		WHERE id = ? AND revoked_at IS NULL`), hashSecret(secrets.Credential), secrets.SigningSecret, micros(now), id)
	if err != nil {
		return arqir.IntegrationSecrets{}, nil, fmt.Errorf("rotate integration %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return arqir.IntegrationSecrets{}, nil, fmt.Errorf("rotate integration %d: %w", id, err)
	}
	in, err := s.loadIntegration(ctx, s.db, id)
	if err != nil {
		return arqir.IntegrationSecrets{}, nil, fmt.Errorf("rotate integration %d: %w", id, err)
	}
	if n == 0 {
		return arqir.IntegrationSecrets{}, nil, arqir.Errorf(arqir.EUNPROCESSABLE, "integration %d (%s) was revoked at %s: create a new integration instead", id, in.Name, in.RevokedAt.Format(time.RFC3339))
	}
	return secrets, in, nil
}

// RevokeIntegration stops the credential at once. Revoking a revoked
// integration keeps its first revocation time.
func (s *Store) RevokeIntegration(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE integrations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`), micros(s.clock()), id)
	if err != nil {
		return fmt.Errorf("revoke integration %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("revoke integration %d: %w", id, err)
	} else if n > 0 {
		return nil
	}
	if _, err := s.loadIntegration(ctx, s.db, id); err != nil {
		return fmt.Errorf("revoke integration %d: %w", id, err)
	}
	return nil
}

// AuthenticateIntegration returns the active integration of the kind with
// this credential. It looks the credential up by its hash, so the secret is
// never compared and needs no constant-time comparison.
func (s *Store) AuthenticateIntegration(ctx context.Context, kind arqir.IntegrationKind, credential string) (*arqir.Integration, error) {
	in, _, err := s.AuthenticateIntegrationSigned(ctx, kind, credential)
	return in, err
}

// AuthenticateIntegrationSigned is AuthenticateIntegration that returns the
// signing secret too, from the same row and the same read.
func (s *Store) AuthenticateIntegrationSigned(ctx context.Context, kind arqir.IntegrationKind, credential string) (*arqir.Integration, []byte, error) {
	if credential == "" {
		return nil, nil, arqir.Errorf(arqir.EUNAUTHORIZED, "no integration credential given: send the one shown when the integration was created")
	}
	st, err := s.read(ctx, `SELECT `+integrationColumns+`, signing_secret FROM integrations WHERE hash = ?`)
	if err != nil {
		return nil, nil, fmt.Errorf("authenticate integration: %w", err)
	}
	var secret string
	in, err := scanIntegrationAnd(st.queryRow(ctx, hashSecret(credential)), &secret)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil, arqir.Errorf(arqir.EUNAUTHORIZED, "unknown integration credential: check it was copied whole, or rotate the integration for a new one")
	case err != nil:
		return nil, nil, fmt.Errorf("authenticate integration: %w", err)
	case in.RevokedAt != nil:
		return nil, nil, arqir.Errorf(arqir.EUNAUTHORIZED, "the integration %q was revoked at %s: create a new one", in.Name, in.RevokedAt.Format(time.RFC3339))
	case in.Kind != kind:
		return nil, nil, arqir.Errorf(arqir.EUNAUTHORIZED, "the credential belongs to the %s integration %q, not a %s one: send to its %s endpoint", in.Kind, in.Name, kind, in.Kind)
	}
	return in, []byte(secret), nil
}

// IntegrationSigningSecret returns the signing secret of an active
// integration, for verifying a request's HMAC.
func (s *Store) IntegrationSigningSecret(ctx context.Context, id int64) ([]byte, error) {
	st, err := s.read(ctx, `SELECT signing_secret FROM integrations WHERE id = ? AND revoked_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("read the signing secret of integration %d: %w", id, err)
	}
	var secret string
	err = st.queryRow(ctx, id).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, inactiveIntegration(id)
	} else if err != nil {
		return nil, fmt.Errorf("read the signing secret of integration %d: %w", id, err)
	}
	return []byte(secret), nil
}

// loadIntegration reads one integration, revoked or not.
func (s *Store) loadIntegration(ctx context.Context, x querier, id int64) (*arqir.Integration, error) {
	in, err := scanIntegration(x.QueryRowContext(ctx, s.q(`SELECT `+integrationColumns+` FROM integrations WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, integrationNotFound(id)
	}
	return in, err
}

func scanIntegration(sc scanner) (*arqir.Integration, error) { return scanIntegrationAnd(sc) }

// scanIntegrationAnd scans integrationColumns, then the columns after them
// into extra (e.g. the signing secret).
func scanIntegrationAnd(sc scanner, extra ...any) (*arqir.Integration, error) {
	var (
		in               arqir.Integration
		settings         string
		created          int64
		rotated, revoked sql.NullInt64
	)
	dest := append([]any{&in.ID, &in.Name, &in.Kind, &in.Service, &in.Severity, &settings, &created, &rotated, &revoked}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	if err := jsonUnmarshal(settings, &in.Settings); err != nil {
		return nil, fmt.Errorf("decode the settings of integration %d: %w", in.ID, err)
	}
	in.CreatedAt, in.RotatedAt, in.RevokedAt = fromMicros(created), fromNullMicros(rotated), fromNullMicros(revoked)
	return &in, nil
}

// newIntegrationSecrets draws a credential and a signing secret of 32
// random bytes each.
func newIntegrationSecrets() (arqir.IntegrationSecrets, error) {
	var out arqir.IntegrationSecrets
	for _, p := range []struct {
		prefix string
		dst    *string
	}{{credentialPrefix, &out.Credential}, {signingSecretPrefix, &out.SigningSecret}} {
		raw := make([]byte, tokenBytes)
		if _, err := rand.Read(raw); err != nil {
			return arqir.IntegrationSecrets{}, fmt.Errorf("read random bytes: %w", err)
		}
		*p.dst = p.prefix + strings.ToLower(secretEncoding.EncodeToString(raw))
	}
	return out, nil
}

func integrationNotFound(id int64) error {
	return arqir.Errorf(arqir.ENOTFOUND, "there is no integration %d: list the integrations to find its ID", id)
}

// inactiveIntegration is the error for an integration that is unknown or
// revoked: to a sender both mean its alerts are not taken.
func inactiveIntegration(id int64) error {
	return arqir.Errorf(arqir.ENOTFOUND, "there is no active integration %d: it is unknown or was revoked; list the integrations, or create a new one", id)
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
