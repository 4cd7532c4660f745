package admission

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
)

// The LimitRanger plugin (plugin/pkg/admission/limitranger). It mutates a
// new pod with the Container defaults of every LimitRange in the
// namespace, then checks min/max/maxLimitRequestRatio for containers,
// whole pods and PVC storage. The first LimitRange that refuses wins and
// all its findings are reported together, bracketed when there are several.

const limitRangerAnnotation = "kubernetes.io/limit-ranger"

// limitRanges returns the namespace's LimitRanges oldest first. Upstream
// reads them from an informer in no defined order, which only matters when
// several LimitRanges fight over defaults; a fixed order keeps the
// simulator reproducible, and oldest-first is what students usually see.
func limitRanges(a *Attributes, l Lister) ([]*corev1.LimitRange, error) {
	objs, err := l.List("limitranges", a.Namespace)
	if err != nil {
		return nil, a.forbidden(fmt.Errorf("unable to %s %v at this time because there was an error enforcing limit ranges", a.Op, a.groupResource()))
	}
	var out []*corev1.LimitRange
	for _, o := range objs {
		if lr, ok := o.(*corev1.LimitRange); ok {
			out = append(out, lr)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return olderFirst(out[i], out[j]) })
	return out, nil
}

// limitRangerApplies is SupportsAttributes: new pods, and PVC writes.
// Pod updates are skipped because containers cannot change anyway.
func limitRangerApplies(a *Attributes) bool {
	if a.Subresource != "" {
		return false
	}
	if oldMeta := objectMeta(a.OldObject); oldMeta != nil && oldMeta.GetDeletionTimestamp() != nil {
		return false
	}
	switch a.Object.(type) {
	case *corev1.Pod:
		return a.Op == Create
	case *corev1.PersistentVolumeClaim:
		return a.Op == Create || a.Op == Update
	}
	return false
}

func limitRangerMutate(a *Attributes, l Lister) error {
	pod, ok := a.Object.(*corev1.Pod)
	if !ok || !limitRangerApplies(a) {
		return nil
	}
	lrs, err := limitRanges(a, l)
	if err != nil {
		return err
	}
	for _, lr := range lrs {
		mergePodDefaults(pod, lr)
	}
	return nil
}

func limitRangerValidate(a *Attributes, l Lister) error {
	if !limitRangerApplies(a) {
		return nil
	}
	lrs, err := limitRanges(a, l)
	if err != nil {
		return err
	}
	for _, lr := range lrs {
		var errs []error
		switch o := a.Object.(type) {
		case *corev1.Pod:
			errs = validatePodLimits(lr, o)
		case *corev1.PersistentVolumeClaim:
			errs = validatePVCLimits(lr, o)
		}
		if len(errs) > 0 {
			return a.forbidden(utilerrors.NewAggregate(errs))
		}
	}
	return nil
}

// mergePodDefaults fills missing limits from `default` and missing
// requests from `defaultRequest` and records what it did in the
// kubernetes.io/limit-ranger annotation.
func mergePodDefaults(pod *corev1.Pod, lr *corev1.LimitRange) {
	defLimits, defRequests := corev1.ResourceList{}, corev1.ResourceList{}
	for _, item := range lr.Spec.Limits {
		if item.Type != corev1.LimitTypeContainer {
			continue
		}
		for k, v := range item.DefaultRequest {
			defRequests[k] = v.DeepCopy()
		}
		for k, v := range item.Default {
			defLimits[k] = v.DeepCopy()
		}
	}
	var notes []string
	merge := func(c *corev1.Container, kind string) {
		if c.Resources.Limits == nil {
			c.Resources.Limits = corev1.ResourceList{}
		}
		if c.Resources.Requests == nil {
			c.Resources.Requests = corev1.ResourceList{}
		}
		var setLimits, setRequests []string
		for _, k := range sortedResourceNames(defLimits) {
			if _, ok := c.Resources.Limits[k]; !ok {
				c.Resources.Limits[k] = defLimits[k].DeepCopy()
				setLimits = append(setLimits, string(k))
			}
		}
		for _, k := range sortedResourceNames(defRequests) {
			if _, ok := c.Resources.Requests[k]; !ok {
				c.Resources.Requests[k] = defRequests[k].DeepCopy()
				setRequests = append(setRequests, string(k))
			}
		}
		if len(setRequests) > 0 {
			notes = append(notes, strings.Join(setRequests, ", ")+" request for "+kind+" "+c.Name)
		}
		if len(setLimits) > 0 {
			notes = append(notes, strings.Join(setLimits, ", ")+" limit for "+kind+" "+c.Name)
		}
	}
	for i := range pod.Spec.Containers {
		merge(&pod.Spec.Containers[i], "container")
	}
	for i := range pod.Spec.InitContainers {
		merge(&pod.Spec.InitContainers[i], "init container")
	}
	if len(notes) > 0 {
		if pod.Annotations == nil {
			pod.Annotations = map[string]string{}
		}
		pod.Annotations[limitRangerAnnotation] = "LimitRanger plugin set: " + strings.Join(notes, "; ")
	}
}

func validatePodLimits(lr *corev1.LimitRange, pod *corev1.Pod) []error {
	var errs []error
	for _, item := range lr.Spec.Limits {
		t := string(item.Type)
		check := func(req, lim corev1.ResourceList) {
			for _, k := range sortedResourceNames(item.Min) {
				if err := minConstraint(t, string(k), item.Min[k], req, lim); err != nil {
					errs = append(errs, err)
				}
			}
			for _, k := range sortedResourceNames(item.Max) {
				if err := maxConstraint(t, string(k), item.Max[k], req, lim); err != nil {
					errs = append(errs, err)
				}
			}
			for _, k := range sortedResourceNames(item.MaxLimitRequestRatio) {
				if err := ratioConstraint(t, string(k), item.MaxLimitRequestRatio[k], req, lim); err != nil {
					errs = append(errs, err)
				}
			}
		}
		switch item.Type {
		case corev1.LimitTypeContainer:
			for i := range pod.Spec.Containers {
				c := &pod.Spec.Containers[i]
				check(c.Resources.Requests, c.Resources.Limits)
			}
			for i := range pod.Spec.InitContainers {
				c := &pod.Spec.InitContainers[i]
				check(c.Resources.Requests, c.Resources.Limits)
			}
		case corev1.LimitTypePod:
			// The Pod item sees the pod's effective totals, without overhead.
			check(podRequests(pod, false), podLimits(pod, false))
		}
	}
	return errs
}

func validatePVCLimits(lr *corev1.LimitRange, pvc *corev1.PersistentVolumeClaim) []error {
	var errs []error
	for _, item := range lr.Spec.Limits {
		if item.Type != corev1.LimitTypePersistentVolumeClaim {
			continue
		}
		t := string(item.Type)
		for _, k := range sortedResourceNames(item.Min) {
			if err := minConstraint(t, string(k), item.Min[k], pvc.Spec.Resources.Requests, corev1.ResourceList{}); err != nil {
				errs = append(errs, err)
			}
		}
		for _, k := range sortedResourceNames(item.Max) {
			if err := maxRequestConstraint(t, string(k), item.Max[k], pvc.Spec.Resources.Requests); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}

// atCommonScale returns the three values at milli precision when that cannot
// overflow, as requestLimitEnforcedValues does.
func atCommonScale(req, lim, enforced resource.Quantity) (int64, int64, int64) {
	r, l, e := req.Value(), lim.Value(), enforced.Value()
	if r <= resource.MaxMilliValue && l <= resource.MaxMilliValue && e <= resource.MaxMilliValue {
		return req.MilliValue(), lim.MilliValue(), enforced.MilliValue()
	}
	return r, l, e
}

// The messages below keep upstream's wording, double spaces included.

func minConstraint(limitType, name string, enforced resource.Quantity, request, limit corev1.ResourceList) error {
	req, hasReq := request[corev1.ResourceName(name)]
	lim, hasLim := limit[corev1.ResourceName(name)]
	r, l, e := atCommonScale(req, lim, enforced)
	if !hasReq {
		return fmt.Errorf("minimum %s usage per %s is %s.  No request is specified", name, limitType, enforced.String())
	}
	if r < e {
		return fmt.Errorf("minimum %s usage per %s is %s, but request is %s", name, limitType, enforced.String(), req.String())
	}
	if hasLim && l < e {
		return fmt.Errorf("minimum %s usage per %s is %s, but limit is %s", name, limitType, enforced.String(), lim.String())
	}
	return nil
}

func maxRequestConstraint(limitType, name string, enforced resource.Quantity, request corev1.ResourceList) error {
	req, hasReq := request[corev1.ResourceName(name)]
	r, _, e := atCommonScale(req, resource.Quantity{}, enforced)
	if !hasReq {
		return fmt.Errorf("maximum %s usage per %s is %s.  No request is specified", name, limitType, enforced.String())
	}
	if r > e {
		return fmt.Errorf("maximum %s usage per %s is %s, but request is %s", name, limitType, enforced.String(), req.String())
	}
	return nil
}

func maxConstraint(limitType, name string, enforced resource.Quantity, request, limit corev1.ResourceList) error {
	req, hasReq := request[corev1.ResourceName(name)]
	lim, hasLim := limit[corev1.ResourceName(name)]
	r, l, e := atCommonScale(req, lim, enforced)
	if !hasLim {
		return fmt.Errorf("maximum %s usage per %s is %s.  No limit is specified", name, limitType, enforced.String())
	}
	if l > e {
		return fmt.Errorf("maximum %s usage per %s is %s, but limit is %s", name, limitType, enforced.String(), lim.String())
	}
	if hasReq && r > e {
		return fmt.Errorf("maximum %s usage per %s is %s, but request is %s", name, limitType, enforced.String(), req.String())
	}
	return nil
}

func ratioConstraint(limitType, name string, enforced resource.Quantity, request, limit corev1.ResourceList) error {
	req, hasReq := request[corev1.ResourceName(name)]
	lim, hasLim := limit[corev1.ResourceName(name)]
	r, l, _ := atCommonScale(req, lim, enforced)
	if !hasReq || r == 0 {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but no request is specified or request is 0", name, limitType, enforced.String())
	}
	if !hasLim || l == 0 {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but no limit is specified or limit is 0", name, limitType, enforced.String())
	}
	observed := float64(l) / float64(r)
	display := observed
	max := float64(enforced.Value())
	if enforced.Value() <= resource.MaxMilliValue {
		observed *= 1000
		max = float64(enforced.MilliValue())
	}
	if observed > max {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but provided ratio is %f", name, limitType, enforced.String(), display)
	}
	return nil
}

// olderFirst orders by creationTimestamp, then name.
func olderFirst(a, b metav1.Object) bool {
	ta, tb := a.GetCreationTimestamp(), b.GetCreationTimestamp()
	if !ta.Equal(&tb) {
		return ta.Before(&tb)
	}
	return a.GetName() < b.GetName()
}
