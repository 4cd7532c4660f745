package openapi

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServeHTTP answers GET /openapi/v3 (the index of group-versions, each with the
// URL of its document) and GET /openapi/v3/<api/v1|apis/group/version>. Anything
// else, /openapi/v2 included, is 404: kubectl falls back to v2 only when v3 is
// missing.
func (s *Spec) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rest, found := strings.CutPrefix(r.URL.Path, "/openapi/v3")
	if !found || (rest != "" && !strings.HasPrefix(rest, "/")) {
		http.NotFound(w, r)
		return
	}
	key := strings.Trim(rest, "/")
	if key == "" {
		s.serve(w, r, s.index, false)
		return
	}
	doc, found := s.docs[key]
	if !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Add("Vary", "Accept")
	if !acceptsJSON(r.Header.Get("Accept")) {
		// Upstream also offers protobuf; kubectl asks for JSON.
		http.Error(w, "only application/json is served", http.StatusNotAcceptable)
		return
	}
	if hash := r.URL.Query().Get("hash"); hash != "" {
		if hash != doc.hash {
			// A client holding an old URL is sent to the current one, as upstream does.
			http.Redirect(w, r, doc.url, http.StatusMovedPermanently)
			return
		}
		s.serve(w, r, doc, true)
		return
	}
	s.serve(w, r, doc, false)
}

// serve writes a document with its ETag; immutable marks a URL that carries the
// document's hash, which may be cached for a year since its content never changes.
func (s *Spec) serve(w http.ResponseWriter, r *http.Request, doc servedDoc, immutable bool) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Etag", strconv.Quote(doc.hash))
	if immutable {
		h.Set("Cache-Control", "public, immutable")
		h.Set("Expires", time.Now().AddDate(1, 0, 0).UTC().Format(http.TimeFormat))
	}
	// ServeContent answers If-None-Match and HEAD.
	http.ServeContent(w, r, "", s.builtAt, bytes.NewReader(doc.body))
}

// acceptsJSON reports whether an Accept header admits application/json.
func acceptsJSON(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return true
	}
	for _, clause := range strings.Split(accept, ",") {
		mediaRange, _, _ := strings.Cut(clause, ";")
		switch strings.ToLower(strings.TrimSpace(mediaRange)) {
		case "application/json", "application/*", "*/*":
			return true
		}
	}
	return false
}
