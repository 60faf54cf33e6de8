package ingest

import (
	"context"
	"fmt"

	"github.com/arqir/arqir"
)

// Process runs the parser side of one ingest request in the one safe order:
// find the credential, authenticate it, verify the signature (sources with
// a Verifier), then parse. Nothing is parsed for an unauthenticated sender,
// and a signature is checked over the raw body before the body is trusted.
//
// The signing secret given to a Verifier is the integration's own signing
// secret (IntegrationService.IntegrationSigningSecret), distinct from the
// credential the sender presents: a leaked credential alone cannot make a
// valid signature. That protects only integrations that require one
// (arqir.Integration.SignatureRequired: generic by default, grafana once
// signing is configured). For the others, and for every kind without a
// signature scheme (Alertmanager, PagerDuty, Opsgenie, Datadog), the
// credential is all a sender needs, and a leaked one is stopped by
// rotating or revoking the integration.
//
// Returns the errors of Source.Credential, Authenticator, Verifier.Verify and
// Source.Parse unchanged (a failed signing-secret lookup is internal: the
// integration was just authenticated).
func Process(ctx context.Context, src Source, r *Request, auth Authenticator) (*arqir.Integration, *Parsed, error) {
	cred, err := src.Credential(r)
	if err != nil {
		return nil, nil, err
	}
	v, verifies := src.(Verifier)
	_, keyless := src.(KeylessVerifier)
	var (
		in     *arqir.Integration
		secret []byte
		signed bool // secret holds the signing secret, read with the integration
	)
	if sa, ok := auth.(SignedAuthenticator); ok && verifies && !keyless {
		in, secret, err = sa.AuthenticateIntegrationSigned(ctx, src.Kind(), cred)
		signed = true
	} else {
		in, err = auth.AuthenticateIntegration(ctx, src.Kind(), cred)
	}
	if err != nil {
		return nil, nil, err
	}
	if in.Kind != src.Kind() {
		// An authenticator that ignores the kind would let a credential of
		// one source speak another source's protocol.
		return nil, nil, fmt.Errorf("authenticate %s integration: got an integration of kind %q", src.Kind(), in.Kind)
	}
	if verifies {
		if !keyless && !signed {
			if secret, err = auth.IntegrationSigningSecret(ctx, in.ID); err != nil {
				return nil, nil, fmt.Errorf("signing secret of integration %d: %w", in.ID, err)
			}
		}
		if err := v.Verify(ctx, r, in, secret); err != nil {
			return nil, nil, err
		}
	}
	p, err := src.Parse(r, in)
	if err != nil {
		return nil, nil, err
	}
	return in, p, nil
}
