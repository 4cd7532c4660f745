package engine

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
	"kubetour/engine/loop"
	"kubetour/engine/runtime"
)

// gatedServices is the simulation with a Service runtime whose calls for
// one Service wait at a gate, as a slow proxy container's creation would.
type gatedServices struct {
	runtime.Runtime
	gateKey string
	gate    chan struct{}

	mu       sync.Mutex
	running  map[string]int
	overlap  []string
	ensured  map[string][]runtime.ServiceSpec
	removals []string
}

func (g *gatedServices) enter(key string) {
	g.mu.Lock()
	g.running[key]++
	if g.running[key] > 1 {
		g.overlap = append(g.overlap, key)
	}
	g.mu.Unlock()
	if key == g.gateKey {
		<-g.gate
	}
}

func (g *gatedServices) leave(key string) {
	g.mu.Lock()
	g.running[key]--
	g.mu.Unlock()
}

func (g *gatedServices) EnsureService(_ context.Context, spec *runtime.ServiceSpec) error {
	key := spec.Namespace + "/" + spec.Name
	g.enter(key)
	defer g.leave(key)
	g.mu.Lock()
	g.ensured[key] = append(g.ensured[key], *spec)
	g.mu.Unlock()
	return nil
}

func (g *gatedServices) RemoveService(_ context.Context, ns, name string) error {
	key := ns + "/" + name
	g.enter(key)
	defer g.leave(key)
	g.mu.Lock()
	g.removals = append(g.removals, key)
	g.mu.Unlock()
	return nil
}

// TestServiceSyncAppliesTheNewestStateInOrder: while a Service's proxy is
// being made, its endpoints change twice. The runtime must never see two
// calls for one Service at once (they could finish out of order and leave
// the proxy with stale endpoints, or the DNS zone without a new name), and
// its last call must carry the newest endpoints.
func TestServiceSyncAppliesTheNewestStateInOrder(t *testing.T) {
	g := &gatedServices{gateKey: "default/web", gate: make(chan struct{}),
		running: map[string]int{}, ensured: map[string][]runtime.ServiceSpec{}}
	c, err := New(Config{Manual: true, Seed: 1, Start: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		NewRuntime: func(l *loop.Loop, n Network) (runtime.Runtime, error) {
			rt, err := SimRuntime(l, n)
			g.Runtime = rt
			return g, err
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	c.Settle()

	ctx := context.Background()
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80, Protocol: corev1.ProtocolTCP}}}}
	if _, err := c.API.Create(ctx, kinds.Core("services"), "default", svc, apiserver.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	ep := func(ips ...string) *corev1.Endpoints {
		e := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"}}
		var addrs []corev1.EndpointAddress
		for _, ip := range ips {
			addrs = append(addrs, corev1.EndpointAddress{IP: ip})
		}
		e.Subsets = []corev1.EndpointSubset{{Addresses: addrs, Ports: []corev1.EndpointPort{{Port: 8080, Protocol: corev1.ProtocolTCP}}}}
		return e
	}
	if _, err := c.API.Create(ctx, kinds.Core("endpoints"), "default", ep("10.244.1.5"), apiserver.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	cur, err := c.Get(kinds.Core("endpoints"), "default", "web")
	if err != nil {
		t.Fatal(err)
	}
	next := ep("10.244.1.5", "10.244.2.7")
	next.ResourceVersion = cur.(*corev1.Endpoints).ResourceVersion
	if _, err := c.API.Update(ctx, kinds.Core("endpoints"), "default", "web", "", next, apiserver.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// The gate opens once the loop has seen all three changes.
	c.Loop.Post(func() { close(g.gate) })
	c.Settle()
	if !c.ServicesSynced() {
		t.Fatal("ServicesSynced is false on a settled cluster")
	}

	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.overlap) > 0 {
		t.Errorf("calls for one Service ran side by side: %v", g.overlap)
	}
	calls := g.ensured["default/web"]
	if len(calls) != 2 {
		t.Fatalf("web: %d runtime calls, want 2 (the first, then the newest of the two changes that came while it ran): %+v", len(calls), calls)
	}
	if got := calls[1].Ports[0].Endpoints; !slices.Equal(got, []string{"10.244.1.5:8080", "10.244.2.7:8080"}) {
		t.Errorf("last call's endpoints = %v, want both pods", got)
	}
	dns := g.ensured["kube-system/kube-dns"]
	if len(dns) == 0 || dns[len(dns)-1].DNS == nil {
		t.Fatalf("no DNS zone reached the runtime")
	}
	if got := dns[len(dns)-1].DNS.A["web.default.svc.cluster.local"]; len(got) != 1 {
		t.Errorf("the newest DNS zone has web.default as %v", got)
	}
}
