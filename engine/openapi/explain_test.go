package openapi

import (
	"bytes"
	"strings"
	"testing"

	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"
	explainv2 "k8s.io/kubectl/pkg/explain/v2"
)

// explain runs kubectl explain's renderer against the served documents, reached
// through client-go's OpenAPI v3 client as `kubectl explain` reaches them.
func explain(t *testing.T, gvr runtimeschema.GroupVersionResource, fields []string, recursive bool) string {
	t.Helper()
	_, dc := serve(t)
	var out bytes.Buffer
	if err := explainv2.PrintModelDescription(fields, &out, dc.OpenAPIV3(), gvr, recursive, 0, "plaintext"); err != nil {
		t.Fatalf("explain %s %v: %v", gvr, fields, err)
	}
	return out.String()
}

func TestExplainField(t *testing.T) {
	got := explain(t, runtimeschema.GroupVersionResource{Version: "v1", Resource: "pods"}, []string{"spec", "containers", "name"}, false)
	for _, want := range []string{
		"KIND:       Pod\nVERSION:    v1\n",
		"FIELD: name <string>",
		"Name of the container specified as a DNS_LABEL.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("explain pod.spec.containers.name lacks %q:\n%s", want, got)
		}
	}
}

func TestExplainFieldList(t *testing.T) {
	got := explain(t, runtimeschema.GroupVersionResource{Version: "v1", Resource: "pods"}, []string{"spec", "containers"}, false)
	for _, want := range []string{
		"FIELD: containers <[]Container>",
		"List of containers belonging to the pod.",
		"name\t<string> -required-\n",
		"ports\t<[]ContainerPort>\n",
		"resources\t<ResourceRequirements>\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("explain pod.spec.containers lacks %q:\n%s", want, got)
		}
	}
}

func TestExplainRecursive(t *testing.T) {
	got := explain(t, runtimeschema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, nil, true)
	for _, want := range []string{
		"GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n",
		"Deployment enables declarative updates for Pods and ReplicaSets.",
		"\nFIELDS:\n  apiVersion\t<string>\n  kind\t<string>\n  metadata\t<ObjectMeta>\n",
		"\n    replicas\t<integer>\n",
		"\n    selector\t<LabelSelector> -required-\n",
		"\n    template\t<PodTemplateSpec> -required-\n",
		"\n        containers\t<[]Container> -required-\n",
		"\n          image\t<string>\n",
		"\n            containerPort\t<integer> -required-\n",
		"\n            limits\t<map[string]Quantity>\n",
		"\n              port\t<IntOrString> -required-\n",
		"\n    creationTimestamp\t<string>\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("explain deployment --recursive lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", got)
	}
}

func TestExplainUnknownField(t *testing.T) {
	_, dc := serve(t)
	var out bytes.Buffer
	err := explainv2.PrintModelDescription([]string{"spec", "nosuch"}, &out, dc.OpenAPIV3(),
		runtimeschema.GroupVersionResource{Version: "v1", Resource: "pods"}, false, 0, "plaintext")
	if err == nil || !strings.Contains(err.Error(), `field "nosuch" does not exist`) {
		t.Errorf("explain pod.spec.nosuch: %v", err)
	}
}
