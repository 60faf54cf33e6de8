package cloudwatch

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// Alarm states (NewStateValue).
const (
	StateAlarm            = "ALARM"
	StateOK               = "OK"
	StateInsufficientData = "INSUFFICIENT_DATA"
)

// Alarm is the CloudWatch alarm JSON in an SNS Notification's Message.
// Fields that AWS sends as null, number or string at different times are
// ingest.Text.
type Alarm struct {
	AlarmName        string      `json:"AlarmName"`
	AlarmDescription ingest.Text `json:"AlarmDescription"`
	AWSAccountID     ingest.Text `json:"AWSAccountId"`
	NewStateValue    string      `json:"NewStateValue"`
	NewStateReason   string      `json:"NewStateReason"`
	// StateChangeTime looks like "2015-06-03T17:43:27.123+0000": no colon
	// in the offset, which ingest.ParseTime reads.
	StateChangeTime ingest.Text `json:"StateChangeTime"`
	// Region is a display name ("EU (Ireland)"), not a region code.
	Region        string   `json:"Region"`
	AlarmArn      string   `json:"AlarmArn"`
	OldStateValue string   `json:"OldStateValue"`
	Trigger       *Trigger `json:"Trigger"`
}

// Trigger describes the alarm's condition. Metric-math alarms carry Metrics
// instead of MetricName and Namespace.
type Trigger struct {
	MetricName         ingest.Text     `json:"MetricName"`
	Namespace          ingest.Text     `json:"Namespace"`
	Statistic          ingest.Text     `json:"Statistic"`
	ExtendedStatistic  ingest.Text     `json:"ExtendedStatistic"`
	Unit               ingest.Text     `json:"Unit"`
	Dimensions         []Dimension     `json:"Dimensions"`
	Period             ingest.Text     `json:"Period"`
	EvaluationPeriods  ingest.Text     `json:"EvaluationPeriods"`
	ComparisonOperator ingest.Text     `json:"ComparisonOperator"`
	Threshold          ingest.Text     `json:"Threshold"`
	TreatMissingData   ingest.Text     `json:"TreatMissingData"`
	Metrics            json.RawMessage `json:"Metrics"`
}

// Dimension is one metric dimension; AWS writes these keys in lower case.
type Dimension struct {
	Name  ingest.Text `json:"name"`
	Value ingest.Text `json:"value"`
}

func alarmEvent(env *Envelope) (arqir.AlertEvent, error) {
	var a Alarm
	if err := ingest.DecodeJSON([]byte(env.Message), &a); err != nil {
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "Message", "the SNS message is not a CloudWatch alarm: %s", arqir.ErrorMessage(err))
	}
	var status arqir.AlertStatus
	switch a.NewStateValue {
	case StateAlarm, StateInsufficientData:
		status = arqir.AlertFiring
	case StateOK:
		status = arqir.AlertResolved
	default:
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "Message.NewStateValue", "the SNS message is not a CloudWatch alarm state change: NewStateValue %q is not ALARM, OK or INSUFFICIENT_DATA", ingest.Truncate(a.NewStateValue, 32))
	}
	if a.AlarmArn == "" {
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "Message.AlarmArn", "the CloudWatch alarm has no AlarmArn, which identifies it")
	}
	ev := arqir.AlertEvent{
		DedupKey:    ingest.FitKey(a.AlarmArn),
		Status:      status,
		Summary:     a.AlarmName,
		Labels:      map[string]string{},
		Annotations: map[string]string{},
		Links:       []string{consoleURL(a.AlarmArn, a.AlarmName)},
	}
	if d := a.AlarmDescription.String(); d != "" {
		ev.Summary += ": " + d
	}
	if t, ok := ingest.ParseTime(a.StateChangeTime.String()); ok {
		if status == arqir.AlertResolved {
			ev.EndsAt = t
		} else {
			ev.StartsAt = t
		}
	}
	l, an := ev.Labels, ev.Annotations
	ingest.SetIf(l, "alarm_name", a.AlarmName)
	ingest.SetIf(l, "cloudwatch_state", a.NewStateValue)
	ingest.SetIf(l, "aws_account_id", a.AWSAccountID.String())
	ingest.SetIf(l, "aws_region", arnPart(a.AlarmArn, 3))
	ingest.SetIf(an, "description", a.AlarmDescription.String())
	ingest.SetIf(an, "reason", a.NewStateReason)
	ingest.SetIf(an, "old_state", a.OldStateValue)
	ingest.SetIf(an, "region_name", a.Region)
	if env.Subject != nil {
		ingest.SetIf(an, "subject", *env.Subject)
	}
	if tr := a.Trigger; tr != nil {
		ingest.SetIf(l, "namespace", tr.Namespace.String())
		ingest.SetIf(l, "metric_name", tr.MetricName.String())
		for _, d := range tr.Dimensions {
			if name := d.Name.String(); name != "" {
				if _, taken := l[name]; !taken && len(l) < ingest.MaxLabels {
					l[name] = d.Value.String()
				}
			}
		}
		ingest.SetIf(an, "condition", condition(tr))
		ingest.SetIf(an, "treat_missing_data", strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tr.TreatMissingData.String()), "- TreatMissingData:")))
		if len(tr.Metrics) > 0 && string(tr.Metrics) != "null" {
			var m ingest.Text
			if json.Unmarshal(tr.Metrics, &m) == nil {
				ingest.SetIf(an, "metrics", m.String())
			}
		}
	}
	return ev, nil
}

// condition renders the trigger as one line, e.g. "AVERAGE NetworkOut
// GreaterThanThreshold 0.0 for 1 period(s) of 60s".
func condition(tr *Trigger) string {
	stat := tr.Statistic.String()
	if stat == "" {
		stat = tr.ExtendedStatistic.String()
	}
	if tr.ComparisonOperator == "" {
		return ""
	}
	s := strings.TrimSpace(fmt.Sprintf("%s %s %s %s", stat, tr.MetricName, tr.ComparisonOperator, tr.Threshold))
	if tr.EvaluationPeriods != "" && tr.Period != "" {
		s += fmt.Sprintf(" for %s period(s) of %ss", tr.EvaluationPeriods, tr.Period)
	}
	return strings.Join(strings.Fields(s), " ")
}

// arnPart returns the i-th colon-separated part of an ARN
// (arn:partition:service:region:account:resource…).
func arnPart(arn string, i int) string {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) < 7 || parts[0] != "arn" {
		return ""
	}
	return parts[i]
}

// consoleURL links to the alarm in the AWS console, for the commercial
// partition (China and GovCloud consoles live elsewhere).
func consoleURL(arn, name string) string {
	region := arnPart(arn, 3)
	if arnPart(arn, 1) != "aws" || region == "" || name == "" || strings.ContainsAny(region, "/?#") {
		return ""
	}
	return "https://console.aws.amazon.com/cloudwatch/home?region=" + url.QueryEscape(region) + "#alarmsV2:alarm/" + url.PathEscape(name)
}
