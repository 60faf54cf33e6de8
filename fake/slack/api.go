package slack

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// maxBody bounds a request body; Slack refuses far smaller messages anyway.
const maxBody = 1 << 20

// call is the arguments of a Web API call, read from a JSON or form body.
type call struct {
	Channel  string
	Text     string
	TS       string
	ThreadTS string
	Blocks   json.RawMessage // nil when absent
	Metadata json.RawMessage // nil when absent
	Warnings []string
}

// apiError is an {ok:false} answer: Slack's error code and, for refused
// blocks, the response_metadata messages saying what is wrong where.
type apiError struct {
	Code     string
	Messages []string
}

func fail(code string, messages ...string) *apiError {
	return &apiError{Code: code, Messages: messages}
}

// serveAPI routes Web API methods. Unknown methods are answered the way
// Slack does, HTTP 200 with unknown_method; the fake takes POST only.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	s.countRequest()
	if s.Faults.Intercept(w, r) {
		return
	}
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	var handle func(http.ResponseWriter, *http.Request)
	switch method {
	case "chat.postMessage":
		handle = s.postMessage
	case "chat.update":
		handle = s.update
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method", "req_method": method})
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, fail("invalid_post_type", "[ERROR] the fake Slack takes Web API calls as POST only"))
		return
	}
	handle(w, r)
}

// readCall authenticates r and reads its arguments. A JSON body must carry
// the token in Authorization: Bearer; a form body may carry it as token.
func (s *Server) readCall(r *http.Request) (*call, *apiError) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil, fail("missing_post_type")
	}
	media, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, fail("invalid_post_type")
	}
	form := media == "application/x-www-form-urlencoded" || media == "multipart/form-data"
	if !form && media != "application/json" {
		return nil, fail("invalid_post_type")
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	token, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if form {
		if err := r.ParseMultipartForm(maxBody); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, fail("invalid_form_data")
		}
		if !bearer {
			token = r.PostFormValue("token")
		}
	}
	switch {
	case token == "":
		return nil, fail("not_authed")
	case token != s.token:
		return nil, fail("invalid_auth")
	}
	if form {
		return readForm(r)
	}
	c, e := readJSON(r.Body)
	if e == nil && params["charset"] == "" {
		// Slack accepts it but warns; clients should send charset=utf-8.
		c.Warnings = append(c.Warnings, "missing_charset")
	}
	return c, e
}

// readForm reads form arguments; blocks and metadata are JSON strings.
func readForm(r *http.Request) (*call, *apiError) {
	c := &call{
		Channel:  r.PostFormValue("channel"),
		Text:     r.PostFormValue("text"),
		TS:       r.PostFormValue("ts"),
		ThreadTS: r.PostFormValue("thread_ts"),
	}
	if v := r.PostFormValue("blocks"); v != "" {
		c.Blocks = json.RawMessage(v)
	}
	if v := r.PostFormValue("metadata"); v != "" {
		c.Metadata = json.RawMessage(v)
	}
	return c, nil
}

// readJSON reads a JSON object of arguments. Unknown arguments are ignored,
// as Slack does; known ones of the wrong type are invalid_arguments.
func readJSON(body io.Reader) (*call, *apiError) {
	raw, err := io.ReadAll(body)
	if err != nil {
		return nil, fail("invalid_json")
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fail("invalid_json")
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fail("json_not_object")
	}
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(raw, &obj) // cannot fail: it is an object
	c := &call{}
	for key, dst := range map[string]*string{"channel": &c.Channel, "text": &c.Text, "ts": &c.TS, "thread_ts": &c.ThreadTS} {
		v, ok := obj[key]
		if !ok || string(v) == "null" {
			continue
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return nil, fail("invalid_arguments", "[ERROR] must be a string [json-pointer:/"+key+"]")
		}
	}
	c.Blocks = jsonArg(obj["blocks"])
	c.Metadata = jsonArg(obj["metadata"])
	return c, nil
}

// jsonArg returns a structured argument given either as JSON or, as form
// clients do, as a string holding JSON; nil when absent.
func jsonArg(v json.RawMessage) json.RawMessage {
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return json.RawMessage(s)
	}
	return v
}

// writeJSON answers HTTP 200 with v, as the Web API always does.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers {ok:false, error} the way Slack does, with what is
// wrong in response_metadata.messages when known.
func writeError(w http.ResponseWriter, e *apiError) {
	out := map[string]any{"ok": false, "error": e.Code}
	if len(e.Messages) > 0 {
		out["errors"] = e.Messages
		out["response_metadata"] = map[string]any{"messages": e.Messages}
	}
	writeJSON(w, out)
}

// writeOK answers {ok:true, …fields} with any warnings of the call.
func writeOK(w http.ResponseWriter, c *call, fields map[string]any) {
	fields["ok"] = true
	if len(c.Warnings) > 0 {
		fields["warning"] = strings.Join(c.Warnings, ",")
		fields["response_metadata"] = map[string]any{"warnings": c.Warnings}
	}
	writeJSON(w, fields)
}
