// Package enginetest runs a whole kubetour cluster on the Docker runtime:
// the kubelet driving real containers. It is a package of its own so that
// the runtime's tests still build while the engine is being edited.
package enginetest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"kubetour/engine"
	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
	"kubetour/engine/runtime/docker"
)

// kubetourBinary builds cmd/kubetour once ($KUBETOUR_TEST_BINARY wins).
func kubetourBinary(t testing.TB) string {
	if b := os.Getenv("KUBETOUR_TEST_BINARY"); b != "" {
		return b
	}
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "kubetour")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/kubetour")
	cmd.Dir = strings.TrimSpace(string(root))
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cmd/kubetour does not build right now: %v\n%s", err, msg)
	}
	return out
}

func TestClusterOnDocker(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster on Docker")
	}
	ctx := context.Background()
	rt, err := docker.New(ctx, docker.Options{Binary: kubetourBinary(t), StateDir: t.TempDir(), SearchFrom: 110})
	if errors.Is(err, docker.ErrNoEngine) {
		t.Skip("no Docker engine reachable: " + err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	nodes := engine.DefaultNodes()
	for i := range nodes {
		nodes[i].PodCIDR = rt.Plan().PodCIDR(i).String()
	}
	t0 := time.Now()
	c, err := engine.New(engine.Config{Runtime: rt, Nodes: nodes, Seed: 1, ContainerIDPrefix: "docker://", ServiceCIDR: rt.Plan().ServiceCIDR})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Stop()
		if err := rt.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if lag := time.Since(c.Clock.Now()); lag > 2*time.Second || lag < -2*time.Second {
		t.Errorf("after boot the cluster's clock is %v behind the wall clock Docker stamps with", lag)
	}
	waitPods(t, c, "kube-system", 60*time.Second)
	t.Logf("cluster with its system pods Running in %v", time.Since(t0))

	if _, err := c.Apply([]byte(`
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - name: app
    image: kubetm/app:v1
    ports: [{containerPort: 8080}]
    readinessProbe: {httpGet: {path: /health, port: 8080}, periodSeconds: 1}
  - name: sidecar
    image: busybox
    command: ["sh", "-c", "while true; do echo tick; sleep 1; done"]
    resources: {limits: {memory: 64Mi, cpu: 500m}}
---
apiVersion: v1
kind: Pod
metadata: {name: job-like}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: kubetm/init
    command: ["sh", "-c", "echo job start; sleep 1; echo job end; exit 3"]
`), "default"); err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	waitFor(t, 30*time.Second, func() bool {
		p := getPod(t, c, "web")
		return p.Status.Phase == corev1.PodRunning && ready(p)
	})
	t.Logf("pod web Running and Ready in %v (IP %s)", time.Since(t0), getPod(t, c, "web").Status.PodIP)
	waitFor(t, 30*time.Second, func() bool { return getPod(t, c, "job-like").Status.Phase == corev1.PodFailed })
	st := getPod(t, c, "job-like").Status.ContainerStatuses[0]
	if st.State.Terminated == nil || st.State.Terminated.ExitCode != 3 || st.State.Terminated.Reason != "Error" ||
		!strings.HasPrefix(st.ContainerID, "docker://") {
		t.Errorf("job-like: %+v", st)
	}
	var logs bytes.Buffer
	if err := c.Logs(ctx, "default", "job-like", &corev1.PodLogOptions{}, &logs); err != nil || logs.String() != "job start\njob end\n" {
		t.Errorf("logs %q %v", logs.String(), err)
	}
	var out bytes.Buffer
	code, err := c.Exec(ctx, "default", "web", "sidecar", []string{"sh", "-c", "wget -qO- localhost:8080/hostname"}, apiserver.ExecStreams{Stdout: &out, Stderr: &out})
	if err != nil || code != 0 || out.String() != "Hostname : web\n" {
		t.Errorf("exec wget: %q %d %v", out.String(), code, err)
	}
	// The pod's resolver is the cluster DNS, as the kubelet writes it,
	// not Docker's embedded 127.0.0.11; and it answers Service names.
	dnsObj, err := c.Get(kinds.Core("services"), "kube-system", "kube-dns")
	if err != nil {
		t.Fatal(err)
	}
	dnsIP := dnsObj.(*corev1.Service).Spec.ClusterIP
	out.Reset()
	code, err = c.Exec(ctx, "default", "web", "sidecar", []string{"cat", "/etc/resolv.conf"}, apiserver.ExecStreams{Stdout: &out, Stderr: &out})
	if want := "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver " + dnsIP + "\noptions ndots:5\n"; err != nil || code != 0 || out.String() != want {
		t.Errorf("resolv.conf:\n%s(%d %v), want\n%s", out.String(), code, err, want)
	}
	kobj, err := c.Get(kinds.Core("services"), "default", "kubernetes")
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	code, err = c.Exec(ctx, "default", "web", "sidecar", []string{"nslookup", "kubernetes"}, apiserver.ExecStreams{Stdout: &out, Stderr: &out})
	if err != nil || code != 0 || !strings.Contains(out.String(), dnsIP) || !strings.Contains(out.String(), kobj.(*corev1.Service).Spec.ClusterIP) {
		t.Errorf("nslookup kubernetes: %q %d %v", out.String(), code, err)
	}
	got, err := c.Curl(ctx, "default", getPod(t, c, "web").Status.PodIP+":8080/version", 5*time.Second)
	if err != nil || !strings.Contains(got, "Version : v1") {
		t.Errorf("curl pod IP: %q %v", got, err)
	}
	iso, err := c.Kubelet.Isolation(ctx, "default", "web")
	if err != nil || len(iso.Containers) != 2 || iso.Containers[1].Cgroup.MemoryLimit != 64<<20 {
		t.Errorf("isolation %+v %v", iso, err)
	}
	t0 = time.Now()
	if err := c.Delete(kinds.Core("pods"), "default", "web"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, func() bool {
		_, err := c.Get(kinds.Core("pods"), "default", "web")
		return err != nil
	})
	t.Logf("pod web deleted in %v", time.Since(t0))
}

func getPod(t *testing.T, c *engine.Cluster, name string) *corev1.Pod {
	t.Helper()
	obj, err := c.Get(kinds.Core("pods"), "default", name)
	if err != nil {
		t.Fatal(err)
	}
	return obj.(*corev1.Pod)
}

func ready(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func waitPods(t *testing.T, c *engine.Cluster, ns string, max time.Duration) {
	t.Helper()
	waitFor(t, max, func() bool {
		pods := c.List(kinds.Core("pods"), ns)
		for _, o := range pods {
			if o.(*corev1.Pod).Status.Phase != corev1.PodRunning {
				return false
			}
		}
		return len(pods) > 0
	})
}

func waitFor(t *testing.T, max time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(max)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not done within %v", max)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
