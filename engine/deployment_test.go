package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

var (
	deploymentsKind, _ = kinds.ByResource("apps", "deployments")
	replicaSetsKind, _ = kinds.ByResource("apps", "replicasets")
)

func deployment(t *testing.T, c *Cluster, ns, name string) *appsv1.Deployment {
	t.Helper()
	obj, err := c.Get(deploymentsKind, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	return obj.(*appsv1.Deployment)
}

// patchDeployment applies a strategic merge patch as kubectl set image and
// kubectl patch do.
func patchDeployment(t testing.TB, c *Cluster, name, patch string) {
	t.Helper()
	var err error
	c.onLoop(func() {
		_, err = c.API.Patch(context.Background(), deploymentsKind, "default", name, "", types.StrategicMergePatchType, []byte(patch), apiserver.WriteOptions{})
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Settle()
}

func setImage(t testing.TB, c *Cluster, name, image string) {
	patchDeployment(t, c, name, fmt.Sprintf(`{"spec":{"template":{"spec":{"containers":[{"name":"app","image":%q}]}}}}`, image))
}

func rolledOut(d *appsv1.Deployment) bool {
	s, want := d.Status, *d.Spec.Replicas
	return s.ObservedGeneration >= d.Generation && s.UpdatedReplicas == want && s.Replicas == want && s.AvailableReplicas == want
}

// servingPods watches every committed pod change and keeps, for pods
// matching sel, which ones a Service would send traffic to (Ready and not
// terminating) and which ones exist and are not terminating. check runs
// after every change, in commit order.
type servingPods struct {
	mu      sync.Mutex
	label   string
	serving map[string]bool
	alive   map[string]bool
	check   func(serving, alive int)
}

func watchPods(c *Cluster, label string, check func(serving, alive int)) *servingPods {
	w := &servingPods{label: label, serving: map[string]bool{}, alive: map[string]bool{}, check: check}
	pk := kinds.Core("pods")
	k, v, _ := strings.Cut(label, "=")
	for _, o := range c.List(pk, "") {
		if p := o.(*corev1.Pod); p.Labels[k] == v {
			w.serving[p.Name] = p.DeletionTimestamp == nil && podIsReady(p)
			w.alive[p.Name] = p.DeletionTimestamp == nil
		}
	}
	c.Store.OnChange(func(ch store.Change) {
		if ch.Kind != pk {
			return
		}
		p := ch.Object.(*corev1.Pod)
		k, v, _ := strings.Cut(w.label, "=")
		if p.Labels[k] != v {
			return
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		gone := ch.Type == "DELETED" || p.DeletionTimestamp != nil
		w.serving[p.Name] = !gone && podIsReady(p)
		w.alive[p.Name] = !gone
		n, a := 0, 0
		for name := range w.serving {
			if w.serving[name] {
				n++
			}
			if w.alive[name] {
				a++
			}
		}
		if w.check != nil {
			w.check(n, a)
		}
	})
	return w
}

func podIsReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// TestRollingUpdateNeverDropsBelowDesired: with maxUnavailable 0 and
// maxSurge 1, at every committed change during the rollout at least 3
// pods are Ready and serving, and never more than 4 are running.
func TestRollingUpdateNeverDropsBelowDesired(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  strategy:
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 5
      containers: [{name: app, image: "kubetm/app:v1"}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`)
	c.Advance(10 * time.Second)
	if d := deployment(t, c, "default", "web"); !rolledOut(d) {
		t.Fatalf("not rolled out: %+v", d.Status)
	}
	var mu sync.Mutex
	var violations []string
	minServing, maxAlive, checks := 1<<30, 0, 0
	watchPods(c, "app=web", func(serving, alive int) {
		mu.Lock()
		defer mu.Unlock()
		checks++
		minServing, maxAlive = min(minServing, serving), max(maxAlive, alive)
		if serving < 3 {
			violations = append(violations, fmt.Sprintf("check %d: %d ready pods", checks, serving))
		}
	})
	setImage(t, c, "web", "kubetm/app:v2")
	versions := map[string]bool{}
	for i := 0; i < 60 && !rolledOut(deployment(t, c, "default", "web")); i++ {
		c.Advance(500 * time.Millisecond)
		body, err := c.Curl(context.Background(), "default", "web/version", time.Second)
		if err != nil {
			t.Fatalf("a request failed during the rollout: %v", err)
		}
		versions[strings.TrimSpace(body)] = true
	}
	c.Advance(10 * time.Second)
	d := deployment(t, c, "default", "web")
	if !rolledOut(d) || d.Annotations["deployment.kubernetes.io/revision"] != "2" {
		t.Fatalf("rollout did not finish: %+v", d.Status)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(violations) > 0 {
		t.Fatalf("availability dropped: %v", violations)
	}
	if checks < 10 || minServing != 3 || maxAlive > 4 {
		t.Errorf("checks %d, min serving %d, max running %d", checks, minServing, maxAlive)
	}
	if !versions["Version : v1"] || !versions["Version : v2"] {
		t.Errorf("both versions should have answered during the rollout: %v", versions)
	}
	// The narration tells the same story: every scale-down of the old
	// ReplicaSet left at least 3 available.
	downs := 0
	for _, e := range c.History() {
		if e.Source == "deployment-controller" && e.Reason == "ScalingReplicaSet" && e.Fields["step"] == "scale-down-old" {
			downs++
			if e.Fields["minAvailable"] != "3" || !strings.Contains(e.EN, "3-0=3 must stay available") {
				t.Errorf("narration: %s %v", e.EN, e.Fields)
			}
		}
	}
	if downs != 3 {
		t.Errorf("old replica set scaled down %d times, want 3 (one pod at a time)", downs)
	}
}

// TestRecreateHasDowntime: every old pod is gone before the first new pod
// is created, and meanwhile the Service has nothing to send traffic to.
func TestRecreateHasDowntime(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  strategy: {type: Recreate}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 10
      containers: [{name: app, image: "kubetm/app:v1"}]
`)
	c.Advance(10 * time.Second)
	var mu sync.Mutex
	var lastOldGone, firstNew time.Time
	v1 := ""
	for _, o := range c.List(replicaSetsKind, "default") {
		v1 = o.(*appsv1.ReplicaSet).Labels["pod-template-hash"]
	}
	zero := false
	watchPods(c, "app=web", func(serving, alive int) {
		if serving == 0 {
			zero = true
		}
	})
	c.Store.OnChange(func(ch store.Change) {
		p, ok := ch.Object.(*corev1.Pod)
		if !ok {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case p.Labels["pod-template-hash"] == v1 && ch.Type == "DELETED":
			lastOldGone = c.Clock.Now()
		case p.Labels["pod-template-hash"] != v1 && ch.Type == "ADDED" && firstNew.IsZero():
			firstNew = c.Clock.Now()
		}
	})
	setImage(t, c, "web", "kubetm/app:v2")
	c.Advance(30 * time.Second)
	mu.Lock()
	defer mu.Unlock()
	if firstNew.IsZero() || lastOldGone.IsZero() || firstNew.Before(lastOldGone) {
		t.Fatalf("new pod at %v, last old pod gone at %v", firstNew, lastOldGone)
	}
	if !zero {
		t.Error("Recreate should leave a moment with no ready pod")
	}
	if d := deployment(t, c, "default", "web"); !rolledOut(d) {
		t.Errorf("not rolled out: %+v", d.Status)
	}
}

// TestProgressDeadlineOnCluster: a rollout whose pods never start is
// reported after progressDeadlineSeconds without anything else happening.
func TestProgressDeadlineOnCluster(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  progressDeadlineSeconds: 20
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: "kubetm/app:v1"}]}
`)
	c.Advance(10 * time.Second)
	setImage(t, c, "web", "nosuch/image:v9")
	c.Advance(15 * time.Second)
	progressing := func() appsv1.DeploymentCondition {
		for _, cd := range deployment(t, c, "default", "web").Status.Conditions {
			if cd.Type == appsv1.DeploymentProgressing {
				return cd
			}
		}
		return appsv1.DeploymentCondition{}
	}
	if cd := progressing(); cd.Reason == "ProgressDeadlineExceeded" {
		t.Fatalf("timed out early: %+v", cd)
	}
	c.Advance(15 * time.Second)
	cd := progressing()
	if cd.Reason != "ProgressDeadlineExceeded" || cd.Status != corev1.ConditionFalse {
		t.Fatalf("progressing: %+v", cd)
	}
	// The old pods keep serving: nothing is undone.
	d := deployment(t, c, "default", "web")
	if d.Status.AvailableReplicas < 1 {
		t.Errorf("old pods gone: %+v", d.Status)
	}
}

// TestMinReadySecondsSlowsTheRollout: a new pod counts as available only
// after minReadySeconds, and the old ones wait for that.
func TestMinReadySecondsSlowsTheRollout(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  minReadySeconds: 10
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers: [{name: app, image: "kubetm/app:v1"}]
`)
	c.Advance(5 * time.Second)
	if d := deployment(t, c, "default", "web"); d.Status.ReadyReplicas != 2 || d.Status.AvailableReplicas != 0 {
		t.Fatalf("ready but not yet available: %+v", d.Status)
	}
	c.Advance(10 * time.Second)
	if d := deployment(t, c, "default", "web"); !rolledOut(d) {
		t.Fatalf("available after minReadySeconds: %+v", d.Status)
	}
	start := c.Clock.Now()
	setImage(t, c, "web", "kubetm/app:v2")
	for i := 0; i < 120 && !rolledOut(deployment(t, c, "default", "web")); i++ {
		c.Advance(time.Second)
	}
	// 2 replicas, 25%: surge 1, unavailable 0: two steps of start + 10s.
	if took := c.Clock.Now().Sub(start); took < 20*time.Second || took > 40*time.Second {
		t.Errorf("rollout took %v", took)
	}
}

// TestCoreDNSFromItsDeployment: kube-system's CoreDNS pods come from the
// Deployment through a ReplicaSet named after the template hash, the same
// on every cluster.
func TestCoreDNSFromItsDeployment(t *testing.T) {
	names := func(c *Cluster) string {
		var out []string
		for _, o := range c.List(replicaSetsKind, "kube-system") {
			out = append(out, o.(*appsv1.ReplicaSet).Name)
		}
		for _, o := range c.List(kinds.Core("pods"), "kube-system") {
			if p := o.(*corev1.Pod); strings.HasPrefix(p.Name, "coredns-") {
				out = append(out, p.Name+":"+string(p.Status.Phase))
			}
		}
		return strings.Join(out, " ")
	}
	a, b := newTestCluster(t), newTestCluster(t)
	na, nb := names(a), names(b)
	if na != nb {
		t.Errorf("same seed, different names:\n%s\n%s", na, nb)
	}
	d := deployment(t, a, "kube-system", "coredns")
	if !rolledOut(d) || d.Annotations["deployment.kubernetes.io/revision"] != "1" {
		t.Fatalf("coredns: %+v %v", d.Status, d.Annotations)
	}
	rs := a.List(replicaSetsKind, "kube-system")
	if len(rs) != 1 {
		t.Fatalf("replica sets: %s", na)
	}
	r := rs[0].(*appsv1.ReplicaSet)
	if r.Name != "coredns-"+r.Labels["pod-template-hash"] || strings.Count(na, ":Running") != 2 {
		t.Errorf("coredns objects: %s", na)
	}
}
