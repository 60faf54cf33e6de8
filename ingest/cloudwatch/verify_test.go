package cloudwatch_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest/cloudwatch"
	"github.com/arqir/arqir/ingest/ingesttest"
)

// TestStringToSignMatchesAWSExamples rebuilds the two example strings to
// sign of AWS's "Verifying the signatures of Amazon SNS messages".
func TestStringToSignMatchesAWSExamples(t *testing.T) {
	subject := "My subject"
	notification := cloudwatch.Envelope{
		Type: "Notification", Message: "My Test Message", MessageID: "4d4dc071-ddbf-465d-bba8-08f81c89da64", Subject: &subject,
		Timestamp: "2012-06-05T04:37:04.321Z", TopicArn: "arn:aws:sns:us-east-2:123456789012:s4-MySNSTopic-1G1WEFCOXTC0P",
		SigningCertURL: "https://sns.us-east-2.amazonaws.com/x.pem", UnsubscribeURL: "https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe",
	}
	want := "Message\nMy Test Message\nMessageId\n4d4dc071-ddbf-465d-bba8-08f81c89da64\nSubject\nMy subject\nTimestamp\n2012-06-05T04:37:04.321Z\nTopicArn\narn:aws:sns:us-east-2:123456789012:s4-MySNSTopic-1G1WEFCOXTC0P\nType\nNotification\n"
	if got := notification.StringToSign(); got != want {
		t.Errorf("notification:\n got %q\nwant %q", got, want)
	}
	notification.Subject = nil
	if got := notification.StringToSign(); strings.Contains(got, "Subject") {
		t.Errorf("absent Subject is signed: %q", got)
	}
	empty := ""
	notification.Subject = &empty
	if got := notification.StringToSign(); !strings.Contains(got, "Subject\n\n") {
		t.Errorf("empty Subject is not signed: %q", got)
	}

	const token = "2336412f37fb687f5d51e6e241d09c8058323f60b964268bfe08ce35640228c208a66d3621bd9f7b012918cfdcfe65e153df551f76df58ed147f1245e330ce77ceff06dedab9f051f7028657e6c42750bf64bc9ef711d494e9f7637b86e690779eb5568f72466806b246bd244fa9392b1bc01eeb1c5e420847a745b7aa4b0085"
	const topicArn = "arn:aws:sns:us-west-2:123456789012:s4-MySNSTopic-1G1WEFCOXTC0P"
	const subscribeURL = "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + topicArn + "&Token=" + token
	confirmation := cloudwatch.Envelope{
		Type: "SubscriptionConfirmation", Message: "My Test Message", MessageID: "3d891288-136d-417f-bc05-901c108273ee",
		SubscribeURL: subscribeURL, Timestamp: "2012-06-03T19:25:13.719Z", Token: token, TopicArn: topicArn,
	}
	want = "Message\nMy Test Message\nMessageId\n3d891288-136d-417f-bc05-901c108273ee\nSubscribeURL\n" + subscribeURL + "\nTimestamp\n2012-06-03T19:25:13.719Z\nToken\n" + token + "\nTopicArn\n" + topicArn + "\nType\nSubscriptionConfirmation\n"
	if got := confirmation.StringToSign(); got != want {
		t.Errorf("subscription confirmation:\n got %q\nwant %q", got, want)
	}
}

// TestVerifySignedMessages signs envelopes with a test key, v1 and v2, for
// every message type, and verifies them.
func TestVerifySignedMessages(t *testing.T) {
	s := newSNS(t)
	src := s.source()
	for _, version := range []string{"1", "2"} {
		for _, typ := range []string{cloudwatch.TypeNotification, cloudwatch.TypeSubscriptionConfirmation, cloudwatch.TypeUnsubscribeConfirmation} {
			t.Run(typ+" v"+version, func(t *testing.T) {
				env := s.envelope(typ, sample(t, "alarm-single-metric.json"), version)
				if err := src.Verify(context.Background(), request(t, env), integration(topic), nil); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
	env := s.envelope(cloudwatch.TypeNotification, "no subject", "2")
	env.Subject = nil
	s.sign(env)
	if err := src.Verify(context.Background(), request(t, env), integration(topic), nil); err != nil {
		t.Fatalf("notification without Subject: %v", err)
	}
	if n := s.fetches.Load(); n != 1 {
		t.Errorf("certificate fetched %d times, want once (cached)", n)
	}
}

// TestVerifyRefuses covers tampering, foreign certificate hosts (refused
// before any fetch), and the topic allow-list.
func TestVerifyRefuses(t *testing.T) {
	s := newSNS(t)
	message := sample(t, "alarm-single-metric.json")
	tests := []struct {
		name      string
		change    func(*cloudwatch.Envelope)
		resign    bool
		topics    string
		code      string
		fragments []string
	}{
		{"tampered message", func(e *cloudwatch.Envelope) { e.Message = strings.Replace(e.Message, `"ALARM"`, `"OK"`, 1) }, false, topic, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"tampered subject", func(e *cloudwatch.Envelope) { x := "OK"; e.Subject = &x }, false, topic, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"subject removed", func(e *cloudwatch.Envelope) { e.Subject = nil }, false, topic, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"v1 signature claimed as v2", func(e *cloudwatch.Envelope) { e.SignatureVersion = "2" }, false, topic, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"unknown signature version", func(e *cloudwatch.Envelope) { e.SignatureVersion = "3" }, true, topic, arqir.EUNAUTHORIZED, []string{"SignatureVersion"}},
		{"signature not base64", func(e *cloudwatch.Envelope) { e.Signature = "%%%" }, false, topic, arqir.EUNAUTHORIZED, []string{"base64"}},
		{"no signature", func(e *cloudwatch.Envelope) { e.Signature = "" }, false, topic, arqir.EUNAUTHORIZED, []string{"missing"}},
		{"foreign certificate host", func(e *cloudwatch.Envelope) {
			e.SigningCertURL = "https://evil.example.com/SimpleNotificationService-x.pem"
		}, true, topic, arqir.EUNAUTHORIZED, []string{"not an https URL on an Amazon SNS host"}},
		{"look-alike host", func(e *cloudwatch.Envelope) {
			e.SigningCertURL = "https://sns.us-east-1.amazonaws.com.evil.example.com/x.pem"
		}, true, topic, arqir.EUNAUTHORIZED, []string{"Amazon SNS host"}},
		{"http certificate URL", func(e *cloudwatch.Envelope) {
			e.SigningCertURL = strings.Replace(e.SigningCertURL, "https:", "http:", 1)
		}, true, topic, arqir.EUNAUTHORIZED, []string{"https"}},
		{"user info in certificate URL", func(e *cloudwatch.Envelope) {
			e.SigningCertURL = strings.Replace(e.SigningCertURL, "https://", "https://user@", 1)
		}, true, topic, arqir.EUNAUTHORIZED, []string{"Amazon SNS host"}},
		{"redirecting certificate URL", func(e *cloudwatch.Envelope) {
			e.SigningCertURL = strings.Replace(e.SigningCertURL, "SimpleNotificationService-test.pem", "redirect.pem", 1)
		}, true, topic, arqir.EINTERNAL, nil},
		{"topic not allowed", nil, false, "arn:aws:sns:eu-west-1:123456789012:other", arqir.EFORBIDDEN, []string{"not in this integration's topic_arns"}},
		{"no allow-list", nil, false, "", arqir.EFORBIDDEN, []string{"set its topic_arns", topic}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := s.envelope(cloudwatch.TypeNotification, message, "1")
			if tc.change != nil {
				tc.change(env)
			}
			if tc.resign {
				s.sign(env)
			}
			src := s.source()
			err := src.Verify(context.Background(), request(t, env), integration(tc.topics), nil)
			if tc.code == arqir.EINTERNAL {
				if err == nil || arqir.ErrorCode(err) != arqir.EINTERNAL {
					t.Fatalf("got %v, want an internal error", err)
				}
				return
			}
			ingesttest.AssertError(t, err, tc.code, tc.fragments...)
		})
	}
}

// TestVerifyRefusesReplays: Timestamp is signed, and a genuine message
// older than an hour (SNS's longest retry) or dated over 5 minutes ahead is
// refused as a replay, whatever its type.
func TestVerifyRefusesReplays(t *testing.T) {
	s := newSNS(t)
	src := s.source()
	at := func(d time.Duration) string { return ingesttest.Now.Add(d).Format("2006-01-02T15:04:05.000Z") }
	tests := []struct {
		timestamp string
		fragments []string // none: accepted
	}{
		{at(-cloudwatch.MaxMessageAge + time.Second), nil},
		{at(cloudwatch.MaxClockSkew - time.Second), nil},
		{at(-cloudwatch.MaxMessageAge - time.Second), []string{"replay", "1h0m1s before"}},
		{at(-30 * 24 * time.Hour), []string{"replay"}},
		{at(cloudwatch.MaxClockSkew + time.Second), []string{"ahead of arqir's clock"}},
		{"yesterday", []string{"not an RFC 3339 time"}},
	}
	for _, typ := range []string{cloudwatch.TypeNotification, cloudwatch.TypeSubscriptionConfirmation} {
		for _, tc := range tests {
			env := s.envelope(typ, sample(t, "alarm-single-metric.json"), "2")
			env.Timestamp = tc.timestamp
			s.sign(env)
			err := src.Verify(context.Background(), request(t, env), integration(topic), nil)
			if tc.fragments == nil {
				if err != nil {
					t.Errorf("%s at %s: %v", typ, tc.timestamp, err)
				}
				continue
			}
			ingesttest.AssertError(t, err, arqir.EUNAUTHORIZED, tc.fragments...)
			if arqir.ErrorField(err) != "Timestamp" {
				t.Errorf("%s at %s: field %q", typ, tc.timestamp, arqir.ErrorField(err))
			}
		}
	}
}

// TestForeignHostIsRefusedBeforeFetching: the host check runs first, with
// the production pattern, so a forger cannot make arqir fetch anything.
func TestForeignHostIsRefusedBeforeFetching(t *testing.T) {
	fetched := false
	src := &cloudwatch.Source{Fetch: func(context.Context, string) ([]byte, error) {
		fetched = true
		return nil, errors.New("must not be called")
	}}
	s := newSNS(t)
	for _, u := range []string{
		"https://evil.example.com/x.pem",
		"https://sns.us-east-1.amazonaws.com.evil.example.com/x.pem",
		"https://127.0.0.1/x.pem",
		"http://sns.us-east-1.amazonaws.com/x.pem",
		"https://sns.us-east-1.amazonaws.com@evil.example.com/x.pem",
		"https://xsns.us-east-1.amazonaws.com/x.pem",
		"//sns.us-east-1.amazonaws.com/x.pem",
	} {
		env := s.envelope(cloudwatch.TypeNotification, "m", "1")
		env.SigningCertURL = u
		err := src.Verify(context.Background(), request(t, env), integration(topic), nil)
		ingesttest.AssertError(t, err, arqir.EUNAUTHORIZED, "Amazon SNS host")
	}
	if fetched {
		t.Fatal("a foreign certificate URL was fetched")
	}
	for _, host := range []string{"sns.us-east-1.amazonaws.com", "sns.cn-north-1.amazonaws.com.cn", "sns.us-gov-west-1.amazonaws.com"} {
		if !cloudwatch.AWSHost.MatchString(host) {
			t.Errorf("AWS host %s refused", host)
		}
	}
}

// TestProcessVerifiesBeforeParsing: through ingest.Process, a tampered
// message is refused, so a handler cannot forget verification.
func TestProcessVerifiesBeforeParsing(t *testing.T) {
	s := newSNS(t)
	env := s.envelope(cloudwatch.TypeNotification, sample(t, "alarm-single-metric.json"), "2")
	auth := authenticator(map[string]*arqir.Integration{"s3cret": integration(topic)})
	if _, p, err := process(s.source(), request(t, env), auth); err != nil || len(p.Events) != 1 {
		t.Fatalf("genuine message: %v", err)
	}
	env.Message = strings.Replace(env.Message, "NetworkOut", "NetworkIn", 1)
	_, _, err := process(s.source(), request(t, env), auth)
	ingesttest.AssertError(t, err, arqir.EUNAUTHORIZED, "signature does not match")
}

func TestEnvelopeIsJSONOfAWSNames(t *testing.T) {
	var env cloudwatch.Envelope
	if err := json.Unmarshal([]byte(sample(t, "notification.json")), &env); err != nil {
		t.Fatal(err)
	}
	if env.MessageID != "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324" || env.Subject == nil || *env.Subject != "My First Message" || env.SigningCertURL == "" || env.UnsubscribeURL == "" {
		t.Errorf("decoded %+v", env)
	}
}
