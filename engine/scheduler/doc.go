// Package scheduler decides which node a pending Pod goes to, the way
// kube-scheduler's default profile would, and keeps every intermediate verdict
// so that a student can ask "why node2?" or "why is it still Pending?".
//
// Schedule is a pure function: the same Pod and the same nodes always give the
// same Decision. It never mutates its arguments and reads no clock, no random
// source and no global state. Binding the Pod, writing its PodScheduled
// condition, emitting the FailedScheduling event and evicting preemption
// victims are the caller's business.
//
// What is reproduced, in upstream order and with upstream wording (Kubernetes
// 1.37, pkg/scheduler/framework/plugins/*):
//
//   - Filters: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity
//     (nodeSelector and required node affinity, including the PreFilter that
//     narrows the candidates to the names in matchFields metadata.name, which
//     is how DaemonSet pods are pinned), NodePorts and NodeResourcesFit. As
//     upstream, a node stops at its first failing filter.
//   - Scores, with the default weights: TaintToleration x3, NodeAffinity x2,
//     NodeResourcesFit (LeastAllocated) x1, PodTopologySpread x2 and
//     NodeResourcesBalancedAllocation x1.
//   - The FitError text of the FailedScheduling event, including the PostFilter
//     part that current clusters print ("no new claims to deallocate,
//     preemption: ...").
//   - Preemption, far enough to know what DefaultPreemption would conclude.
//
// Two details of the current message surprise people who learnt on older
// clusters, and both are on purpose: an untolerated taint reads
// "node(s) had untolerated taint(s)" without the taint itself (1.35+), and
// the PostFilter part starts with "no new claims to deallocate, " (the DRA
// plugin, on by default since 1.34). For a lab node tainted as control plane
// and two full workers a current cluster prints:
//
//	0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient memory.
//	no new claims to deallocate, preemption: 0/3 nodes are available:
//	1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.
//
// (one line in reality). The taint that blocked a node stays available in
// FilterResult.Detail.
//
// Deliberate differences from upstream, each explained where it is coded:
//
//   - Ties: upstream picks at random among the best nodes; we pick the node
//     running the fewest pods, then the first by name (score.go).
//   - PodTopologySpread's system default constraints need the Services,
//     ReplicaSets, ReplicationControllers and StatefulSets that select the
//     Pod; we only see the Pod, so "the same workload" means "the same
//     controller owner" (spread.go).
//   - InterPodAffinity, ImageLocality, volume plugins and DRA are not
//     modelled; their filters always pass and their scores are left out.
//   - Preemption picks victims and a node like upstream but ignores
//     PodDisruptionBudgets and nominated pods (preemption.go).
//   - A Pod that already has spec.nodeName is not scheduled at all: upstream
//     kube-scheduler only watches Pods whose nodeName is empty, and the kubelet
//     of that node admits such a Pod directly. Schedule returns that name with
//     no verdicts.
package scheduler
