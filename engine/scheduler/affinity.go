package scheduler

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/util/sets"
)

// nodeNameField is the only field a node selector term may match on.
const nodeNameField = "metadata.name"

// requiredNodeAffinity reports whether the node satisfies both the Pod's
// nodeSelector and its requiredDuringSchedulingIgnoredDuringExecution node
// affinity. Either one alone is enough to keep a node out.
func requiredNodeAffinity(pod *corev1.Pod, node *corev1.Node) bool {
	for k, v := range pod.Spec.NodeSelector {
		if got, ok := node.Labels[k]; !ok || got != v {
			return false
		}
	}
	sel := requiredSelector(pod)
	if sel == nil {
		return true
	}
	// Terms are ORed. A term with neither expressions nor fields matches
	// nothing, so a selector made only of empty terms keeps every node out.
	for _, term := range sel.NodeSelectorTerms {
		if termMatches(term, node) {
			return true
		}
	}
	return false
}

func requiredSelector(pod *corev1.Pod) *corev1.NodeSelector {
	a := pod.Spec.Affinity
	if a == nil || a.NodeAffinity == nil {
		return nil
	}
	return a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
}

func hasRequiredNodeAffinity(pod *corev1.Pod) bool {
	return len(pod.Spec.NodeSelector) > 0 || requiredSelector(pod) != nil
}

// termMatches ANDs a term's label expressions and field expressions. A term
// that cannot be parsed (an unknown operator, Gt with a non-number...) never
// matches; upstream treats it the same way instead of failing the Pod.
func termMatches(term corev1.NodeSelectorTerm, node *corev1.Node) bool {
	if len(term.MatchExpressions) == 0 && len(term.MatchFields) == 0 {
		return false
	}
	if len(term.MatchExpressions) > 0 {
		sel, ok := labelSelector(term.MatchExpressions)
		if !ok || !sel.Matches(labels.Set(node.Labels)) {
			return false
		}
	}
	for _, r := range term.MatchFields {
		ok, valid := fieldMatches(r, node)
		if !valid || !ok {
			return false
		}
	}
	return true
}

var nodeSelectorOps = map[corev1.NodeSelectorOperator]selection.Operator{
	corev1.NodeSelectorOpIn:           selection.In,
	corev1.NodeSelectorOpNotIn:        selection.NotIn,
	corev1.NodeSelectorOpExists:       selection.Exists,
	corev1.NodeSelectorOpDoesNotExist: selection.DoesNotExist,
	corev1.NodeSelectorOpGt:           selection.GreaterThan,
	corev1.NodeSelectorOpLt:           selection.LessThan,
}

// labelSelector turns node selector requirements into a label selector. The
// labels package gives NotIn and DoesNotExist their "missing label matches"
// meaning and checks that Gt/Lt carry exactly one integer.
func labelSelector(reqs []corev1.NodeSelectorRequirement) (labels.Selector, bool) {
	sel := labels.NewSelector()
	for _, r := range reqs {
		op, known := nodeSelectorOps[r.Operator]
		if !known {
			return nil, false
		}
		req, err := labels.NewRequirement(r.Key, op, r.Values)
		if err != nil {
			return nil, false
		}
		sel = sel.Add(*req)
	}
	return sel, true
}

// fieldMatches evaluates a matchFields requirement. Only In and NotIn with a
// single value are valid; any other key than metadata.name reads as empty.
func fieldMatches(r corev1.NodeSelectorRequirement, node *corev1.Node) (match, valid bool) {
	if len(r.Values) != 1 {
		return false, false
	}
	var value string
	if r.Key == nodeNameField {
		value = node.Name
	}
	switch r.Operator {
	case corev1.NodeSelectorOpIn:
		return value == r.Values[0], true
	case corev1.NodeSelectorOpNotIn:
		return value != r.Values[0], true
	default:
		return false, false
	}
}

// affinityNodeNames is NodeAffinity's PreFilter. When every required term
// names nodes with "matchFields: metadata.name In [...]" (what the DaemonSet
// controller writes into each daemon Pod), only those nodes are worth
// filtering; the others are reported as "didn't satisfy plugin(s)
// [NodeAffinity]" without running any filter. restricted is false when the
// Pod leaves the choice open. An empty set means the terms contradict each
// other.
func affinityNodeNames(pod *corev1.Pod) (names sets.Set[string], restricted bool) {
	sel := requiredSelector(pod)
	if sel == nil {
		return nil, false
	}
	var union sets.Set[string]
	for _, term := range sel.NodeSelectorTerms {
		var termNames sets.Set[string]
		for _, r := range term.MatchFields {
			if r.Key != nodeNameField || r.Operator != corev1.NodeSelectorOpIn {
				continue
			}
			// Requirements inside a term are ANDed: intersect.
			s := sets.New(r.Values...)
			if termNames == nil {
				termNames = s
			} else {
				termNames = termNames.Intersection(s)
			}
		}
		if termNames == nil {
			// This term does not pin names and terms are ORed: any node may do.
			return nil, false
		}
		union = union.Union(termNames)
	}
	if union == nil {
		return nil, false
	}
	return union, true
}

// preferredAffinityScore is NodeAffinity's raw score: the sum of the weights
// of the preferred terms the node matches.
func preferredAffinityScore(pod *corev1.Pod, node *corev1.Node) int64 {
	var score int64
	for _, t := range preferredTerms(pod) {
		if termMatches(t.Preference, node) {
			score += int64(t.Weight)
		}
	}
	return score
}

// preferredTerms returns the terms that can score at all; upstream drops the
// ones with weight 0 or no requirement before scoring.
func preferredTerms(pod *corev1.Pod) []corev1.PreferredSchedulingTerm {
	a := pod.Spec.Affinity
	if a == nil || a.NodeAffinity == nil {
		return nil
	}
	var out []corev1.PreferredSchedulingTerm
	for _, t := range a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
		if t.Weight == 0 || (len(t.Preference.MatchExpressions) == 0 && len(t.Preference.MatchFields) == 0) {
			continue
		}
		out = append(out, t)
	}
	return out
}
