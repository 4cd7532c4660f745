package scheduler

import (
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Schedule decides where pod should run among nodes, as kube-scheduler's
// default profile would, and explains why. It is pure and deterministic:
// nothing is mutated, and equal inputs give equal Decisions whatever the
// order of nodes.
//
// Three cases never reach the filters:
//   - spec.nodeName is already set: the Pod is not the scheduler's to place
//     (the kubelet of that node admits it directly). Node is that name and
//     there are no verdicts.
//   - spec.schedulingGates is not empty: the Pod waits, Reason is
//     SchedulingGated.
//   - there are no nodes at all.
func Schedule(pod *corev1.Pod, nodes []NodeInfo) Decision {
	return ScheduleWithVolumes(pod, nodes, Volumes{})
}

// Volumes is what the VolumeBinding plugin knows of a pod's claims.
type Volumes struct {
	// PreFilter, when set, fails every node with this message (a claim
	// that is missing or not yet bound).
	PreFilter string
	// NodeOK reports whether the pod's bound volumes can be used on a node
	// (PersistentVolume nodeAffinity); nil means anywhere.
	NodeOK func(*corev1.Node) bool
}

// PluginVolumeBinding names the volume plugin in verdicts.
const PluginVolumeBinding = "VolumeBinding"

const reasonVolumeNodeConflict = "node(s) had volume node affinity conflict"

// ScheduleWithVolumes is Schedule with the VolumeBinding plugin's view of
// the pod's PersistentVolumeClaims.
func ScheduleWithVolumes(pod *corev1.Pod, nodes []NodeInfo, vols Volumes) Decision {
	if pod.Spec.NodeName != "" {
		d := Decision{Node: pod.Spec.NodeName}
		d.EN, d.KO = explainBound(pod)
		return d
	}
	if len(pod.Spec.SchedulingGates) > 0 {
		d := Decision{Reason: ReasonSchedulingGated, Message: gatedMsg}
		d.EN, d.KO = explainGated(pod)
		return d
	}

	states := nodeStates(nodes)
	if len(states) == 0 {
		d := Decision{Reason: ReasonUnschedulable, Message: noNodesMsg}
		d.EN, d.KO = explainNoNodes(pod)
		return d
	}
	c := newCycle(pod)
	c.all = states

	verdicts := make([]NodeVerdict, len(states))
	var feasible []*nodeState
	var feasibleAt []int // index into verdicts of each feasible node
	var failed []nodeOutcome
	counts := map[string]int{}

	// NodeAffinity's PreFilter: names pinned through matchFields leave the
	// other nodes out before any filter runs, and contradictory names leave
	// every node out with a single message.
	pinned, restricted := affinityNodeNames(pod)
	preFilterMsg := ""
	if restricted && pinned.Len() == 0 {
		preFilterMsg = reasonConflict
	}
	if vols.PreFilter != "" {
		preFilterMsg = vols.PreFilter
	}

	for i, n := range states {
		verdicts[i].Node = n.node.Name
		var st status
		switch {
		case preFilterMsg != "":
			st = status{reasons: []string{preFilterMsg}, unresolvable: true}
			verdicts[i].Filters = []FilterResult{failedResult(PluginNodeAffinity, st)}
		case restricted && !pinned.Has(n.node.Name):
			st = status{reasons: []string{reasonAffinityPins}, unresolvable: true,
				detail: "matchFields metadata.name does not list this node"}
			verdicts[i].Filters = []FilterResult{failedResult(PluginNodeAffinity, st)}
		default:
			verdicts[i].Filters, st = runFilters(c, n)
			// VolumeBinding runs after the resource filters, as in the
			// default profile.
			if st.ok() && vols.NodeOK != nil && !vols.NodeOK(n.node) {
				st = status{reasons: []string{reasonVolumeNodeConflict}, unresolvable: true,
					detail: "a PersistentVolume of this pod is pinned to other nodes"}
				verdicts[i].Filters = append(verdicts[i].Filters, failedResult(PluginVolumeBinding, st))
			}
		}
		if st.ok() {
			verdicts[i].Feasible = true
			feasible = append(feasible, n)
			feasibleAt = append(feasibleAt, i)
			continue
		}
		failed = append(failed, nodeOutcome{state: n, status: st})
		for _, r := range st.reasons {
			counts[r]++
		}
	}

	d := Decision{Verdicts: verdicts}
	if len(feasible) == 0 {
		d.Reason = ReasonUnschedulable
		preemptMsg, plan := preempt(c, failed)
		if plan != nil {
			d.Preemption = plan
			d.Message = fitError(len(states), preFilterMsg, counts, "")
		} else {
			d.Message = fitError(len(states), preFilterMsg, counts, postFilterMessage(preemptMsg))
		}
		d.EN, d.KO = explainFailure(pod, verdicts, plan)
		return d
	}

	how := chosenAlone
	chosen := 0
	switch {
	case nominatedIndex(pod, feasible) >= 0:
		// A Pod that won a preemption goes to its nominated node as soon as
		// that node fits, without comparing it to the others.
		chosen = nominatedIndex(pod, feasible)
		how = chosenNominated
	case len(feasible) > 1:
		perPlugin, totals := scoreNodes(c, feasible)
		for j, i := range feasibleAt {
			verdicts[i].Scores = perPlugin[j]
			verdicts[i].Score = totals[j]
		}
		chosen = pickHost(feasible, totals)
		how = chosenByScore
	}
	d.Node = feasible[chosen].node.Name
	d.EN, d.KO = explainSuccess(pod, verdicts, feasibleAt[chosen], how)
	return d
}

// nodeStates builds the ledgers in node-name order, skipping entries without
// a Node: the verdict list and every tie-break rely on that order.
func nodeStates(nodes []NodeInfo) []*nodeState {
	var out []*nodeState
	for _, ni := range nodes {
		if ni.Node != nil {
			out = append(out, newNodeState(ni.Node, ni.Pods))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].node.Name < out[j].node.Name })
	return out
}

func nominatedIndex(pod *corev1.Pod, feasible []*nodeState) int {
	name := pod.Status.NominatedNodeName
	if name == "" {
		return -1
	}
	for i, n := range feasible {
		if n.node.Name == name {
			return i
		}
	}
	return -1
}

func failedResult(plugin string, st status) FilterResult {
	return FilterResult{Plugin: plugin, Reason: strings.Join(st.reasons, ", "), Reasons: st.reasons, Detail: st.detail}
}
