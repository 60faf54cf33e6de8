package evaluate

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// maxSummaryLabels bounds how many labels a summary names; the alert
// carries all of them anyway.
const maxSummaryLabels = 4

// event is the alert event of a transition of one label set.
func event(r Rule, key string, s Series, status arqir.AlertStatus, endsAt time.Time) arqir.AlertEvent {
	ann := maps.Clone(r.Annotations)
	if ann == nil {
		ann = map[string]string{}
	}
	if !math.IsNaN(s.Value) {
		ann["value"] = strconv.FormatFloat(s.Value, 'g', -1, 64)
	}
	return arqir.AlertEvent{
		DedupKey:    key,
		Status:      status,
		Summary:     summary(r, s, status),
		Labels:      maps.Clone(s.Labels),
		Annotations: ann,
		Links:       slices.Clone(r.Links),
		StartsAt:    s.ActiveAt,
		EndsAt:      endsAt,
	}
}

// summary is "CPU > 80% for 5 minutes (D1): 93.5% (instance=host:9100)",
// and "…: resolved (instance=host:9100)" once the condition fails.
func summary(r Rule, s Series, status arqir.AlertStatus) string {
	text := r.Summary
	if text == "" {
		text = r.Alert + " " + r.Comparison + " " + strconv.FormatFloat(r.Threshold, 'g', -1, 64)
	}
	switch {
	case status == arqir.AlertResolved:
		text += ": resolved"
	case !math.IsNaN(s.Value):
		text += ": " + formatValue(r, s.Value)
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(s.Labels)) {
		if _, own := r.Labels[k]; own || k == "alertname" {
			continue
		}
		if len(parts) == maxSummaryLabels {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, k+"="+s.Labels[k])
	}
	if len(parts) > 0 {
		text += " (" + strings.Join(parts, ", ") + ")"
	}
	if len(text) > arqir.MaxAlertSummaryLen {
		text = truncate(text, arqir.MaxAlertSummaryLen)
	}
	return text
}

func formatValue(r Rule, v float64) string {
	if r.FormatValue != nil {
		return r.FormatValue(v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	for n > 0 && n < len(s) && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}
