package rca

import (
	"html/template"
	"strings"

	"github.com/arqir/arqir"
)

// htmlPage is the document as the HTML template reads it.
type htmlPage struct {
	Title    string
	Facts    []fact
	Sections []htmlSection
}

type htmlSection struct {
	ID, Title string
	Blocks    []block
}

// HTML exports an RCA as one self-contained HTML document: the same
// content as Markdown, with a small inline style and no external assets
// (its Content-Security-Policy forbids loading any). Everything is escaped
// by html/template; section bodies are rendered from a safe subset of
// Markdown (see blocks.go), never passed through as markup. inc may be nil.
func HTML(r *arqir.RCA, inc *arqir.Incident, items []*arqir.ActionItem) string {
	d := build(r, inc, items)
	p := htmlPage{Title: d.Title, Facts: d.Facts}
	for _, s := range d.Sections {
		body := s.Body
		if body == "" {
			body = "_Not written yet._"
		}
		p.Sections = append(p.Sections, htmlSection{ID: s.ID, Title: s.Title, Blocks: parseBlocks(body)})
	}
	var b strings.Builder
	if err := page.Execute(&b, p); err != nil {
		// The template is fixed and the data plain values: an error here
		// is a bug in this package, which its tests rule out.
		panic("rca: render the HTML export: " + err.Error())
	}
	return b.String()
}

// page is the document template; parts renders section bodies.
var page = func() *template.Template {
	t := template.Must(template.New("rca").Parse(pageHTML))
	template.Must(t.New("parts").Parse(partsHTML))
	return t
}()

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;background:#fff;margin:0}
main{max-width:60rem;margin:0 auto;padding:2rem 1.5rem}
h1{font-size:1.6rem;margin:0 0 1rem}
h2{font-size:1.25rem;margin:2rem 0 .75rem;padding-bottom:.25rem;border-bottom:1px solid #d0d7de}
h3,h4,h5{font-size:1rem;margin:1.25rem 0 .5rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
table{border-collapse:collapse;width:100%;margin:.75rem 0;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f6f8fa}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.875em;background:#f6f8fa;border-radius:4px}
code{padding:.1em .3em}
pre{padding:.75rem;overflow-x:auto;white-space:pre-wrap}
pre code{padding:0}
@media print{main{max-width:none;padding:0}}
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<dl class="facts">
{{- range .Facts}}
<dt>{{.Label}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
{{- range .Sections}}
<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{template "blocks" .Blocks}}
</section>
{{- end}}
</main>
</body>
</html>
`

const partsHTML = `{{define "blocks"}}{{range $i, $b := .}}{{if $i}}
{{end}}{{template "block" $b}}{{end}}{{end}}
{{- define "block"}}
{{- if eq .Kind "p"}}<p>{{range $i, $l := .Lines}}{{if $i}}<br>
{{end}}{{template "inlines" $l}}{{end}}</p>
{{- else if eq .Kind "h"}}{{$l := index .Lines 0}}
{{- if le .Level 1}}<h3>{{template "inlines" $l}}</h3>{{else if eq .Level 2}}<h4>{{template "inlines" $l}}</h4>{{else}}<h5>{{template "inlines" $l}}</h5>{{end}}
{{- else if eq .Kind "ul"}}<ul>{{range .Items}}
<li>{{template "inlines" .}}</li>{{end}}
</ul>
{{- else if eq .Kind "ol"}}<ol>{{range .Items}}
<li>{{template "inlines" .}}</li>{{end}}
</ol>
{{- else if eq .Kind "table"}}<table>
{{- if .Header}}
<thead><tr>{{range .Header}}<th>{{template "inlines" .}}</th>{{end}}</tr></thead>{{end}}
<tbody>{{range .Rows}}
<tr>{{range .}}<td>{{template "inlines" .}}</td>{{end}}</tr>{{end}}
</tbody>
</table>
{{- else if eq .Kind "pre"}}<pre><code>{{.Code}}</code></pre>
{{- else if eq .Kind "hr"}}<hr>
{{- end}}
{{- end}}
{{- define "inlines"}}
{{- range .}}
{{- if eq .Kind "text"}}{{.Text}}
{{- else if eq .Kind "code"}}<code>{{.Text}}</code>
{{- else if eq .Kind "strong"}}<strong>{{template "inlines" .Children}}</strong>
{{- else if eq .Kind "em"}}<em>{{template "inlines" .Children}}</em>
{{- else if eq .Kind "link"}}<a href="{{.URL}}" rel="noopener noreferrer">{{template "inlines" .Children}}</a>
{{- end}}
{{- end}}
{{- end}}`
