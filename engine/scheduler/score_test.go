package scheduler

import (
	"fmt"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestScoring checks the winner and each feasible node's total. The totals
// are worked out by hand in the comments, so a change in any plugin's
// arithmetic shows up here.
func TestScoring(t *testing.T) {
	tests := map[string]struct {
		pod        *corev1.Pod
		nodes      []NodeInfo
		wantNode   string
		wantTotals map[string]int64
	}{
		// LeastAllocated: a ends at 1500m/2 and 3Gi/4Gi -> 25, b at 500m and
		// 1Gi -> 75. BalancedAllocation: both stay perfectly balanced -> 75.
		// TaintToleration: no taints -> 100 x3. Totals 400 and 450.
		"the emptier node wins": {
			pod: mkPod("web", req("500m", "1Gi")),
			nodes: []NodeInfo{
				on(mkNode("node-a"), mkPod("old", req("1", "2Gi"))),
				on(mkNode("node-b")),
			},
			wantNode:   "node-b",
			wantTotals: map[string]int64{"node-a": 400, "node-b": 450},
		},
		// The course's slide: node1 has 1Gi memory left, node2 3.7Gi; a Pod
		// requesting 2Gi only fits node2 (no scoring with one feasible node).
		"course example: 2Gi goes where it fits": {
			pod: mkPod("pod-4", req("", "2Gi")),
			nodes: []NodeInfo{
				on(mkNode("node1", alloc("2", "4Gi", 110)), mkPod("a", req("", "3Gi"))),
				on(mkNode("node2", alloc("2", "4Gi", 110)), mkPod("b", req("", "307Mi"))),
			},
			wantNode:   "node2",
			wantTotals: map[string]int64{"node2": 0},
		},
		// A PreferNoSchedule taint costs the whole TaintToleration score:
		// a gets 0 x3, b 100 x3. Both: Fit (95 cpu + 97 memory) / 2 = 96;
		// BalancedAllocation 100 before, 98 after -> 50 + (50+98-100)/2 = 74.
		"PreferNoSchedule taint repels": {
			pod: mkPod("web", req("100m", "100Mi")),
			nodes: []NodeInfo{
				on(mkNode("a", taint("spot", "true", corev1.TaintEffectPreferNoSchedule))),
				on(mkNode("b")),
			},
			wantNode:   "b",
			wantTotals: map[string]int64{"a": 0 + 96 + 74, "b": 300 + 96 + 74},
		},
		"tolerated PreferNoSchedule taint costs nothing": {
			pod: mkPod("web", req("100m", "100Mi"), tolerate("spot", corev1.TolerationOpExists, "", corev1.TaintEffectPreferNoSchedule)),
			nodes: []NodeInfo{
				on(mkNode("a", taint("spot", "true", corev1.TaintEffectPreferNoSchedule))),
				on(mkNode("b")),
			},
			wantNode:   "a", // tie, both empty: first by name
			wantTotals: map[string]int64{"a": 470, "b": 470},
		},
		// Preferred affinity: a matches weight 10 -> 100 x2, b -> 0, which
		// outweighs b being emptier (Fit 75 vs 25).
		"preferred node affinity beats free room": {
			pod: mkPod("web", req("500m", "1Gi"), prefer(10, "disk", "ssd")),
			nodes: []NodeInfo{
				on(mkNode("a", label("disk", "ssd")), mkPod("old", req("1", "2Gi"))),
				on(mkNode("b")),
			},
			wantNode:   "a",
			wantTotals: map[string]int64{"a": 300 + 200 + 25 + 75, "b": 300 + 0 + 75 + 75},
		},
		// Spreading, hostname key only (no zone labels): raw = n*ln(5)+2 ->
		// a(2 replicas)=5, b(1)=4, c(0)=2; normalised 100*(7-raw)/5 -> 40,
		// 60, 100, x2. Fit with 100m/200Mi per request-less container:
		// 92, 95, 97. BalancedAllocation skipped (BestEffort Pod).
		"replicas spread over nodes": {
			pod: mkPod("web-3", ownedBy("ReplicaSet", "web-7d4")),
			nodes: []NodeInfo{
				on(mkNode("a", alloc("4", "8Gi", 110)), mkPod("web-1", ownedBy("ReplicaSet", "web-7d4")), mkPod("web-2", ownedBy("ReplicaSet", "web-7d4"))),
				on(mkNode("b", alloc("4", "8Gi", 110)), mkPod("web-0", ownedBy("ReplicaSet", "web-7d4")), mkPod("other", ownedBy("ReplicaSet", "api-55c"))),
				on(mkNode("c", alloc("4", "8Gi", 110)), mkPod("x", ownedBy("ReplicaSet", "api-55c"))),
			},
			wantNode:   "c",
			wantTotals: map[string]int64{"a": 300 + 92 + 80, "b": 300 + 92 + 120, "c": 300 + 95 + 200},
		},
		// Zones too: z1 holds 1 replica, z2 none. Raw = hostname term
		// n*ln(6)+2 plus zone term n*ln(4)+4: a 9, b 7, c 6, d 6;
		// normalised 100*(15-raw)/9 -> 66, 88, 100, 100, x2. Fit 95 for a
		// (one more request-less Pod), 97 elsewhere. c and d tie: c by name.
		"replicas spread over zones": {
			pod: mkPod("web-2", ownedBy("ReplicaSet", "web-7d4")),
			nodes: []NodeInfo{
				on(mkNode("a", alloc("4", "8Gi", 110), label(corev1.LabelTopologyZone, "z1")), mkPod("web-1", ownedBy("ReplicaSet", "web-7d4"))),
				on(mkNode("b", alloc("4", "8Gi", 110), label(corev1.LabelTopologyZone, "z1"))),
				on(mkNode("c", alloc("4", "8Gi", 110), label(corev1.LabelTopologyZone, "z2"))),
				on(mkNode("d", alloc("4", "8Gi", 110), label(corev1.LabelTopologyZone, "z2"))),
			},
			wantNode:   "c",
			wantTotals: map[string]int64{"a": 300 + 95 + 132, "b": 300 + 97 + 176, "c": 300 + 97 + 200, "d": 300 + 97 + 200},
		},
		// Ties: equal scores (the single BestEffort Pod on a is too small to
		// move integer percentages on such big nodes); the node with fewer
		// Pods wins even though it comes later by name.
		"tie goes to the node with fewer pods": {
			pod: mkPod("web"),
			nodes: []NodeInfo{
				on(mkNode("a", alloc("64", "256Gi", 110)), mkPod("idle")),
				on(mkNode("b", alloc("64", "256Gi", 110))),
			},
			wantNode:   "b",
			wantTotals: map[string]int64{"a": 399, "b": 399},
		},
		// BestEffort: Fit counts 100m/200Mi -> 95 and 95; no BalancedAllocation.
		"full tie goes to the first name": {
			pod:        mkPod("web"),
			nodes:      []NodeInfo{on(mkNode("b")), on(mkNode("a"))},
			wantNode:   "a",
			wantTotals: map[string]int64{"a": 395, "b": 395},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d := Schedule(tc.pod, tc.nodes)
			if d.Node != tc.wantNode {
				t.Fatalf("scheduled to %q, want %q (%s)", d.Node, tc.wantNode, describeScores(d))
			}
			got := map[string]int64{}
			for _, v := range d.Verdicts {
				if v.Feasible {
					got[v.Node] = v.Score
				}
			}
			if !reflect.DeepEqual(got, tc.wantTotals) {
				t.Fatalf("totals %v, want %v (%s)", got, tc.wantTotals, describeScores(d))
			}
		})
	}
}

func describeScores(d Decision) string {
	s := ""
	for _, v := range d.Verdicts {
		s += fmt.Sprintf("%s:%d%v ", v.Node, v.Score, v.Scores)
	}
	return s
}

// TestBalancedAllocation pins the 1.36+ formula: 75 when the Pod leaves the
// balance as it was, more when it evens cpu and memory out.
func TestBalancedAllocation(t *testing.T) {
	tests := map[string]struct {
		pod  *corev1.Pod
		node NodeInfo
		want int64
	}{
		"balance unchanged": {
			pod:  mkPod("p", req("1", "1Gi")),
			node: on(mkNode("n", alloc("4", "4Gi", 110))),
			want: 75,
		},
		// Without: cpu 3/4, memory 0 -> 62. With: cpu 1, memory 1/4 -> 62.
		"skew kept": {
			pod:  mkPod("p", req("1", "1Gi")),
			node: on(mkNode("n", alloc("4", "4Gi", 110)), mkPod("cpu-hog", req("3", ""))),
			want: 75,
		},
		// Without: cpu 1/2, memory 0 -> 75. With: 1/2 and 1/2 -> 100.
		// 50 + (50 + 100 - 75) / 2 = 87.
		"pod evens the node out": {
			pod:  mkPod("p", req("", "2Gi")),
			node: on(mkNode("n", alloc("4", "4Gi", 110)), mkPod("cpu-hog", req("2", ""))),
			want: 87,
		},
		// Without: both 0 -> 100. With: cpu 1, memory 0 -> 50.
		// 50 + (50 + 50 - 100) / 2 = 50.
		"pod skews an empty node completely": {
			pod:  mkPod("p", req("4", "")),
			node: on(mkNode("n", alloc("4", "4Gi", 110))),
			want: 50,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := balancedAllocation(newCycle(tc.pod), newNodeState(tc.node.Node, tc.node.Pods))
			if got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
}

// TestDeterminism: the input order of nodes and repeated runs never change
// the Decision, ties included.
func TestDeterminism(t *testing.T) {
	pod := mkPod("web-4", req("100m", "128Mi"), ownedBy("ReplicaSet", "web-7d4"))
	nodes := []NodeInfo{
		on(mkNode("n1")),
		on(mkNode("n2")),
		on(mkNode("n3"), mkPod("web-1", ownedBy("ReplicaSet", "web-7d4"))),
		on(mkNode("cp", controlPlane())),
		on(mkNode("n4")),
	}
	want := Schedule(pod, nodes)
	if want.Node != "n1" {
		t.Fatalf("want n1 (tie among empty nodes, first by name), got %q", want.Node)
	}
	orders := [][]int{{4, 3, 2, 1, 0}, {2, 0, 4, 1, 3}, {1, 3, 0, 4, 2}}
	for _, order := range orders {
		shuffled := make([]NodeInfo, len(order))
		for i, j := range order {
			shuffled[i] = nodes[j]
		}
		for range 3 {
			if got := Schedule(pod, shuffled); !reflect.DeepEqual(got, want) {
				t.Fatalf("order %v gave %q (%s), want %q", order, got.Node, got.EN, want.Node)
			}
		}
	}
	var order []string
	for _, v := range want.Verdicts {
		order = append(order, v.Node)
	}
	if !reflect.DeepEqual(order, []string{"cp", "n1", "n2", "n3", "n4"}) {
		t.Fatalf("verdicts not in name order: %v", order)
	}
}
