package engine

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
	"kubetour/engine/kubelet"
)

// bigCluster has nodes roomy enough for 1,000 small pods.
func bigCluster(b *testing.B) *Cluster {
	b.Helper()
	nodes := DefaultNodes()
	for i := range nodes {
		nodes[i].CPU, nodes[i].Memory = "64", "256Gi"
		// A /24 holds 253 pods: give each node a /16.
		nodes[i].PodCIDR = fmt.Sprintf("10.%d.0.0/16", 100+i)
	}
	c, err := New(Config{Manual: true, Seed: 1, NewRuntime: SimRuntime, Nodes: nodes, NoSystemPods: true,
		Start:   time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Latency: kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second}})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Stop)
	return c
}

// podsPerNode raises max pods so 1,000 pods fit on three nodes.
func raisePodLimit(c *Cluster) {
	c.onLoop(func() {
		for _, o := range c.List(kinds.Core("nodes"), "") {
			n := o.(*corev1.Node)
			n.Status.Capacity[corev1.ResourcePods] = resource.MustParse("1000")
			n.Status.Allocatable[corev1.ResourcePods] = resource.MustParse("1000")
			c.Store.Update(kinds.Core("nodes"), n, storeStatus)
		}
	})
	c.Settle()
}

func createPods(b *testing.B, c *Cluster, n int) {
	b.Helper()
	for i := 0; i < n; i++ {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p-%04d", i), Labels: map[string]string{"app": "bench"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "kubetm/app"}}}}
		var err error
		c.onLoop(func() {
			_, err = c.API.Create(context.Background(), kinds.Core("pods"), "default", p, apiserver.WriteOptions{})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkThousandPodsRunning: 1,000 pods created until all are Running
// on the simulation.
func BenchmarkThousandPodsRunning(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c := bigCluster(b)
		raisePodLimit(c)
		b.StartTimer()
		createPods(b, c, 1000)
		c.Advance(10 * time.Second)
		b.StopTimer()
		running := 0
		for _, o := range c.List(kinds.Core("pods"), "default") {
			if o.(*corev1.Pod).Status.Phase == corev1.PodRunning {
				running++
			}
		}
		if running != 1000 {
			b.Fatalf("running: %d", running)
		}
		c.Stop()
		b.StartTimer()
	}
}

// BenchmarkGetPodsTable: the server's side of `kubectl get pods -A` with
// 1,000 pods (list + Table conversion + JSON).
func BenchmarkGetPodsTable(b *testing.B) {
	c := bigCluster(b)
	raisePodLimit(c)
	createPods(b, c, 1000)
	c.Advance(10 * time.Second)
	req, _ := http.NewRequest("GET", "/api/v1/pods?limit=500", nil)
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := &discard{h: http.Header{}}
		c.HTTP.ServeHTTP(w, req)
		if w.code != 200 {
			b.Fatal(w.code)
		}
		req2, _ := http.NewRequest("GET", "/api/v1/pods?limit=500&continue=500", nil)
		req2.Header = req.Header
		c.HTTP.ServeHTTP(w, req2)
	}
}

type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }
