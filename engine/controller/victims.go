package controller

import (
	"math"
	"sort"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// podDeletionCost is the annotation that lets a user say which pods of a
// ReplicaSet to keep (lower cost goes first).
const podDeletionCost = "controller.kubernetes.io/pod-deletion-cost"

var podPhaseOrdinal = map[corev1.PodPhase]int{corev1.PodPending: 0, corev1.PodUnknown: 1, corev1.PodRunning: 2}

// rankedPods orders pods for scale-down as ActivePodsWithRanks does, those
// to delete first at the front:
//  1. not yet scheduled before scheduled;
//  2. Pending before Unknown before Running;
//  3. not Ready before Ready;
//  4. lower pod-deletion-cost first;
//  5. more pods of the same owner family on its node first (rank);
//  6. Ready for less time first;
//  7. more container restarts first;
//  8. newer first.
//
// Times in 6 and 8 are compared on a log2 scale from now, ties broken by
// uid (LogarithmicScaleDown, on by default): pods of about the same age are
// picked pseudo-randomly rather than strictly the very newest.
type rankedPods struct {
	pods []*corev1.Pod
	rank []int
	now  time.Time
}

func (s rankedPods) Len() int { return len(s.pods) }

func (s rankedPods) Swap(i, j int) {
	s.pods[i], s.pods[j] = s.pods[j], s.pods[i]
	s.rank[i], s.rank[j] = s.rank[j], s.rank[i]
}

func (s rankedPods) Less(i, j int) bool {
	a, b := s.pods[i], s.pods[j]
	if a.Spec.NodeName != b.Spec.NodeName && (a.Spec.NodeName == "" || b.Spec.NodeName == "") {
		return a.Spec.NodeName == ""
	}
	if pa, pb := podPhaseOrdinal[a.Status.Phase], podPhaseOrdinal[b.Status.Phase]; pa != pb {
		return pa < pb
	}
	ra, rb := podReady(a), podReady(b)
	if ra != rb {
		return !ra
	}
	if ca, cb := deletionCost(a), deletionCost(b); ca != cb {
		return ca < cb
	}
	if s.rank[i] != s.rank[j] {
		return s.rank[i] > s.rank[j]
	}
	if ra && rb {
		ta, tb := readySince(a), readySince(b)
		if !ta.Equal(tb) {
			if ta.IsZero() || tb.IsZero() {
				return ta.IsZero()
			}
			if d := logRankDiff(ta, tb, s.now); d != 0 {
				return d < 0
			}
			return a.UID < b.UID
		}
	}
	if ma, mb := maxRestarts(a), maxRestarts(b); ma != mb {
		return ma > mb
	}
	ta, tb := a.CreationTimestamp.Time, b.CreationTimestamp.Time
	if !ta.Equal(tb) {
		if ta.IsZero() || tb.IsZero() {
			return ta.IsZero()
		}
		if d := logRankDiff(ta, tb, s.now); d != 0 {
			return d < 0
		}
		return a.UID < b.UID
	}
	return false
}

// logRankDiff compares how long ago two times were, in powers of two of
// nanoseconds: negative when t1 is more recent.
func logRankDiff(t1, t2, now time.Time) int64 {
	r := func(t time.Time) int64 {
		if d := now.Sub(t); d > 0 {
			return int64(math.Log2(float64(d)))
		}
		return -1
	}
	return r(t1) - r(t2)
}

func deletionCost(p *corev1.Pod) int32 {
	v, ok := p.Annotations[podDeletionCost]
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0
	}
	return int32(n)
}

func readySince(p *corev1.Pod) time.Time {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return c.LastTransitionTime.Time
		}
	}
	return time.Time{}
}

func maxRestarts(p *corev1.Pod) int32 {
	var n int32
	for _, c := range p.Status.ContainerStatuses {
		n = max(n, c.RestartCount)
	}
	return n
}

// podsToDelete picks diff victims among active pods. related are the
// active pods of every ReplicaSet that shares this one's controller (a
// Deployment's old and new ReplicaSets): a node crowded with the family's
// pods gives up one first, which spreads what remains.
func podsToDelete(active, related []*corev1.Pod, diff int, now time.Time) []*corev1.Pod {
	pods := append([]*corev1.Pod(nil), active...)
	if diff < len(pods) {
		// By name first, so that equal ranks fall the same way every run.
		rsSortByName(pods)
		onNode := map[string]int{}
		for _, p := range related {
			if podActive(p) {
				onNode[p.Spec.NodeName]++
			}
		}
		ranks := make([]int, len(pods))
		for i, p := range pods {
			ranks[i] = onNode[p.Spec.NodeName]
		}
		sort.Sort(rankedPods{pods: pods, rank: ranks, now: now})
	}
	if diff > len(pods) {
		diff = len(pods)
	}
	return pods[:diff]
}

// podActive: a pod that counts toward replicas, neither finished nor
// being deleted (IsPodActive).
func podActive(p *corev1.Pod) bool {
	return p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed && p.DeletionTimestamp == nil
}

// podTerminating: being deleted but not finished yet; such pods still run
// and are counted in status.terminatingReplicas.
func podTerminating(p *corev1.Pod) bool {
	return p.DeletionTimestamp != nil && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed
}

// podAvailable: Ready for at least minReadySeconds (IsPodAvailable).
func podAvailable(p *corev1.Pod, minReadySeconds int32, now time.Time) bool {
	if !podReady(p) {
		return false
	}
	if minReadySeconds == 0 {
		return true
	}
	since := readySince(p)
	return !since.IsZero() && since.Add(time.Duration(minReadySeconds)*time.Second).Before(now)
}

// victimWhy says, for the narration, which rule put a pod first in line.
func victimWhy(p *corev1.Pod) (en, ko string) {
	switch {
	case p.Spec.NodeName == "":
		return "it was not scheduled to a node yet", "아직 노드에 스케줄되지 않음"
	case p.Status.Phase == corev1.PodPending:
		return "it was still Pending", "아직 Pending 상태"
	case !podReady(p):
		return "it was not Ready", "Ready 상태가 아님"
	case maxRestarts(p) > 0:
		return "among Ready pods, it was ready for the shortest time or had restarted the most",
			"Ready 파드 중 Ready가 된 지 가장 짧거나 재시작이 가장 많음"
	}
	return "among Ready pods, it was ready for the shortest time or was the newest",
		"Ready 파드 중 Ready가 된 지 가장 짧거나 가장 최근에 만들어짐"
}
