package ingest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Text is a JSON value read as text: a string as is, a number or boolean in
// its JSON spelling, null as "". Vendor templates are filled in by users,
// who write "$ALERT_ID" with or without quotes, and cloud payloads switch a
// field between null, number and string; Text keeps such a field from
// rejecting an alert. Objects and arrays are kept as compact JSON.
type Text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case b[0] == '{' || b[0] == '[':
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			return err
		}
		*t = Text(buf.String())
	default:
		*t = Text(b)
	}
	return nil
}

// String returns the text.
func (t Text) String() string { return string(t) }

// ValueText renders a decoded JSON value (from map[string]any) as annotation
// text: strings as is, everything else as compact JSON.
func ValueText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// ParseTime reads the timestamps vendors send: RFC 3339 (with or without
// fraction), ISO 8601 with a colon-less offset ("2015-07-17T08:42:58.315+0000",
// used by PagerDuty's and CloudWatch's examples), and Unix epoch seconds or
// milliseconds (Datadog's $DATE). It returns the zero time and false for
// anything else; callers treat an unreadable optional time as unknown.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		// Ten digits or fewer is seconds until the year 2286; Datadog
		// sends milliseconds (13 digits).
		if n < 1e11 {
			return time.Unix(n, 0).UTC(), true
		}
		if n < 1e14 {
			return time.UnixMilli(n).UTC(), true
		}
	}
	return time.Time{}, false
}
