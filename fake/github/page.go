package github

import (
	"html/template"
	"net/http"
	"strconv"
)

// issuePage is what an issue's html_url shows: enough for a person running
// `arqir dev` who follows the link from an action item.
var issuePage = template.Must(template.New("issue").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.Title}} · Issue #{{.Number}}</title></head>
<body><h1>{{.Title}} <small>#{{.Number}}</small></h1>
<p>{{.State}}{{with .StateReason}} ({{.}}){{end}} · opened by {{.User.Login}}{{range .Labels}} · {{.Name}}{{end}}</p>
<pre>{{with .Body}}{{.}}{{end}}</pre>
<p><small>fake GitHub</small></p></body></html>
`))

// handlePage serves GET /{owner}/{repo}/issues/{number}, the html_url of
// an issue; public, like a public repository's pages.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("number"))
	is, ok := s.Issue(r.PathValue("owner")+"/"+r.PathValue("repo"), n)
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = issuePage.Execute(w, is)
}
