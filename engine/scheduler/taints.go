package scheduler

import corev1 "k8s.io/api/core/v1"

// tolerates reports whether one toleration lets the Pod past one taint.
//
//   - An empty effect tolerates every effect; otherwise effects must be equal.
//   - An empty key (only valid with Exists) tolerates every key.
//   - Exists ignores the value; Equal (or an empty operator) needs the same
//     value.
//   - Lt and Gt exist behind the alpha gate TaintTolerationComparisonOperators,
//     off by default in 1.37, so they tolerate nothing here.
//
// We do not call corev1.Toleration.ToleratesTaint because it wants a klog
// logger, which this module does not depend on directly.
func tolerates(t corev1.Toleration, taint corev1.Taint) bool {
	if t.Effect != "" && t.Effect != taint.Effect {
		return false
	}
	if t.Key != "" && t.Key != taint.Key {
		return false
	}
	switch t.Operator {
	case "", corev1.TolerationOpEqual:
		return t.Value == taint.Value
	case corev1.TolerationOpExists:
		return true
	default:
		return false
	}
}

func toleratedBy(tolerations []corev1.Toleration, taint corev1.Taint) bool {
	for _, t := range tolerations {
		if tolerates(t, taint) {
			return true
		}
	}
	return false
}

// firstUntolerated returns the first taint, in the node's order, whose effect
// keeps Pods off the node (NoSchedule or NoExecute) and that the Pod does not
// tolerate. PreferNoSchedule taints only lower the score.
func firstUntolerated(taints []corev1.Taint, tolerations []corev1.Toleration) (corev1.Taint, bool) {
	for _, taint := range taints {
		if taint.Effect != corev1.TaintEffectNoSchedule && taint.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		if !toleratedBy(tolerations, taint) {
			return taint, true
		}
	}
	return corev1.Taint{}, false
}

// countIntolerablePreferNoSchedule is TaintToleration's raw score: how many
// PreferNoSchedule taints the Pod does not tolerate. Only tolerations that
// could apply to PreferNoSchedule (that effect or an empty one) count.
func countIntolerablePreferNoSchedule(taints []corev1.Taint, tolerations []corev1.Toleration) int64 {
	var relevant []corev1.Toleration
	for _, t := range tolerations {
		if t.Effect == "" || t.Effect == corev1.TaintEffectPreferNoSchedule {
			relevant = append(relevant, t)
		}
	}
	var n int64
	for _, taint := range taints {
		if taint.Effect == corev1.TaintEffectPreferNoSchedule && !toleratedBy(relevant, taint) {
			n++
		}
	}
	return n
}
