package openapi

import (
	"encoding/json"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/client-go/openapi3"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// kubectl apply computes its three-way strategic merge patch from the served
// schema (PatchMetaFromOpenAPIV3). It must come out the same as the patch the
// Go struct tags give, which is what the API server merges with. (Overwrite on,
// as kubectl apply's --overwrite defaults.)
func TestStrategicMergeFromSchema(t *testing.T) {
	_, dc := serve(t)
	root := openapi3.NewRoot(dc.OpenAPIV3())
	pod := runtimeschema.GroupVersionKind{Version: "v1", Kind: "Pod"}
	deploy := runtimeschema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	tests := map[string]struct {
		gvk                         runtimeschema.GroupVersionKind
		obj                         runtime.Object
		original, modified, current string
	}{
		"containers merge by name": {pod, &corev1.Pod{},
			`{"spec":{"containers":[{"name":"app","image":"app:1"}]}}`,
			`{"spec":{"containers":[{"name":"app","image":"app:2"}]}}`,
			`{"spec":{"containers":[{"name":"app","image":"app:1"},{"name":"sidecar","image":"proxy:1"}]}}`},
		"volume source swapped keeps one": {pod, &corev1.Pod{},
			`{"spec":{"volumes":[{"name":"data","emptyDir":{}}]}}`,
			`{"spec":{"volumes":[{"name":"data","hostPath":{"path":"/srv"}}]}}`,
			`{"spec":{"volumes":[{"name":"data","emptyDir":{}}]}}`},
		"label removed": {pod, &corev1.Pod{},
			`{"metadata":{"labels":{"app":"web","tier":"front"}}}`,
			`{"metadata":{"labels":{"app":"web"}}}`,
			`{"metadata":{"labels":{"app":"web","tier":"front","added":"by-someone"}}}`},
		"template env and ports": {deploy, &appsv1.Deployment{},
			`{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"A","value":"1"}],"ports":[{"containerPort":80}]}]}}}}`,
			`{"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"web","env":[{"name":"A","value":"2"},{"name":"B","value":"1"}],"ports":[{"containerPort":8080}]}]}}}}`,
			`{"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"web","env":[{"name":"A","value":"1"}],"ports":[{"containerPort":80}]}]}}}}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			doc, err := root.GVSpec(tc.gvk.GroupVersion())
			if err != nil {
				t.Fatal(err)
			}
			kindSchema := schemaOfKind(doc.Components.Schemas, tc.gvk)
			if kindSchema == nil {
				t.Fatalf("no schema tagged %s", tc.gvk)
			}
			fromSchema, err := strategicpatch.CreateThreeWayMergePatch([]byte(tc.original), []byte(tc.modified), []byte(tc.current),
				strategicpatch.PatchMetaFromOpenAPIV3{Schema: kindSchema, SchemaList: doc.Components.Schemas}, true)
			if err != nil {
				t.Fatalf("patch from schema: %v", err)
			}
			structMeta, err := strategicpatch.NewPatchMetaFromStruct(tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			fromStruct, err := strategicpatch.CreateThreeWayMergePatch([]byte(tc.original), []byte(tc.modified), []byte(tc.current), structMeta, true)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, fromSchema, fromStruct) {
				t.Errorf("patch from schema %s\n       from struct %s", fromSchema, fromStruct)
			}
		})
	}
}

// schemaOfKind finds a kind's schema the way kubectl apply does: by its
// x-kubernetes-group-version-kind.
func schemaOfKind(schemas map[string]*spec.Schema, want runtimeschema.GroupVersionKind) *spec.Schema {
	for _, s := range schemas {
		var kinds []gvk
		if s.Extensions.GetObject("x-kubernetes-group-version-kind", &kinds) != nil {
			continue
		}
		for _, k := range kinds {
			if k.Group == want.Group && k.Version == want.Version && k.Kind == want.Kind {
				return s
			}
		}
	}
	return nil
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}
