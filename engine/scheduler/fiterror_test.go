package scheduler

import (
	"reflect"
	"sort"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// TestFailedSchedulingMessage checks the whole FailedScheduling text against
// what current clusters print (Kubernetes 1.34+ with DRA on: the
// "no new claims to deallocate" part; 1.35+: taints are not named).
func TestFailedSchedulingMessage(t *testing.T) {
	// A kubeadm-like lab: one control plane, two workers whose memory is
	// mostly taken by a Pod of the same priority.
	lab := func() []NodeInfo {
		return []NodeInfo{
			on(mkNode("cp", controlPlane())),
			on(mkNode("w1", alloc("2", "2Gi", 110)), mkPod("db1", req("", "1536Mi"))),
			on(mkNode("w2", alloc("2", "2Gi", 110)), mkPod("db2", req("", "1536Mi"))),
		}
	}
	tests := map[string]struct {
		pod   *corev1.Pod
		nodes []NodeInfo
		want  string
	}{
		"1 control-plane taint and 2 insufficient memory": {
			pod:   mkPod("web", req("", "1Gi")),
			nodes: lab(),
			want: "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient memory. " +
				"no new claims to deallocate, preemption: 0/3 nodes are available: " +
				"1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
		},
		"a pod bigger than any node: preemption cannot help anywhere": {
			pod:   mkPod("oversized", req("64", "")),
			nodes: lab(),
			want: "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. " +
				"no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
		},
		"nodeSelector matches no node": {
			pod:   mkPod("web", selector("kubernetes.io/hostname", "k8s-node9")),
			nodes: lab(),
			want: "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector. " +
				"no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
		},
		"cpu and memory short on the same node count separately": {
			pod: mkPod("web", req("4", "8Gi")),
			nodes: []NodeInfo{
				on(mkNode("n1", alloc("8", "16Gi", 110)), mkPod("a", req("6", "12Gi"))),
				on(mkNode("n2", alloc("8", "16Gi", 110)), mkPod("b", req("6", "1Gi"))),
			},
			want: "0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. " +
				"no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
		},
		"preemptionPolicy Never": {
			pod:   mkPod("batch", req("2", ""), prio(1000), neverPreempt()),
			nodes: []NodeInfo{on(mkNode("n1"), mkPod("low", req("1", ""), prio(0)))},
			want: "0/1 nodes are available: 1 Insufficient cpu. " +
				"no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.",
		},
		"daemon pod pinned to a full node": {
			pod: mkPod("agent-x2", pinTo("n2")),
			nodes: []NodeInfo{
				on(mkNode("n1")),
				on(mkNode("n2", alloc("2", "4Gi", 1)), mkPod("busy")),
				on(mkNode("n3")),
			},
			want: "0/3 nodes are available: 1 Too many pods, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. " +
				"no new claims to deallocate, preemption: 0/3 nodes are available: " +
				"1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
		},
		"hostPort taken by a pod of the same priority": {
			pod:   mkPod("web", hostPortOn(80, "", "")),
			nodes: []NodeInfo{on(mkNode("n1"), mkPod("old", hostPortOn(80, "", "")))},
			want: "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. " +
				"no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
		},
		"removing every lower-priority pod is still not enough": {
			pod:   mkPod("web", req("", "3Gi"), prio(100)),
			nodes: []NodeInfo{on(mkNode("n1"), mkPod("sys", req("", "2Gi"), prio(1000)), mkPod("low", req("", "1Gi")))},
			want: "0/1 nodes are available: 1 Insufficient memory. " +
				"no new claims to deallocate, preemption: 0/1 nodes are available: 1 Insufficient memory.",
		},
		"contradicting pinned names": {
			pod: func() *corev1.Pod {
				p := mkPod("agent", pinTo("n1"))
				term := &p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0]
				term.MatchFields = append(term.MatchFields, corev1.NodeSelectorRequirement{
					Key: "metadata.name", Operator: corev1.NodeSelectorOpIn, Values: []string{"n2"}})
				return p
			}(),
			nodes: []NodeInfo{on(mkNode("n1")), on(mkNode("n2"))},
			want: "0/2 nodes are available: pod affinity terms conflict. " +
				"no new claims to deallocate, preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
		},
		"no nodes at all": {
			pod:  mkPod("web"),
			want: "no nodes available to schedule pods",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d := Schedule(tc.pod, tc.nodes)
			if d.Node != "" {
				t.Fatalf("scheduled to %s, want no node", d.Node)
			}
			if d.Reason != ReasonUnschedulable {
				t.Fatalf("Reason %q, want %q", d.Reason, ReasonUnschedulable)
			}
			if d.Message != tc.want {
				t.Fatalf("message\n got: %s\nwant: %s", d.Message, tc.want)
			}
			if d.Preemption != nil {
				t.Fatalf("unexpected preemption plan %+v", d.Preemption)
			}
		})
	}
}

// TestHistogramSortsAsStrings keeps upstream's quirk: counts are sorted as
// text, so 10 comes before 2.
func TestHistogramSortsAsStrings(t *testing.T) {
	got := fitError(12, "", map[string]int{"Insufficient cpu": 2, "node(s) had untolerated taint(s)": 10}, "")
	want := "0/12 nodes are available: 10 node(s) had untolerated taint(s), 2 Insufficient cpu."
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestPreemptionPlan: when evicting lower-priority Pods makes room, upstream
// nominates a node and its message has no "preemption:" part.
func TestPreemptionPlan(t *testing.T) {
	pod := mkPod("web", req("1", ""), prio(1000))
	nodes := []NodeInfo{
		// w2 must lose low3 only: low2 can stay (reprieved).
		on(mkNode("w2"), mkPod("low2", req("1", "")), mkPod("low3", req("800m", ""))),
		// w1 must lose low1; same cost as w2, and w1 comes first by name.
		on(mkNode("w1"), mkPod("low1", req("1500m", ""))),
		// w3 would need to evict a more important victim.
		on(mkNode("w3"), mkPod("mid", req("1500m", ""), prio(500))),
	}
	d := Schedule(pod, nodes)
	if d.Node != "" || d.Preemption == nil {
		t.Fatalf("want a preemption plan, got node %q plan %+v", d.Node, d.Preemption)
	}
	if d.Preemption.Node != "w1" || len(d.Preemption.Victims) != 1 || d.Preemption.Victims[0].Name != "low1" {
		t.Fatalf("plan %s %v, want w1 [low1]", d.Preemption.Node, names(d.Preemption.Victims))
	}
	if want := "0/3 nodes are available: 3 Insufficient cpu."; d.Message != want {
		t.Fatalf("message %q, want %q", d.Message, want)
	}

	// Without w1, w2 is the cheapest: only low3 goes, low2 is reprieved.
	d = Schedule(pod, []NodeInfo{nodes[0], nodes[2]})
	if d.Preemption == nil || d.Preemption.Node != "w2" || len(d.Preemption.Victims) != 1 || d.Preemption.Victims[0].Name != "low3" {
		t.Fatalf("plan %+v, want w2 [low3]", d.Preemption)
	}
}

func names(pods []*corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.Name)
	}
	return out
}

// TestVictimOrder: preemption gives Pods back most important first: higher
// priority, then the one that started earlier, then one not started at all.
func TestVictimOrder(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pods := []*corev1.Pod{
		mkPod("new"),
		mkPod("young", started(t0.Add(time.Hour))),
		mkPod("vip", prio(10)),
		mkPod("old", started(t0)),
	}
	sort.SliceStable(pods, func(i, j int) bool { return moreImportant(pods[i], pods[j]) })
	if got := names(pods); !reflect.DeepEqual(got, []string{"vip", "old", "young", "new"}) {
		t.Fatalf("order %v", got)
	}
}

// TestPreemptionPrefersCheaperVictims: between two nodes, evict the
// lower-priority Pod, then the fewer Pods.
func TestPreemptionPrefersCheaperVictims(t *testing.T) {
	pod := mkPod("web", req("1500m", ""), prio(1000))
	d := Schedule(pod, []NodeInfo{
		// a: one victim, but of a higher priority than the others.
		on(mkNode("a"), mkPod("mid", req("1500m", ""), prio(100))),
		// b: each of its Pods alone blocks the new one, so both must go.
		on(mkNode("b"), mkPod("low-1", req("700m", "")), mkPod("low-2", req("700m", ""))),
		// c: a single priority-0 victim.
		on(mkNode("c"), mkPod("low-3", req("1500m", ""))),
	})
	if d.Preemption == nil || d.Preemption.Node != "c" || !reflect.DeepEqual(names(d.Preemption.Victims), []string{"low-3"}) {
		t.Fatalf("plan %+v", d.Preemption)
	}
}
