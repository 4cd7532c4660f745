package openapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"k8s.io/kube-openapi/pkg/handler3"
	"k8s.io/kube-openapi/pkg/spec3"
)

var servedGVs = []string{"api/v1", "apis/apps/v1", "apis/autoscaling/v2", "apis/batch/v1"}

// Every document reads as OpenAPI 3 with kube-openapi's own types, the way
// client-go's openapi3.Root parses it, and is self-contained: each $ref names a
// schema of the same document.
func TestDocumentsParseAndResolve(t *testing.T) {
	for _, key := range servedGVs {
		t.Run(key, func(t *testing.T) {
			var doc spec3.OpenAPI
			if err := json.Unmarshal(testSpec().docs[key].body, &doc); err != nil {
				t.Fatalf("spec3: %v", err)
			}
			if doc.Paths == nil || len(doc.Paths.Paths) == 0 || doc.Components == nil || len(doc.Components.Schemas) == 0 {
				t.Fatalf("empty document: %d paths", len(doc.Paths.Paths))
			}
			m := docMap(t, key)
			schemas := m["components"].(map[string]any)["schemas"].(map[string]any)
			for _, ref := range refsIn(m) {
				name, ok := strings.CutPrefix(ref, schemaRefPrefix)
				if _, found := schemas[name]; !ok || !found {
					t.Errorf("dangling $ref %q", ref)
				}
			}
			for _, shared := range []string{
				"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
				"io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
				"io.k8s.apimachinery.pkg.apis.meta.v1.Status",
				"io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
				"io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
			} {
				if _, ok := schemas[shared]; !ok {
					t.Errorf("missing shared schema %s", shared)
				}
			}
		})
	}
}

// The same resources give the same bytes, so a restarted server keeps the
// document URLs kubectl has cached.
func TestDeterministic(t *testing.T) {
	again := New(testResources())
	for key, d := range testSpec().docs {
		if again.docs[key].hash != d.hash {
			t.Errorf("%s: hash changed between builds", key)
		}
	}
}

func refsIn(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				out = append(out, s)
			}
			out = append(out, refsIn(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, refsIn(x)...)
		}
	}
	return out
}

func TestSchemas(t *testing.T) {
	core := docMap(t, "api/v1")
	batch := docMap(t, "apis/batch/v1")
	apps := docMap(t, "apis/apps/v1")
	tests := map[string]struct {
		doc          map[string]any
		schema, path string // path: dot-separated keys below the schema
		want         any
	}{
		"pod gvk": {core, "io.k8s.api.core.v1.Pod", "x-kubernetes-group-version-kind",
			[]any{map[string]any{"group": "", "version": "v1", "kind": "Pod"}}},
		"list gvk": {core, "io.k8s.api.core.v1.PodList", "x-kubernetes-group-version-kind",
			[]any{map[string]any{"group": "", "version": "v1", "kind": "PodList"}}},
		"type description": {core, "io.k8s.api.core.v1.Pod", "description",
			"Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts."},
		"inlined TypeMeta": {core, "io.k8s.api.core.v1.Pod", "properties.kind.type", "string"},
		"ref wrapped in allOf": {core, "io.k8s.api.core.v1.Pod", "properties.metadata.allOf",
			[]any{map[string]any{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}}},
		"container name required": {core, "io.k8s.api.core.v1.Container", "required", []any{"name"}},
		"pod spec required":       {core, "io.k8s.api.core.v1.PodSpec", "required", []any{"containers"}},
		"optional sans omitempty": {apps, "io.k8s.api.apps.v1.StatefulSetSpec", "required", []any{"selector", "template"}},
		"grpc service optional":   {core, "io.k8s.api.core.v1.GRPCAction", "required", []any{"port"}},
		"no required on pod":      {core, "io.k8s.api.core.v1.Pod", "required", nil},
		"containers merge key":    {core, "io.k8s.api.core.v1.PodSpec", "properties.containers.x-kubernetes-patch-merge-key", "name"},
		"containers strategy":     {core, "io.k8s.api.core.v1.PodSpec", "properties.containers.x-kubernetes-patch-strategy", "merge"},
		"volumes retainKeys":      {core, "io.k8s.api.core.v1.PodSpec", "properties.volumes.x-kubernetes-patch-strategy", "merge,retainKeys"},
		"containers list type":    {core, "io.k8s.api.core.v1.PodSpec", "properties.containers.x-kubernetes-list-type", "map"},
		"ports keyed by two":      {core, "io.k8s.api.core.v1.Container", "properties.ports.x-kubernetes-list-map-keys", []any{"containerPort", "protocol"}},
		"finalizers set":          {core, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "properties.finalizers.x-kubernetes-list-type", "set"},
		"conditions atomic":       {batch, "io.k8s.api.batch.v1.JobStatus", "properties.conditions.x-kubernetes-list-type", "atomic"},
		"atomic struct":           {core, "io.k8s.api.core.v1.LocalObjectReference", "x-kubernetes-map-type", "atomic"},
		"quantity":                {core, "io.k8s.apimachinery.pkg.api.resource.Quantity", "oneOf", []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}},
		"int or string":           {core, "io.k8s.apimachinery.pkg.util.intstr.IntOrString", "format", "int-or-string"},
		"time":                    {core, "io.k8s.apimachinery.pkg.apis.meta.v1.Time", "format", "date-time"},
		"raw extension":           {core, "io.k8s.apimachinery.pkg.runtime.RawExtension", "type", "object"},
		"bytes":                   {core, "io.k8s.api.core.v1.Secret", "properties.data.additionalProperties.format", "byte"},
		"int64":                   {core, "io.k8s.api.core.v1.PodSpec", "properties.terminationGracePeriodSeconds.format", "int64"},
		"limits": {core, "io.k8s.api.core.v1.ResourceRequirements", "properties.limits.additionalProperties.allOf",
			[]any{map[string]any{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got any = component(t, tc.doc, tc.schema)
			for _, key := range strings.Split(tc.path, ".") {
				m, _ := got.(map[string]any)
				got = m[key]
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s %s = %#v, want %#v", tc.schema, tc.path, got, tc.want)
			}
		})
	}
}

// Client-side apply looks for the kind's patch operation and reads whether it
// accepts strategic merge patches.
func TestPatchOperationsAcceptStrategicMerge(t *testing.T) {
	for _, r := range testResources() {
		if !r.has("patch") {
			continue
		}
		key := gvPath(r.GVK.GroupVersion())
		var doc spec3.OpenAPI
		if err := json.Unmarshal(testSpec().docs[key].body, &doc); err != nil {
			t.Fatal(err)
		}
		found := 0
		for path, item := range doc.Paths.Paths {
			op := item.Patch
			if op == nil {
				continue
			}
			var k gvk
			if err := op.Extensions.GetObject("x-kubernetes-group-version-kind", &k); err != nil || k.Kind != r.GVK.Kind {
				continue
			}
			found++
			if _, ok := op.RequestBody.Content["application/strategic-merge-patch+json"]; !ok {
				t.Errorf("%s: patch does not list strategic merge", path)
			}
		}
		if found == 0 {
			t.Errorf("%s: no patch operation", r.GVK)
		}
	}
}

// Every operation that takes an object body lists fieldValidation, so whichever
// of a kind's patch operations the verifier happens to read, it finds it.
func TestWritesListFieldValidation(t *testing.T) {
	for _, key := range servedGVs {
		var doc spec3.OpenAPI
		if err := json.Unmarshal(testSpec().docs[key].body, &doc); err != nil {
			t.Fatal(err)
		}
		for path, item := range doc.Paths.Paths {
			for method, op := range map[string]*spec3.Operation{"post": item.Post, "put": item.Put, "patch": item.Patch} {
				if op == nil || op.RequestBody == nil {
					continue
				}
				if !slices.ContainsFunc(op.Parameters, func(p *spec3.Parameter) bool {
					return p.Name == "fieldValidation" && p.In == "query"
				}) {
					t.Errorf("%s %s: no fieldValidation parameter", method, path)
				}
			}
		}
	}
}

func TestServeHTTP(t *testing.T) {
	s := testSpec()
	srv := httptest.NewServer(s)
	defer srv.Close()
	get := func(path string, header ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}

	var index handler3.OpenAPIV3Discovery
	resp := get("/openapi/v3")
	if err := json.NewDecoder(resp.Body).Decode(&index); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range index.Paths {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, servedGVs) {
		t.Fatalf("index lists %v, want %v", keys, servedGVs)
	}
	url := index.Paths["api/v1"].ServerRelativeURL
	if url != s.docs["api/v1"].url {
		t.Fatalf("index URL %q, want %q", url, s.docs["api/v1"].url)
	}

	resp = get(url, "Accept", "application/json")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" ||
		resp.Header.Get("Cache-Control") != "public, immutable" || resp.Header.Get("Expires") == "" {
		t.Errorf("hashed URL: %d %v", resp.StatusCode, resp.Header)
	}
	etag := resp.Header.Get("Etag")

	tests := map[string]struct {
		path   string
		header []string
		status int
	}{
		"unhashed":          {"/openapi/v3/apis/apps/v1", nil, http.StatusOK},
		"stale hash":        {"/openapi/v3/api/v1?hash=0123", nil, http.StatusMovedPermanently},
		"cached by etag":    {url, []string{"If-None-Match", etag}, http.StatusNotModified},
		"protobuf only":     {url, []string{"Accept", "application/com.github.proto-openapi.spec.v3@v1.0+protobuf"}, http.StatusNotAcceptable},
		"json among others": {url, []string{"Accept", "application/com.github.proto-openapi.spec.v3@v1.0+protobuf, application/json;q=0.9"}, http.StatusOK},
		"unknown version":   {"/openapi/v3/apis/apps/v2", nil, http.StatusNotFound},
		"v2":                {"/openapi/v2", nil, http.StatusOK},
		"below v2":          {"/openapi/v2/x", nil, http.StatusNotFound},
		"other prefix":      {"/openapi/v3x", nil, http.StatusNotFound},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp := get(tc.path, tc.header...)
			if resp.StatusCode != tc.status {
				t.Errorf("GET %s: %d, want %d", tc.path, resp.StatusCode, tc.status)
			}
			if tc.status == http.StatusMovedPermanently && resp.Header.Get("Location") != url {
				t.Errorf("redirected to %q, want %q", resp.Header.Get("Location"), url)
			}
		})
	}
}
