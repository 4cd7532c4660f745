package controller

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"kubetour/engine/equal"
	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/store"
)

// burstReplicas caps the pods created or deleted in one sync (upstream's
// BurstReplicas): a ReplicaSet scaled to thousands gets there over a few.
const burstReplicas = 500

// Upstream's work queue retries a failed sync after 5ms, doubling up to
// 1000s (the default controller rate limiter).
const (
	retryBase = 5 * time.Millisecond
	retryMax  = 1000 * time.Second
)

// replicaNoun names the managed kind for the narration.
type replicaNoun struct {
	EN, KO string
	// KOSubj is the Korean noun with its subject particle.
	KOSubj string
}

// ReplicaSets is the ReplicaSet controller (pkg/controller/replicaset).
// Each sync counts the active pods the ReplicaSet owns, adopts matching
// orphans, releases owned pods that no longer match, then creates pods
// from the template or deletes the extras until the count is
// spec.replicas, and writes the status kubectl reads. The
// ReplicationController controller is the same code over a conversion, as
// upstream's replication manager is.
type ReplicaSets struct {
	Deps
	q      *Queue
	kind   *kinds.Kind
	gvk    schema.GroupVersionKind
	source string
	noun   replicaNoun
	// view reads the managed object as a ReplicaSet (a copy, free to change).
	view func(runtime.Object) *appsv1.ReplicaSet
	// writeStatus stores a new status on the managed object.
	writeStatus func(obj runtime.Object, st appsv1.ReplicaSetStatus) (runtime.Object, error)
	// terminating: status.terminatingReplicas is served (ReplicaSets only;
	// the DeploymentReplicaSetTerminatingReplicas gate is on by default).
	terminating bool
	failures    map[string]int
	pods        *rsPodCache
	// written is the resourceVersion of our last status write per key:
	// that change tells us nothing new, so it does not wake us (a status
	// written by anyone else still does).
	written map[string]string
}

func init() {
	Register("replicaset", func(d Deps) Controller { return NewReplicaSets(d) })
}

// NewReplicaSets returns the ReplicaSet controller.
func NewReplicaSets(d Deps) *ReplicaSets {
	k, _ := kinds.ByResource("apps", "replicasets")
	m := &ReplicaSets{Deps: d, kind: k, gvk: k.GVK, source: "replicaset-controller", terminating: true,
		noun:     replicaNoun{EN: "ReplicaSet", KO: "레플리카셋", KOSubj: "레플리카셋이"},
		view:     func(o runtime.Object) *appsv1.ReplicaSet { return o.(*appsv1.ReplicaSet) },
		failures: map[string]int{}, pods: newRSPodCache(), written: map[string]string{}}
	m.writeStatus = func(o runtime.Object, st appsv1.ReplicaSetStatus) (runtime.Object, error) {
		rs := o.(*appsv1.ReplicaSet)
		rs.Status = st
		return d.API.Update(d.ctx(), k, rs.Namespace, rs.Name, "status", rs, internal)
	}
	m.q = NewQueue(d.Loop, m.sync)
	return m
}

// Observe queues the owners a change concerns, as the controller's event
// handlers do: the object itself; for a pod, its controller (before and
// after a change of owner) or, for an orphan whose labels or owners
// changed, every one whose selector matches it.
func (m *ReplicaSets) Observe(c store.Change) {
	switch {
	case c.Kind == m.kind:
		ns, name := nsName(c.Object)
		k := key(ns, name)
		if c.Type == watch.Deleted {
			delete(m.written, k)
		} else if rv := m.written[k]; rv != "" && rv == resourceVersionOf(c.Object) {
			return
		}
		m.q.Add(k)
	case is(c, "pods"):
		m.pods.observe(c)
		m.observePod(c)
	}
}

func (m *ReplicaSets) observePod(c store.Change) {
	pod := c.Object.(*corev1.Pod)
	var old *corev1.Pod
	if c.Old != nil {
		old = c.Old.(*corev1.Pod)
	}
	if old != nil && c.Type != watch.Deleted && !rsRelevant(old, pod) {
		return
	}
	cur := controllerRefOf(pod)
	if old != nil {
		if ref := controllerRefOf(old); ref != nil && refersTo(ref, m.gvk) && (cur == nil || cur.UID != ref.UID) {
			m.q.Add(key(pod.Namespace, ref.Name))
		}
	}
	if cur != nil {
		if refersTo(cur, m.gvk) {
			m.q.Add(key(pod.Namespace, cur.Name))
		}
		return
	}
	if c.Type == watch.Deleted {
		return
	}
	if old != nil && controllerRefOf(old) == nil && labels.Equals(old.Labels, pod.Labels) {
		return // an orphan's status change concerns no one
	}
	objs, _ := m.Store.List(m.kind, store.ListOptions{Namespace: pod.Namespace})
	for _, o := range objs {
		rs := m.view(o)
		sel, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(pod.Labels)) {
			m.q.Add(key(rs.Namespace, rs.Name))
		}
	}
}

// rsRelevant tells whether a pod update can change what a sync decides or
// reports: which pods are claimed (labels, owners), which count (phase,
// deletion) and the ready and available counts. The kubelet's other
// status reports (container states, IPs, restarts) cannot, so they wake
// no ReplicaSet: on a thousand-pod ReplicaSet that is most updates. What
// else the ranking of victims reads is read at the sync that needs it.
func rsRelevant(old, cur *corev1.Pod) bool {
	return !labels.Equals(old.Labels, cur.Labels) || !sameOwnerRefs(old.OwnerReferences, cur.OwnerReferences) ||
		(old.DeletionTimestamp == nil) != (cur.DeletionTimestamp == nil) || old.Status.Phase != cur.Status.Phase ||
		podReady(old) != podReady(cur) || !readySince(old).Equal(readySince(cur))
}

func (m *ReplicaSets) sync(k string) {
	ns, name := splitKey(k)
	obj, err := m.Store.Get(m.kind, ns, name)
	if err != nil {
		delete(m.failures, k)
		return
	}
	rs := m.view(obj)
	selector, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector)
	if err != nil {
		return // an invalid selector matches nothing; validation prevents it
	}
	// Candidates are the pods this owner controls and the orphans its
	// selector matches (FilterPodsByOwner with orphans). They are the
	// cache's objects: read, never changed.
	uid := rs.UID
	owned := m.pods.candidates(ns, uid, func(p *corev1.Pod) bool { return selector.Matches(labels.Set(p.Labels)) })
	var candidates, terminating []*corev1.Pod
	for _, p := range owned {
		switch {
		case podActive(p):
			candidates = append(candidates, p)
		case podTerminating(p) && controllerRefOf(p) != nil && selector.Matches(labels.Set(p.Labels)):
			terminating = append(terminating, p)
		}
	}
	rm := &podRefManager{d: &m.Deps, owner: rs, gvk: m.gvk, selector: selector, canAdopt: func() error {
		fresh, err := m.Store.Get(m.kind, ns, name)
		if err != nil {
			return err
		}
		f := m.view(fresh)
		if f.UID != uid {
			return fmt.Errorf("original %s %s/%s is gone: got uid %s, wanted %s", m.gvk.Kind, ns, name, f.UID, uid)
		}
		if f.DeletionTimestamp != nil {
			return fmt.Errorf("%s/%s has just been deleted at %v", ns, name, f.DeletionTimestamp)
		}
		return nil
	}}
	active, claims := rm.claim(candidates)
	m.narrateClaims(obj, rs, selector, claims)

	var manageErr error
	if rs.DeletionTimestamp == nil {
		manageErr = m.manage(obj, rs, active)
	}
	st := m.calculateStatus(rs, active, terminating, manageErr)
	m.updateStatus(obj, rs, st)

	if manageErr != nil {
		n := m.failures[k]
		m.failures[k] = n + 1
		m.q.AddAfter(k, retryDelay(n))
		return
	}
	delete(m.failures, k)
	// Come back when the next Ready pod has been Ready for minReadySeconds:
	// nothing else would tell us it became available.
	if rs.Spec.MinReadySeconds > 0 {
		if d, ok := nextAvailable(active, rs.Spec.MinReadySeconds, m.now()); ok {
			m.q.AddAfter(k, d)
		}
	}
}

// retryDelay is the work queue's exponential per-item backoff.
func retryDelay(failures int) time.Duration {
	if failures > 30 {
		return retryMax
	}
	d := retryBase << uint(failures)
	if d > retryMax || d <= 0 {
		return retryMax
	}
	return d
}

// nextAvailable is how long until the first Ready-but-not-yet-available
// pod becomes available (strictly after readySince+minReadySeconds).
func nextAvailable(pods []*corev1.Pod, minReadySeconds int32, now time.Time) (time.Duration, bool) {
	var best time.Duration
	found := false
	for _, p := range pods {
		if !podReady(p) || podAvailable(p, minReadySeconds, now) {
			continue
		}
		since := readySince(p)
		if since.IsZero() {
			continue
		}
		d := since.Add(time.Duration(minReadySeconds)*time.Second).Sub(now) + time.Nanosecond
		if d <= 0 {
			d = time.Nanosecond
		}
		if !found || d < best {
			best, found = d, true
		}
	}
	return best, found
}

func replicasOf(rs *appsv1.ReplicaSet) int {
	if rs.Spec.Replicas == nil {
		return 1
	}
	return int(*rs.Spec.Replicas)
}

// manage creates or deletes pods until the active count is spec.replicas.
func (m *ReplicaSets) manage(obj runtime.Object, rs *appsv1.ReplicaSet, active []*corev1.Pod) error {
	want := replicasOf(rs)
	diff := len(active) - want
	pk := kinds.Core("pods")
	switch {
	case diff < 0:
		n := min(-diff, burstReplicas)
		ref := newControllerRef(rs, m.gvk)
		have := len(active)
		_, err := slowStartBatch(n, 1, func() error {
			pod := podFromTemplate(&rs.Spec.Template, rs.Name, rs.Namespace, &ref)
			if len(pod.Labels) == 0 {
				return errNoLabels
			}
			out, err := m.API.Create(m.ctx(), pk, rs.Namespace, pod, internal)
			if err != nil {
				if namespaceTerminating(err) {
					return nil // nothing can be created there any more
				}
				m.narrateFailedCreate(obj, rs, err)
				return err
			}
			have++
			m.narrateCreated(obj, rs, out.(*corev1.Pod), want, have)
			return nil
		})
		return err
	case diff > 0:
		n := min(diff, burstReplicas)
		victims := podsToDelete(active, m.relatedPods(rs), n, m.now())
		have := len(active)
		var first error
		for _, p := range victims {
			_, _, err := m.API.Delete(m.ctx(), pk, rs.Namespace, p.Name, &metav1.DeleteOptions{})
			if err != nil {
				if apierrors.IsNotFound(err) {
					continue
				}
				m.Rec.Record(record.Decision{Source: m.source, Object: obj, Type: corev1.EventTypeWarning, Reason: "FailedDelete",
					Message: fmt.Sprintf("Error deleting: %v", err),
					EN:      fmt.Sprintf("%s %s could not delete pod %s: %v. It will try again.", m.noun.EN, rs.Name, p.Name, err),
					KO:      fmt.Sprintf("%s %s에서 파드(%s)를 삭제하지 못했습니다: %v. 다시 시도합니다.", m.noun.KO, rs.Name, p.Name, err),
					Fields:  map[string]string{"pod": p.Name, "error": err.Error()}})
				if first == nil {
					first = err
				}
				continue
			}
			why, whyKO := victimWhy(p)
			m.Rec.Record(record.Decision{Source: m.source, Object: obj, Reason: "SuccessfulDelete",
				Message: "Deleted pod: " + p.Name,
				EN: fmt.Sprintf("%s %s wants %d pod(s) but has %d, so it deleted pod %s (picked first because %s).",
					m.noun.EN, rs.Name, want, have, p.Name, why),
				KO: fmt.Sprintf("%s %s의 원하는 파드 수(replicas)는 %d개인데 %d개가 있어 파드(%s)를 삭제했습니다. 먼저 고른 이유: %s.",
					m.noun.KO, rs.Name, want, have, p.Name, whyKO),
				Fields: map[string]string{"pod": p.Name, "replicas": strconv.Itoa(want), "current": strconv.Itoa(have)}})
			have--
		}
		return first
	}
	return nil
}

// relatedPods are the pods of every object of this kind sharing rs's
// controller (a Deployment's ReplicaSets): without a controller, none.
func (m *ReplicaSets) relatedPods(rs *appsv1.ReplicaSet) []*corev1.Pod {
	owner := controllerRefOf(rs)
	if owner == nil {
		return nil
	}
	objs, _ := m.Store.List(m.kind, store.ListOptions{Namespace: rs.Namespace})
	var sels []labels.Selector
	for _, o := range objs {
		other := m.view(o)
		if ref := controllerRefOf(other); ref == nil || ref.UID != owner.UID {
			continue
		}
		if sel, err := metav1.LabelSelectorAsSelector(other.Spec.Selector); err == nil {
			sels = append(sels, sel)
		}
	}
	// One pass over the namespace: a pod counts once however many of the
	// family select it. Only counts per node come out of this, so the
	// order does not matter.
	var out []*corev1.Pod
	for _, p := range m.pods.byNS[rs.Namespace] {
		for _, sel := range sels {
			if sel.Matches(labels.Set(p.Labels)) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// calculateStatus counts as upstream's calculateStatus: replicas are the
// active owned pods, fullyLabeled those that carry all the template's
// labels, ready and available (Ready for minReadySeconds). A failed create
// or delete sets the ReplicaFailure condition; a clean sync removes it.
func (m *ReplicaSets) calculateStatus(rs *appsv1.ReplicaSet, active, terminating []*corev1.Pod, manageErr error) appsv1.ReplicaSetStatus {
	st := *rs.Status.DeepCopy()
	tmpl := labels.SelectorFromSet(rs.Spec.Template.Labels)
	var full, ready, avail int32
	now := m.now()
	for _, p := range active {
		if tmpl.Matches(labels.Set(p.Labels)) {
			full++
		}
		if podReady(p) {
			ready++
			if podAvailable(p, rs.Spec.MinReadySeconds, now) {
				avail++
			}
		}
	}
	st.TerminatingReplicas = nil
	if m.terminating {
		n := int32(len(terminating))
		st.TerminatingReplicas = &n
	}
	failed := replicaFailure(st.Conditions)
	switch {
	case manageErr != nil && failed == nil:
		reason := ""
		if diff := len(active) - replicasOf(rs); diff < 0 {
			reason = "FailedCreate"
		} else if diff > 0 {
			reason = "FailedDelete"
		}
		st.Conditions = append(withoutReplicaFailure(st.Conditions), appsv1.ReplicaSetCondition{
			Type: appsv1.ReplicaSetReplicaFailure, Status: corev1.ConditionTrue, Reason: reason, Message: manageErr.Error(),
			LastTransitionTime: metav1.NewTime(now.Truncate(time.Second))})
	case manageErr == nil && failed != nil:
		st.Conditions = withoutReplicaFailure(st.Conditions)
	}
	st.Replicas = int32(len(active))
	st.FullyLabeledReplicas = full
	st.ReadyReplicas = ready
	st.AvailableReplicas = avail
	return st
}

func replicaFailure(cs []appsv1.ReplicaSetCondition) *appsv1.ReplicaSetCondition {
	for i := range cs {
		if cs[i].Type == appsv1.ReplicaSetReplicaFailure {
			return &cs[i]
		}
	}
	return nil
}

func withoutReplicaFailure(cs []appsv1.ReplicaSetCondition) []appsv1.ReplicaSetCondition {
	var out []appsv1.ReplicaSetCondition
	for _, c := range cs {
		if c.Type != appsv1.ReplicaSetReplicaFailure {
			out = append(out, c)
		}
	}
	return out
}

// updateStatus writes st unless nothing changed and the generation was
// already observed (updateReplicaSetStatus), retrying once on a conflict.
func (m *ReplicaSets) updateStatus(obj runtime.Object, rs *appsv1.ReplicaSet, st appsv1.ReplicaSetStatus) {
	cur := rs.Status
	if cur.Replicas == st.Replicas && cur.FullyLabeledReplicas == st.FullyLabeledReplicas &&
		cur.ReadyReplicas == st.ReadyReplicas && cur.AvailableReplicas == st.AvailableReplicas &&
		equalInt32Ptr(cur.TerminatingReplicas, st.TerminatingReplicas) &&
		rs.Generation == cur.ObservedGeneration && equal.Semantic(cur.Conditions, st.Conditions) {
		return
	}
	st.ObservedGeneration = rs.Generation
	for i := 0; i < 2; i++ {
		out, err := m.writeStatus(obj, st)
		if err == nil {
			m.written[key(rs.Namespace, rs.Name)] = resourceVersionOf(out)
			return
		}
		if !apierrors.IsConflict(err) {
			return
		}
		fresh, err := m.Store.Get(m.kind, rs.Namespace, rs.Name)
		if err != nil {
			return
		}
		obj = fresh
	}
}

func resourceVersionOf(obj runtime.Object) string {
	if m, err := meta.Accessor(obj); err == nil {
		return m.GetResourceVersion()
	}
	return ""
}

func equalInt32Ptr(a, b *int32) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func (m *ReplicaSets) narrateCreated(obj runtime.Object, rs *appsv1.ReplicaSet, pod *corev1.Pod, want, have int) {
	m.Rec.Record(record.Decision{Source: m.source, Object: obj, Reason: "SuccessfulCreate",
		Message: "Created pod: " + pod.Name,
		EN: fmt.Sprintf("%s %s wants %d pod(s) and had %d, so it created pod %s from its pod template.",
			m.noun.EN, rs.Name, want, have-1, pod.Name),
		KO: fmt.Sprintf("%s %s의 원하는 파드 수(replicas)는 %d개인데 현재 %d개라서, 파드 템플릿으로 새 파드(%s)를 만들었습니다.",
			m.noun.KO, rs.Name, want, have-1, pod.Name),
		Related: []eventsRef{record.RefOf(pod)},
		Fields:  map[string]string{"pod": pod.Name, "replicas": strconv.Itoa(want), "current": strconv.Itoa(have)}})
}

func (m *ReplicaSets) narrateFailedCreate(obj runtime.Object, rs *appsv1.ReplicaSet, err error) {
	m.Rec.Record(record.Decision{Source: m.source, Object: obj, Type: corev1.EventTypeWarning, Reason: "FailedCreate",
		Message: fmt.Sprintf("Error creating: %v", err),
		EN: fmt.Sprintf("%s %s could not create a pod: the API server refused it (%v). It keeps trying, waiting longer after each failure.",
			m.noun.EN, rs.Name, err),
		KO: fmt.Sprintf("%s %s에서 파드를 만들지 못했습니다. API 서버가 요청을 거부했습니다(%v). 실패할 때마다 간격을 늘려 가며 다시 시도합니다.",
			m.noun.KO, rs.Name, err),
		Fields: map[string]string{"error": err.Error()}})
}

// narrateClaims tells of adoptions and releases. Upstream records no
// Event for them (the ownerReference is the record), so these are
// narration only.
func (m *ReplicaSets) narrateClaims(obj runtime.Object, rs *appsv1.ReplicaSet, sel labels.Selector, claims []podClaim) {
	sort.Slice(claims, func(i, j int) bool { return claims[i].Pod.Name < claims[j].Pod.Name })
	for _, c := range claims {
		if c.Adopted {
			m.Rec.Record(record.Decision{Source: m.source, Object: obj, Reason: "PodAdopted", NoEvent: true,
				EN: fmt.Sprintf("Pod %s had no owner and its labels match %s %s's selector (%s), so the %s adopted it: it now counts toward the %d replica(s).",
					c.Pod.Name, m.noun.EN, rs.Name, sel, m.noun.EN, replicasOf(rs)),
				KO: fmt.Sprintf("파드(%s)는 소유자가 없고 레이블이 %s %s의 셀렉터(%s)와 맞아서, %s 이 파드를 입양(adopt)했습니다. 이제 이 파드도 replicas %d개에 포함됩니다.",
					c.Pod.Name, m.noun.KO, rs.Name, sel, m.noun.KOSubj, replicasOf(rs)),
				Related: []eventsRef{record.RefOf(c.Pod)},
				Fields:  map[string]string{"pod": c.Pod.Name, "selector": sel.String()}})
			continue
		}
		m.Rec.Record(record.Decision{Source: m.source, Object: obj, Reason: "PodReleased", NoEvent: true,
			EN: fmt.Sprintf("Pod %s no longer matches %s %s's selector (%s), so the %s released it: its ownerReference is removed and the pod keeps running on its own.",
				c.Pod.Name, m.noun.EN, rs.Name, sel, m.noun.EN),
			KO: fmt.Sprintf("파드(%s)의 레이블이 더 이상 %s %s의 셀렉터(%s)와 맞지 않아, %s 이 파드를 놓아주었습니다(ownerReference 제거). 파드는 소유자 없이 계속 실행됩니다.",
				c.Pod.Name, m.noun.KO, rs.Name, sel, m.noun.KOSubj),
			Related: []eventsRef{record.RefOf(c.Pod)},
			Fields:  map[string]string{"pod": c.Pod.Name, "selector": sel.String()}})
	}
}
