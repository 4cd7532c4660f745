package controller

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"kubetour/engine/equal"
)

// progress.go: the Progressing condition, which says whether a rollout
// moves (ReplicaSetUpdated), finished (NewReplicaSetAvailable) or made no
// progress for progressDeadlineSeconds (ProgressDeadlineExceeded, which
// `kubectl rollout status` turns into an error). The controller does not
// stop a timed-out rollout; it only reports it.

func (dc *Deployments) syncRolloutStatus(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) error {
	s := calculateStatus(all, newRS, d, dc.metaNow)
	if !hasProgressDeadline(d) {
		removeDeploymentCondition(&s, appsv1.DeploymentProgressing)
	}
	cur := getDeploymentCondition(d.Status, appsv1.DeploymentProgressing)
	// One fully updated ReplicaSet with a finished rollout: a resync,
	// nothing to estimate.
	complete := s.Replicas == s.UpdatedReplicas && cur != nil && cur.Reason == reasonNewRSAvailable
	now := dc.now()
	if hasProgressDeadline(d) && !complete {
		switch {
		case deploymentComplete(d, &s):
			msg := fmt.Sprintf("Deployment %q has successfully progressed.", d.Name)
			if newRS != nil {
				msg = fmt.Sprintf("ReplicaSet %q has successfully progressed.", newRS.Name)
			}
			setDeploymentCondition(&s, newDeploymentCondition(now, appsv1.DeploymentProgressing, corev1.ConditionTrue, reasonNewRSAvailable, msg))
		case deploymentProgressing(d, &s):
			msg := fmt.Sprintf("Deployment %q is progressing.", d.Name)
			if newRS != nil {
				msg = fmt.Sprintf("ReplicaSet %q is progressing.", newRS.Name)
			}
			c := newDeploymentCondition(now, appsv1.DeploymentProgressing, corev1.ConditionTrue, reasonRSUpdated, msg)
			// Progress moves lastUpdateTime even when the reason stays
			// the same (setDeploymentCondition would keep the old one).
			if cur != nil {
				if cur.Status == corev1.ConditionTrue {
					c.LastTransitionTime = cur.LastTransitionTime
				}
				removeDeploymentCondition(&s, appsv1.DeploymentProgressing)
			}
			setDeploymentCondition(&s, c)
		case deploymentTimedOut(d, &s, now):
			msg := fmt.Sprintf("Deployment %q has timed out progressing.", d.Name)
			if newRS != nil {
				msg = fmt.Sprintf("ReplicaSet %q has timed out progressing.", newRS.Name)
			}
			setDeploymentCondition(&s, newDeploymentCondition(now, appsv1.DeploymentProgressing, corev1.ConditionFalse, reasonTimedOut, msg))
		}
	}
	// A ReplicaSet that cannot create pods (quota, say) is reported on the
	// Deployment: the new ReplicaSet's failure first.
	if failure := replicaFailures(all, newRS); len(failure) > 0 {
		setDeploymentCondition(&s, failure[0])
	} else {
		removeDeploymentCondition(&s, appsv1.DeploymentReplicaFailure)
	}
	if equal.Semantic(d.Status, s) {
		dc.requeueStuckDeployment(d, s)
		return nil
	}
	dc.narrateProgress(d, newRS, &s)
	dc.narrateAvailability(d, &s)
	d.Status = s
	return dc.writeStatus(d)
}

func replicaFailures(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) []appsv1.DeploymentCondition {
	var out []appsv1.DeploymentCondition
	collect := func(rs *appsv1.ReplicaSet) {
		for _, c := range rs.Status.Conditions {
			if c.Type == appsv1.ReplicaSetReplicaFailure {
				out = append(out, conditionFromReplicaSet(c))
			}
		}
	}
	if newRS != nil {
		collect(newRS)
	}
	if len(out) > 0 {
		return out
	}
	for _, rs := range all {
		if rs != nil {
			collect(rs)
		}
	}
	return out
}

// requeueStuckDeployment comes back to a rollout that shows no progress
// one second after its deadline would pass, so the timeout is reported on
// time even when nothing else changes. One check per Deployment is kept
// pending, as the work queue keeps one delayed entry per key.
func (dc *Deployments) requeueStuckDeployment(d *appsv1.Deployment, s appsv1.DeploymentStatus) time.Duration {
	cur := getDeploymentCondition(d.Status, appsv1.DeploymentProgressing)
	if !hasProgressDeadline(d) || cur == nil {
		return -1
	}
	if deploymentComplete(d, &s) || cur.Reason == reasonTimedOut {
		return -1
	}
	now := dc.now()
	after := cur.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second).Sub(now)
	delay := after + time.Second
	if after < time.Second {
		// Upstream requeues at once (rate-limited); a second is what the
		// deadline check needs to see the deadline passed.
		delay = time.Second
	}
	k := key(d.Namespace, d.Name)
	at := now.Add(delay)
	if due, ok := dc.progressDue[k]; ok && due.After(now) && !due.After(at) {
		return after
	}
	dc.progressDue[k] = at
	dc.q.AddAfter(k, delay)
	return after
}
