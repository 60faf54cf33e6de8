package api

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

// ackPageStyle is the page's only style. The Content-Security-Policy
// allows exactly this text by its hash, and nothing else: no script, no
// other origin, forms posted only back to arqir.
const ackPageStyle = `body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem 1rem;background:#f6f7f9;color:#1b1f24}` +
	`main{max-width:34rem;margin:0 auto;background:#fff;border:1px solid #d5d9de;border-radius:8px;padding:1.5rem}` +
	`h1{font-size:1.3rem;margin:0 0 1rem}button{font:inherit;font-weight:600;padding:.75rem 1.25rem;border:0;border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer;width:100%}` +
	`.muted{color:#57606a}`

var ackPageCSP = "default-src 'none'; style-src 'sha256-" + styleHash(ackPageStyle) + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func styleHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// ackPage is what an acknowledge page shows: a heading, a few lines, and a
// button when there is something to acknowledge. Everything is escaped by
// html/template: titles and names are incident data.
type ackPage struct {
	Title   string
	Heading string
	Lines   []string
	Note    string
	Button  string
	Style   template.CSS
}

var ackPageTemplate = template.Must(template.New("ack").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{{.Title}} · arqir</title>
<style>{{.Style}}</style>
</head>
<body>
<main>
<h1>{{.Heading}}</h1>
{{range .Lines}}<p>{{.}}</p>
{{end}}{{if .Button}}<form method="post">
<button type="submit">{{.Button}}</button>
</form>
{{end}}{{if .Note}}<p class="muted">{{.Note}}</p>
{{end}}</main>
</body>
</html>
`))

// writeAckPage answers with the page. The token in the URL is a
// credential: the page sends no Referer and is kept by no cache.
func writeAckPage(w http.ResponseWriter, status int, p ackPage) {
	p.Style = template.CSS(ackPageStyle)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", ackPageCSP)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	var b strings.Builder
	if err := ackPageTemplate.Execute(&b, p); err != nil {
		// The template is fixed and its data plain strings: a failure is a bug.
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String())) // a failed write means the browser left
}

// writeAckError shows a refused link as a page, with the status writeError
// (the one mapping of errors to statuses) gives it, so a person who clicked
// a link in an e-mail reads what to do instead of JSON. Internal errors are
// logged there and shown with the generic message.
func (s *server) writeAckError(w http.ResponseWriter, r *http.Request, err error) {
	probe := &statusProbe{header: http.Header{}}
	s.writeError(probe, r, err)
	writeAckPage(w, probe.status, ackPage{
		Title:   "Acknowledge link",
		Heading: "This link cannot be used",
		Lines:   []string{arqir.ErrorMessage(err)},
	})
}

// statusProbe is a ResponseWriter that keeps only the status.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(code int)        { p.status = code }
