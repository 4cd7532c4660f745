package scheduler

import (
	"math"
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// nodeOutcome is a node that failed filtering and the status it failed with.
type nodeOutcome struct {
	state  *nodeState
	status status
}

func priorityOf(p *corev1.Pod) int64 {
	if p.Spec.Priority != nil {
		return int64(*p.Spec.Priority)
	}
	return 0
}

// moreImportant orders Pods as preemption does: higher priority first, then
// the one that started earlier. A Pod with no start time yet counts as the
// newest (upstream substitutes "now"). Names break the remaining ties so the
// order never depends on input order.
func moreImportant(a, b *corev1.Pod) bool {
	if pa, pb := priorityOf(a), priorityOf(b); pa != pb {
		return pa > pb
	}
	sa, sb := a.Status.StartTime, b.Status.StartTime
	switch {
	case sa != nil && sb == nil:
		return true
	case sa == nil && sb != nil:
		return false
	case sa != nil && sb != nil && !sa.Equal(sb):
		return sa.Before(sb)
	}
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}

type candidate struct {
	node    string
	victims []*corev1.Pod
}

// preempt runs what DefaultPreemption concludes for a Pod that fits nowhere.
// It returns either the text after "preemption: " in the FitError, or a plan
// when evicting lower-priority Pods would make room on some node (upstream
// then prints no "preemption:" part at all, because its PostFilter
// succeeded).
//
// Per node, as upstream: a node whose failure is unresolvable (taint,
// affinity, a Pod bigger than the node...) is "not helpful"; a node without
// lower-priority Pods has "no victims"; otherwise all lower-priority Pods are
// removed and the filters run again. If the Pod still does not fit, that
// failure is the node's answer. If it fits, Pods are given back one by one,
// most important first, as long as the Pod keeps fitting; those that could
// not be given back are the victims.
//
// Not modelled: PodDisruptionBudgets (upstream prefers victims whose eviction
// violates none) and Pods already nominated to a node.
func preempt(c *cycle, outcomes []nodeOutcome) (string, *Preemption) {
	if p := c.pod.Spec.PreemptionPolicy; p != nil && *p == corev1.PreemptNever {
		return preemptNever, nil
	}
	prio := priorityOf(c.pod)
	counts := map[string]int{}
	var candidates []candidate
	for _, o := range outcomes {
		if o.status.unresolvable {
			counts[preemptNotHelpful]++
			continue
		}
		var lower []*corev1.Pod
		for _, p := range o.state.pods {
			if priorityOf(p) < prio {
				lower = append(lower, p)
			}
		}
		if len(lower) == 0 {
			counts[preemptNoVictims]++
			continue
		}
		gone := map[*corev1.Pod]bool{}
		for _, p := range lower {
			gone[p] = true
		}
		if _, st := runFilters(c, o.state.without(gone)); !st.ok() {
			for _, r := range st.reasons {
				counts[r]++
			}
			continue
		}
		sort.SliceStable(lower, func(i, j int) bool { return moreImportant(lower[i], lower[j]) })
		var victims []*corev1.Pod
		for _, p := range lower {
			delete(gone, p)
			if _, st := runFilters(c, o.state.without(gone)); st.ok() {
				continue // reprieved: the Pod fits with p still there
			}
			gone[p] = true
			victims = append(victims, p)
		}
		candidates = append(candidates, candidate{node: o.state.node.Name, victims: victims})
	}
	if len(candidates) == 0 {
		return fitError(len(outcomes), "", counts, ""), nil
	}
	best := candidates[0]
	for _, cand := range candidates[1:] {
		if betterCandidate(cand, best) {
			best = cand
		}
	}
	return "", &Preemption{Node: best.node, Victims: best.victims}
}

// betterCandidate compares two preemption candidates as upstream's
// pickOneNodeForPreemption does, minus the PodDisruptionBudget criterion:
// the lowest top victim priority, then the lowest sum of victim priorities,
// then the fewest victims, then the node whose most important victims
// started most recently. Candidates arrive in name order, so a full tie
// keeps the first name.
func betterCandidate(a, b candidate) bool {
	ta, tb := topPriority(a.victims), topPriority(b.victims)
	if ta != tb {
		return ta < tb
	}
	if sa, sb := prioritySum(a.victims), prioritySum(b.victims); sa != sb {
		return sa < sb
	}
	if len(a.victims) != len(b.victims) {
		return len(a.victims) < len(b.victims)
	}
	ea, eb := earliestTopStart(a.victims), earliestTopStart(b.victims)
	switch {
	case ea == nil || eb == nil:
		return ea == nil && eb != nil // no start time counts as "now", the latest
	default:
		return ea.After(eb.Time)
	}
}

func topPriority(victims []*corev1.Pod) int64 {
	top := int64(math.MinInt64)
	for _, v := range victims {
		top = max(top, priorityOf(v))
	}
	return top
}

// prioritySum shifts each priority by MaxInt32+1 so that negative
// priorities do not make more victims look cheaper.
func prioritySum(victims []*corev1.Pod) int64 {
	var sum int64
	for _, v := range victims {
		sum += priorityOf(v) + math.MaxInt32 + 1
	}
	return sum
}

func earliestTopStart(victims []*corev1.Pod) *metav1.Time {
	top := topPriority(victims)
	var earliest *metav1.Time
	for _, v := range victims {
		if priorityOf(v) != top || v.Status.StartTime == nil {
			continue
		}
		if earliest == nil || v.Status.StartTime.Before(earliest) {
			earliest = v.Status.StartTime
		}
	}
	return earliest
}
