package rca

import (
	"strings"
	"testing"
)

func TestMarkdownHTML(t *testing.T) {
	got := string(MarkdownHTML("# Severity levels <!-- S1 -->\n\n```\nkeep <!-- this -->\n```\n\n| Level | Response |\n|---|---|\n| SEV1 | **15 minutes** |\n\n- page the [on-call](https://example.com/oncall)\n- <script>alert(1)</script>\n- [bad](javascript:alert(1))\n"))
	for _, want := range []string{
		"<h3>Severity levels</h3>",
		"<th>Level</th>",
		"<td><strong>15 minutes</strong></td>",
		`<a href="https://example.com/oncall" rel="noopener noreferrer">on-call</a>`,
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"keep &lt;!-- this --&gt;", // code stays code
	} {
		if !strings.Contains(got, want) {
			t.Errorf("MarkdownHTML lacks %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{"<script>", `href="javascript:`, "S1"} {
		if strings.Contains(got, bad) {
			t.Errorf("MarkdownHTML let %q through:\n%s", bad, got)
		}
	}
}
