package controller

import (
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"kubetour/engine/events"
	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// rsHarness drives the ReplicaSet and GC controllers (see harness).
type rsHarness struct{ *harness }

var rsStart = testStart

func newRSHarness(t *testing.T) *rsHarness { return &rsHarness{newHarness(t, "s")} }

func (h *rsHarness) syncRS(m *ReplicaSets, key string) {
	h.observe(m)
	m.sync(key)
}

func (h *rsHarness) decisions(source string) []events.Event {
	var out []events.Event
	for _, e := range h.bus.History() {
		if e.Source == source {
			out = append(out, e)
		}
	}
	return out
}

func (h *rsHarness) reasons(source string) string {
	var out []string
	for _, e := range h.decisions(source) {
		out = append(out, e.Reason)
	}
	return strings.Join(out, ",")
}

var rsKind, _ = kinds.ByResource("apps", "replicasets")

func (h *rsHarness) create(k *kinds.Kind, obj runtime.Object) runtime.Object {
	h.t.Helper()
	out, err := h.d.API.Create(h.d.ctx(), k, "default", obj, internal)
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

func (h *rsHarness) rs(name string) *appsv1.ReplicaSet {
	h.t.Helper()
	obj, err := h.d.Store.Get(rsKind, "default", name)
	if err != nil {
		h.t.Fatal(err)
	}
	return obj.(*appsv1.ReplicaSet)
}

func (h *rsHarness) pod(name string) *corev1.Pod {
	h.t.Helper()
	obj, err := h.d.Store.Get(kinds.Core("pods"), "default", name)
	if err != nil {
		h.t.Fatal(err)
	}
	return obj.(*corev1.Pod)
}

func (h *rsHarness) pods() []*corev1.Pod {
	objs, _ := h.d.Store.List(kinds.Core("pods"), store.ListOptions{Namespace: "default"})
	out := make([]*corev1.Pod, len(objs))
	for i, o := range objs {
		out[i] = o.(*corev1.Pod)
	}
	return out
}

// run makes a pod Running and, if ready, Ready since at, as the kubelet would.
func (h *rsHarness) run(name, node string, ready bool, at time.Time) {
	h.t.Helper()
	p := h.pod(name)
	if p.Spec.NodeName == "" {
		p.Spec.NodeName = node
		if _, err := h.d.Store.Update(kinds.Core("pods"), p, store.UpdateOptions{KeepStatus: true, KeepGeneration: true}); err != nil {
			h.t.Fatal(err)
		}
		p = h.pod(name)
	}
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	p.Status.Phase = corev1.PodRunning
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st, LastTransitionTime: metav1.NewTime(at)}}
	if _, err := h.d.Store.Update(kinds.Core("pods"), p, store.UpdateOptions{Status: true}); err != nil {
		h.t.Fatal(err)
	}
}

func webTemplate(lbls map[string]string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: lbls},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "kubetm/app:v1"}}}}
}

func webRS(name string, replicas int32, sel *metav1.LabelSelector, tmplLabels map[string]string) *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: appsv1.ReplicaSetSpec{Replicas: &replicas, Selector: sel, Template: webTemplate(tmplLabels)}}
}

func barePod(name string, lbls map[string]string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: lbls},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "kubetm/app:v1"}}}}
}

func TestReplicaSetCreatesFromTemplate(t *testing.T) {
	h := newRSHarness(t)
	m := NewReplicaSets(h.d)
	web := map[string]string{"type": "web"}
	h.create(rsKind, webRS("replica1", 3, &metav1.LabelSelector{MatchLabels: web}, web))
	h.syncRS(m, "default/replica1")
	pods := h.pods()
	if len(pods) != 3 {
		t.Fatalf("pods: %d", len(pods))
	}
	for _, p := range pods {
		ref := metav1.GetControllerOf(p)
		if p.GenerateName != "replica1-" || !strings.HasPrefix(p.Name, "replica1-") || p.Labels["type"] != "web" {
			t.Errorf("pod %s: generateName %q labels %v", p.Name, p.GenerateName, p.Labels)
		}
		if ref == nil || ref.Kind != "ReplicaSet" || ref.APIVersion != "apps/v1" || ref.Name != "replica1" || !*ref.BlockOwnerDeletion {
			t.Errorf("pod %s controller ref %+v", p.Name, ref)
		}
	}
	evs := h.decisions("replicaset-controller")
	if len(evs) != 3 || evs[0].Reason != "SuccessfulCreate" || evs[0].Message != "Created pod: "+evs[0].Fields["pod"] {
		t.Fatalf("events: %+v", evs)
	}
	// Status counts what the sync started from; the pods' creation
	// brings the controller back, as their informer events do upstream.
	h.observe(m)
	h.syncRS(m, "default/replica1")
	rs := h.rs("replica1")
	if rs.Status.Replicas != 3 || rs.Status.FullyLabeledReplicas != 3 || rs.Status.ReadyReplicas != 0 ||
		rs.Status.ObservedGeneration != 1 || rs.Status.TerminatingReplicas == nil || *rs.Status.TerminatingReplicas != 0 {
		t.Fatalf("status %+v", rs.Status)
	}
	if n := len(h.pods()); n != 3 {
		t.Fatalf("a second sync created more: %d", n)
	}
}

func TestReplicaSetAdoptsMatchingOrphan(t *testing.T) {
	h := newRSHarness(t)
	m := NewReplicaSets(h.d)
	web := map[string]string{"type": "web"}
	h.create(kinds.Core("pods"), barePod("pod1", web))
	// Another controller's pod with the same labels is not ours to take.
	other := barePod("taken", web)
	yes := true
	other.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "ReplicationController", Name: "rc", UID: "rc-uid", Controller: &yes}}
	h.create(kinds.Core("pods"), other)
	h.create(rsKind, webRS("replica1", 1, &metav1.LabelSelector{MatchLabels: web}, web))
	h.syncRS(m, "default/replica1")
	if n := len(h.pods()); n != 2 {
		t.Fatalf("the orphan should be adopted, not a pod created: %d pods", n)
	}
	ref := metav1.GetControllerOf(h.pod("pod1"))
	if ref == nil || ref.Name != "replica1" || ref.UID != h.rs("replica1").UID || !*ref.Controller || !*ref.BlockOwnerDeletion {
		t.Fatalf("pod1 controller ref %+v", ref)
	}
	if ref := metav1.GetControllerOf(h.pod("taken")); ref.Name != "rc" {
		t.Fatalf("the other controller's pod was taken: %+v", ref)
	}
	if got := h.reasons("replicaset-controller"); got != "PodAdopted" {
		t.Fatalf("narration %s", got)
	}
	if rs := h.rs("replica1"); rs.Status.Replicas != 1 {
		t.Fatalf("status %+v", rs.Status)
	}
}

func TestReplicaSetDoesNotAdoptWhileDeleting(t *testing.T) {
	h := newRSHarness(t)
	m := NewReplicaSets(h.d)
	web := map[string]string{"type": "web"}
	h.create(rsKind, webRS("replica1", 1, &metav1.LabelSelector{MatchLabels: web}, web))
	// Deleted with the orphan policy: the finalizer keeps it, deleting.
	orphan := metav1.DeletePropagationOrphan
	if _, _, err := h.d.API.Delete(h.d.ctx(), rsKind, "default", "replica1", &metav1.DeleteOptions{PropagationPolicy: &orphan}); err != nil {
		t.Fatal(err)
	}
	h.create(kinds.Core("pods"), barePod("pod1", web))
	h.syncRS(m, "default/replica1")
	if ref := metav1.GetControllerOf(h.pod("pod1")); ref != nil {
		t.Fatalf("a ReplicaSet being deleted adopted %+v", ref)
	}
	if n := len(h.pods()); n != 1 {
		t.Fatalf("a ReplicaSet being deleted created pods: %d", n)
	}
}

func TestReplicaSetReleasesPodThatStopsMatching(t *testing.T) {
	h := newRSHarness(t)
	m := NewReplicaSets(h.d)
	web := map[string]string{"type": "web"}
	h.create(rsKind, webRS("replica1", 1, &metav1.LabelSelector{MatchLabels: web}, web))
	h.syncRS(m, "default/replica1")
	first := h.pods()[0]
	first.Labels = map[string]string{"type": "debug"}
	if _, err := h.d.API.Update(h.d.ctx(), kinds.Core("pods"), "default", first.Name, "", first, internal); err != nil {
		t.Fatal(err)
	}
	h.syncRS(m, "default/replica1")
	if ref := metav1.GetControllerOf(h.pod(first.Name)); ref != nil {
		t.Fatalf("not released: %+v", ref)
	}
	if n := len(h.pods()); n != 2 {
		t.Fatalf("a replacement should be created: %d pods", n)
	}
	if got := h.reasons("replicaset-controller"); got != "SuccessfulCreate,PodReleased,SuccessfulCreate" {
		t.Fatalf("narration %s", got)
	}
}

func TestReplicaSetMatchExpressions(t *testing.T) {
	h := newRSHarness(t)
	m := NewReplicaSets(h.d)
	sel := &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: "A", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"2", "3"}},
		{Key: "B", Operator: metav1.LabelSelectorOpDoesNotExist},
	}}
	for i, l := range []map[string]string{{"A": "1"}, {"A": "2"}, {"A": "3"}, {"A": "1", "B": "x"}} {
		h.create(kinds.Core("pods"), barePod(fmt.Sprintf("p%d", i), l))
	}
	h.create(rsKind, webRS("expr", 1, sel, map[string]string{"A": "1"}))
	h.syncRS(m, "default/expr")
	var owned []string
	for _, p := range h.pods() {
		if metav1.GetControllerOf(p) != nil {
			owned = append(owned, p.Name)
		}
	}
	if strings.Join(owned, ",") != "p0" {
		t.Fatalf("NotIn [2,3] and DoesNotExist B select only p0; owned %v", owned)
	}
}

func TestReplicaSetScaleDownVictims(t *testing.T) {
	h := newRSHarness(t)
	m := NewReplicaSets(h.d)
	web := map[string]string{"type": "web"}
	h.create(rsKind, webRS("web", 4, &metav1.LabelSelector{MatchLabels: web}, web))
	h.syncRS(m, "default/web")
	pods := h.pods()
	// One ready long ago, one ready just now, one running but not ready,
	// one never scheduled.
	h.run(pods[0].Name, "node-1", true, rsStart.Add(-time.Hour))
	h.run(pods[1].Name, "node-2", true, rsStart)
	h.run(pods[2].Name, "node-1", false, rsStart)
	rs := h.rs("web")
	two := int32(2)
	rs.Spec.Replicas = &two
	if _, err := h.d.API.Update(h.d.ctx(), rsKind, "default", "web", "", rs, internal); err != nil {
		t.Fatal(err)
	}
	h.clk.Advance(time.Minute)
	h.syncRS(m, "default/web")
	var deleted []string
	for _, e := range h.decisions("replicaset-controller") {
		if e.Reason == "SuccessfulDelete" {
			deleted = append(deleted, e.Fields["pod"])
		}
	}
	if want := []string{pods[3].Name, pods[2].Name}; strings.Join(deleted, ",") != strings.Join(want, ",") {
		t.Fatalf("deleted %v, want the unscheduled then the not-ready pod %v", deleted, want)
	}
	// Then between two Ready pods, the one ready for less time goes.
	one := int32(1)
	rs = h.rs("web")
	rs.Spec.Replicas = &one
	if _, err := h.d.API.Update(h.d.ctx(), rsKind, "default", "web", "", rs, internal); err != nil {
		t.Fatal(err)
	}
	h.syncRS(m, "default/web")
	// Scheduled pods are deleted gracefully: they stay, Terminating.
	if h.pod(pods[1].Name).DeletionTimestamp == nil {
		t.Fatalf("the pod ready for less time should go first")
	}
	if h.pod(pods[0].Name).DeletionTimestamp != nil {
		t.Fatalf("the long-ready pod should stay")
	}
}

func TestRankedPodsOrder(t *testing.T) {
	now := rsStart
	at := func(d time.Duration) metav1.Time { return metav1.NewTime(now.Add(-d)) }
	mk := func(name, node string, phase corev1.PodPhase, ready bool, readyFor time.Duration, restarts int32, age time.Duration) *corev1.Pod {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID(name), CreationTimestamp: at(age)},
			Spec: corev1.PodSpec{NodeName: node}, Status: corev1.PodStatus{Phase: phase}}
		st := corev1.ConditionFalse
		if ready {
			st = corev1.ConditionTrue
		}
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st, LastTransitionTime: at(readyFor)}}
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{RestartCount: restarts}}
		return p
	}
	pods := []*corev1.Pod{
		mk("old-ready", "n1", corev1.PodRunning, true, 10*time.Hour, 0, 20*time.Hour),
		mk("restarted", "n1", corev1.PodRunning, true, 10*time.Hour, 3, 20*time.Hour),
		mk("fresh-ready", "n1", corev1.PodRunning, true, 10*time.Second, 0, 20*time.Hour),
		mk("not-ready", "n1", corev1.PodRunning, false, 0, 0, 20*time.Hour),
		mk("pending", "n1", corev1.PodPending, false, 0, 0, 20*time.Hour),
		mk("unscheduled", "", corev1.PodPending, false, 0, 0, 20*time.Hour),
		mk("cheap", "n1", corev1.PodRunning, true, 10*time.Hour, 0, 20*time.Hour),
	}
	pods[6].Annotations = map[string]string{podDeletionCost: "-5"}
	got := podsToDelete(pods, nil, len(pods)-1, now)
	var names []string
	for _, p := range got {
		names = append(names, p.Name)
	}
	want := "unscheduled,pending,not-ready,cheap,fresh-ready,restarted"
	if strings.Join(names, ",") != want {
		t.Fatalf("order %v, want %s", names, want)
	}
	// Doubled up: with a family pod crowding node n2, its pod goes first.
	a := mk("alone", "n1", corev1.PodRunning, true, 10*time.Hour, 0, 20*time.Hour)
	b := mk("crowded", "n2", corev1.PodRunning, true, 10*time.Hour, 0, 20*time.Hour)
	sibling := mk("sibling", "n2", corev1.PodRunning, true, 10*time.Hour, 0, 20*time.Hour)
	if got := podsToDelete([]*corev1.Pod{a, b}, []*corev1.Pod{a, b, sibling}, 1, now); got[0].Name != "crowded" {
		t.Fatalf("doubled-up pod should go first, got %s", got[0].Name)
	}
}

func TestSlowStartBatch(t *testing.T) {
	calls, okLeft := 0, 2
	n, err := slowStartBatch(10, 1, func() error {
		calls++
		if okLeft == 0 {
			return fmt.Errorf("quota")
		}
		okLeft--
		return nil
	})
	// Batches of 1 then 2: the second batch's failure stops the rest.
	if n != 2 || err == nil || calls != 3 {
		t.Fatalf("successes %d calls %d err %v", n, calls, err)
	}
	calls = 0
	n, err = slowStartBatch(10, 1, func() error { calls++; return nil })
	if n != 10 || err != nil || calls != 10 {
		t.Fatalf("successes %d calls %d err %v", n, calls, err)
	}
}

func TestReplicaSetQuotaFailedCreate(t *testing.T) {
	h := newRSHarness(t)
	m := NewReplicaSets(h.d)
	h.create(kinds.Core("resourcequotas"), &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "rq", Namespace: "default"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("2")}}})
	web := map[string]string{"app": "web"}
	h.create(rsKind, webRS("web", 5, &metav1.LabelSelector{MatchLabels: web}, web))
	h.syncRS(m, "default/web")
	if n := len(h.pods()); n != 2 {
		t.Fatalf("pods %d", n)
	}
	if got := h.reasons("replicaset-controller"); got != "SuccessfulCreate,SuccessfulCreate,FailedCreate" {
		t.Fatalf("slow start should stop after the failing batch: %s", got)
	}
	var failed events.Event
	for _, e := range h.decisions("replicaset-controller") {
		if e.Reason == "FailedCreate" {
			failed = e
		}
	}
	if !strings.HasPrefix(failed.Message, `Error creating: pods "web-`) || !strings.Contains(failed.Message, "is forbidden: exceeded quota: rq, requested: pods=1, used: pods=2, limited: pods=2") {
		t.Fatalf("message %q", failed.Message)
	}
	rs := h.rs("web")
	c := replicaFailure(rs.Status.Conditions)
	if c == nil || c.Reason != "FailedCreate" || c.Status != corev1.ConditionTrue || c.Message != strings.TrimPrefix(failed.Message, "Error creating: ") {
		t.Fatalf("condition %+v", c)
	}
	// The Kubernetes Event is written too, for describe and get events.
	evs, _ := h.d.Store.List(kinds.Core("events"), store.ListOptions{Namespace: "default"})
	found := false
	for _, o := range evs {
		if e := o.(*corev1.Event); e.Reason == "FailedCreate" && e.Type == corev1.EventTypeWarning && e.Source.Component == "replicaset-controller" {
			found = true
		}
	}
	if !found {
		t.Fatal("no FailedCreate Event")
	}
	// Scaled within the quota, a clean sync clears the condition.
	two := int32(2)
	rs.Spec.Replicas = &two
	if _, err := h.d.API.Update(h.d.ctx(), rsKind, "default", "web", "", rs, internal); err != nil {
		t.Fatal(err)
	}
	h.syncRS(m, "default/web")
	if rs := h.rs("web"); replicaFailure(rs.Status.Conditions) != nil || rs.Status.ObservedGeneration != rs.Generation {
		t.Fatalf("status %+v", rs.Status)
	}
}

func TestReplicaSetRetriesWithBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{0: 5 * time.Millisecond, 1: 10 * time.Millisecond, 10: 5120 * time.Millisecond, 40: 1000 * time.Second} {
		if got := retryDelay(n); got != want {
			t.Errorf("retryDelay(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestReplicaSetAvailableAfterMinReadySeconds(t *testing.T) {
	h := newRSHarness(t)
	m := NewReplicaSets(h.d)
	web := map[string]string{"app": "web"}
	rs := webRS("web", 1, &metav1.LabelSelector{MatchLabels: web}, map[string]string{"app": "web", "tier": "front"})
	rs.Spec.MinReadySeconds = 10
	h.create(rsKind, rs)
	// A hand-made pod with only the selector's labels is adopted but is
	// not "fully labeled".
	h.create(kinds.Core("pods"), barePod("partial", web))
	h.syncRS(m, "default/web")
	h.run("partial", "node-1", true, h.clk.Now())
	h.syncRS(m, "default/web")
	st := h.rs("web").Status
	if st.Replicas != 1 || st.FullyLabeledReplicas != 0 || st.ReadyReplicas != 1 || st.AvailableReplicas != 0 {
		t.Fatalf("status %+v", st)
	}
	next, ok := nextAvailable([]*corev1.Pod{h.pod("partial")}, 10, h.clk.Now())
	if !ok || next <= 10*time.Second-time.Millisecond || next > 10*time.Second+time.Millisecond {
		t.Fatalf("requeue after %v", next)
	}
	h.clk.Advance(next)
	h.syncRS(m, "default/web")
	if st := h.rs("web").Status; st.AvailableReplicas != 1 {
		t.Fatalf("available after minReadySeconds: %+v", st)
	}
}

func TestReplicaSetCountsTerminating(t *testing.T) {
	h := newRSHarness(t)
	m := NewReplicaSets(h.d)
	web := map[string]string{"app": "web"}
	h.create(rsKind, webRS("web", 1, &metav1.LabelSelector{MatchLabels: web}, web))
	h.syncRS(m, "default/web")
	first := h.pods()[0].Name
	h.run(first, "node-1", true, h.clk.Now())
	// Deleted gracefully: it stays, Terminating, and a replacement comes.
	if _, _, err := h.d.API.Delete(h.d.ctx(), kinds.Core("pods"), "default", first, &metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	h.syncRS(m, "default/web")
	if n := len(h.pods()); n != 2 {
		t.Fatalf("pods %d", n)
	}
	h.syncRS(m, "default/web")
	st := h.rs("web").Status
	if st.Replicas != 1 || st.TerminatingReplicas == nil || *st.TerminatingReplicas != 1 {
		t.Fatalf("status %+v", st)
	}
}

func TestReplicationControllerEqualitySelector(t *testing.T) {
	h := newRSHarness(t)
	m := NewReplicationControllers(h.d)
	sel := map[string]string{"cascade": "false"}
	h.create(kinds.Core("pods"), barePod("orphan", sel))
	two := int32(2)
	tmpl := webTemplate(sel)
	h.create(kinds.Core("replicationcontrollers"), &corev1.ReplicationController{
		ObjectMeta: metav1.ObjectMeta{Name: "replication1", Namespace: "default"},
		Spec:       corev1.ReplicationControllerSpec{Replicas: &two, Selector: sel, Template: &tmpl}})
	h.syncRS(m, "default/replication1")
	pods := h.pods()
	if len(pods) != 2 {
		t.Fatalf("pods %d", len(pods))
	}
	for _, p := range pods {
		ref := metav1.GetControllerOf(p)
		if ref == nil || ref.Kind != "ReplicationController" || ref.APIVersion != "v1" || ref.Name != "replication1" {
			t.Fatalf("pod %s ref %+v", p.Name, ref)
		}
	}
	h.observe(m)
	h.syncRS(m, "default/replication1")
	obj, _ := h.d.Store.Get(kinds.Core("replicationcontrollers"), "default", "replication1")
	rc := obj.(*corev1.ReplicationController)
	if rc.Status.Replicas != 2 || rc.Status.FullyLabeledReplicas != 2 || rc.Status.ObservedGeneration != 1 {
		t.Fatalf("status %+v", rc.Status)
	}
	evs := h.decisions("replication-controller")
	if got := h.reasons("replication-controller"); got != "PodAdopted,SuccessfulCreate" || !strings.Contains(evs[1].KO, "레플리케이션 컨트롤러") {
		t.Fatalf("narration %s %+v", got, evs)
	}
}

func TestReplicaSetObserveQueuesOwnersAndMatches(t *testing.T) {
	h := newRSHarness(t)
	m := NewReplicaSets(h.d)
	web := map[string]string{"type": "web"}
	h.create(rsKind, webRS("replica1", 0, &metav1.LabelSelector{MatchLabels: web}, web))
	h.create(rsKind, webRS("other", 0, &metav1.LabelSelector{MatchLabels: map[string]string{"type": "db"}}, map[string]string{"type": "db"}))
	h.observe(m)
	m.q.pending = map[string]bool{}
	h.create(kinds.Core("pods"), barePod("pod1", web))
	h.observe(m)
	if !m.q.pending["default/replica1"] || m.q.pending["default/other"] {
		t.Fatalf("an orphan queues the ReplicaSets that select it: %v", m.q.pending)
	}
}

func TestPodNamePrefix(t *testing.T) {
	if got := podNamePrefix("replica1"); got != "replica1-" {
		t.Errorf("prefix %q", got)
	}
	// A name at the 253-character limit has no room for the dash.
	long := strings.Repeat("a", 253)
	if got := podNamePrefix(long); got != long {
		t.Errorf("a maximal name keeps no dash: %d chars", len(got))
	}
}
