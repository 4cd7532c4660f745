package controller

import (
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"kubetour/engine/equal"
	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/store"
)

// DaemonSets is the DaemonSet controller (upstream pkg/controller/daemon):
// one pod on every node that should run one — the nodes its nodeSelector,
// required node affinity and tolerations admit — however busy each node
// is. It follows nodes as they come, get labelled or tainted; replaces pods
// of an old template by RollingUpdate (maxUnavailable, maxSurge) or only
// when they are deleted (OnDelete); and records each template as a
// ControllerRevision, which is what `kubectl rollout history/undo` read.
//
// Daemon pods are bound by the default scheduler, as in current
// Kubernetes: each is created pinned to its node by a required node
// affinity on metadata.name, with tolerations added for the node
// conditions a per-node agent must survive.
type DaemonSets struct {
	Deps
	q *Queue
	// The kinds this controller reads, looked up once.
	dsK, crK, podK, nodeK *kinds.Kind
	// backoff delays the re-creation of a daemon pod that keeps failing
	// on a node (failedPodsBackoff: 1s doubling to 15 minutes).
	backoff map[string]*dsBackoff
	// skipped remembers, per DaemonSet and node, why the node runs no pod,
	// so the narration says it once rather than on every sync.
	skipped map[string]map[string]string
}

type dsBackoff struct {
	delay time.Duration
	last  time.Time
}

const (
	dsBackoffInitial = time.Second
	dsBackoffMax     = 15 * time.Minute
	dsSource         = "daemonset-controller"
)

func init() {
	Register("daemonset-controller", func(d Deps) Controller { return NewDaemonSets(d) })
}

// NewDaemonSets returns the controller.
func NewDaemonSets(d Deps) *DaemonSets {
	c := &DaemonSets{Deps: d, backoff: map[string]*dsBackoff{}, skipped: map[string]map[string]string{},
		dsK: dsKind(), crK: crKind(), podK: kinds.Core("pods"), nodeK: kinds.Core("nodes")}
	c.q = NewQueue(d.Loop, c.sync)
	return c
}

func dsKind() *kinds.Kind { k, _ := kinds.ByResource("apps", "daemonsets"); return k }

func crKind() *kinds.Kind { k, _ := kinds.ByResource("apps", "controllerrevisions"); return k }

// Observe maps changes to the DaemonSets they concern.
func (c *DaemonSets) Observe(ch store.Change) {
	switch ch.Kind {
	case c.dsK:
		ns, name := nsName(ch.Object)
		c.q.Add(key(ns, name))
	case c.crK:
		cr := ch.Object.(*appsv1.ControllerRevision)
		if ref, ok := dsOwnerRef(cr.OwnerReferences); ok {
			c.q.Add(key(cr.Namespace, ref.Name))
		}
	case c.podK:
		c.observePod(ch)
	case c.nodeK:
		if ch.Type == "MODIFIED" && ch.Old != nil && !dsNodeRelevant(ch.Old.(*corev1.Node), ch.Object.(*corev1.Node)) {
			return
		}
		// A node added, relabelled or retainted can change where every
		// DaemonSet should run.
		all, _ := c.Store.List(dsKind(), store.ListOptions{})
		for _, o := range all {
			ns, name := nsName(o)
			c.q.Add(key(ns, name))
		}
	}
}

// dsNodeRelevant: only what the predicates read matters.
func dsNodeRelevant(old, cur *corev1.Node) bool {
	return !equal.Semantic(old.Labels, cur.Labels) || !equal.Semantic(old.Spec.Taints, cur.Spec.Taints) ||
		old.Spec.Unschedulable != cur.Spec.Unschedulable
}

func (c *DaemonSets) observePod(ch store.Change) {
	pod := ch.Object.(*corev1.Pod)
	var old *corev1.Pod
	if ch.Old != nil {
		old = ch.Old.(*corev1.Pod)
		if ch.Type == "MODIFIED" && !dsPodRelevant(old, pod) {
			return
		}
	}
	if ref, ok := dsOwnerRef(pod.OwnerReferences); ok {
		c.q.Add(key(pod.Namespace, ref.Name))
	}
	if old != nil {
		if ref, ok := dsOwnerRef(old.OwnerReferences); ok {
			c.q.Add(key(old.Namespace, ref.Name))
		}
	}
	if metav1.GetControllerOf(pod) != nil || pod.DeletionTimestamp != nil || ch.Type == "DELETED" {
		return
	}
	// An orphan: a DaemonSet whose selector matches it may adopt it.
	all, _ := c.Store.List(dsKind(), store.ListOptions{Namespace: pod.Namespace})
	for _, o := range all {
		ds := o.(*appsv1.DaemonSet)
		if sel, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector); err == nil && !sel.Empty() && sel.Matches(labels.Set(pod.Labels)) {
			c.q.Add(key(ds.Namespace, ds.Name))
		}
	}
}

// dsPodRelevant: changes that alter placement, readiness or ownership.
func dsPodRelevant(old, cur *corev1.Pod) bool {
	return old.Spec.NodeName != cur.Spec.NodeName || podReady(old) != podReady(cur) ||
		old.Status.Phase != cur.Status.Phase || (old.DeletionTimestamp == nil) != (cur.DeletionTimestamp == nil) ||
		!maps.Equal(old.Labels, cur.Labels) || !sameOwnerRefs(old.OwnerReferences, cur.OwnerReferences)
}

func (c *DaemonSets) sync(k string) {
	ns, name := splitKey(k)
	obj, err := c.Store.Get(dsKind(), ns, name)
	if err != nil {
		// Gone: its pods and revisions go with it through the garbage
		// collector (they carry an ownerReference).
		delete(c.skipped, k)
		for bk := range c.backoff {
			if strings.HasPrefix(bk, k+"/") {
				delete(c.backoff, bk)
			}
		}
		return
	}
	ds := obj.(*appsv1.DaemonSet)
	if ds.DeletionTimestamp != nil {
		return
	}
	if ds.Spec.Selector == nil || equal.Semantic(ds.Spec.Selector, &metav1.LabelSelector{}) {
		c.Rec.Record(record.Decision{Source: dsSource, Object: ds, Type: corev1.EventTypeWarning, Reason: "SelectingAll",
			Message: "This daemon set is selecting all pods. A non-empty selector is required.",
			EN:      fmt.Sprintf("DaemonSet %s has an empty selector, which would claim every pod of the namespace, so the controller does nothing with it.", ds.Name),
			KO:      fmt.Sprintf("%s 데몬셋의 셀렉터가 비어 있어 네임스페이스의 모든 파드를 가리키게 되므로, 컨트롤러가 이 데몬셋을 처리하지 않습니다.", ds.Name)})
		return
	}
	sel, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
	if err != nil {
		return
	}
	nodes := c.nodes()
	cur, old, err := c.constructHistory(ds)
	if err != nil {
		// A hash collision bumped status.collisionCount: try again with it.
		c.q.AddAfter(k, time.Second)
		return
	}
	hash := cur.Labels[appsv1.DefaultDaemonSetUniqueLabelKey]
	if fresh, err := c.Store.Get(dsKind(), ns, name); err == nil {
		ds = fresh.(*appsv1.DaemonSet)
	}

	byNode := c.claimPods(ds, sel)
	acted := c.manage(ds, nodes, byNode, hash)
	// Upstream waits until the creations and deletions of manage have been
	// observed (expectations) before a rolling update moves on; a later
	// sync, woken by those very pod changes, does the rolling update.
	if !acted && ds.Spec.UpdateStrategy.Type == appsv1.RollingUpdateDaemonSetStrategyType {
		acted = c.rollingUpdate(ds, nodes, byNode, hash)
	}
	c.cleanupHistory(ds, sel, old)
	if acted {
		byNode = c.claimPods(ds, sel)
	}
	c.updateStatus(ds, nodes, byNode, hash)
}

// nodes lists the cluster's nodes by name.
func (c *DaemonSets) nodes() []*corev1.Node {
	objs, _ := c.Store.List(kinds.Core("nodes"), store.ListOptions{})
	out := make([]*corev1.Node, 0, len(objs))
	for _, o := range objs {
		out = append(out, o.(*corev1.Node))
	}
	return out
}

// claimPods is the pod half of ClaimPods plus getNodesToDaemonPods: the
// DaemonSet's pods by the node each is (or will be) on. Orphans that match
// the selector are adopted; owned pods that no longer match are released.
// Pods that have finished and are already being deleted are left out.
func (c *DaemonSets) claimPods(ds *appsv1.DaemonSet, sel labels.Selector) map[string][]*corev1.Pod {
	pk := kinds.Core("pods")
	objs, _ := c.Store.List(pk, store.ListOptions{Namespace: ds.Namespace})
	out := map[string][]*corev1.Pod{}
	for _, o := range objs {
		pod := o.(*corev1.Pod)
		ref := metav1.GetControllerOf(pod)
		matches := sel.Matches(labels.Set(pod.Labels))
		switch {
		case ref != nil && ref.UID != ds.UID:
			continue
		case ref != nil && !matches:
			c.release(ds, pod)
			continue
		case ref == nil:
			if !matches || pod.DeletionTimestamp != nil {
				continue
			}
			if !c.adopt(ds, pod) {
				continue
			}
		}
		terminal := pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
		if terminal && pod.DeletionTimestamp != nil {
			continue
		}
		node, ok := dsTargetNode(pod)
		if !ok {
			continue
		}
		out[node] = append(out[node], pod)
	}
	return out
}

func (c *DaemonSets) adopt(ds *appsv1.DaemonSet, pod *corev1.Pod) bool {
	t := true
	pod.OwnerReferences = append(pod.OwnerReferences, metav1.OwnerReference{APIVersion: "apps/v1", Kind: "DaemonSet",
		Name: ds.Name, UID: ds.UID, Controller: &t, BlockOwnerDeletion: &t})
	if _, err := c.API.Update(c.ctx(), kinds.Core("pods"), pod.Namespace, pod.Name, "", pod, internal); err != nil {
		return false
	}
	c.Rec.Record(record.Decision{Source: dsSource, Object: pod, Reason: "Adopted", NoEvent: true,
		EN: fmt.Sprintf("Pod %s had no owner and matches DaemonSet %s's selector, so the DaemonSet adopted it (ownerReferences now name it).", pod.Name, ds.Name),
		KO: fmt.Sprintf("%s 파드는 소유자가 없는데 %s 데몬셋의 셀렉터와 맞아서, 데몬셋이 이 파드를 입양했습니다(이제 ownerReferences에 데몬셋이 들어 있습니다).", pod.Name, ds.Name)})
	return true
}

func (c *DaemonSets) release(ds *appsv1.DaemonSet, pod *corev1.Pod) {
	if ds.DeletionTimestamp != nil {
		return
	}
	var refs []metav1.OwnerReference
	for _, r := range pod.OwnerReferences {
		if r.UID != ds.UID {
			refs = append(refs, r)
		}
	}
	pod.OwnerReferences = refs
	if _, err := c.API.Update(c.ctx(), kinds.Core("pods"), pod.Namespace, pod.Name, "", pod, internal); err != nil {
		return
	}
	c.Rec.Record(record.Decision{Source: dsSource, Object: pod, Reason: "Released", NoEvent: true,
		EN: fmt.Sprintf("Pod %s's labels no longer match DaemonSet %s's selector, so the DaemonSet let it go: it keeps running, owned by nothing.", pod.Name, ds.Name),
		KO: fmt.Sprintf("%s 파드의 레이블이 더 이상 %s 데몬셋의 셀렉터와 맞지 않아, 데몬셋이 이 파드를 놓아주었습니다. 파드는 소유자 없이 계속 실행됩니다.", pod.Name, ds.Name)})
}

// dsDeletion is a pod to delete and why, for the narration.
type dsDeletion struct {
	pod    *corev1.Pod
	en, ko string
}

// manage is upstream's manage and podsShouldBeOnNode: create a pod on each
// node that should run one and has none; delete pods from nodes that
// should not run one, duplicates beyond the oldest, and failed pods (with
// a back-off, so a pod the node keeps rejecting does not hot-loop). It
// reports whether it created or deleted anything.
func (c *DaemonSets) manage(ds *appsv1.DaemonSet, nodes []*corev1.Node, byNode map[string][]*corev1.Pod, hash string) bool {
	var create []string
	var del []dsDeletion
	running := map[string]bool{}
	k := key(ds.Namespace, ds.Name)
	for _, node := range nodes {
		running[node.Name] = true
		v := dsNodeShouldRun(ds, node)
		pods, exists := byNode[node.Name]
		c.narrateSkip(ds, node.Name, v, exists)
		switch {
		case v.ShouldRun && !exists:
			create = append(create, node.Name)
		case v.ShouldContinue:
			var live []*corev1.Pod
			for _, pod := range pods {
				if pod.DeletionTimestamp != nil {
					continue
				}
				switch pod.Status.Phase {
				case corev1.PodFailed:
					bk := k + "/" + node.Name
					now := c.now()
					if b := c.backoff[bk]; b != nil && now.Sub(b.last) < b.delay {
						c.q.AddAfter(k, b.delay-now.Sub(b.last))
						continue
					}
					c.nextBackoff(bk, now)
					msg := fmt.Sprintf("Found failed daemon pod %s/%s on node %s, will try to kill it", pod.Namespace, pod.Name, node.Name)
					c.Rec.Record(record.Decision{Source: dsSource, Object: ds, Type: corev1.EventTypeWarning, Reason: "FailedDaemonPod", Message: msg,
						EN: fmt.Sprintf("Pod %s of DaemonSet %s failed on node %s; the controller deletes it so that a fresh one replaces it (after a growing back-off if it keeps failing).", pod.Name, ds.Name, node.Name),
						KO: fmt.Sprintf("%s 데몬셋의 %s 파드가 %s 노드에서 실패했습니다. 컨트롤러가 이 파드를 지우고 새 파드로 바꿉니다(계속 실패하면 점점 더 오래 기다렸다가 다시 만듭니다).", ds.Name, pod.Name, node.Name)})
					del = append(del, dsDeletion{pod: pod,
						en: fmt.Sprintf("it failed on node %s", node.Name), ko: fmt.Sprintf("%s 노드에서 실패했기 때문입니다", node.Name)})
				case corev1.PodSucceeded:
					del = append(del, dsDeletion{pod: pod,
						en: "it exited, and a daemon pod must keep running", ko: "파드가 종료되었는데, 데몬 파드는 계속 실행되어야 하기 때문입니다"})
				default:
					live = append(live, pod)
				}
			}
			del = append(del, c.excess(ds, live, hash)...)
		case !v.ShouldContinue && exists:
			for _, pod := range pods {
				if pod.DeletionTimestamp != nil {
					continue
				}
				del = append(del, dsDeletion{pod: pod, en: fmt.Sprintf("node %s should no longer run it: %s", node.Name, v.EN),
					ko: fmt.Sprintf("%s 노드는 더 이상 이 파드를 실행하면 안 됩니다. %s", node.Name, v.KO)})
			}
		}
	}
	// Pods pinned to a node that no longer exists never get bound.
	var gone []string
	for n := range byNode {
		if !running[n] {
			gone = append(gone, n)
		}
	}
	sort.Strings(gone)
	for _, n := range gone {
		for _, pod := range byNode[n] {
			if pod.Spec.NodeName == "" && pod.DeletionTimestamp == nil {
				del = append(del, dsDeletion{pod: pod, en: fmt.Sprintf("its node %s no longer exists", n), ko: fmt.Sprintf("대상인 %s 노드가 더 이상 없기 때문입니다", n)})
			}
		}
	}
	return c.syncNodes(ds, del, create, hash, false)
}

// excess decides which of a node's running pods go. Without a surge only
// the oldest stays. With a surge a node may hold an old and a new pod while
// the new one becomes available; then the old one goes.
func (c *DaemonSets) excess(ds *appsv1.DaemonSet, live []*corev1.Pod, hash string) []dsDeletion {
	if len(live) <= 1 {
		return nil
	}
	dsSortPods(live)
	dup := func(p *corev1.Pod) dsDeletion {
		return dsDeletion{pod: p, en: "its node already runs an older pod of the DaemonSet, and a DaemonSet runs one pod per node",
			ko: "그 노드에 이미 더 오래된 데몬셋 파드가 있고, 데몬셋은 노드마다 파드를 하나만 실행하기 때문입니다"}
	}
	var out []dsDeletion
	if !dsAllowsSurge(ds) {
		for _, p := range live[1:] {
			out = append(out, dup(p))
		}
		return out
	}
	var oldestNew, oldestOld *corev1.Pod
	for _, p := range live {
		if dsPodUpdated(ds, p, hash) {
			if oldestNew == nil {
				oldestNew = p
				continue
			}
		} else if oldestOld == nil {
			oldestOld = p
			continue
		}
		out = append(out, dup(p))
	}
	if oldestNew != nil && oldestOld != nil {
		switch {
		case !podReady(oldestOld):
			out = append(out, dsDeletion{pod: oldestOld, en: "it is out of date and not ready, and its replacement is already on the node",
				ko: "이전 버전이고 준비되지 않았으며, 그 노드에 이미 새 파드가 있기 때문입니다"})
		case dsPodAvailable(oldestNew, ds.Spec.MinReadySeconds, c.now()):
			out = append(out, dsDeletion{pod: oldestOld, en: fmt.Sprintf("its replacement %s is available (maxSurge lets both run until then)", oldestNew.Name),
				ko: fmt.Sprintf("새 %s 파드가 사용 가능해졌기 때문입니다(maxSurge 덕분에 그때까지 둘이 함께 실행됩니다)", oldestNew.Name)})
		}
	}
	return out
}

func (c *DaemonSets) nextBackoff(bk string, now time.Time) {
	b := c.backoff[bk]
	if b == nil || now.Sub(b.last) > 2*dsBackoffMax {
		c.backoff[bk] = &dsBackoff{delay: dsBackoffInitial, last: now}
		return
	}
	b.delay *= 2
	if b.delay > dsBackoffMax {
		b.delay = dsBackoffMax
	}
	b.last = now
}

// narrateSkip tells, once per change, why a node runs no pod of ds. (A
// pod already there may stay when only a NoSchedule taint came since.)
func (c *DaemonSets) narrateSkip(ds *appsv1.DaemonSet, node string, v dsVerdict, exists bool) {
	k := key(ds.Namespace, ds.Name)
	m := c.skipped[k]
	if m == nil {
		m = map[string]string{}
		c.skipped[k] = m
	}
	if v.ShouldRun || (v.ShouldContinue && exists) {
		delete(m, node)
		return
	}
	if m[node] == v.Key {
		return
	}
	m[node] = v.Key
	c.Rec.Record(record.Decision{Source: dsSource, Object: ds, Reason: "NodeSkipped", NoEvent: true,
		EN:     fmt.Sprintf("DaemonSet %s runs no pod on node %s: %s.", ds.Name, node, v.EN),
		KO:     fmt.Sprintf("%s 데몬셋은 %s 노드에 파드를 두지 않습니다. %s.", ds.Name, node, v.KO),
		Fields: map[string]string{"node": node, "why": v.Key}})
}

// syncNodes creates the pods (pinned to their nodes) and deletes the
// others, recording each as the DaemonSet's event.
// surge says the new pods join old ones still running (maxSurge).
func (c *DaemonSets) syncNodes(ds *appsv1.DaemonSet, del []dsDeletion, create []string, hash string, surge bool) bool {
	acted := false
	template := dsPodTemplate(ds, hash)
	t := true
	pk := kinds.Core("pods")
	for _, node := range create {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{
				GenerateName: ds.Name + "-", Namespace: ds.Namespace,
				Labels: template.Labels, Annotations: template.Annotations, Finalizers: template.Finalizers,
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: ds.Name, UID: ds.UID,
					Controller: &t, BlockOwnerDeletion: &t}},
			},
			Spec: *template.Spec.DeepCopy(),
		}
		pod.Spec.Affinity = dsPinToNode(pod.Spec.Affinity, node)
		out, err := c.API.Create(c.ctx(), pk, ds.Namespace, pod, internal)
		if err != nil {
			c.Rec.Record(record.Decision{Source: dsSource, Object: ds, Type: corev1.EventTypeWarning, Reason: "FailedCreate",
				Message: fmt.Sprintf("Error creating: %v", err),
				EN:      fmt.Sprintf("DaemonSet %s could not create its pod for node %s: %v", ds.Name, node, err),
				KO:      fmt.Sprintf("%s 데몬셋이 %s 노드에 둘 파드를 만들지 못했습니다: %v", ds.Name, node, err)})
			// Like the slow-start batches upstream: stop at the first
			// failure, the next sync tries again.
			break
		}
		acted = true
		created := out.(*corev1.Pod)
		en := fmt.Sprintf("DaemonSet %s runs one pod on every eligible node and node %s had none, so it created %s, pinned to that node by node affinity (the scheduler only binds it).", ds.Name, node, created.Name)
		ko := fmt.Sprintf("%s 데몬셋은 조건에 맞는 노드마다 파드를 하나씩 두는데, %s 노드에 파드가 없어서 %s 파드를 만들었습니다. 노드 어피니티로 그 노드에 고정되어 있어 스케줄러는 바인딩만 합니다.", ds.Name, node, created.Name)
		if surge {
			en = fmt.Sprintf("DaemonSet %s started %s with the new template on node %s next to the old pod (maxSurge); the old one goes once the new one is available.", ds.Name, created.Name, node)
			ko = fmt.Sprintf("%s 데몬셋이 %s 노드의 기존 파드 옆에 새 템플릿으로 %s 파드를 먼저 띄웠습니다(maxSurge). 새 파드가 사용 가능해지면 기존 파드를 지웁니다.", ds.Name, node, created.Name)
		}
		c.Rec.Record(record.Decision{Source: dsSource, Object: ds, Reason: "SuccessfulCreate",
			Message: fmt.Sprintf("Created pod: %s", created.Name), EN: en, KO: ko,
			Related: []eventsRef{record.RefOf(created)},
			Fields:  map[string]string{"node": node, "pod": created.Name}})
	}
	for _, d := range del {
		if _, _, err := c.API.Delete(c.ctx(), pk, ds.Namespace, d.pod.Name, nil); err != nil {
			if !apierrors.IsNotFound(err) {
				c.Rec.Record(record.Decision{Source: dsSource, Object: ds, Type: corev1.EventTypeWarning, Reason: "FailedDelete",
					Message: fmt.Sprintf("Error deleting: %v", err)})
			}
			continue
		}
		acted = true
		c.Rec.Record(record.Decision{Source: dsSource, Object: ds, Reason: "SuccessfulDelete",
			Message: fmt.Sprintf("Deleted pod: %s", d.pod.Name),
			EN:      fmt.Sprintf("DaemonSet %s deleted pod %s because %s.", ds.Name, d.pod.Name, d.en),
			KO:      fmt.Sprintf("%s 데몬셋이 %s 파드를 지웠습니다. %s.", ds.Name, d.pod.Name, d.ko),
			Related: []eventsRef{record.RefOf(d.pod)},
			Fields:  map[string]string{"node": d.pod.Spec.NodeName, "pod": d.pod.Name}})
	}
	return acted
}

// updateStatus is updateDaemonSetStatus: counts per node, from the oldest
// pod of each node, written only when something changed.
func (c *DaemonSets) updateStatus(ds *appsv1.DaemonSet, nodes []*corev1.Node, byNode map[string][]*corev1.Pod, hash string) {
	var desired, current, mis, ready, updated, available int32
	now := c.now()
	for _, node := range nodes {
		v := dsNodeShouldRun(ds, node)
		pods := byNode[node.Name]
		scheduled := len(pods) > 0
		if !v.ShouldRun {
			if scheduled {
				mis++
			}
			continue
		}
		desired++
		if !scheduled {
			continue
		}
		current++
		sorted := append([]*corev1.Pod(nil), pods...)
		dsSortPods(sorted)
		pod := sorted[0]
		if podReady(pod) {
			ready++
			if dsPodAvailable(pod, ds.Spec.MinReadySeconds, now) {
				available++
			}
		}
		if dsPodUpdated(ds, pod, hash) {
			updated++
		}
	}
	st := ds.Status.DeepCopy()
	st.ObservedGeneration = ds.Generation
	st.DesiredNumberScheduled, st.CurrentNumberScheduled, st.NumberMisscheduled = desired, current, mis
	st.NumberReady, st.UpdatedNumberScheduled, st.NumberAvailable = ready, updated, available
	st.NumberUnavailable = desired - available
	// Availability needs minReadySeconds of readiness: look again then
	// (a second later, since readiness times are kept to the second).
	if ds.Spec.MinReadySeconds > 0 && ready != available {
		c.q.AddAfter(key(ds.Namespace, ds.Name), time.Duration(ds.Spec.MinReadySeconds)*time.Second+time.Second)
	}
	if equal.Semantic(st, &ds.Status) {
		return
	}
	next := ds.DeepCopy()
	next.Status = *st
	c.API.Update(c.ctx(), dsKind(), ds.Namespace, ds.Name, "status", next, internal)
}
