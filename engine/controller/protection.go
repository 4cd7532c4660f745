package controller

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/store"
	"kubetour/internal/ko"
)

const (
	pvcProtection = "kubernetes.io/pvc-protection"
	pvProtection  = "kubernetes.io/pv-protection"
)

// Protection removes the storage-protection finalizers once it is safe,
// as the pvc-protection and pv-protection controllers do: a claim being
// deleted stays (Terminating) while a pod still uses it, and a volume
// stays while a claim is bound to it.
type Protection struct {
	Deps
	q *Queue
}

func init() { Register("protection", func(d Deps) Controller { return NewProtection(d) }) }

// NewProtection returns the controller.
func NewProtection(d Deps) *Protection {
	p := &Protection{Deps: d}
	p.q = NewQueue(d.Loop, p.sync)
	return p
}

// Observe looks again whenever a claim, a volume or a pod changes.
func (p *Protection) Observe(c store.Change) {
	switch {
	case is(c, "persistentvolumeclaims"), is(c, "persistentvolumes"):
		p.q.Add("all")
	case is(c, "pods"):
		if c.Type == "DELETED" || c.Object.(*corev1.Pod).Status.Phase == corev1.PodSucceeded || c.Object.(*corev1.Pod).Status.Phase == corev1.PodFailed {
			p.q.Add("all")
		}
	}
}

func (p *Protection) sync(string) {
	pvck, pvk := kinds.Core("persistentvolumeclaims"), kinds.Core("persistentvolumes")
	claims, _ := p.Store.List(pvck, store.ListOptions{})
	for _, o := range claims {
		c := o.(*corev1.PersistentVolumeClaim)
		if c.DeletionTimestamp == nil || !contains(c.Finalizers, pvcProtection) {
			continue
		}
		if user := p.podUsing(c); user != "" {
			p.Rec.Record(record.Decision{Source: "pvc-protection-controller", Object: c, Reason: "ClaimInUse", NoEvent: true,
				EN: fmt.Sprintf("Claim %s is being deleted but pod %s still uses it, so it stays Terminating until that pod is gone.", c.Name, user),
				KO: fmt.Sprintf("클레임 %s 삭제하는 중이지만 파드 %s 아직 사용하고 있어, 그 파드가 없어질 때까지 Terminating 상태로 남습니다.", ko.With(c.Name, "을/를"), ko.With(user, "이/가"))})
			continue
		}
		c.Finalizers = without(c.Finalizers, pvcProtection)
		p.Store.Update(pvck, c, store.UpdateOptions{KeepStatus: true})
	}
	vols, _ := p.Store.List(pvk, store.ListOptions{})
	for _, o := range vols {
		v := o.(*corev1.PersistentVolume)
		if v.DeletionTimestamp == nil || !contains(v.Finalizers, pvProtection) || v.Status.Phase == corev1.VolumeBound {
			continue
		}
		v.Finalizers = without(v.Finalizers, pvProtection)
		p.Store.Update(pvk, v, store.UpdateOptions{KeepStatus: true})
	}
}

// podUsing names a pod that still uses the claim, or "".
func (p *Protection) podUsing(c *corev1.PersistentVolumeClaim) string {
	pods, _ := p.Store.List(kinds.Core("pods"), store.ListOptions{Namespace: c.Namespace})
	for _, o := range pods {
		pod := o.(*corev1.Pod)
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			continue
		}
		for _, v := range pod.Spec.Volumes {
			if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == c.Name {
				return pod.Name
			}
		}
	}
	return ""
}

func without(xs []string, x string) []string {
	var out []string
	for _, v := range xs {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}
