package apiserver

import (
	"net/http"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// requestInfo is what a resource path and method mean.
type requestInfo struct {
	GV          schema.GroupVersion
	Namespace   string
	Resource    string
	Name        string
	Subresource string
	Verb        string // get list watch create update patch delete deletecollection
}

// parseRequest splits /api/v1/... and /apis/<group>/<version>/... paths the
// way the API server's RequestInfoFactory does.
func parseRequest(r *http.Request) (*requestInfo, bool) {
	path := strings.Trim(r.URL.Path, "/")
	parts := strings.Split(path, "/")
	ri := &requestInfo{}
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		ri.GV = schema.GroupVersion{Version: parts[1]}
		parts = parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		ri.GV = schema.GroupVersion{Group: parts[1], Version: parts[2]}
		parts = parts[3:]
	default:
		return nil, false
	}
	if parts[0] == "namespaces" && len(parts) > 1 {
		ri.Namespace = parts[1]
		// /namespaces/<name>/status and /finalize are the namespace's own
		// subresources, not a resource inside it.
		if len(parts) > 2 && parts[2] != "status" && parts[2] != "finalize" {
			parts = parts[2:]
		} else {
			ri.Namespace = ""
		}
	}
	ri.Resource = parts[0]
	if len(parts) > 1 {
		ri.Name = parts[1]
	}
	if len(parts) > 2 {
		ri.Subresource = parts[2]
	}
	if len(parts) > 3 {
		return nil, false
	}
	q := r.URL.Query()
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		switch {
		case ri.Name != "":
			ri.Verb = "get"
		case q.Get("watch") == "true" || q.Get("watch") == "1":
			ri.Verb = "watch"
		default:
			ri.Verb = "list"
		}
	case http.MethodPost:
		ri.Verb = "create"
	case http.MethodPut:
		ri.Verb = "update"
	case http.MethodPatch:
		ri.Verb = "patch"
	case http.MethodDelete:
		if ri.Name != "" {
			ri.Verb = "delete"
		} else {
			ri.Verb = "deletecollection"
		}
	default:
		return nil, false
	}
	return ri, true
}
