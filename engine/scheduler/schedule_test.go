package scheduler

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestScheduleOutcomes covers the decisions that do not come from scoring,
// with the exact sentences a student reads.
func TestScheduleOutcomes(t *testing.T) {
	lab := func() []NodeInfo {
		return []NodeInfo{
			on(mkNode("cp", controlPlane())),
			on(mkNode("w1", alloc("2", "2Gi", 110)), mkPod("db1", req("", "1536Mi"))),
			on(mkNode("w2", alloc("2", "2Gi", 110)), mkPod("db2", req("", "1536Mi"))),
		}
	}
	tests := map[string]struct {
		pod         *corev1.Pod
		nodes       []NodeInfo
		wantNode    string
		wantReason  string
		wantMessage string
		wantEN      string
		wantKO      string
	}{
		"spec.nodeName bypasses the scheduler": {
			pod:      mkPod("static", boundTo("w2")),
			nodes:    lab(),
			wantNode: "w2",
			wantEN:   "Pod static already names node w2 in spec.nodeName, so the scheduler leaves it alone and the kubelet on w2 runs it directly.",
			wantKO:   "static 파드는 spec.nodeName에 w2 노드가 이미 지정되어 있어 스케줄러를 거치지 않고 w2 노드의 kubelet이 바로 실행합니다.",
		},
		"scheduling gates hold the pod": {
			pod:         mkPod("job-1", gated("example.com/quota")),
			nodes:       lab(),
			wantReason:  ReasonSchedulingGated,
			wantMessage: "Scheduling is blocked due to non-empty scheduling gates",
			wantEN:      "Pod job-1 is not scheduled yet because it still has scheduling gates (example.com/quota); it stays Pending until they are all removed.",
			wantKO:      "job-1 파드에는 아직 스케줄링 게이트(example.com/quota)가 남아 있어, 게이트가 모두 제거될 때까지 스케줄링되지 않고 Pending 상태로 남습니다.",
		},
		"mixed reasons": {
			pod:        mkPod("web", req("", "1Gi")),
			nodes:      lab(),
			wantReason: ReasonUnschedulable,
			wantMessage: "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient memory. " +
				"no new claims to deallocate, preemption: 0/3 nodes are available: " +
				"1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
			wantEN: "Pod web stays Pending because none of the 3 nodes can run it: " +
				"2 nodes (w1, w2) do not have enough free memory for the pod's requests; " +
				"1 node (cp) has a taint the pod does not tolerate (node-role.kubernetes.io/control-plane:NoSchedule).",
			wantKO: "web 파드는 노드 3개 중 어디에도 배치할 수 없어 Pending 상태로 남습니다" +
				"(w1, w2: 파드의 메모리 리소스 요청을 수용할 여유가 없음; " +
				"cp: 파드에 톨러레이션이 없는 테인트(node-role.kubernetes.io/control-plane:NoSchedule)가 있음).",
		},
		"nodeSelector matches nothing": {
			pod:        mkPod("pod-3", selector("kubernetes.io/hostname", "k8s-node1")),
			nodes:      []NodeInfo{on(mkNode("w1")), on(mkNode("w2"))},
			wantReason: ReasonUnschedulable,
			wantMessage: "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. " +
				"no new claims to deallocate, preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
			wantEN: "Pod pod-3 stays Pending because none of the 2 nodes can run it: w1 and w2 do not match the pod's nodeSelector or node affinity.",
			wantKO: "pod-3 파드는 노드 2개 중 어디에도 배치할 수 없어 Pending 상태로 남습니다(w1, w2: 노드 레이블이 파드의 nodeSelector/노드 어피니티와 맞지 않음).",
		},
		"single node cluster": {
			pod:        mkPod("big", req("3", "5Gi")),
			nodes:      []NodeInfo{on(mkNode("minikube"))},
			wantReason: ReasonUnschedulable,
			wantMessage: "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. " +
				"no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
			wantEN: "Pod big stays Pending because the cluster's only node cannot run it: minikube does not have enough free CPU and memory for the pod's requests.",
			wantKO: "big 파드는 클러스터의 유일한 노드에 배치할 수 없어 Pending 상태로 남습니다(minikube: 파드의 CPU·메모리 리소스 요청을 수용할 여유가 없음).",
		},
		"only one node passes the filters": {
			pod:      mkPod("pod-4", req("", "2Gi")),
			nodes:    []NodeInfo{on(mkNode("node1"), mkPod("a", req("", "3Gi"))), on(mkNode("node2")), on(mkNode("cp", controlPlane()))},
			wantNode: "node2",
			wantEN: "Pod pod-4 was scheduled to node2 because it is the only one of the 3 nodes that passes every filter " +
				"(cp: untolerated taint node-role.kubernetes.io/control-plane:NoSchedule; node1: not enough free memory).",
			wantKO: "pod-4 파드는 노드 3개 중 모든 필터를 통과한 유일한 노드인 node2에 배치되었습니다" +
				"(cp: 파드에 톨러레이션이 없는 테인트(node-role.kubernetes.io/control-plane:NoSchedule)가 있음; " +
				"node1: 파드의 메모리 리소스 요청을 수용할 여유가 없음).",
		},
		"daemon pod pinned to its node": {
			pod:      mkPod("agent-x2", pinTo("n2")),
			nodes:    []NodeInfo{on(mkNode("n1")), on(mkNode("n2")), on(mkNode("n3"))},
			wantNode: "n2",
			wantEN:   "Pod agent-x2 was scheduled to n2 because it is the only one of the 3 nodes that passes every filter (n1, n3: not named by the pod's node affinity).",
			wantKO:   "agent-x2 파드는 노드 3개 중 모든 필터를 통과한 유일한 노드인 n2에 배치되었습니다(n1, n3: 파드의 노드 어피니티(matchFields metadata.name)가 지정한 노드가 아님).",
		},
		"cordoned and busy nodes": {
			pod: mkPod("web", hostPortOn(80, "", "")),
			nodes: []NodeInfo{
				on(mkNode("n1", cordoned())),
				on(mkNode("n2"), mkPod("ingress", hostPortOn(80, "", ""))),
				on(mkNode("n3", alloc("2", "4Gi", 1)), mkPod("x")),
			},
			wantReason: ReasonUnschedulable,
			wantMessage: "0/3 nodes are available: 1 Too many pods, 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) were unschedulable. " +
				"no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
			wantEN: "Pod web stays Pending because none of the 3 nodes can run it: 1 node (n1) is cordoned (spec.unschedulable); " +
				"1 node (n2) already has the requested hostPort in use (0.0.0.0:80/TCP); 1 node (n3) already runs as many pods as it allows.",
			wantKO: "web 파드는 노드 3개 중 어디에도 배치할 수 없어 Pending 상태로 남습니다(n1: cordon되어 스케줄할 수 없음; " +
				"n2: 요청한 hostPort(0.0.0.0:80/TCP)를 이미 다른 파드가 사용 중임; n3: 허용된 최대 파드 수에 이미 도달함).",
		},
		"the only node": {
			pod:      mkPod("pod-1"),
			nodes:    []NodeInfo{on(mkNode("minikube"))},
			wantNode: "minikube",
			wantEN:   "Pod pod-1 was scheduled to minikube, the cluster's only node, which passes every filter.",
			wantKO:   "pod-1 파드는 모든 필터를 통과한 클러스터의 유일한 노드 minikube에 배치되었습니다.",
		},
		"scored choice": {
			pod: mkPod("web", req("500m", "1Gi")),
			nodes: []NodeInfo{
				on(mkNode("node-a"), mkPod("old", req("1", "2Gi"))),
				on(mkNode("node-b")),
			},
			wantNode: "node-b",
			wantEN: "Pod web was scheduled to node-b: both nodes pass every filter and node-b scores highest with 450 points " +
				"(node-a next with 400), mainly because it has more CPU and memory left than node-a once the pod is placed.",
			wantKO: "노드 2개가 모두 필터를 통과했고, 그중 node-a 노드보다 파드를 배치한 뒤 남는 CPU와 메모리가 더 많은 " +
				"node-b 노드가 450점으로 가장 높은 점수를 받아(다음: node-a 400점) web 파드는 node-b 노드에 배치되었습니다.",
		},
		"scored choice decided by spreading": {
			pod: mkPod("web-3", ownedBy("ReplicaSet", "web-7d4")),
			nodes: []NodeInfo{
				on(mkNode("a", alloc("4", "8Gi", 110)), mkPod("web-1", ownedBy("ReplicaSet", "web-7d4")), mkPod("web-2", ownedBy("ReplicaSet", "web-7d4"))),
				on(mkNode("b", alloc("4", "8Gi", 110)), mkPod("web-0", ownedBy("ReplicaSet", "web-7d4"))),
				on(mkNode("c", alloc("4", "8Gi", 110)), mkPod("x", ownedBy("ReplicaSet", "api-55c"))),
				on(mkNode("cp", controlPlane())),
			},
			wantNode: "c",
			wantEN: "Pod web-3 was scheduled to c: 3 of 4 nodes pass every filter (cp: untolerated taint node-role.kubernetes.io/control-plane:NoSchedule) " +
				"and c scores highest with 595 points (b next with 515), mainly because it runs fewer pods of the same workload than b, which spreads the replicas out.",
			wantKO: "노드 4개 중 3개가 모든 필터를 통과했고(cp: 파드에 톨러레이션이 없는 테인트(node-role.kubernetes.io/control-plane:NoSchedule)가 있음), " +
				"그중 b 노드보다 같은 워크로드의 파드가 적게 실행 중이어서 복제본이 고르게 분산되는 c 노드가 595점으로 가장 높은 점수를 받아(다음: b 515점) " +
				"web-3 파드는 c 노드에 배치되었습니다.",
		},
		"tie": {
			pod:      mkPod("web"),
			nodes:    []NodeInfo{on(mkNode("b")), on(mkNode("a"))},
			wantNode: "a",
			wantEN: "Pod web was scheduled to a: both nodes pass every filter and a, b tie for the top score (395 points); " +
				"the real kube-scheduler would pick one of them at random, but kubetour takes the one running the fewest pods, then the first by name.",
			wantKO: "노드 2개가 모두 필터를 통과했고 a, b 노드가 395점으로 동점이었는데, 실제 kube-scheduler는 그중 하나를 무작위로 고르지만 " +
				"kubetour는 실행 중인 파드가 가장 적은 노드(같으면 이름순)를 골라 web 파드를 a 노드에 배치했습니다.",
		},
		"nominated node is taken as soon as it fits": {
			pod:      mkPod("web", req("1", ""), prio(1000), nominated("w2")),
			nodes:    []NodeInfo{on(mkNode("w1")), on(mkNode("w2"), mkPod("x", req("500m", "")))},
			wantNode: "w2",
			wantEN:   "Pod web was scheduled to w2, the node it was nominated for after preempting lower-priority pods, because w2 now passes every filter.",
			wantKO:   "web 파드는 preemption으로 지명(nominated)된 w2 노드가 이제 모든 필터를 통과하므로 w2 노드에 배치되었습니다.",
		},
		"preemption makes room": {
			pod:         mkPod("critical", req("1", ""), prio(1000)),
			nodes:       []NodeInfo{on(mkNode("w1"), mkPod("batch-1", req("1500m", "")), mkPod("batch-2", req("200m", "")))},
			wantReason:  ReasonUnschedulable,
			wantMessage: "0/1 nodes are available: 1 Insufficient cpu.",
			wantEN: "Pod critical does not fit on the cluster's only node right now (w1: not enough free CPU), " +
				"so the scheduler will evict the lower-priority pod batch-1 from w1 to make room and retry the pod there.",
			wantKO: "critical 파드는 지금 클러스터의 유일한 노드에 배치할 수 없어(w1: 파드의 CPU 리소스 요청을 수용할 여유가 없음), " +
				"스케줄러가 w1 노드에서 우선순위가 더 낮은 파드(batch-1)를 축출(preemption)하고 그 노드에 다시 배치를 시도합니다.",
		},
		"no nodes": {
			pod:         mkPod("web"),
			wantReason:  ReasonUnschedulable,
			wantMessage: "no nodes available to schedule pods",
			wantEN:      "Pod web stays Pending because the cluster has no nodes to run it on.",
			wantKO:      "클러스터에 노드가 하나도 없어 web 파드는 Pending 상태로 남습니다.",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d := Schedule(tc.pod, tc.nodes)
			if d.Node != tc.wantNode || d.Reason != tc.wantReason || d.Message != tc.wantMessage {
				t.Fatalf("got node %q reason %q message %q\nwant node %q reason %q message %q",
					d.Node, d.Reason, d.Message, tc.wantNode, tc.wantReason, tc.wantMessage)
			}
			if d.EN != tc.wantEN {
				t.Errorf("EN\n got: %s\nwant: %s", d.EN, tc.wantEN)
			}
			if d.KO != tc.wantKO {
				t.Errorf("KO\n got: %s\nwant: %s", d.KO, tc.wantKO)
			}
		})
	}
}

// TestVerdicts checks what the UI gets per node: the filter chain up to the
// first failure, and per-plugin scores only on feasible nodes.
func TestVerdicts(t *testing.T) {
	pod := mkPod("web", req("500m", "1Gi"))
	d := Schedule(pod, []NodeInfo{
		on(mkNode("node-b")),
		on(mkNode("cp", controlPlane())),
		on(mkNode("node-a"), mkPod("old", req("1", "2Gi"))),
	})
	if len(d.Verdicts) != 3 {
		t.Fatalf("got %d verdicts", len(d.Verdicts))
	}
	cp := d.Verdicts[0]
	wantChain := []string{PluginNodeUnschedulable, PluginNodeName, PluginTaintToleration}
	if cp.Node != "cp" || cp.Feasible || len(cp.Filters) != len(wantChain) || cp.Scores != nil || cp.Score != 0 {
		t.Fatalf("cp verdict: %+v", cp)
	}
	for i, f := range cp.Filters {
		if f.Plugin != wantChain[i] || f.Passed != (i < 2) {
			t.Fatalf("cp filter %d: %+v", i, f)
		}
	}
	b := d.Verdicts[2]
	if b.Node != "node-b" || !b.Feasible || len(b.Filters) != len(filters) {
		t.Fatalf("node-b verdict: %+v", b)
	}
	wantScores := []PluginScore{
		{Plugin: PluginTaintToleration, Raw: 0, Score: 100, Weight: 3},
		{Plugin: PluginNodeResourcesFit, Raw: 75, Score: 75, Weight: 1},
		{Plugin: PluginBalancedAllocation, Raw: 75, Score: 75, Weight: 1},
	}
	if len(b.Scores) != len(wantScores) {
		t.Fatalf("node-b scores %+v", b.Scores)
	}
	for i := range wantScores {
		if b.Scores[i] != wantScores[i] {
			t.Fatalf("node-b score %d: got %+v want %+v", i, b.Scores[i], wantScores[i])
		}
	}
}

// TestScheduleDoesNotMutate: the Pod and node objects come from the store and
// must come back untouched.
func TestScheduleDoesNotMutate(t *testing.T) {
	pod := mkPod("web", req("500m", "1Gi"), hostNetwork(), containerPort(80))
	node := mkNode("n1")
	existing := mkPod("old", req("1", ""))
	podCopy, nodeCopy, existingCopy := pod.DeepCopy(), node.DeepCopy(), existing.DeepCopy()
	Schedule(pod, []NodeInfo{on(node, existing)})
	if !equalJSON(pod, podCopy) || !equalJSON(node, nodeCopy) || !equalJSON(existing, existingCopy) {
		t.Fatal("Schedule changed its inputs")
	}
}
