package storetest

import (
	"database/sql"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var integrationTests = []namedTest{
	{name: "IntegrationLifeCycle", fn: testIntegrationLifeCycle},
	{name: "IntegrationRotationStopsTheOldSecretsAtOnce", fn: testIntegrationRotation},
	{name: "IntegrationRevocationReachesEveryReplica", fn: testIntegrationRevocation},
	{name: "IntegrationRejectionsStoreNothing", fn: testIntegrationRejections},
	{name: "IntegrationCredentialIsStoredOnlyAsAHash", fn: testIntegrationHashOnly},
	{name: "IngestAsRefusesARevokedIntegration", fn: testIngestAsRevoked},
	{name: "IngestAsRefusesACredentialRotatedSinceItWasChecked", fn: testIngestAsRotated},
	{name: "IngestAsStoresAsIngestWould", fn: testIngestAsCurrent},
}

func testIntegrationLifeCycle(e *env) {
	e.useAlertRules()
	secrets, in, err := e.st.CreateIntegration(e.ctx, arqir.NewIntegration{
		Name: "  prometheus-prod ", Kind: arqir.KindGrafana, Service: "checkout", Severity: "sev2",
		Settings: map[string]string{arqir.SettingRequireSignature: "true"},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	switch {
	case !strings.HasPrefix(secrets.Credential, "arqi_") || len(secrets.Credential) < 50:
		e.t.Fatalf("credential %q: want arqi_ and 32 random bytes", secrets.Credential)
	case !strings.HasPrefix(secrets.SigningSecret, "arqs_") || secrets.SigningSecret[5:] == secrets.Credential[5:]:
		e.t.Fatalf("signing secret %q: want arqs_ and its own random bytes", secrets.SigningSecret)
	case in.ID <= 0 || in.Name != "prometheus-prod" || in.Kind != arqir.KindGrafana || in.Service != "checkout" || in.Severity != "SEV2":
		e.t.Fatalf("integration = %+v", in)
	case !in.CreatedAt.Equal(micro(Start)) || in.RotatedAt != nil || in.RevokedAt != nil:
		e.t.Fatalf("times = %v %v %v", in.CreatedAt, in.RotatedAt, in.RevokedAt)
	case in.Setting(arqir.SettingRequireSignature) != "true" || in.Setting(arqir.SettingSignatureHeader) != "X-Grafana-Alert-Signature":
		e.t.Fatalf("settings = %v (default header %q)", in.Settings, in.Setting(arqir.SettingSignatureHeader))
	}
	got, err := e.st.Integration(e.ctx, in.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "the integration read back", got, in)
	list, err := e.st.Integrations(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "the list", list, []*arqir.Integration{in})

	authed, err := e.st.AuthenticateIntegration(e.ctx, arqir.KindGrafana, secrets.Credential)
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "the authenticated integration", authed, in)
	signing, err := e.st.IntegrationSigningSecret(e.ctx, in.ID)
	if err != nil || string(signing) != secrets.SigningSecret {
		e.t.Fatalf("signing secret = %q, %v; want the one shown at creation", signing, err)
	}
	authed, signing, err = e.st.AuthenticateIntegrationSigned(e.ctx, arqir.KindGrafana, secrets.Credential)
	if err != nil || string(signing) != secrets.SigningSecret {
		e.t.Fatalf("AuthenticateIntegrationSigned: secret %q, %v; want the one shown at creation", signing, err)
	}
	equal(e.t, "the integration authenticated with its secret", authed, in)
	for what, cred := range map[string]string{"an unknown credential": "arq_int_nope", "no credential": "", "the signing secret as credential": secrets.SigningSecret} {
		if _, s, err := e.st.AuthenticateIntegrationSigned(e.ctx, arqir.KindGrafana, cred); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED || s != nil {
			e.t.Errorf("AuthenticateIntegrationSigned with %s: secret %q, %v; want EUNAUTHORIZED and no secret", what, s, err)
		}
	}
	if _, s, err := e.st.AuthenticateIntegrationSigned(e.ctx, arqir.KindDatadog, secrets.Credential); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED || s != nil {
		e.t.Errorf("AuthenticateIntegrationSigned for another kind: secret %q, %v; want EUNAUTHORIZED and no secret", s, err)
	}
	for name, try := range map[string]func() error{
		"wrong kind": func() error {
			_, err := e.st.AuthenticateIntegration(e.ctx, arqir.KindAlertmanager, secrets.Credential)
			return err
		},
		"unknown credential": func() error {
			_, err := e.st.AuthenticateIntegration(e.ctx, arqir.KindGrafana, secrets.Credential+"x")
			return err
		},
		"no credential": func() error { _, err := e.st.AuthenticateIntegration(e.ctx, arqir.KindGrafana, ""); return err },
		"the signing secret as credential": func() error {
			_, err := e.st.AuthenticateIntegration(e.ctx, arqir.KindGrafana, secrets.SigningSecret)
			return err
		},
	} {
		if err := try(); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
			e.t.Errorf("%s: got %v, want EUNAUTHORIZED", name, err)
		} else if strings.Contains(arqir.ErrorMessage(err), secrets.Credential) {
			e.t.Errorf("%s: the message shows the credential", name)
		}
	}

	_, err = e.st.Integration(e.ctx, 999999)
	wantCode(e.t, err, arqir.ENOTFOUND)
	wantCode(e.t, e.st.RevokeIntegration(e.ctx, 999999), arqir.ENOTFOUND)
	_, _, err = e.st.RotateIntegration(e.ctx, 999999)
	wantCode(e.t, err, arqir.ENOTFOUND)
}

func testIntegrationRotation(e *env) {
	e.useAlertRules()
	in, old := e.newIntegration(arqir.KindPagerDuty, "pd", "billing")
	e.clock.Advance(time.Hour)
	fresh, rotated, err := e.st.RotateIntegration(e.ctx, in.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if rotated.RotatedAt == nil || !rotated.RotatedAt.Equal(micro(Start.Add(time.Hour))) {
		e.t.Fatalf("rotated_at = %v", rotated.RotatedAt)
	}
	if fresh.Credential == old.Credential || fresh.SigningSecret == old.SigningSecret {
		e.t.Fatal("rotation kept a secret")
	}
	_, err = e.st.AuthenticateIntegration(e.ctx, arqir.KindPagerDuty, old.Credential)
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	if _, err := e.st.AuthenticateIntegration(e.ctx, arqir.KindPagerDuty, fresh.Credential); err != nil {
		e.t.Fatalf("the new credential: %v", err)
	}
	if s, err := e.st.IntegrationSigningSecret(e.ctx, in.ID); err != nil || string(s) != fresh.SigningSecret {
		e.t.Fatalf("signing secret after rotation = %q, %v", s, err)
	}
	if _, s, err := e.st.AuthenticateIntegrationSigned(e.ctx, arqir.KindPagerDuty, fresh.Credential); err != nil || string(s) != fresh.SigningSecret {
		e.t.Fatalf("AuthenticateIntegrationSigned after rotation: secret %q, %v; want the new one", s, err)
	}
	if _, _, err := e.st.AuthenticateIntegrationSigned(e.ctx, arqir.KindPagerDuty, old.Credential); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
		e.t.Fatalf("AuthenticateIntegrationSigned with the rotated-away credential: %v; want EUNAUTHORIZED", err)
	}
}

func testIntegrationRevocation(e *env) {
	e.useAlertRules()
	in, secrets := e.newIntegration(arqir.KindDatadog, "dd", "web")
	other := e.anotherWithAlertRules()
	if _, err := other.AuthenticateIntegration(e.ctx, arqir.KindDatadog, secrets.Credential); err != nil {
		e.t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if err := e.st.RevokeIntegration(e.ctx, in.ID); err != nil {
		e.t.Fatal(err)
	}
	_, err := other.AuthenticateIntegration(e.ctx, arqir.KindDatadog, secrets.Credential)
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	_, err = other.IntegrationSigningSecret(e.ctx, in.ID)
	wantCode(e.t, err, arqir.ENOTFOUND)
	if _, s, err := other.AuthenticateIntegrationSigned(e.ctx, arqir.KindDatadog, secrets.Credential); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED || s != nil {
		e.t.Fatalf("AuthenticateIntegrationSigned after revocation: secret %q, %v; want EUNAUTHORIZED at once", s, err)
	}
	_, _, err = e.st.RotateIntegration(e.ctx, in.ID)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	e.clock.Advance(time.Minute)
	if err := e.st.RevokeIntegration(e.ctx, in.ID); err != nil {
		e.t.Fatalf("revoking twice: %v", err)
	}
	got, err := e.st.Integration(e.ctx, in.ID)
	if err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(micro(Start.Add(time.Minute))) {
		e.t.Fatalf("after two revocations: %+v, %v; want the first revocation time", got, err)
	}
	// A revoked integration frees its name.
	if _, again := e.newIntegration(arqir.KindDatadog, "dd", "web"); again.Credential == secrets.Credential {
		e.t.Fatal("the new integration got the old credential")
	}
}

func testIntegrationRejections(e *env) {
	e.useAlertRules()
	e.newIntegration(arqir.KindAlertmanager, "taken", "")
	for _, tc := range []struct {
		name  string
		n     arqir.NewIntegration
		code  string
		field string
	}{
		{"unknown kind", arqir.NewIntegration{Name: "a", Kind: "nagios"}, arqir.EUNPROCESSABLE, "kind"},
		{"no name", arqir.NewIntegration{Name: " ", Kind: arqir.KindGeneric}, arqir.EUNPROCESSABLE, "name"},
		{"unknown severity", arqir.NewIntegration{Name: "a", Kind: arqir.KindGeneric, Severity: "SEV9"}, arqir.EUNPROCESSABLE, "severity"},
		{"unknown setting", arqir.NewIntegration{Name: "a", Kind: arqir.KindGeneric, Settings: map[string]string{"hmac": "true"}}, arqir.EUNPROCESSABLE, "settings.hmac"},
		{"setting of another kind", arqir.NewIntegration{Name: "a", Kind: arqir.KindAlertmanager, Settings: map[string]string{arqir.SettingTopicARNs: "x"}}, arqir.EUNPROCESSABLE, "settings.topic_arns"},
		{"bad setting value", arqir.NewIntegration{Name: "a", Kind: arqir.KindGrafana, Settings: map[string]string{arqir.SettingSignatureHeader: "X Bad"}}, arqir.EUNPROCESSABLE, "settings.signature_header"},
		{"CloudWatch without topics", arqir.NewIntegration{Name: "a", Kind: arqir.KindCloudWatch}, arqir.EUNPROCESSABLE, "settings.topic_arns"},
		{"bad topic", arqir.NewIntegration{Name: "a", Kind: arqir.KindCloudWatch, Settings: map[string]string{arqir.SettingTopicARNs: "arn:aws:sqs:us-east-1:123456789012:q"}}, arqir.EUNPROCESSABLE, "settings.topic_arns"},
		{"duplicate active name", arqir.NewIntegration{Name: "taken", Kind: arqir.KindGeneric}, arqir.ECONFLICT, "name"},
	} {
		_, _, err := e.st.CreateIntegration(e.ctx, tc.n)
		if arqir.ErrorCode(err) != tc.code || arqir.ErrorField(err) != tc.field {
			e.t.Errorf("%s: got %v, want %s on %s", tc.name, err, tc.code, tc.field)
		}
	}
	if list, err := e.st.Integrations(e.ctx); err != nil || len(list) != 1 {
		e.t.Fatalf("%d integrations after rejections (%v), want 1", len(list), err)
	}
}

// The database never holds the credential itself, only its hash.
func testIntegrationHashOnly(e *env) {
	e.useAlertRules()
	_, secrets := e.newIntegration(arqir.KindOpsgenie, "og", "")
	db, ok := e.st.(interface{ DB() *sql.DB })
	if !ok {
		e.t.Skip("the store does not expose its database")
	}
	var n int
	err := db.DB().QueryRowContext(e.ctx, `SELECT COUNT(*) FROM integrations WHERE hash = '`+secrets.Credential+`' OR name = '`+secrets.Credential+`' OR settings LIKE '%`+secrets.Credential[5:]+`%' OR signing_secret = '`+secrets.Credential+`'`).Scan(&n)
	if err != nil {
		e.t.Fatal(err)
	}
	if n != 0 {
		e.t.Fatal("the credential is stored in the clear")
	}
}
