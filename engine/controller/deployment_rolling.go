package controller

import (
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
)

// The RollingUpdate strategy (rolling.go). Each sync takes one step: first
// grow the new ReplicaSet as far as maxSurge allows; if it could not grow,
// shrink the old ones as far as maxUnavailable allows. The ReplicaSet
// controller's status changes (pods created, ready, available) bring the
// Deployment back for the next step.

func (dc *Deployments) rolloutRolling(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	newRS, old, err := dc.getAllReplicaSetsAndSyncRevision(d, rsList, true)
	if err != nil {
		return err
	}
	all := append(append([]*appsv1.ReplicaSet{}, old...), newRS)

	scaledUp, err := dc.reconcileNewReplicaSet(all, newRS, d)
	if err != nil {
		return err
	}
	if scaledUp {
		return dc.syncRolloutStatus(all, newRS, d)
	}
	scaledDown, err := dc.reconcileOldReplicaSets(all, depActiveRSs(old), newRS, d)
	if err != nil {
		return err
	}
	if scaledDown {
		return dc.syncRolloutStatus(all, newRS, d)
	}
	// Upstream judges completeness on the stored status here, so old
	// revisions are cleaned up on the sync after the one that completed.
	if deploymentComplete(d, &d.Status) {
		if err := dc.cleanupDeployment(old, d); err != nil {
			return err
		}
	}
	return dc.syncRolloutStatus(all, newRS, d)
}

// reconcileNewReplicaSet grows the new ReplicaSet by what maxSurge leaves
// room for (or shrinks it to the Deployment's replicas).
func (dc *Deployments) reconcileNewReplicaSet(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) (bool, error) {
	want := depReplicas(d.Spec.Replicas)
	have := depReplicas(newRS.Spec.Replicas)
	if have == want {
		return false, nil
	}
	if have > want {
		scaled, _, err := dc.scaleReplicaSetAndRecordEvent(newRS, want, d, dc.whyNewTooBig(d, newRS, want))
		return scaled, err
	}
	count, err := newRSNewReplicas(d, all, newRS)
	if err != nil {
		return false, err
	}
	scaled, _, err := dc.scaleReplicaSetAndRecordEvent(newRS, count, d, dc.whySurge(d, newRS, count, rsSpecSum(all)))
	return scaled, err
}

// reconcileOldReplicaSets shrinks the old ReplicaSets: never below
// replicas-maxUnavailable available pods, counting the new ReplicaSet's
// pods that are not yet available as unavailable.
func (dc *Deployments) reconcileOldReplicaSets(all, old []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) (bool, error) {
	if rsSpecSum(old) == 0 {
		return false, nil
	}
	allPods := rsSpecSum(all)
	minAvailable := depReplicas(d.Spec.Replicas) - maxUnavailableOf(d)
	newUnavailable := depReplicas(newRS.Spec.Replicas) - newRS.Status.AvailableReplicas
	maxScaledDown := allPods - minAvailable - newUnavailable
	if maxScaledDown <= 0 {
		return false, nil
	}
	// Unavailable old pods go first: removing them cannot lower
	// availability, and left alone they could block the rollout.
	old, cleaned, err := dc.cleanupUnhealthyReplicas(old, d, maxScaledDown)
	if err != nil {
		return false, nil
	}
	all = append(append([]*appsv1.ReplicaSet{}, old...), newRS)
	scaledDown, err := dc.scaleDownOldReplicaSetsForRollingUpdate(all, old, d)
	if err != nil {
		return false, nil
	}
	return cleaned+scaledDown > 0, nil
}

// cleanupUnhealthyReplicas removes, oldest ReplicaSet first, up to
// maxCleanup old pods that are not available. The ReplicaSet controller
// deletes not-ready and unscheduled pods first, so it is those that go.
func (dc *Deployments) cleanupUnhealthyReplicas(old []*appsv1.ReplicaSet, d *appsv1.Deployment, maxCleanup int32) ([]*appsv1.ReplicaSet, int32, error) {
	sort.Sort(depRSByCreation(old))
	total := int32(0)
	for i, rs := range old {
		if total >= maxCleanup {
			break
		}
		size := depReplicas(rs.Spec.Replicas)
		if size == 0 || size == rs.Status.AvailableReplicas {
			continue
		}
		down := min(maxCleanup-total, size-rs.Status.AvailableReplicas)
		newSize := size - down
		if newSize > size {
			return nil, 0, fmt.Errorf("when cleaning up unhealthy replicas, got invalid request to scale down %s/%s %d -> %d", rs.Namespace, rs.Name, size, newSize)
		}
		_, updated, err := dc.scaleReplicaSetAndRecordEvent(rs, newSize, d, dc.whyUnhealthy(d, rs, newSize))
		if err != nil {
			return nil, total, err
		}
		total += down
		old[i] = updated
	}
	return old, total, nil
}

// scaleDownOldReplicaSetsForRollingUpdate removes, oldest ReplicaSet
// first, as many old pods as there are available pods above
// replicas-maxUnavailable.
func (dc *Deployments) scaleDownOldReplicaSetsForRollingUpdate(all, old []*appsv1.ReplicaSet, d *appsv1.Deployment) (int32, error) {
	minAvailable := depReplicas(d.Spec.Replicas) - maxUnavailableOf(d)
	available := rsAvailableSum(all)
	if available <= minAvailable {
		return 0, nil
	}
	sort.Sort(depRSByCreation(old))
	total, budget := int32(0), available-minAvailable
	for _, rs := range old {
		if total >= budget {
			break
		}
		size := depReplicas(rs.Spec.Replicas)
		if size == 0 {
			continue
		}
		down := min(size, budget-total)
		newSize := size - down
		if newSize > size {
			return 0, fmt.Errorf("when scaling down old RS, got invalid request to scale down %s/%s %d -> %d", rs.Namespace, rs.Name, size, newSize)
		}
		if _, _, err := dc.scaleReplicaSetAndRecordEvent(rs, newSize, d, dc.whyScaleDownOld(d, rs, newSize, available, minAvailable)); err != nil {
			return total, err
		}
		total += down
	}
	return total, nil
}
