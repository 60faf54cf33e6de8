package web

import (
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

type declareData struct {
	Severities []arqir.SeverityRule
	Sources    []string
	Form       declareForm
}

// declareForm is what was typed, shown again with a validation message.
type declareForm struct {
	Title, Summary, Severity, Services, Source string
}

// declarePage shows the form to declare an incident.
func (s *server) declarePage(w http.ResponseWriter, r *http.Request) {
	s.showDeclare(w, r, http.StatusOK, "", declareForm{Source: arqir.SourceInternalObservation})
}

func (s *server) showDeclare(w http.ResponseWriter, r *http.Request, status int, msg string, f declareForm) {
	d := declareData{Severities: s.policy.Rules().Severities, Sources: arqir.ManualSources, Form: f}
	s.render(w, r, status, "declare", view{Title: "Declare an incident", Nav: "declare", Error: msg, Data: d})
}

// declare opens the incident and goes to its room.
func (s *server) declare(w http.ResponseWriter, r *http.Request) {
	f := declareForm{
		Title: strings.TrimSpace(r.PostFormValue("title")), Summary: strings.TrimSpace(r.PostFormValue("summary")),
		Severity: r.PostFormValue("severity"), Services: r.PostFormValue("services"), Source: r.PostFormValue("source"),
	}
	inc, err := s.store.Declare(r.Context(), arqir.Declaration{
		Title: f.Title, Summary: f.Summary, Severity: f.Severity, Services: list(f.Services),
		Detection: arqir.Detection{Kind: arqir.DetectionManual, Source: f.Source},
	}, actor(r))
	if code := arqir.ErrorCode(err); code == arqir.EINVALID || code == arqir.EUNPROCESSABLE {
		s.showDeclare(w, r, statusOf(err), arqir.ErrorMessage(err), f)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/incidents/"+itoa(int(inc.ID)), inc.ID.String()+" declared.")
}
