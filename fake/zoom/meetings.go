package zoom

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/big"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Meeting is a meeting the fake created, as Zoom answers it (201).
type Meeting struct {
	ID        int64          `json:"id"`
	UUID      string         `json:"uuid"`
	HostID    string         `json:"host_id"`
	HostEmail string         `json:"host_email"`
	Topic     string         `json:"topic"`
	Type      int            `json:"type"`
	Status    string         `json:"status"`
	StartTime string         `json:"start_time,omitempty"`
	Duration  int            `json:"duration,omitempty"`
	Timezone  string         `json:"timezone,omitempty"`
	Agenda    string         `json:"agenda,omitempty"`
	CreatedAt string         `json:"created_at"`
	StartURL  string         `json:"start_url"`
	JoinURL   string         `json:"join_url"`
	Password  string         `json:"password"`
	Settings  map[string]any `json:"settings"`

	// User is the {userId} of the request path ("me", an ID or an e-mail).
	User string `json:"-"`
	// Request is the body the client sent.
	Request json.RawMessage `json:"-"`
}

// meetingRequest is the part of Zoom's create-meeting body the fake checks.
// Unknown fields are ignored, as Zoom does.
type meetingRequest struct {
	Topic     *string        `json:"topic"`
	Type      *int           `json:"type"`
	StartTime string         `json:"start_time"`
	Duration  int            `json:"duration"`
	Timezone  string         `json:"timezone"`
	Agenda    string         `json:"agenda"`
	Password  *string        `json:"password"`
	Settings  map[string]any `json:"settings"`
}

// apiError is the shape of Zoom REST API errors.
type apiError struct {
	Code    int          `json:"code"`
	Message string       `json:"message"`
	Errors  []fieldError `json:"errors,omitempty"`
}

// fieldError names one invalid field of a "Validation Failed." answer.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Limits Zoom documents for the create-meeting body.
const (
	maxTopic    = 200
	maxAgenda   = 2000
	maxPassword = 10
	maxBody     = 1 << 20
)

var passwordRE = regexp.MustCompile(`^[A-Za-z0-9@\-_*]+$`)

// settingsDefaults are the settings a new meeting has unless the request
// sets them.
var settingsDefaults = map[string]any{
	"host_video":        false,
	"participant_video": false,
	"join_before_host":  false,
	"mute_upon_entry":   false,
	"waiting_room":      false,
	"approval_type":     2,
	"auto_recording":    "none",
}

// handleCreateMeeting serves POST /v2/users/{userId}/meetings.
func (s *Server) handleCreateMeeting(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, apiError{Code: 405, Message: "Method not allowed."})
		return
	}
	tok, ok := s.bearer(r)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, apiError{Code: 124, Message: "Invalid access token."})
		return
	}
	user := r.PathValue("user")
	if !hasScope(tok.scope, user) {
		// Zoom's answer to a token without the scope; the HTTP status
		// for it is unverified (the error code and text are documented).
		writeJSON(w, http.StatusBadRequest, apiError{Code: 4711, Message: "Invalid access token, does not contain scopes:[meeting:write:meeting, meeting:write:meeting:admin]."})
		return
	}
	if !s.knownUser(user) {
		writeJSON(w, http.StatusNotFound, apiError{Code: 1001, Message: fmt.Sprintf("User does not exist: %s.", user)})
		return
	}
	body, req, ok := decodeMeeting(r)
	if !ok {
		writeJSON(w, http.StatusBadRequest, apiError{Code: 300, Message: "Request Body should be a valid JSON object."})
		return
	}
	if errs := req.validate(); len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, apiError{Code: 300, Message: "Validation Failed.", Errors: errs})
		return
	}
	m := s.newMeeting(user, req)
	m.Request = body
	s.mu.Lock()
	s.meetings = append(s.meetings, m)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, m)
}

// hasScope reports whether a token's scopes allow creating a meeting for
// user: the :admin variant is needed for anyone but "me".
func hasScope(scope, user string) bool {
	for _, sc := range strings.Fields(scope) {
		if sc == "meeting:write:meeting:admin" || (sc == "meeting:write:meeting" && user == "me") {
			return true
		}
	}
	return false
}

// decodeMeeting reads a JSON create-meeting body.
func decodeMeeting(r *http.Request) ([]byte, meetingRequest, bool) {
	var req meetingRequest
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, req, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, req, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil || dec.More() {
		return nil, req, false
	}
	return body, req, true
}

// validate lists the fields Zoom would refuse.
func (req meetingRequest) validate() []fieldError {
	var errs []fieldError
	bad := func(field, msg string) { errs = append(errs, fieldError{Field: field, Message: msg}) }
	if req.Topic != nil && utf8.RuneCountInString(*req.Topic) > maxTopic {
		bad("topic", fmt.Sprintf("Topic cannot exceed %d characters.", maxTopic))
	}
	if req.Type != nil {
		switch *req.Type {
		case 1, 2, 3, 8:
		default:
			bad("type", "Invalid meeting type. Use 1 (instant), 2 (scheduled), 3 or 8 (recurring).")
		}
	}
	if utf8.RuneCountInString(req.Agenda) > maxAgenda {
		bad("agenda", fmt.Sprintf("Agenda cannot exceed %d characters.", maxAgenda))
	}
	if req.Password != nil && *req.Password != "" {
		if len(*req.Password) > maxPassword || !passwordRE.MatchString(*req.Password) {
			bad("password", "Password may only be up to 10 characters of a-z A-Z 0-9 @ - _ *.")
		}
	}
	if req.StartTime != "" {
		if _, err := time.Parse(time.RFC3339, req.StartTime); err != nil {
			if _, err := time.Parse("2006-01-02T15:04:05", req.StartTime); err != nil {
				bad("start_time", "Invalid start_time: use yyyy-MM-ddTHH:mm:ssZ.")
			}
		}
	}
	for _, k := range []string{"host_video", "participant_video", "join_before_host", "mute_upon_entry", "waiting_room"} {
		if v, ok := req.Settings[k]; ok {
			if _, isBool := v.(bool); !isBool {
				bad("settings."+k, "Invalid field.")
			}
		}
	}
	if v, ok := req.Settings["auto_recording"]; ok && v != "none" && v != "local" && v != "cloud" {
		bad("settings.auto_recording", "Invalid field.")
	}
	return errs
}

// newMeeting builds the meeting Zoom would create for req.
func (s *Server) newMeeting(user string, req meetingRequest) Meeting {
	s.mu.Lock()
	now := s.now().UTC().Truncate(time.Second)
	s.mu.Unlock()
	id := randomID()
	m := Meeting{
		ID:        id,
		UUID:      base64.StdEncoding.EncodeToString(randomBytes(16)),
		HostID:    "fakeHostId123",
		HostEmail: "host@zoom.invalid",
		Topic:     "Zoom Meeting",
		Type:      2,
		Status:    "waiting",
		StartTime: now.Format(time.RFC3339),
		Duration:  req.Duration,
		Timezone:  req.Timezone,
		Agenda:    req.Agenda,
		CreatedAt: now.Format(time.RFC3339),
		Password:  randomPassword(),
		User:      user,
		Settings:  maps.Clone(settingsDefaults),
	}
	if req.Topic != nil && *req.Topic != "" {
		m.Topic = *req.Topic
	}
	if req.Type != nil {
		m.Type = *req.Type
	}
	if req.StartTime != "" && m.Type != 1 {
		m.StartTime = req.StartTime
	}
	if m.Type == 2 && m.Duration == 0 {
		m.Duration = 60
	}
	if req.Password != nil && *req.Password != "" {
		m.Password = *req.Password
	}
	maps.Copy(m.Settings, req.Settings)
	m.JoinURL = fmt.Sprintf("%s/j/%d?pwd=%s", s.srv.URL, id, base64.RawURLEncoding.EncodeToString(randomBytes(24)))
	m.StartURL = fmt.Sprintf("%s/s/%d?zak=%s", s.srv.URL, id, base64.RawURLEncoding.EncodeToString(randomBytes(32)))
	return m
}

// randomID returns an 11-digit meeting ID, the size Zoom hands out.
func randomID() int64 {
	n, _ := rand.Int(rand.Reader, big.NewInt(9e10))
	return 1e10 + n.Int64()
}

// randomPassword returns a passcode of the kind Zoom generates.
func randomPassword() string {
	const digits = "0123456789"
	b := randomBytes(6)
	for i := range b {
		b[i] = digits[int(b[i])%len(digits)]
	}
	return string(b)
}

// randomBytes returns n bytes from crypto/rand.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
