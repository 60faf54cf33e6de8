package web

import (
	"net/http"

	"github.com/arqir/arqir"
)

// The procedures page: the active policy rendered as the ARQ document,
// with its version, hash and the history of applied revisions. The
// document is shown as its Markdown text in a <pre>: the rca package's
// renderer is not exported, and escaped Markdown reads well as it is.

// proceduresData is what templates/procedures.html reads.
type proceduresData struct {
	Active   *arqir.PolicyRecord
	Markdown string
	History  []*arqir.PolicyRecord
}

// proceduresPage shows the active policy and its history.
func (s *server) proceduresPage(w http.ResponseWriter, r *http.Request) {
	d := proceduresData{Active: s.policy.Active()}
	if d.Active != nil {
		d.Markdown = s.policy.Markdown()
	}
	var err error
	if d.History, err = s.policy.History(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "procedures", view{Title: "Procedures", Nav: "procedures", Data: d})
}
