package policy

import (
	"fmt"
	"strings"
)

// Metric expressions of detection rules (D1–D4). A rule's expr is the PromQL
// whose value is compared with the rule's threshold; the comparison itself
// stays in the rule (comparison, threshold), so the rendered procedures,
// the exported Prometheus rules and the built-in evaluator cannot disagree
// about it. arqir does not link a PromQL parser (it is a large dependency
// of Prometheus itself): CheckExpr catches the mistakes that can be seen
// without one, and `promtool check rules` on the exported file is the full
// check.

// MaxExprLen bounds an expression; real ones are a few hundred bytes.
const MaxExprLen = 4096

// defaultExprs are the expressions of the ARQ metrics over node_exporter
// and the usual HTTP server metric names, for rules that leave expr out.
var defaultExprs = map[string]string{
	"cpu_utilization_percent":         `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))`,
	"memory_utilization_percent":      `100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)`,
	"http_request_error_rate_percent": `100 * sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m]))`,
}

// latencyMetric is the response-time metric whose default depends on the
// rule's percentile and unit.
const latencyMetric = "http_response_time_seconds"

// DefaultExpr returns the default expression of a rule that leaves expr
// out: the one for its metric (cpu_utilization_percent,
// memory_utilization_percent, http_request_error_rate_percent,
// http_response_time_seconds with its percentile), or "" for a metric
// arqir does not know.
func DefaultExpr(r DetectionRule) string {
	if e, ok := defaultExprs[r.Metric]; ok {
		return e
	}
	if r.Metric != latencyMetric {
		return ""
	}
	q := "0.95"
	if strings.HasPrefix(r.Aggregation, "p") {
		q = "0." + strings.ReplaceAll(r.Aggregation[1:], ".", "")
		if r.Aggregation == "p100" {
			q = "1"
		}
	}
	e := "histogram_quantile(" + q + ", sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))"
	if r.Unit == UnitMilliseconds {
		e = "1000 * " + e
	}
	return e
}

// exprDefaults fills in the default expression of rules that leave expr out.
func exprDefaults(p *Policy, w *walker) {
	for i := range p.Detection.Rules {
		if _, written := w.lines[fmt.Sprintf("detection.rules[%d].expr", i)]; !written {
			p.Detection.Rules[i].Expr = DefaultExpr(p.Detection.Rules[i])
		}
	}
}

// ruleExpr checks the expr of the rule at path at, when one is written.
func (c *checker) ruleExpr(at string, r DetectionRule) {
	path := at + ".expr"
	if _, written := c.w.lines[path]; !written {
		return
	}
	if strings.TrimSpace(r.Expr) == "" {
		c.errf(path, "must not be empty: write the PromQL whose value is compared with threshold, e.g. %s, or leave expr out", defaultExprs["cpu_utilization_percent"])
		return
	}
	if err := CheckExpr(r.Expr); err != nil {
		c.errf(path, "%s", err.Error())
	}
}

// CheckExpr finds the mistakes in a PromQL expression that show without a
// parser: emptiness, unbalanced brackets, unterminated strings, and a
// comparison at the top level (the rule's comparison and threshold are
// added to the expression, so it must not compare by itself).
func CheckExpr(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return fmt.Errorf("the expression is empty: write the PromQL whose value is compared with the threshold")
	}
	if len(expr) > MaxExprLen {
		return fmt.Errorf("the expression is %d bytes; keep it under %d (move parts into a Prometheus recording rule)", len(expr), MaxExprLen)
	}
	s := scanExpr(expr)
	switch {
	case s.err != "":
		return fmt.Errorf("%s in %q", s.err, abbreviate(expr))
	case s.comparison != "":
		return fmt.Errorf("compares with %q by itself: leave the comparison out of expr, arqir adds comparison and threshold from the rule", s.comparison)
	}
	return nil
}

// exprScan is what scanExpr learnt about an expression.
type exprScan struct {
	err        string // a syntax problem, "" when none was seen
	comparison string // a comparison operator outside any bracket
	setOp      bool   // and, or, unless outside any bracket: binds looser than a comparison
}

// scanExpr walks an expression's brackets, strings and comments, looking at
// what stands outside every bracket.
func scanExpr(expr string) exprScan {
	var out exprScan
	var stack []byte
	closing := map[byte]byte{')': '(', ']': '[', '}': '{'}
	for i := 0; i < len(expr); i++ {
		ch := expr[i]
		switch {
		case ch == '"' || ch == '\'' || ch == '`':
			end := stringEnd(expr, i)
			if end < 0 {
				out.err = fmt.Sprintf("the string starting at byte %d is not closed: end it with %c", i+1, ch)
				return out
			}
			i = end
		case ch == '#':
			for i < len(expr) && expr[i] != '\n' {
				i++
			}
		case ch == '(' || ch == '[' || ch == '{':
			stack = append(stack, ch)
		case ch == ')' || ch == ']' || ch == '}':
			if len(stack) == 0 || stack[len(stack)-1] != closing[ch] {
				out.err = fmt.Sprintf("%c at byte %d closes nothing that is open: balance the brackets", ch, i+1)
				return out
			}
			stack = stack[:len(stack)-1]
		case len(stack) > 0:
			// inside brackets: label matchers (=, !=, =~) and sub-expressions
		case ch == '=' || ch == '!' || ch == '<' || ch == '>':
			op := string(ch)
			if i+1 < len(expr) && expr[i+1] == '=' {
				op += "="
			}
			if op != "=" && op != "!" && out.comparison == "" {
				out.comparison = op
			}
		case isWordByte(ch):
			j := i
			for j < len(expr) && isWordByte(expr[j]) {
				j++
			}
			switch strings.ToLower(expr[i:j]) {
			case "and", "or", "unless":
				out.setOp = true
			}
			i = j - 1
		}
	}
	if len(stack) > 0 {
		out.err = fmt.Sprintf("%c is never closed: balance the brackets", stack[len(stack)-1])
	}
	return out
}

// stringEnd returns the index of the quote that ends the string starting at
// start, or -1. Backquoted strings have no escapes.
func stringEnd(s string, start int) int {
	q := s[start]
	for i := start + 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && q != '`':
			i++
		case s[i] == q:
			return i
		}
	}
	return -1
}

func isWordByte(c byte) bool {
	return c == '_' || c == ':' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// abbreviate shortens an expression for a message.
func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
