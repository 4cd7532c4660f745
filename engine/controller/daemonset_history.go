package controller

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"sort"

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

// A DaemonSet's history is a ControllerRevision per template it has had
// (upstream's constructHistory, snapshot, dedupCurHistories and
// cleanupHistory). The current one's hash labels the pods
// (controller-revision-hash); `kubectl rollout history ds/x` lists them and
// `kubectl rollout undo` patches the template back from one.

// revisions are the ControllerRevisions the DaemonSet controls, adopting
// orphans that match its selector.
func (c *DaemonSets) revisions(ds *appsv1.DaemonSet) []*appsv1.ControllerRevision {
	sel, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector)
	if err != nil {
		return nil
	}
	objs, _ := c.Store.List(crKind(), store.ListOptions{Namespace: ds.Namespace})
	var out []*appsv1.ControllerRevision
	t := true
	for _, o := range objs {
		cr := o.(*appsv1.ControllerRevision)
		ref := metav1.GetControllerOf(cr)
		switch {
		case ref != nil && ref.UID == ds.UID:
			out = append(out, cr)
		case ref == nil && cr.DeletionTimestamp == nil && sel.Matches(labels.Set(cr.Labels)):
			cr.OwnerReferences = append(cr.OwnerReferences, metav1.OwnerReference{APIVersion: "apps/v1", Kind: "DaemonSet",
				Name: ds.Name, UID: ds.UID, Controller: &t, BlockOwnerDeletion: &t})
			if upd, err := c.API.Update(c.ctx(), crKind(), cr.Namespace, cr.Name, "", cr, internal); err == nil {
				out = append(out, upd.(*appsv1.ControllerRevision))
			}
		}
	}
	return out
}

// constructHistory returns the current revision (creating it for a new
// template, or renumbering it when the template went back to an old one,
// as `rollout undo` does) and the others.
func (c *DaemonSets) constructHistory(ds *appsv1.DaemonSet) (*appsv1.ControllerRevision, []*appsv1.ControllerRevision, error) {
	patch, err := dsRevisionPatch(ds)
	if err != nil {
		return nil, nil, err
	}
	var current, old []*appsv1.ControllerRevision
	for _, cr := range c.revisions(ds) {
		// A revision without the hash label gets its name as the hash.
		if _, ok := cr.Labels[appsv1.DefaultDaemonSetUniqueLabelKey]; !ok {
			cr.Labels = dsCloneLabels(cr.Labels, appsv1.DefaultDaemonSetUniqueLabelKey, cr.Name)
			if upd, err := c.API.Update(c.ctx(), crKind(), cr.Namespace, cr.Name, "", cr, internal); err == nil {
				cr = upd.(*appsv1.ControllerRevision)
			}
		}
		if bytes.Equal(cr.Data.Raw, patch) {
			current = append(current, cr)
		} else {
			old = append(old, cr)
		}
	}
	next := int64(1)
	for _, cr := range old {
		if cr.Revision >= next {
			next = cr.Revision + 1
		}
	}
	if len(current) == 0 {
		cur, err := c.snapshot(ds, patch, next)
		return cur, old, err
	}
	cur := c.dedup(ds, current)
	if cur.Revision < next {
		cur.Revision = next
		if upd, err := c.API.Update(c.ctx(), crKind(), cur.Namespace, cur.Name, "", cur, internal); err == nil {
			cur = upd.(*appsv1.ControllerRevision)
		}
	}
	return cur, old, nil
}

// snapshot creates the revision of the DaemonSet's current template,
// named <ds>-<hash>. A name taken by a different revision is a hash
// collision: status.collisionCount goes up and the next sync hashes again.
func (c *DaemonSets) snapshot(ds *appsv1.DaemonSet, patch []byte, revision int64) (*appsv1.ControllerRevision, error) {
	hash := dsTemplateHash(&ds.Spec.Template, ds.Status.CollisionCount)
	name := ds.Name + "-" + hash
	t := true
	cr := &appsv1.ControllerRevision{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: ds.Namespace,
			Labels:      dsCloneLabels(ds.Spec.Template.Labels, appsv1.DefaultDaemonSetUniqueLabelKey, hash),
			Annotations: ds.Annotations,
			// A uid of our own, not drawn from the API's seeded source, so
			// that keeping history does not shift the generated names of
			// everything a script creates afterwards.
			UID: dsRevisionUID(ds.UID, name),
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: ds.Name, UID: ds.UID,
				Controller: &t, BlockOwnerDeletion: &t}},
		},
		Data:     runtime.RawExtension{Raw: patch},
		Revision: revision,
	}
	out, err := c.API.Create(c.ctx(), crKind(), ds.Namespace, cr, internal)
	if err == nil {
		created := out.(*appsv1.ControllerRevision)
		c.Rec.Record(record.Decision{Source: dsSource, Object: ds, Reason: "RevisionCreated", NoEvent: true,
			EN:      fmt.Sprintf("DaemonSet %s has a new pod template, recorded as revision %d (ControllerRevision %s); its pods carry controller-revision-hash=%s.", ds.Name, revision, name, hash),
			KO:      fmt.Sprintf("%s 데몬셋의 파드 템플릿이 새로 정해져 리비전 %d(ControllerRevision %s)%s 기록했습니다. 이 템플릿으로 만든 파드에는 controller-revision-hash=%s 레이블이 붙습니다.", ds.Name, revision, name, ko.Particle(fmt.Sprint(revision), "으로/로"), hash),
			Related: []eventsRef{record.RefOf(created)}})
		return created, nil
	}
	if !apierrors.IsAlreadyExists(err) {
		return nil, err
	}
	obj, getErr := c.Store.Get(crKind(), ds.Namespace, name)
	if getErr != nil {
		return nil, getErr
	}
	existing := obj.(*appsv1.ControllerRevision)
	if ref := metav1.GetControllerOf(existing); ref != nil && ref.UID == ds.UID && bytes.Equal(existing.Data.Raw, patch) {
		return existing, nil
	}
	fresh, getErr := c.Store.Get(dsKind(), ds.Namespace, ds.Name)
	if getErr != nil {
		return nil, getErr
	}
	cur := fresh.(*appsv1.DaemonSet)
	if !equal.Semantic(cur.Status.CollisionCount, ds.Status.CollisionCount) {
		return nil, fmt.Errorf("found a stale collision count of DaemonSet %q; will retry until it is updated", ds.Name)
	}
	n := int32(0)
	if cur.Status.CollisionCount != nil {
		n = *cur.Status.CollisionCount
	}
	n++
	cur.Status.CollisionCount = &n
	c.API.Update(c.ctx(), dsKind(), cur.Namespace, cur.Name, "status", cur, internal)
	return nil, err
}

func dsRevisionUID(owner types.UID, name string) types.UID {
	b := sha256.Sum256([]byte("controllerrevision/" + string(owner) + "/" + name))
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return types.UID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// dedup keeps the highest revision among equal ones, relabels the pods of
// the others to its hash and deletes them.
func (c *DaemonSets) dedup(ds *appsv1.DaemonSet, current []*appsv1.ControllerRevision) *appsv1.ControllerRevision {
	if len(current) == 1 {
		return current[0]
	}
	keep := current[0]
	for _, cr := range current[1:] {
		if cr.Revision > keep.Revision {
			keep = cr
		}
	}
	keepHash := keep.Labels[appsv1.DefaultDaemonSetUniqueLabelKey]
	for _, cr := range current {
		if cr == keep {
			continue
		}
		c.relabel(ds, cr.Labels[appsv1.DefaultDaemonSetUniqueLabelKey], keepHash)
		c.API.Delete(c.ctx(), crKind(), ds.Namespace, cr.Name, nil)
	}
	return keep
}

// relabel moves the DaemonSet's pods from one revision hash to another.
func (c *DaemonSets) relabel(ds *appsv1.DaemonSet, from, to string) {
	pk := kinds.Core("pods")
	pods, _ := c.Store.List(pk, store.ListOptions{Namespace: ds.Namespace,
		Labels: labels.SelectorFromSet(labels.Set{appsv1.DefaultDaemonSetUniqueLabelKey: from})})
	for _, o := range pods {
		pod := o.(*corev1.Pod)
		if ref := metav1.GetControllerOf(pod); ref == nil || ref.UID != ds.UID {
			continue
		}
		pod.Labels = dsCloneLabels(pod.Labels, appsv1.DefaultDaemonSetUniqueLabelKey, to)
		c.API.Update(c.ctx(), pk, pod.Namespace, pod.Name, "", pod, internal)
	}
}

// cleanupHistory deletes the oldest revisions beyond revisionHistoryLimit
// that no live pod still runs.
func (c *DaemonSets) cleanupHistory(ds *appsv1.DaemonSet, sel labels.Selector, old []*appsv1.ControllerRevision) {
	limit := 10
	if ds.Spec.RevisionHistoryLimit != nil {
		limit = int(*ds.Spec.RevisionHistoryLimit)
	}
	toKill := len(old) - limit
	if toKill <= 0 {
		return
	}
	live := map[string]bool{}
	objs, _ := c.Store.List(kinds.Core("pods"), store.ListOptions{Namespace: ds.Namespace, Labels: sel})
	for _, o := range objs {
		pod := o.(*corev1.Pod)
		if ref := metav1.GetControllerOf(pod); ref == nil || ref.UID != ds.UID {
			continue
		}
		if h := pod.Labels[appsv1.DefaultDaemonSetUniqueLabelKey]; h != "" {
			live[h] = true
		}
	}
	sort.Slice(old, func(i, j int) bool { return old[i].Revision < old[j].Revision })
	for _, cr := range old {
		if toKill <= 0 {
			break
		}
		if live[cr.Labels[appsv1.DefaultDaemonSetUniqueLabelKey]] {
			continue
		}
		c.API.Delete(c.ctx(), crKind(), ds.Namespace, cr.Name, nil)
		toKill--
	}
}
