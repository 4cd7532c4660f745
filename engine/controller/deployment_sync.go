package controller

import (
	"fmt"
	"maps"
	"sort"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/equal"
)

// What sync.go does: find or make the new ReplicaSet and keep revisions in
// step, scale (proportionally during a rollout), clean up old revisions,
// and compute the status.

// syncStatusOnly updates the status and does nothing else (a Deployment
// being deleted).
func (dc *Deployments) syncStatusOnly(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	newRS, old, err := dc.getAllReplicaSetsAndSyncRevision(d, rsList, false)
	if err != nil {
		return err
	}
	return dc.syncDeploymentStatus(append(old, newRS), newRS, d)
}

// syncScale is upstream's sync: the path for scaling and for paused
// Deployments. No new ReplicaSet is made, so a paused Deployment does not
// roll out; its ReplicaSets are still resized.
func (dc *Deployments) syncScale(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	newRS, old, err := dc.getAllReplicaSetsAndSyncRevision(d, rsList, false)
	if err != nil {
		return err
	}
	if err := dc.scale(d, newRS, old); err != nil {
		return err
	}
	if d.Spec.Paused && rollbackRevision(d) == nil {
		if err := dc.cleanupDeployment(old, d); err != nil {
			return err
		}
	}
	return dc.syncDeploymentStatus(append(old, newRS), newRS, d)
}

// checkPausedConditions records a pause or a resume in the Progressing
// condition (status Unknown), unless the rollout has already timed out.
func (dc *Deployments) checkPausedConditions(d *appsv1.Deployment) error {
	if !hasProgressDeadline(d) {
		return nil
	}
	cond := getDeploymentCondition(d.Status, appsv1.DeploymentProgressing)
	if cond != nil && cond.Reason == reasonTimedOut {
		return nil
	}
	pausedCond := cond != nil && cond.Reason == reasonPaused
	switch {
	case d.Spec.Paused && !pausedCond:
		setDeploymentCondition(&d.Status, newDeploymentCondition(dc.now(), appsv1.DeploymentProgressing, corev1.ConditionUnknown, reasonPaused, "Deployment is paused"))
		dc.narratePause(d, true)
	case !d.Spec.Paused && pausedCond:
		setDeploymentCondition(&d.Status, newDeploymentCondition(dc.now(), appsv1.DeploymentProgressing, corev1.ConditionUnknown, reasonResumed, "Deployment is resumed"))
		dc.narratePause(d, false)
	default:
		return nil
	}
	return dc.writeStatus(d)
}

// getAllReplicaSetsAndSyncRevision splits rsList into the new ReplicaSet
// (nil when none has the template yet and create is false) and the old
// ones, creation order.
func (dc *Deployments) getAllReplicaSetsAndSyncRevision(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet, create bool) (*appsv1.ReplicaSet, []*appsv1.ReplicaSet, error) {
	old := findOldReplicaSets(d, rsList)
	newRS, err := dc.getNewReplicaSet(d, rsList, old, create)
	if err != nil {
		return nil, nil, err
	}
	return newRS, old, nil
}

// getNewReplicaSet finds the ReplicaSet for the Deployment's template and
// brings its annotations and revision (max of the old ones + 1) up to
// date, or creates it: named <deployment>-<hash>, the hash label added to
// its selector, template and labels so the pods of different templates
// never mix.
func (dc *Deployments) getNewReplicaSet(d *appsv1.Deployment, rsList, old []*appsv1.ReplicaSet, create bool) (*appsv1.ReplicaSet, error) {
	existing := findNewReplicaSet(d, rsList)
	newRevision := strconv.FormatInt(maxRevision(old)+1, 10)

	if existing != nil {
		rsCopy := existing.DeepCopy()
		prevRevision := existing.Annotations[revisionAnnotation]
		annotationsUpdated := setNewReplicaSetAnnotations(d, rsCopy, newRevision, true, maxRevHistoryLengthInChars)
		if annotationsUpdated || rsCopy.Spec.MinReadySeconds != d.Spec.MinReadySeconds {
			rsCopy.Spec.MinReadySeconds = d.Spec.MinReadySeconds
			out, err := dc.API.Update(dc.ctx(), dc.rsK, rsCopy.Namespace, rsCopy.Name, "", rsCopy, internal)
			if err != nil {
				return nil, err
			}
			updated := out.(*appsv1.ReplicaSet)
			// Later steps of this sync read rsList again: they must see
			// this write, not the copy it replaced.
			for i := range rsList {
				if rsList[i].UID == updated.UID {
					rsList[i] = updated
				}
			}
			if prevRevision != "" && updated.Annotations[revisionAnnotation] != prevRevision {
				dc.narrateRevisionReused(d, updated, prevRevision)
			}
			// Upstream returns here; the ReplicaSet's update brings the
			// Deployment back for the rest.
			return updated, nil
		}
		needsUpdate := setDeploymentRevision(d, rsCopy.Annotations[revisionAnnotation])
		// A Deployment without a Progressing condition starts its progress
		// clock at the first time its new ReplicaSet is seen.
		if hasProgressDeadline(d) && getDeploymentCondition(d.Status, appsv1.DeploymentProgressing) == nil {
			setDeploymentCondition(&d.Status, newDeploymentCondition(dc.now(), appsv1.DeploymentProgressing, corev1.ConditionTrue, reasonFoundNewRS,
				fmt.Sprintf("Found new replica set %q", rsCopy.Name)))
			needsUpdate = true
		}
		if needsUpdate {
			if err := dc.writeStatus(d); err != nil {
				return nil, err
			}
		}
		return rsCopy, nil
	}
	if !create {
		return nil, nil
	}

	tmpl := *d.Spec.Template.DeepCopy()
	hash := deploymentTemplateHash(&tmpl, d.Status.CollisionCount)
	tmpl.Labels = maps.Clone(d.Spec.Template.Labels)
	if tmpl.Labels == nil {
		tmpl.Labels = map[string]string{}
	}
	tmpl.Labels[appsv1.DefaultDeploymentUniqueLabelKey] = hash
	sel := d.Spec.Selector.DeepCopy()
	if sel.MatchLabels == nil {
		sel.MatchLabels = map[string]string{}
	}
	sel.MatchLabels[appsv1.DefaultDeploymentUniqueLabelKey] = hash
	zero := int32(0)
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			// Deterministic, so a repeated sync cannot make a second one.
			Name:            d.Name + "-" + hash,
			Namespace:       d.Namespace,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(d, dc.depK.GVK)},
			Labels:          maps.Clone(tmpl.Labels),
		},
		Spec: appsv1.ReplicaSetSpec{Replicas: &zero, MinReadySeconds: d.Spec.MinReadySeconds, Selector: sel, Template: tmpl},
	}
	count, err := newRSNewReplicas(d, append(append([]*appsv1.ReplicaSet{}, old...), rs), rs)
	if err != nil {
		return nil, err
	}
	rs.Spec.Replicas = &count
	setNewReplicaSetAnnotations(d, rs, newRevision, false, maxRevHistoryLengthInChars)

	alreadyExists := false
	out, err := dc.API.Create(dc.ctx(), dc.rsK, d.Namespace, rs, internal)
	var created *appsv1.ReplicaSet
	switch {
	case apierrors.IsAlreadyExists(err):
		alreadyExists = true
		cur, getErr := dc.Store.Get(dc.rsK, rs.Namespace, rs.Name)
		if getErr != nil {
			return nil, getErr
		}
		existing := cur.(*appsv1.ReplicaSet)
		if ref := metav1.GetControllerOf(existing); ref != nil && ref.UID == d.UID && equalIgnoreHash(&d.Spec.Template, &existing.Spec.Template) {
			created, err = existing, nil
			break
		}
		// Another template already has this name: a hash collision. The
		// collision count goes into the next hash.
		if d.Status.CollisionCount == nil {
			d.Status.CollisionCount = new(int32)
		}
		*d.Status.CollisionCount++
		if werr := dc.writeStatus(d); werr == nil {
			dc.narrateCollision(d, rs.Name)
		}
		return nil, err
	case apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause):
		return nil, err
	case err != nil:
		msg := fmt.Sprintf("Failed to create new replica set %q: %v", rs.Name, err)
		if hasProgressDeadline(d) {
			setDeploymentCondition(&d.Status, newDeploymentCondition(dc.now(), appsv1.DeploymentProgressing, corev1.ConditionFalse, reasonRSCreateError, msg))
			_ = dc.writeStatus(d)
		}
		dc.narrateCreateFailed(d, rs.Name, msg, err)
		return nil, err
	default:
		created = out.(*appsv1.ReplicaSet)
	}
	if !alreadyExists {
		dc.narrateCreated(d, created, old, count)
	}
	needsUpdate := setDeploymentRevision(d, newRevision)
	if !alreadyExists && hasProgressDeadline(d) {
		setDeploymentCondition(&d.Status, newDeploymentCondition(dc.now(), appsv1.DeploymentProgressing, corev1.ConditionTrue, reasonNewRSCreated,
			fmt.Sprintf("Created new replica set %q", created.Name)))
		needsUpdate = true
	}
	if needsUpdate {
		err = dc.writeStatus(d)
	}
	return created, err
}

// scale resizes the ReplicaSets when the Deployment's replicas changed.
// One active ReplicaSet (or none) simply takes the new size; a saturated
// new ReplicaSet leaves nothing to the old ones; during a rolling update
// the difference is shared among the active ReplicaSets in proportion to
// their size (proportional scaling), the leftover to the largest.
func (dc *Deployments) scale(d *appsv1.Deployment, newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) error {
	want := depReplicas(d.Spec.Replicas)
	if rs := findActiveOrLatest(newRS, old); rs != nil {
		if depReplicas(rs.Spec.Replicas) == want {
			return nil
		}
		_, _, err := dc.scaleReplicaSetAndRecordEvent(rs, want, d, dc.whyScaled(d, rs, want))
		return err
	}
	if isSaturated(d, newRS) {
		for _, rs := range depActiveRSs(old) {
			if _, _, err := dc.scaleReplicaSetAndRecordEvent(rs, 0, d, dc.whySaturated(d, rs, newRS)); err != nil {
				return err
			}
		}
		return nil
	}
	if !depIsRollingUpdate(d) {
		return nil
	}
	all := depActiveRSs(append(append([]*appsv1.ReplicaSet{}, old...), newRS))
	allowed := int32(0)
	if want > 0 {
		allowed = want + maxSurgeOf(d)
	}
	toAdd := allowed - rsSpecSum(all)
	var op string
	switch {
	case toAdd > 0:
		sort.Sort(depRSBySizeNewer(all))
		op = "up"
	case toAdd < 0:
		sort.Sort(depRSBySizeOlder(all))
		op = "down"
	}
	added := int32(0)
	size := make(map[string]int32, len(all))
	for _, rs := range all {
		if toAdd != 0 {
			p := replicaSetProportion(rs, d, toAdd, added)
			size[rs.Name] = depReplicas(rs.Spec.Replicas) + p
			added += p
		} else {
			size[rs.Name] = depReplicas(rs.Spec.Replicas)
		}
	}
	for i, rs := range all {
		// The largest ReplicaSet takes what rounding left over.
		if i == 0 && toAdd != 0 {
			size[rs.Name] += toAdd - added
			if size[rs.Name] < 0 {
				size[rs.Name] = 0
			}
		}
		if _, _, err := dc.scaleReplicaSet(rs, size[rs.Name], d, op, dc.whyProportional(d, rs, size[rs.Name], toAdd, allowed)); err != nil {
			return err
		}
	}
	return nil
}

// scaleReplicaSetAndRecordEvent resizes rs unless it already has newScale.
func (dc *Deployments) scaleReplicaSetAndRecordEvent(rs *appsv1.ReplicaSet, newScale int32, d *appsv1.Deployment, why scaleWhy) (bool, *appsv1.ReplicaSet, error) {
	if depReplicas(rs.Spec.Replicas) == newScale {
		return false, rs, nil
	}
	op := "down"
	if depReplicas(rs.Spec.Replicas) < newScale {
		op = "up"
	}
	return dc.scaleReplicaSet(rs, newScale, d, op, why)
}

// scaleReplicaSet writes the new size and the replicas annotations (the
// Deployment size this ReplicaSet was sized for), and records the upstream
// ScalingReplicaSet event with the student's explanation.
func (dc *Deployments) scaleReplicaSet(rs *appsv1.ReplicaSet, newScale int32, d *appsv1.Deployment, op string, why scaleWhy) (bool, *appsv1.ReplicaSet, error) {
	want, maxTotal := depReplicas(d.Spec.Replicas), depReplicas(d.Spec.Replicas)+maxSurgeOf(d)
	sizeChanges := depReplicas(rs.Spec.Replicas) != newScale
	if !sizeChanges && !replicasAnnotationsNeedUpdate(rs, want, maxTotal) {
		return false, rs, nil
	}
	from := depReplicas(rs.Spec.Replicas)
	rsCopy := rs.DeepCopy()
	rsCopy.Spec.Replicas = &newScale
	setReplicasAnnotations(rsCopy, want, maxTotal)
	out, err := dc.API.Update(dc.ctx(), dc.rsK, rsCopy.Namespace, rsCopy.Name, "", rsCopy, internal)
	if err != nil {
		return false, rs, err
	}
	updated := out.(*appsv1.ReplicaSet)
	if !sizeChanges {
		return false, updated, nil
	}
	dc.narrateScaled(d, updated, op, from, newScale, why)
	return true, updated, nil
}

// cleanupDeployment deletes the oldest revisions beyond
// revisionHistoryLimit: only ReplicaSets scaled to zero, with no pod left
// and whose controller has seen their latest spec.
func (dc *Deployments) cleanupDeployment(old []*appsv1.ReplicaSet, d *appsv1.Deployment) error {
	if !hasRevisionHistoryLimit(d) {
		return nil
	}
	var cleanable []*appsv1.ReplicaSet
	for _, rs := range old {
		if rs != nil && rs.DeletionTimestamp == nil {
			cleanable = append(cleanable, rs)
		}
	}
	diff := int32(len(cleanable)) - *d.Spec.RevisionHistoryLimit
	if diff <= 0 {
		return nil
	}
	sort.Sort(depRSByRevision(cleanable))
	for i := int32(0); i < diff; i++ {
		rs := cleanable[i]
		if rs.Status.Replicas != 0 || depReplicas(rs.Spec.Replicas) != 0 || rs.Generation > rs.Status.ObservedGeneration || rs.DeletionTimestamp != nil {
			continue
		}
		if _, _, err := dc.API.Delete(dc.ctx(), dc.rsK, rs.Namespace, rs.Name, &metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
		dc.narrateCleanup(d, rs)
	}
	return nil
}

// calculateStatus sums the ReplicaSets. unavailableReplicas counts against
// the replicas asked for (spec), and is never negative.
func calculateStatus(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment, now func() metav1.Time) appsv1.DeploymentStatus {
	available := rsAvailableSum(all)
	unavailable := rsSpecSum(all) - available
	if unavailable < 0 {
		unavailable = 0
	}
	s := appsv1.DeploymentStatus{
		ObservedGeneration:  d.Generation,
		Replicas:            rsStatusSum(all),
		UpdatedReplicas:     rsStatusSum([]*appsv1.ReplicaSet{newRS}),
		ReadyReplicas:       rsReadySum(all),
		AvailableReplicas:   available,
		UnavailableReplicas: unavailable,
		TerminatingReplicas: rsTerminatingSum(all),
		CollisionCount:      d.Status.CollisionCount,
	}
	s.Conditions = append(s.Conditions, d.Status.Conditions...)
	t := now().Time
	if available >= depReplicas(d.Spec.Replicas)-maxUnavailableOf(d) {
		setDeploymentCondition(&s, newDeploymentCondition(t, appsv1.DeploymentAvailable, corev1.ConditionTrue, reasonMinAvailable, "Deployment has minimum availability."))
	} else {
		setDeploymentCondition(&s, newDeploymentCondition(t, appsv1.DeploymentAvailable, corev1.ConditionFalse, reasonMinUnavailable, "Deployment does not have minimum availability."))
	}
	return s
}

// syncDeploymentStatus writes the computed status when it changed (no
// progress estimate: the scaling and paused path).
func (dc *Deployments) syncDeploymentStatus(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) error {
	s := calculateStatus(all, newRS, d, dc.metaNow)
	if equal.Semantic(d.Status, s) {
		return nil
	}
	dc.narrateAvailability(d, &s)
	d.Status = s
	return dc.writeStatus(d)
}

func (dc *Deployments) metaNow() metav1.Time { return metav1.NewTime(dc.now()) }
