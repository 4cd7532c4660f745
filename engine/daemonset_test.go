package engine

import (
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
)

// dsPods maps node -> names of the live (not terminating) pods of a DaemonSet.
func dsPods(t *testing.T, c *Cluster, ns, ds string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, o := range c.List(kinds.Core("pods"), ns) {
		p := o.(*corev1.Pod)
		ref := metav1.GetControllerOf(p)
		if ref == nil || ref.Kind != "DaemonSet" || ref.Name != ds || p.DeletionTimestamp != nil {
			continue
		}
		out[p.Spec.NodeName] = append(out[p.Spec.NodeName], p.Name)
	}
	return out
}

func nodesOf(m map[string][]string) string {
	var ns []string
	for n, pods := range m {
		for range pods {
			ns = append(ns, n)
		}
	}
	sort.Strings(ns)
	return strings.Join(ns, ",")
}

func getDS(t *testing.T, c *Cluster, ns, name string) *appsv1.DaemonSet {
	t.Helper()
	k, _ := kinds.ByResource("apps", "daemonsets")
	obj, err := c.Get(k, ns, name)
	if err != nil {
		t.Fatalf("get ds %s: %v", name, err)
	}
	return obj.(*appsv1.DaemonSet)
}

func labelNode(t *testing.T, c *Cluster, node string, set map[string]string) {
	t.Helper()
	c.onLoop(func() {
		obj, err := c.Store.Get(kinds.Core("nodes"), "", node)
		if err != nil {
			t.Errorf("node %s: %v", node, err)
			return
		}
		n := obj.(*corev1.Node)
		for k, v := range set {
			if v == "" {
				delete(n.Labels, k)
			} else {
				n.Labels[k] = v
			}
		}
		if _, err := c.API.Update(c.ctx(), kinds.Core("nodes"), "", node, "", n, apiserverWrite); err != nil {
			t.Errorf("label node: %v", err)
		}
	})
	c.Settle()
}

func TestKubeProxyIsADaemonSet(t *testing.T) {
	c := newTestCluster(t)
	got := dsPods(t, c, "kube-system", "kube-proxy")
	if nodesOf(got) != "k8s-master,k8s-node1,k8s-node2" {
		t.Fatalf("kube-proxy pods per node: %v", got)
	}
	ds := getDS(t, c, "kube-system", "kube-proxy")
	st := ds.Status
	if st.DesiredNumberScheduled != 3 || st.NumberReady != 3 || st.NumberAvailable != 3 || st.UpdatedNumberScheduled != 3 || st.ObservedGeneration != ds.Generation {
		t.Fatalf("status: %+v", st)
	}
	p := pod(t, c, "kube-system", got["k8s-node1"][0])
	if !p.Spec.HostNetwork || p.Labels["controller-revision-hash"] == "" || p.Labels["pod-template-generation"] != "1" {
		t.Fatalf("pod: hostNetwork=%v labels=%v", p.Spec.HostNetwork, p.Labels)
	}
	if p.Status.Phase != corev1.PodRunning {
		t.Fatalf("kube-proxy pod is %s", p.Status.Phase)
	}
}

// The course's chapter 13: one pod per worker node (the control plane's
// taint keeps it off the master), hostPort, and a nodeSelector that
// follows node labels.
func TestDaemonSetCourseChapter(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: daemonset-1}
spec:
  selector: {matchLabels: {type: app}}
  template:
    metadata: {labels: {type: app}}
    spec:
      containers:
      - name: container
        image: kubetm/app
        ports: [{containerPort: 8080, hostPort: 18080}]
`)
	c.Advance(10 * time.Second)
	got := dsPods(t, c, "default", "daemonset-1")
	if nodesOf(got) != "k8s-node1,k8s-node2" {
		t.Fatalf("daemonset-1 pods per node: %v", got)
	}
	p := pod(t, c, "default", got["k8s-node1"][0])
	if p.Status.Phase != corev1.PodRunning || p.Spec.Containers[0].Ports[0].HostPort != 18080 {
		t.Fatalf("pod %s: %s %+v", p.Name, p.Status.Phase, p.Spec.Containers[0].Ports)
	}
	aff := p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields[0]
	if aff.Key != "metadata.name" || aff.Values[0] != "k8s-node1" {
		t.Fatalf("pinned by %+v", aff)
	}
	var skipped bool
	for _, e := range c.History() {
		if e.Reason == "NodeSkipped" && e.Fields["node"] == "k8s-master" && strings.Contains(e.EN, "node-role.kubernetes.io/control-plane:NoSchedule") {
			skipped = true
		}
	}
	if !skipped {
		t.Error("no narration of why the master runs no pod")
	}

	apply(t, c, `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: daemonset-2}
spec:
  selector: {matchLabels: {type: app2}}
  template:
    metadata: {labels: {type: app2}}
    spec:
      nodeSelector: {os: centos}
      containers:
      - name: container
        image: kubetm/app
        ports: [{containerPort: 8080}]
`)
	c.Advance(5 * time.Second)
	if got := dsPods(t, c, "default", "daemonset-2"); len(got) != 0 {
		t.Fatalf("no node is labelled yet: %v", got)
	}
	labelNode(t, c, "k8s-node1", map[string]string{"os": "centos"})
	labelNode(t, c, "k8s-node2", map[string]string{"os": "ubuntu"})
	c.Advance(5 * time.Second)
	if got := dsPods(t, c, "default", "daemonset-2"); nodesOf(got) != "k8s-node1" {
		t.Fatalf("after labelling: %v", got)
	}
	labelNode(t, c, "k8s-node2", map[string]string{"os": "centos"})
	c.Advance(5 * time.Second)
	if got := dsPods(t, c, "default", "daemonset-2"); nodesOf(got) != "k8s-node1,k8s-node2" {
		t.Fatalf("node2 relabelled: %v", got)
	}
	labelNode(t, c, "k8s-node2", map[string]string{"os": ""})
	c.Advance(time.Minute)
	if got := dsPods(t, c, "default", "daemonset-2"); nodesOf(got) != "k8s-node1" {
		t.Fatalf("label removed: %v", got)
	}
	ds := getDS(t, c, "default", "daemonset-2")
	if ds.Status.DesiredNumberScheduled != 1 || ds.Status.CurrentNumberScheduled != 1 || ds.Status.NumberReady != 1 {
		t.Fatalf("status: %+v", ds.Status)
	}
}

func TestDaemonSetRollingUpdateAndHistory(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - {name: app, image: "kubetm/app:v1"}
`)
	c.Advance(10 * time.Second)
	before := dsPods(t, c, "default", "agent")
	apply(t, c, `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - {name: app, image: "kubetm/app:v2"}
`)
	// maxUnavailable 1: never both nodes without an available pod.
	for i := 0; i < 60; i++ {
		c.Advance(time.Second)
		ds := getDS(t, c, "default", "agent")
		if ds.Status.NumberAvailable < 1 {
			t.Fatalf("at %ds both nodes lost their pod: %+v", i, ds.Status)
		}
	}
	ds := getDS(t, c, "default", "agent")
	if ds.Status.UpdatedNumberScheduled != 2 || ds.Status.NumberAvailable != 2 {
		t.Fatalf("rollout did not finish: %+v", ds.Status)
	}
	after := dsPods(t, c, "default", "agent")
	for node, pods := range after {
		if len(pods) != 1 || pods[0] == before[node][0] {
			t.Fatalf("node %s: %v (before %v)", node, pods, before[node])
		}
		if img := pod(t, c, "default", pods[0]).Spec.Containers[0].Image; img != "kubetm/app:v2" {
			t.Fatalf("image %s", img)
		}
	}
	crk, _ := kinds.ByResource("apps", "controllerrevisions")
	var revs []string
	for _, o := range c.List(crk, "default") {
		cr := o.(*appsv1.ControllerRevision)
		revs = append(revs, cr.Name)
		if cr.Revision == 2 && cr.Labels["controller-revision-hash"] != pod(t, c, "default", after["k8s-node1"][0]).Labels["controller-revision-hash"] {
			t.Errorf("revision 2 hash %s does not label the new pods", cr.Labels["controller-revision-hash"])
		}
	}
	if len(revs) != 2 {
		t.Fatalf("revisions: %v", revs)
	}
}

func TestDaemonSetOnDeleteAndTaints(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: OnDelete}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 0
      tolerations:
      - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}
      containers:
      - {name: app, image: "kubetm/app:v1"}
`)
	c.Advance(10 * time.Second)
	if got := dsPods(t, c, "default", "agent"); nodesOf(got) != "k8s-master,k8s-node1,k8s-node2" {
		t.Fatalf("tolerating the control-plane taint: %v", got)
	}
	apply(t, c, `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: OnDelete}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 0
      tolerations:
      - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}
      containers:
      - {name: app, image: "kubetm/app:v2"}
`)
	c.Advance(30 * time.Second)
	got := dsPods(t, c, "default", "agent")
	ds := getDS(t, c, "default", "agent")
	if ds.Status.UpdatedNumberScheduled != 0 {
		t.Fatalf("OnDelete replaced pods by itself: %+v", ds.Status)
	}
	if err := c.Delete(kinds.Core("pods"), "default", got["k8s-node1"][0]); err != nil {
		t.Fatal(err)
	}
	c.Advance(10 * time.Second)
	got = dsPods(t, c, "default", "agent")
	if img := pod(t, c, "default", got["k8s-node1"][0]).Spec.Containers[0].Image; img != "kubetm/app:v2" {
		t.Fatalf("the replacement runs %s", img)
	}
	if ds := getDS(t, c, "default", "agent"); ds.Status.UpdatedNumberScheduled != 1 {
		t.Fatalf("status: %+v", ds.Status)
	}

	// A NoExecute taint the pods do not tolerate evicts the daemon pod; a
	// NoSchedule one only keeps new pods off.
	c.onLoop(func() {
		obj, _ := c.Store.Get(kinds.Core("nodes"), "", "k8s-node2")
		n := obj.(*corev1.Node)
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: "maintenance", Effect: corev1.TaintEffectNoSchedule})
		c.API.Update(c.ctx(), kinds.Core("nodes"), "", n.Name, "", n, apiserverWrite)
	})
	c.Advance(10 * time.Second)
	if got := dsPods(t, c, "default", "agent"); len(got["k8s-node2"]) != 1 {
		t.Fatalf("NoSchedule evicted: %v", got)
	}
	if ds := getDS(t, c, "default", "agent"); ds.Status.DesiredNumberScheduled != 2 || ds.Status.NumberMisscheduled != 1 {
		t.Fatalf("status with a NoSchedule taint: %+v", ds.Status)
	}
	c.onLoop(func() {
		obj, _ := c.Store.Get(kinds.Core("nodes"), "", "k8s-node2")
		n := obj.(*corev1.Node)
		n.Spec.Taints = []corev1.Taint{{Key: "maintenance", Effect: corev1.TaintEffectNoExecute}}
		c.API.Update(c.ctx(), kinds.Core("nodes"), "", n.Name, "", n, apiserverWrite)
	})
	c.Advance(10 * time.Second)
	if got := dsPods(t, c, "default", "agent"); len(got["k8s-node2"]) != 0 {
		t.Fatalf("NoExecute kept the pod: %v", got)
	}
}

var apiserverWrite = apiserver.WriteOptions{}
