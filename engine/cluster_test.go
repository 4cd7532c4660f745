package engine

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
	"kubetour/engine/kubelet"
	"kubetour/engine/store"
)

func newTestCluster(t *testing.T) *Cluster {
	t.Helper()
	c, err := New(Config{Manual: true, Seed: 1, NewRuntime: SimRuntime, Start: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Latency: kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}

func apply(t *testing.T, c *Cluster, manifest string) {
	t.Helper()
	if _, err := c.Apply([]byte(manifest), ""); err != nil {
		t.Fatalf("apply: %v", err)
	}
}

func pod(t *testing.T, c *Cluster, ns, name string) *corev1.Pod {
	t.Helper()
	obj, err := c.Get(kinds.Core("pods"), ns, name)
	if err != nil {
		t.Fatalf("get pod %s: %v", name, err)
	}
	return obj.(*corev1.Pod)
}

func TestBootstrapShape(t *testing.T) {
	c := newTestCluster(t)
	nodes := c.List(kinds.Core("nodes"), "")
	if len(nodes) != 3 {
		t.Fatalf("nodes: %d", len(nodes))
	}
	c.Advance(10 * time.Second)
	for _, o := range c.List(kinds.Core("pods"), "kube-system") {
		p := o.(*corev1.Pod)
		if p.Status.Phase != corev1.PodRunning {
			t.Errorf("system pod %s is %s", p.Name, p.Status.Phase)
		}
	}
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		if _, err := c.Get(kinds.Core("serviceaccounts"), ns, "default"); err != nil {
			t.Errorf("namespace %s has no default service account", ns)
		}
	}
}

func TestPodLifecycle(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: app
    image: kubetm/app
    ports: [{containerPort: 8080}]
`)
	p := pod(t, c, "default", "web")
	if p.Spec.NodeName == "" {
		t.Fatal("not scheduled")
	}
	if got := p.Status.ContainerStatuses[0].State.Waiting; got == nil || got.Reason != "ContainerCreating" {
		t.Fatalf("before time passes the container is creating: %+v", p.Status.ContainerStatuses)
	}
	c.Advance(5 * time.Second)
	p = pod(t, c, "default", "web")
	if p.Status.Phase != corev1.PodRunning || p.Status.PodIP == "" || !strings.HasPrefix(p.Status.PodIP, "10.244.") {
		t.Fatalf("running with an IP: %s %q", p.Status.Phase, p.Status.PodIP)
	}
	body, err := c.Curl(context.Background(), "default", "http://"+p.Status.PodIP+":8080/hostname", time.Second)
	if err != nil || !strings.Contains(body, "web") {
		t.Fatalf("curl the pod: %q %v", body, err)
	}
	var reasons []string
	for _, e := range c.History() {
		if e.Kind == "decision" && len(e.Objects) > 0 && e.Objects[0].Name == "web" {
			reasons = append(reasons, e.Reason)
		}
	}
	joined := strings.Join(reasons, ",")
	for _, want := range []string{"Scheduled", "Pulling", "Pulled", "Created", "Started"} {
		if !strings.Contains(joined, want) {
			t.Errorf("narration lacks %s: %s", want, joined)
		}
	}
	// Graceful deletion: Terminating, then gone.
	if err := c.Delete(kinds.Core("pods"), "default", "web"); err != nil {
		t.Fatal(err)
	}
	c.Settle()
	if _, err := c.Get(kinds.Core("pods"), "default", "web"); err == nil {
		c.Advance(31 * time.Second)
	}
	if _, err := c.Get(kinds.Core("pods"), "default", "web"); !apierrors.IsNotFound(err) {
		t.Fatalf("pod not removed after its grace period: %v", err)
	}
}

func TestCrashLoopBackOff(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "echo bye; exit 1"]
`)
	c.Advance(5 * time.Second)
	p := pod(t, c, "default", "crash")
	cs := p.Status.ContainerStatuses[0]
	if cs.RestartCount < 1 {
		t.Fatalf("restarts: %d", cs.RestartCount)
	}
	c.Advance(time.Second)
	p = pod(t, c, "default", "crash")
	cs = p.Status.ContainerStatuses[0]
	if cs.State.Waiting == nil || cs.State.Waiting.Reason != "CrashLoopBackOff" || cs.LastTerminationState.Terminated == nil ||
		cs.LastTerminationState.Terminated.ExitCode != 1 || cs.LastTerminationState.Terminated.Reason != "Error" {
		t.Fatalf("crash loop: %+v", cs)
	}
	if p.Status.Phase != corev1.PodRunning {
		t.Fatalf("a crash-looping pod with restartPolicy Always is Running, got %s", p.Status.Phase)
	}
	var logs bytes.Buffer
	if err := c.Logs(context.Background(), "default", "crash", &corev1.PodLogOptions{Previous: true}, &logs); err != nil || logs.String() != "bye\n" {
		t.Fatalf("previous logs: %q %v", logs.String(), err)
	}
	// Back-off doubles: 10s, 20s, 40s … (busybox:latest is pulled again
	// before every restart; that must not reset the crash back-off).
	// While the kubelet pulls and starts the container again the pod stays
	// CrashLoopBackOff, as kubectl shows it: it is not created anew.
	before := cs.RestartCount
	seen := map[string]bool{}
	for range 110 {
		c.Advance(100 * time.Millisecond)
		if w := pod(t, c, "default", "crash").Status.ContainerStatuses[0].State.Waiting; w != nil {
			seen[w.Reason] = true
		}
	}
	if seen["ContainerCreating"] || !seen["CrashLoopBackOff"] {
		t.Errorf("waiting reasons during a restart: %v, want CrashLoopBackOff only", seen)
	}
	after := pod(t, c, "default", "crash").Status.ContainerStatuses[0].RestartCount
	if after != before+1 {
		t.Fatalf("restart after 10s back-off: %d -> %d", before, after)
	}
	c.Advance(15 * time.Second)
	if n := pod(t, c, "default", "crash").Status.ContainerStatuses[0].RestartCount; n != after {
		t.Fatalf("restarted before the 20s back-off ended: %d -> %d", after, n)
	}
	c.Advance(8 * time.Second)
	if n := pod(t, c, "default", "crash").Status.ContainerStatuses[0].RestartCount; n != after+1 {
		t.Fatalf("restart after 20s back-off: %d -> %d", after, n)
	}
}

// A process that ends as it starts (echo) is never seen Running: the
// first status the kubelet writes after starting it is the ended one, as
// after a real SyncPod. kubectl run -i relies on it to print the output
// once, from the log, instead of attaching to a container already gone.
func TestAnInstantCommandIsNeverSeenRunning(t *testing.T) {
	c := newTestCluster(t)
	var phases []corev1.PodPhase
	c.Store.OnChange(func(ch store.Change) {
		if p, ok := ch.Object.(*corev1.Pod); ok && p.Name == "once" {
			if n := len(phases); n == 0 || phases[n-1] != p.Status.Phase {
				phases = append(phases, p.Status.Phase)
			}
		}
	})
	apply(t, c, "apiVersion: v1\nkind: Pod\nmetadata: {name: once}\nspec:\n  restartPolicy: Never\n  containers:\n  - {name: c, image: busybox, command: [echo, hi]}\n")
	c.Advance(10 * time.Second)
	if got := fmt.Sprint(phases); got != "[Pending Succeeded]" {
		t.Errorf("phases %s, want [Pending Succeeded]", got)
	}
}

func TestImagePullBackOff(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - {name: c, image: nosuch/image:v9}\n")
	c.Advance(3 * time.Second)
	w := pod(t, c, "default", "bad").Status.ContainerStatuses[0].State.Waiting
	if w == nil || w.Reason != "ErrImagePull" {
		t.Fatalf("want ErrImagePull, got %+v", w)
	}
	c.Advance(2 * time.Second)
	w = pod(t, c, "default", "bad").Status.ContainerStatuses[0].State.Waiting
	if w == nil || w.Reason != "ImagePullBackOff" {
		t.Fatalf("want ImagePullBackOff, got %+v", w)
	}
}

func TestJobStylePodCompletes(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: Pod
metadata: {name: once}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: kubetm/init
    command: ["sh", "-c", "sleep 3; echo done"]
`)
	c.Advance(4 * time.Second)
	if p := pod(t, c, "default", "once"); p.Status.Phase != corev1.PodRunning {
		t.Fatalf("sleeping: %s", p.Status.Phase)
	}
	c.Advance(3 * time.Second)
	p := pod(t, c, "default", "once")
	term := p.Status.ContainerStatuses[0].State.Terminated
	if p.Status.Phase != corev1.PodSucceeded || term == nil || term.Reason != "Completed" {
		t.Fatalf("completed: %s %+v", p.Status.Phase, p.Status.ContainerStatuses[0].State)
	}
}

func TestConfigMapEnvFixedFilesFollow(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {key: one}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: kubetm/init
    env: [{name: KEY, valueFrom: {configMapKeyRef: {name: cm, key: key}}}]
    volumeMounts: [{name: v, mountPath: /cfg}]
  volumes: [{name: v, configMap: {name: cm}}]
`)
	c.Advance(5 * time.Second)
	run := func(cmd ...string) string {
		var out bytes.Buffer
		code, err := c.Exec(context.Background(), "default", "p", "", cmd, apiserver.ExecStreams{Stdout: &out, Stderr: &out})
		if err != nil || code != 0 {
			t.Fatalf("exec %v: %d %v %s", cmd, code, err, out.String())
		}
		return strings.TrimSpace(out.String())
	}
	if got := run("cat", "/cfg/key"); got != "one" {
		t.Fatalf("file: %q", got)
	}
	apply(t, c, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {key: two}\n")
	if got := run("cat", "/cfg/key"); got != "one" {
		t.Fatalf("the file changes only at the next kubelet sync, got %q", got)
	}
	c.Advance(61 * time.Second)
	if got := run("cat", "/cfg/key"); got != "two" {
		t.Fatalf("file after a sync period: %q", got)
	}
	if got := run("printenv", "KEY"); got != "one" {
		t.Fatalf("env is fixed at start: %q", got)
	}
}

func TestServiceRoutesToReadyPods(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: web}}
spec: {containers: [{name: c, image: kubetm/app}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {app: web}}
spec: {containers: [{name: c, image: kubetm/app}]}
`)
	if _, err := c.Curl(context.Background(), "default", "web/hostname", time.Second); err == nil {
		t.Fatal("no ready endpoint yet: curl must fail")
	}
	c.Advance(5 * time.Second)
	seen := map[string]bool{}
	for i := 0; i < 4; i++ {
		body, err := c.Curl(context.Background(), "default", "web/hostname", time.Second)
		if err != nil {
			t.Fatal(err)
		}
		seen[strings.TrimSpace(body)] = true
	}
	if len(seen) != 2 {
		t.Fatalf("load balancing across both pods: %v", seen)
	}
}

func TestEventsExpireAfterAnHour(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: kubetm/app}\n")
	c.Advance(5 * time.Second)
	count := func() int {
		n := 0
		for _, o := range c.List(kinds.Core("events"), "default") {
			if o.(*corev1.Event).InvolvedObject.Name == "p" {
				n++
			}
		}
		return n
	}
	if count() == 0 {
		t.Fatal("no events recorded for the pod")
	}
	c.Advance(30 * time.Minute)
	if count() == 0 {
		t.Fatal("events expired too early")
	}
	c.Advance(40 * time.Minute)
	if n := count(); n != 0 {
		t.Fatalf("%d events outlived the one-hour TTL", n)
	}
}

func TestInitContainersRunFirst(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: Pod
metadata: {name: init}
spec:
  initContainers:
  - name: setup
    image: busybox
    command: ["sh", "-c", "sleep 3"]
  containers:
  - name: app
    image: kubetm/app
`)
	c.Advance(3 * time.Second)
	p := pod(t, c, "default", "init")
	if w := p.Status.ContainerStatuses[0].State.Waiting; w == nil || w.Reason != "PodInitializing" {
		t.Fatalf("main container waits for init: %+v", p.Status.ContainerStatuses[0].State)
	}
	if p.Status.InitContainerStatuses[0].State.Running == nil {
		t.Fatalf("init container runs: %+v", p.Status.InitContainerStatuses[0].State)
	}
	c.Advance(5 * time.Second) // the init container ends, then the app's image is pulled
	p = pod(t, c, "default", "init")
	if p.Status.Phase != corev1.PodRunning || p.Status.InitContainerStatuses[0].State.Terminated == nil ||
		p.Status.InitContainerStatuses[0].State.Terminated.Reason != "Completed" {
		t.Fatalf("after init: %s %+v", p.Status.Phase, p.Status.InitContainerStatuses[0].State)
	}
}

func TestTwoContainersOnOnePortConflict(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: Pod
metadata: {name: clash}
spec:
  containers:
  - {name: one, image: kubetm/p8000, ports: [{containerPort: 8000}]}
  - {name: two, image: kubetm/p8000, ports: [{containerPort: 8000}]}
`)
	c.Advance(5 * time.Second)
	p := pod(t, c, "default", "clash")
	one, two := p.Status.ContainerStatuses[0], p.Status.ContainerStatuses[1]
	if one.State.Running == nil {
		t.Fatalf("first container keeps its port: %+v", one.State)
	}
	if two.RestartCount == 0 && two.State.Terminated == nil {
		t.Fatalf("second container fails on the taken port: %+v", two)
	}
	var logs bytes.Buffer
	c.Logs(context.Background(), "default", "clash", &corev1.PodLogOptions{Container: "two", Previous: two.RestartCount > 0}, &logs)
	if !strings.Contains(logs.String(), "address already in use") {
		t.Fatalf("the failure says why: %q", logs.String())
	}
}

func TestLivenessProbeRestartsUnhealthyApp(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: Pod
metadata: {name: live}
spec:
  containers:
  - name: app
    image: kubetm/app
    livenessProbe:
      httpGet: {path: /health, port: 8080}
      periodSeconds: 5
      failureThreshold: 2
`)
	c.Advance(5 * time.Second)
	p := pod(t, c, "default", "live")
	if _, err := c.Curl(context.Background(), "default", "http://"+p.Status.PodIP+":8080/status500", time.Second); err != nil {
		t.Fatal(err)
	}
	c.Advance(12 * time.Second)
	p = pod(t, c, "default", "live")
	if p.Status.ContainerStatuses[0].RestartCount != 1 {
		t.Fatalf("liveness failures restart the container: %+v", p.Status.ContainerStatuses[0])
	}
	found := false
	for _, e := range c.History() {
		if e.Reason == "Unhealthy" && strings.Contains(e.Message, "Liveness probe failed: HTTP probe failed with statuscode: 500") {
			found = true
		}
	}
	if !found {
		t.Fatal("no Unhealthy event with the probe's failure")
	}
}

func TestTimeControlOnWallClock(t *testing.T) {
	c, err := New(Config{Seed: 1, NewRuntime: SimRuntime, NoSystemPods: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	c.Pause()
	before := c.Now()
	apply(t, c, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: kubetm/init, command: [sh, -c, 'sleep 3600']}\n")
	if !c.Now().Equal(before) {
		t.Fatal("paused clock moved")
	}
	c.Step(time.Hour + time.Minute)
	if got := c.Now().Sub(before); got < time.Hour+time.Minute {
		t.Fatalf("step moved time by %v", got)
	}
	p := pod(t, c, "default", "p")
	if p.Status.Phase != corev1.PodRunning || p.Status.ContainerStatuses[0].RestartCount != 1 {
		t.Fatalf("an hour-long sleep ended and restarted during the step: %s %+v", p.Status.Phase, p.Status.ContainerStatuses[0])
	}
}

func TestExternalTrafficPolicyLocal(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: Pod
metadata: {name: only, labels: {app: loc}}
spec:
  nodeSelector: {kubernetes.io/hostname: k8s-node1}
  containers: [{name: c, image: kubetm/app}]
---
apiVersion: v1
kind: Service
metadata: {name: loc}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector: {app: loc}
  ports: [{port: 80, targetPort: 8080, nodePort: 30050}]
`)
	c.Advance(5 * time.Second)
	if body, err := c.Curl(context.Background(), "default", "192.168.56.31:30050/hostname", time.Second); err != nil || !strings.Contains(body, "only") {
		t.Fatalf("the node with the pod answers: %q %v", body, err)
	}
	if _, err := c.Curl(context.Background(), "default", "192.168.56.32:30050/hostname", time.Second); err == nil {
		t.Fatal("a node without a local pod must not answer under Local")
	}
}
