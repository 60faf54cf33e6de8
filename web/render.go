package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/kpi"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages are the parsed templates: each page file together with the layout
// and the shared partials, under the page's file name without .html.
type pages struct {
	byName map[string]*template.Template
}

// shared are the template files every page is parsed with.
var shared = []string{"templates/layout.html", "templates/partials.html"}

func mustParsePages() *pages {
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, shared...))
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, f := range files {
		if f == shared[0] || f == shared[1] {
			continue
		}
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, f))
		p.byName[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return p
}

// view is what the layout reads; Data is the page's own.
type view struct {
	Title   string
	Session *arqir.Session
	CSRF    string
	Flash   string
	Error   string
	Nav     string // the current section, for aria-current
	Data    any
}

// render writes a whole page: the layout around the page template's
// "content". A template failure is an internal error, never half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	if sess := sessionOf(r); sess != nil {
		v.Session, v.CSRF = sess, sess.CSRF
	}
	if v.Flash == "" {
		v.Flash = s.takeFlash(w, r)
	}
	s.execute(w, status, page, "layout", v)
}

// partial writes one named template of a page without the layout (an htmx
// fragment).
func (s *server) partial(w http.ResponseWriter, r *http.Request, page, name string, v view) {
	if sess := sessionOf(r); sess != nil {
		v.Session, v.CSRF = sess, sess.CSRF
	}
	s.execute(w, http.StatusOK, page, name, v)
}

func (s *server) execute(w http.ResponseWriter, status int, page, name string, v view) {
	t, ok := s.pages.byName[page]
	if !ok {
		s.log.Error("render: no such page template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		s.log.Error("render", "page", page, "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// flashCookie carries a one-time message across a redirect.
const flashCookie = "arqir_flash"

// redirect answers a form with 303 See Other to the page, with a message
// shown there once.
func (s *server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(flash), Path: "/",
			MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// takeFlash reads and clears the one-time message.
func (s *server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	msg, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	return msg
}

// fail answers an error of the store: ENOTFOUND is a 404 page, an internal
// error is logged and shown without detail, anything else shows its
// message (it says what to do).
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	msg := arqir.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		s.log.Error("web request", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "Something went wrong on our side; it was logged. Try again in a moment."
	}
	s.render(w, r, status, "error", view{Title: http.StatusText(status), Error: msg})
}

// statusOf maps an error code to its HTTP status, as the API does.
func statusOf(err error) int {
	switch arqir.ErrorCode(err) {
	case arqir.EINVALID:
		return http.StatusBadRequest
	case arqir.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case arqir.EFORBIDDEN:
		return http.StatusForbidden
	case arqir.ENOTFOUND:
		return http.StatusNotFound
	case arqir.ECONFLICT:
		return http.StatusConflict
	case arqir.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case arqir.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

func (s *server) forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	s.render(w, r, http.StatusForbidden, "error", view{Title: "Forbidden", Error: msg})
}

func (s *server) unauthorized(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusUnauthorized, "error", view{Title: "Sign in", Error: "Your session has ended. Sign in again."})
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "error", view{Title: "Not found", Error: "There is no page at " + r.URL.Path + "."})
}

// funcs are the template helpers.
var funcs = template.FuncMap{
	"sevClass": sevClass,
	"since":    func(now, t time.Time) string { return humanDuration(now.Sub(t)) },
	"until":    func(now, t time.Time) string { return humanDuration(t.Sub(now)) },
	"utc":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"lower":    strings.ToLower,
	"deref":    func(b *bool) bool { return b != nil && *b },
	"target": func(k arqir.KPI) string {
		if k.Target == nil {
			return ""
		}
		return kpi.FormatTarget(k.Unit, k.Comparison, *k.Target)
	},
	"join": strings.Join,
	"timeptr": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
}

// sevClass is the CSS class of a severity: sev1…sev4, else sev-other.
func sevClass(sev string) string {
	switch strings.ToUpper(strings.ReplaceAll(sev, " ", "")) {
	case "SEV1":
		return "sev1"
	case "SEV2":
		return "sev2"
	case "SEV3":
		return "sev3"
	case "SEV4":
		return "sev4"
	}
	return "sev-other"
}

// humanDuration writes a duration for people under stress: "3d 4h",
// "2h 05m", "4m 10s"; negative durations get a minus.
func humanDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Second)
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	mins, secs := int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case days > 0:
		return sign + itoa(days) + "d " + itoa(hours) + "h"
	case hours > 0:
		return sign + itoa(hours) + "h " + pad(mins) + "m"
	case mins > 0:
		return sign + itoa(mins) + "m " + pad(secs) + "s"
	}
	return sign + itoa(secs) + "s"
}
