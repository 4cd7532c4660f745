// Package openapi generates, at start-up, the OpenAPI v3 documents a Kubernetes API
// server publishes under /openapi/v3, by reflection over the k8s.io/api Go types,
// and on first request the Swagger 2.0 document under /openapi/v2 (see v2.go).
//
// kubectl reads these documents for three things: whether the server validates
// fields itself (create/apply send fieldValidation=Strict when the operations list
// that query parameter), kubectl explain (descriptions and field lists), and the
// patch strategies behind client-side apply's strategic merge.
package openapi

import (
	"k8s.io/apimachinery/pkg/runtime"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"
)

// Resource is one REST resource the server serves, as discovery describes it.
type Resource struct {
	GVK        runtimeschema.GroupVersionKind
	Plural     string // "pods"
	Namespaced bool
	Object     runtime.Object // e.g. &corev1.Pod{}; required
	List       runtime.Object // e.g. &corev1.PodList{}; nil when the resource has no list
	// Verbs as in discovery: create, delete, deletecollection, get, list, patch,
	// update, watch.
	Verbs []string
	// Subresources by name. Described: "status", "scale", "finalize",
	// "ephemeralcontainers", "resize", "eviction", "binding", "token", "log",
	// "exec", "attach", "portforward", "proxy"; others get no operations.
	Subresources []string
}

func (r Resource) has(verb string) bool {
	for _, v := range r.Verbs {
		if v == verb {
			return true
		}
	}
	return false
}
