package scheduler

import (
	"math"

	corev1 "k8s.io/api/core/v1"
)

// maxNodeScore is the top of every plugin's normalised range.
const maxNodeScore int64 = 100

// scorer is one score plugin: raw scores for the feasible nodes, then
// normalised in place. skip mirrors upstream PreScore returning Skip: the
// plugin then adds nothing, for any node.
type scorer struct {
	plugin string
	weight int64
	skip   func(c *cycle, feasible []*nodeState) bool
	raw    func(c *cycle, feasible []*nodeState) []int64
	// normalize may be nil when raw scores are already 0..100.
	normalize func(raw []int64) []int64
}

// scorers are the default profile's score plugins with their default
// weights, in upstream order. InterPodAffinity (x2) and ImageLocality (x1)
// are not modelled: the first needs Pod (anti-)affinity, the second image
// sizes we do not track.
var scorers = []scorer{
	{
		plugin: PluginTaintToleration, weight: 3,
		raw: func(c *cycle, feasible []*nodeState) []int64 {
			return perNode(feasible, func(n *nodeState) int64 {
				return countIntolerablePreferNoSchedule(n.node.Spec.Taints, c.pod.Spec.Tolerations)
			})
		},
		// Fewer untolerated PreferNoSchedule taints is better: reverse.
		normalize: func(raw []int64) []int64 { return defaultNormalize(raw, true) },
	},
	{
		plugin: PluginNodeAffinity, weight: 2,
		skip: func(c *cycle, _ []*nodeState) bool { return len(preferredTerms(c.pod)) == 0 },
		raw: func(c *cycle, feasible []*nodeState) []int64 {
			return perNode(feasible, func(n *nodeState) int64 { return preferredAffinityScore(c.pod, n.node) })
		},
		normalize: func(raw []int64) []int64 { return defaultNormalize(raw, false) },
	},
	{
		plugin: PluginNodeResourcesFit, weight: 1,
		raw: func(c *cycle, feasible []*nodeState) []int64 {
			return perNode(feasible, func(n *nodeState) int64 { return leastAllocated(c, n) })
		},
	},
	{
		plugin: PluginPodTopologySpread, weight: 2,
		skip:      func(c *cycle, _ []*nodeState) bool { return len(defaultSpreadConstraints(c.pod)) == 0 },
		raw:       spreadRaw,
		normalize: spreadNormalize,
	},
	{
		plugin: PluginBalancedAllocation, weight: 1,
		// A BestEffort Pod changes no node's balance; upstream skips it so
		// that such Pods are not all drawn to the same node.
		skip: func(c *cycle, _ []*nodeState) bool {
			return c.request[corev1.ResourceCPU] == 0 && c.request[corev1.ResourceMemory] == 0
		},
		raw: func(c *cycle, feasible []*nodeState) []int64 {
			return perNode(feasible, func(n *nodeState) int64 { return balancedAllocation(c, n) })
		},
	},
}

func perNode(nodes []*nodeState, f func(*nodeState) int64) []int64 {
	out := make([]int64, len(nodes))
	for i, n := range nodes {
		out[i] = f(n)
	}
	return out
}

// scoreNodes runs every scorer over the feasible nodes and returns, per node,
// the plugin scores and the weighted total.
func scoreNodes(c *cycle, feasible []*nodeState) ([][]PluginScore, []int64) {
	perPlugin := make([][]PluginScore, len(feasible))
	totals := make([]int64, len(feasible))
	for _, s := range scorers {
		if s.skip != nil && s.skip(c, feasible) {
			continue
		}
		raw := s.raw(c, feasible)
		norm := raw
		if s.normalize != nil {
			norm = s.normalize(raw)
		}
		for i := range feasible {
			perPlugin[i] = append(perPlugin[i], PluginScore{Plugin: s.plugin, Raw: raw[i], Score: norm[i], Weight: s.weight})
			totals[i] += norm[i] * s.weight
		}
	}
	return perPlugin, totals
}

// defaultNormalize scales raw scores so the best becomes 100 (or, reversed,
// so the highest raw becomes 0). When every raw score is 0 the plugin had
// nothing to say: all 0, or all 100 when reversed.
func defaultNormalize(raw []int64, reverse bool) []int64 {
	var top int64
	for _, v := range raw {
		top = max(top, v)
	}
	out := make([]int64, len(raw))
	for i, v := range raw {
		switch {
		case top == 0 && reverse:
			out[i] = maxNodeScore
		case top == 0:
			out[i] = 0
		case reverse:
			out[i] = maxNodeScore - maxNodeScore*v/top
		default:
			out[i] = maxNodeScore * v / top
		}
	}
	return out
}

// scoredResources are the resources LeastAllocated and BalancedAllocation
// look at by default, each with weight 1.
var scoredResources = []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory}

// leastAllocated is NodeResourcesFit's default scoring strategy: the share
// of each resource left free once the Pod is placed, averaged over cpu and
// memory. Request-less containers count as 100m/200Mi here so that a node
// crowded with BestEffort Pods does not look empty. Integer arithmetic, as
// upstream, so the numbers match a real cluster's scores exactly.
func leastAllocated(c *cycle, n *nodeState) int64 {
	var sum, weights int64
	for _, name := range scoredResources {
		capacity := n.allocatable[name]
		if capacity == 0 {
			continue
		}
		requested := n.nonZeroRequested[name] + c.nonZero[name]
		var s int64
		if requested <= capacity {
			s = (capacity - requested) * maxNodeScore / capacity
		}
		sum += s
		weights++
	}
	if weights == 0 {
		return 0
	}
	return sum / weights
}

// balance is how evenly a node's cpu and memory are used: 100 when both are
// at the same fraction of allocatable, down to 50 when one is full and the
// other empty (100 minus the standard deviation of the fractions).
func balance(requested, allocatable amounts) int64 {
	var fractions []float64
	var total float64
	for _, name := range scoredResources {
		if allocatable[name] == 0 {
			continue
		}
		f := min(float64(requested[name])/float64(allocatable[name]), 1)
		fractions = append(fractions, f)
		total += f
	}
	var std float64
	switch {
	case len(fractions) == 2:
		std = math.Abs(fractions[0]-fractions[1]) / 2
	case len(fractions) > 2:
		mean := total / float64(len(fractions))
		var sq float64
		for _, f := range fractions {
			sq += (f - mean) * (f - mean)
		}
		std = math.Sqrt(sq / float64(len(fractions)))
	}
	return int64((1 - std) * float64(maxNodeScore))
}

// balancedAllocation rewards the change the Pod brings to a node's balance
// (Kubernetes 1.36+, kubernetes/kubernetes#135573): 75 when the balance does
// not move, towards 100 when the Pod evens cpu and memory out, towards 50
// when it skews them. It uses real requests, not the 100m/200Mi defaults.
func balancedAllocation(c *cycle, n *nodeState) int64 {
	with := n.requested.clone()
	with.add(c.request)
	scoreWith := balance(with, n.allocatable)
	scoreWithout := balance(n.requested, n.allocatable)
	return maxNodeScore/2 + (maxNodeScore/2+scoreWith-scoreWithout)/2
}

// pickHost returns the index of the best-scoring node.
//
// Upstream kube-scheduler picks uniformly at random among the nodes sharing
// the top score (reservoir sampling in selectHost). A learning environment
// must replay the same lesson the same way, so we break ties
// deterministically instead: the node running the fewest Pods wins (it is
// what spreading would favour anyway), then the first by name. nodes are
// already in name order.
func pickHost(nodes []*nodeState, totals []int64) int {
	best := 0
	for i := 1; i < len(nodes); i++ {
		switch {
		case totals[i] > totals[best]:
			best = i
		case totals[i] == totals[best] && len(nodes[i].pods) < len(nodes[best].pods):
			best = i
		}
	}
	return best
}
