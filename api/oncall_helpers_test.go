package api_test

import (
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/arqir/arqir/internal/testserver"
)

// decodeInto reads a reply's JSON into v.
func (r reply) decodeInto(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, r.body, err)
	}
}

// wantError checks a refusal's status and field.
func (r reply) wantError(t *testing.T, status int, field string) errorReply {
	t.Helper()
	r.wantStatus(t, status)
	e := r.errorBody(t)
	if e.Error.Field != field {
		t.Fatalf("field %q, want %q; body %s", e.Error.Field, field, r.body)
	}
	return e
}

// addUser creates a user through the API as admin.
func addUser(t *testing.T, srv *testserver.Server, handle, name string) {
	t.Helper()
	call(t, srv, "POST", "/api/v1/users", srv.Admin, `{"handle":"`+handle+`","name":"`+name+`","time_zone":"America/New_York"}`).wantStatus(t, 201)
}

// nyTime is a wall-clock time in New York.
func nyTime(t *testing.T, year int, month time.Month, day, hour, minute int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(year, month, day, hour, minute, 0, 0, loc)
}

// moveTo advances the server's clock to t (never back).
func moveTo(srv *testserver.Server, t time.Time) {
	if d := t.Sub(srv.Now()); d > 0 {
		srv.Advance(d)
	}
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
