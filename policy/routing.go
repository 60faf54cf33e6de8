package policy

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/arqir/arqir"
)

// Routing is how alerts from monitoring tools become incidents: the
// severity and service of an alert, which alerts share an incident, and when
// a re-firing alert reopens one (D1–D4). It is arqir's mechanics rather than
// the ARQ text, so Render leaves it out. Every key is optional; see the
// defaults on each field and the precedence in the routing package.
type Routing struct {
	// GroupBy names the labels whose values, with the integration, make an
	// alert's group: firing alerts of a group share its open incident.
	// "service" means the routed service, "source_group" the sender's own
	// group key. Default [alertname, service]; [] gives every alert its own
	// incident.
	GroupBy []string `yaml:"group_by"`
	// ReopenWithin is how soon after its incident resolved a firing alert of
	// the group reopens it instead of opening a new one (flapping). Default
	// 30m; 0s never reopens.
	ReopenWithin Duration `yaml:"reopen_within"`
	// DefaultSeverity is the severity when nothing else decides it. Default:
	// the least severe severity.
	DefaultSeverity string `yaml:"default_severity"`
	// SourceSeverities maps senders' severity words to severities, e.g.
	// {critical: SEV1, p5: SEV4}; it overrides the built-in table (the
	// routing package documents it). Words match ignoring case.
	SourceSeverities Labels `yaml:"source_severities"`
	// Routes are tried in order; the first whose matchers hold decides the
	// service and severity it sets.
	Routes []Route `yaml:"routes"`
}

// Route sends matching alerts to a service and severity.
type Route struct {
	// Match requires each label to have exactly this value.
	Match Labels `yaml:"match"`
	// MatchRE requires each label's whole value to match the regular
	// expression (RE2 syntax, anchored as in Prometheus).
	MatchRE Labels `yaml:"match_re"`
	// Service, when set, is the service of matching alerts.
	Service string `yaml:"service"`
	// Severity, when set, is the severity of matching alerts; it must be defined.
	Severity string `yaml:"severity"`
}

// Routing defaults, for absent keys.
var (
	defaultGroupBy      = []string{"alertname", arqir.GroupByService}
	defaultReopenWithin = Duration(30 * time.Minute)
)

// Labels is a mapping of names to text values in the policy, e.g.
// {team: payments}, that remembers the line of each key for problems.
type Labels struct {
	Values map[string]string
	lines  map[string]int
}

func (l *Labels) decodeNode(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("must be a mapping of names to values like {team: payments}, got %s", describe(n))
	}
	l.Values, l.lines = map[string]string{}, map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolveAlias(n.Content[i]), resolveAlias(n.Content[i+1])
		if k.Kind != yaml.ScalarNode || isNull(k) {
			return fmt.Errorf("names must be plain words like team, got %s at line %d", describe(k), k.Line)
		}
		if first, dup := l.lines[k.Value]; dup {
			return fmt.Errorf("%q is set twice (lines %d and %d): keep one", k.Value, first, k.Line)
		}
		if v.Kind != yaml.ScalarNode || isNull(v) {
			return fmt.Errorf("the value of %q must be text, got %s at line %d", k.Value, describe(v), v.Line)
		}
		l.Values[k.Value], l.lines[k.Value] = v.Value, k.Line
	}
	return nil
}

// sortedKeys returns the names in document order, so problems come out in
// line order and the same way each time.
func (l Labels) sortedKeys() []string {
	keys := slices.Collect(maps.Keys(l.Values))
	slices.SortFunc(keys, func(a, b string) int {
		if d := l.lines[a] - l.lines[b]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return keys
}

// labelNameRE is a Prometheus label name.
var labelNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// anchored compiles a label matcher the way Prometheus does: the whole
// value must match.
func anchored(expr string) (*regexp.Regexp, error) { return regexp.Compile("^(?:" + expr + ")$") }

// routingDefaults fills in what absent routing keys stand for.
func routingDefaults(p *Policy, w *walker) {
	r := &p.Routing
	if !w.has("routing.group_by") {
		r.GroupBy = slices.Clone(defaultGroupBy)
	}
	if !w.has("routing.reopen_within") {
		r.ReopenWithin = defaultReopenWithin
	}
	if r.DefaultSeverity == "" && len(p.Severities) > 0 {
		r.DefaultSeverity = p.Severities[len(p.Severities)-1].Name
	}
}

func (c *checker) routing() {
	r := c.p.Routing
	seen := map[string]int{}
	for i, name := range r.GroupBy {
		at := fmt.Sprintf("routing.group_by[%d]", i)
		switch j, dup := seen[name]; {
		case !labelNameRE.MatchString(name):
			c.errf(at, "must be a label name like alertname (letters, digits, _), or service or source_group, got %q", name)
		case dup:
			c.errf(at, "%q is listed twice (first at line %d): list each name once", name, c.line(fmt.Sprintf("routing.group_by[%d]", j)))
		default:
			seen[name] = i
		}
	}
	c.notNegative("routing.reopen_within", r.ReopenWithin)
	if c.w.has("routing.default_severity") {
		c.ref("routing.default_severity", r.DefaultSeverity, c.severities, "severity", "severities")
	}
	c.labelLines("routing.source_severities", r.SourceSeverities)
	for _, k := range r.SourceSeverities.sortedKeys() {
		c.ref("routing.source_severities."+k, r.SourceSeverities.Values[k], c.severities, "severity", "severities")
	}
	for i, rt := range r.Routes {
		c.route(fmt.Sprintf("routing.routes[%d]", i), rt)
	}
}

func (c *checker) route(at string, rt Route) {
	c.labelLines(at+".match", rt.Match)
	c.labelLines(at+".match_re", rt.MatchRE)
	if len(rt.Match.Values)+len(rt.MatchRE.Values) == 0 {
		c.missing(at+".match", "add match: {label: value} or match_re: {label: regex}; a route without matchers would take every alert (use default_severity for that)")
	}
	for _, k := range rt.Match.sortedKeys() {
		c.labelName(at+".match."+k, k)
	}
	for _, k := range rt.MatchRE.sortedKeys() {
		path := at + ".match_re." + k
		c.labelName(path, k)
		if _, err := anchored(rt.MatchRE.Values[k]); err != nil {
			c.errf(path, "invalid regular expression %q: %s; use RE2 syntax like \"checkout|payments\"", rt.MatchRE.Values[k], strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
	}
	switch {
	case rt.Service == "" && rt.Severity == "":
		c.missing(at+".service", "a route sets a service, a severity or both, e.g. service: checkout")
	case rt.Severity != "":
		c.ref(at+".severity", rt.Severity, c.severities, "severity", "severities")
	}
	if rt.Service != "" && (strings.TrimSpace(rt.Service) != rt.Service || len(rt.Service) > arqir.MaxNameLen) {
		c.errf(at+".service", "must be a service name of at most %d characters without surrounding spaces, got %q", arqir.MaxNameLen, rt.Service)
	}
}

// labelLines records the line of each key of a Labels mapping, so problems
// about one key point at its line.
func (c *checker) labelLines(path string, l Labels) {
	for k, line := range l.lines {
		c.w.lines[path+"."+k] = line
	}
}

func (c *checker) labelName(path, name string) {
	if !labelNameRE.MatchString(name) {
		c.errf(path, "must be a label name like alertname (letters, digits, _), got %q", name)
	}
}

// routingRules is the routing section as the routing package needs it.
// Expressions that do not compile (possible only in a policy built by hand,
// since Load refuses them) never match.
func (p *Policy) routingRules() arqir.RoutingRules {
	r := p.Routing
	out := arqir.RoutingRules{
		GroupBy:         slices.Clone(r.GroupBy),
		ReopenWithin:    r.ReopenWithin.Std(),
		DefaultSeverity: r.DefaultSeverity,
	}
	if len(r.SourceSeverities.Values) > 0 {
		out.SourceSeverities = map[string]string{}
		for k, v := range r.SourceSeverities.Values {
			out.SourceSeverities[strings.ToLower(k)] = v
		}
	}
	for _, rt := range r.Routes {
		route := arqir.Route{Match: maps.Clone(rt.Match.Values), Service: rt.Service, Severity: rt.Severity}
		if len(rt.MatchRE.Values) > 0 {
			route.MatchRE = map[string]*regexp.Regexp{}
			for k, v := range rt.MatchRE.Values {
				re, err := anchored(v)
				if err != nil {
					re = nil // Route.Matches treats it as never matching
				}
				route.MatchRE[k] = re
			}
		}
		out.Routes = append(out.Routes, route)
	}
	for _, d := range p.Detection.Rules {
		out.DetectionRules = append(out.DetectionRules, arqir.AlertRule{ID: d.ID, Name: d.Name, Metric: d.Metric, Severity: d.Severity, Runbook: d.Runbook})
	}
	return out
}
