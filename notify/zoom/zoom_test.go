package zoom_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/fake/fault"
	fakezoom "github.com/arqir/arqir/fake/zoom"
	"github.com/arqir/arqir/notify"
	"github.com/arqir/arqir/notify/zoom"
)

var creds = fakezoom.Credentials{AccountID: "acct-123", ClientID: "client-abc", ClientSecret: "s3cr3t-client-secret-value"}

// clock is a settable clock for token expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// setup starts a fake Zoom and a notifier pointed at it.
func setup(t *testing.T, edit ...func(*zoom.Config)) (*fakezoom.Server, *zoom.Notifier, *clock) {
	t.Helper()
	fz := fakezoom.New(creds)
	t.Cleanup(fz.Close)
	clk := &clock{t: time.Date(2025, 3, 10, 14, 0, 0, 0, time.UTC)}
	cfg := zoom.Config{
		OAuthURL:     fz.URL(),
		APIURL:       fz.APIURL(),
		AccountID:    creds.AccountID,
		ClientID:     creds.ClientID,
		ClientSecret: creds.ClientSecret,
		Now:          clk.Now,
	}
	for _, e := range edit {
		e(&cfg)
	}
	n, err := zoom.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return fz, n, clk
}

func warRoomJob() *notify.Job {
	return &notify.Job{
		Notification: &arqir.Notification{
			ID: 7, IncidentID: 42, Key: "INC-42/war_room/zoom", Purpose: arqir.PurposeWarRoom,
			Target: "zoom", Channel: arqir.ChannelZoom,
			Message: arqir.Message{
				IncidentID: 42, Title: "Checkout down", Severity: "SEV1", Status: arqir.StatusInvestigating,
				Headline: "SEV1 declared: Checkout down", URL: "https://arqir.example/incidents/42",
			},
		},
		IdempotencyKey: "INC-42/war_room/zoom",
	}
}

func TestCreatesInstantMeetingWithJoinLink(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	if n.Channel() != arqir.ChannelZoom {
		t.Fatalf("Channel() = %q", n.Channel())
	}
	rc, err := n.Notify(context.Background(), warRoomJob())
	if err != nil {
		t.Fatal(err)
	}
	ms := fz.Meetings()
	if len(ms) != 1 {
		t.Fatalf("%d meetings created, want 1", len(ms))
	}
	m := ms[0]
	if rc.Ref != strconv.FormatInt(m.ID, 10) || rc.Refs[arqir.RefWarRoomURL] != m.JoinURL {
		t.Errorf("receipt %+v, want ref %d and join link %s", rc, m.ID, m.JoinURL)
	}
	if len(rc.Refs) != 1 || strings.Contains(rc.Ref+rc.Refs[arqir.RefWarRoomURL], "/s/") {
		t.Errorf("receipt %+v carries more than the join link (the host start_url must never leave)", rc)
	}
	if m.User != "me" || m.Topic != "INC-42 [SEV1] Checkout down" || m.Type != 1 {
		t.Errorf("meeting for %q topic %q type %d, want me, INC-42 [SEV1] Checkout down, 1", m.User, m.Topic, m.Type)
	}
	var body struct {
		Settings map[string]any `json:"settings"`
	}
	if err := json.Unmarshal(m.Request, &body); err != nil {
		t.Fatal(err)
	}
	if body.Settings["join_before_host"] != true || body.Settings["waiting_room"] != false {
		t.Errorf("settings sent %v, want join_before_host true and waiting_room false", body.Settings)
	}
}

func TestLongTitleTopicFitsZoomLimit(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	job := warRoomJob()
	job.Notification.Message.Title = strings.Repeat("Checkout — down ", 30)
	if _, err := n.Notify(context.Background(), job); err != nil {
		t.Fatalf("a long title must still make a valid meeting: %v", err)
	}
	topic := fz.Meetings()[0].Topic
	if utf8.RuneCountInString(topic) > 200 || !strings.HasPrefix(topic, "INC-42 [SEV1] Checkout") {
		t.Errorf("topic %q (%d characters), want the INC-42 [SEV1] prefix within 200", topic, utf8.RuneCountInString(topic))
	}
}

func TestOneTokenForConcurrentMeetings(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	const meetings = 20
	var wg sync.WaitGroup
	errs := make(chan error, meetings)
	for range meetings {
		wg.Go(func() {
			if _, err := n.Notify(context.Background(), warRoomJob()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := fz.TokenRequests(); got != 1 {
		t.Errorf("%d token requests for %d meetings, want 1", got, meetings)
	}
	if got := len(fz.Meetings()); got != meetings {
		t.Errorf("%d meetings, want %d", got, meetings)
	}
}

func TestTokenRenewedShortlyBeforeExpiry(t *testing.T) {
	t.Parallel()
	fz, n, clk := setup(t)
	ctx := context.Background()
	if _, err := n.Notify(ctx, warRoomJob()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(50 * time.Minute)
	if _, err := n.Notify(ctx, warRoomJob()); err != nil {
		t.Fatal(err)
	}
	if got := fz.TokenRequests(); got != 1 {
		t.Fatalf("%d token requests 50 minutes into a 60-minute token, want 1 (cached)", got)
	}
	clk.Advance(9*time.Minute + 30*time.Second)
	if _, err := n.Notify(ctx, warRoomJob()); err != nil {
		t.Fatal(err)
	}
	if got := fz.TokenRequests(); got != 2 {
		t.Errorf("%d token requests 30 s before expiry, want 2 (renewed ahead of expiry)", got)
	}
}

func TestTokenRefreshedOnceAfter401(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	ctx := context.Background()
	if _, err := n.Notify(ctx, warRoomJob()); err != nil {
		t.Fatal(err)
	}
	fz.ExpireTokens()
	if _, err := n.Notify(ctx, warRoomJob()); err != nil {
		t.Fatalf("a revoked token must be replaced and the meeting created: %v", err)
	}
	if got, want := fz.TokenRequests(), 2; got != want {
		t.Errorf("%d token requests, want %d", got, want)
	}
	if got := len(fz.Meetings()); got != 2 {
		t.Errorf("%d meetings, want 2", got)
	}
}

func TestRefused401AfterRefreshIsPermanent(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	fz.SetTokenLifetime(0) // every token is dead on arrival
	_, err := n.Notify(context.Background(), warRoomJob())
	e := notify.AsError(err)
	if err == nil || e.Retryable {
		t.Fatalf("err = %v, want a permanent error", err)
	}
	if !strings.Contains(err.Error(), "activated") {
		t.Errorf("error %q does not say what to check", err)
	}
	if got := fz.TokenRequests(); got != 2 {
		t.Errorf("%d token requests, want 2 (one refresh, no loop)", got)
	}
}

func TestWrongCredentialsArePermanentAndSecretFree(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t, func(c *zoom.Config) { c.ClientSecret = "wrong-" + creds.ClientSecret })
	_, err := n.Notify(context.Background(), warRoomJob())
	if err == nil || notify.AsError(err).Retryable {
		t.Fatalf("err = %v, want permanent", err)
	}
	for _, want := range []string{"invalid_client", "client secret"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	assertNoSecret(t, err, "wrong-"+creds.ClientSecret, creds.ClientID)
	if len(fz.Meetings()) != 0 {
		t.Error("a meeting was created without a token")
	}
}

// TestNoSecretInErrorText points the notifier at a server that echoes the
// request's credentials in its errors, as a broken proxy might.
func TestNoSecretInErrorText(t *testing.T) {
	t.Parallel()
	const secret = "echo-me-not-secret"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			if r.URL.Query().Get("account_id") == "fail" {
				http.Error(w, "bad credentials "+r.Header.Get("Authorization")+" "+secret, http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"tok-very-secret","token_type":"bearer","expires_in":3600}`))
			return
		}
		http.Error(w, `{"code":300,"message":"bad token `+r.Header.Get("Authorization")+`"}`, http.StatusInternalServerError)
	}))
	defer echo.Close()
	for _, account := range []string{"fail", "ok"} {
		n, err := zoom.New(zoom.Config{OAuthURL: echo.URL, APIURL: echo.URL + "/v2", AccountID: account, ClientID: "id", ClientSecret: secret})
		if err != nil {
			t.Fatal(err)
		}
		_, err = n.Notify(context.Background(), warRoomJob())
		if err == nil {
			t.Fatal("want an error")
		}
		assertNoSecret(t, err, secret, base64.StdEncoding.EncodeToString([]byte("id:"+secret)), "tok-very-secret")
	}
}

func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error text %q contains a secret", err)
		}
	}
}

func TestRateLimitIsRetryableAfterRetryAfter(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	ctx := context.Background()
	if _, err := n.Notify(ctx, warRoomJob()); err != nil { // caches the token
		t.Fatal(err)
	}
	fz.Faults.Next(fault.RateLimit, 1, 30*time.Second)
	_, err := n.Notify(ctx, warRoomJob())
	e := notify.AsError(err)
	if err == nil || !e.Retryable || e.RetryAfter != 30*time.Second || e.Ambiguous {
		t.Fatalf("err = %v (%+v), want retryable after 30s, not ambiguous", err, e)
	}
}

func TestServerErrorIsRetryableAndAmbiguous(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	ctx := context.Background()
	if _, err := n.Notify(ctx, warRoomJob()); err != nil {
		t.Fatal(err)
	}
	fz.Faults.Next(fault.ServerError, 1, 0)
	_, err := n.Notify(ctx, warRoomJob())
	e := notify.AsError(err)
	if err == nil || !e.Retryable || !e.Ambiguous {
		t.Fatalf("err = %v (%+v), want retryable and ambiguous (Zoom has no idempotency key)", err, e)
	}
}

func TestTimeoutIsRetryableAndAmbiguous(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	if _, err := n.Notify(context.Background(), warRoomJob()); err != nil {
		t.Fatal(err)
	}
	fz.Faults.Next(fault.Hang, 1, 0)
	defer fz.Faults.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := n.Notify(ctx, warRoomJob())
	e := notify.AsError(err)
	if err == nil || !e.Retryable || !e.Ambiguous {
		t.Fatalf("err = %v (%+v), want retryable and ambiguous", err, e)
	}
}

func TestTokenServerOutageIsRetryableNotAmbiguous(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	fz.Faults.Next(fault.ServerError, 1, 0)
	_, err := n.Notify(context.Background(), warRoomJob())
	e := notify.AsError(err)
	if err == nil || !e.Retryable || e.Ambiguous {
		t.Fatalf("err = %v (%+v), want retryable; no meeting can exist yet, so not ambiguous", err, e)
	}
}

func TestMissingScopeSaysWhichToAdd(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	fz.SetScopes("meeting:read:meeting")
	_, err := n.Notify(context.Background(), warRoomJob())
	if err == nil || notify.AsError(err).Retryable {
		t.Fatalf("err = %v, want permanent", err)
	}
	if !strings.Contains(err.Error(), "lacks scope meeting:write:meeting") {
		t.Errorf("error %q does not name the missing scope", err)
	}
}

func TestConfiguredHostUser(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t, func(c *zoom.Config) { c.UserID = "oncall-host@example.com" })
	fz.AddUser("oncall-host@example.com")
	fz.SetScopes("meeting:write:meeting:admin")
	if _, err := n.Notify(context.Background(), warRoomJob()); err != nil {
		t.Fatal(err)
	}
	if got := fz.Meetings()[0].User; got != "oncall-host@example.com" {
		t.Errorf("meeting created for %q, want the configured host", got)
	}
}

func TestUnknownHostUserIsPermanent(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t, func(c *zoom.Config) { c.UserID = "nobody@example.com" })
	fz.SetScopes("meeting:write:meeting:admin")
	_, err := n.Notify(context.Background(), warRoomJob())
	if err == nil || notify.AsError(err).Retryable || !strings.Contains(err.Error(), `no user "nobody@example.com"`) {
		t.Fatalf("err = %v, want permanent, naming the user", err)
	}
}

func TestOnlyWarRoomNotifications(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	job := warRoomJob()
	job.Notification.Purpose = arqir.PurposePage
	_, err := n.Notify(context.Background(), job)
	if err == nil || notify.AsError(err).Retryable {
		t.Fatalf("err = %v, want permanent", err)
	}
	if fz.TokenRequests() != 0 || len(fz.Meetings()) != 0 {
		t.Error("a page must not reach Zoom")
	}
}

func TestExistingWarRoomIsKept(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	job := warRoomJob()
	job.Refs = map[string]string{arqir.RefWarRoomURL: "https://zoom.us/j/85746065432?pwd=abc"}
	rc, err := n.Notify(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Ref != "85746065432" || rc.Refs[arqir.RefWarRoomURL] != job.Refs[arqir.RefWarRoomURL] {
		t.Errorf("receipt %+v, want the existing meeting", rc)
	}
	if len(fz.Meetings()) != 0 {
		t.Error("a second meeting was created although the incident has one")
	}
}

func TestNewNeedsCredentials(t *testing.T) {
	t.Parallel()
	_, err := zoom.New(zoom.Config{AccountID: "a", ClientID: "b"})
	if err == nil || !strings.Contains(err.Error(), "client_secret") {
		t.Fatalf("err = %v, want client_secret named", err)
	}
	_, err = zoom.New(zoom.Config{AccountID: "a", ClientID: "b", ClientSecret: "c", APIURL: "api.zoom.us"})
	if err == nil {
		t.Fatal("a URL without scheme must be refused")
	}
}

func TestWaitingForTokenHonoursContext(t *testing.T) {
	t.Parallel()
	fz, n, _ := setup(t)
	fz.Faults.Next(fault.Hang, 1, 0)
	defer fz.Faults.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	for range 2 { // one holds the token request, the other waits for it
		wg.Go(func() {
			_, err := n.Notify(ctx, warRoomJob())
			if e := notify.AsError(err); err == nil || !e.Retryable || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want retryable deadline exceeded", err)
			}
		})
	}
	wg.Wait()
}
