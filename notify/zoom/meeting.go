package zoom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// Zoom's documented limits of the create-meeting body.
const (
	maxTopic  = 200
	maxAgenda = 2000
)

// instantMeeting is Zoom's meeting type 1: it starts now and has no schedule.
const instantMeeting = 1

// meetingRequest is the create-meeting body arqir sends.
type meetingRequest struct {
	Topic    string          `json:"topic"`
	Type     int             `json:"type"`
	Agenda   string          `json:"agenda,omitempty"`
	Settings meetingSettings `json:"settings"`
}

// meetingSettings let responders in without a host: whoever joins first
// starts the bridge, nobody waits in a lobby during an incident.
type meetingSettings struct {
	JoinBeforeHost bool `json:"join_before_host"`
	WaitingRoom    bool `json:"waiting_room"`
}

// meetingAnswer is the part of the 201 answer arqir keeps. start_url (the
// host link, which starts the meeting as its owner) is deliberately not
// decoded, so it cannot leak into refs, logs or the timeline.
type meetingAnswer struct {
	ID      int64  `json:"id"`
	JoinURL string `json:"join_url"`
}

// apiError is Zoom's REST error shape.
type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Errors  []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// tokenRejected is a 401 from the API: the token expired or was revoked.
type tokenRejected struct{ err error }

func (e *tokenRejected) Error() string { return e.err.Error() }

// Unwrap lets the dispatcher see the *notify.Error inside.
func (e *tokenRejected) Unwrap() error { return e.err }

// newMeetingRequest builds the instant meeting of an incident's war room.
func newMeetingRequest(m arqir.Message) meetingRequest {
	topic := m.IncidentID.String()
	if m.Severity != "" {
		topic += " [" + m.Severity + "]"
	}
	topic += " " + m.Title
	agenda := m.Headline
	if m.URL != "" {
		agenda += "\n" + m.URL
	}
	return meetingRequest{
		Topic:    truncate(clean(topic), maxTopic),
		Type:     instantMeeting,
		Agenda:   truncate(strings.TrimSpace(agenda), maxAgenda),
		Settings: meetingSettings{JoinBeforeHost: true, WaitingRoom: false},
	}
}

// createMeeting sends POST /users/{userId}/meetings.
func (n *Notifier) createMeeting(ctx context.Context, tok string, body meetingRequest) (meetingAnswer, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return meetingAnswer{}, notify.Permanent("zoom: encode the meeting: %v", err)
	}
	endpoint := n.apiURL + "/users/" + url.PathEscape(n.userID) + "/meetings"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(b))
	if err != nil {
		return meetingAnswer{}, notify.Permanent("zoom: build the meeting request: %v: check api_url", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		return meetingAnswer{}, notify.TransportError("zoom: create the war-room meeting", bareTransport(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return meetingAnswer{}, n.meetingError(resp, raw)
	}
	var m meetingAnswer
	if err := json.Unmarshal(raw, &m); err != nil || m.ID == 0 || m.JoinURL == "" {
		// The meeting may exist without a link we can hand out; a retry
		// would create another, so say so instead of retrying.
		return meetingAnswer{}, &notify.Error{Ambiguous: true, Err: fmt.Errorf("zoom: Zoom answered %s without a meeting id and join_url: the meeting may exist in the Zoom account; create the war room by hand and record its link on the incident", resp.Status)}
	}
	return m, nil
}

// meetingError classifies a refused create-meeting call. Zoom documents
// its status codes at https://developers.zoom.us/docs/api/errors/.
func (n *Notifier) meetingError(resp *http.Response, raw []byte) error {
	var e apiError
	_ = json.Unmarshal(raw, &e)
	detail := excerpt(raw)
	if e.Message != "" {
		detail = fmt.Sprintf("code %d: %s", e.Code, e.Message)
		for _, f := range e.Errors {
			detail += fmt.Sprintf(" %s: %s", f.Field, f.Message)
		}
	}
	scope := "meeting:write:meeting"
	if n.userID != DefaultUserID {
		scope = "meeting:write:meeting:admin"
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return &tokenRejected{err: notify.Permanent("zoom: Zoom refused a fresh access token (%s, %s): check the Server-to-Server OAuth app is activated and has scope %s", resp.Status, detail, scope)}
	case resp.StatusCode == http.StatusTooManyRequests:
		return &notify.Error{Retryable: true, RetryAfter: notify.RetryAfter(resp.Header.Get("Retry-After")),
			Err: fmt.Errorf("zoom: rate limited (%s, %s): arqir will retry; Zoom allows 100 created meetings per user per day", resp.Status, detail)}
	case resp.StatusCode >= 500:
		// A 5xx after the request arrived may still have created the
		// meeting: the retry can duplicate it.
		return &notify.Error{Retryable: true, Ambiguous: true, RetryAfter: notify.RetryAfter(resp.Header.Get("Retry-After")),
			Err: fmt.Errorf("zoom: Zoom answered %s (%s): arqir will retry", resp.Status, detail)}
	case e.Code == 4711 || e.Code == 4700 || strings.Contains(e.Message, "does not contain scopes"):
		return notify.Permanent("zoom: the Zoom app lacks scope %s (%s, %s): add it under Scopes of the Server-to-Server OAuth app in the Zoom App Marketplace", scope, resp.Status, detail)
	case resp.StatusCode == http.StatusNotFound || e.Code == 1001:
		return notify.Permanent("zoom: Zoom has no user %q (%s, %s): set the zoom user to \"me\" or to the host's Zoom user ID or e-mail address", n.userID, resp.Status, detail)
	default:
		return notify.Permanent("zoom: Zoom refused the meeting (%s, %s): check the Zoom account's meeting settings allow instant meetings with join before host", resp.Status, detail)
	}
}

// bareTransport drops the request URL from a client error: the message
// names the host itself, and URLs carry query parameters.
func bareTransport(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// excerpt returns a short printable excerpt of an unparseable answer.
func excerpt(b []byte) string {
	s := clean(string(b))
	if s == "" {
		return "empty answer"
	}
	return truncate(s, 200)
}

// clean replaces control characters (newlines included) with spaces.
func clean(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

// truncate cuts s to at most n characters, marking the cut with "…".
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
