package policy_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir/policy"
)

// followSchedule is a third schedule written with layers: the weekly
// rotation around the clock and a daily one above it in business hours.
const followSchedule = `    - id: follow
      title: Follow the day
      description: Weekly, with a daily business-hours layer
      coverage: always
      layers:
        - name: weekly
          rotation: *weekly
        - name: business-hours
          rotation:
            length: 1d
            handoff:
              time: "09:00"
              zone: America/New_York
          restriction:
            weekdays: [Monday, Tuesday, Wednesday, Thursday, Friday]
            from: "09:00"
            to: "17:00"
            zone: America/New_York
`

// withFollow is the default policy with followSchedule after the
// secondary, changed by the replacements.
func withFollow(t *testing.T, replacements ...string) []byte {
	t.Helper()
	src := string(policy.Default().Source())
	const at = "  availability:\n    clause: O4\n"
	if !strings.Contains(src, at) {
		t.Fatalf("the default policy no longer contains %q", at)
	}
	doc := strings.Replace(src, at, followSchedule+at, 1)
	for i := 0; i+1 < len(replacements); i += 2 {
		next := strings.Replace(doc, replacements[i], replacements[i+1], 1)
		if next == doc {
			t.Fatalf("the layered policy does not contain %q", replacements[i])
		}
		doc = next
	}
	return []byte(doc)
}

// O1–O3: a schedule may list layers of rotations, each with its rotation
// and optional restriction; the default policy's single-rotation
// schedules are unchanged.
func TestO1_ScheduleWithLayersLoads(t *testing.T) {
	p, err := policy.Load(withFollow(t))
	if err != nil {
		t.Fatal(err)
	}
	s, ok := p.Schedule("follow")
	if !ok || len(s.Layers) != 2 {
		t.Fatalf("follow = %+v", s)
	}
	weekly, daily := s.Layers[0], s.Layers[1]
	if weekly.Name != "weekly" || weekly.Restricted || !weekly.Rotation.Handoff.HasWeekday || weekly.Rotation.Handoff.Weekday != time.Monday {
		t.Fatalf("weekly layer = %+v", weekly)
	}
	if daily.Name != "business-hours" || !daily.Restricted || daily.Rotation.Handoff.HasWeekday || len(daily.Restriction.Weekdays) != 5 || daily.Restriction.To.Hour != 17 {
		t.Fatalf("business-hours layer = %+v", daily)
	}
	for _, d := range policy.Default().Oncall.Schedules {
		if len(d.Layers) != 0 {
			t.Fatalf("default schedule %s has layers: the single-rotation form must stay as written", d.ID)
		}
	}
	md := p.Render()
	if !strings.Contains(md, "- Rotation (Follow the day, business-hours): Daily at 9 AM US/Eastern, Mon–Fri 9 AM–5 PM US/Eastern") {
		t.Fatalf("the render does not show the layers:\n%s", md)
	}
}

// A schedule with layers is refused where it is ambiguous or covers less
// than it says, at the path to fix.
func TestO1_ScheduleWithBadLayersIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name         string
		replacements []string
		path, msg    string
	}{
		{"rotation beside layers", []string{"      coverage: always\n      layers:", "      coverage: always\n      rotation: *weekly\n      layers:"},
			"oncall.schedules[2].rotation", "does not apply to a schedule with layers"},
		{"no layers", []string{"      layers:\n        - name: weekly\n          rotation: *weekly\n        - name: business-hours\n          rotation:\n            length: 1d\n            handoff:\n              time: \"09:00\"\n              zone: America/New_York\n          restriction:\n            weekdays: [Monday, Tuesday, Wednesday, Thursday, Friday]\n            from: \"09:00\"\n            to: \"17:00\"\n            zone: America/New_York\n", "      layers: []\n"},
			"oncall.schedules[2].layers", "at least one layer"},
		{"duplicate name", []string{"- name: business-hours", "- name: weekly"}, "oncall.schedules[2].layers[1].name", "duplicate layer name"},
		{"layer without rotation", []string{"        - name: weekly\n          rotation: *weekly\n", "        - name: weekly\n"}, "oncall.schedules[2].layers[0].rotation", "missing"},
		{"always but every layer restricted", []string{"        - name: weekly\n          rotation: *weekly\n", "        - name: weekly\n          rotation: *weekly\n          restriction: {weekdays: [Saturday], from: \"00:00\", to: \"12:00\", zone: America/New_York}\n"},
			"oncall.schedules[2].coverage", "every layer has a restriction"},
		{"restricted but a layer is not", []string{"coverage: always\n      layers:", "coverage: restricted\n      layers:"}, "oncall.schedules[2].coverage", "covers every hour"},
		{"empty window", []string{"            to: \"17:00\"\n            zone: America/New_York\n", "            to: \"09:00\"\n            zone: America/New_York\n"},
			"oncall.schedules[2].layers[1].restriction.to", "the window would be empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := policy.Load(withFollow(t, tc.replacements...))
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
