package arqir

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Integration setting keys. Settings are never secret: they are listed by
// the API and shown in the UI.
const (
	// SettingRequireSignature says whether requests without an HMAC
	// signature made with the integration's signing secret are refused
	// (grafana, generic); see Integration.SignatureRequired for what an
	// absent setting means. A signature that is present is always checked.
	SettingRequireSignature = "require_signature"
	// SettingSignatureHeader names the header that carries the HMAC (grafana:
	// default X-Grafana-Alert-Signature; generic: default X-Signature-256).
	// Setting it on a grafana integration makes the signature required.
	SettingSignatureHeader = "signature_header"
	// SettingTimestampHeader names Grafana's optional header whose Unix time
	// is signed together with the body ("ts:body"). Setting it makes the
	// signature required, like signature_header.
	SettingTimestampHeader = "timestamp_header"
	// SettingTopicARNs is the comma-separated allow-list of SNS topic ARNs a
	// CloudWatch integration accepts. Required for cloudwatch.
	SettingTopicARNs = "topic_arns"
	// SettingPrometheusURL is the Prometheus-compatible query API the
	// built-in evaluator polls, e.g. http://127.0.0.1:9090.
	SettingPrometheusURL = "prometheus_url"
	// SettingInterval is how often the built-in evaluator polls, e.g. 30s.
	SettingInterval = "interval"
)

// SettingSpec describes one setting an integration kind accepts.
type SettingSpec struct {
	Key      string
	Default  string // what an absent setting means; empty when nothing
	Required bool
	// Example is a valid value, for messages and documentation.
	Example string
	check   func(string) error
}

// IntegrationSettings lists the settings each kind accepts; any other key is
// refused, so that a misspelt setting cannot silently switch a check off.
var IntegrationSettings = map[IntegrationKind][]SettingSpec{
	KindAlertmanager: nil,
	KindGrafana: {
		// Absent, require_signature follows signature_header and
		// timestamp_header (Integration.SignatureRequired): no default.
		{Key: SettingRequireSignature, Example: "true", check: checkBool},
		{Key: SettingSignatureHeader, Default: "X-Grafana-Alert-Signature", Example: "X-Grafana-Alerting-Signature", check: checkHeaderName},
		{Key: SettingTimestampHeader, Example: "X-Grafana-Alert-Timestamp", check: checkHeaderName},
	},
	KindPagerDuty: nil,
	KindOpsgenie:  nil,
	KindDatadog:   nil,
	KindCloudWatch: {
		{Key: SettingTopicARNs, Required: true, Example: "arn:aws:sns:us-east-1:123456789012:alarms", check: checkTopicARNs},
	},
	KindGeneric: {
		{Key: SettingRequireSignature, Default: "true", Example: "false", check: checkBool},
		{Key: SettingSignatureHeader, Default: "X-Signature-256", Example: "X-Signature-256", check: checkHeaderName},
	},
	KindEvaluator: {
		{Key: SettingPrometheusURL, Example: "http://127.0.0.1:9090", check: checkHTTPURL},
		{Key: SettingInterval, Default: "30s", Example: "30s", check: checkInterval},
	},
}

// Setting returns the value of a setting, or its default when absent.
func (in *Integration) Setting(key string) string {
	if v, ok := in.Settings[key]; ok {
		return v
	}
	for _, s := range IntegrationSettings[in.Kind] {
		if s.Key == key {
			return s.Default
		}
	}
	return ""
}

// SignatureRequired reports whether the integration refuses requests that
// carry no HMAC signature. Signing is secure by default once it is
// configured:
//   - generic: always, unless require_signature is "false". Every
//     integration has its signing secret from creation, and arqir's own
//     senders can sign, so an unsigned request is refused unless the
//     operator opted out explicitly.
//   - grafana: when require_signature is "true"; without that setting, when
//     signature_header or timestamp_header is set, since setting either
//     says the contact point signs. Grafana's webhook signs only when its
//     HMAC secret is configured, so a plain contact point stays accepted.
//
// Other kinds have no HMAC scheme (SNS messages are always verified).
func (in *Integration) SignatureRequired() bool {
	v, set := in.Settings[SettingRequireSignature]
	switch in.Kind {
	case KindGeneric:
		return v != "false"
	case KindGrafana:
		if set {
			return v == "true"
		}
		return in.Settings[SettingSignatureHeader] != "" || in.Settings[SettingTimestampHeader] != ""
	}
	return false
}

// Validate checks and normalises the input: trimmed name and service, the
// severity spelt as the rules spell it, settings known to the kind.
func (n *NewIntegration) Validate(rules Rules) error {
	n.Name, n.Service = strings.TrimSpace(n.Name), strings.TrimSpace(n.Service)
	switch {
	case n.Name == "":
		return FieldErrorf(EUNPROCESSABLE, "name", "an integration needs a name that says what sends through it, e.g. \"prometheus-prod\"")
	case len(n.Name) > MaxNameLen || !cleanText(n.Name):
		return FieldErrorf(EUNPROCESSABLE, "name", "the name must be text of at most %d characters", MaxNameLen)
	case len(n.Service) > MaxNameLen || !cleanText(n.Service):
		return FieldErrorf(EUNPROCESSABLE, "service", "the service must be text of at most %d characters", MaxNameLen)
	}
	specs, ok := IntegrationSettings[n.Kind]
	if !ok {
		kinds := make([]string, len(IntegrationKinds))
		for i, k := range IntegrationKinds {
			kinds[i] = string(k)
		}
		return FieldErrorf(EUNPROCESSABLE, "kind", "unknown integration kind %q: use one of %s", n.Kind, strings.Join(kinds, ", "))
	}
	if strings.TrimSpace(n.Severity) != "" {
		sev, err := severityRule(rules, n.Severity)
		if err != nil {
			return err
		}
		n.Severity = sev.Name
	} else {
		n.Severity = ""
	}
	return validateSettings(n.Kind, specs, n.Settings)
}

func validateSettings(kind IntegrationKind, specs []SettingSpec, settings map[string]string) error {
	keys := make([]string, len(specs))
	for i, s := range specs {
		keys[i] = s.Key
	}
	for k := range settings {
		if !slices.Contains(keys, k) {
			if len(keys) == 0 {
				return FieldErrorf(EUNPROCESSABLE, "settings."+k, "unknown setting %q: %s integrations take no settings", k, kind)
			}
			return FieldErrorf(EUNPROCESSABLE, "settings."+k, "unknown setting %q for a %s integration: use %s", k, kind, strings.Join(keys, ", "))
		}
	}
	for _, s := range specs {
		v, ok := settings[s.Key]
		if !ok {
			if s.Required {
				return FieldErrorf(EUNPROCESSABLE, "settings."+s.Key, "a %s integration needs the setting %s, e.g. %s", kind, s.Key, s.Example)
			}
			continue
		}
		if err := s.check(v); err != nil {
			return FieldErrorf(EUNPROCESSABLE, "settings."+s.Key, "%s, e.g. %s", err, s.Example)
		}
	}
	return nil
}

func checkBool(v string) error {
	if v != "true" && v != "false" {
		return fmt.Errorf("must be true or false, got %q", v)
	}
	return nil
}

// headerNameRE is an HTTP header field name (an RFC 9110 token).
var headerNameRE = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")

func checkHeaderName(v string) error {
	if !headerNameRE.MatchString(v) {
		return fmt.Errorf("must be an HTTP header name, got %q", v)
	}
	return nil
}

// topicARNRE is an SNS topic ARN in any AWS partition.
var topicARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256}$`)

func checkTopicARNs(v string) error {
	arns := strings.Split(v, ",")
	for _, a := range arns {
		if !topicARNRE.MatchString(strings.TrimSpace(a)) {
			return fmt.Errorf("must be SNS topic ARNs separated by commas, got %q", strings.TrimSpace(a))
		}
	}
	return nil
}

func checkHTTPURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("must be an http or https URL, got %q", v)
	}
	return nil
}

func checkInterval(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second || d > time.Hour {
		return fmt.Errorf("must be a duration from 1s to 1h, got %q", v)
	}
	return nil
}
