package scheduler

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Upstream reason strings. They end up verbatim in FailedScheduling events,
// in `kubectl describe pod` and in lesson quizzes, so they must not drift.
const (
	reasonUnschedulable = "node(s) were unschedulable"
	reasonNodeName      = "node(s) didn't match the requested node name"
	// Since Kubernetes 1.35 (and its 1.32-1.34 patch releases) the taint is no
	// longer named in the message, because taint keys and values can be
	// sensitive (kubernetes/kubernetes#134740). Older clusters and most
	// tutorials show "node(s) had untolerated taint {key: value}"; the taint
	// itself is kept in FilterResult.Detail for our UI.
	reasonTaint        = "node(s) had untolerated taint(s)"
	reasonAffinity     = "node(s) didn't match Pod's node affinity/selector"
	reasonAffinityPins = "node(s) didn't satisfy plugin(s) [NodeAffinity]"
	reasonConflict     = "pod affinity terms conflict"
	reasonPorts        = "node(s) didn't have free ports for the requested pod ports"
	reasonTooManyPods  = "Too many pods"
)

// cycle is what one scheduling attempt knows about the Pod, computed once
// (upstream's PreFilter state).
type cycle struct {
	pod        *corev1.Pod
	request    amounts // effective request, for filtering and BalancedAllocation
	nonZero    amounts // with 100m/200Mi defaults, for LeastAllocated
	ports      []hostPort
	hasPorts   bool
	checkAffin bool
	all        []*nodeState // every node, for counts that span the cluster
}

func newCycle(pod *corev1.Pod) *cycle {
	ports := podHostPorts(pod)
	return &cycle{
		pod:        pod,
		request:    podRequests(pod, false),
		nonZero:    podRequests(pod, true),
		ports:      ports,
		hasPorts:   len(ports) > 0,
		checkAffin: hasRequiredNodeAffinity(pod),
	}
}

// status is a filter's answer. unresolvable marks what upstream calls
// UnschedulableAndUnresolvable: evicting Pods from that node cannot help, so
// preemption does not even try it.
type status struct {
	reasons      []string
	unresolvable bool
	detail       string
}

func (s status) ok() bool { return len(s.reasons) == 0 }

type filter struct {
	plugin string
	run    func(c *cycle, n *nodeState) status
}

// filters is the default profile's filter chain in upstream order. The order
// matters: a node reports only its first failure, so a cordoned node that is
// also full counts as "unschedulable", never as "Insufficient cpu".
var filters = []filter{
	{PluginNodeUnschedulable, filterUnschedulable},
	{PluginNodeName, filterNodeName},
	{PluginTaintToleration, filterTaints},
	{PluginNodeAffinity, filterAffinity},
	{PluginNodePorts, filterPorts},
	{PluginNodeResourcesFit, filterResources},
}

// runFilters applies the chain to one node and stops at the first failure,
// like upstream's RunFilterPlugins.
func runFilters(c *cycle, n *nodeState) ([]FilterResult, status) {
	var results []FilterResult
	for _, f := range filters {
		st := f.run(c, n)
		r := FilterResult{Plugin: f.plugin, Passed: st.ok()}
		if !st.ok() {
			r.Reason = strings.Join(st.reasons, ", ")
			r.Reasons = st.reasons
			r.Detail = st.detail
			return append(results, r), st
		}
		results = append(results, r)
	}
	return results, status{}
}

// filterUnschedulable keeps Pods off cordoned nodes (`kubectl cordon` sets
// spec.unschedulable), unless the Pod tolerates the matching taint as
// DaemonSet Pods do.
func filterUnschedulable(c *cycle, n *nodeState) status {
	if !n.node.Spec.Unschedulable {
		return status{}
	}
	cordon := corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}
	if toleratedBy(c.pod.Spec.Tolerations, cordon) {
		return status{}
	}
	return status{reasons: []string{reasonUnschedulable}, unresolvable: true, detail: "spec.unschedulable: true"}
}

// filterNodeName only matters for Pods that name a node; Schedule never
// schedules those (see doc.go), so in practice it always passes. It is kept
// so the verdict list shows the full upstream chain.
func filterNodeName(c *cycle, n *nodeState) status {
	if c.pod.Spec.NodeName == "" || c.pod.Spec.NodeName == n.node.Name {
		return status{}
	}
	return status{reasons: []string{reasonNodeName}, unresolvable: true,
		detail: "spec.nodeName: " + c.pod.Spec.NodeName}
}

func filterTaints(c *cycle, n *nodeState) status {
	taint, found := firstUntolerated(n.node.Spec.Taints, c.pod.Spec.Tolerations)
	if !found {
		return status{}
	}
	return status{reasons: []string{reasonTaint}, unresolvable: true, detail: taint.ToString()}
}

func filterAffinity(c *cycle, n *nodeState) status {
	if !c.checkAffin || requiredNodeAffinity(c.pod, n.node) {
		return status{}
	}
	return status{reasons: []string{reasonAffinity}, unresolvable: true}
}

// filterPorts fails when another Pod on the node already holds a wanted host
// port. Evicting that Pod would free the port, so preemption may help.
func filterPorts(c *cycle, n *nodeState) status {
	if !c.hasPorts {
		return status{}
	}
	p, clash := firstPortConflict(c.ports, n.usedPorts)
	if !clash {
		return status{}
	}
	return status{reasons: []string{reasonPorts}, detail: p.String()}
}

// filterResources compares the Pod's effective request with what the node
// still has unrequested. It lists every shortage, in upstream order (pod
// count, cpu, memory, ephemeral storage, then scalar resources). A shortage
// is unresolvable when the Pod asks for more than the node's whole
// allocatable: no eviction can make room then.
func filterResources(c *cycle, n *nodeState) status {
	var st status
	var details []string
	short := func(reason string, name corev1.ResourceName, want, used, capacity int64) {
		st.reasons = append(st.reasons, reason)
		if want > capacity {
			st.unresolvable = true
		}
		details = append(details, fmt.Sprintf("%s: requested %s, free %s of %s allocatable",
			name, formatAmount(name, want), formatAmount(name, capacity-used), formatAmount(name, capacity)))
	}

	if int64(len(n.pods))+1 > n.allowedPods {
		st.reasons = append(st.reasons, reasonTooManyPods)
		details = append(details, fmt.Sprintf("pods: %d of %d allowed already running", len(n.pods), n.allowedPods))
	}
	if c.request.isZero() {
		// A Pod without requests only needs a free pod slot.
		st.detail = strings.Join(details, "; ")
		return st
	}
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
		want := c.request[name]
		if want > 0 && want > n.allocatable[name]-n.requested[name] {
			short("Insufficient "+string(name), name, want, n.requested[name], n.allocatable[name])
		}
	}
	for _, name := range c.request.scalarNames() {
		want := c.request[name]
		if want > 0 && want > n.allocatable[name]-n.requested[name] {
			short("Insufficient "+string(name), name, want, n.requested[name], n.allocatable[name])
		}
	}
	st.detail = strings.Join(details, "; ")
	return st
}
