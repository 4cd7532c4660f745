package tui

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	appsv1 "k8s.io/api/apps/v1"

	"kubetour/engine"
	"kubetour/engine/events"
	"kubetour/engine/kubelet"
	"kubetour/script"
)

// bigNodes fit 1,000 pods: ten nodes of 110 pods each.
func bigNodes() []engine.NodeSpec {
	nodes := engine.DefaultNodes()[:1]
	for i := 1; i <= 10; i++ {
		nodes = append(nodes, engine.NodeSpec{Name: fmt.Sprintf("k8s-node%d", i), IP: fmt.Sprintf("192.168.56.%d", 30+i),
			PodCIDR: fmt.Sprintf("10.%d.0.0/16", 100+i), CPU: "64", Memory: "256Gi"})
	}
	return nodes
}

func deployment(replicas int, image string) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: %d
  selector: {matchLabels: {app: web}}
  strategy: {rollingUpdate: {maxSurge: 25%%, maxUnavailable: 25%%}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers: [{name: app, image: %q, resources: {requests: {cpu: 10m, memory: 16Mi}}}]
`, replicas, image)
}

// rolledOut waits (advancing the manual clock) until the Deployment has
// all its replicas updated and available.
func rolledOut(tb testing.TB, c *engine.Cluster, n int32, limit int) {
	tb.Helper()
	for s := 0; s < limit; s++ {
		obj, err := c.Get(engine.Kind("deployments"), "default", "web")
		if err != nil {
			tb.Fatal(err)
		}
		d := obj.(*appsv1.Deployment)
		if d.Status.ObservedGeneration >= d.Generation && d.Status.UpdatedReplicas == n && d.Status.AvailableReplicas == n && d.Status.Replicas == n {
			return
		}
		c.Advance(time.Second)
	}
	tb.Fatalf("not rolled out after %ds", limit)
}

// thousand is a cluster with a 1,000-replica Deployment that has been
// rolled to a second image, with the narration of that rollout.
type thousand struct {
	c       *engine.Cluster
	rollout []events.Event
	snap    engine.Snapshot
}

var (
	thousandOnce sync.Once
	thousandVal  *thousand
)

func thousandPods(b *testing.B) *thousand {
	thousandOnce.Do(func() {
		c, err := engine.New(engine.Config{Manual: true, Seed: 1, Start: testStart, NewRuntime: engine.SimRuntime, Nodes: bigNodes(),
			Latency: kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second}})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Start(); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Apply([]byte(deployment(1000, "kubetm/app:v1")), ""); err != nil {
			b.Fatal(err)
		}
		rolledOut(b, c, 1000, 300)
		sub := c.Subscribe()
		if _, err := c.Apply([]byte(deployment(1000, "kubetm/app:v2")), ""); err != nil {
			b.Fatal(err)
		}
		rolledOut(b, c, 1000, 900)
		thousandVal = &thousand{c: c, rollout: sub.Drain(), snap: c.Snapshot()}
		sub.Close()
	})
	if thousandVal == nil {
		b.Fatal("no cluster")
	}
	return thousandVal
}

// BenchmarkViewThousandPods: one full-screen frame at 160×48 with 1,000
// pods in the objects view and the rollout's narration in the timeline,
// every pane's cache dropped first (the worst frame; an unchanged frame
// costs less).
func BenchmarkViewThousandPods(b *testing.B) {
	th := thousandPods(b)
	for _, sz := range [][2]int{{160, 48}, {80, 24}} {
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			m := newModel(b, th.c, English, sz[0], sz[1])
			send(m, snapshotMsg{snap: th.snap})
			m.narr.add(th.rollout)
			m.setFocus(paneObjects)
			m.objects.selectKey(m.objects.rows[len(m.objects.rows)/2].n.key)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.objects.cacheValid, m.actions.cacheValid, m.console.cacheValid = false, false, false
				m.lesson.cacheValid, m.nodes.cacheValid, m.iso.cacheValid = false, false, false
				m.actions.idxValid = false
				m.objects.changed[m.objects.selected().uid] = fixedNow() // a highlighted row
				_ = m.View()
			}
		})
	}
}

// BenchmarkSnapshotToTree: a new snapshot of 1,000 pods turned into the
// objects tree and the nodes view (done once per refresh, not per frame).
func BenchmarkSnapshotToTree(b *testing.B) {
	th := thousandPods(b)
	m := newModel(b, th.c, English, 160, 48)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.objects.setSnapshot(th.snap)
		m.nodes.setSnapshot(th.snap)
	}
}

// replayCluster serves a recorded narration and a fixed snapshot.
type replayCluster struct {
	*engine.Cluster
	bus  *events.Bus
	snap engine.Snapshot
}

func (r *replayCluster) Subscribe() *events.Subscription { return r.bus.Subscribe() }
func (r *replayCluster) History() []events.Event         { return nil }
func (r *replayCluster) Snapshot() engine.Snapshot       { return r.snap }

// BenchmarkEventToScreen: the narration of a 1,000-pod rollout (about
// 120,000 events: every store change and every decision) is published
// again, while a loop shaped like Bubble Tea's (one goroutine for
// Update+View, Cmds on their own goroutines, snapshots refreshed as the
// UI does) draws it. Latency is from Publish to the end of the View after
// the Update that applied the event.
//
//	x1:    at the pace of cluster time (the rollout spans a few cluster
//	       seconds; everything the engine did at one instant is published
//	       at once, ~30,000 events)
//	burst: 1 ms between cluster instants, ~300,000 events a second
func BenchmarkEventToScreen(b *testing.B) {
	th := thousandPods(b)
	span := th.rollout[len(th.rollout)-1].Time.Sub(th.rollout[0].Time)
	for _, mode := range []struct {
		name string
		gap  func(d time.Duration) time.Duration
	}{
		{"x1", func(d time.Duration) time.Duration { return d }},
		{"burst", func(time.Duration) time.Duration { return time.Millisecond }},
	} {
		b.Run(mode.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				lat, frames := replay(b, th, mode.gap)
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				pct := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
				b.ReportMetric(float64(pct(0.5).Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
				b.ReportMetric(float64(len(lat)), "events")
				b.ReportMetric(float64(frames), "frames")
				b.ReportMetric(span.Seconds(), "cluster-s")
			}
		})
	}
}

var dbgTrace func(kind string, upd, view time.Duration, n int)

func replay(b *testing.B, th *thousand, gap func(time.Duration) time.Duration) ([]time.Duration, int) {
	rc := &replayCluster{Cluster: th.c, bus: events.NewBus(0), snap: th.snap}
	m := newModel(b, rc, English, 160, 48)
	send(m, snapshotMsg{snap: th.snap})
	msgs := make(chan tea.Msg, 1024)
	var run func(cmd tea.Cmd)
	run = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		go func() {
			msg := cmd()
			if batch, ok := msg.(tea.BatchMsg); ok {
				for _, c := range batch {
					run(c)
				}
				return
			}
			if msg != nil {
				msgs <- msg
			}
		}()
	}
	run(waitEvents(m.ctx, m.sub, time.Time{}))

	total := len(th.rollout)
	// published[seq-1] is written before Publish; the bus's lock orders it
	// before the subscriber reads the event.
	published := make([]time.Time, total)
	go func() {
		last := th.rollout[0].Time
		for i, e := range th.rollout {
			if e.Time.After(last) {
				time.Sleep(gap(e.Time.Sub(last)))
				last = e.Time
			}
			published[i] = time.Now()
			rc.bus.Publish(e)
		}
	}()
	lat := make([]time.Duration, 0, total)
	frames := 0
	for len(lat) < total {
		msg := <-msgs
		t0 := time.Now()
		_, cmd := m.Update(msg)
		t1 := time.Now()
		_ = m.View()
		done := time.Now()
		if dbgTrace != nil {
			n := 0
			if em, ok := msg.(eventsMsg); ok {
				n = len(em.events)
			}
			dbgTrace(fmt.Sprintf("%T", msg), t1.Sub(t0), done.Sub(t1), n)
		}
		if em, ok := msg.(eventsMsg); ok {
			frames++
			for _, e := range em.events {
				lat = append(lat, done.Sub(published[e.Seq-1]))
			}
		}
		run(cmd)
	}
	m.cancel()
	return lat, frames
}

// BenchmarkStartupToFirstFrame: from nothing to the first drawn frame on
// the simulation — cluster built and started, API served, kubeconfig
// written, model built, first snapshot and clock read, first View.
func BenchmarkStartupToFirstFrame(b *testing.B) {
	for i := 0; i < b.N; i++ {
		start := time.Now()
		c, err := engine.New(engine.Config{Seed: int64(i), NewRuntime: engine.SimRuntime,
			Latency: kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second}})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Start(); err != nil {
			b.Fatal(err)
		}
		r := &script.Runner{Cluster: c, Kubectl: []string{"kubectl"}, Out: io.Discard}
		if err := r.Prepare(); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Kubeconfig(); err != nil {
			b.Fatal(err)
		}
		m := New(Options{Cluster: c, Runner: ScriptRunner{R: r}})
		m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
		m.Update(takeSnapshot(c, time.Time{})())
		m.Update(readClock(c)())
		v := m.View()
		elapsed := time.Since(start)
		if len(v) == 0 {
			b.Fatal("empty first frame")
		}
		b.ReportMetric(float64(elapsed.Microseconds())/1000, "ms-to-first-frame")
		b.StopTimer()
		m.cancel()
		c.Stop()
		r.Close()
		b.StartTimer()
	}
}
