package controller

import (
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// rollback.go: the server-side rollback of the old extensions/v1beta1
// spec.rollbackTo, which apps/v1 still carries as the annotation
// deprecated.deployment.rollback.to. `kubectl rollout undo` does not use
// it (kubectl patches the template itself), but a Deployment written with
// the annotation is rolled back here, as on a real cluster.

// rollbackRevision returns the revision the annotation asks for, or nil.
func rollbackRevision(d *appsv1.Deployment) *int64 {
	v := d.Annotations[appsv1.DeprecatedRollbackTo]
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil
	}
	return &n
}

func (dc *Deployments) rollback(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	newRS, old, err := dc.getAllReplicaSetsAndSyncRevision(d, rsList, true)
	if err != nil {
		return err
	}
	all := append(append([]*appsv1.ReplicaSet{}, old...), newRS)
	to := *rollbackRevision(d)
	if to == 0 {
		if to = lastRevision(all); to == 0 {
			dc.narrateRollback(d, corev1.EventTypeWarning, reasonRollbackNotFound, "Unable to find last revision.", 0)
			return dc.clearRollbackTo(d)
		}
	}
	for _, rs := range all {
		if rs == nil {
			continue
		}
		if v, err := revisionOf(rs); err != nil || v != to {
			continue
		}
		done, err := dc.rollbackToTemplate(d, rs)
		if done && err == nil {
			dc.narrateRollback(d, corev1.EventTypeNormal, reasonRollbackDone, fmt.Sprintf("Rolled back deployment %q to revision %d", d.Name, to), to)
		}
		return err
	}
	dc.narrateRollback(d, corev1.EventTypeWarning, reasonRollbackNotFound, "Unable to find the revision to rollback to.", to)
	return dc.clearRollbackTo(d)
}

// rollbackToTemplate copies the old ReplicaSet's template (without its hash
// label) and its annotations back onto the Deployment, so the change-cause
// of the revision comes back with it.
func (dc *Deployments) rollbackToTemplate(d *appsv1.Deployment, rs *appsv1.ReplicaSet) (bool, error) {
	done := false
	if !equalIgnoreHash(&d.Spec.Template, &rs.Spec.Template) {
		d.Spec.Template.ObjectMeta = *rs.Spec.Template.ObjectMeta.DeepCopy()
		d.Spec.Template.Spec = *rs.Spec.Template.Spec.DeepCopy()
		delete(d.Spec.Template.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
		kept := map[string]string{}
		for k, v := range d.Annotations {
			if skipCopyAnnotation(k) {
				kept[k] = v
			}
		}
		for k, v := range rs.Annotations {
			if !skipCopyAnnotation(k) {
				kept[k] = v
			}
		}
		d.Annotations = kept
		done = true
	} else {
		dc.narrateRollback(d, corev1.EventTypeWarning, reasonRollbackTemplateSame,
			fmt.Sprintf("The rollback revision contains the same template as current deployment %q", d.Name), 0)
	}
	return done, dc.clearRollbackTo(d)
}

// clearRollbackTo drops the annotation with a normal update, which also
// carries a rolled-back template.
func (dc *Deployments) clearRollbackTo(d *appsv1.Deployment) error {
	delete(d.Annotations, appsv1.DeprecatedRollbackTo)
	_, err := dc.API.Update(dc.ctx(), dc.depK, d.Namespace, d.Name, "", d, internal)
	return err
}
