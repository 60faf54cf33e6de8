package e2e

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/cloudwatch"
)

const topicARN = "arn:aws:sns:eu-west-1:123456789012:arqir"

// fakeSNS is the part of Amazon SNS arqir talks to: an HTTPS server that
// serves the signing certificate and the SubscribeURL, and a key that
// signs messages as SNS does.
type fakeSNS struct {
	*httptest.Server
	key        *rsa.PrivateKey
	certFetch  atomic.Int32
	confirms   atomic.Int32
	confirmErr atomic.Bool
}

func newFakeSNS(t *testing.T) *fakeSNS {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sns.eu-west-1.amazonaws.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	s := &fakeSNS{key: key}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/SimpleNotificationService.pem":
			s.certFetch.Add(1)
			_, _ = w.Write(certPEM)
		case "/confirm":
			s.confirms.Add(1)
			if s.confirmErr.Load() {
				http.Error(w, "throttled", http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte("<ConfirmSubscriptionResponse/>"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// source is a CloudWatch source that trusts this fake SNS's host and TLS
// certificate, as the real one trusts *.amazonaws.com.
func (s *fakeSNS) source() ingest.Source {
	return &cloudwatch.Source{AllowedHost: regexp.MustCompile(`^127\.0\.0\.1$`), Client: s.Client()}
}

// message builds a signed SNS envelope of type typ. An empty Subject is
// left out. The string to sign follows AWS's documentation.
func (s *fakeSNS) message(t *testing.T, typ, id, topic, message string) string {
	t.Helper()
	env := map[string]string{
		"Type": typ, "MessageId": id, "TopicArn": topic, "Message": message,
		"Timestamp": "2026-11-30T08:00:00.000Z", "SignatureVersion": "2",
		"SigningCertURL": s.URL + "/SimpleNotificationService.pem",
	}
	var keys []string
	if typ == "Notification" {
		env["Subject"] = "ALARM: \"checkout-5xx\" in EU (Ireland)"
		env["UnsubscribeURL"] = s.URL + "/unsubscribe"
		keys = []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	} else {
		env["Token"] = "2336412f37fb687f5d51e6e2425c464de"
		env["SubscribeURL"] = s.URL + "/confirm"
		keys = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	}
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "\n" + env[k] + "\n")
	}
	sum := sha256.Sum256([]byte(b.String()))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	env["Signature"] = base64.StdEncoding.EncodeToString(sig)
	out, _ := json.Marshal(env)
	return string(out)
}

// post sends an SNS message as SNS does: text/plain, the type in a header.
func (s *fakeSNS) post(h *harness, path, typ, body string) answer {
	h.t.Helper()
	return h.send("POST", path, body, "Content-Type", "text/plain; charset=UTF-8", "x-amz-sns-message-type", typ)
}

// cloudwatchIntegration creates a CloudWatch integration at SEV2 for the
// topic and returns it with the path of its endpoint (which holds the
// credential).
func cloudwatchIntegration(h *harness) (*client.CreatedIntegration, string) {
	h.t.Helper()
	c, err := h.Admin.CreateIntegration(context.Background(), client.NewIntegration{
		Name: "aws-prod", Kind: "cloudwatch", Service: "checkout", Severity: "SEV2",
		Settings: map[string]string{arqir.SettingTopicARNs: topicARN},
	})
	if err != nil {
		h.t.Fatal(err)
	}
	path, ok := strings.CutPrefix(c.Endpoint.URL, h.App.URL())
	if !ok || path != "/ingest/cloudwatch/"+c.Credential {
		h.t.Fatalf("endpoint %q, want %s/ingest/cloudwatch/<credential>", c.Endpoint.URL, h.App.URL())
	}
	return c, path
}

// T5: a CloudWatch alarm reaches arqir through an SNS HTTPS subscription:
// arqir confirms the subscription, verifies every message's signature with
// SNS's certificate, and the alarm of AWS's sample payload opens an
// incident at the integration's severity; SNS's retry of the same message
// changes nothing; the alarm's return to OK resolves the alert.
func TestT5_CloudWatchSNSAlarmOpensIncident(t *testing.T) {
	sns := newFakeSNS(t)
	h := newHarness(t, func(c *app.Config) { c.IngestSources = []ingest.Source{sns.source()} })
	cw, path := cloudwatchIntegration(h)

	confirm := sns.message(t, "SubscriptionConfirmation", "165545c9-2a5c-472c-8df2-7ff2be2b3b1b", topicARN, "You have chosen to subscribe to the topic "+topicARN+".")
	sns.post(h, path, "SubscriptionConfirmation", confirm).want(t, 200, "subscription confirmed")
	if n := sns.confirms.Load(); n != 1 {
		t.Fatalf("SubscribeURL visited %d times, want 1", n)
	}

	alarm := fixture(t, "cloudwatch", "alarm-single-metric.json")
	note := sns.message(t, "Notification", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", topicARN, alarm)
	sns.post(h, path, "Notification", note).want(t, 200, `"status":"accepted"`)
	inc := h.only()
	wantOpened(t, inc, cw, "SEV2", "checkout")
	if want := time.Date(2015, 6, 3, 17, 43, 27, 123e6, time.UTC); !inc.ImpactStartedAt.Equal(want) {
		t.Errorf("impact started %s, want the alarm's StateChangeTime %s", inc.ImpactStartedAt, want)
	}
	a := h.alerts(alertsAll)
	if len(a) != 1 || a[0].Labels["alarm_name"] != "EXAMPLE" || a[0].Labels["cloudwatch_state"] != "ALARM" || a[0].DedupKey != "arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE" {
		t.Fatalf("alerts %+v", a)
	}

	before := h.dump()
	sns.post(h, path, "Notification", note).want(t, 200, `"replayed":true`)
	h.unchanged(before)

	ok := replace(t, alarm, `"NewStateValue": "ALARM"`, `"NewStateValue": "OK"`)
	sns.post(h, path, "Notification", sns.message(t, "Notification", "a7a3e6c2-1b9f-4b53-9a4c-3f0e0f6a1d11", topicARN, ok)).want(t, 200)
	if a := h.alerts(alertsAll); len(a) != 1 || a[0].Status != arqir.AlertResolved {
		t.Fatalf("alerts %+v, want the alarm resolved", a)
	}
	if n := sns.certFetch.Load(); n != 1 {
		t.Errorf("certificate fetched %d times, want once (cached)", n)
	}
}

// T5: what is not provably from SNS, or from a topic the integration does
// not accept, is refused and stores nothing: a certificate URL on a foreign
// host (never fetched), a signature that does not match, an unknown
// signature version, a topic outside topic_arns (403), a message replayed
// outside its time window. A failed
// subscription confirmation answers 500, so that SNS retries.
func TestT5_CloudWatchSNSRefusals(t *testing.T) {
	sns := newFakeSNS(t)
	h := newHarness(t, func(c *app.Config) { c.IngestSources = []ingest.Source{sns.source()} })
	_, path := cloudwatchIntegration(h)
	alarm := fixture(t, "cloudwatch", "alarm-single-metric.json")
	good := sns.message(t, "Notification", "m-1", topicARN, alarm)
	before := h.dump()

	foreign := replace(t, good, sns.URL, "https://sns.eu-west-1.amazonaws.com.evil.example")
	sns.post(h, path, "Notification", foreign).want(t, 401, "not an https URL on an Amazon SNS host")
	altered := replace(t, good, `\"AlarmName\": \"EXAMPLE\"`, `\"AlarmName\": \"EXAMPLE2\"`)
	sns.post(h, path, "Notification", altered).want(t, 401, "signature does not match")
	sns.post(h, path, "Notification", replace(t, good, `"SignatureVersion":"2"`, `"SignatureVersion":"3"`)).want(t, 401, "SignatureVersion")
	other := sns.message(t, "Notification", "m-2", "arn:aws:sns:eu-west-1:999999999999:someone-else", alarm)
	sns.post(h, path, "Notification", other).want(t, 403, "not in this integration's topic_arns")
	sns.post(h, "/ingest/cloudwatch/arqi_notmine", "Notification", good).want(t, 401)
	sns.post(h, path, "SubscriptionConfirmation", good).want(t, 400, "differ")

	sns.confirmErr.Store(true)
	sns.post(h, path, "SubscriptionConfirmation", sns.message(t, "SubscriptionConfirmation", "c-1", topicARN, "subscribe")).want(t, 500)
	if n := sns.confirms.Load(); n != 1 {
		t.Errorf("SubscribeURL visited %d times, want 1", n)
	}
	// A genuine message captured and sent again over an hour after SNS
	// published it: SNS itself never retries that long.
	h.Clock.Advance(cloudwatch.MaxMessageAge + time.Second)
	sns.post(h, path, "Notification", good).want(t, 401, "refused as a replay")
	h.unchanged(before)
	if n := sns.certFetch.Load(); n != 1 {
		t.Errorf("certificate fetched %d times, want once: never from a foreign host", n)
	}
}

// T5: the production host check refuses a certificate URL that is not on
// an Amazon SNS host before fetching anything, even a reachable one.
func TestT5_CloudWatchProductionHostCheck(t *testing.T) {
	sns := newFakeSNS(t)
	h := newHarness(t)
	_, path := cloudwatchIntegration(h)
	before := h.dump()
	sns.post(h, path, "Notification", sns.message(t, "Notification", "m-1", topicARN, fixture(t, "cloudwatch", "alarm-single-metric.json"))).want(t, 401, "Amazon SNS host")
	h.unchanged(before)
	if n := sns.certFetch.Load(); n != 0 {
		t.Errorf("certificate fetched %d times from a foreign host", n)
	}
}
