package controller

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// Indexed Jobs (completionMode: Indexed): each pod gets a completion index
// 0 … completions-1 (annotation and label batch.kubernetes.io/
// job-completion-index, env JOB_COMPLETION_INDEX, hostname <job>-<index>),
// and the Job is complete when every index has a succeeded pod, listed in
// status.completedIndexes as "0-2,4".

const jobCompletionIndexEnv = "JOB_COMPLETION_INDEX"

// jobCompletionIndex reads a pod's index; -1 when missing or invalid.
func jobCompletionIndex(p *corev1.Pod) int {
	v, ok := p.Annotations[batchv1.JobCompletionIndexAnnotation]
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// jobValidIndex: non-Indexed pods are always valid; Indexed ones need an
// index below completions.
func jobValidIndex(job *batchv1.Job, p *corev1.Pod) bool {
	if !jobIndexed(job) {
		return true
	}
	ix := jobCompletionIndex(p)
	return ix >= 0 && ix < int(*job.Spec.Completions)
}

// jobInterval is an inclusive range of indexes.
type jobInterval struct{ first, last int }

// jobIntervals are sorted, disjoint, non-adjacent ranges.
type jobIntervals []jobInterval

func (s jobIntervals) total() int {
	n := 0
	for _, iv := range s {
		n += iv.last - iv.first + 1
	}
	return n
}

func (s jobIntervals) has(ix int) bool {
	i := sort.Search(len(s), func(i int) bool { return s[i].last >= ix })
	return i < len(s) && s[i].first <= ix
}

// withOrderedIndexes merges sorted indexes into the ranges.
func (s jobIntervals) withOrderedIndexes(ixs []int) jobIntervals {
	if len(ixs) == 0 {
		return s
	}
	set := map[int]bool{}
	for _, iv := range s {
		for i := iv.first; i <= iv.last; i++ {
			set[i] = true
		}
	}
	for _, i := range ixs {
		set[i] = true
	}
	all := make([]int, 0, len(set))
	for i := range set {
		all = append(all, i)
	}
	sort.Ints(all)
	var out jobIntervals
	for _, i := range all {
		if n := len(out); n > 0 && out[n-1].last == i-1 {
			out[n-1].last = i
			continue
		}
		out = append(out, jobInterval{i, i})
	}
	return out
}

// String writes "1,3-5,7": three or more in a row become a range.
func (s jobIntervals) String() string {
	var b strings.Builder
	for _, iv := range s {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(iv.first))
		switch {
		case iv.last == iv.first+1:
			b.WriteByte(',')
			b.WriteString(strconv.Itoa(iv.last))
		case iv.last > iv.first:
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(iv.last))
		}
	}
	return b.String()
}

// jobParseIntervals reads status.completedIndexes, ignoring what is
// malformed or out of range, as upstream does.
func jobParseIntervals(s string, completions int) jobIntervals {
	var ixs []int
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			continue
		}
		lo, hi := part, part
		if i := strings.IndexByte(part, '-'); i >= 0 {
			lo, hi = part[:i], part[i+1:]
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || a < 0 || a > b {
			continue
		}
		for i := a; i <= b && i < completions; i++ {
			ixs = append(ixs, i)
		}
	}
	return jobIntervals(nil).withOrderedIndexes(ixs)
}

// jobSucceededIndexes returns the indexes already recorded and those with
// the succeeded pods not yet counted added.
func jobSucceededIndexes(job *batchv1.Job, pods []*corev1.Pod) (prev, now jobIntervals) {
	completions := int(*job.Spec.Completions)
	prev = jobParseIntervals(job.Status.CompletedIndexes, completions)
	var fresh []int
	for _, p := range pods {
		ix := jobCompletionIndex(p)
		if p.Status.Phase == corev1.PodSucceeded && ix >= 0 && ix < completions && jobHasTrackingFinalizer(p) {
			fresh = append(fresh, ix)
		}
	}
	sort.Ints(fresh)
	return prev, prev.withOrderedIndexes(fresh)
}

// jobFirstPendingIndexes returns up to count indexes with neither a
// succeeded nor an active pod, lowest first.
func jobFirstPendingIndexes(ctx *jobSyncCtx, count, completions int) []int {
	busy := map[int]bool{}
	for _, p := range ctx.active {
		busy[jobCompletionIndex(p)] = true
	}
	var out []int
	for i := 0; i < completions && len(out) < count; i++ {
		if !busy[i] && !ctx.succeededIx.has(i) {
			out = append(out, i)
		}
	}
	return out
}

// jobDuplicatedIndexPods splits active pods of an Indexed Job into those
// to remove (no index, out of range, or a second pod of one index — the
// one furthest from done goes) and the rest.
func jobDuplicatedIndexPods(pods []*corev1.Pod, completions int) (rm, left []*corev1.Pod) {
	byIndex := map[int][]*corev1.Pod{}
	var order []int
	for _, p := range pods {
		ix := jobCompletionIndex(p)
		if ix < 0 || ix >= completions {
			rm = append(rm, p)
			continue
		}
		if _, seen := byIndex[ix]; !seen {
			order = append(order, ix)
		}
		byIndex[ix] = append(byIndex[ix], p)
	}
	sort.Ints(order)
	for _, ix := range order {
		same := byIndex[ix]
		if len(same) > 1 {
			sort.SliceStable(same, func(a, b int) bool { return jobRemoveFirst(same[a], same[b]) })
			rm = append(rm, same[:len(same)-1]...)
		}
		left = append(left, same[len(same)-1])
	}
	return rm, left
}

// jobAddCompletionIndex marks a pod template with its index.
func jobAddCompletionIndex(t *corev1.PodTemplateSpec, ix int) {
	v := strconv.Itoa(ix)
	if t.Annotations == nil {
		t.Annotations = map[string]string{}
	}
	t.Annotations[batchv1.JobCompletionIndexAnnotation] = v
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	t.Labels[batchv1.JobCompletionIndexAnnotation] = v
}

// jobAddCompletionIndexEnv gives every container JOB_COMPLETION_INDEX from
// the pod's annotation (the downward API).
func jobAddCompletionIndexEnv(t *corev1.PodTemplateSpec) {
	add := func(c *corev1.Container) {
		for _, e := range c.Env {
			if e.Name == jobCompletionIndexEnv {
				return
			}
		}
		c.Env = append(c.Env, corev1.EnvVar{Name: jobCompletionIndexEnv, ValueFrom: &corev1.EnvVarSource{
			FieldRef: &corev1.ObjectFieldSelector{FieldPath: fmt.Sprintf("metadata.annotations['%s']", batchv1.JobCompletionIndexAnnotation)}}})
	}
	for i := range t.Spec.InitContainers {
		add(&t.Spec.InitContainers[i])
	}
	for i := range t.Spec.Containers {
		add(&t.Spec.Containers[i])
	}
}

// jobIndexedGenerateName is <job>-<index>-, shortened from the Job's name
// so that the 5-character suffix still fits 63 characters.
func jobIndexedGenerateName(jobName string, ix int) string {
	const maxGenerated = 63 - 5
	tail := "-" + strconv.Itoa(ix) + "-"
	prefix := jobName + tail
	if len(prefix) > maxGenerated {
		prefix = prefix[:maxGenerated-len(tail)] + tail
	}
	return prefix
}
