package scheduler

import corev1 "k8s.io/api/core/v1"

// NodeInfo is one node as the scheduler sees it: the Node object and the Pods
// already bound to it that are not terminal (Succeeded/Failed Pods free their
// resources and must be left out by the caller). Terminating Pods still hold
// their resources and belong here.
type NodeInfo struct {
	Node *corev1.Node
	Pods []*corev1.Pod
}

// FilterResult is one filter plugin's verdict on one node.
type FilterResult struct {
	Plugin string // upstream plugin name, e.g. "TaintToleration"
	Passed bool
	// Reason is the status message exactly as upstream builds it, e.g.
	// "Insufficient cpu" or "Insufficient cpu, Insufficient memory" when the
	// plugin found several problems. Empty when Passed.
	Reason string
	// Reasons are the individual upstream reasons; FitError counts each of
	// them once per node.
	Reasons []string
	// Detail says what exactly failed, for the UI: the untolerated taint, the
	// busy hostPort, the requested and free amounts. Upstream keeps this out of
	// the event (it only logs it), so it never appears in Message.
	Detail string
}

// PluginScore is one score plugin's contribution to a feasible node.
type PluginScore struct {
	Plugin string
	Raw    int64 // the plugin's own number before normalisation
	Score  int64 // normalised to 0..100
	Weight int64 // the default profile's weight; the total adds Score*Weight
}

// NodeVerdict is everything the scheduler concluded about one node.
type NodeVerdict struct {
	Node     string
	Filters  []FilterResult // in upstream order, up to the first failure
	Feasible bool           // every filter passed
	// Scores and Score are only filled when at least two nodes are feasible:
	// upstream skips scoring when there is nothing to choose between.
	Scores []PluginScore
	Score  int64
}

// Preemption is what DefaultPreemption would do for a Pod that fits nowhere:
// evict Victims from Node, then nominate Node for the Pod and retry.
type Preemption struct {
	Node    string
	Victims []*corev1.Pod // lower-priority Pods, most important first
}

// Decision is the outcome of one scheduling attempt.
type Decision struct {
	// Node is the chosen node, "" if none fits.
	Node string
	// Verdicts holds one entry per node, in node-name order.
	Verdicts []NodeVerdict
	// Reason is the PodScheduled condition reason when Node == "":
	// "Unschedulable" or "SchedulingGated". Empty on success.
	Reason string
	// Message is the FitError text of the FailedScheduling event (and of the
	// PodScheduled condition) when Node == "", exactly as upstream prints it.
	// For a gated Pod it is the SchedulingGated condition message.
	Message string
	// Preemption is set when the Pod fits nowhere but evicting lower-priority
	// Pods would make room. Upstream then nominates Preemption.Node, and
	// Message carries no "preemption:" part.
	Preemption *Preemption
	// EN and KO explain the decision to a student in one sentence.
	EN, KO string
}

// Upstream plugin names, as they appear in scheduler logs, events and the
// kube-scheduler-simulator's annotations.
const (
	PluginNodeUnschedulable  = "NodeUnschedulable"
	PluginNodeName           = "NodeName"
	PluginTaintToleration    = "TaintToleration"
	PluginNodeAffinity       = "NodeAffinity"
	PluginNodePorts          = "NodePorts"
	PluginNodeResourcesFit   = "NodeResourcesFit"
	PluginPodTopologySpread  = "PodTopologySpread"
	PluginBalancedAllocation = "NodeResourcesBalancedAllocation"
)

// Decision.Reason values, as in the PodScheduled condition.
const (
	ReasonUnschedulable   = "Unschedulable"
	ReasonSchedulingGated = "SchedulingGated"
)
