package cloudwatch_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/cloudwatch"
	"github.com/arqir/arqir/ingest/ingesttest"
)

func authenticator(m map[string]*arqir.Integration) ingest.Authenticator {
	return ingesttest.Authenticator{Integrations: m}
}

func process(src ingest.Source, r *ingest.Request, auth ingest.Authenticator) (*arqir.Integration, *ingest.Parsed, error) {
	return ingest.Process(context.Background(), src, r, auth)
}

// TestParseAlarms parses the documented alarm messages, in signed
// envelopes, into the expected events.
func TestParseAlarms(t *testing.T) {
	s := newSNS(t)
	subject := `ALARM: "EXAMPLE" in EU (Ireland)`
	reason := "Threshold Crossed: 1 out of the last 1 datapoints [1234.0 (06/03/15 17:43:27)] was greater than the threshold (0.0) (minimum 1 datapoint for OK -> ALARM transition)."
	started := time.Date(2015, 6, 3, 17, 43, 27, 123e6, time.UTC)
	checkout := func(state string, status arqir.AlertStatus, reason, old string, at time.Time) arqir.AlertEvent {
		ev := arqir.AlertEvent{
			DedupKey: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-5xx",
			Status:   status,
			Summary:  "checkout-5xx",
			Labels: map[string]string{
				"alarm_name": "checkout-5xx", "cloudwatch_state": state, "aws_account_id": "123456789012", "aws_region": "eu-west-1",
				"namespace": "AWS/ApplicationELB", "metric_name": "HTTPCode_Target_5XX_Count", "LoadBalancer": "app/checkout/50dc6c495c0c9188",
			},
			Annotations: map[string]string{
				"reason": reason, "old_state": old, "region_name": "EU (Ireland)", "subject": subject,
				"condition": "SUM HTTPCode_Target_5XX_Count GreaterThanThreshold 5.0 for 1 period(s) of 300s", "treat_missing_data": "notBreaching",
			},
			Links: []string{"https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/checkout-5xx"},
		}
		if status == arqir.AlertResolved {
			ev.EndsAt = at
		} else {
			ev.StartsAt = at
		}
		return ev
	}
	tests := []struct {
		file string
		want arqir.AlertEvent
	}{
		{"alarm-single-metric.json", arqir.AlertEvent{
			DedupKey: "arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE",
			Status:   arqir.AlertFiring,
			Summary:  "EXAMPLE: EXAMPLE",
			Labels: map[string]string{
				"alarm_name": "EXAMPLE", "cloudwatch_state": "ALARM", "aws_account_id": "123456789012", "aws_region": "REGION",
				"namespace": "AWS/EC2", "metric_name": "NetworkOut", "InstanceId": "TestInstance",
			},
			Annotations: map[string]string{
				"description": "EXAMPLE", "reason": reason, "old_state": "INSUFFICIENT_DATA", "region_name": "EXAMPLE", "subject": subject,
				"condition": "AVERAGE NetworkOut GreaterThanThreshold 0.0 for 1 period(s) of 60s", "treat_missing_data": "missing",
			},
			Links:    []string{"https://console.aws.amazon.com/cloudwatch/home?region=REGION#alarmsV2:alarm/EXAMPLE"},
			StartsAt: started,
		}},
		{"alarm-multiple-metrics.json", arqir.AlertEvent{
			DedupKey: "arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE",
			Status:   arqir.AlertFiring,
			Summary:  "EXAMPLE: EXAMPLE",
			Labels:   map[string]string{"alarm_name": "EXAMPLE", "cloudwatch_state": "ALARM", "aws_account_id": "EXAMPLE", "aws_region": "REGION"},
			Annotations: map[string]string{
				"description": "EXAMPLE", "reason": reason, "old_state": "INSUFFICIENT_DATA", "region_name": "EXAMPLE", "subject": subject,
				"condition": "GreaterThanThreshold 0.0 for 1 period(s) of 60s", "treat_missing_data": "missing",
				"metrics": `[{"Expression":"m1*1","Id":"e1","Label":"Expression1","ReturnData":true},{"Id":"m1","MetricStat":{"Metric":{"Dimensions":[{"value":"TestInstance","name":"InstanceId"}],"MetricName":"NetworkOut","Namespace":"AWS/EC2"},"Period":60,"Stat":"Average"},"ReturnData":false}]`,
			},
			Links:    []string{"https://console.aws.amazon.com/cloudwatch/home?region=REGION#alarmsV2:alarm/EXAMPLE"},
			StartsAt: started,
		}},
		{"alarm-ok.json", checkout("OK", arqir.AlertResolved, "Threshold Crossed: 1 out of the last 1 datapoints [0.4 (02/03/26 09:25:00)] was not greater than the threshold (5.0) (minimum 1 datapoint for ALARM -> OK transition).", "ALARM", time.Date(2026, 3, 2, 9, 26, 29, 897e6, time.UTC))},
		{"alarm-insufficient-data.json", checkout("INSUFFICIENT_DATA", arqir.AlertFiring, "Insufficient Data: 1 datapoint was unknown.", "OK", time.Date(2026, 3, 2, 9, 31, 29, 897e6, time.UTC))},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			env := s.envelope(cloudwatch.TypeNotification, sample(t, tc.file), "2")
			_, p, err := process(s.source(), request(t, env), authenticator(map[string]*arqir.Integration{"s3cret": integration(topic)}))
			if err != nil {
				t.Fatal(err)
			}
			ingesttest.AssertEvents(t, p.Events, []arqir.AlertEvent{tc.want})
			ingesttest.CheckOutcome(t, p, nil)
			if want := "cloudwatch:id:" + env.MessageID; p.RequestKey != want {
				t.Errorf("request key %q, want %q", p.RequestKey, want)
			}
		})
	}
}

// TestSubscriptionConfirmation: a confirmation yields no events and a
// Control that GETs the SubscribeURL; a SubscribeURL on a foreign host is
// refused.
func TestSubscriptionConfirmation(t *testing.T) {
	s := newSNS(t)
	src := s.source()
	env := s.envelope(cloudwatch.TypeSubscriptionConfirmation, "You have chosen to subscribe to the topic "+topic+".\nTo confirm the subscription, visit the SubscribeURL included in this message.", "1")
	_, p, err := process(src, request(t, env), authenticator(map[string]*arqir.Integration{"s3cret": integration(topic)}))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Events) != 0 || p.Control == nil || p.Control.Action != "confirm_subscription" || p.Control.URL != env.SubscribeURL {
		t.Fatalf("parsed %+v", p)
	}
	if err := p.Control.Confirm(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.confirms.Load() != 1 {
		t.Fatal("the SubscribeURL was not visited")
	}
	if status, _ := p.Reply(nil); status != http.StatusOK {
		t.Errorf("reply status %d", status)
	}

	env.SubscribeURL = "https://evil.example.com/?Action=ConfirmSubscription"
	s.sign(env)
	_, err = src.Parse(request(t, env), integration(topic))
	ingesttest.AssertError(t, err, arqir.EUNAUTHORIZED, "SubscribeURL", "Amazon SNS host")

	env = s.envelope(cloudwatch.TypeSubscriptionConfirmation, "m", "1")
	_, _, err = process(src, request(t, env), authenticator(map[string]*arqir.Integration{"s3cret": integration("")}))
	ingesttest.AssertError(t, err, arqir.EFORBIDDEN, "topic_arns")
	if s.confirms.Load() != 1 {
		t.Fatal("a subscription of a topic not allowed was confirmed")
	}

	env = s.envelope(cloudwatch.TypeUnsubscribeConfirmation, "m", "2")
	_, p, err = process(src, request(t, env), authenticator(map[string]*arqir.Integration{"s3cret": integration(topic)}))
	if err != nil || len(p.Events) != 0 || p.Control != nil {
		t.Fatalf("unsubscribe confirmation: %+v %v", p, err)
	}
}

func TestCredential(t *testing.T) {
	src := cloudwatch.New()
	r := ingesttest.NewRequest("{}")
	r.Path = "/s3cret"
	if got, err := src.Credential(r); err != nil || got != "s3cret" {
		t.Fatalf("path: %q %v", got, err)
	}
	r = ingesttest.NewRequest("{}", "Authorization", "Basic c25zOnMzY3JldA==") // sns:s3cret
	if got, err := src.Credential(r); err != nil || got != "s3cret" {
		t.Fatalf("basic: %q %v", got, err)
	}
	_, err := src.Credential(ingesttest.NewRequest("{}"))
	ingesttest.AssertError(t, err, arqir.EUNAUTHORIZED, "/ingest/cloudwatch/<credential>")
}

func TestParseRefusesBadInput(t *testing.T) {
	s := newSNS(t)
	notification := func(message string) *ingest.Request {
		return request(t, s.envelope(cloudwatch.TypeNotification, message, "2"))
	}
	tests := []struct {
		name        string
		req         *ingest.Request
		code, field string
		fragments   []string
	}{
		{"not an SNS message", ingesttest.NewRequest(`{"AlarmName":"x"}`), arqir.EINVALID, "Type", []string{"raw message delivery"}},
		{"unknown type", ingesttest.NewRequest(`{"Type":"Other","MessageId":"1"}`), arqir.EINVALID, "Type", nil},
		{"header and body types differ", func() *ingest.Request {
			r := notification(sample(t, "alarm-ok.json"))
			r.Header.Set("x-amz-sns-message-type", "SubscriptionConfirmation")
			return r
		}(), arqir.EINVALID, "Type", nil},
		{"header and body topics differ", func() *ingest.Request {
			r := notification(sample(t, "alarm-ok.json"))
			r.Header.Set("x-amz-sns-topic-arn", "arn:aws:sns:eu-west-1:1:x")
			return r
		}(), arqir.EINVALID, "TopicArn", nil},
		{"no message id", ingesttest.NewRequest(`{"Type":"Notification"}`), arqir.EINVALID, "MessageId", nil},
		{"message is not JSON", notification("Hello world!"), arqir.EUNPROCESSABLE, "Message", []string{"not a CloudWatch alarm", "malformed JSON"}},
		{"message is another JSON", notification(`{"Records":[]}`), arqir.EUNPROCESSABLE, "Message.NewStateValue", []string{"not a CloudWatch alarm"}},
		{"alarm without ARN", notification(`{"AlarmName":"x","NewStateValue":"ALARM"}`), arqir.EUNPROCESSABLE, "Message.AlarmArn", nil},
		{"deeply nested alarm", notification(ingesttest.Nested("Trigger", 40)), arqir.EUNPROCESSABLE, "Message", []string{"nested deeper"}},
		{"truncated envelope", ingesttest.NewRequest(`{"Type":"Notification","MessageId":"1`), arqir.EINVALID, "", []string{"truncated"}},
		{"form encoded", ingesttest.NewRequest("Type=Notification", "Content-Type", "application/x-www-form-urlencoded"), arqir.EINVALID, "Content-Type", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.source().Parse(tc.req, integration(topic))
			ingesttest.AssertError(t, err, tc.code, tc.fragments...)
			if got := arqir.ErrorField(err); got != tc.field {
				t.Errorf("field %q, want %q", got, tc.field)
			}
			if p != nil {
				t.Error("a refused request returned a result")
			}
		})
	}
}
