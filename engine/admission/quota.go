package admission

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// The ResourceQuota plugin (k8s.io/apiserver/pkg/admission/plugin/
// resourcequota, CheckRequest). Usage comes from the Lister rather than from
// status.used: that is what status.used converges to, and it spares the
// engine the admission-time reservation bookkeeping.

func resourceQuotaAdmit(a *Attributes, l Lister) error {
	if a.Object == nil {
		return nil
	}
	gk := groupKindOf(a.Object)
	ev := evaluatorFor(a.Resource, gk.Group)
	if !ev.handles(a) {
		return nil
	}
	objs, err := l.List("resourcequotas", a.Namespace)
	if err != nil || len(objs) == 0 {
		return nil
	}
	var quotas []*corev1.ResourceQuota
	for _, o := range objs {
		if q, ok := o.(*corev1.ResourceQuota); ok {
			quotas = append(quotas, q)
		}
	}
	// Upstream walks its informer's order, which varies between runs when
	// several quotas would refuse; oldest-first makes the answer stable.
	sort.SliceStable(quotas, func(i, j int) bool { return olderFirst(quotas[i], quotas[j]) })

	var interesting []*corev1.ResourceQuota
	for _, q := range quotas {
		if !quotaMatches(ev, q, a.Object) {
			continue
		}
		if ev.constraints != nil {
			if err := ev.constraints(ev.matching(hardNames(q)), a.Object); err != nil {
				return a.forbidden(fmt.Errorf("failed quota: %s: %v", q.Name, err))
			}
		}
		interesting = append(interesting, q)
	}

	delta := ev.usage(a.Object)
	for _, n := range sortedResourceNames(delta) {
		if v := delta[n]; v.Sign() < 0 {
			return a.forbidden(fmt.Errorf("quota usage is negative for resource(s): %s", n))
		}
	}
	if a.Op == Update && a.OldObject != nil {
		prev := ev.usage(a.OldObject)
		for n, v := range delta {
			if p, ok := prev[n]; ok {
				v.Sub(p)
				if v.Sign() < 0 {
					v = zero()
				}
				delta[n] = v
			}
		}
	}
	if isZeroList(delta) || len(interesting) == 0 {
		return nil
	}
	for _, q := range interesting {
		hard := q.Spec.Hard
		used := QuotaUsage(q, l)
		requested := maskList(delta, sortedResourceNames(hard))
		newUsage := corev1.ResourceList{}
		for n, v := range used {
			newUsage[n] = v.DeepCopy()
		}
		addResourceList(newUsage, requested)
		masked := maskList(newUsage, sortedResourceNames(requested))
		var exceeded []corev1.ResourceName
		for _, n := range sortedResourceNames(hard) {
			if v, ok := masked[n]; ok && v.Cmp(hard[n]) > 0 {
				exceeded = append(exceeded, n)
			}
		}
		if len(exceeded) > 0 {
			return a.forbidden(fmt.Errorf("exceeded quota: %s, requested: %s, used: %s, limited: %s",
				q.Name, prettyPrint(maskList(requested, exceeded)), prettyPrint(maskList(used, exceeded)), prettyPrint(maskList(hard, exceeded))))
		}
	}
	return nil
}

func maskList(l corev1.ResourceList, names []corev1.ResourceName) corev1.ResourceList {
	out := corev1.ResourceList{}
	for _, n := range names {
		if v, ok := l[n]; ok {
			out[n] = v.DeepCopy()
		}
	}
	return out
}

func isZeroList(l corev1.ResourceList) bool {
	for _, v := range l {
		if !v.IsZero() {
			return false
		}
	}
	return true
}

// prettyPrint is `name=value` pairs sorted by name and joined by ",".
func prettyPrint(l corev1.ResourceList) string {
	parts := make([]string, 0, len(l))
	for _, n := range sortedResourceNames(l) {
		v := l[n]
		parts = append(parts, string(n)+"="+v.String())
	}
	return strings.Join(parts, ",")
}
