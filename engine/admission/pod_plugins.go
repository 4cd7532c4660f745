package admission

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"
)

// The two small pod plugins that every real pod shows the traces of:
// Priority (spec.priority, spec.preemptionPolicy) and
// DefaultTolerationSeconds (the two 300s NoExecute tolerations).

// systemPriorityClasses exist on every cluster; they are used when the
// store does not hold them.
var systemPriorityClasses = map[string]int32{
	"system-node-critical":    2000001000,
	"system-cluster-critical": 2000000000,
}

func priorityAdmit(a *Attributes, l Lister) error {
	pod, ok := a.Object.(*corev1.Pod)
	if !ok || a.Subresource != "" {
		return nil
	}
	if a.Op == Update {
		// Set at create; an update that drops them keeps the old values.
		if old, ok := a.OldObject.(*corev1.Pod); ok {
			if pod.Spec.Priority == nil && old.Spec.Priority != nil {
				pod.Spec.Priority = old.Spec.Priority
			}
			if pod.Spec.PreemptionPolicy == nil && old.Spec.PreemptionPolicy != nil {
				pod.Spec.PreemptionPolicy = old.Spec.PreemptionPolicy
			}
		}
		return nil
	}
	if a.Op != Create {
		return nil
	}
	var priority int32
	var policy *corev1.PreemptionPolicy
	if pod.Spec.PriorityClassName == "" {
		name, value, pp, err := defaultPriority(l)
		if err != nil {
			return apierrors.NewInternalError(fmt.Errorf("failed to get default priority class: %v", err))
		}
		pod.Spec.PriorityClassName = name
		priority, policy = value, pp
	} else {
		obj, err := l.Get("priorityclasses", "", pod.Spec.PriorityClassName)
		switch {
		case err == nil:
			pc, ok := obj.(*schedulingv1.PriorityClass)
			if !ok {
				return apierrors.NewInternalError(fmt.Errorf("unexpected object for PriorityClass %s", pod.Spec.PriorityClassName))
			}
			priority, policy = pc.Value, pc.PreemptionPolicy
		case apierrors.IsNotFound(err):
			v, system := systemPriorityClasses[pod.Spec.PriorityClassName]
			if !system {
				return a.forbidden(fmt.Errorf("no PriorityClass with name %v was found", pod.Spec.PriorityClassName))
			}
			priority, policy = v, ptr.To(corev1.PreemptLowerPriority)
		default:
			return apierrors.NewInternalError(fmt.Errorf("failed to get PriorityClass with name %s: %v", pod.Spec.PriorityClassName, err))
		}
	}
	if pod.Spec.Priority != nil && *pod.Spec.Priority != priority {
		return a.forbidden(fmt.Errorf("the integer value of priority (%d) must not be provided in pod spec; priority admission controller computed %d from the given PriorityClass name", *pod.Spec.Priority, priority))
	}
	pod.Spec.Priority = ptr.To(priority)
	if policy != nil {
		if pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy != *policy {
			return a.forbidden(fmt.Errorf("the string value of PreemptionPolicy (%s) must not be provided in pod spec; priority admission controller computed %s from the given PriorityClass name", *pod.Spec.PreemptionPolicy, *policy))
		}
		pod.Spec.PreemptionPolicy = ptr.To(*policy)
	}
	return nil
}

// defaultPriority returns the global default PriorityClass (the lowest value
// wins if several claim it) or priority 0 with PreemptLowerPriority.
func defaultPriority(l Lister) (string, int32, *corev1.PreemptionPolicy, error) {
	objs, err := l.List("priorityclasses", "")
	if err != nil && !apierrors.IsNotFound(err) {
		return "", 0, nil, err
	}
	var def *schedulingv1.PriorityClass
	for _, o := range objs {
		if pc, ok := o.(*schedulingv1.PriorityClass); ok && pc.GlobalDefault {
			if def == nil || pc.Value < def.Value {
				def = pc
			}
		}
	}
	if def != nil {
		return def.Name, def.Value, def.PreemptionPolicy, nil
	}
	return "", 0, ptr.To(corev1.PreemptLowerPriority), nil
}

// defaultTolerationSeconds adds tolerations for the not-ready and
// unreachable NoExecute taints, so a pod on a lost node is evicted after
// five minutes, unless the pod already tolerates those taints.
func defaultTolerationSeconds(a *Attributes) {
	pod, ok := a.Object.(*corev1.Pod)
	if !ok || a.Subresource != "" || (a.Op != Create && a.Op != Update) {
		return
	}
	notReady, unreachable := false, false
	for _, t := range pod.Spec.Tolerations {
		noExecute := t.Effect == corev1.TaintEffectNoExecute || t.Effect == ""
		if (t.Key == corev1.TaintNodeNotReady || t.Key == "") && noExecute {
			notReady = true
		}
		if (t.Key == corev1.TaintNodeUnreachable || t.Key == "") && noExecute {
			unreachable = true
		}
	}
	if !notReady {
		pod.Spec.Tolerations = append(pod.Spec.Tolerations, corev1.Toleration{
			Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To(int64(300)),
		})
	}
	if !unreachable {
		pod.Spec.Tolerations = append(pod.Spec.Tolerations, corev1.Toleration{
			Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To(int64(300)),
		})
	}
}
