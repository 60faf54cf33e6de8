package api

import (
	"io"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rca"
)

// rcaExportFormats maps the accepted ?format= values to the document kind.
var rcaExportFormats = map[string]string{"markdown": "markdown", "md": "markdown", "html": "html"}

// handleExportRCA answers the RCA as a document to share: Markdown (the
// default) or a self-contained HTML page, with the incident's action
// items in its table (P2, P3).
func (s *server) handleExportRCA(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIncidentID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	for name := range q {
		if name != "format" {
			return arqir.FieldErrorf(arqir.EINVALID, name, "unknown query parameter %q: use format=markdown or format=html", name)
		}
	}
	format := "markdown"
	if v := strings.ToLower(strings.TrimSpace(q.Get("format"))); v != "" {
		if format = rcaExportFormats[v]; format == "" {
			return arqir.FieldErrorf(arqir.EINVALID, "format", "format=%q: use format=markdown or format=html", q.Get("format"))
		}
	}
	ctx := r.Context()
	doc, err := s.store.RCA(ctx, id)
	if err != nil {
		return err
	}
	inc, err := s.store.Incident(ctx, id)
	if err != nil {
		return err
	}
	items, err := s.store.ActionItems(ctx, arqir.ActionItemFilter{IncidentID: id, Limit: maxListLimit})
	if err != nil {
		return err
	}
	var text, contentType, ext string
	if format == "html" {
		text, contentType, ext = rca.HTML(doc, inc, items), "text/html; charset=utf-8", "html"
		// The page's own inline style may apply; scripts and everything
		// else stay refused, so hostile text in a section cannot run.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	} else {
		text, contentType, ext = rca.Markdown(doc, inc, items), "text/markdown; charset=utf-8", "md"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `inline; filename="`+id.String()+`-rca.`+ext+`"`)
	w.Header().Set("ETag", etag(doc.Version))
	w.WriteHeader(http.StatusOK)
	_, err = io.WriteString(w, text)
	if err != nil {
		// The status is sent; a broken connection only loses this answer.
		s.logger.DebugContext(ctx, "rca export not fully written", "incident", id, "err", err)
	}
	return nil
}
