package apiserver

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// newTestServer serves an API over a fresh store with the default
// namespace and its service account, as the cluster bootstrap leaves them.
func newTestServer(t *testing.T) (*httptest.Server, *kubernetes.Clientset, *API) {
	t.Helper()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	n := 0
	st := store.New(store.Options{
		Now:        func() time.Time { return now },
		NewUID:     func() types.UID { n++; return types.UID(fmt.Sprintf("uid-%d", n)) },
		NameSuffix: func() string { n++; return fmt.Sprintf("s%04d", n) },
	})
	for _, ns := range []string{"default", "kube-system"} {
		st.Create(kinds.Core("namespaces"), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns},
			Spec: corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{"kubernetes"}}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}})
		st.Create(kinds.Core("serviceaccounts"), &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns}})
	}
	api := NewAPI(st, func() time.Time { return now }, 1)
	srv := httptest.NewServer(NewServer(api, nil, nil))
	t.Cleanup(srv.Close)
	cs, err := kubernetes.NewForConfig(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return srv, cs, api
}

func testPod(name string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "kubetm/app"}}}}
}

func TestClientGoCRUD(t *testing.T) {
	_, cs, _ := newTestServer(t)
	ctx := context.Background()
	pods := cs.CoreV1().Pods("default")
	created, err := pods.Create(ctx, testPod("web"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if created.Spec.RestartPolicy != corev1.RestartPolicyAlways || created.Spec.ServiceAccountName != "default" {
		t.Fatalf("defaults and admission not applied: %+v", created.Spec)
	}
	if _, err := pods.Create(ctx, testPod("web"), metav1.CreateOptions{}); !apierrors.IsAlreadyExists(err) {
		t.Fatalf("want AlreadyExists, got %v", err)
	}
	_, err = pods.Get(ctx, "nosuch", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) || err.Error() != `pods "nosuch" not found` {
		t.Fatalf("NotFound wording: %v", err)
	}
	list, err := pods.List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("list: %v %d", err, len(list.Items))
	}
	if list, _ := pods.List(ctx, metav1.ListOptions{LabelSelector: "app=db"}); len(list.Items) != 0 {
		t.Fatal("label selector ignored")
	}
	// Strategic merge patch keeps other containers and list entries.
	patched, err := pods.Patch(ctx, "web", types.StrategicMergePatchType,
		[]byte(`{"metadata":{"labels":{"tier":"front"}}}`), metav1.PatchOptions{})
	if err != nil || patched.Labels["tier"] != "front" || patched.Labels["app"] != "web" {
		t.Fatalf("strategic merge: %v %v", err, patched.Labels)
	}
	patched, err = pods.Patch(ctx, "web", types.JSONPatchType,
		[]byte(`[{"op":"remove","path":"/metadata/labels/tier"}]`), metav1.PatchOptions{})
	if err != nil || patched.Labels["tier"] != "" {
		t.Fatalf("json patch: %v %v", err, patched.Labels)
	}
	patched, err = pods.Patch(ctx, "web", types.MergePatchType,
		[]byte(`{"metadata":{"annotations":{"note":"hi"}}}`), metav1.PatchOptions{})
	if err != nil || patched.Annotations["note"] != "hi" {
		t.Fatalf("merge patch: %v", err)
	}
	// An unbound pod is removed at once.
	if err := pods.Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Get(ctx, "web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("deleted pod still there: %v", err)
	}
}

func TestValidationAndNamespaceErrors(t *testing.T) {
	_, cs, _ := newTestServer(t)
	ctx := context.Background()
	bad := testPod("bad")
	bad.Spec.Containers[0].Image = ""
	_, err := cs.CoreV1().Pods("default").Create(ctx, bad, metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), `Pod "bad" is invalid: spec.containers[0].image: Required value`) {
		t.Fatalf("invalid pod: %v", err)
	}
	_, err = cs.CoreV1().Pods("nosuch").Create(ctx, testPod("p"), metav1.CreateOptions{})
	if !apierrors.IsNotFound(err) || err.Error() != `namespaces "nosuch" not found` {
		t.Fatalf("missing namespace: %v", err)
	}
}

func TestStrictFieldValidation(t *testing.T) {
	srv, _, _ := newTestServer(t)
	body := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"nginx","portz":[]}]}}`
	resp, err := http.Post(srv.URL+"/api/v1/namespaces/default/pods?fieldValidation=Strict", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st metav1.Status
	json.NewDecoder(resp.Body).Decode(&st)
	want := `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].portz"`
	if resp.StatusCode != 400 || st.Message != want {
		t.Fatalf("got %d %q, want 400 %q", resp.StatusCode, st.Message, want)
	}
}

func TestWatchSendsInitialEventsAndBookmark(t *testing.T) {
	_, cs, _ := newTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pods := cs.CoreV1().Pods("default")
	pods.Create(ctx, testPod("a"), metav1.CreateOptions{})
	send := true
	w, err := pods.Watch(ctx, metav1.ListOptions{SendInitialEvents: &send, AllowWatchBookmarks: true,
		ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ev := <-w.ResultChan()
	if ev.Type != watch.Added || ev.Object.(*corev1.Pod).Name != "a" {
		t.Fatalf("first event: %v", ev.Type)
	}
	ev = <-w.ResultChan()
	if ev.Type != watch.Bookmark || ev.Object.(*corev1.Pod).Annotations[metav1.InitialEventsAnnotationKey] != "true" {
		t.Fatalf("bookmark: %v %+v", ev.Type, ev.Object)
	}
	pods.Create(ctx, testPod("b"), metav1.CreateOptions{})
	ev = <-w.ResultChan()
	if ev.Type != watch.Added || ev.Object.(*corev1.Pod).Name != "b" {
		t.Fatalf("live event: %v", ev.Type)
	}
}

func TestTableAnswer(t *testing.T) {
	srv, cs, _ := newTestServer(t)
	cs.CoreV1().Pods("default").Create(context.Background(), testPod("web"), metav1.CreateOptions{})
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/namespaces/default/pods", nil)
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var table metav1.Table
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &table); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range table.ColumnDefinitions {
		if c.Priority == 0 {
			names = append(names, c.Name)
		}
	}
	if strings.Join(names, ",") != "Name,Ready,Status,Restarts,Age" || len(table.Rows) != 1 || table.Rows[0].Cells[0] != "web" {
		t.Fatalf("table: %v rows=%d", names, len(table.Rows))
	}
	if !strings.Contains(string(data), `"kind":"PartialObjectMetadata"`) {
		t.Fatal("rows must carry metadata for --show-labels")
	}
}

func TestDiscovery(t *testing.T) {
	_, cs, _ := newTestServer(t)
	_, lists, err := cs.Discovery().ServerGroupsAndResources()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, l := range lists {
		for _, r := range l.APIResources {
			for _, s := range r.ShortNames {
				found[l.GroupVersion+"/"+r.Name+"="+s] = true
			}
		}
	}
	for _, want := range []string{"v1/pods=po", "v1/services=svc", "apps/v1/deployments=deploy", "batch/v1/cronjobs=cj"} {
		if !found[want] {
			t.Errorf("discovery lacks %s", want)
		}
	}
}

// pods/eviction, as kubectl drain uses it: the Eviction must name the pod
// of the URL; a dry run leaves the pod; otherwise it is deleted, with 201.
func TestEviction(t *testing.T) {
	_, cs, _ := newTestServer(t)
	ctx := context.Background()
	pods := cs.CoreV1().Pods("default")
	if _, err := pods.Create(ctx, testPod("web"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	evict := func(url, body string, opts metav1.DeleteOptions) error {
		ev := &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: body, Namespace: "default"}, DeleteOptions: &opts}
		return cs.CoreV1().RESTClient().Post().Namespace("default").Resource("pods").Name(url).SubResource("eviction").
			Body(ev).Do(ctx).Error()
	}
	if err := evict("web", "other", metav1.DeleteOptions{}); !apierrors.IsBadRequest(err) ||
		!strings.Contains(err.Error(), "name in URL does not match name in Eviction object") {
		t.Fatalf("mismatched name: %v", err)
	}
	if err := evict("nosuch", "nosuch", metav1.DeleteOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("missing pod: %v", err)
	}
	if err := evict("web", "web", metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Get(ctx, "web", metav1.GetOptions{}); err != nil {
		t.Fatalf("a dry-run eviction removed the pod: %v", err)
	}
	var code int
	if err := cs.CoreV1().RESTClient().Post().Namespace("default").Resource("pods").Name("web").SubResource("eviction").
		Body(&policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"}}).Do(ctx).StatusCode(&code).Error(); err != nil || code != http.StatusCreated {
		t.Fatalf("eviction: %v, HTTP %d", err, code)
	}
	if _, err := pods.Get(ctx, "web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("evicted (unbound) pod still there: %v", err)
	}
}
