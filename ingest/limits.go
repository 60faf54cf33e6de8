package ingest

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/arqir/arqir"
)

// Limits every source applies, in one place so that every endpoint answers
// the same input the same way. They are the root package's (arqir.Max…,
// which AlertService.Ingest enforces) wherever it has one, so a parsed
// request is never refused later by the store. Labels identify an alert and
// drive routing, so an overload is refused; descriptive text (summary,
// annotation values) is truncated instead, because dropping a page over a
// long description would be worse than shortening it.
const (
	MaxDepth           = 32                         // JSON nesting of objects and arrays
	MaxAlerts          = arqir.MaxAlertsPerRequest  // alerts in one request
	MaxLabels          = arqir.MaxAlertLabels       // labels per alert
	MaxAnnotations     = arqir.MaxAlertLabels       // annotations per alert
	MaxLabelName       = arqir.MaxLabelNameLen      // bytes of a label or annotation name
	MaxLabelValue      = arqir.MaxLabelValueLen     // bytes of a label value
	MaxAnnotationValue = arqir.MaxAnnotationLen     // bytes of an annotation value before truncation
	MaxSummary         = 1024                       // bytes of a summary before truncation (PagerDuty's limit; under the store's)
	MaxDedupKey        = arqir.MaxDedupKeyLen       // bytes of a dedup key
	MaxLinks           = arqir.MaxAlertLinks        // links per alert
	MaxLinkLength      = arqir.MaxLinkLen           // bytes of one link
	MaxSeverity        = arqir.MaxSourceSeverityLen // bytes of the source's severity word
	MaxGroupKey        = arqir.MaxSourceGroupKeyLen // bytes of the source's group key before hashing
	MaxRequestKey      = arqir.MaxRequestKeyLen     // bytes of a request key
)

// Ellipsis marks truncated text.
const Ellipsis = "…"

// Normalize checks one event against the limits and normalises it in place:
// summary and annotation values are truncated, links that are not absolute
// http(s) URLs are dropped (vendors send empty strings), nil maps become
// empty. Returns EUNPROCESSABLE for a missing or bad dedup key or status, and
// EINVALID for too many or too large labels or annotations; Field names the
// part of the event ("labels", "dedup_key", …).
func Normalize(ev *arqir.AlertEvent) error {
	switch {
	case ev.DedupKey == "":
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "dedup_key", "the alert has no dedup key: send one so repeats and resolves find the same alert")
	case len(ev.DedupKey) > MaxDedupKey:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "dedup_key", "the dedup key is %d bytes, over the %d-byte limit: use a shorter stable identifier", len(ev.DedupKey), MaxDedupKey)
	case ev.Status != arqir.AlertFiring && ev.Status != arqir.AlertResolved:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "status", "status %q is not one of firing, resolved", ev.Status)
	}
	if err := checkLabels("labels", ev.Labels, MaxLabels, MaxLabelValue); err != nil {
		return err
	}
	if err := checkLabels("annotations", ev.Annotations, MaxAnnotations, -1); err != nil {
		return err
	}
	if ev.Labels == nil {
		ev.Labels = map[string]string{}
	}
	if ev.Annotations == nil {
		ev.Annotations = map[string]string{}
	}
	for k, v := range ev.Annotations {
		ev.Annotations[k] = Truncate(v, MaxAnnotationValue)
	}
	ev.Summary = Truncate(ev.Summary, MaxSummary)
	ev.Links = cleanLinks(ev.Links)
	if len(ev.Links) > MaxLinks {
		return arqir.FieldErrorf(arqir.EINVALID, "links", "the alert has %d links, over the limit of %d", len(ev.Links), MaxLinks)
	}
	if len(ev.Severity) > MaxSeverity {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "severity", "severity %q… is over %d bytes: use a word such as critical or P1", Truncate(ev.Severity, 16), MaxSeverity)
	}
	if len(ev.GroupKey) > MaxGroupKey {
		// A long group key still groups the same alerts once hashed.
		ev.GroupKey = "sha256:" + DerivedID(ev.GroupKey)
	}
	// The store's own check, last, so that its rules (UTF-8 text without
	// NUL, …) hold for every parsed event even as they evolve.
	if err := arqir.ValidateAlertEvents([]arqir.AlertEvent{*ev}); err != nil {
		e, ok := err.(*arqir.Error)
		if !ok {
			return err
		}
		out := *e
		out.Field = strings.TrimPrefix(strings.TrimPrefix(out.Field, "alerts[0]"), ".")
		return &out
	}
	return nil
}

// FitKey returns key if it fits MaxDedupKey, and otherwise a fixed-length
// key derived from it. Sources apply it to vendor identifiers that may be
// longer than arqir stores (an Opsgenie alias of 512 characters, a
// CloudWatch AlarmArn): the same long key always maps to the same short one,
// so repeats and resolves still meet.
func FitKey(key string) string {
	if len(key) <= MaxDedupKey {
		return key
	}
	return "sha256:" + DerivedID(key)
}

// WithField returns err with its Field prefixed by prefix ("alerts[3]"), so a
// Normalize error inside a list names the item. Other errors pass unchanged.
func WithField(err error, prefix string) error {
	e, ok := err.(*arqir.Error)
	if !ok {
		return err
	}
	out := *e
	switch {
	case out.Field == "":
		out.Field = prefix
	default:
		out.Field = prefix + "." + out.Field
	}
	out.Message = prefix + ": " + out.Message
	return &out
}

func checkLabels(field string, m map[string]string, maxCount, maxValue int) error {
	if len(m) > maxCount {
		return arqir.FieldErrorf(arqir.EINVALID, field, "the alert has %d %s, over the limit of %d: send fewer (they are for routing and context, not data)", len(m), field, maxCount)
	}
	for k, v := range m {
		switch {
		case k == "":
			return arqir.FieldErrorf(arqir.EINVALID, field, "%s contain an empty name", field)
		case len(k) > MaxLabelName:
			return arqir.FieldErrorf(arqir.EINVALID, field, "%s name %q… is %d bytes, over the %d-byte limit", field, Truncate(k, 32), len(k), MaxLabelName)
		case maxValue >= 0 && len(v) > maxValue:
			return arqir.FieldErrorf(arqir.EINVALID, field, "%s %q is %d bytes, over the %d-byte limit for a value", field, k, len(v), maxValue)
		}
	}
	return nil
}

// Truncate shortens s to at most limit bytes, ending in Ellipsis, without
// splitting a UTF-8 sequence.
func Truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := max(0, limit-len(Ellipsis))
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + Ellipsis
}

// TruncateRunes shortens s to at most n characters, the last one Ellipsis;
// vendors state their limits in characters (Opsgenie's 130).
func TruncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:max(0, n-1)]) + Ellipsis
}

func cleanLinks(links []string) []string {
	out := links[:0]
	seen := make(map[string]bool, len(links))
	for _, l := range links {
		if !IsWebURL(l) || len(l) > MaxLinkLength || seen[l] {
			continue
		}
		seen[l] = true
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// IsWebURL reports whether s is an absolute http or https URL with a host.
func IsWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// CheckCount refuses a request with more than MaxAlerts alerts. field names
// the list ("alerts", or "" for a top-level array).
func CheckCount(field string, n int) error {
	if n > MaxAlerts {
		return arqir.FieldErrorf(arqir.EINVALID, field, "the request carries %d alerts, over the limit of %d per request: split it", n, MaxAlerts)
	}
	return nil
}

// Index formats a list item's field prefix, e.g. Index("alerts", 3) is
// "alerts[3]".
func Index(list string, i int) string {
	return fmt.Sprintf("%s[%d]", list, i)
}
