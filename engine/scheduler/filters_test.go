package scheduler

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestFilters runs the whole filter chain on one node and checks which
// plugin stops the Pod, with upstream's exact reason, or that none does.
func TestFilters(t *testing.T) {
	const (
		ns = corev1.TaintEffectNoSchedule
		ne = corev1.TaintEffectNoExecute
		pn = corev1.TaintEffectPreferNoSchedule
	)
	eq, ex := corev1.TolerationOpEqual, corev1.TolerationOpExists

	tests := map[string]struct {
		pod        *corev1.Pod
		node       NodeInfo
		wantPlugin string // "" when every filter passes
		wantReason string
		wantDetail string
	}{
		"empty node takes a small pod": {
			pod:  mkPod("web", req("500m", "1Gi")),
			node: on(mkNode("n1")),
		},

		// NodeUnschedulable
		"cordoned node refuses": {
			pod:        mkPod("web"),
			node:       on(mkNode("n1", cordoned())),
			wantPlugin: PluginNodeUnschedulable, wantReason: "node(s) were unschedulable",
			wantDetail: "spec.unschedulable: true",
		},
		"cordoned node accepts a pod tolerating the unschedulable taint": {
			pod:  mkPod("ds", tolerate("node.kubernetes.io/unschedulable", ex, "", ns)),
			node: on(mkNode("n1", cordoned())),
		},
		"cordon is checked before resources": {
			pod:        mkPod("web", req("8", "")),
			node:       on(mkNode("n1", cordoned())),
			wantPlugin: PluginNodeUnschedulable, wantReason: "node(s) were unschedulable",
			wantDetail: "spec.unschedulable: true",
		},

		// NodeName (only reachable through runFilters: Schedule never
		// schedules a Pod that names its node)
		"other node named in spec.nodeName": {
			pod:        mkPod("web", boundTo("n2")),
			node:       on(mkNode("n1")),
			wantPlugin: PluginNodeName, wantReason: "node(s) didn't match the requested node name",
			wantDetail: "spec.nodeName: n2",
		},

		// TaintToleration
		"control-plane taint without toleration": {
			pod:        mkPod("web"),
			node:       on(mkNode("cp", controlPlane())),
			wantPlugin: PluginTaintToleration, wantReason: "node(s) had untolerated taint(s)",
			wantDetail: "node-role.kubernetes.io/control-plane:NoSchedule",
		},
		"NoExecute taint without toleration": {
			pod:        mkPod("web"),
			node:       on(mkNode("n1", taint("node.kubernetes.io/not-ready", "", ne))),
			wantPlugin: PluginTaintToleration, wantReason: "node(s) had untolerated taint(s)",
			wantDetail: "node.kubernetes.io/not-ready:NoExecute",
		},
		"PreferNoSchedule taint only lowers the score": {
			pod:  mkPod("web"),
			node: on(mkNode("n1", taint("spot", "true", pn))),
		},
		"Equal toleration with the same value": {
			pod:  mkPod("web", tolerate("hw", eq, "gpu", ns)),
			node: on(mkNode("n1", taint("hw", "gpu", ns))),
		},
		"empty operator means Equal": {
			pod:  mkPod("web", tolerate("hw", "", "gpu", ns)),
			node: on(mkNode("n1", taint("hw", "gpu", ns))),
		},
		"Equal toleration with another value": {
			pod:        mkPod("web", tolerate("hw", eq, "cpu", ns)),
			node:       on(mkNode("n1", taint("hw", "gpu", ns))),
			wantPlugin: PluginTaintToleration, wantReason: "node(s) had untolerated taint(s)",
			wantDetail: "hw=gpu:NoSchedule",
		},
		"Exists toleration ignores the value": {
			pod:  mkPod("web", tolerate("hw", ex, "", ns)),
			node: on(mkNode("n1", taint("hw", "gpu", ns))),
		},
		"Exists without key tolerates everything": {
			pod:  mkPod("web", tolerate("", ex, "", "")),
			node: on(mkNode("n1", controlPlane(), taint("hw", "gpu", ne))),
		},
		"toleration for another effect does not help": {
			pod:        mkPod("web", tolerate("hw", ex, "", ne)),
			node:       on(mkNode("n1", taint("hw", "gpu", ns))),
			wantPlugin: PluginTaintToleration, wantReason: "node(s) had untolerated taint(s)",
			wantDetail: "hw=gpu:NoSchedule",
		},
		"empty effect tolerates every effect": {
			pod:  mkPod("web", tolerate("hw", eq, "gpu", "")),
			node: on(mkNode("n1", taint("hw", "gpu", ns), taint("hw", "gpu", ne))),
		},
		"first untolerated taint is reported": {
			pod:        mkPod("web", tolerate("a", ex, "", "")),
			node:       on(mkNode("n1", taint("a", "1", ns), taint("b", "2", ne), taint("c", "3", ns))),
			wantPlugin: PluginTaintToleration, wantReason: "node(s) had untolerated taint(s)",
			wantDetail: "b=2:NoExecute",
		},
		"Gt toleration is alpha and off": {
			pod:        mkPod("web", tolerate("level", corev1.TolerationOpGt, "1", ns)),
			node:       on(mkNode("n1", taint("level", "5", ns))),
			wantPlugin: PluginTaintToleration, wantReason: "node(s) had untolerated taint(s)",
			wantDetail: "level=5:NoSchedule",
		},

		// NodeAffinity: nodeSelector and required node affinity
		"nodeSelector matches": {
			pod:  mkPod("web", selector("kubernetes.io/hostname", "k8s-node1")),
			node: on(mkNode("k8s-node1")),
		},
		"nodeSelector does not match": {
			pod:        mkPod("web", selector("kubernetes.io/hostname", "k8s-node1")),
			node:       on(mkNode("k8s-node2")),
			wantPlugin: PluginNodeAffinity, wantReason: "node(s) didn't match Pod's node affinity/selector",
		},
		"nodeSelector label missing": {
			pod:        mkPod("web", selector("os", "centos")),
			node:       on(mkNode("n1")),
			wantPlugin: PluginNodeAffinity, wantReason: "node(s) didn't match Pod's node affinity/selector",
		},
		"required affinity In": {
			pod:  mkPod("web", requireExpr("kr", corev1.NodeSelectorOpIn, "az-1", "az-2")),
			node: on(mkNode("n1", label("kr", "az-2"))),
		},
		"required affinity In fails": {
			pod:        mkPod("web", requireExpr("kr", corev1.NodeSelectorOpIn, "az-1")),
			node:       on(mkNode("n1", label("kr", "az-2"))),
			wantPlugin: PluginNodeAffinity, wantReason: "node(s) didn't match Pod's node affinity/selector",
		},
		"required affinity NotIn passes without the label": {
			pod:  mkPod("web", requireExpr("kr", corev1.NodeSelectorOpNotIn, "az-1")),
			node: on(mkNode("n1")),
		},
		"required affinity Exists fails without the label": {
			pod:        mkPod("web", requireExpr("a-team", corev1.NodeSelectorOpExists)),
			node:       on(mkNode("n1")),
			wantPlugin: PluginNodeAffinity, wantReason: "node(s) didn't match Pod's node affinity/selector",
		},
		"required affinity DoesNotExist": {
			pod:  mkPod("web", requireExpr("gpu", corev1.NodeSelectorOpDoesNotExist)),
			node: on(mkNode("n1")),
		},
		"required affinity Gt compares numbers": {
			pod:  mkPod("web", requireExpr("cores", corev1.NodeSelectorOpGt, "8")),
			node: on(mkNode("n1", label("cores", "16"))),
		},
		"required affinity terms are ORed": {
			pod: mkPod("web", requireExpr("kr", corev1.NodeSelectorOpIn, "az-1"),
				requireExpr("gpu", corev1.NodeSelectorOpIn, "no1")),
			node: on(mkNode("n1", label("gpu", "no1"))),
		},
		"nodeSelector and affinity must both match": {
			pod:        mkPod("web", selector("os", "centos"), requireExpr("kr", corev1.NodeSelectorOpExists)),
			node:       on(mkNode("n1", label("kr", "az-1"))),
			wantPlugin: PluginNodeAffinity, wantReason: "node(s) didn't match Pod's node affinity/selector",
		},

		// NodePorts
		"hostPort conflict": {
			pod:        mkPod("web", hostPortOn(8080, "", "")),
			node:       on(mkNode("n1"), mkPod("old", hostPortOn(8080, corev1.ProtocolTCP, ""))),
			wantPlugin: PluginNodePorts, wantReason: "node(s) didn't have free ports for the requested pod ports",
			wantDetail: "0.0.0.0:8080/TCP",
		},
		"same hostPort over another protocol": {
			pod:  mkPod("dns", hostPortOn(53, corev1.ProtocolUDP, "")),
			node: on(mkNode("n1"), mkPod("old", hostPortOn(53, corev1.ProtocolTCP, ""))),
		},
		"same hostPort on two distinct IPs": {
			pod:  mkPod("web", hostPortOn(80, "", "10.0.0.2")),
			node: on(mkNode("n1"), mkPod("old", hostPortOn(80, "", "10.0.0.1"))),
		},
		"specific IP against all addresses": {
			pod:        mkPod("web", hostPortOn(80, "", "10.0.0.2")),
			node:       on(mkNode("n1"), mkPod("old", hostPortOn(80, "", "::"))),
			wantPlugin: PluginNodePorts, wantReason: "node(s) didn't have free ports for the requested pod ports",
			wantDetail: "10.0.0.2:80/TCP",
		},
		"hostNetwork pod holds its containerPort": {
			pod:        mkPod("web", hostPortOn(9100, "", "")),
			node:       on(mkNode("n1"), mkPod("exporter", hostNetwork(), containerPort(9100))),
			wantPlugin: PluginNodePorts, wantReason: "node(s) didn't have free ports for the requested pod ports",
			wantDetail: "0.0.0.0:9100/TCP",
		},
		"containerPort alone opens nothing on the node": {
			pod:  mkPod("web", containerPort(8080)),
			node: on(mkNode("n1"), mkPod("old", containerPort(8080))),
		},

		// NodeResourcesFit
		"insufficient cpu": {
			pod:        mkPod("web", req("1", "")),
			node:       on(mkNode("n1"), mkPod("old", req("1500m", ""))),
			wantPlugin: PluginNodeResourcesFit, wantReason: "Insufficient cpu",
			wantDetail: "cpu: requested 1, free 500m of 2 allocatable",
		},
		"insufficient memory": {
			pod:        mkPod("web", req("", "2Gi")),
			node:       on(mkNode("n1", alloc("2", "3Gi", 110)), mkPod("old", req("", "1536Mi"))),
			wantPlugin: PluginNodeResourcesFit, wantReason: "Insufficient memory",
			wantDetail: "memory: requested 2Gi, free 1536Mi of 3Gi allocatable",
		},
		"insufficient cpu and memory are both listed": {
			pod:        mkPod("web", req("3", "8Gi")),
			node:       on(mkNode("n1")),
			wantPlugin: PluginNodeResourcesFit, wantReason: "Insufficient cpu, Insufficient memory",
			wantDetail: "cpu: requested 3, free 2 of 2 allocatable; memory: requested 8Gi, free 4Gi of 4Gi allocatable",
		},
		"too many pods": {
			pod:        mkPod("web"),
			node:       on(mkNode("n1", alloc("2", "4Gi", 1)), mkPod("old")),
			wantPlugin: PluginNodeResourcesFit, wantReason: "Too many pods",
			wantDetail: "pods: 1 of 1 allowed already running",
		},
		"a pod without requests fits a fully requested node": {
			pod:  mkPod("web"),
			node: on(mkNode("n1"), mkPod("hog", req("2", "4Gi"))),
		},
		"extended resource": {
			pod:        mkPod("train", reqExtra("example.com/gpu", "2")),
			node:       on(mkNode("n1", allocExtra("example.com/gpu", "1"))),
			wantPlugin: PluginNodeResourcesFit, wantReason: "Insufficient example.com/gpu",
			wantDetail: "example.com/gpu: requested 2, free 1 of 1 allocatable",
		},
		"exactly the free amount fits": {
			pod:  mkPod("web", req("500m", "1Gi")),
			node: on(mkNode("n1"), mkPod("old", req("1500m", "3Gi"))),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := newCycle(tc.pod)
			results, st := runFilters(c, newNodeState(tc.node.Node, tc.node.Pods))
			last := results[len(results)-1]
			if tc.wantPlugin == "" {
				if !st.ok() {
					t.Fatalf("want every filter to pass, %s failed: %q (%s)", last.Plugin, last.Reason, last.Detail)
				}
				if len(results) != len(filters) {
					t.Fatalf("want %d results, got %d", len(filters), len(results))
				}
				return
			}
			if last.Passed || last.Plugin != tc.wantPlugin || last.Reason != tc.wantReason || last.Detail != tc.wantDetail {
				t.Fatalf("got %s passed=%v %q (%s), want %s %q (%s)",
					last.Plugin, last.Passed, last.Reason, last.Detail, tc.wantPlugin, tc.wantReason, tc.wantDetail)
			}
			if got := strings.Join(last.Reasons, ", "); got != last.Reason {
				t.Fatalf("Reasons %q do not add up to Reason %q", last.Reasons, last.Reason)
			}
			for _, r := range results[:len(results)-1] {
				if !r.Passed {
					t.Fatalf("a filter before the failing one failed: %+v", r)
				}
			}
		})
	}
}

// TestPodRequests pins the effective request rule: app containers add up,
// init containers run one at a time (only the largest counts), sidecars add
// to everything started after them, overhead comes on top.
func TestPodRequests(t *testing.T) {
	tests := map[string]struct {
		pod     *corev1.Pod
		nonZero bool
		wantCPU string
		wantMem string
	}{
		"containers add up": {
			pod:     mkPod("p", req("250m", "64Mi"), addContainer("b", "250m", "64Mi")),
			wantCPU: "500m", wantMem: "128Mi",
		},
		"the largest init container wins over the app containers": {
			pod: mkPod("p", req("500m", "256Mi"), addContainer("b", "500m", "256Mi"),
				addInit("migrate", "1500m", "128Mi", false), addInit("warm", "200m", "1Gi", false)),
			wantCPU: "1500m", wantMem: "1Gi",
		},
		"init containers do not add up": {
			pod:     mkPod("p", req("100m", ""), addInit("a", "300m", "", false), addInit("b", "300m", "", false)),
			wantCPU: "300m", wantMem: "0",
		},
		"a sidecar runs beside later init containers and the app": {
			pod: mkPod("p", req("500m", ""), addInit("proxy", "200m", "64Mi", true),
				addInit("migrate", "1", "100Mi", false)),
			wantCPU: "1200m", wantMem: "164Mi",
		},
		"a sidecar adds to the app containers": {
			pod:     mkPod("p", req("500m", "128Mi"), addInit("proxy", "200m", "64Mi", true)),
			wantCPU: "700m", wantMem: "192Mi",
		},
		"overhead comes on top": {
			pod:     mkPod("p", req("500m", "128Mi"), overhead("100m", "64Mi")),
			wantCPU: "600m", wantMem: "192Mi",
		},
		"no requests count as zero for filtering": {
			pod:     mkPod("p", addContainer("b", "", "")),
			wantCPU: "0", wantMem: "0",
		},
		"no requests count as 100m/200Mi per container for scoring": {
			pod:     mkPod("p", addContainer("b", "", "")),
			nonZero: true,
			wantCPU: "200m", wantMem: "400Mi",
		},
		"scoring defaults only fill what is missing": {
			pod:     mkPod("p", req("1", "")),
			nonZero: true,
			wantCPU: "1", wantMem: "200Mi",
		},
		"pod-level requests replace the containers' sum": {
			pod:     mkPod("p", req("200m", "64Mi"), addContainer("b", "200m", ""), podLevel("1", "1Gi")),
			wantCPU: "1", wantMem: "1Gi",
		},
		"pod-level requests leave no room for scoring defaults": {
			pod:     mkPod("p", addContainer("b", "", ""), podLevel("300m", "256Mi")),
			nonZero: true,
			wantCPU: "300m", wantMem: "256Mi",
		},
		"scoring defaults apply to init containers too": {
			pod:     mkPod("p", req("50m", "10Mi"), addInit("init", "", "", false)),
			nonZero: true,
			wantCPU: "100m", wantMem: "200Mi",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := podRequests(tc.pod, tc.nonZero)
			cpu := formatAmount(corev1.ResourceCPU, got[corev1.ResourceCPU])
			mem := formatAmount(corev1.ResourceMemory, got[corev1.ResourceMemory])
			if cpu != tc.wantCPU || mem != tc.wantMem {
				t.Fatalf("got cpu %s memory %s, want cpu %s memory %s", cpu, mem, tc.wantCPU, tc.wantMem)
			}
		})
	}
}

// TestInitContainerMaxRuleInFilter shows the rule where students meet it:
// the node has room for the app containers but not for the big init step.
func TestInitContainerMaxRuleInFilter(t *testing.T) {
	pod := mkPod("web", req("500m", ""), addInit("migrate", "1500m", "", false))
	node := on(mkNode("n1"), mkPod("old", req("800m", "")))
	results, _ := runFilters(newCycle(pod), newNodeState(node.Node, node.Pods))
	last := results[len(results)-1]
	if last.Reason != "Insufficient cpu" || last.Detail != "cpu: requested 1500m, free 1200m of 2 allocatable" {
		t.Fatalf("got %q (%s)", last.Reason, last.Detail)
	}
}
