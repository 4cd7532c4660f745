package enginetest

import (
	"context"
	"errors"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"

	"kubetour/engine"
	"kubetour/engine/kinds"
	"kubetour/engine/runtime/docker"
	"kubetour/engine/store"
)

// BenchmarkDeployment20Ready: a 20-replica Deployment of the sample app,
// from `apply` until the Deployment reports 20 available replicas, every
// pod a sandbox and an app container on Docker. Between iterations the
// Deployment is deleted and its pods are waited out (not timed).
func BenchmarkDeployment20Ready(b *testing.B) {
	rt, err := docker.New(context.Background(), docker.Options{Binary: kubetourBinary(b), StateDir: b.TempDir(), SearchFrom: 110})
	if errors.Is(err, docker.ErrNoEngine) {
		b.Skip("no Docker engine reachable: " + err.Error())
	}
	if err != nil {
		b.Fatal(err)
	}
	nodes := engine.DefaultNodes()
	for i := range nodes {
		nodes[i].PodCIDR = rt.Plan().PodCIDR(i).String()
	}
	c, err := engine.New(engine.Config{Runtime: rt, Nodes: nodes, Seed: 1, ContainerIDPrefix: "docker://",
		ServiceCIDR: rt.Plan().ServiceCIDR})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		c.Stop()
		rt.Close()
	})
	deps := kinds.Core("deployments")
	pods := kinds.Core("pods")
	manifest := []byte(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 20
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: app
        image: kubetm/app:v1
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
`)
	for i := 0; i < b.N; i++ {
		w, _, err := c.Store.Watch(deps, store.ListOptions{Namespace: "default"}, 0, true)
		if err != nil {
			b.Fatal(err)
		}
		stall := measureStalls(c)
		start := time.Now()
		if _, err := c.Apply(manifest, "default"); err != nil {
			b.Fatal(err)
		}
		awaitChange(b, w, 2*time.Minute, func(ch store.Change) bool {
			d := ch.Object.(*appsv1.Deployment)
			return d.Name == "web" && d.Status.AvailableReplicas == 20
		})
		b.ReportMetric(time.Since(start).Seconds(), "s-to-20-available")
		b.ReportMetric(float64(stall().Milliseconds()), "ms-longest-loop-stall")
		w.Stop()

		b.StopTimer()
		pw, _, _ := c.Store.Watch(pods, store.ListOptions{Namespace: "default"}, 0, true)
		if err := c.Delete(deps, "default", "web"); err != nil {
			b.Fatal(err)
		}
		left := map[string]bool{}
		awaitChange(b, pw, 2*time.Minute, func(ch store.Change) bool {
			name := ch.Object.(interface{ GetName() string }).GetName()
			if ch.Type == "DELETED" {
				delete(left, name)
			} else {
				left[name] = true
			}
			return len(left) == 0 && ch.Type == "DELETED"
		})
		pw.Stop()
		b.StartTimer()
	}
}

// awaitChange takes the watch's changes until done says so, or fails
// after max.
func awaitChange(b *testing.B, w *store.Watcher, max time.Duration, done func(store.Change) bool) {
	b.Helper()
	timeout := time.NewTimer(max)
	defer timeout.Stop()
	for {
		select {
		case <-w.Ready():
			for _, ch := range w.Take() {
				if done(ch) {
					return
				}
			}
		case <-timeout.C:
			b.Fatalf("not done within %v", max)
		}
	}
}

// measureStalls probes the engine loop every 20 ms with an empty task and
// returns a function that stops probing and reports the longest wait: how
// long an API request or a UI refresh could have waited for the loop.
func measureStalls(c *engine.Cluster) func() time.Duration {
	stop := make(chan struct{})
	done := make(chan time.Duration)
	go func() {
		var worst time.Duration
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				done <- worst
				return
			case <-tick.C:
				ran := make(chan struct{})
				t0 := time.Now()
				c.Loop.Post(func() { close(ran) })
				<-ran
				worst = max(worst, time.Since(t0))
			}
		}
	}()
	return func() time.Duration {
		close(stop)
		return <-done
	}
}
