package app

import (
	"context"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/policy"
	"github.com/arqir/arqir/web"
)

// apiPrefixes are the paths the API and ingest handler keeps; everything
// else is the web UI.
var apiPrefixes = []string{"/api/", "/ingest/", "/ical/", "/ack/"}

// apiPaths are the exact operational paths of the API handler.
var apiPaths = []string{"/healthz", "/readyz", "/metrics"}

// withWeb serves the browser UI of package web beside api (which keeps the
// API, ingest and operational paths exactly as Mount serves them).
func (a *App) withWeb(api http.Handler) http.Handler {
	ui := web.New(web.Config{
		Store:     a.Store,
		Policy:    webPolicy{a.Policies},
		Now:       a.cfg.Now,
		Logger:    a.cfg.Logger,
		PublicURL: a.cfg.PublicURL,
	})
	return MountWeb(api, ui)
}

// MountWeb sends the API's paths to api and every other path to ui.
func MountWeb(api, ui http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		for _, prefix := range apiPrefixes {
			if strings.HasPrefix(p, prefix) {
				api.ServeHTTP(w, r)
				return
			}
		}
		for _, exact := range apiPaths {
			if p == exact {
				api.ServeHTTP(w, r)
				return
			}
		}
		if p == "/api" || p == "/ingest" {
			api.ServeHTTP(w, r)
			return
		}
		ui.ServeHTTP(w, r)
	})
}

// webPolicy adapts the policy manager to what the web pages read.
type webPolicy struct{ p *Policies }

func (w webPolicy) Active() *arqir.PolicyRecord { return w.p.Active() }
func (w webPolicy) Rules() arqir.Rules          { return w.p.Rules() }
func (w webPolicy) Policy() *policy.Policy      { return w.p.Policy() }
func (w webPolicy) History(ctx context.Context) ([]*arqir.PolicyRecord, error) {
	return w.p.History(ctx)
}

// Markdown renders the active policy as the procedures document.
func (w webPolicy) Markdown() string {
	if p := w.p.Policy(); p != nil {
		return p.Render()
	}
	return ""
}
