package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	openapi_v2 "github.com/google/gnostic-models/openapiv2"
	"google.golang.org/protobuf/proto"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"k8s.io/kubectl/pkg/cmd/apply"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	explainv1 "k8s.io/kubectl/pkg/explain"
	kubectlopenapi "k8s.io/kubectl/pkg/util/openapi"
)

func testSwagger(t testing.TB) swaggerDocs {
	t.Helper()
	docs, err := testSpec().swagger.get()
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// swaggerResources reads the served document the way kubectl does: fetched by
// client-go's discovery client (protobuf), then indexed by kubectl's openapi
// package, which resolves every $ref between definitions.
func swaggerResources(t *testing.T, srv *httptest.Server) kubectlopenapi.Resources {
	t.Helper()
	dc, err := discovery.NewDiscoveryClientForConfig(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := dc.OpenAPISchema()
	if err != nil {
		t.Fatalf("discovery OpenAPISchema: %v", err)
	}
	res, err := kubectlopenapi.NewOpenAPIData(doc)
	if err != nil {
		t.Fatalf("kubectl openapi: %v", err)
	}
	return res
}

// The JSON reads with gnostic, the protobuf is the same document, and nothing
// refers to a definition that is not there.
func TestSwaggerParses(t *testing.T) {
	docs := testSwagger(t)
	fromJSON, err := openapi_v2.ParseDocument(docs.json.body)
	if err != nil {
		t.Fatalf("gnostic: %v", err)
	}
	var fromProto openapi_v2.Document
	if err := proto.Unmarshal(docs.proto.body, &fromProto); err != nil {
		t.Fatalf("protobuf: %v", err)
	}
	if !proto.Equal(fromJSON, &fromProto) {
		t.Error("protobuf and JSON documents differ")
	}
	if got := len(fromProto.GetDefinitions().GetAdditionalProperties()); got < 100 {
		t.Errorf("%d definitions", got)
	}

	var m map[string]any
	if err := json.Unmarshal(docs.json.body, &m); err != nil {
		t.Fatal(err)
	}
	defs := m["definitions"].(map[string]any)
	for _, ref := range refsIn(m) {
		name, ok := strings.CutPrefix(ref, definitionsRefPrefix)
		if _, found := defs[name]; !ok || !found {
			t.Errorf("dangling $ref %q", ref)
		}
	}
	if strings.Contains(string(docs.json.body), `"allOf"`) || strings.Contains(string(docs.json.body), `"oneOf"`) {
		t.Error("allOf or oneOf left in a Swagger 2.0 document")
	}
	// Every group-version's paths are in the one document.
	paths := m["paths"].(map[string]any)
	for _, p := range []string{"/api/v1/namespaces/{namespace}/pods/{name}", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale",
		"/apis/batch/v1/jobs", "/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers"} {
		if _, ok := paths[p]; !ok {
			t.Errorf("no path %s", p)
		}
	}
}

func TestSwaggerDeterministic(t *testing.T) {
	again, err := New(testResources()).swagger.get()
	if err != nil {
		t.Fatal(err)
	}
	docs := testSwagger(t)
	if again.json.hash != docs.json.hash || again.proto.hash != docs.proto.hash {
		t.Error("v2 document changed between builds")
	}
}

func TestSwaggerSchemas(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(testSwagger(t).json.body, &doc); err != nil {
		t.Fatal(err)
	}
	def := func(name string) any { return doc["definitions"].(map[string]any)[name] }
	op := func(path, method string) any { return doc["paths"].(map[string]any)[path].(map[string]any)[method] }
	podPatch := op("/api/v1/namespaces/{namespace}/pods/{name}", "patch")
	tests := map[string]struct {
		root any
		path string
		want any
	}{
		"pod gvk": {def("io.k8s.api.core.v1.Pod"), "x-kubernetes-group-version-kind",
			[]any{map[string]any{"group": "", "version": "v1", "kind": "Pod"}}},
		"ref with description": {def("io.k8s.api.core.v1.Pod"), "properties.metadata", map[string]any{
			"$ref":        "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
			"description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
		}},
		"items ref": {def("io.k8s.api.core.v1.PodSpec"), "properties.containers.items",
			map[string]any{"$ref": "#/definitions/io.k8s.api.core.v1.Container"}},
		"merge key":         {def("io.k8s.api.core.v1.PodSpec"), "properties.containers.x-kubernetes-patch-merge-key", "name"},
		"strategy":          {def("io.k8s.api.core.v1.PodSpec"), "properties.volumes.x-kubernetes-patch-strategy", "merge,retainKeys"},
		"list map keys":     {def("io.k8s.api.core.v1.Container"), "properties.ports.x-kubernetes-list-map-keys", []any{"containerPort", "protocol"}},
		"required":          {def("io.k8s.api.core.v1.Container"), "required", []any{"name"}},
		"quantity a string": {def("io.k8s.apimachinery.pkg.api.resource.Quantity"), "type", "string"},
		"int or string":     {def("io.k8s.apimachinery.pkg.util.intstr.IntOrString"), "format", "int-or-string"},
		"patch action":      {podPatch, "x-kubernetes-action", "patch"},
		"patch gvk":         {podPatch, "x-kubernetes-group-version-kind", map[string]any{"group": "", "version": "v1", "kind": "Pod"}},
		"patch consumes": {podPatch, "consumes", []any{"application/apply-patch+yaml", "application/json-patch+json",
			"application/merge-patch+json", "application/strategic-merge-patch+json"}},
		"patch 200":     {podPatch, "responses.200.schema.$ref", "#/definitions/io.k8s.api.core.v1.Pod"},
		"read consumes": {op("/api/v1/namespaces/{namespace}/pods/{name}", "get"), "consumes", []any{"*/*"}},
		"log produces": {op("/api/v1/namespaces/{namespace}/pods/{name}/log", "get"), "produces",
			[]any{"application/json", "application/vnd.kubernetes.protobuf", "application/yaml", "text/plain"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := tc.root
			for _, key := range strings.Split(tc.path, ".") {
				m, _ := got.(map[string]any)
				got = m[key]
			}
			if !jsonEqualValues(got, tc.want) {
				t.Errorf("%s = %#v, want %#v", tc.path, got, tc.want)
			}
		})
	}

	// The body is a parameter, and fieldValidation a query parameter with its
	// type inline: what cli-runtime's v2 verifier looks for.
	params := podPatch.(map[string]any)["parameters"].([]any)
	if body := params[0].(map[string]any); body["in"] != "body" || body["schema"].(map[string]any)["$ref"] != "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch" {
		t.Errorf("first patch parameter %v, want the body", body)
	}
	if !slices.ContainsFunc(params, func(p any) bool {
		q := p.(map[string]any)
		return q["name"] == "fieldValidation" && q["in"] == "query" && q["type"] == "string"
	}) {
		t.Errorf("patch parameters lack fieldValidation: %v", params)
	}
}

func jsonEqualValues(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// kubectl's view of the document: every served kind (and list kind) found by
// its GVK, and the patch types apply reads from "consumes".
func TestSwaggerThroughKubectl(t *testing.T) {
	srv := httptest.NewServer(testSpec())
	t.Cleanup(srv.Close)
	res := swaggerResources(t, srv)
	for _, r := range testResources() {
		if res.LookupResource(r.GVK) == nil {
			t.Errorf("%s: no schema", r.GVK)
		}
		if r.List != nil && res.LookupResource(r.GVK.GroupVersion().WithKind(r.GVK.Kind+"List")) == nil {
			t.Errorf("%sList: no schema", r.GVK)
		}
		if r.has("patch") && !slices.Contains(res.GetConsumes(r.GVK, "PATCH"), "application/strategic-merge-patch+json") {
			t.Errorf("%s: patch does not take strategic merge: %v", r.GVK, res.GetConsumes(r.GVK, "PATCH"))
		}
	}
}

// kubectl's factory, as `kubectl apply -f` and `kubectl create -f` build it with
// --validate=strict (the default), on manifests the v3 documents cannot vouch
// for: a v1 List (what `kubectl get -o yaml` writes) and a kind without a patch
// operation. kubectl then validates on its side, from /openapi/v2.
func TestKubectlValidatesFromV2(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/openapi/", testSpec())
	// For a kind without a patch operation cli-runtime's v2 verifier asks whether
	// it is a CRD before it settles on client-side validation; the API server must
	// answer this list (empty will do), or kubectl stops with "failed to check CRD".
	mux.HandleFunc("GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinitionList","metadata":{"resourceVersion":"1"},"items":[]}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	validator := kubectlValidator(t, srv.URL)

	const pods = `apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: v1
  kind: Pod
  metadata:
    creationTimestamp: "2025-01-02T03:04:05Z"
    labels: {app: web}
    name: web-1
    namespace: default
    resourceVersion: "12"
    uid: 0b3c8f5e-1d7a-4c1e-9f0a-5d1c2b3a4e5f
  spec:
    containers:
    - name: web
      image: nginx:1.27
      ports:
      - containerPort: 80
        protocol: TCP
      resources:
        limits: {cpu: 500m, memory: 128Mi}
        requests: {cpu: 1, memory: "64Mi"}
      %s
    nodeName: node-1
    restartPolicy: Always
  status:
    conditions:
    - lastTransitionTime: "2025-01-02T03:04:06Z"
      status: "True"
      type: Ready
    containerStatuses:
    - image: nginx:1.27
      imageID: docker.io/library/nginx@sha256:0123
      name: web
      ready: true
      restartCount: 0
      state:
        running: {startedAt: "2025-01-02T03:04:06Z"}
    phase: Running
    podIP: 10.244.0.5
- apiVersion: v1
  kind: Pod
  metadata: {name: web-2, namespace: default}
  spec:
    containers:
    - {name: web, image: nginx:1.27}
`
	const binding = `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"web-1"},"target":{"kind":"Node","name":"node-1"%s}}`
	const stop = "; if you choose to ignore these errors, turn validation off with --validate=false"
	tests := map[string]struct {
		manifest string
		want     string // kubectl's error, "" for none
	}{
		"list":         {fmt.Sprintf(pods, ""), ""},
		"list unknown": {fmt.Sprintf(pods, "portz: 80"), `error validating data: ValidationError(Pod.spec.containers[0]): unknown field "portz" in io.k8s.api.core.v1.Container` + stop},
		"list required": {strings.Replace(fmt.Sprintf(pods, ""), "- {name: web, image: nginx:1.27}", "- {image: nginx:1.27}", 1),
			`error validating data: ValidationError(Pod.spec.containers[0]): missing required field "name" in io.k8s.api.core.v1.Container` + stop},
		"list wrong type": {fmt.Sprintf(pods, "stdin: [true]"), `error validating data: ValidationError(Pod.spec.containers[0].stdin): invalid type for io.k8s.api.core.v1.Container.stdin: got "array", expected "boolean"` + stop},
		"binding":         {fmt.Sprintf(binding, ""), ""},
		"binding unknown": {fmt.Sprintf(binding, `,"nmae":"x"`), `error validating data: ValidationError(Binding.target): unknown field "nmae" in io.k8s.api.core.v1.ObjectReference` + stop},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			// kubectl's file reader turns each YAML document into JSON, then makes
			// this call, which words the error the user sees.
			data, err := yaml.ToJSON([]byte(tc.manifest))
			if err != nil {
				t.Fatal(err)
			}
			err = resource.ValidateSchema(data, validator)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("kubectl validation:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func kubectlValidator(t *testing.T, server string) interface{ ValidateBytes([]byte) error } {
	t.Helper()
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "config")
	config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: kt, cluster: {server: %q}}]
users: [{name: kt, user: {}}]
contexts: [{name: kt, context: {cluster: kt, user: kt}}]
current-context: kt
`, server)
	if err := os.WriteFile(kubeconfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig = &kubeconfig
	cacheDir := filepath.Join(dir, "cache")
	flags.CacheDir = &cacheDir
	validator, err := cmdutil.NewFactory(flags).Validator(metav1.FieldValidationStrict)
	if err != nil {
		t.Fatal(err)
	}
	return validator
}

// v2Getter hands kubectl apply's Patcher the v2 document, as the factory does.
type v2Getter struct{ res kubectlopenapi.Resources }

func (g v2Getter) OpenAPISchema() (kubectlopenapi.Resources, error) { return g.res, nil }

// kubectl apply without the v3 documents (older flows, and kinds whose v3
// document lacks a strategic-merge patch) computes its patch from the v2
// schema. As in TestKubectlApplyPatchesFromSchema the group is one kubectl's
// scheme does not know, so the merge by name can only come from the document.
func TestKubectlApplyPatchesFromV2(t *testing.T) {
	gv := runtimeschema.GroupVersion{Group: "kubetour.test", Version: "v1"}
	spec := New([]Resource{res(gv.Group, gv.Version, "Pod", "pods", true, &corev1.Pod{}, &corev1.PodList{}, crud)})

	current := `{"apiVersion":"kubetour.test/v1","kind":"Pod","metadata":{"name":"web","namespace":"default","annotations":{
		"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"kubetour.test/v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"app:1\"}]}}"}},
		"spec":{"containers":[{"name":"app","image":"app:1"},{"name":"sidecar","image":"proxy:1"}]}}`
	modified := `{"apiVersion":"kubetour.test/v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":{"containers":[{"name":"app","image":"app:2"}]}}`

	var sentType, sentPatch string
	mux := http.NewServeMux()
	mux.Handle("/openapi/", spec)
	mux.HandleFunc("PATCH /apis/kubetour.test/v1/namespaces/default/pods/web", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sentType, sentPatch = r.Header.Get("Content-Type"), string(body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, current)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	cfg := &rest.Config{Host: srv.URL, APIPath: "/apis", ContentConfig: resource.UnstructuredPlusDefaultContentConfig()}
	cfg.GroupVersion = &gv
	client, err := rest.RESTClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mapping := &meta.RESTMapping{Resource: gv.WithResource("pods"), GroupVersionKind: gv.WithKind("Pod"), Scope: meta.RESTScopeNamespace}
	patcher := &apply.Patcher{
		Mapping:       mapping,
		Helper:        resource.NewHelper(client, mapping),
		Overwrite:     true,
		Retries:       1,
		OpenAPIGetter: v2Getter{swaggerResources(t, srv)},
	}
	obj := &unstructured.Unstructured{}
	if err := json.Unmarshal([]byte(current), &obj.Object); err != nil {
		t.Fatal(err)
	}
	var warnings bytes.Buffer
	if _, _, err := patcher.Patch(obj, []byte(modified), "web.yaml", "default", "web", &warnings); err != nil {
		t.Fatalf("patch: %v", err)
	}
	if warnings.Len() > 0 {
		t.Errorf("kubectl warned: %s", warnings.String())
	}
	if sentType != "application/strategic-merge-patch+json" {
		t.Errorf("patch sent as %q, want a strategic merge patch", sentType)
	}
	want := `{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"image":"app:2","name":"app"}]}}`
	if !jsonEqual(t, []byte(sentPatch), []byte(want)) {
		t.Errorf("patch sent %s, want %s", sentPatch, want)
	}
}

// kubectl explain --output=plaintext-openapiv2 renders from the v2 document.
func TestExplainV2(t *testing.T) {
	srv := httptest.NewServer(testSpec())
	t.Cleanup(srv.Close)
	pod := runtimeschema.GroupVersionKind{Version: "v1", Kind: "Pod"}
	s := swaggerResources(t, srv).LookupResource(pod)
	var out bytes.Buffer
	if err := explainv1.PrintModelDescription([]string{"spec", "containers"}, &out, s, pod, false, 0); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"KIND:     Pod\nVERSION:  v1\n",
		"RESOURCE: containers <[]Object>",
		"List of containers belonging to the pod.",
		"   name\t<string> -required-\n",
		"   ports\t<[]Object>\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("explain v2 pod.spec.containers lacks %q:\n%s", want, out.String())
		}
	}
}

func TestServeSwagger(t *testing.T) {
	docs := testSwagger(t)
	srv := httptest.NewServer(testSpec())
	t.Cleanup(srv.Close)
	get := func(header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/openapi/v2", nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	tests := map[string]struct {
		header      []string
		status      int
		contentType string
		body        []byte
	}{
		"client-go":      {[]string{"Accept", swaggerProtoMediaOld}, http.StatusOK, swaggerProtoMedia, docs.proto.body},
		"protobuf":       {[]string{"Accept", swaggerProtoMedia}, http.StatusOK, swaggerProtoMedia, docs.proto.body},
		"json":           {[]string{"Accept", "application/json"}, http.StatusOK, "application/json", docs.json.body},
		"no accept":      {nil, http.StatusOK, "application/json", docs.json.body},
		"kubectl raw":    {[]string{"Accept", "application/json, */*"}, http.StatusOK, "application/json", docs.json.body},
		"q prefers pb":   {[]string{"Accept", "application/json;q=0.5, " + swaggerProtoMedia}, http.StatusOK, swaggerProtoMedia, docs.proto.body},
		"unacceptable":   {[]string{"Accept", "text/html"}, http.StatusNotAcceptable, "", nil},
		"proto etag":     {[]string{"Accept", swaggerProtoMediaOld, "If-None-Match", `"` + docs.proto.hash + `"`}, http.StatusNotModified, "", nil},
		"json etag":      {[]string{"If-None-Match", `"` + docs.json.hash + `"`}, http.StatusNotModified, "", nil},
		"other encoding": {[]string{"Accept", swaggerProtoMediaOld, "If-None-Match", `"` + docs.json.hash + `"`}, http.StatusOK, swaggerProtoMedia, docs.proto.body},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, body := get(tc.header...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status != http.StatusOK {
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != tc.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
			}
			if resp.Header.Get("Etag") == "" || resp.Header.Get("Vary") != "Accept" {
				t.Errorf("headers %v", resp.Header)
			}
			if !bytes.Equal(body, tc.body) {
				t.Errorf("body of %d bytes, want %d", len(body), len(tc.body))
			}
		})
	}
}

// TestSwaggerBuild reports the one-time cost of the first /openapi/v2 request.
func TestSwaggerBuild(t *testing.T) {
	knownShapes()
	s := New(testResources())
	start := time.Now()
	docs, err := s.swagger.get()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("v2 built in %v: %d bytes JSON, %d bytes protobuf", time.Since(start), len(docs.json.body), len(docs.proto.body))
}

func BenchmarkSwagger(b *testing.B) {
	resources := testResources()
	knownShapes()
	var docs swaggerDocs
	for b.Loop() {
		b.StopTimer()
		s := New(resources)
		b.StartTimer()
		var err error
		if docs, err = s.swagger.get(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(docs.json.body)), "json-bytes")
	b.ReportMetric(float64(len(docs.proto.body)), "proto-bytes")
}
