package printers

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

func TestNodeCells(t *testing.T) {
	ready := func(s corev1.ConditionStatus) []corev1.NodeCondition {
		return []corev1.NodeCondition{
			{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse},
			{Type: corev1.NodeReady, Status: s},
		}
	}
	tests := map[string]struct {
		labels        map[string]string
		unschedulable bool
		status        corev1.NodeStatus
		// STATUS, ROLES and the wide INTERNAL-IP .. CONTAINER-RUNTIME cells
		want []interface{}
	}{
		"ready control plane": {
			labels: map[string]string{"node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": "cp"},
			status: corev1.NodeStatus{Conditions: ready(corev1.ConditionTrue),
				Addresses: []corev1.NodeAddress{{Type: corev1.NodeHostName, Address: "cp"}, {Type: corev1.NodeInternalIP, Address: "172.18.0.2"}},
				NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "v1.37.2", OSImage: "Debian GNU/Linux 13", KernelVersion: "6.12.0",
					ContainerRuntimeVersion: "containerd://2.1.0"}},
			want: []interface{}{"Ready", "control-plane", "172.18.0.2", "<none>", "Debian GNU/Linux 13", "6.12.0", "containerd://2.1.0"},
		},
		"not ready worker without roles": {
			status: corev1.NodeStatus{Conditions: ready(corev1.ConditionFalse),
				Addresses: []corev1.NodeAddress{{Type: corev1.NodeExternalIP, Address: "198.51.100.4"}}},
			want: []interface{}{"NotReady", "<none>", "<none>", "198.51.100.4", "<unknown>", "<unknown>", "<unknown>"},
		},
		"unknown ready status counts as not ready": {
			status: corev1.NodeStatus{Conditions: ready(corev1.ConditionUnknown)},
			want:   []interface{}{"NotReady", "<none>", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"},
		},
		"no conditions at all": {
			want: []interface{}{"Unknown", "<none>", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"},
		},
		"cordoned with several roles": {
			labels: map[string]string{"node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/infra": "true",
				"kubernetes.io/role": "edge", "node-role.kubernetes.io/": ""},
			unschedulable: true,
			status:        corev1.NodeStatus{Conditions: ready(corev1.ConditionTrue)},
			want:          []interface{}{"Ready,SchedulingDisabled", "edge,infra,worker", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"},
		},
		"cordoned without conditions": {
			unschedulable: true,
			want:          []interface{}{"Unknown,SchedulingDisabled", "<none>", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			node := &corev1.Node{ObjectMeta: objMeta("node-1", 26*time.Hour), Spec: corev1.NodeSpec{Unschedulable: tc.unschedulable}, Status: tc.status}
			node.Namespace = ""
			node.Labels = tc.labels
			cells := cellsOf(t, "nodes", node)
			want := append([]interface{}{"node-1", tc.want[0], tc.want[1], "26h", tc.status.NodeInfo.KubeletVersion}, tc.want[2:]...)
			assertCells(t, cells, want)
		})
	}
}
