package scheduler

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// How the winner was found; each way needs a different explanation.
type chooseHow int

const (
	chosenAlone     chooseHow = iota // the only feasible node
	chosenNominated                  // the node preemption nominated earlier
	chosenByScore                    // the best of several feasible nodes
)

func podLabel(pod *corev1.Pod) string {
	if pod.Name != "" {
		return pod.Name
	}
	return pod.GenerateName + "<generated>"
}

// rejection is a set of nodes turned down for the same reasons.
type rejection struct {
	nodes  []string
	phrase phrase
}

// rejections groups the infeasible nodes by their reasons, biggest group
// first, so a sentence can say "2 nodes (b, c) do not have enough free
// memory" instead of repeating itself. Distinct details (which taint, which
// port) are kept together in the group's phrase.
func rejections(verdicts []NodeVerdict) []rejection {
	type acc struct {
		nodes   []string
		reasons []string
		details []string
	}
	groups := map[string]*acc{}
	var keys []string
	for _, v := range verdicts {
		if v.Feasible || len(v.Filters) == 0 {
			continue
		}
		last := v.Filters[len(v.Filters)-1]
		key := strings.Join(last.Reasons, "\x00")
		g, ok := groups[key]
		if !ok {
			g = &acc{reasons: last.Reasons}
			groups[key] = g
			keys = append(keys, key)
		}
		g.nodes = append(g.nodes, v.Node)
		if last.Detail != "" && !contains(g.details, last.Detail) {
			g.details = append(g.details, last.Detail)
		}
	}
	out := make([]rejection, 0, len(keys))
	for _, k := range keys {
		g := groups[k]
		out = append(out, rejection{nodes: g.nodes, phrase: nodePhrase(g.reasons, strings.Join(g.details, ", "))})
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].nodes) > len(out[j].nodes) })
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nameList shows at most three node names; a lesson cluster rarely has
// more, and a long list would bury the reason.
func nameList(names []string) string {
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + ", ..."
	}
	return strings.Join(names, ", ")
}

// shortList renders "node1: reason; node3: reason" for parentheses.
func shortList(groups []rejection, ko bool) string {
	parts := make([]string, len(groups))
	for i, g := range groups {
		text := g.phrase.enShort
		if ko {
			text = g.phrase.ko
		}
		parts[i] = nameList(g.nodes) + ": " + text
	}
	return strings.Join(parts, "; ")
}

func explainBound(pod *corev1.Pod) (en, ko string) {
	name, node := podLabel(pod), pod.Spec.NodeName
	en = fmt.Sprintf("Pod %s already names node %s in spec.nodeName, so the scheduler leaves it alone and the kubelet on %s runs it directly.", name, node, node)
	ko = fmt.Sprintf("%s 파드는 spec.nodeName에 %s 노드가 이미 지정되어 있어 스케줄러를 거치지 않고 %s 노드의 kubelet이 바로 실행합니다.", name, node, node)
	return en, ko
}

func explainGated(pod *corev1.Pod) (en, ko string) {
	var gates []string
	for _, g := range pod.Spec.SchedulingGates {
		gates = append(gates, g.Name)
	}
	list := strings.Join(gates, ", ")
	en = fmt.Sprintf("Pod %s is not scheduled yet because it still has scheduling gates (%s); it stays Pending until they are all removed.", podLabel(pod), list)
	ko = fmt.Sprintf("%s 파드에는 아직 스케줄링 게이트(%s)가 남아 있어, 게이트가 모두 제거될 때까지 스케줄링되지 않고 Pending 상태로 남습니다.", podLabel(pod), list)
	return en, ko
}

func explainNoNodes(pod *corev1.Pod) (en, ko string) {
	en = fmt.Sprintf("Pod %s stays Pending because the cluster has no nodes to run it on.", podLabel(pod))
	ko = fmt.Sprintf("클러스터에 노드가 하나도 없어 %s 파드는 Pending 상태로 남습니다.", podLabel(pod))
	return en, ko
}

// explainFailure tells why no node can take the Pod and, when preemption
// will make room, what happens next.
func explainFailure(pod *corev1.Pod, verdicts []NodeVerdict, plan *Preemption) (en, ko string) {
	name, total := podLabel(pod), len(verdicts)
	groups := rejections(verdicts)

	if plan != nil {
		var victims []string
		for _, v := range plan.Victims {
			victims = append(victims, v.Name)
		}
		list := strings.Join(victims, ", ")
		noun := "pod"
		if len(victims) > 1 {
			noun = "pods"
		}
		whereEN := fmt.Sprintf("fits on none of the %d nodes", total)
		whereKO := fmt.Sprintf("노드 %d개 중 어디에도", total)
		if total == 1 {
			whereEN, whereKO = "does not fit on the cluster's only node", "클러스터의 유일한 노드에"
		}
		en = fmt.Sprintf("Pod %s %s right now (%s), so the scheduler will evict the lower-priority %s %s from %s to make room and retry the pod there.",
			name, whereEN, shortList(groups, false), noun, list, plan.Node)
		ko = fmt.Sprintf("%s 파드는 지금 %s 배치할 수 없어(%s), 스케줄러가 %s 노드에서 우선순위가 더 낮은 파드(%s)를 축출(preemption)하고 그 노드에 다시 배치를 시도합니다.",
			name, whereKO, shortList(groups, true), plan.Node, list)
		return en, ko
	}

	if total == 1 {
		p := groups[0].phrase
		en = fmt.Sprintf("Pod %s stays Pending because the cluster's only node cannot run it: %s %s.", name, verdicts[0].Node, p.enOne)
		ko = fmt.Sprintf("%s 파드는 클러스터의 유일한 노드에 배치할 수 없어 Pending 상태로 남습니다(%s).", name, shortList(groups, true))
		return en, ko
	}
	clauses := make([]string, len(groups))
	for i, g := range groups {
		switch {
		case len(g.nodes) == total && len(g.nodes) <= 3:
			// "w1 and w2 do not match..." reads better than "all of them".
			clauses[i] = fmt.Sprintf("%s %s", joinEN(g.nodes), g.phrase.enMany)
		case len(g.nodes) == total:
			clauses[i] = fmt.Sprintf("all %d nodes %s", total, g.phrase.enMany)
		case len(g.nodes) == 1:
			clauses[i] = fmt.Sprintf("1 node (%s) %s", g.nodes[0], g.phrase.enOne)
		default:
			clauses[i] = fmt.Sprintf("%d nodes (%s) %s", len(g.nodes), nameList(g.nodes), g.phrase.enMany)
		}
	}
	en = fmt.Sprintf("Pod %s stays Pending because none of the %d nodes can run it: %s.", name, total, strings.Join(clauses, "; "))
	ko = fmt.Sprintf("%s 파드는 노드 %d개 중 어디에도 배치할 수 없어 Pending 상태로 남습니다(%s).", name, total, shortList(groups, true))
	return en, ko
}

// explainSuccess tells why the chosen node won: it was the only one left,
// the nominated one, or the best scored, and then which score made the
// difference against the runner-up.
func explainSuccess(pod *corev1.Pod, verdicts []NodeVerdict, chosen int, how chooseHow) (en, ko string) {
	name, node, total := podLabel(pod), verdicts[chosen].Node, len(verdicts)
	groups := rejections(verdicts)
	rejEN, rejKO := "", ""
	if len(groups) > 0 {
		rejEN = " (" + shortList(groups, false) + ")"
		rejKO = "(" + shortList(groups, true) + ")"
	}

	switch how {
	case chosenNominated:
		en = fmt.Sprintf("Pod %s was scheduled to %s, the node it was nominated for after preempting lower-priority pods, because %s now passes every filter.", name, node, node)
		ko = fmt.Sprintf("%s 파드는 preemption으로 지명(nominated)된 %s 노드가 이제 모든 필터를 통과하므로 %s 노드에 배치되었습니다.", name, node, node)
		return en, ko
	case chosenAlone:
		if total == 1 {
			en = fmt.Sprintf("Pod %s was scheduled to %s, the cluster's only node, which passes every filter.", name, node)
			ko = fmt.Sprintf("%s 파드는 모든 필터를 통과한 클러스터의 유일한 노드 %s에 배치되었습니다.", name, node)
			return en, ko
		}
		en = fmt.Sprintf("Pod %s was scheduled to %s because it is the only one of the %d nodes that passes every filter%s.", name, node, total, rejEN)
		ko = fmt.Sprintf("%s 파드는 노드 %d개 중 모든 필터를 통과한 유일한 노드인 %s에 배치되었습니다%s.", name, total, node, rejKO)
		return en, ko
	}

	var feasible []NodeVerdict
	for _, v := range verdicts {
		if v.Feasible {
			feasible = append(feasible, v)
		}
	}
	passEN := fmt.Sprintf("all %d nodes pass every filter", total)
	if total == 2 {
		passEN = "both nodes pass every filter"
	}
	passKO := fmt.Sprintf("노드 %d개가 모두 필터를 통과했고", total)
	if len(feasible) < total {
		passEN = fmt.Sprintf("%d of %d nodes pass every filter%s", len(feasible), total, rejEN)
		passKO = fmt.Sprintf("노드 %d개 중 %d개가 모든 필터를 통과했고%s", total, len(feasible), rejKO)
	}

	win := verdicts[chosen]
	var tied []string
	for _, v := range feasible {
		if v.Score == win.Score {
			tied = append(tied, v.Node)
		}
	}
	if len(tied) > 1 {
		list := strings.Join(tied, ", ")
		en = fmt.Sprintf("Pod %s was scheduled to %s: %s and %s tie for the top score (%d points); the real kube-scheduler would pick one of them at random, but kubetour takes the one running the fewest pods, then the first by name.",
			name, node, passEN, list, win.Score)
		ko = fmt.Sprintf("%s %s 노드가 %d점으로 동점이었는데, 실제 kube-scheduler는 그중 하나를 무작위로 고르지만 kubetour는 실행 중인 파드가 가장 적은 노드(같으면 이름순)를 골라 %s 파드를 %s 노드에 배치했습니다.",
			passKO, list, win.Score, name, node)
		return en, ko
	}

	runner := runnerUp(feasible, node)
	becauseEN, becauseKO := winPhrase(decisivePlugin(win, runner), runner.Node)
	en = fmt.Sprintf("Pod %s was scheduled to %s: %s and %s scores highest with %d points (%s next with %d), mainly because %s.",
		name, node, passEN, node, win.Score, runner.Node, runner.Score, becauseEN)
	ko = fmt.Sprintf("%s, 그중 %s %s 노드가 %d점으로 가장 높은 점수를 받아(다음: %s %d점) %s 파드는 %s 노드에 배치되었습니다.",
		passKO, becauseKO, node, win.Score, runner.Node, runner.Score, name, node)
	return en, ko
}

// runnerUp is the best feasible node other than the winner.
func runnerUp(feasible []NodeVerdict, winner string) NodeVerdict {
	var best NodeVerdict
	found := false
	for _, v := range feasible {
		if v.Node == winner {
			continue
		}
		if !found || v.Score > best.Score {
			best, found = v, true
		}
	}
	return best
}

// decisivePlugin is the score plugin that gave the winner its biggest
// weighted lead over the runner-up; earlier plugins win ties.
func decisivePlugin(win, runner NodeVerdict) string {
	theirs := map[string]int64{}
	for _, s := range runner.Scores {
		theirs[s.Plugin] = s.Score * s.Weight
	}
	plugin, lead := "", int64(0)
	for _, s := range win.Scores {
		if d := s.Score*s.Weight - theirs[s.Plugin]; d > lead {
			plugin, lead = s.Plugin, d
		}
	}
	return plugin
}
