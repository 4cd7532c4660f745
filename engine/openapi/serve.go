package openapi

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServeHTTP answers GET /openapi/v3 (the index of group-versions, each with the
// URL of its document), GET /openapi/v3/<api/v1|apis/group/version> and GET
// /openapi/v2 (the Swagger 2.0 document of everything, which kubectl reads for
// what v3 cannot tell it; see v2.go). Anything else is 404.
func (s *Spec) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == "/openapi/v2" {
		s.serveSwagger(w, r)
		return
	}
	rest, found := strings.CutPrefix(r.URL.Path, "/openapi/v3")
	if !found || (rest != "" && !strings.HasPrefix(rest, "/")) {
		http.NotFound(w, r)
		return
	}
	key := strings.Trim(rest, "/")
	if key == "" {
		s.serve(w, r, s.index, "application/json", false)
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
		s.serve(w, r, doc, "application/json", true)
		return
	}
	s.serve(w, r, doc, "application/json", false)
}

// serve writes a document with its ETag; immutable marks a URL that carries the
// document's hash, which may be cached for a year since its content never changes.
func (s *Spec) serve(w http.ResponseWriter, r *http.Request, doc servedDoc, contentType string, immutable bool) {
	h := w.Header()
	h.Set("Content-Type", contentType)
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

// serveSwagger answers /openapi/v2 in the encoding the client prefers: protobuf
// for client-go, JSON otherwise. Each encoding has its own ETag (the hash of its
// bytes), so a cached copy of one is never taken for the other.
func (s *Spec) serveSwagger(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Accept")
	asProto, ok := negotiateSwagger(r.Header.Get("Accept"))
	if !ok {
		http.Error(w, "only application/json and "+swaggerProtoMedia+" are served", http.StatusNotAcceptable)
		return
	}
	docs, err := s.swagger.get()
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if asProto {
		s.serve(w, r, docs.proto, swaggerProtoMedia, false)
		return
	}
	s.serve(w, r, docs.json, "application/json", false)
}

// negotiateSwagger picks the v2 encoding for an Accept header: the acceptable
// one with the highest q, the first listed on a tie; JSON for */* and for no
// header at all.
func negotiateSwagger(accept string) (asProto, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return false, true
	}
	best := 0.0
	for _, clause := range strings.Split(accept, ",") {
		mediaRange, params, _ := strings.Cut(clause, ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if v, found := strings.CutPrefix(strings.TrimSpace(p), "q="); found {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		if q <= best {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(mediaRange)) {
		case "application/json", "application/*", "*/*":
			asProto, ok, best = false, true, q
		case swaggerProtoMediaOld, swaggerProtoMedia:
			asProto, ok, best = true, true, q
		}
	}
	return asProto, ok
}
