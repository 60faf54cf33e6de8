package arqir

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits on one ingest request. They bound what a sender can make arqir store
// and show: a request over any of them is refused whole (EUNPROCESSABLE), so
// a bad request never reaches the database.
const (
	MaxAlertsPerRequest  = 1000  // events in one request (a generic batch)
	MaxDedupKeyLen       = 255   // bytes of a dedup key
	MaxAlertSummaryLen   = 2000  // bytes of a summary
	MaxAlertLabels       = 100   // labels, and separately annotations, of one alert
	MaxLabelNameLen      = 128   // bytes of a label or annotation name
	MaxLabelValueLen     = 2048  // bytes of a label value
	MaxAnnotationLen     = 10000 // bytes of an annotation value
	MaxAlertLinks        = 20    // links of one alert
	MaxLinkLen           = 2048  // bytes of a link
	MaxSourceSeverityLen = 64    // bytes of the source's severity word
	MaxSourceGroupKeyLen = 1024  // bytes of the source's group key
	MaxRequestKeyLen     = 200   // bytes of an idempotency request key
)

// ValidateAlertEvents checks the events of one ingest request against the
// limits above and the shape the store needs. The error names the first bad
// field as "alerts[i].field".
func ValidateAlertEvents(events []AlertEvent) error {
	switch {
	case len(events) == 0:
		return FieldErrorf(EUNPROCESSABLE, "alerts", "the request holds no alerts: send at least one")
	case len(events) > MaxAlertsPerRequest:
		return FieldErrorf(EUNPROCESSABLE, "alerts", "the request holds %d alerts; send at most %d per request", len(events), MaxAlertsPerRequest)
	}
	for i := range events {
		if err := validateAlertEvent(&events[i], fmt.Sprintf("alerts[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

// ValidateRequestKey checks an idempotency key; empty is allowed and means
// the request is not idempotent.
func ValidateRequestKey(key string) error {
	if len(key) > MaxRequestKeyLen {
		return FieldErrorf(EINVALID, "request_key", "the request key is %d bytes; use at most %d (a UUID or a hash of the body)", len(key), MaxRequestKeyLen)
	} else if !cleanText(key) {
		return FieldErrorf(EINVALID, "request_key", "the request key must be UTF-8 text without NUL bytes")
	}
	return nil
}

func validateAlertEvent(ev *AlertEvent, at string) error {
	switch {
	case strings.TrimSpace(ev.DedupKey) == "":
		return FieldErrorf(EUNPROCESSABLE, at+".dedup_key", "the alert has no dedup key: the sender must identify the alert so that repeats update it instead of opening incidents")
	case len(ev.DedupKey) > MaxDedupKeyLen:
		return FieldErrorf(EUNPROCESSABLE, at+".dedup_key", "the dedup key is %d bytes; use at most %d (hash longer keys)", len(ev.DedupKey), MaxDedupKeyLen)
	case ev.Status != AlertFiring && ev.Status != AlertResolved:
		return FieldErrorf(EUNPROCESSABLE, at+".status", "unknown alert status %q: use firing or resolved", ev.Status)
	case len(ev.Summary) > MaxAlertSummaryLen:
		return FieldErrorf(EUNPROCESSABLE, at+".summary", "the summary is %d bytes; keep it under %d and put details in annotations", len(ev.Summary), MaxAlertSummaryLen)
	case len(ev.Severity) > MaxSourceSeverityLen:
		return FieldErrorf(EUNPROCESSABLE, at+".severity", "the severity is %d bytes; use a word like critical or P1", len(ev.Severity))
	case len(ev.GroupKey) > MaxSourceGroupKeyLen:
		return FieldErrorf(EUNPROCESSABLE, at+".group_key", "the group key is %d bytes; use at most %d", len(ev.GroupKey), MaxSourceGroupKeyLen)
	case len(ev.Links) > MaxAlertLinks:
		return FieldErrorf(EUNPROCESSABLE, at+".links", "the alert has %d links; send at most %d", len(ev.Links), MaxAlertLinks)
	}
	for _, s := range []struct{ field, v string }{{"dedup_key", ev.DedupKey}, {"summary", ev.Summary}, {"severity", ev.Severity}, {"group_key", ev.GroupKey}} {
		if !cleanText(s.v) {
			return FieldErrorf(EUNPROCESSABLE, at+"."+s.field, "must be UTF-8 text without NUL bytes")
		}
	}
	for j, l := range ev.Links {
		if len(l) > MaxLinkLen || !cleanText(l) {
			return FieldErrorf(EUNPROCESSABLE, fmt.Sprintf("%s.links[%d]", at, j), "a link must be UTF-8 text of at most %d bytes", MaxLinkLen)
		}
	}
	if err := validateLabels(ev.Labels, at+".labels", MaxLabelValueLen); err != nil {
		return err
	}
	return validateLabels(ev.Annotations, at+".annotations", MaxAnnotationLen)
}

func validateLabels(m map[string]string, at string, maxValue int) error {
	if len(m) > MaxAlertLabels {
		return FieldErrorf(EUNPROCESSABLE, at, "the alert has %d entries here; send at most %d", len(m), MaxAlertLabels)
	}
	for k, v := range m {
		switch {
		case k == "" || len(k) > MaxLabelNameLen || !cleanText(k):
			return FieldErrorf(EUNPROCESSABLE, at, "the name %.40q must be UTF-8 text of 1 to %d bytes", k, MaxLabelNameLen)
		case len(v) > maxValue:
			return FieldErrorf(EUNPROCESSABLE, at+"."+k, "the value is %d bytes; keep it under %d", len(v), maxValue)
		case !cleanText(v):
			return FieldErrorf(EUNPROCESSABLE, at+"."+k, "must be UTF-8 text without NUL bytes")
		}
	}
	return nil
}

// cleanText reports whether s can be stored as text in every database:
// valid UTF-8 and no NUL byte (PostgreSQL refuses both).
func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
