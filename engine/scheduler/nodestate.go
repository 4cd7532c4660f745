package scheduler

import corev1 "k8s.io/api/core/v1"

// nodeState is the scheduler's ledger for one node, built from the Pods bound
// to it, as upstream's NodeInfo: what the node can give (allocatable), what
// its Pods asked for (requested, nonZeroRequested) and which host ports they
// hold. It is rebuilt rather than edited when preemption removes Pods, so it
// can never drift from its Pod list.
type nodeState struct {
	node        *corev1.Node
	pods        []*corev1.Pod
	allocatable amounts
	allowedPods int64
	// requested sums the Pods' real requests (filtering, BalancedAllocation);
	// nonZeroRequested counts request-less containers as 100m/200Mi
	// (LeastAllocated).
	requested        amounts
	nonZeroRequested amounts
	usedPorts        []hostPort
}

func newNodeState(node *corev1.Node, pods []*corev1.Pod) *nodeState {
	// A nil entry is a caller bug, but one that should not crash a lesson.
	var kept []*corev1.Pod
	for _, p := range pods {
		if p != nil {
			kept = append(kept, p)
		}
	}
	ns := &nodeState{
		node:             node,
		pods:             kept,
		allocatable:      toAmounts(node.Status.Allocatable),
		requested:        amounts{},
		nonZeroRequested: amounts{},
	}
	// The pod slot count lives among the resources but is compared as a
	// count, not as a request.
	ns.allowedPods = ns.allocatable[corev1.ResourcePods]
	delete(ns.allocatable, corev1.ResourcePods)
	for _, p := range kept {
		r := memoRequests(p)
		ns.requested.add(r.requested)
		ns.nonZeroRequested.add(r.nonZero)
		ns.usedPorts = append(ns.usedPorts, r.ports...)
	}
	return ns
}

// without returns the node as it would be if the given Pods were gone.
func (ns *nodeState) without(gone map[*corev1.Pod]bool) *nodeState {
	var keep []*corev1.Pod
	for _, p := range ns.pods {
		if !gone[p] {
			keep = append(keep, p)
		}
	}
	return newNodeState(ns.node, keep)
}
