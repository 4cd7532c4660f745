package controller

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"kubetour/engine/equal"
	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/store"
	"kubetour/internal/ko"
)

// Deployments is the Deployment controller (pkg/controller/deployment): it
// never makes pods itself. For each Deployment it keeps one ReplicaSet per
// pod template it has had, named after the template's hash, and moves
// replicas from the old ReplicaSets to the new one as the strategy allows
// (Recreate or RollingUpdate); the ReplicaSet controller makes the pods.
// Its status, conditions and revision annotations are upstream's, so that
// kubectl rollout status, history, undo, pause and resume work on it.
type Deployments struct {
	Deps
	q           *Queue
	depK, rsK   *kinds.Kind
	podK        *kinds.Kind
	rsDeploy    map[string]string    // ReplicaSet key -> controlling Deployment key
	recreate    map[string]bool      // Deployments whose strategy is Recreate
	failures    map[string]int       // consecutive failed syncs, for the retry back-off
	progressDue map[string]time.Time // when a pending progress-deadline check is due
}

func init() {
	Register("deployment", func(d Deps) Controller { return NewDeployments(d) })
}

// NewDeployments returns the controller.
func NewDeployments(d Deps) *Deployments {
	dc := &Deployments{Deps: d, rsDeploy: map[string]string{}, recreate: map[string]bool{},
		failures: map[string]int{}, progressDue: map[string]time.Time{}}
	dc.depK, _ = kinds.ByResource("apps", "deployments")
	dc.rsK, _ = kinds.ByResource("apps", "replicasets")
	// Looked up once: Observe sees every change in the cluster.
	dc.podK = kinds.Core("pods")
	dc.q = NewQueue(d.Loop, dc.syncKey)
	return dc
}

// Observe maps changes to the Deployments they concern, as the upstream
// informer handlers do: every Deployment change; a ReplicaSet change for
// its controlling Deployment (or, for an orphan, every Deployment that
// could adopt it); a pod deletion for a Recreate Deployment, which waits
// for its old pods to be gone.
func (dc *Deployments) Observe(c store.Change) {
	switch c.Kind {
	case dc.depK:
		d := c.Object.(*appsv1.Deployment)
		k := key(d.Namespace, d.Name)
		if c.Type == "DELETED" {
			delete(dc.recreate, k)
			delete(dc.failures, k)
			delete(dc.progressDue, k)
		} else {
			dc.recreate[k] = d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType
		}
		dc.q.Add(k)
	case dc.rsK:
		dc.observeReplicaSet(c)
	case dc.podK:
		if c.Type != "DELETED" {
			return
		}
		pod := c.Object.(*corev1.Pod)
		ref := metav1.GetControllerOf(pod)
		if ref == nil || ref.Kind != "ReplicaSet" {
			return
		}
		if dk, ok := dc.rsDeploy[key(pod.Namespace, ref.Name)]; ok && dc.recreate[dk] {
			dc.q.Add(dk)
		}
	}
}

func (dc *Deployments) observeReplicaSet(c store.Change) {
	rs := c.Object.(*appsv1.ReplicaSet)
	rk := key(rs.Namespace, rs.Name)
	ref := deploymentRef(rs)
	if c.Old != nil {
		if old := deploymentRef(c.Old.(*appsv1.ReplicaSet)); old != nil && (ref == nil || old.UID != ref.UID) {
			dc.q.Add(key(rs.Namespace, old.Name))
		}
	}
	if c.Type == "DELETED" {
		delete(dc.rsDeploy, rk)
	}
	if ref != nil {
		dk := key(rs.Namespace, ref.Name)
		if c.Type != "DELETED" {
			dc.rsDeploy[rk] = dk
		}
		dc.q.Add(dk)
		return
	}
	delete(dc.rsDeploy, rk)
	if c.Type == "DELETED" {
		return
	}
	// An orphan: the Deployments whose selector matches may adopt it.
	for _, o := range dc.listDeployments(rs.Namespace) {
		d := o.(*appsv1.Deployment)
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err == nil && !sel.Empty() && sel.Matches(labels.Set(rs.Labels)) {
			dc.q.Add(key(d.Namespace, d.Name))
		}
	}
}

func deploymentRef(rs *appsv1.ReplicaSet) *metav1.OwnerReference {
	ref := metav1.GetControllerOf(rs)
	if ref == nil || ref.Kind != "Deployment" {
		return nil
	}
	return ref
}

func (dc *Deployments) listDeployments(ns string) []runtime.Object {
	objs, _ := dc.Store.List(dc.depK, store.ListOptions{Namespace: ns})
	return objs
}

// syncKey runs one sync and retries a failed one with the work queue's
// back-off (5ms doubling, at most 1000s), on the cluster clock.
func (dc *Deployments) syncKey(k string) {
	if err := dc.syncDeployment(k); err != nil {
		n := dc.failures[k]
		dc.failures[k] = n + 1
		delay := 5 * time.Millisecond << min(n, 20)
		if delay > 1000*time.Second {
			delay = 1000 * time.Second
		}
		dc.q.AddAfter(k, delay)
		return
	}
	delete(dc.failures, k)
}

// syncDeployment is upstream's syncDeployment: what a Deployment needs
// now, in upstream's order of precedence — deletion, pause, rollback,
// scaling, then the rollout strategy.
func (dc *Deployments) syncDeployment(k string) error {
	ns, name := splitKey(k)
	obj, err := dc.Store.Get(dc.depK, ns, name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	d := obj.(*appsv1.Deployment)
	if d.Spec.Selector == nil || reflect.DeepEqual(*d.Spec.Selector, metav1.LabelSelector{}) {
		dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Type: corev1.EventTypeWarning, Reason: "SelectingAll",
			Message: "This deployment is selecting all pods. A non-empty selector is required.",
			EN:      fmt.Sprintf("Deployment %s has an empty selector, which would select every pod in the namespace: the controller does nothing with it.", d.Name),
			KO:      fmt.Sprintf("디플로이먼트 %s의 셀렉터가 비어 있어 네임스페이스의 모든 파드를 고르게 되므로, 컨트롤러가 아무것도 하지 않습니다.", d.Name)})
		if d.Status.ObservedGeneration < d.Generation {
			d.Status.ObservedGeneration = d.Generation
			return dc.writeStatus(d)
		}
		return nil
	}
	rsList, err := dc.claimReplicaSets(d)
	if err != nil {
		return err
	}
	if d.DeletionTimestamp != nil {
		return dc.syncStatusOnly(d, rsList)
	}
	// A pause or resume is recorded first, so a Deployment resumed after
	// longer than its progress deadline does not time out at once.
	if err := dc.checkPausedConditions(d); err != nil {
		return err
	}
	if d.Spec.Paused {
		return dc.syncScale(d, rsList)
	}
	if rollbackRevision(d) != nil {
		return dc.rollback(d, rsList)
	}
	scaling, err := dc.isScalingEvent(d, rsList)
	if err != nil {
		return err
	}
	if scaling {
		return dc.syncScale(d, rsList)
	}
	switch d.Spec.Strategy.Type {
	case appsv1.RecreateDeploymentStrategyType:
		return dc.rolloutRecreate(d, rsList)
	case appsv1.RollingUpdateDeploymentStrategyType:
		return dc.rolloutRolling(d, rsList)
	}
	return fmt.Errorf("unexpected deployment strategy type: %s", d.Spec.Strategy.Type)
}

// claimReplicaSets is getReplicaSetsForDeployment: the Deployment keeps
// the ReplicaSets it controls that still match its selector, adopts
// matching orphans and releases those that stopped matching. Adoption and
// release are patches of ownerReferences, as upstream makes them.
func (dc *Deployments) claimReplicaSets(d *appsv1.Deployment) ([]*appsv1.ReplicaSet, error) {
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("deployment %s/%s has invalid label selector: %v", d.Namespace, d.Name, err)
	}
	objs, _ := dc.Store.List(dc.rsK, store.ListOptions{Namespace: d.Namespace})
	var out []*appsv1.ReplicaSet
	for _, o := range objs {
		rs := o.(*appsv1.ReplicaSet)
		match := sel.Matches(labels.Set(rs.Labels))
		ref := metav1.GetControllerOf(rs)
		switch {
		case ref != nil && ref.UID != d.UID:
			// Another controller's.
		case ref != nil && match:
			out = append(out, rs)
		case ref != nil:
			if d.DeletionTimestamp == nil {
				dc.releaseReplicaSet(d, rs)
			}
		case match && d.DeletionTimestamp == nil && rs.DeletionTimestamp == nil:
			if adopted, err := dc.adoptReplicaSet(d, rs); err == nil {
				out = append(out, adopted)
			}
		}
	}
	return out, nil
}

func (dc *Deployments) adoptReplicaSet(d *appsv1.Deployment, rs *appsv1.ReplicaSet) (*appsv1.ReplicaSet, error) {
	ref := *metav1.NewControllerRef(d, dc.depK.GVK)
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{
		"ownerReferences": []metav1.OwnerReference{ref}, "uid": rs.UID}})
	obj, err := dc.API.Patch(dc.ctx(), dc.rsK, rs.Namespace, rs.Name, "", types.StrategicMergePatchType, patch, internal)
	if err != nil {
		return nil, err
	}
	dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Reason: "AdoptedReplicaSet", NoEvent: true,
		Related: []eventsRef{record.RefOf(rs)},
		EN:      fmt.Sprintf("Deployment %s adopted replica set %s: it had no controller and its labels match the Deployment's selector.", d.Name, rs.Name),
		KO:      fmt.Sprintf("디플로이먼트 %s 레플리카셋 %s 입양했습니다: 관리하는 컨트롤러가 없고 레이블이 디플로이먼트의 셀렉터와 맞기 때문입니다.", ko.With(d.Name, "이/가"), ko.With(rs.Name, "을/를")),
		Fields:  map[string]string{"replicaSet": rs.Name}})
	return obj.(*appsv1.ReplicaSet), nil
}

func (dc *Deployments) releaseReplicaSet(d *appsv1.Deployment, rs *appsv1.ReplicaSet) {
	patch := fmt.Sprintf(`{"metadata":{"ownerReferences":[{"$patch":"delete","uid":%q}],"uid":%q}}`, d.UID, rs.UID)
	if _, err := dc.API.Patch(dc.ctx(), dc.rsK, rs.Namespace, rs.Name, "", types.StrategicMergePatchType, []byte(patch), internal); err != nil {
		return
	}
	dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Reason: "ReleasedReplicaSet", NoEvent: true,
		Related: []eventsRef{record.RefOf(rs)},
		EN:      fmt.Sprintf("Deployment %s released replica set %s: its labels no longer match the Deployment's selector.", d.Name, rs.Name),
		KO:      fmt.Sprintf("디플로이먼트 %s 레플리카셋 %s 놓아주었습니다: 레이블이 더 이상 디플로이먼트의 셀렉터와 맞지 않기 때문입니다.", ko.With(d.Name, "이/가"), ko.With(rs.Name, "을/를")),
		Fields:  map[string]string{"replicaSet": rs.Name}})
}

// isScalingEvent: some active ReplicaSet was sized for another number of
// replicas than the Deployment now asks for, so this sync only scales.
func (dc *Deployments) isScalingEvent(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) (bool, error) {
	newRS, old, err := dc.getAllReplicaSetsAndSyncRevision(d, rsList, false)
	if err != nil {
		return false, err
	}
	for _, rs := range depActiveRSs(append(old, newRS)) {
		desired, ok := rsIntAnnotation(rs, desiredReplicasAnnotation)
		if ok && desired != depReplicas(d.Spec.Replicas) {
			return true, nil
		}
	}
	return false, nil
}

// writeStatus stores d's status. apps/v1 Deployments also take
// metadata.annotations through the status subresource (the registry's
// status strategy resets only spec and labels): that is how the controller
// stamps the revision annotation in the same write as the status. The
// engine's status write keeps the status alone, so a write that also
// changes annotations goes to the store whole — one change, as a watcher of
// a real cluster sees one. d becomes the stored object.
func (dc *Deployments) writeStatus(d *appsv1.Deployment) error {
	cur, err := dc.Store.Get(dc.depK, d.Namespace, d.Name)
	if err != nil {
		return err
	}
	stored := cur.(*appsv1.Deployment)
	var out runtime.Object
	if equal.Semantic(stored.Annotations, d.Annotations) {
		out, err = dc.API.Update(dc.ctx(), dc.depK, d.Namespace, d.Name, "status", d, internal)
	} else {
		d.Spec, d.Labels = stored.Spec, stored.Labels
		out, err = dc.Store.Update(dc.depK, d, store.UpdateOptions{})
	}
	if err != nil {
		return err
	}
	*d = *out.(*appsv1.Deployment)
	return nil
}
