package openapi

import (
	"encoding/json"
	"net/http/httptest"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
)

var crud = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

func res(group, version, kind, plural string, namespaced bool, obj, list runtime.Object, verbs []string, subs ...string) Resource {
	return Resource{
		GVK:          runtimeschema.GroupVersionKind{Group: group, Version: version, Kind: kind},
		Plural:       plural,
		Namespaced:   namespaced,
		Object:       obj,
		List:         list,
		Verbs:        verbs,
		Subresources: subs,
	}
}

// testResources resembles what the engine serves: every subresource shape, a
// create-only resource, cluster-scoped ones, four groups.
func testResources() []Resource {
	return []Resource{
		res("", "v1", "Pod", "pods", true, &corev1.Pod{}, &corev1.PodList{}, crud,
			"status", "log", "exec", "attach", "portforward", "binding", "eviction", "ephemeralcontainers", "resize", "proxy"),
		res("", "v1", "Binding", "bindings", true, &corev1.Binding{}, nil, []string{"create"}),
		res("", "v1", "ConfigMap", "configmaps", true, &corev1.ConfigMap{}, &corev1.ConfigMapList{}, crud),
		res("", "v1", "Secret", "secrets", true, &corev1.Secret{}, &corev1.SecretList{}, crud),
		res("", "v1", "Service", "services", true, &corev1.Service{}, &corev1.ServiceList{}, crud, "status", "proxy"),
		res("", "v1", "ServiceAccount", "serviceaccounts", true, &corev1.ServiceAccount{}, &corev1.ServiceAccountList{}, crud, "token"),
		res("", "v1", "Namespace", "namespaces", false, &corev1.Namespace{}, &corev1.NamespaceList{},
			[]string{"create", "delete", "get", "list", "patch", "update", "watch"}, "status", "finalize"),
		res("", "v1", "Node", "nodes", false, &corev1.Node{}, &corev1.NodeList{}, crud, "status", "proxy"),
		res("", "v1", "Event", "events", true, &corev1.Event{}, &corev1.EventList{}, crud),
		res("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, &corev1.PersistentVolumeClaim{}, &corev1.PersistentVolumeClaimList{}, crud, "status"),
		res("apps", "v1", "Deployment", "deployments", true, &appsv1.Deployment{}, &appsv1.DeploymentList{}, crud, "status", "scale"),
		res("apps", "v1", "ReplicaSet", "replicasets", true, &appsv1.ReplicaSet{}, &appsv1.ReplicaSetList{}, crud, "status", "scale"),
		res("apps", "v1", "StatefulSet", "statefulsets", true, &appsv1.StatefulSet{}, &appsv1.StatefulSetList{}, crud, "status", "scale"),
		res("apps", "v1", "DaemonSet", "daemonsets", true, &appsv1.DaemonSet{}, &appsv1.DaemonSetList{}, crud, "status"),
		res("batch", "v1", "Job", "jobs", true, &batchv1.Job{}, &batchv1.JobList{}, crud, "status"),
		res("batch", "v1", "CronJob", "cronjobs", true, &batchv1.CronJob{}, &batchv1.CronJobList{}, crud, "status"),
		res("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true,
			&autoscalingv2.HorizontalPodAutoscaler{}, &autoscalingv2.HorizontalPodAutoscalerList{}, crud, "status"),
	}
}

var (
	specOnce sync.Once
	theSpec  *Spec
)

// testSpec builds the fixture's documents once for all tests.
func testSpec() *Spec {
	specOnce.Do(func() { theSpec = New(testResources()) })
	return theSpec
}

// docMap returns one served document decoded into plain maps.
func docMap(t testing.TB, key string) map[string]any {
	t.Helper()
	d, ok := testSpec().docs[key]
	if !ok {
		t.Fatalf("no document %q", key)
	}
	var m map[string]any
	if err := json.Unmarshal(d.body, &m); err != nil {
		t.Fatalf("document %q: %v", key, err)
	}
	return m
}

// component returns a named schema of a document as plain maps.
func component(t testing.TB, doc map[string]any, name string) map[string]any {
	t.Helper()
	s, ok := doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
	if !ok {
		t.Fatalf("no schema %q", name)
	}
	return s
}

// serve starts an API server holding only the spec and returns a discovery
// client for it: the client kubectl builds from its kubeconfig.
func serve(t *testing.T) (*rest.Config, *discovery.DiscoveryClient) {
	t.Helper()
	srv := httptest.NewServer(testSpec())
	t.Cleanup(srv.Close)
	cfg := &rest.Config{Host: srv.URL}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, dc
}
