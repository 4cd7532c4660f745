package script_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine"
	"kubetour/engine/kinds"
	"kubetour/engine/kubelet"
	"kubetour/script"
)

// runner returns a prepared runner on c.
func runner(b *testing.B, c *engine.Cluster, out *bytes.Buffer) *script.Runner {
	b.Helper()
	r := &script.Runner{Cluster: c, Kubectl: []string{os.Args[0]}, Out: out, Env: []string{"KUBETOUR_TEST_KUBECTL=1"}}
	if err := r.Prepare(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(r.Close)
	return r
}

func step(b *testing.B, r *script.Runner, line string) {
	b.Helper()
	steps, err := script.Parse(strings.NewReader(line + "\n"))
	if err != nil {
		b.Fatal(err)
	}
	if !r.Exec(steps[0]) {
		b.Fatalf("%s failed", line)
	}
}

// BenchmarkConsoleCommand: one `kubectl get pods` typed at the console,
// end to end (a kubectl process, discovery cached after the first run).
func BenchmarkConsoleCommand(b *testing.B) {
	c, err := engine.New(engine.Config{Manual: true, Seed: 1, NewRuntime: engine.SimRuntime,
		Latency: kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second}})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	defer c.Stop()
	var out bytes.Buffer
	r := runner(b, c, &out)
	step(b, r, "kubectl run web --image=kubetm/app")
	step(b, r, "kubectl get pods")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step(b, r, "kubectl get pods")
	}
}

// BenchmarkKubectlGetPodsAll: `kubectl get pods -A` with 1,000 pods, end to end.
func BenchmarkKubectlGetPodsAll(b *testing.B) {
	nodes := engine.DefaultNodes()
	for i := range nodes {
		nodes[i].CPU, nodes[i].Memory = "64", "256Gi"
		nodes[i].PodCIDR = fmt.Sprintf("10.%d.0.0/16", 100+i)
	}
	c, err := engine.New(engine.Config{Manual: true, Seed: 1, NewRuntime: engine.SimRuntime, Nodes: nodes,
		Latency: kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second}})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	defer c.Stop()
	for _, o := range c.List(kinds.Core("nodes"), "") {
		n := o.(*corev1.Node)
		n.Status.Allocatable[corev1.ResourcePods] = resource.MustParse("1000")
		c.Store.Update(kinds.Core("nodes"), n, statusOnly)
	}
	var manifest strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&manifest, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p-%04d}\nspec: {containers: [{name: a, image: kubetm/app}]}\n", i)
	}
	if _, err := c.Apply([]byte(manifest.String()), "default"); err != nil {
		b.Fatal(err)
	}
	c.Advance(10 * time.Second)
	var out bytes.Buffer
	r := runner(b, c, &out)
	step(b, r, "kubectl get pods -A")
	if n := strings.Count(out.String(), "Running"); n < 1000 {
		b.Fatalf("only %d running rows", n)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out.Reset()
		step(b, r, "kubectl get pods -A")
	}
	_ = metav1.Now
}
