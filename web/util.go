package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/arqir/arqir"
)

func itoa(n int) string { return strconv.Itoa(n) }

func pad(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// actor is the signed-in person making a change through the web.
func actor(r *http.Request) arqir.Actor {
	return arqir.Actor{Name: sessionOf(r).Handle, Source: arqir.SourceWeb}
}

// incidentID reads the {id} of the path: 42 or INC-42.
func incidentID(r *http.Request) (arqir.IncidentID, error) {
	return arqir.ParseIncidentID(r.PathValue("id"))
}

// list splits a comma- or newline-separated field into trimmed items.
func list(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
