package controller

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"kubetour/engine/store"
)

// The Recreate strategy (recreate.go): scale every old ReplicaSet to zero,
// wait until none of their pods exists any more (Terminating ones count),
// and only then create and scale up the new ReplicaSet. Old and new
// versions never run side by side; the price is downtime.

func (dc *Deployments) rolloutRecreate(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	// No new ReplicaSet yet, so that nothing scales up before the old
	// pods are down.
	newRS, old, err := dc.getAllReplicaSetsAndSyncRevision(d, rsList, false)
	if err != nil {
		return err
	}
	all := append(append([]*appsv1.ReplicaSet{}, old...), newRS)

	scaledDown, err := dc.scaleDownOldReplicaSetsForRecreate(depActiveRSs(old), d, newRS)
	if err != nil {
		return err
	}
	if scaledDown {
		return dc.syncRolloutStatus(all, newRS, d)
	}
	if dc.oldPodsRunning(d, newRS, old) {
		return dc.syncRolloutStatus(all, newRS, d)
	}
	if newRS == nil {
		newRS, old, err = dc.getAllReplicaSetsAndSyncRevision(d, rsList, true)
		if err != nil {
			return err
		}
		all = append(append([]*appsv1.ReplicaSet{}, old...), newRS)
	}
	if _, _, err := dc.scaleReplicaSetAndRecordEvent(newRS, depReplicas(d.Spec.Replicas), d, dc.whyRecreateUp(d, newRS)); err != nil {
		return err
	}
	if deploymentComplete(d, &d.Status) {
		if err := dc.cleanupDeployment(old, d); err != nil {
			return err
		}
	}
	return dc.syncRolloutStatus(all, newRS, d)
}

func (dc *Deployments) scaleDownOldReplicaSetsForRecreate(old []*appsv1.ReplicaSet, d *appsv1.Deployment, newRS *appsv1.ReplicaSet) (bool, error) {
	scaled := false
	for i, rs := range old {
		if depReplicas(rs.Spec.Replicas) == 0 {
			continue
		}
		ok, updated, err := dc.scaleReplicaSetAndRecordEvent(rs, 0, d, dc.whyRecreateDown(d, rs))
		if err != nil {
			return false, err
		}
		if ok {
			old[i] = updated
			scaled = true
		}
	}
	return scaled, nil
}

// oldPodsRunning: an old ReplicaSet still reports pods, or a pod of one
// still exists in a phase other than Succeeded or Failed (a Terminating
// pod is still running its containers).
func (dc *Deployments) oldPodsRunning(d *appsv1.Deployment, newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) bool {
	if rsStatusSum(old) > 0 {
		return true
	}
	owners := map[types.UID]bool{}
	for _, rs := range old {
		owners[rs.UID] = true
	}
	if len(owners) == 0 {
		return false
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return false
	}
	// Only the first match matters; the filter sees the store's objects
	// and nothing is copied until one is found.
	found := false
	dc.Store.List(dc.podK, store.ListOptions{Namespace: d.Namespace, Labels: labels.Selector(sel), Field: func(o runtime.Object) bool {
		if found {
			return false
		}
		pod := o.(*corev1.Pod)
		ref := metav1.GetControllerOf(pod)
		if ref == nil || !owners[ref.UID] || (newRS != nil && ref.UID == newRS.UID) {
			return false
		}
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			return false
		}
		found = true
		return true
	}})
	return found
}
