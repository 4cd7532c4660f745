package controller

import (
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// rollingUpdate is upstream's update.go rollingUpdate. It only deletes old
// pods (and, with a surge, asks for new ones on nodes that still run an
// old one); manage creates the replacements on the emptied nodes.
//
// Without a surge (maxSurge 0): old pods are deleted while fewer than
// maxUnavailable nodes are without an available pod of the new template.
// An old pod that is not available anyway is replaced at once.
//
// With a surge: a new pod starts next to an old one on up to maxSurge
// nodes; each old pod goes once the new one beside it is available.
//
// It reports whether it created or deleted anything.
func (c *DaemonSets) rollingUpdate(ds *appsv1.DaemonSet, nodes []*corev1.Node, byNode map[string][]*corev1.Pod, hash string) bool {
	desired := 0
	nodeByName := map[string]*corev1.Node{}
	for _, n := range nodes {
		nodeByName[n.Name] = n
		if dsNodeShouldRun(ds, n).ShouldRun {
			desired++
			if _, ok := byNode[n.Name]; !ok {
				byNode[n.Name] = nil
			}
		}
	}
	maxUnavailable, maxSurge := dsMaxUnavailable(ds, desired), dsMaxSurge(ds, desired)
	// An impossible configuration (both 0, which validation refuses)
	// falls back to one node at a time, as upstream does.
	if desired > 0 && maxUnavailable == 0 && maxSurge == 0 {
		maxUnavailable = 1
	}
	names := make([]string, 0, len(byNode))
	for n := range byNode {
		names = append(names, n)
	}
	// Upstream walks a map; sorted, the same cluster does the same thing.
	sort.Strings(names)
	now := c.now()
	avail := func(p *corev1.Pod) bool { return dsPodAvailable(p, ds.Spec.MinReadySeconds, now) }
	replace := func(p *corev1.Pod, why, whyKO string) dsDeletion {
		return dsDeletion{pod: p, en: why, ko: whyKO}
	}

	if maxSurge == 0 {
		unavailable := 0
		var allowed, candidates []*corev1.Pod
		for _, name := range names {
			newPod, oldPod, ok := dsUpdatedPodsOnNode(ds, byNode[name], hash)
			switch {
			case !ok:
				// More than one pod of a kind: manage will prune the node.
				unavailable++
			case (oldPod == nil) == (newPod == nil):
				// Nothing there yet, or an old and a new pod: manage's turn.
				unavailable++
			case newPod != nil:
				if !avail(newPod) {
					unavailable++
				}
			case !avail(oldPod):
				allowed = append(allowed, oldPod)
				unavailable++
			case unavailable >= maxUnavailable:
			default:
				candidates = append(candidates, oldPod)
			}
		}
		remaining := maxUnavailable - unavailable
		if remaining < 0 {
			remaining = 0
		}
		if remaining > len(candidates) {
			remaining = len(candidates)
		}
		var del []dsDeletion
		for _, p := range allowed {
			del = append(del, replace(p, "it runs an out-of-date template and is not available anyway, so replacing it costs nothing",
				"이전 템플릿으로 실행 중인데 어차피 사용할 수 없는 상태라, 바로 교체해도 손해가 없기 때문입니다"))
		}
		for _, p := range candidates[:remaining] {
			del = append(del, replace(p,
				fmt.Sprintf("it runs an out-of-date template; the rolling update replaces pods one node at a time, keeping at most %d node(s) without an available pod (maxUnavailable)", maxUnavailable),
				fmt.Sprintf("이전 템플릿으로 실행 중이기 때문입니다. 롤링 업데이트는 노드별로 파드를 교체하며, 사용 가능한 파드가 없는 노드를 최대 %d개(maxUnavailable)까지만 허용합니다", maxUnavailable)))
		}
		return c.syncNodes(ds, del, nil, hash, false)
	}

	var del []dsDeletion
	var shouldNotRun []*corev1.Pod
	var allowedNodes, candidateNodes []string
	surging, available := 0, 0
	for _, name := range names {
		newPod, oldPod, ok := dsUpdatedPodsOnNode(ds, byNode[name], hash)
		if !ok {
			surging++
			continue
		}
		if oldPod != nil && avail(oldPod) || oldPod == nil && newPod != nil && avail(newPod) {
			available++
		}
		switch {
		case oldPod == nil:
			// manage creates or keeps the new pod.
		case newPod == nil:
			node := nodeByName[name]
			shouldRun := node != nil && dsNodeShouldRun(ds, node).ShouldRun
			switch {
			case !avail(oldPod):
				if !shouldRun {
					del = append(del, replace(oldPod, "it is out of date, not available, and its node no longer matches",
						"이전 버전이고 사용할 수 없으며, 노드도 더 이상 조건에 맞지 않기 때문입니다"))
					continue
				}
				allowedNodes = append(allowedNodes, name)
			default:
				if !shouldRun {
					shouldNotRun = append(shouldNotRun, oldPod)
					continue
				}
				if surging >= maxSurge {
					continue
				}
				candidateNodes = append(candidateNodes, name)
			}
		default:
			if !avail(newPod) {
				surging++
				continue
			}
			del = append(del, replace(oldPod, fmt.Sprintf("its replacement %s on the same node is available", newPod.Name),
				fmt.Sprintf("같은 노드의 새 %s 파드가 사용 가능해졌기 때문입니다", newPod.Name)))
		}
	}
	// With a surge the owner expects full availability: a pod on a node
	// that left the DaemonSet goes only once enough others are available.
	if extra := available - desired; extra > 0 {
		if extra > len(shouldNotRun) {
			extra = len(shouldNotRun)
		}
		for _, p := range shouldNotRun[:extra] {
			del = append(del, replace(p, "its node no longer matches and enough other pods are available",
				"노드가 더 이상 조건에 맞지 않고, 다른 파드가 충분히 사용 가능하기 때문입니다"))
		}
	}
	remaining := maxSurge - surging
	if remaining < 0 {
		remaining = 0
	}
	if remaining > len(candidateNodes) {
		remaining = len(candidateNodes)
	}
	create := append(allowedNodes, candidateNodes[:remaining]...)
	return c.syncNodes(ds, del, create, hash, true)
}

// dsUpdatedPodsOnNode is findUpdatedPodsOnNode: the node's one new and one
// old pod (not being deleted); ok is false when there are more of either.
func dsUpdatedPodsOnNode(ds *appsv1.DaemonSet, pods []*corev1.Pod, hash string) (newPod, oldPod *corev1.Pod, ok bool) {
	for _, p := range pods {
		if p.DeletionTimestamp != nil {
			continue
		}
		if dsPodUpdated(ds, p, hash) {
			if newPod != nil {
				return nil, nil, false
			}
			newPod = p
		} else {
			if oldPod != nil {
				return nil, nil, false
			}
			oldPod = p
		}
	}
	return newPod, oldPod, true
}
