package engine

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"

	"kubetour/engine/record"
	"kubetour/internal/ko"
)

// nodeBootEvents records what a node's kubelet, the node controller and
// kube-proxy say when the node joins, as `kubectl describe node` lists them
// on a cluster less than an hour old (Events live an hour).
func (c *Cluster) nodeBootEvents(node runtime.Object, name string) {
	status := func(cond string) string { return fmt.Sprintf("Node %s status is now: %s", name, cond) }
	for _, e := range []struct{ source, reason, msg, ko string }{
		{"kubelet", "Starting", "Starting kubelet.", "kubelet이 시작되었습니다."},
		{"kubelet", "NodeHasSufficientMemory", status("NodeHasSufficientMemory"), ""},
		{"kubelet", "NodeHasNoDiskPressure", status("NodeHasNoDiskPressure"), ""},
		{"kubelet", "NodeHasSufficientPID", status("NodeHasSufficientPID"), ""},
		{"kubelet", "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods", ""},
		{"node-controller", "RegisteredNode", fmt.Sprintf("Node %s event: Registered Node %s in Controller", name, name),
			fmt.Sprintf("노드 컨트롤러가 노드 %s 등록했습니다.", ko.With(name, "을/를"))},
		{"kubelet", "NodeReady", status("NodeReady"), fmt.Sprintf("노드 %s Ready 상태가 되어 파드를 받을 수 있습니다.", ko.With(name, "이/가"))},
		{"kube-proxy", "Starting", "", "kube-proxy가 시작되었습니다."},
	} {
		en := e.msg
		if en == "" {
			en = "kube-proxy started on " + name + "."
		}
		host := name
		if e.source == "node-controller" {
			host = ""
		}
		c.Rec.Record(record.Decision{Source: e.source, Host: host, Object: node, Reason: e.reason, Message: e.msg, EN: en, KO: e.ko})
	}
}
