package cloudwatch

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// Source receives CloudWatch alarms through SNS. Its zero value uses
// production defaults; tests set the fields.
type Source struct {
	// AllowedHost matches the host of SigningCertURL and SubscribeURL.
	// nil means AWSHost. Tests allow their local server explicitly.
	AllowedHost *regexp.Regexp
	// Fetch returns the PEM at a certificate URL that passed the host
	// check. nil means an HTTPS GET with Client.
	Fetch func(ctx context.Context, url string) ([]byte, error)
	// Client makes the default Fetch's and Confirm's requests. nil means a
	// client with a 10-second timeout. Redirects are never followed.
	Client *http.Client

	mu    sync.Mutex
	certs map[string]*x509.Certificate // by URL
}

var (
	_ ingest.Source          = (*Source)(nil)
	_ ingest.KeylessVerifier = (*Source)(nil)
)

// New returns a Source with production defaults.
func New() *Source { return &Source{} }

// Kind implements ingest.Source.
func (*Source) Kind() arqir.IntegrationKind { return arqir.KindCloudWatch }

// Credential implements ingest.Source: SNS sends no custom headers, so the
// credential is the basic-auth password from the subscription URL or the
// path token of /ingest/cloudwatch/{credential}.
func (*Source) Credential(r *ingest.Request) (string, error) {
	if pass, ok := ingest.BasicPassword(r); ok {
		return pass, nil
	}
	if tok, ok := ingest.PathToken(r); ok {
		return tok, nil
	}
	return "", arqir.Errorf(arqir.EUNAUTHORIZED, "no credential: subscribe https://<arqir>/ingest/cloudwatch/<credential> to the SNS topic (or https://sns:<credential>@<arqir>/ingest/cloudwatch)")
}

// Parse implements ingest.Source. It expects Verify to have run (ingest.Process
// does that): it reads, it does not authenticate.
func (s *Source) Parse(r *ingest.Request, in *arqir.Integration) (*ingest.Parsed, error) {
	if err := ingest.CheckMethod(r); err != nil {
		return nil, err
	}
	env, err := decodeEnvelope(r)
	if err != nil {
		return nil, err
	}
	key := ingest.IDKey(arqir.KindCloudWatch, env.MessageID)
	switch env.Type {
	case TypeSubscriptionConfirmation:
		u, err := s.checkAWSURL("SubscribeURL", env.SubscribeURL)
		if err != nil {
			return nil, err
		}
		confirmURL := u.String()
		topic := env.TopicArn
		return &ingest.Parsed{
			RequestKey: key,
			Control: &ingest.Control{Action: "confirm_subscription", URL: confirmURL, Confirm: func(ctx context.Context) error {
				return s.confirm(ctx, confirmURL)
			}},
			Reply: func(*arqir.IngestResult) (int, any) {
				return http.StatusOK, map[string]string{"status": "subscription confirmed", "topic_arn": topic}
			},
		}, nil
	case TypeUnsubscribeConfirmation:
		topic := env.TopicArn
		return &ingest.Parsed{RequestKey: key, Reply: func(*arqir.IngestResult) (int, any) {
			return http.StatusOK, map[string]string{"status": "unsubscribed", "topic_arn": topic}
		}}, nil
	}
	ev, err := alarmEvent(env)
	if err != nil {
		return nil, err
	}
	if err := ingest.Normalize(&ev); err != nil {
		return nil, err
	}
	return &ingest.Parsed{Events: []arqir.AlertEvent{ev}, RequestKey: key, Reply: ingest.DefaultReply}, nil
}

// confirm GETs the SubscribeURL, which is how SNS subscriptions are
// confirmed.
func (s *Source) confirm(ctx context.Context, rawURL string) error {
	resp, err := s.do(ctx, rawURL)
	if err != nil {
		return fmt.Errorf("confirm SNS subscription: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("confirm SNS subscription: status %s", resp.Status)
	}
	return nil
}
