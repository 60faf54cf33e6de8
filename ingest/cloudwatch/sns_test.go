package cloudwatch_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/cloudwatch"
	"github.com/arqir/arqir/ingest/ingesttest"
)

const topic = "arn:aws:sns:eu-west-1:123456789012:arqir"

// sns plays Amazon SNS: a test RSA key with a self-signed certificate,
// served over TLS by httptest with the subscription-confirmation endpoint,
// and envelopes signed exactly as SNS signs them.
type sns struct {
	t        testing.TB
	key      *rsa.PrivateKey
	certPEM  []byte
	srv      *httptest.Server
	fetches  atomic.Int32
	confirms atomic.Int32
}

// testKey is the RSA key every test's "SNS" signs with, generated once.
var testKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

func newSNS(t testing.TB) *sns {
	t.Helper()
	key, err := testKey()
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "sns.test.amazonaws.com"},
		NotBefore:    ingesttest.Now.Add(-time.Hour),
		NotAfter:     ingesttest.Now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	s := &sns{t: t, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /SimpleNotificationService-test.pem", func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		w.Write(s.certPEM)
	})
	mux.HandleFunc("GET /confirm", func(w http.ResponseWriter, r *http.Request) {
		s.confirms.Add(1)
		if r.URL.Query().Get("Token") != "t0ken" {
			http.Error(w, "bad token", http.StatusBadRequest)
			return
		}
		w.Write([]byte(`<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>` + topic + `:1</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`))
	})
	mux.HandleFunc("GET /redirect.pem", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/SimpleNotificationService-test.pem", http.StatusFound)
	})
	s.srv = httptest.NewTLSServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// source returns a Source that trusts the test server: the allowed host is
// 127.0.0.1, explicitly, and the client trusts the server's TLS certificate.
func (s *sns) source() *cloudwatch.Source {
	return &cloudwatch.Source{AllowedHost: regexp.MustCompile(`^127\.0\.0\.1$`), Client: s.srv.Client()}
}

// envelope returns a signed envelope of typ carrying message.
func (s *sns) envelope(typ, message, version string) *cloudwatch.Envelope {
	env := &cloudwatch.Envelope{
		Type:             typ,
		MessageID:        "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
		TopicArn:         topic,
		Message:          message,
		Timestamp:        "2026-03-02T09:29:58.123Z",
		SignatureVersion: version,
		SigningCertURL:   s.srv.URL + "/SimpleNotificationService-test.pem",
	}
	switch typ {
	case cloudwatch.TypeNotification:
		subject := `ALARM: "EXAMPLE" in EU (Ireland)`
		env.Subject = &subject
		env.UnsubscribeURL = s.srv.URL + "/?Action=Unsubscribe"
	default:
		env.Token = "t0ken"
		env.SubscribeURL = s.srv.URL + "/confirm?Action=ConfirmSubscription&Token=t0ken"
	}
	s.sign(env)
	return env
}

// sign signs env as SNS does: RSA PKCS #1 v1.5 over SHA1 (version 1) or
// SHA256 (version 2) of the canonical string.
func (s *sns) sign(env *cloudwatch.Envelope) {
	s.t.Helper()
	h, sum := crypto.SHA256, sha256.Sum256([]byte(env.StringToSign()))
	digest := sum[:]
	if env.SignatureVersion == "1" {
		s1 := sha1.Sum([]byte(env.StringToSign()))
		h, digest = crypto.SHA1, s1[:]
	}
	sig, err := rsa.SignPKCS1v15(nil, s.key, h, digest)
	if err != nil {
		s.t.Fatal(err)
	}
	env.Signature = base64.StdEncoding.EncodeToString(sig)
}

// request wraps env in an HTTP request as SNS sends it.
func request(t testing.TB, env *cloudwatch.Envelope) *ingest.Request {
	t.Helper()
	body, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if env.Subject == nil {
		// SNS leaves Subject out; an explicit null would mean the same to
		// the decoder but not to a reader of this test.
		body = []byte(strings.Replace(string(body), "  \"Subject\": null,\n", "", 1))
	}
	r := ingesttest.NewRequest(string(body),
		"Content-Type", "text/plain; charset=UTF-8",
		"x-amz-sns-message-type", env.Type,
		"x-amz-sns-message-id", env.MessageID,
		"x-amz-sns-topic-arn", env.TopicArn,
		"User-Agent", "Amazon Simple Notification Service Agent")
	r.Path = "/s3cret"
	return r
}

func integration(topics string) *arqir.Integration {
	return ingesttest.Integration(arqir.KindCloudWatch, "topic_arns", topics)
}

func sample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
