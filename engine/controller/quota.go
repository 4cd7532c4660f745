package controller

import (
	corev1 "k8s.io/api/core/v1"

	"kubetour/engine/admission"
	"kubetour/engine/equal"
	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// Quota keeps each ResourceQuota's status (hard and used) current, as the
// resource quota controller does; `kubectl describe quota` reads it.
type Quota struct {
	Deps
	q *Queue
}

// NewQuota returns the controller.
func NewQuota(d Deps) *Quota {
	c := &Quota{Deps: d}
	c.q = NewQueue(d.Loop, c.sync)
	return c
}

var quotaTracked = map[string]bool{"pods": true, "services": true, "configmaps": true, "secrets": true,
	"persistentvolumeclaims": true, "replicationcontrollers": true, "resourcequotas": true}

// Observe re-counts the quotas of a namespace whose tracked objects changed.
func (c *Quota) Observe(ch store.Change) {
	if ch.Kind.GVK.Group != "" || !quotaTracked[ch.Kind.Plural] {
		return
	}
	ns, _ := nsName(ch.Object)
	c.q.Add(ns)
}

func (c *Quota) sync(ns string) {
	rk := kinds.Core("resourcequotas")
	quotas, _ := c.Store.List(rk, store.ListOptions{Namespace: ns})
	for _, o := range quotas {
		q := o.(*corev1.ResourceQuota)
		used := admission.QuotaUsage(q, c.API.Lister())
		if equal.Semantic(q.Status.Hard, q.Spec.Hard) && equal.Semantic(q.Status.Used, used) {
			continue
		}
		q.Status.Hard = q.Spec.Hard
		q.Status.Used = used
		c.Store.Update(rk, q, store.UpdateOptions{Status: true})
	}
}
