package policy

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Count is a whole number in the policy, e.g. repeat: 2. Negative numbers
// read, so that the validator can say which value was wrong.
type Count int

func (c *Count) decodeNode(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return fmt.Errorf("must be a whole number like 2, got %s", describe(n))
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		return fmt.Errorf("must be a whole number like 2, got %q", n.Value)
	}
	*c = Count(v)
	return nil
}

// Mentions maps a service (or MentionAll) to whom the initial notice
// @mentions for it, e.g. {"*": [here], checkout: [S0123ABCD]}, and
// remembers the line of each key for problems.
type Mentions struct {
	Values map[string][]string
	lines  map[string]int
}

func (m *Mentions) decodeNode(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf(`must be a mapping of services to lists like {"*": [here], checkout: [S0123ABCD]}, got %s`, describe(n))
	}
	m.Values, m.lines = map[string][]string{}, map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolveAlias(n.Content[i]), resolveAlias(n.Content[i+1])
		if k.Kind != yaml.ScalarNode || isNull(k) {
			return fmt.Errorf(`keys must be service names or "*", got %s at line %d`, describe(k), k.Line)
		}
		if first, dup := m.lines[k.Value]; dup {
			return fmt.Errorf("%q is set twice (lines %d and %d): keep one", k.Value, first, k.Line)
		}
		list := StringList{}
		if !isNull(v) {
			if err := list.decodeNode(v); err != nil {
				return fmt.Errorf("the mentions of %q must be a list like [here, S0123ABCD], got %s at line %d", k.Value, describe(v), v.Line)
			}
		}
		m.Values[k.Value], m.lines[k.Value] = []string(list), k.Line
	}
	return nil
}

// sortedKeys returns the services in document order.
func (m Mentions) sortedKeys() []string {
	keys := slices.Collect(maps.Keys(m.Values))
	slices.SortFunc(keys, func(a, b string) int {
		if d := m.lines[a] - m.lines[b]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return keys
}
