package controller

import (
	"fmt"
	"sort"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// manageJob keeps the right number of pods active (manageJob upstream)
// and returns how many are active after its changes:
//   - suspended: none;
//   - completions unset (a work queue): parallelism until any pod
//     succeeded, then no new ones;
//   - otherwise min(parallelism, completions - succeeded).
//
// Surplus pods are deleted; missing ones are created, but not before the
// back-off that follows a failed pod has passed.
func (j *Job) manageJob(ctx *jobSyncCtx) int32 {
	job := ctx.job
	active := int32(len(ctx.active))
	parallelism := *job.Spec.Parallelism

	if jobSuspended(job) {
		victims := jobPodsForRemoval(job, ctx.active, int(active))
		removedReady, removed := j.deleteJobPods(job, victims, jobWhySuspended)
		ctx.terminating += removed
		ctx.ready -= removedReady
		return active - removed
	}

	var want int32
	if job.Spec.Completions == nil {
		if ctx.succeeded > 0 {
			want = active
		} else {
			want = parallelism
		}
	} else {
		want = min(*job.Spec.Completions-ctx.succeeded, parallelism)
		want = max(want, 0)
	}

	victims := jobPodsForRemoval(job, ctx.active, int(max(active-want, 0)))
	if len(victims) > jobMaxPodCreateDelete {
		victims = victims[:jobMaxPodCreateDelete]
	}
	if len(victims) > 0 {
		removedReady, removed := j.deleteJobPods(job, victims, jobWhyTooMany)
		ctx.terminating += removed
		ctx.ready -= removedReady
		// Deleting and creating in one sync could fight itself (an
		// Indexed Job with a duplicate index): deleting wins.
		return active - removed
	}

	var terminating int32
	if jobOnlyReplaceFailed(job) {
		terminating = ctx.terminating
	}
	diff := want - terminating - active
	if diff <= 0 {
		return active
	}
	if left := ctx.backoff.remaining(j.now()); left > 0 {
		// Upstream reports no active pods while it waits out the back-off.
		j.later.addAfter(ctx.key, max(left, jobSyncBatchPeriod))
		j.narrateBackoff(job, ctx, left)
		return 0
	}
	diff = min(diff, jobMaxPodCreateDelete)
	var indexes []int
	if jobIndexed(job) {
		indexes = jobFirstPendingIndexes(ctx, int(diff), int(*job.Spec.Completions))
		diff = int32(len(indexes))
	}
	active += diff
	template := job.Spec.Template.DeepCopy()
	if jobIndexed(job) {
		jobAddCompletionIndexEnv(template)
	}
	template.Finalizers = jobAppendIfMissing(template.Finalizers, batchv1.JobTrackingFinalizer)
	// Slow start: 1, 2, 4 … pods at a time, stopping after a batch with a
	// failure, so a Job over its quota tries one pod, not five hundred.
	for batch := min(diff, 1); diff > 0; batch = min(2*batch, diff) {
		failed := false
		for i := int32(0); i < batch; i++ {
			ix := -1
			if len(indexes) > 0 {
				ix, indexes = indexes[0], indexes[1:]
			}
			if err := j.createJobPod(job, template, ix, ctx); err != nil {
				active--
				failed = true
			}
		}
		if skipped := diff - batch; failed && skipped > 0 {
			active -= skipped
			break
		}
		diff -= batch
	}
	return active
}

// createJobPod creates one pod from the Job's template: generateName
// <job>- (<job>-<index>- for Indexed Jobs), the template's labels and
// annotations, the tracking finalizer and the Job as controller.
func (j *Job) createJobPod(job *batchv1.Job, template *corev1.PodTemplateSpec, ix int, ctx *jobSyncCtx) error {
	t := template
	generateName := job.Name + "-"
	if ix >= 0 {
		t = template.DeepCopy()
		jobAddCompletionIndex(t, ix)
		t.Spec.Hostname = fmt.Sprintf("%s-%d", job.Name, ix)
		generateName = jobIndexedGenerateName(job.Name, ix)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName:    generateName,
			Namespace:       job.Namespace,
			Labels:          jobCopyMap(t.Labels),
			Annotations:     jobCopyMap(t.Annotations),
			Finalizers:      append([]string(nil), t.Finalizers...),
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(job, jobGVK)},
		},
		Spec: *t.Spec.DeepCopy(),
	}
	out, err := j.API.Create(j.ctx(), jobPodKind, job.Namespace, pod, owned)
	if err != nil {
		if apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
			return err // the namespace is going away: nothing to report
		}
		ctx.writeErr = true
		j.narrateFailedCreate(job, err)
		return err
	}
	created := out.(*corev1.Pod)
	j.index(job.UID, key(created.Namespace, created.Name))
	j.narrateCreated(job, created, ctx, ix)
	return nil
}

// deleteActivePods deletes the pods of a Job that is finishing. The
// finalizers stay: the pods are counted as failed, then released.
func (j *Job) deleteActivePods(job *batchv1.Job, pods []*corev1.Pod, why jobWhy) (ready, deleted int32) {
	for _, p := range pods {
		err := j.deletePod(job, p, why)
		if err != nil && !apierrors.IsNotFound(err) {
			continue
		}
		deleted++
		if podReady(p) {
			ready++
		}
	}
	return ready, deleted
}

// deleteJobPods deletes surplus pods (scale-down, suspension). Their
// finalizer goes first: a pod removed on purpose is not a failure.
func (j *Job) deleteJobPods(job *batchv1.Job, pods []*corev1.Pod, why jobWhy) (ready, deleted int32) {
	for _, p := range pods {
		if err := j.removeTrackingFinalizer(p); err != nil && !apierrors.IsNotFound(err) {
			continue
		}
		if err := j.deletePod(job, p, why); err != nil {
			if !apierrors.IsNotFound(err) {
				continue
			}
		}
		deleted++
		if podReady(p) {
			ready++
		}
	}
	return ready, deleted
}

// deletePod deletes a pod with its own grace period, as the pod control's
// DeletePod does, and records SuccessfulDelete (or FailedDelete).
func (j *Job) deletePod(job *batchv1.Job, p *corev1.Pod, why jobWhy) error {
	uid := p.UID
	_, _, err := j.API.Delete(j.ctx(), jobPodKind, p.Namespace, p.Name, &metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	switch {
	case err == nil:
		j.narrateDeleted(job, p, why)
	case apierrors.IsNotFound(err):
	default:
		j.narrateFailedDelete(job, p, err)
	}
	return err
}

// jobPodsForRemoval picks the pods to delete first: for Indexed Jobs, pods
// with a duplicate, missing or out-of-range index; then the pods furthest
// from doing work — unscheduled before scheduled, Pending before Running,
// not Ready before Ready, more restarts first, newest first
// (controller.ActivePods).
func jobPodsForRemoval(job *batchv1.Job, pods []*corev1.Pod, atLeast int) []*corev1.Pod {
	var rm, left []*corev1.Pod
	if jobIndexed(job) {
		rm, left = jobDuplicatedIndexPods(pods, int(*job.Spec.Completions))
	} else {
		left = append(left, pods...)
	}
	if len(rm) < atLeast {
		sort.SliceStable(left, func(a, b int) bool { return jobRemoveFirst(left[a], left[b]) })
		rm = append(rm, left[:atLeast-len(rm)]...)
	}
	return rm
}

var jobPhaseOrder = map[corev1.PodPhase]int{corev1.PodPending: 0, corev1.PodUnknown: 1, corev1.PodRunning: 2}

// jobRemoveFirst is controller.ActivePods' order.
func jobRemoveFirst(a, b *corev1.Pod) bool {
	if a.Spec.NodeName != b.Spec.NodeName && (a.Spec.NodeName == "" || b.Spec.NodeName == "") {
		return a.Spec.NodeName == ""
	}
	if pa, pb := jobPhaseOrder[a.Status.Phase], jobPhaseOrder[b.Status.Phase]; pa != pb {
		return pa < pb
	}
	if ra, rb := podReady(a), podReady(b); ra != rb {
		return !ra
	}
	if podReady(a) {
		ta, tb := jobReadyTime(a), jobReadyTime(b)
		if !ta.Equal(tb) {
			return jobAfterOrZero(ta, tb)
		}
	}
	if ra, rb := jobMaxRestarts(a), jobMaxRestarts(b); ra != rb {
		return ra > rb
	}
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return jobAfterOrZero(a.CreationTimestamp.Time, b.CreationTimestamp.Time)
	}
	return false
}

// jobAfterOrZero: the zero time first, then the later time.
func jobAfterOrZero(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero()
	}
	return a.After(b)
}

func jobReadyTime(p *corev1.Pod) time.Time {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return c.LastTransitionTime.Time
		}
	}
	return time.Time{}
}

func jobMaxRestarts(p *corev1.Pod) int32 {
	var n int32
	for _, c := range p.Status.ContainerStatuses {
		n = max(n, c.RestartCount)
	}
	return n
}

func jobSortByName(pods []*corev1.Pod) {
	sort.Slice(pods, func(a, b int) bool { return pods[a].Name < pods[b].Name })
}

func jobCopyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func jobAppendIfMissing(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}
