package cli_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// integrationCmd runs "arqir integration ARGS --url SRV --token TOKEN".
func integrationCmd(t *testing.T, srv *testserver.Server, token string, args ...string) run {
	t.Helper()
	return arqirCmd(t, append(append([]string{"integration"}, args...), "--url", srv.URL, "--token", token)...)
}

var credentialRE = regexp.MustCompile(`Credential:      (arqi_\S+)`)

// Creating prints the endpoint, the credential once and the snippet to
// paste into that tool, with the credential filled in.
func TestIntegrationCreatePrintsTheSnippet(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--kind", "alertmanager", "--service", "checkout"}, []string{"/ingest/alertmanager", "webhook_configs:", "send_resolved: true", "type: Bearer", "credentials: arqi_"}},
		{[]string{"--kind", "grafana", "--service", "web", "--setting", "require_signature=true"}, []string{"/ingest/grafana", "Authentication Header Credentials:  arqi_", "HMAC signature secret:              arqs_", "X-Grafana-Alert-Signature", "refuses requests without this signature"}},
		{[]string{"--kind", "pagerduty", "--service", "db"}, []string{"/ingest/pagerduty/v2/enqueue", "pagerduty_configs:", "routing_key: arqi_"}},
		{[]string{"--kind", "opsgenie", "--service", "db"}, []string{"opsgenie_configs:", "api_url: " + srv.URL + "/ingest/opsgenie/\n", "api_key: arqi_"}},
		{[]string{"--kind", "datadog", "--service", "db"}, []string{"Custom Headers:  {\"Authorization\": \"Bearer arqi_", "$ALERT_CYCLE_KEY", "@webhook-arqir"}},
		{[]string{"--kind", "cloudwatch", "--service", "db", "--setting", "topic_arns=arn:aws:sns:eu-west-1:123456789012:alarms"}, []string{"aws sns subscribe --protocol http --notification-endpoint '" + srv.URL + "/ingest/cloudwatch/arqi_", "--topic-arn arn:aws:sns:eu-west-1:123456789012:alarms"}},
		{[]string{"--kind", "generic", "--service", "db", "--name", "cron-jobs"}, []string{`Created generic integration "cron-jobs"`, "curl -X POST '" + srv.URL + "/ingest/generic'", "Bearer arqi_", "-hmac 'arqs_", `X-Signature-256: t=$t,v1=$sig`}},
		{[]string{"--kind", "generic", "--service", "db", "--name", "unsigned-jobs", "--setting", "require_signature=false"}, []string{"accepts unsigned requests", "Bearer arqi_"}},
		{[]string{"--kind", "grafana", "--service", "api"}, []string{"HMAC signature secret:              arqs_", "--setting require_signature=true"}},
	}
	for _, c := range cases {
		r := integrationCmd(t, srv, srv.Admin, append([]string{"create"}, c.args...)...).want(t, 0, c.want...)
		cred := credentialRE.FindStringSubmatch(r.stdout)
		if cred == nil || strings.Count(r.stdout, cred[1]) < 2 {
			t.Errorf("%v: the snippet does not carry the credential:\n%s", c.args, r.stdout)
		}
	}
	integrationCmd(t, srv, srv.Admin, "list").want(t, 0, "alertmanager-checkout", "cron-jobs", "active")
	integrationCmd(t, srv, srv.Viewer, "show", "6").want(t, 0, "Kind:            cloudwatch", "Setting:         topic_arns=arn:aws:sns:eu-west-1:123456789012:alarms", "/ingest/cloudwatch/{credential}")
	integrationCmd(t, srv, srv.Viewer, "kinds").want(t, 0, "cloudwatch — Amazon CloudWatch alarms via SNS", "setting:    topic_arns (required)")
}

// Mistakes exit 2 with what to fix; a responder cannot create.
func TestIntegrationRefusals(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	integrationCmd(t, srv, srv.Admin, "create", "--service", "x").wantErr(t, 2, "--kind is required")
	integrationCmd(t, srv, srv.Admin, "create", "--kind", "generic", "--setting", "nokey").wantErr(t, 2, "KEY=VALUE")
	integrationCmd(t, srv, srv.Admin, "create", "--kind", "cloudwatch").wantErr(t, 2, "topic_arns")
	integrationCmd(t, srv, srv.Responder, "create", "--kind", "generic").wantErr(t, 2, "admin role")
	integrationCmd(t, srv, srv.Admin, "rotate", "x").wantErr(t, 2, "not a number")
	integrationCmd(t, srv, srv.Admin, "revoke", "7").wantErr(t, 2, "no integration 7")
	integrationCmd(t, srv, srv.Admin, "frobnicate").wantErr(t, 2, "unknown integration command")
}

// Rotate prints the new credential; revoke says the credential stopped.
func TestIntegrationRotateAndRevoke(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	first := credentialRE.FindStringSubmatch(integrationCmd(t, srv, srv.Admin, "create", "--kind", "generic", "--service", "x").want(t, 0).stdout)
	r := integrationCmd(t, srv, srv.Admin, "rotate", "1").want(t, 0, "Rotated generic integration \"generic-x\" (id 1)", "Credential:")
	if second := credentialRE.FindStringSubmatch(r.stdout); second == nil || second[1] == first[1] {
		t.Errorf("rotate printed no new credential:\n%s", r.stdout)
	}
	integrationCmd(t, srv, srv.Admin, "revoke", "1").want(t, 0, "Revoked integration 1")
	integrationCmd(t, srv, srv.Admin, "list").want(t, 0, "revoked 2025-03-03")
	if _, err := srv.Store.AuthenticateIntegration(t.Context(), arqir.KindGeneric, first[1]); err == nil {
		t.Error("the first credential still works")
	}
}
