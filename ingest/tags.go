package ingest

import (
	"strings"
)

// AddTagLabels adds vendor tags to labels: "key:value" becomes key=value and
// a bare "tag" becomes tag="true", so label matchers in the policy can route
// on Datadog and Opsgenie tags. Existing labels win over tags. Tags are
// context, not identity: once labels reach MaxLabels, or for a tag too large
// to be a label, the tag is left out of the labels (callers keep the full
// list in the "tags" annotation) instead of refusing the alert.
func AddTagLabels(labels map[string]string, tags []string) {
	for _, tag := range tags {
		tag = strings.TrimSpace(tag)
		if tag == "" {
			continue
		}
		k, v, ok := strings.Cut(tag, ":")
		if !ok {
			v = "true"
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if _, exists := labels[k]; exists || k == "" || len(k) > MaxLabelName || len(v) > MaxLabelValue {
			continue
		}
		if len(labels) >= MaxLabels {
			return
		}
		labels[k] = v
	}
}

// SplitList splits a comma-separated list, trimming spaces and dropping
// empty items.
func SplitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// SetIf sets m[k] = v when v is not empty.
func SetIf(m map[string]string, k, v string) {
	if v != "" {
		m[k] = v
	}
}
