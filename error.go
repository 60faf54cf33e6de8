package arqir

import (
	"errors"
	"fmt"
)

// Error codes. Every service method documents which of these it returns; the
// HTTP API maps them to statuses in exactly one place (api/error.go) and the
// CLI maps them to exit codes.
const (
	EINVALID       = "invalid"       // malformed request: bad JSON, unknown field, bad parameter (400)
	EUNAUTHORIZED  = "unauthorized"  // no or unknown credential (401)
	EFORBIDDEN     = "forbidden"     // credential lacks the role for the action (403)
	ENOTFOUND      = "not_found"     // the named thing does not exist (404)
	ECONFLICT      = "conflict"      // stale version or concurrent change (409)
	ETOOLARGE      = "too_large"     // request body over the limit (413)
	EUNPROCESSABLE = "unprocessable" // well-formed but breaks a rule of the procedures (422)
	EINTERNAL      = "internal"      // a bug or an unavailable dependency (500)
)

// Error is an application error meant for the user: Message says what went
// wrong and what to do, Field names the offending input when there is one.
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("arqir error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("arqir error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an *Error about one named input field.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, or EINTERNAL for any
// other error (which must then be logged, never shown).
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of an application error, or a
// generic message for internal errors so that no internal detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error: the server logged the details; retry, and report it if it persists."
}

// ErrorField returns the offending field of an application error, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
