package openapi

import (
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/applyconfigurations"
	smd "sigs.k8s.io/structured-merge-diff/v6/schema"
)

// The +listType, +listMapKey, +mapType and +structType markers behind upstream's
// x-kubernetes-list-type/-list-map-keys/-map-type live in Go comments, out of
// reach of reflection. client-go compiles the same markers into the
// structured-merge-diff schema it uses for server-side apply, so we read them
// there: Container.ports is a map list keyed by containerPort *and* protocol,
// JobStatus.conditions is atomic despite its patchMergeKey, neither of which the
// struct tags tell.

// fieldShape is what the merge markers say about one field.
type fieldShape struct {
	listType string   // "atomic", "set" or "map"
	listKeys []string // for "map"
	mapType  string   // "atomic" for maps and structs replaced as a whole
}

// shapes holds the markers of every k8s.io/api type, by model name.
type shapes struct {
	fields map[string]map[string]fieldShape // type -> JSON field name -> shape
	atomic map[string]bool                  // structs marked +structType=atomic
}

var (
	loadShapesOnce sync.Once
	loadedShapes   *shapes
)

// knownShapes parses client-go's schema once per process (about 50 ms).
func knownShapes() *shapes {
	loadShapesOnce.Do(func() { loadedShapes = readShapes() })
	return loadedShapes
}

func readShapes() *shapes {
	out := &shapes{fields: map[string]map[string]fieldShape{}, atomic: map[string]bool{}}
	// The schema is only reachable through a typed value; a ConfigMap is the
	// cheapest object to convert.
	scheme := runtime.NewScheme()
	if err := corev1.AddToScheme(scheme); err != nil {
		return out
	}
	obj := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}}
	tv, err := applyconfigurations.NewTypeConverter(scheme).ObjectToTyped(obj)
	if err != nil {
		return out
	}
	for _, def := range tv.Schema().Types {
		m := def.Map
		if m == nil {
			continue
		}
		if m.ElementRelationship == smd.Atomic && len(m.Fields) > 0 {
			out.atomic[def.Name] = true
		}
		fields := map[string]fieldShape{}
		for _, f := range m.Fields {
			if s, ok := shapeOf(f.Type); ok {
				fields[f.Name] = s
			}
		}
		if len(fields) > 0 {
			out.fields[def.Name] = fields
		}
	}
	return out
}

func shapeOf(t smd.TypeRef) (fieldShape, bool) {
	switch {
	case t.Inlined.List != nil:
		l := t.Inlined.List
		switch {
		case l.ElementRelationship == smd.Associative && len(l.Keys) > 0:
			return fieldShape{listType: "map", listKeys: l.Keys}, true
		case l.ElementRelationship == smd.Associative:
			return fieldShape{listType: "set"}, true
		default:
			return fieldShape{listType: "atomic"}, true
		}
	case t.Inlined.Map != nil && t.Inlined.Map.ElementRelationship == smd.Atomic:
		return fieldShape{mapType: "atomic"}, true
	case t.ElementRelationship != nil && *t.ElementRelationship == smd.Atomic:
		// A reference to a struct, marked atomic where it is used.
		return fieldShape{mapType: "atomic"}, true
	}
	return fieldShape{}, false
}
