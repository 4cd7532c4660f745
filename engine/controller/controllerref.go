package controller

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"kubetour/engine/kinds"
)

// controllerRefOf returns the ownerReference marked controller: true, the
// one that says which controller manages the object (metav1.GetControllerOf).
// It points into the object's own references, to read, not to change.
func controllerRefOf(m metav1.Object) *metav1.OwnerReference {
	refs := m.GetOwnerReferences()
	for i := range refs {
		if c := refs[i].Controller; c != nil && *c {
			return &refs[i]
		}
	}
	return nil
}

// newControllerRef is the reference a controller puts on what it makes or
// adopts: controller and blockOwnerDeletion both true, so a foreground
// deletion of the owner waits for the object (metav1.NewControllerRef).
func newControllerRef(owner metav1.Object, gvk schema.GroupVersionKind) metav1.OwnerReference {
	t := true
	return metav1.OwnerReference{APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind, Name: owner.GetName(),
		UID: owner.GetUID(), Controller: &t, BlockOwnerDeletion: &t}
}

// refersTo reports whether an ownerReference names a kind of group g.
func refersTo(r *metav1.OwnerReference, gvk schema.GroupVersionKind) bool {
	gv, err := schema.ParseGroupVersion(r.APIVersion)
	return err == nil && gv.Group == gvk.Group && r.Kind == gvk.Kind
}

// podClaim is what a claim did to one pod, for the narration.
type podClaim struct {
	Pod     *corev1.Pod
	Adopted bool // set our controller reference on an orphan
	// Released: the pod stopped matching and our reference was removed.
	Released bool
}

// podRefManager is PodControllerRefManager.ClaimPods: a controller owns
// the pods whose controller reference names it, adopts matching orphans
// and releases owned pods that no longer match its selector. The adopted
// and released pods are patched through the API, as upstream does, so the
// ownerReferences a student reads with kubectl are the truth.
type podRefManager struct {
	d        *Deps
	owner    metav1.Object
	gvk      schema.GroupVersionKind
	selector labels.Selector
	// canAdopt re-reads the owner before the first adoption: an owner
	// being deleted must not take new pods (RecheckDeletionTimestamp).
	canAdopt func() error
	adoptErr error
	checked  bool
}

// claim returns the pods the owner keeps, and what it changed. pods must
// be the candidates: owned by this owner or by nobody; orphans in a
// repeatable order, since they are adopted in that order.
func (m *podRefManager) claim(pods []*corev1.Pod) ([]*corev1.Pod, []podClaim) {
	var kept, release []*corev1.Pod
	var changes []podClaim
	for _, pod := range pods {
		match := m.selector.Matches(labels.Set(pod.Labels))
		ref := controllerRefOf(pod)
		if ref != nil {
			if ref.UID != m.owner.GetUID() {
				continue // another controller's pod
			}
			if match {
				kept = append(kept, pod)
				continue
			}
			// An owner being deleted keeps its pods as they are: the
			// garbage collector decides their fate.
			if m.owner.GetDeletionTimestamp() != nil {
				continue
			}
			release = append(release, pod)
			continue
		}
		// An orphan: adopt it if it matches, unless either side is going away.
		if !match || m.owner.GetDeletionTimestamp() != nil || pod.DeletionTimestamp != nil {
			continue
		}
		if !m.checked {
			m.checked = true
			if m.canAdopt != nil {
				m.adoptErr = m.canAdopt()
			}
		}
		if m.adoptErr != nil {
			continue
		}
		out, err := m.adopt(pod)
		if err != nil {
			continue
		}
		kept = append(kept, out)
		changes = append(changes, podClaim{Pod: out, Adopted: true})
	}
	// Released in name order: the writes, and so the resourceVersions, are
	// the same on every run.
	rsSortByName(release)
	for _, pod := range release {
		if out, err := m.release(pod); err == nil {
			changes = append(changes, podClaim{Pod: out, Released: true})
		}
	}
	return kept, changes
}

// adopt patches the controller reference onto pod. The pod's uid in the
// patch is a precondition: a pod deleted and re-created under the same
// name meanwhile is left alone.
func (m *podRefManager) adopt(pod *corev1.Pod) (*corev1.Pod, error) {
	ref := newControllerRef(m.owner, m.gvk)
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{
		"ownerReferences": []metav1.OwnerReference{ref}, "uid": pod.UID}})
	obj, err := m.d.API.Patch(m.d.ctx(), kinds.Core("pods"), pod.Namespace, pod.Name, "", types.StrategicMergePatchType, patch, internal)
	if err != nil {
		return nil, err
	}
	return obj.(*corev1.Pod), nil
}

// release removes the owner's reference from pod. A pod already gone or
// whose reference is already gone is fine.
func (m *podRefManager) release(pod *corev1.Pod) (*corev1.Pod, error) {
	out, err := removeOwnerRef(m.d, kinds.Core("pods"), pod.Namespace, pod.Name, pod.UID, m.owner.GetUID())
	if err != nil {
		return nil, err
	}
	return out.(*corev1.Pod), nil
}

// removeOwnerRef deletes the ownerReference with uid owner from an object
// by strategic merge patch ($patch: delete on the uid merge key), as the
// controllers' release and the garbage collector's orphaning do.
func removeOwnerRef(d *Deps, k *kinds.Kind, ns, name string, uid, owner types.UID) (runtime.Object, error) {
	patch := fmt.Sprintf(`{"metadata":{"ownerReferences":[{"$patch":"delete","uid":%q}],"uid":%q}}`, owner, uid)
	return d.API.Patch(d.ctx(), k, ns, name, "", types.StrategicMergePatchType, []byte(patch), internal)
}
