package controller

import (
	"sort"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// drainGC runs the collector's queued work, and what that work queues,
// until nothing is left (the loop would, round by round).
func (h *rsHarness) drainGC(g *GC) {
	for i := 0; i < 20; i++ {
		h.observe(g)
		if len(g.q.pending) == 0 {
			return
		}
		keys := make([]string, 0, len(g.q.pending))
		for k := range g.q.pending {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		g.q.pending = map[string]bool{}
		for _, k := range keys {
			g.sync(k)
		}
	}
	h.t.Fatal("garbage collector never settled")
}

func ownedPod(name string, owner metav1.Object, kind, apiVersion string, node string) *corev1.Pod {
	p := barePod(name, map[string]string{"app": "x"})
	yes := true
	p.OwnerReferences = []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: owner.GetName(), UID: owner.GetUID(),
		Controller: &yes, BlockOwnerDeletion: &yes}}
	p.Spec.NodeName = node
	return p
}

func (h *rsHarness) exists(k *kinds.Kind, ns, name string) bool {
	_, err := h.d.Store.Get(k, ns, name)
	if err != nil && !apierrors.IsNotFound(err) {
		h.t.Fatal(err)
	}
	return err == nil
}

func (h *rsHarness) newOwnerRS(g *GC) metav1.Object {
	web := map[string]string{"app": "x"}
	rs := h.create(rsKind, webRS("owner", 0, &metav1.LabelSelector{MatchLabels: web}, web)).(metav1.Object)
	for _, n := range []string{"a", "b"} {
		h.create(kinds.Core("pods"), ownedPod(n, rs, "ReplicaSet", "apps/v1", ""))
	}
	h.drainGC(g)
	return rs
}

func TestGCBackgroundDeletesDependents(t *testing.T) {
	h := newRSHarness(t)
	g := NewGC(h.d)
	h.newOwnerRS(g)
	if !h.exists(kinds.Core("pods"), "default", "a") {
		t.Fatal("a dependent of a live owner was collected")
	}
	if _, _, err := h.d.API.Delete(h.d.ctx(), rsKind, "default", "owner", &metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	h.drainGC(g)
	if h.exists(kinds.Core("pods"), "default", "a") || h.exists(kinds.Core("pods"), "default", "b") {
		t.Fatal("dependents of a deleted owner remain")
	}
	if got := h.reasons(gcSource); got != "DependentDeleted,DependentDeleted" {
		t.Fatalf("narration %s", got)
	}
}

func TestGCOrphanRemovesReferences(t *testing.T) {
	h := newRSHarness(t)
	g := NewGC(h.d)
	h.newOwnerRS(g)
	orphan := metav1.DeletePropagationOrphan
	if _, _, err := h.d.API.Delete(h.d.ctx(), rsKind, "default", "owner", &metav1.DeleteOptions{PropagationPolicy: &orphan}); err != nil {
		t.Fatal(err)
	}
	if !h.exists(rsKind, "default", "owner") {
		t.Fatal("the orphan finalizer should hold the owner until its dependents are released")
	}
	h.drainGC(g)
	if h.exists(rsKind, "default", "owner") {
		t.Fatal("owner not deleted after orphaning")
	}
	for _, n := range []string{"a", "b"} {
		if p := h.pod(n); len(p.OwnerReferences) != 0 || p.DeletionTimestamp != nil {
			t.Fatalf("pod %s: refs %v deleting %v", n, p.OwnerReferences, p.DeletionTimestamp)
		}
	}
	if got := h.reasons(gcSource); got != "DependentOrphaned,DependentOrphaned,OrphanFinalized" {
		t.Fatalf("narration %s", got)
	}
}

func TestGCForegroundWaitsForBlockingDependents(t *testing.T) {
	h := newRSHarness(t)
	g := NewGC(h.d)
	web := map[string]string{"app": "x"}
	rs := h.create(rsKind, webRS("owner", 0, &metav1.LabelSelector{MatchLabels: web}, web)).(metav1.Object)
	// Bound to a node, the pods are deleted gracefully: they linger.
	h.create(kinds.Core("pods"), ownedPod("a", rs, "ReplicaSet", "apps/v1", "node-1"))
	h.create(kinds.Core("pods"), ownedPod("b", rs, "ReplicaSet", "apps/v1", "node-1"))
	h.drainGC(g)
	fg := metav1.DeletePropagationForeground
	if _, _, err := h.d.API.Delete(h.d.ctx(), rsKind, "default", "owner", &metav1.DeleteOptions{PropagationPolicy: &fg}); err != nil {
		t.Fatal(err)
	}
	h.drainGC(g)
	for _, n := range []string{"a", "b"} {
		if h.pod(n).DeletionTimestamp == nil {
			t.Fatalf("pod %s not being deleted", n)
		}
	}
	if !h.exists(rsKind, "default", "owner") {
		t.Fatal("the owner went before its blocking dependents")
	}
	// The kubelet finishes one pod: the owner still waits for the other.
	zero := int64(0)
	h.d.Store.Delete(kinds.Core("pods"), "default", "a", store.DeleteOptions{GracePeriod: &zero})
	h.drainGC(g)
	if !h.exists(rsKind, "default", "owner") {
		t.Fatal("the owner went with a blocking dependent left")
	}
	h.d.Store.Delete(kinds.Core("pods"), "default", "b", store.DeleteOptions{GracePeriod: &zero})
	h.drainGC(g)
	if h.exists(rsKind, "default", "owner") {
		t.Fatal("the owner should be gone once its dependents are")
	}
	if got := h.reasons(gcSource); got != "DependentDeleted,DependentDeleted,ForegroundDeletionDone" {
		t.Fatalf("narration %s", got)
	}
}

func TestGCKeepsObjectWithAnotherOwner(t *testing.T) {
	h := newRSHarness(t)
	g := NewGC(h.d)
	cm := kinds.Core("configmaps")
	keep := h.create(cm, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "keep", Namespace: "default"}}).(metav1.Object)
	gone := h.create(cm, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "gone", Namespace: "default"}}).(metav1.Object)
	dep := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "dep", Namespace: "default", OwnerReferences: []metav1.OwnerReference{
		{APIVersion: "v1", Kind: "ConfigMap", Name: "keep", UID: keep.GetUID()},
		{APIVersion: "v1", Kind: "ConfigMap", Name: "gone", UID: gone.GetUID()},
	}}}
	h.create(cm, dep)
	h.drainGC(g)
	if _, _, err := h.d.API.Delete(h.d.ctx(), cm, "default", "gone", &metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	h.drainGC(g)
	obj, err := h.d.Store.Get(cm, "default", "dep")
	if err != nil {
		t.Fatalf("an object with a remaining owner was deleted: %v", err)
	}
	refs := obj.(*corev1.ConfigMap).OwnerReferences
	if len(refs) != 1 || refs[0].Name != "keep" {
		t.Fatalf("refs %+v", refs)
	}
}

func TestGCClusterScopedAndUnknownOwners(t *testing.T) {
	h := newRSHarness(t)
	g := NewGC(h.d)
	nodes := kinds.Core("nodes")
	node, err := h.d.Store.Create(nodes, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}})
	if err != nil {
		t.Fatal(err)
	}
	h.create(kinds.Core("pods"), ownedPod("mirror", node.(metav1.Object), "Node", "v1", "n1"))
	widget := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "w", UID: "w-uid"}}
	h.create(kinds.Core("pods"), ownedPod("crd-child", widget, "Widget", "example.com/v1", ""))
	h.drainGC(g)
	if !h.exists(kinds.Core("pods"), "default", "mirror") || !h.exists(kinds.Core("pods"), "default", "crd-child") {
		t.Fatal("a pod whose owner exists (or cannot be checked) was collected")
	}
	if _, _, err := h.d.API.Delete(h.d.ctx(), nodes, "", "n1", &metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	h.drainGC(g)
	if p := h.pod("mirror"); p.DeletionTimestamp == nil {
		t.Fatal("the pod of a deleted node should be deleted")
	}
}

func TestGCOwnerReplacedUnderSameName(t *testing.T) {
	h := newRSHarness(t)
	g := NewGC(h.d)
	cm := kinds.Core("configmaps")
	old := h.create(cm, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owner", Namespace: "default"}}).(metav1.Object)
	uid := old.GetUID()
	if _, _, err := h.d.API.Delete(h.d.ctx(), cm, "default", "owner", &metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	h.create(cm, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "owner", Namespace: "default"}})
	// A dependent naming the old owner's uid: the new object is not its owner.
	h.create(cm, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "dep", Namespace: "default",
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "owner", UID: uid}}}})
	h.drainGC(g)
	if h.exists(cm, "default", "dep") {
		t.Fatal("a dependent of a gone owner survived because another object took its name")
	}
}
