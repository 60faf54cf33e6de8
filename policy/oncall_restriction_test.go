package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/arqir/arqir/policy"
)

// TestO2_RestrictionThatCoversNothingIsRefused: a restricted schedule whose
// window covers nothing — no weekdays, or a window that ends when it
// starts — would leave the secondary empty forever; loading refuses it at
// its YAML path.
func TestO2_RestrictionThatCoversNothingIsRefused(t *testing.T) {
	src := string(policy.Default().Source())
	for _, tc := range []struct {
		name, old, new, path, msg string
	}{
		{"no weekdays", "weekdays: [Monday, Tuesday, Wednesday, Thursday, Friday]", "weekdays: []", "oncall.schedules[1].restriction.weekdays", "list the covered days"},
		{"empty window", `to: "17:00"`, `to: "09:00"`, "oncall.schedules[1].restriction.to", "the window would be empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(src, tc.old) {
				t.Fatalf("the default policy no longer contains %q", tc.old)
			}
			_, err := policy.Load([]byte(strings.Replace(src, tc.old, tc.new, 1)))
			var le *policy.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("loaded: %v", err)
			}
			for _, p := range le.Problems {
				if p.Path == tc.path && strings.Contains(p.Message, tc.msg) {
					return
				}
			}
			t.Fatalf("problems %+v do not refuse %s with %q", le.Problems, tc.path, tc.msg)
		})
	}
}
