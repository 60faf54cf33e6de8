package policy

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	// Schedules name IANA zones; embedding the zone database keeps Load (and
	// Default) working on hosts and containers without /usr/share/zoneinfo.
	_ "time/tzdata"

	"go.yaml.in/yaml/v3"
)

//go:embed default.yaml
var defaultYAML []byte

// Load decodes and validates a policy document. On any problem it returns a
// *LoadError listing every problem found, each with its path and line.
func Load(data []byte) (*Policy, error) {
	p := &Policy{source: bytes.Clone(data)}
	if p.source == nil {
		p.source = []byte{}
	}
	root, problems := parse(p.source)
	if len(problems) > 0 {
		return nil, &LoadError{Problems: sortProblems(problems)}
	}
	w := newWalker()
	w.walk(root, reflect.ValueOf(p).Elem(), "", root.Line)
	applyDefaults(p, w)
	validate(p, w)
	if len(w.problems) > 0 {
		return nil, &LoadError{Problems: sortProblems(w.problems)}
	}
	return p, nil
}

// Default returns the embedded default policy: the ARQ procedures. It panics
// if the default does not validate, which a test rules out.
func Default() *Policy {
	p, err := Load(defaultYAML)
	if err != nil {
		panic("policy: the embedded default.yaml is invalid:\n" + err.Error())
	}
	return p
}

// DefaultYAML returns a copy of the embedded default policy document, e.g. as
// the starting point for a site's own policy.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// parse reads exactly one YAML document and returns its root node.
func parse(data []byte) (*yaml.Node, []Problem) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil, []Problem{{Message: "the policy is empty: it needs at least version, name and severities"}}
	} else if err != nil {
		return nil, []Problem{syntaxProblem(err, data)}
	}
	if len(doc.Content) == 0 {
		return nil, []Problem{{Message: "the policy is empty: it needs at least version, name and severities"}}
	}
	// yaml.Unmarshal would silently ignore a second document; a policy split
	// by a stray "---" must not lose its second half.
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, []Problem{{Line: extra.Line, Message: `a second YAML document starts here: a policy is one document, remove the "---" separator or the extra document`}}
	} else if !errors.Is(err, io.EOF) {
		return nil, []Problem{syntaxProblem(err, data)}
	}
	return doc.Content[0], nil
}

var (
	yamlLineRE   = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)
	yamlAnchorRE = regexp.MustCompile(`^yaml: unknown anchor '([^']*)' referenced$`)
)

// syntaxProblem turns a yaml parse error into a Problem with its line. yaml
// gives the line where the broken construct starts, which can be a line
// before the typo, hence "at or near".
func syntaxProblem(err error, data []byte) Problem {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{Line: line, Message: fmt.Sprintf("invalid YAML: %s; fix the YAML syntax at or near this line (indent with spaces, write key: value)", m[2])}
	}
	if m := yamlAnchorRE.FindStringSubmatch(msg); m != nil {
		// yaml names the anchor but not where it was used; find the use.
		line := 0
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			line = bytes.Count(data[:i], []byte("\n")) + 1
		}
		return Problem{Line: line, Message: fmt.Sprintf("invalid YAML: alias *%s refers to no anchor: define &%s on an earlier value, or fix the name", m[1], m[1])}
	}
	return Problem{Message: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// has reports whether path was written with a non-empty value.
func (w *walker) has(path string) bool {
	_, ok := w.lines[path]
	return ok && !w.null[path]
}

// applyDefaults fills in the values an absent key stands for. It runs before
// validation so that the validator sees the policy as arqir will use it.
func applyDefaults(p *Policy, w *walker) {
	for i := range p.Severities {
		if !w.has(fmt.Sprintf("severities[%d].page_at_night", i)) {
			p.Severities[i].PageAtNight = true
		}
	}
	if p.Communication.InitialNotification.Channel == "" {
		p.Communication.InitialNotification.Channel = p.Communication.Channel
	}
	if !w.has("post_incident.rca.remind_before") {
		p.PostIncident.RCA.RemindBefore = defaultRemindBefore
	}
	routingDefaults(p, w)
	pagingDefaults(p, w)
	exprDefaults(p, w)
	for i := range p.Oncall.Schedules {
		s := &p.Oncall.Schedules[i]
		at := fmt.Sprintf("oncall.schedules[%d]", i)
		s.Rotation.Handoff.HasWeekday = w.has(at + ".rotation.handoff.weekday")
		for j := range s.Layers {
			lt := fmt.Sprintf("%s.layers[%d]", at, j)
			s.Layers[j].Rotation.Handoff.HasWeekday = w.has(lt + ".rotation.handoff.weekday")
			s.Layers[j].Restricted = w.has(lt + ".restriction")
		}
	}
}
