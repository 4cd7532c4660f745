package openapi

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/dynamic"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
)

// cli-runtime's verifier decides whether kubectl sends fieldValidation=Strict: it
// must find the parameter on the kind's patch operation. (Map order picks which
// of a kind's patch operations it reads; TestWritesListFieldValidation covers
// them all.)
func TestFieldValidationSupported(t *testing.T) {
	cfg, dc := serve(t)
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v := resource.NewQueryParamVerifierV3(dyn, dc.OpenAPIV3(), resource.QueryParamFieldValidation)
	for _, r := range testResources() {
		if !r.has("patch") {
			continue
		}
		if err := v.HasSupport(r.GVK); err != nil {
			t.Errorf("%s: %v", r.GVK, err)
		}
	}
	if err := v.HasSupport(runtimeschema.GroupVersionKind{Version: "v1", Kind: "List"}); !resource.IsParamUnsupportedError(err) {
		t.Errorf("v1 List: %v, want unsupported", err)
	}
}

// The same decision through kubectl's own factory, as `kubectl create -f` and
// `kubectl apply -f` make it: when the server validates, kubectl skips its
// client-side validation from /openapi/v2 (v2_test.go covers the cases where it
// does not).
func TestKubectlLeavesValidationToServer(t *testing.T) {
	srv := httptest.NewServer(testSpec())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "config")
	config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: kt, cluster: {server: %q}}]
users: [{name: kt, user: {}}]
contexts: [{name: kt, context: {cluster: kt, user: kt}}]
current-context: kt
`, srv.URL)
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
	manifests := map[string]string{
		"pod":        `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx","portz":1}]}}`,
		"deployment": `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{},"template":{}}}`,
		"job":        `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"}}`,
		"namespace":  `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n"}}`,
	}
	for name, m := range manifests {
		t.Run(name, func(t *testing.T) {
			// The unknown field "portz" passes: catching it is the server's job.
			if err := validator.ValidateBytes([]byte(m)); err != nil {
				t.Errorf("kubectl validation: %v", err)
			}
		})
	}
}
