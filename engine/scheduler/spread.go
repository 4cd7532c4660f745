package scheduler

import (
	"math"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// spreadConstraint is one of the cluster-level default topology spread
// constraints kube-scheduler applies to Pods that declare none. Both are
// ScheduleAnyway: they only steer scores, they never filter.
type spreadConstraint struct {
	topologyKey string
	maxSkew     int64
}

var systemDefaultConstraints = []spreadConstraint{
	{topologyKey: corev1.LabelHostname, maxSkew: 3},
	{topologyKey: corev1.LabelTopologyZone, maxSkew: 5},
}

// Owners whose Pods upstream spreads by default. Upstream builds the
// selector from the Services, ReplicationControllers, ReplicaSets and
// StatefulSets that select the Pod; Jobs and DaemonSets are not among them.
var spreadOwnerKinds = map[string]bool{
	"ReplicaSet":            true,
	"ReplicationController": true,
	"StatefulSet":           true,
}

func controllerOf(pod *corev1.Pod) *metav1.OwnerReference {
	for i := range pod.OwnerReferences {
		ref := &pod.OwnerReferences[i]
		if ref.Controller != nil && *ref.Controller {
			return ref
		}
	}
	return nil
}

// defaultSpreadConstraints returns the constraints that apply to the Pod, or
// none. Pods with their own topologySpreadConstraints are not modelled (the
// course does not use them), so they get no spreading score at all.
//
// Approximation: we cannot see Services or controllers, so "Pods selected by
// the same controller" becomes "Pods with the same controller owner". For
// Pods of a ReplicaSet, StatefulSet or ReplicationController this is the
// same set in practice; a bare Pod selected only by a Service gets no
// spreading here although upstream would spread it.
func defaultSpreadConstraints(pod *corev1.Pod) []spreadConstraint {
	if len(pod.Spec.TopologySpreadConstraints) > 0 {
		return nil
	}
	owner := controllerOf(pod)
	if owner == nil || !spreadOwnerKinds[owner.Kind] {
		return nil
	}
	return systemDefaultConstraints
}

// sameWorkload reports whether other counts against the Pod being spread:
// same namespace, same controller, and not already terminating.
func sameWorkload(pod, other *corev1.Pod) bool {
	if other.DeletionTimestamp != nil || other.Namespace != pod.Namespace {
		return false
	}
	a, b := controllerOf(pod), controllerOf(other)
	if a == nil || b == nil || a.Kind != b.Kind || a.Name != b.Name {
		return false
	}
	return a.UID == "" || b.UID == "" || a.UID == b.UID
}

func countSameWorkload(pod *corev1.Pod, pods []*corev1.Pod) int64 {
	var n int64
	for _, p := range pods {
		if sameWorkload(pod, p) {
			n++
		}
	}
	return n
}

// spreadRaw is PodTopologySpread's raw score with the system default
// constraints.
//
// For each constraint a node scores count*log(domains+2) + (maxSkew-1), where
// count is the number of the workload's Pods in the node's domain (the node
// itself for the hostname key, its zone for the zone key) and domains is the
// number of such domains among the feasible nodes. The log weight keeps a
// constraint with few domains from being drowned by one with many. Nodes
// without the zone label simply skip the zone term.
func spreadRaw(c *cycle, feasible []*nodeState) []int64 {
	constraints := defaultSpreadConstraints(c.pod)

	// Zone pairs present among the feasible nodes, and how many Pods of the
	// workload each zone holds across all nodes the Pod could land on (nodes
	// its nodeSelector/affinity rules out do not count, taints are ignored).
	// Feasible nodes without a zone label share the domain "": it only
	// widens the weight, since such nodes skip the zone term below. Upstream
	// behaves the same because default constraints do not require every
	// topology label.
	weights := make([]float64, len(constraints))
	zoneCounts := map[string]map[string]int64{}
	for i, sc := range constraints {
		if sc.topologyKey == corev1.LabelHostname {
			weights[i] = math.Log(float64(len(feasible) + 2))
			continue
		}
		domains := map[string]int64{}
		for _, n := range feasible {
			domains[n.node.Labels[sc.topologyKey]] = 0
		}
		weights[i] = math.Log(float64(len(domains) + 2))
		for _, n := range c.all {
			if !requiredNodeAffinity(c.pod, n.node) {
				continue
			}
			value := n.node.Labels[sc.topologyKey]
			if _, tracked := domains[value]; tracked {
				domains[value] += countSameWorkload(c.pod, n.pods)
			}
		}
		zoneCounts[sc.topologyKey] = domains
	}

	raw := make([]int64, len(feasible))
	for j, n := range feasible {
		var score float64
		for i, sc := range constraints {
			value, ok := n.node.Labels[sc.topologyKey]
			if !ok {
				continue
			}
			var count int64
			if sc.topologyKey == corev1.LabelHostname {
				count = countSameWorkload(c.pod, n.pods)
			} else {
				count = zoneCounts[sc.topologyKey][value]
			}
			score += float64(count)*weights[i] + float64(sc.maxSkew-1)
		}
		raw[j] = int64(math.Round(score))
	}
	return raw
}

// spreadNormalize flips the raw scores so that the node whose domains hold
// the fewest Pods of the workload gets 100. With the system defaults no node
// is ever ignored for lacking a topology label, so plain min/max suffices.
func spreadNormalize(raw []int64) []int64 {
	lo, hi := int64(math.MaxInt64), int64(0)
	for _, v := range raw {
		lo, hi = min(lo, v), max(hi, v)
	}
	out := make([]int64, len(raw))
	for j, v := range raw {
		if hi == 0 {
			out[j] = maxNodeScore
			continue
		}
		out[j] = maxNodeScore * (hi + lo - v) / hi
	}
	return out
}
