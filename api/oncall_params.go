package api

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// onlyParams refuses query parameters a route does not know, so a typo
// ("schedlue=") is an error instead of a silently wider answer.
func onlyParams(q url.Values, allowed ...string) error {
	for name := range q {
		if !slices.Contains(allowed, name) {
			if len(allowed) == 0 {
				return arqir.FieldErrorf(arqir.EINVALID, name, "unknown query parameter %q: this route takes none", name)
			}
			return arqir.FieldErrorf(arqir.EINVALID, name, "unknown query parameter %q: use %s", name, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// instant reads an RFC 3339 time from a query parameter, path segment or
// body field; "" is the zero time (the store's now or default).
func instant(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, arqir.FieldErrorf(arqir.EINVALID, field, "%s=%q is not a time: use RFC 3339, e.g. 2026-03-09T09:00:00-04:00 or 2026-03-09T13:00:00Z", field, v)
	}
	return t, nil
}

// timeRange reads the ?from= and ?to= of a route answering over a range;
// absent ones are zero (the store's defaults).
func timeRange(q url.Values) (from, to time.Time, err error) {
	if from, err = instant("from", q.Get("from")); err != nil {
		return from, to, err
	}
	to, err = instant("to", q.Get("to"))
	return from, to, err
}

// boolParam reads true or false, false when absent.
func boolParam(q url.Values, name string) (bool, error) {
	switch v := strings.TrimSpace(q.Get(name)); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, arqir.FieldErrorf(arqir.EINVALID, name, "%s=%q: use true or false", name, v)
	}
}

// bodyInstant is instant for a required body field: a missing one is
// EUNPROCESSABLE, since the request was well-formed.
func bodyInstant(field, v string) (time.Time, error) {
	t, err := instant(field, v)
	if err != nil {
		return t, err
	}
	if t.IsZero() {
		return t, arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, "%s is required: an RFC 3339 time such as 2026-03-09T09:00:00-04:00", field)
	}
	return t, nil
}

// intParam reads a whole number, def when absent.
func intParam(q url.Values, name string, def int) (int, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, arqir.FieldErrorf(arqir.EINVALID, name, "%s=%q is not a whole number", name, v)
	}
	return n, nil
}

// pathID reads a numeric {name} of the path.
func pathID(r interface{ PathValue(string) string }, name, what, list string) (int64, error) {
	v := r.PathValue(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, arqir.FieldErrorf(arqir.EINVALID, name, "%s ID %q is not a number: see %s", what, v, list)
	}
	return id, nil
}
