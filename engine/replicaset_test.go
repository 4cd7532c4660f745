package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
)

var rsTestKind, _ = kinds.ByResource("apps", "replicasets")

func rsGet(t *testing.T, c *Cluster, ns, name string) *appsv1.ReplicaSet {
	t.Helper()
	obj, err := c.Get(rsTestKind, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	return obj.(*appsv1.ReplicaSet)
}

// rsPods lists the pods of ns carrying label, live and terminating apart.
func rsPods(c *Cluster, ns, label string) (live, terminating []*corev1.Pod) {
	k, v, _ := strings.Cut(label, "=")
	for _, o := range c.List(kinds.Core("pods"), ns) {
		p := o.(*corev1.Pod)
		if p.Labels[k] != v {
			continue
		}
		if p.DeletionTimestamp != nil {
			terminating = append(terminating, p)
		} else {
			live = append(live, p)
		}
	}
	return live, terminating
}

func rsDelete(t *testing.T, c *Cluster, k *kinds.Kind, ns, name string, policy metav1.DeletionPropagation) {
	t.Helper()
	var err error
	c.onLoop(func() {
		_, _, err = c.API.Delete(context.Background(), k, ns, name, &metav1.DeleteOptions{PropagationPolicy: &policy})
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Settle()
}

// rsNarration lists the reasons a component gave, in order.
func rsNarration(c *Cluster, source string) []string {
	var out []string
	for _, e := range c.History() {
		if e.Kind == "decision" && e.Source == source {
			out = append(out, e.Reason)
		}
	}
	return out
}

// rsNarrationOf lists the reasons a component gave about one object.
func rsNarrationOf(c *Cluster, source, object string) []string {
	var out []string
	for _, e := range c.History() {
		if e.Kind == "decision" && e.Source == source && len(e.Objects) > 0 && e.Objects[0].Name == object {
			out = append(out, e.Reason)
		}
	}
	return out
}

func countOf(xs []string, x string) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

// webReplicaSet's pods run a shell as PID 1, which ignores SIGTERM: they
// take their whole 30s grace period to stop, so "Terminating" lasts.
const webReplicaSet = `
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: busybox, command: [sh, -c, "sleep 3600"]}]
`

func TestReplicaSetReplacesDeletedPod(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, webReplicaSet)
	c.Advance(10 * time.Second)
	live, _ := rsPods(c, "default", "app=web")
	if len(live) != 2 || live[0].Status.Phase != corev1.PodRunning {
		t.Fatalf("pods %d", len(live))
	}
	if st := rsGet(t, c, "default", "web").Status; st.ReadyReplicas != 2 || st.AvailableReplicas != 2 {
		t.Fatalf("status %+v", st)
	}
	victim := live[0].Name
	if err := c.Delete(kinds.Core("pods"), "default", victim); err != nil {
		t.Fatal(err)
	}
	c.Settle()
	// The replacement comes at once: a terminating pod no longer counts.
	live, terminating := rsPods(c, "default", "app=web")
	if len(live) != 2 || len(terminating) != 1 || terminating[0].Name != victim {
		t.Fatalf("live %d terminating %d", len(live), len(terminating))
	}
	st := rsGet(t, c, "default", "web").Status
	if st.Replicas != 2 || st.TerminatingReplicas == nil || *st.TerminatingReplicas != 1 {
		t.Fatalf("status %+v", st)
	}
	c.Advance(31 * time.Second)
	live, terminating = rsPods(c, "default", "app=web")
	if len(live) != 2 || len(terminating) != 0 {
		t.Fatalf("after the grace period: live %d terminating %d", len(live), len(terminating))
	}
	if st := rsGet(t, c, "default", "web").Status; *st.TerminatingReplicas != 0 || st.ReadyReplicas != 2 {
		t.Fatalf("status %+v", st)
	}
	if got := countOf(rsNarrationOf(c, "replicaset-controller", "web"), "SuccessfulCreate"); got != 3 {
		t.Fatalf("creations %d", got)
	}
}

func TestReplicationControllerOrphanThenReplicaSetAdopts(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: ReplicationController
metadata: {name: replication1}
spec:
  replicas: 2
  selector: {cascade: "false"}
  template:
    metadata: {labels: {cascade: "false"}}
    spec:
      containers: [{name: container, image: kubetm/app:v1}]
`)
	c.Advance(10 * time.Second)
	before, _ := rsPods(c, "default", "cascade=false")
	if len(before) != 2 {
		t.Fatalf("pods %d", len(before))
	}
	rsDelete(t, c, kinds.Core("replicationcontrollers"), "default", "replication1", metav1.DeletePropagationOrphan)
	if _, err := c.Get(kinds.Core("replicationcontrollers"), "default", "replication1"); !apierrors.IsNotFound(err) {
		t.Fatalf("the ReplicationController should be gone: %v", err)
	}
	c.Advance(5 * time.Second)
	live, terminating := rsPods(c, "default", "cascade=false")
	if len(live) != 2 || len(terminating) != 0 {
		t.Fatalf("orphaned pods: live %d terminating %d", len(live), len(terminating))
	}
	for _, p := range live {
		if len(p.OwnerReferences) != 0 || p.Status.Phase != corev1.PodRunning {
			t.Fatalf("pod %s: owners %v phase %s", p.Name, p.OwnerReferences, p.Status.Phase)
		}
	}
	apply(t, c, `
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: replica2}
spec:
  replicas: 2
  selector: {matchLabels: {cascade: "false"}}
  template:
    metadata: {labels: {cascade: "false"}}
    spec:
      containers: [{name: container, image: kubetm/app:v1}]
`)
	c.Settle()
	live, _ = rsPods(c, "default", "cascade=false")
	if len(live) != 2 {
		t.Fatalf("the ReplicaSet should adopt, not create: %d pods", len(live))
	}
	rs := rsGet(t, c, "default", "replica2")
	for i, p := range live {
		if p.Name != before[i].Name || !metav1.IsControlledBy(p, rs) {
			t.Fatalf("pod %s not adopted by replica2: %v", p.Name, p.OwnerReferences)
		}
	}
	gc := rsNarration(c, "garbage-collector-controller")
	if countOf(gc, "DependentOrphaned") != 2 || countOf(gc, "OrphanFinalized") != 1 || countOf(gc, "DependentDeleted") != 0 {
		t.Fatalf("garbage collector narration %v", gc)
	}
	if got := rsNarrationOf(c, "replicaset-controller", "replica2"); countOf(got, "PodAdopted") != 2 || countOf(got, "SuccessfulCreate") != 0 {
		t.Fatalf("replicaset narration %v", got)
	}
}

func TestReplicaSetCascadingDeletion(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, webReplicaSet)
	c.Advance(10 * time.Second)
	// Foreground: the ReplicaSet stays, deleting, until its pods are gone.
	rsDelete(t, c, rsTestKind, "default", "web", metav1.DeletePropagationForeground)
	rs := rsGet(t, c, "default", "web")
	if rs.DeletionTimestamp == nil || len(rs.Finalizers) != 1 || rs.Finalizers[0] != metav1.FinalizerDeleteDependents {
		t.Fatalf("owner %v %v", rs.DeletionTimestamp, rs.Finalizers)
	}
	if live, terminating := rsPods(c, "default", "app=web"); len(live) != 0 || len(terminating) != 2 {
		t.Fatalf("live %d terminating %d: no replacement may be made while the owner is deleting", len(live), len(terminating))
	}
	c.Advance(31 * time.Second)
	if _, err := c.Get(rsTestKind, "default", "web"); !apierrors.IsNotFound(err) {
		t.Fatalf("owner should be gone after its pods: %v", err)
	}
	// Background: the ReplicaSet goes at once, its pods after it.
	apply(t, c, webReplicaSet)
	c.Advance(10 * time.Second)
	rsDelete(t, c, rsTestKind, "default", "web", metav1.DeletePropagationBackground)
	if _, err := c.Get(rsTestKind, "default", "web"); !apierrors.IsNotFound(err) {
		t.Fatalf("owner should be gone at once: %v", err)
	}
	if live, terminating := rsPods(c, "default", "app=web"); len(live) != 0 || len(terminating) != 2 {
		t.Fatalf("live %d terminating %d", len(live), len(terminating))
	}
	c.Advance(31 * time.Second)
	if live, terminating := rsPods(c, "default", "app=web"); len(live)+len(terminating) != 0 {
		t.Fatalf("pods left: %d", len(live)+len(terminating))
	}
}

func TestReplicaSetQuotaFailedCreateThenRecovers(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: Namespace
metadata: {name: quota}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: rq, namespace: quota}
spec:
  hard: {pods: "1"}
`)
	c.Settle()
	apply(t, c, strings.Replace(webReplicaSet, "metadata: {name: web}", "metadata: {name: web, namespace: quota}", 1))
	c.Advance(5 * time.Second)
	if live, _ := rsPods(c, "quota", "app=web"); len(live) != 1 {
		t.Fatalf("pods %d", len(live))
	}
	rs := rsGet(t, c, "quota", "web")
	var cond *appsv1.ReplicaSetCondition
	for i := range rs.Status.Conditions {
		if rs.Status.Conditions[i].Type == appsv1.ReplicaSetReplicaFailure {
			cond = &rs.Status.Conditions[i]
		}
	}
	if cond == nil || cond.Reason != "FailedCreate" || !strings.Contains(cond.Message, "exceeded quota: rq, requested: pods=1, used: pods=1, limited: pods=1") {
		t.Fatalf("condition %+v", rs.Status.Conditions)
	}
	var event *corev1.Event
	for _, o := range c.List(kinds.Core("events"), "quota") {
		if e := o.(*corev1.Event); e.Reason == "FailedCreate" {
			event = e
			break
		}
	}
	if event == nil || event.Type != corev1.EventTypeWarning || event.InvolvedObject.Kind != "ReplicaSet" ||
		!strings.HasPrefix(event.Message, `Error creating: pods "web-`) || !strings.Contains(event.Message, `" is forbidden: exceeded quota: rq`) {
		t.Fatalf("event %+v", event)
	}
	// Room is made: the controller's retries (with back-off) fill it.
	var err error
	c.onLoop(func() {
		obj, _ := c.Store.Get(kinds.Core("resourcequotas"), "quota", "rq")
		q := obj.(*corev1.ResourceQuota)
		q.Spec.Hard[corev1.ResourcePods] = resource.MustParse("5")
		_, err = c.API.Update(context.Background(), kinds.Core("resourcequotas"), "quota", "rq", "", q, apiserver.WriteOptions{})
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Advance(2 * time.Minute)
	if live, _ := rsPods(c, "quota", "app=web"); len(live) != 2 {
		t.Fatalf("pods after the quota grew: %d", len(live))
	}
	rs = rsGet(t, c, "quota", "web")
	if len(rs.Status.Conditions) != 0 || rs.Status.ReadyReplicas != 2 {
		t.Fatalf("status %+v", rs.Status)
	}
}

func TestCoreDNSReplicaSetKeepsTwoPods(t *testing.T) {
	c := newTestCluster(t)
	c.Advance(time.Minute)
	live, _ := rsPods(c, "kube-system", "k8s-app=kube-dns")
	if len(live) != 2 {
		t.Fatalf("coredns pods %d", len(live))
	}
	owner := metav1.GetControllerOf(live[0])
	if owner == nil || owner.Kind != "ReplicaSet" || !strings.HasPrefix(owner.Name, "coredns-") {
		t.Fatalf("owner %+v", owner)
	}
	if st := rsGet(t, c, "kube-system", owner.Name).Status; st.Replicas != 2 || st.ReadyReplicas != 2 {
		t.Fatalf("status %+v", st)
	}
}
