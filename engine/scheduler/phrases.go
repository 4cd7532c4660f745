package scheduler

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// phrase says why a node was rejected, in the forms the explanations need.
// English gets a verb phrase for one node and for several ("node1 has...",
// "2 nodes have...") and a short form for "node3: ..." lists. Korean only
// uses the nominal form ending in 음/함/님, the usual style of a reason in
// parentheses, which also spares us the particle agreement (이/가, 은/는)
// that node names would otherwise need.
type phrase struct {
	enOne, enMany, enShort string
	ko                     string
}

// resourceWords names a resource for people rather than for the API.
func resourceWords(name string) (en, ko string) {
	switch corev1.ResourceName(name) {
	case corev1.ResourceCPU:
		return "CPU", "CPU"
	case corev1.ResourceMemory:
		return "memory", "메모리"
	case corev1.ResourceEphemeralStorage:
		return "ephemeral storage", "임시 스토리지"
	}
	return name, name
}

func joinEN(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// nodePhrase describes one rejected node from its upstream reasons and the
// filter's detail. Shortages of several resources merge into one phrase
// ("not enough free CPU and memory"), other reasons are chained.
func nodePhrase(reasons []string, detail string) phrase {
	var parts []phrase
	var shortEN, shortKO []string
	for _, r := range reasons {
		if name, ok := strings.CutPrefix(r, "Insufficient "); ok {
			en, ko := resourceWords(name)
			shortEN = append(shortEN, en)
			shortKO = append(shortKO, ko)
			continue
		}
		parts = append(parts, reasonPhrase(r, detail))
	}
	if len(shortEN) > 0 {
		what := joinEN(shortEN)
		parts = append(parts, phrase{
			enOne:   "does not have enough free " + what + " for the pod's requests",
			enMany:  "do not have enough free " + what + " for the pod's requests",
			enShort: "not enough free " + what,
			ko:      "파드의 " + strings.Join(shortKO, "·") + " 리소스 요청을 수용할 여유가 없음",
		})
	}
	out := parts[0]
	for _, p := range parts[1:] {
		out.enOne += " and " + p.enOne
		out.enMany += " and " + p.enMany
		out.enShort += ", " + p.enShort
		out.ko += ", " + p.ko
	}
	return out
}

// reasonPhrase covers every reason the filters can give, except the
// Insufficient ones that nodePhrase merges.
func reasonPhrase(reason, detail string) phrase {
	switch reason {
	case reasonUnschedulable:
		return phrase{
			enOne:   "is cordoned (spec.unschedulable)",
			enMany:  "are cordoned (spec.unschedulable)",
			enShort: "cordoned",
			ko:      "cordon되어 스케줄할 수 없음",
		}
	case reasonNodeName:
		return phrase{
			enOne:   "is not the node named in spec.nodeName",
			enMany:  "are not the node named in spec.nodeName",
			enShort: "not the node in spec.nodeName",
			ko:      "spec.nodeName에 지정된 노드가 아님",
		}
	case reasonTaint:
		return phrase{
			enOne:   fmt.Sprintf("has a taint the pod does not tolerate (%s)", detail),
			enMany:  fmt.Sprintf("have taints the pod does not tolerate (%s)", detail),
			enShort: "untolerated taint " + detail,
			ko:      fmt.Sprintf("파드에 톨러레이션이 없는 테인트(%s)가 있음", detail),
		}
	case reasonAffinity:
		return phrase{
			enOne:   "does not match the pod's nodeSelector or node affinity",
			enMany:  "do not match the pod's nodeSelector or node affinity",
			enShort: "labels do not match the nodeSelector/node affinity",
			ko:      "노드 레이블이 파드의 nodeSelector/노드 어피니티와 맞지 않음",
		}
	case reasonAffinityPins:
		return phrase{
			enOne:   "is not one of the nodes the pod's node affinity names (matchFields metadata.name)",
			enMany:  "are not among the nodes the pod's node affinity names (matchFields metadata.name)",
			enShort: "not named by the pod's node affinity",
			ko:      "파드의 노드 어피니티(matchFields metadata.name)가 지정한 노드가 아님",
		}
	case reasonConflict:
		return phrase{
			enOne:   "is ruled out because the pod's node affinity terms contradict each other",
			enMany:  "are ruled out because the pod's node affinity terms contradict each other",
			enShort: "node affinity terms conflict",
			ko:      "파드의 노드 어피니티 조건끼리 서로 모순됨",
		}
	case reasonPorts:
		return phrase{
			enOne:   fmt.Sprintf("already has the requested hostPort in use (%s)", detail),
			enMany:  fmt.Sprintf("already have the requested hostPort in use (%s)", detail),
			enShort: "hostPort " + detail + " in use",
			ko:      fmt.Sprintf("요청한 hostPort(%s)를 이미 다른 파드가 사용 중임", detail),
		}
	case reasonTooManyPods:
		return phrase{
			enOne:   "already runs as many pods as it allows",
			enMany:  "already run as many pods as they allow",
			enShort: "pod limit reached",
			ko:      "허용된 최대 파드 수에 이미 도달함",
		}
	}
	return phrase{
		enOne:   "reports " + reason,
		enMany:  "report " + reason,
		enShort: reason,
		ko:      reason,
	}
}

// winPhrase says why the winner beat the runner-up, from the score plugin
// that made the biggest weighted difference between them. EN completes
// "mainly because ..."; KO is a clause that modifies the winner's name.
func winPhrase(plugin, runnerUp string) (en, ko string) {
	switch plugin {
	case PluginNodeResourcesFit:
		return fmt.Sprintf("it has more CPU and memory left than %s once the pod is placed", runnerUp),
			fmt.Sprintf("%s 노드보다 파드를 배치한 뒤 남는 CPU와 메모리가 더 많은", runnerUp)
	case PluginBalancedAllocation:
		return fmt.Sprintf("placing the pod there leaves its CPU and memory use better balanced than on %s", runnerUp),
			fmt.Sprintf("%s 노드보다 파드를 배치했을 때 CPU와 메모리 사용률의 균형이 더 좋은", runnerUp)
	case PluginTaintToleration:
		return fmt.Sprintf("it has fewer PreferNoSchedule taints the pod does not tolerate than %s", runnerUp),
			fmt.Sprintf("%s 노드보다 파드에 톨러레이션이 없는 PreferNoSchedule 테인트가 더 적은", runnerUp)
	case PluginNodeAffinity:
		return fmt.Sprintf("it matches the pod's preferred node affinity better than %s", runnerUp),
			fmt.Sprintf("%s 노드보다 파드의 선호(preferred) 노드 어피니티에 더 잘 맞는", runnerUp)
	case PluginPodTopologySpread:
		return fmt.Sprintf("it runs fewer pods of the same workload than %s, which spreads the replicas out", runnerUp),
			fmt.Sprintf("%s 노드보다 같은 워크로드의 파드가 적게 실행 중이어서 복제본이 고르게 분산되는", runnerUp)
	}
	return "of its " + plugin + " score", plugin + " 점수가 더 높은"
}
