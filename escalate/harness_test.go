package escalate_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/escalate"
	"github.com/arqir/arqir/policy"
)

// Fixed instants of the tests, in New York where the ARQ business hours are.
var (
	ny = mustZone("America/New_York")
	// tuesday10 is inside business hours; tuesday02 is the middle of the night.
	tuesday10 = time.Date(2024, 3, 12, 10, 0, 0, 0, ny).UTC()
	tuesday02 = time.Date(2024, 3, 12, 2, 0, 0, 0, ny).UTC()
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// arq returns the rules of the default policy: the ARQ procedures.
func arq() arqir.Rules { return policy.Default().Rules(1) }

// harness plays an incident through the root's life-cycle functions and
// plans every change as the store would, inside the change.
type harness struct {
	t     *testing.T
	rules arqir.Rules
	p     *escalate.Planner
	inc   *arqir.Incident
}

func newHarness(t *testing.T, rules arqir.Rules) *harness {
	t.Helper()
	return &harness{t: t, rules: rules, p: escalate.New(rules.Paging)}
}

// declare opens INC-7 at now and plans it.
func (h *harness) declare(d arqir.Declaration, now time.Time) arqir.Plan {
	h.t.Helper()
	if d.Title == "" {
		d.Title = "Checkout down"
	}
	inc, events, err := arqir.NewIncident(d, h.rules, arqir.Actor{Name: "ada", Source: arqir.SourceCLI}, now)
	if err != nil {
		h.t.Fatalf("declare: %v", err)
	}
	inc.ID = 7
	h.inc = inc
	return h.p.Plan(nil, inc, events, now)
}

// change applies a life-cycle function at now and plans it.
func (h *harness) change(now time.Time, fn func(inc *arqir.Incident) ([]arqir.TimelineEvent, error)) arqir.Plan {
	h.t.Helper()
	before := clone(h.inc)
	events, err := fn(h.inc)
	if err != nil {
		h.t.Fatalf("change at %s: %v", now, err)
	}
	return h.p.Plan(before, h.inc, events, now)
}

// sweep breaches what is due at now, as the scheduler does, and plans it.
func (h *harness) sweep(now time.Time) arqir.Plan {
	h.t.Helper()
	return h.change(now, func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) { return inc.BreachDue(now), nil })
}

var ada = arqir.Actor{Name: "ada", Source: arqir.SourceCLI}

func (h *harness) ack(now time.Time) arqir.Plan {
	return h.change(now, func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) { return inc.Acknowledge(ada, now) })
}

func (h *harness) resolve(now time.Time) arqir.Plan {
	return h.change(now, func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
		return inc.Resolve(arqir.Resolution{RootCause: "bad deploy", CustomerImpact: "checkout failed for all"}, ada, now)
	})
}

func (h *harness) reopen(now time.Time) arqir.Plan {
	return h.change(now, func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
		return inc.Reopen(h.rules, "errors are back", ada, now)
	})
}

func (h *harness) severity(now time.Time, sev string) arqir.Plan {
	return h.change(now, func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
		return inc.ChangeSeverity(h.rules, sev, "", ada, now)
	})
}

// deadlines lists the incident's deadlines of a kind as "step@time".
func (h *harness) deadlines(kind string) []string {
	var out []string
	for _, d := range h.inc.Deadlines {
		if d.Kind == kind {
			s := fmt.Sprintf("%d@%s", d.Step, d.DueAt.UTC().Format(time.RFC3339))
			if d.CancelledAt != nil {
				s += " cancelled"
			}
			out = append(out, s)
		}
	}
	return out
}

func clone(inc *arqir.Incident) *arqir.Incident {
	c := *inc
	c.Services = slices.Clone(inc.Services)
	c.Responders = slices.Clone(inc.Responders)
	c.Checklist = slices.Clone(inc.Checklist)
	c.Deadlines = slices.Clone(inc.Deadlines)
	c.Refs = maps.Clone(inc.Refs)
	return &c
}

// of returns the intents of a purpose.
func of(p arqir.Plan, purpose string) []arqir.NotificationIntent {
	var out []arqir.NotificationIntent
	for _, n := range p.Notify {
		if n.Purpose == purpose {
			out = append(out, n)
		}
	}
	return out
}

// keys returns the keys of the intents of a purpose.
func keys(p arqir.Plan, purpose string) []string {
	var out []string
	for _, n := range of(p, purpose) {
		out = append(out, n.Key)
	}
	return out
}

// one returns the only intent of a purpose matching the filter.
func one(t *testing.T, p arqir.Plan, purpose string, match func(arqir.NotificationIntent) bool) arqir.NotificationIntent {
	t.Helper()
	var found []arqir.NotificationIntent
	for _, n := range of(p, purpose) {
		if match == nil || match(n) {
			found = append(found, n)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s intents match, want 1; plan:\n%s", len(found), purpose, dump(p))
	}
	return found[0]
}

func inThread(n arqir.NotificationIntent) bool    { return n.Message.InThread }
func inPlace(n arqir.NotificationIntent) bool     { return n.Message.UpdateInPlace }
func toSlack(n arqir.NotificationIntent) bool     { return n.Channel == arqir.ChannelSlackChannel }
func toPagerDuty(n arqir.NotificationIntent) bool { return n.Channel == arqir.ChannelPagerDuty }
func toEmail(n arqir.NotificationIntent) bool     { return n.Channel == arqir.ChannelEmail }

// eventsSaying returns the plan's events whose message contains s.
func eventsSaying(p arqir.Plan, s string) []arqir.TimelineEvent {
	var out []arqir.TimelineEvent
	for _, ev := range p.Events {
		if strings.Contains(ev.Message, s) {
			out = append(out, ev)
		}
	}
	return out
}

// dump writes a plan for failure messages.
func dump(p arqir.Plan) string {
	var b strings.Builder
	for _, n := range p.Notify {
		fmt.Fprintf(&b, "  notify %-15s %-45q target=%s channel=%s step=%d not_before=%s %q\n", n.Purpose, n.Key, n.Target, n.Channel, n.Step, n.NotBefore.UTC().Format(time.RFC3339), n.Message.Headline)
	}
	if len(p.Cancel) > 0 {
		fmt.Fprintf(&b, "  cancel %v: %s\n", p.Cancel, p.CancelReason)
	}
	for _, ev := range p.Events {
		fmt.Fprintf(&b, "  event %s: %s\n", ev.Kind, ev.Message)
	}
	return b.String()
}
