package policy

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

// walker decodes a yaml.Node tree into the policy structs by reflection. It
// exists because yaml's own strict mode stops at the first unknown key and
// reports no paths: the walker keeps going, collects every problem with its
// path and line, and records where each path is for the validator.
type walker struct {
	problems []Problem
	lines    map[string]int  // path → line of its key (or list item)
	null     map[string]bool // path was written but left empty (~, null, nothing)
	failed   map[string]bool // path already has a problem; the validator skips it
	budget   int             // values left to visit; bounds alias expansion ("billion laughs")
}

// maxValues bounds how many values a policy may expand to. The ARQ policy has
// a few hundred; the bound only stops alias bombs.
const maxValues = 100_000

// nodeDecoder is implemented by the value types that read themselves from a
// YAML scalar (Duration, Clock, Comparison, ...). The error message is shown
// after the path, so it starts with what the value "must be".
type nodeDecoder interface {
	decodeNode(n *yaml.Node) error
}

var (
	weekdayType  = reflect.TypeFor[time.Weekday]()
	locationType = reflect.TypeFor[*time.Location]()
)

func newWalker() *walker {
	return &walker{
		lines:  map[string]int{},
		null:   map[string]bool{},
		failed: map[string]bool{},
		budget: maxValues,
	}
}

// fail records a problem at path and marks the path as failed.
func (w *walker) fail(path string, line int, format string, args ...any) {
	w.problems = append(w.problems, Problem{Path: path, Line: line, Message: fmt.Sprintf(format, args...)})
	w.failed[path] = true
}

// walk decodes n into v. line is the line of n's key, or of n itself for a
// list item, because "line 12: severities[0].title" should point at the key.
func (w *walker) walk(n *yaml.Node, v reflect.Value, path string, line int) {
	w.budget--
	if w.budget < 0 {
		if w.budget == -1 {
			w.fail("", line, "the document expands to more than %d values; remove repeated aliases", maxValues)
		}
		return
	}
	n = resolveAlias(n)
	w.lines[path] = line
	if isNull(n) {
		w.null[path] = true
		return
	}
	if d, ok := v.Addr().Interface().(nodeDecoder); ok {
		if err := d.decodeNode(n); err != nil {
			w.fail(path, line, "%s", err.Error())
		}
		return
	}
	switch v.Type() {
	case weekdayType:
		w.weekday(n, v, path, line)
		return
	case locationType:
		w.location(n, v, path, line)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		w.mapping(n, v, path)
	case reflect.Slice:
		w.list(n, v, path, line)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			w.fail(path, line, "must be text, got %s", describe(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&b) != nil {
			w.fail(path, line, "must be true or false, got %s", describe(n))
			return
		}
		v.SetBool(b)
	case reflect.Float64:
		var f float64
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") ||
			n.Decode(&f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			w.fail(path, line, "must be a number like 80 or 2.5, got %s", describe(n))
			return
		}
		v.SetFloat(f)
	default:
		panic(fmt.Sprintf("policy: no decoder for %s at %s", v.Type(), path)) // a schema bug, not bad input
	}
}

// mapping decodes a YAML mapping into the struct v, key by key.
func (w *walker) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		w.fail(path, w.lines[path], "must be a mapping of keys (key: value on separate lines), got %s", describe(n))
		return
	}
	fields := fieldsOf(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			w.fail(path, k.Line, "merge keys (<<) are not supported: write the keys out, or anchor the whole block and use the alias as the value")
			continue
		}
		if k.Kind != yaml.ScalarNode {
			w.fail(path, k.Line, "keys must be plain words like title, got %s", describe(k))
			continue
		}
		key, kp := k.Value, join(path, k.Value)
		if first, dup := seen[key]; dup {
			w.fail(kp, k.Line, "key %q is set twice (first on line %d): keep one", key, first)
			continue
		}
		seen[key] = k.Line
		idx, ok := fields.index[key]
		if !ok {
			if s := suggest(key, fields.keys); s != "" {
				w.fail(kp, k.Line, "unknown key %q; did you mean %q?", key, s)
				w.failed[join(path, s)] = true // the typo already explains the missing key
			} else {
				w.fail(kp, k.Line, "unknown key %q: remove it (keys allowed here: %s)", key, strings.Join(fields.keys, ", "))
			}
			continue
		}
		w.walk(val, v.Field(idx), kp, k.Line)
	}
}

// list decodes a YAML sequence into the slice v.
func (w *walker) list(n *yaml.Node, v reflect.Value, path string, line int) {
	if n.Kind != yaml.SequenceNode {
		w.fail(path, line, `must be a list (one "- item" per line, or [a, b]), got %s`, describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		w.walk(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i), item.Line)
	}
	v.Set(s)
}

func (w *walker) weekday(n *yaml.Node, v reflect.Value, path string, line int) {
	s, err := scalarText(n, "a weekday like Monday")
	if err != nil {
		w.fail(path, line, "%s", err.Error())
		return
	}
	names := make([]string, 7)
	for d := time.Sunday; d <= time.Saturday; d++ {
		names[d] = d.String()
		if strings.EqualFold(s, d.String()) || strings.EqualFold(s, d.String()[:3]) {
			v.SetInt(int64(d))
			return
		}
	}
	w.fail(path, line, "must be a weekday like Monday, got %q%s", s, didYouMean(s, names))
}

func (w *walker) location(n *yaml.Node, v reflect.Value, path string, line int) {
	s, err := scalarText(n, "a time zone like America/New_York")
	if err != nil {
		w.fail(path, line, "%s", err.Error())
		return
	}
	// "" and "Local" load without error but mean the server's zone, which
	// would make the rotation depend on where arqir happens to run.
	loc, err := time.LoadLocation(s)
	if s == "" || s == "Local" || err != nil {
		w.fail(path, line, "unknown time zone %q: use an IANA zone name like America/New_York or UTC", s)
		return
	}
	v.Set(reflect.ValueOf(loc))
}

// structFields maps YAML keys to struct field indexes.
type structFields struct {
	index map[string]int
	keys  []string // in declaration order, for messages
}

var fieldCache sync.Map // reflect.Type → *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{index: map[string]int{}}
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == "" || tag == "-" || !t.Field(i).IsExported() {
			continue
		}
		f.index[tag] = i
		f.keys = append(f.keys, tag)
	}
	fieldCache.Store(t, f)
	return f
}

// scalarText returns the text of a scalar node, or an error saying a single
// value like want was expected.
func scalarText(n *yaml.Node, want string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("must be %s, got %s", want, describe(n))
	}
	return n.Value, nil
}

// resolveAlias follows *alias references to the anchored node.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// describe names what a node is, for "got ..." in messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping (key: value)"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an unexpected value"
}

// join appends key to a path: "" + "severities" → "severities",
// "severities[0]" + "title" → "severities[0].title".
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// parent returns the enclosing path: "a[1].b" → "a[1]" → "a" → "".
func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}
