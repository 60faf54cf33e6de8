package web

import (
	"html/template"
	"net/http"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rca"
)

// The procedures page: the active policy rendered as the ARQ document,
// with its version, hash and the history of applied revisions. The
// document is rendered from its Markdown with the RCA export's safe subset
// (rca.MarkdownHTML): its headings, tables and lists read as a document,
// and nothing in it is ever output as markup.

// proceduresData is what templates/procedures.html reads.
type proceduresData struct {
	Active   *arqir.PolicyRecord
	Document template.HTML
	History  []*arqir.PolicyRecord
}

// proceduresPage shows the active policy and its history.
func (s *server) proceduresPage(w http.ResponseWriter, r *http.Request) {
	d := proceduresData{Active: s.policy.Active()}
	if d.Active != nil {
		d.Document = rca.MarkdownHTML(s.policy.Markdown())
	}
	var err error
	if d.History, err = s.policy.History(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "procedures", view{Title: "Procedures", Nav: "procedures", Data: d})
}
