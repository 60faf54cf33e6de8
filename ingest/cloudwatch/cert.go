package cloudwatch

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// AWSHost matches the hosts SNS serves signing certificates and
// subscription URLs from (the pattern of AWS's own message validators).
var AWSHost = regexp.MustCompile(`^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`)

// maxCertBytes bounds a fetched certificate; SNS's PEM files are ~2 KiB.
const maxCertBytes = 64 << 10

// maxCachedCerts bounds the cache; SNS rotates certificates rarely and
// regions are few, so more than this means someone is probing.
const maxCachedCerts = 64

// checkAWSURL refuses a URL that is not https on an allowed host. It runs
// before anything is fetched.
func (s *Source) checkAWSURL(field, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	allowed := s.AllowedHost
	if allowed == nil {
		allowed = AWSHost
	}
	if err != nil || u.Scheme != "https" || u.User != nil || !allowed.MatchString(u.Hostname()) {
		return nil, arqir.FieldErrorf(arqir.EUNAUTHORIZED, field, "%s %q is not an https URL on an Amazon SNS host: the message is not from SNS", field, ingest.Truncate(raw, 128))
	}
	return u, nil
}

// certificate returns the parsed certificate at raw, from the cache or
// fetched.
func (s *Source) certificate(ctx context.Context, raw string) (*x509.Certificate, error) {
	s.mu.Lock()
	cert, ok := s.certs[raw]
	s.mu.Unlock()
	if ok {
		return cert, nil
	}
	fetch := s.Fetch
	if fetch == nil {
		fetch = s.get
	}
	data, err := fetch(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("fetch SNS signing certificate %s: %w", raw, err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, arqir.FieldErrorf(arqir.EUNAUTHORIZED, "SigningCertURL", "SigningCertURL does not serve a PEM certificate")
	}
	cert, err = x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, arqir.FieldErrorf(arqir.EUNAUTHORIZED, "SigningCertURL", "SigningCertURL serves an unreadable certificate")
	}
	s.mu.Lock()
	if s.certs == nil || len(s.certs) >= maxCachedCerts {
		s.certs = map[string]*x509.Certificate{}
	}
	s.certs[raw] = cert
	s.mu.Unlock()
	return cert, nil
}

// get is the default fetcher: a GET that follows no redirect (a redirect
// could lead off the checked host) and reads at most maxCertBytes.
func (s *Source) get(ctx context.Context, raw string) ([]byte, error) {
	resp, err := s.do(ctx, raw)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxCertBytes))
}

// do GETs raw with the Source's client, never following redirects.
func (s *Source) do(ctx context.Context, raw string) (*http.Response, error) {
	base := s.Client
	if base == nil {
		base = &http.Client{Timeout: 10 * time.Second}
	}
	client := *base
	client.CheckRedirect = func(*http.Request, []*http.Request) error {
		return errors.New("SNS URLs must not redirect")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, err
	}
	return client.Do(req)
}
