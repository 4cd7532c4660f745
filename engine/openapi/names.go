package openapi

import (
	"reflect"
	"strings"
)

// modelName is the component name upstream gives a Go type, such as
// "io.k8s.api.core.v1.Pod". The k8s.io/api and apimachinery types carry it
// (generated OpenAPIModelName methods); for any other type it is derived the same
// way: the package path with its domain reversed, dots for slashes.
func modelName(t reflect.Type) string {
	if named, ok := reflect.Zero(t).Interface().(interface{ OpenAPIModelName() string }); ok {
		return named.OpenAPIModelName()
	}
	pkg := t.PkgPath()
	domain, rest, _ := strings.Cut(pkg, "/")
	labels := strings.Split(domain, ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	name := strings.Join(labels, ".")
	if rest != "" {
		name += "." + strings.ReplaceAll(rest, "/", ".")
	}
	return name + "." + t.Name()
}

// docsOf returns a type's field descriptions keyed by JSON name, the type's own
// under "". k8s.io/api types have generated SwaggerDoc methods holding their Go
// doc comments; the few apimachinery types without one get ours.
func docsOf(t reflect.Type) map[string]string {
	if d, ok := reflect.Zero(t).Interface().(interface{ SwaggerDoc() map[string]string }); ok {
		return d.SwaggerDoc()
	}
	return extraDocs[modelName(t)]
}

// extraDocs describes the apimachinery types that have no SwaggerDoc method.
var extraDocs = map[string]map[string]string{
	"io.k8s.apimachinery.pkg.api.resource.Quantity": {
		"": "Quantity is a fixed-point number with an optional unit suffix, written as a string such as \"500m\", \"128Mi\" or \"2\" (a plain number is accepted too). Binary suffixes: Ki, Mi, Gi, Ti, Pi, Ei; decimal: m, k, M, G, T, P, E.",
	},
	"io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
		"": "IntOrString holds either an int32 or a string. In JSON and YAML it is written as the bare number or the bare string, so a field can accept a port number or a port name.",
	},
	"io.k8s.apimachinery.pkg.apis.meta.v1.Time": {
		"": "Time is a timestamp, written in RFC 3339 form (for example 2024-01-02T15:04:05Z).",
	},
	"io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": {
		"": "MicroTime is a timestamp with microsecond precision, written in RFC 3339 form.",
	},
	"io.k8s.apimachinery.pkg.apis.meta.v1.Duration": {
		"": "Duration is a length of time, written as a Go duration string such as \"1h30m\".",
	},
	"io.k8s.apimachinery.pkg.runtime.RawExtension": {
		"": "RawExtension holds a complete embedded object of any kind, kept as the JSON it was sent as.",
	},
	"io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent": {
		"":       "Event represents a single event to a watched resource.",
		"type":   "Type of the event: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.",
		"object": "Object is the new state of the object for ADDED and MODIFIED, its last state before deletion for DELETED, a Status for ERROR, and an object carrying only the resource version for BOOKMARK.",
	},
}
