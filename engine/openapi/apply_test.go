package openapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/openapi3"
	"k8s.io/client-go/rest"
	"k8s.io/kubectl/pkg/cmd/apply"
)

// kubectl apply's own Patcher, against our documents. The kind is served under a
// group kubectl's scheme does not know, so the strategic merge patch can only
// come from the served schema: without it kubectl would fall back to a JSON
// merge patch, replacing the containers list whole.
func TestKubectlApplyPatchesFromSchema(t *testing.T) {
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
	dc, err := discovery.NewDiscoveryClientForConfig(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	mapping := &meta.RESTMapping{Resource: gv.WithResource("pods"), GroupVersionKind: gv.WithKind("Pod"), Scope: meta.RESTScopeNamespace}
	patcher := &apply.Patcher{
		Mapping:       mapping,
		Helper:        resource.NewHelper(client, mapping),
		Overwrite:     true,
		Retries:       1,
		OpenAPIV3Root: openapi3.NewRoot(dc.OpenAPIV3()),
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
	// Merged by name: only app's image changes, the sidecar is left alone.
	want := `{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"image":"app:2","name":"app"}]}}`
	if !strings.Contains(sentPatch, `"$setElementOrder/containers"`) || !jsonEqual(t, []byte(sentPatch), []byte(want)) {
		t.Errorf("patch sent %s, want %s", sentPatch, want)
	}
}
