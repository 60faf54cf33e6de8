package apitest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/arqir/arqir"
)

// CreateToken implements arqir.TokenService.
func (s *Store) CreateToken(_ context.Context, name string, role arqir.Role) (string, *arqir.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return "", nil, s.Fail
	}
	if strings.TrimSpace(name) == "" {
		return "", nil, arqir.FieldErrorf(arqir.EINVALID, "name", "name is required")
	} else if _, err := arqir.ParseRole(string(role)); err != nil {
		return "", nil, err
	}
	for _, t := range s.tokens {
		if t.token.Name == name && t.token.RevokedAt == nil {
			return "", nil, arqir.FieldErrorf(arqir.ECONFLICT, "name", "an active token is already named %q: pick another name or revoke it", name)
		}
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	st := &storedToken{secret: "arq_" + hex.EncodeToString(b), token: arqir.Token{
		ID: int64(len(s.tokens) + 1), Name: name, Role: role, CreatedAt: s.now,
	}}
	s.tokens = append(s.tokens, st)
	t := st.token
	return st.secret, &t, nil
}

// Authenticate implements arqir.TokenService.
func (s *Store) Authenticate(_ context.Context, secret string) (*arqir.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	for _, t := range s.tokens {
		if t.secret == secret && t.token.RevokedAt == nil {
			now := s.now
			t.token.LastUsedAt = &now
			tok := t.token
			return &tok, nil
		}
	}
	return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "the token is unknown or revoked: create one with arqir token create")
}

// Tokens implements arqir.TokenService.
func (s *Store) Tokens(context.Context) ([]*arqir.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	out := make([]*arqir.Token, len(s.tokens))
	for i, t := range s.tokens {
		tok := t.token
		out[i] = &tok
	}
	return out, nil
}

// RevokeToken implements arqir.TokenService.
func (s *Store) RevokeToken(_ context.Context, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return s.Fail
	}
	for _, t := range s.tokens {
		if t.token.ID == id {
			if t.token.RevokedAt == nil {
				now := s.now
				t.token.RevokedAt = &now
			}
			return nil
		}
	}
	return arqir.Errorf(arqir.ENOTFOUND, "no token has ID %d: see the token list", id)
}

// CountTokens implements arqir.TokenService.
func (s *Store) CountTokens(context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokens), nil
}

// ApplyPolicy implements arqir.PolicyStore.
func (s *Store) ApplyPolicy(_ context.Context, version, hash string, source []byte, by string) (*arqir.PolicyRecord, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, false, s.Fail
	}
	if n := len(s.policies); n > 0 && s.policies[n-1].Hash == hash {
		r := *s.policies[n-1]
		return &r, false, nil
	}
	rec := &arqir.PolicyRecord{Revision: len(s.policies) + 1, Version: version, Hash: hash, Source: source, AppliedAt: s.now, AppliedBy: by}
	s.policies = append(s.policies, rec)
	r := *rec
	return &r, true, nil
}

// ActivePolicy implements arqir.PolicyStore.
func (s *Store) ActivePolicy(context.Context) (*arqir.PolicyRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.policies) == 0 {
		return nil, arqir.Errorf(arqir.ENOTFOUND, "no policy was applied")
	}
	r := *s.policies[len(s.policies)-1]
	return &r, nil
}

// PolicyHistory implements arqir.PolicyStore.
func (s *Store) PolicyHistory(context.Context) ([]*arqir.PolicyRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	out := []*arqir.PolicyRecord{}
	for i := len(s.policies) - 1; i >= 0; i-- {
		r := *s.policies[i]
		r.Source = nil
		out = append(out, &r)
	}
	return out, nil
}
