package controller

import (
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/store"
	"kubetour/internal/ko"
)

// Volumes binds PersistentVolumeClaims to PersistentVolumes the way the PV
// controller does for statically provisioned volumes: the smallest
// Available volume with the same storage class, enough capacity, the
// requested access modes and a matching selector. A released volume keeps
// its data (Retain) and is not bound again.
type Volumes struct {
	Deps
	q *Queue
}

// NewVolumes returns the controller.
func NewVolumes(d Deps) *Volumes {
	v := &Volumes{Deps: d}
	v.q = NewQueue(d.Loop, v.sync)
	return v
}

// Observe re-examines binding whenever a claim or a volume changes.
func (v *Volumes) Observe(c store.Change) {
	if is(c, "persistentvolumeclaims") || is(c, "persistentvolumes") {
		v.q.Add("all")
	}
}

func (v *Volumes) sync(string) {
	pvk, pvck := kinds.Core("persistentvolumes"), kinds.Core("persistentvolumeclaims")
	pvObjs, _ := v.Store.List(pvk, store.ListOptions{})
	claims, _ := v.Store.List(pvck, store.ListOptions{})
	claimByUID := map[string]*corev1.PersistentVolumeClaim{}
	for _, o := range claims {
		c := o.(*corev1.PersistentVolumeClaim)
		claimByUID[string(c.UID)] = c
	}
	var pvs []*corev1.PersistentVolume
	for _, o := range pvObjs {
		pv := o.(*corev1.PersistentVolume)
		pvs = append(pvs, pv)
		// A bound volume whose claim is gone is Released (Retain) or deleted (Delete).
		if pv.Spec.ClaimRef != nil && pv.Status.Phase == corev1.VolumeBound {
			if _, ok := claimByUID[string(pv.Spec.ClaimRef.UID)]; !ok {
				if pv.Spec.PersistentVolumeReclaimPolicy == corev1.PersistentVolumeReclaimDelete {
					v.Store.Delete(pvk, "", pv.Name, store.DeleteOptions{})
					continue
				}
				pv.Status.Phase = corev1.VolumeReleased
				v.Store.Update(pvk, pv, store.UpdateOptions{Status: true})
				v.Rec.Record(record.Decision{Source: "persistentvolume-controller", Object: pv, Reason: "VolumeReleased", NoEvent: true,
					EN: fmt.Sprintf("Claim %s/%s was deleted; volume %s keeps its data (reclaim policy Retain) and is Released, not free for a new claim.", pv.Spec.ClaimRef.Namespace, pv.Spec.ClaimRef.Name, pv.Name),
					KO: fmt.Sprintf("클레임 %s/%s 삭제되었습니다. 볼륨 %s 데이터를 그대로 둔 채(Retain) Released 상태가 되며, 새 클레임에 다시 연결되지 않습니다.", pv.Spec.ClaimRef.Namespace, ko.With(pv.Spec.ClaimRef.Name, "이/가"), ko.With(pv.Name, "은/는"))})
			}
		}
		if pv.Status.Phase == "" || pv.Status.Phase == corev1.VolumePending {
			pv.Status.Phase = corev1.VolumeAvailable
			v.Store.Update(pvk, pv, store.UpdateOptions{Status: true})
		}
	}
	for _, o := range claims {
		c := o.(*corev1.PersistentVolumeClaim)
		if c.Status.Phase == corev1.ClaimBound || c.DeletionTimestamp != nil {
			continue
		}
		pv := bestVolume(c, pvs)
		if pv == nil {
			if c.Status.Phase != corev1.ClaimPending {
				c.Status.Phase = corev1.ClaimPending
				v.Store.Update(pvck, c, store.UpdateOptions{Status: true})
			}
			msg := "no persistent volumes available for this claim and no storage class is set"
			if sc := className(c); sc != "" {
				msg = fmt.Sprintf("storageclass.storage.k8s.io %q not found", sc)
			}
			v.Rec.Record(record.Decision{Source: "persistentvolume-controller", Object: c, Type: corev1.EventTypeWarning,
				Reason: "FailedBinding", Message: msg,
				EN: fmt.Sprintf("Claim %s stays Pending: no Available volume has its storage class, enough capacity and its access modes.", c.Name),
				KO: fmt.Sprintf("클레임 %s Pending으로 남습니다. 스토리지 클래스, 용량, 접근 모드가 맞는 Available 볼륨이 없습니다.", ko.With(c.Name, "은/는"))})
			continue
		}
		v.bind(c, pv)
	}
}

func className(c *corev1.PersistentVolumeClaim) string {
	if c.Spec.StorageClassName != nil {
		return *c.Spec.StorageClassName
	}
	return ""
}

func bestVolume(c *corev1.PersistentVolumeClaim, pvs []*corev1.PersistentVolume) *corev1.PersistentVolume {
	want := c.Spec.Resources.Requests[corev1.ResourceStorage]
	var sel func(map[string]string) bool
	if c.Spec.Selector != nil {
		s, err := metav1.LabelSelectorAsSelector(c.Spec.Selector)
		if err != nil {
			return nil
		}
		sel = func(l map[string]string) bool { return s.Matches(labelSet(l)) }
	}
	var fits []*corev1.PersistentVolume
	for _, pv := range pvs {
		if pv.Status.Phase != corev1.VolumeAvailable || pv.Spec.ClaimRef != nil && pv.Spec.ClaimRef.UID != c.UID {
			continue
		}
		if c.Spec.VolumeName != "" && c.Spec.VolumeName != pv.Name {
			continue
		}
		if pv.Spec.StorageClassName != className(c) {
			continue
		}
		capq := pv.Spec.Capacity[corev1.ResourceStorage]
		if capq.Cmp(want) < 0 {
			continue
		}
		if !hasModes(pv.Spec.AccessModes, c.Spec.AccessModes) {
			continue
		}
		if sel != nil && !sel(pv.Labels) {
			continue
		}
		fits = append(fits, pv)
	}
	sort.Slice(fits, func(i, j int) bool {
		a, b := fits[i].Spec.Capacity[corev1.ResourceStorage], fits[j].Spec.Capacity[corev1.ResourceStorage]
		if c := a.Cmp(b); c != 0 {
			return c < 0
		}
		return fits[i].Name < fits[j].Name
	})
	if len(fits) == 0 {
		return nil
	}
	return fits[0]
}

func hasModes(have, want []corev1.PersistentVolumeAccessMode) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

func (v *Volumes) bind(c *corev1.PersistentVolumeClaim, pv *corev1.PersistentVolume) {
	pvk, pvck := kinds.Core("persistentvolumes"), kinds.Core("persistentvolumeclaims")
	pv.Spec.ClaimRef = &corev1.ObjectReference{Kind: "PersistentVolumeClaim", Namespace: c.Namespace, Name: c.Name, UID: c.UID,
		APIVersion: "v1", ResourceVersion: c.ResourceVersion}
	if pv.Annotations == nil {
		pv.Annotations = map[string]string{}
	}
	pv.Annotations["pv.kubernetes.io/bound-by-controller"] = "yes"
	out, err := v.Store.Update(pvk, pv, store.UpdateOptions{KeepStatus: true})
	if err != nil {
		return
	}
	pv = out.(*corev1.PersistentVolume)
	pv.Status.Phase = corev1.VolumeBound
	v.Store.Update(pvk, pv, store.UpdateOptions{Status: true})

	c.Spec.VolumeName = pv.Name
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations["pv.kubernetes.io/bind-completed"] = "yes"
	c.Annotations["pv.kubernetes.io/bound-by-controller"] = "yes"
	out, err = v.Store.Update(pvck, c, store.UpdateOptions{KeepStatus: true})
	if err != nil {
		return
	}
	c = out.(*corev1.PersistentVolumeClaim)
	c.Status.Phase = corev1.ClaimBound
	c.Status.AccessModes = pv.Spec.AccessModes
	c.Status.Capacity = corev1.ResourceList{corev1.ResourceStorage: pv.Spec.Capacity[corev1.ResourceStorage]}
	v.Store.Update(pvck, c, store.UpdateOptions{Status: true})
	want := c.Spec.Resources.Requests[corev1.ResourceStorage]
	have := pv.Spec.Capacity[corev1.ResourceStorage]
	v.Rec.Record(record.Decision{Source: "persistentvolume-controller", Object: c, Reason: "Bound", NoEvent: true,
		Related: []eventsRef{record.RefOf(pv)},
		EN:      fmt.Sprintf("Claim %s (asks %s) is bound to volume %s (%s): the smallest Available volume that fits.", c.Name, want.String(), pv.Name, have.String()),
		KO:      fmt.Sprintf("클레임 %s(요청 %s)%s 볼륨 %s(%s)에 연결되었습니다. 조건에 맞는 Available 볼륨 중 가장 작은 것입니다.", c.Name, want.String(), ko.Particle(c.Name, "이/가"), pv.Name, have.String())})
}
