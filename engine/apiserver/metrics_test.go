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
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"

	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// fakeUsage is a runtime whose containers burn a fixed number of
// millicores each, counted from t0.
type fakeUsage struct {
	now    *time.Time
	t0     time.Time
	milli  map[string]int64
	memory map[string]int64
}

func (f *fakeUsage) ContainerUsage(id string) (int64, int64, bool) {
	m, ok := f.milli[id]
	if !ok {
		return 0, 0, false
	}
	return m * int64(f.now.Sub(f.t0)) / 1000, f.memory[id], true
}

func newMetricsTestServer(t *testing.T) (*httptest.Server, *MetricsServer, *time.Time) {
	t.Helper()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	n := 0
	st := store.New(store.Options{Now: func() time.Time { return now },
		NewUID:     func() types.UID { n++; return types.UID(fmt.Sprintf("uid-%d", n)) },
		NameSuffix: func() string { n++; return fmt.Sprintf("s%04d", n) }})
	st.Create(kinds.Core("nodes"), &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "k8s-node1", Labels: map[string]string{"kubernetes.io/hostname": "k8s-node1"}}})
	for i, name := range []string{"web-1", "web-2", "pending"} {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: map[string]string{"app": "web"}},
			Spec: corev1.PodSpec{NodeName: "k8s-node1", Containers: []corev1.Container{{Name: "app", Image: "kubetm/app"}}}}
		obj, _ := st.Create(kinds.Core("pods"), p)
		p = obj.(*corev1.Pod)
		if name != "pending" {
			p.Status = corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{Name: "app",
				ContainerID: fmt.Sprintf("containerd://c%d", i), State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}}
			st.Update(kinds.Core("pods"), p, store.UpdateOptions{Status: true})
		}
	}
	usage := &fakeUsage{now: &now, t0: now, milli: map[string]int64{"c0": 250, "c1": 3}, memory: map[string]int64{"c0": 30 << 20, "c1": 12 << 20}}
	ms := NewMetricsServer(st, usage, func() time.Time { return now })
	s := NewServer(NewAPI(st, func() time.Time { return now }, 1), nil, nil)
	s.Metrics = ms
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, ms, &now
}

func TestMetricsAPI(t *testing.T) {
	srv, ms, now := newMetricsTestServer(t)
	ctx := context.Background()
	cfg := &rest.Config{Host: srv.URL}
	mc, err := metricsclient.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// kubectl top finds the group in discovery first.
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := dc.ServerGroups()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range groups.Groups {
		found = found || (g.Name == "metrics.k8s.io" && g.PreferredVersion.Version == "v1beta1")
	}
	if !found {
		t.Fatal("metrics.k8s.io is not in discovery")
	}
	res, err := dc.ServerResourcesForGroupVersion("metrics.k8s.io/v1beta1")
	if err != nil || len(res.APIResources) != 2 || res.APIResources[1].Kind != "PodMetrics" {
		t.Fatalf("resources %+v %v", res, err)
	}

	// One reading is not a rate: nothing yet.
	ms.Scrape()
	list, err := mc.MetricsV1beta1().PodMetricses("default").List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 0 {
		t.Fatalf("after one scrape: %+v %v", list, err)
	}
	*now = now.Add(MetricsResolution)
	ms.Scrape()
	list, err = mc.MetricsV1beta1().PodMetricses("default").List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
	if err != nil || len(list.Items) != 2 {
		t.Fatalf("after two scrapes: %+v %v", list, err)
	}
	web1 := list.Items[0]
	cpu, mem := web1.Containers[0].Usage[corev1.ResourceCPU], web1.Containers[0].Usage[corev1.ResourceMemory]
	if web1.Name != "web-1" || cpu.String() != "250m" || mem.String() != "30Mi" || web1.Window.Duration != 15*time.Second {
		t.Fatalf("web-1: %s %s %s window %s", web1.Name, cpu.String(), mem.String(), web1.Window.Duration)
	}
	got, err := mc.MetricsV1beta1().PodMetricses("default").Get(ctx, "web-2", metav1.GetOptions{})
	if err != nil || got.Containers[0].Usage.Cpu().MilliValue() != 3 {
		t.Fatalf("get web-2: %+v %v", got, err)
	}
	_, err = mc.MetricsV1beta1().PodMetricses("default").Get(ctx, "pending", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) || err.Error() != `podmetrics.metrics.k8s.io "default/pending" not found` {
		t.Fatalf("a pod without metrics: %v", err)
	}
	nodes, err := mc.MetricsV1beta1().NodeMetricses().List(ctx, metav1.ListOptions{})
	if err != nil || len(nodes.Items) != 1 {
		t.Fatalf("nodes %+v %v", nodes, err)
	}
	if c := nodes.Items[0].Usage.Cpu().MilliValue(); c != 45+253 {
		t.Fatalf("node cpu %dm, want the pods' 253m and the node's own 45m", c)
	}

	// kubectl get podmetrics asks for a Table.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", nil)
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var table metav1.Table
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &table); err != nil || table.Kind != "Table" || len(table.Rows) != 2 {
		t.Fatalf("table: %s", body)
	}
	if cells := fmt.Sprint(table.Rows[0].Cells[:4]); !strings.Contains(cells, "web-1 250m 30Mi 15s") {
		t.Fatalf("row %s", cells)
	}
	// Only get and list are served.
	req, _ = http.NewRequest(http.MethodDelete, srv.URL+"/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web-1", nil)
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("delete: %d", resp2.StatusCode)
	}
}
