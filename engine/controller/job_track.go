package controller

import (
	"sort"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Counting finished pods (trackJobStatusAndRemoveFinalizers). Every Job pod
// is created with the batch.kubernetes.io/job-tracking finalizer, so it
// cannot vanish before the controller has counted it. A finished pod is
// counted in three steps, each written before the next, so no crash or
// race can count it twice or lose it: its uid goes into
// status.uncountedTerminatedPods; its finalizer is removed; its uid leaves
// the list as status.succeeded or status.failed grows.

// jobUncounted are the uids in status.uncountedTerminatedPods.
type jobUncounted struct {
	succeeded, failed map[types.UID]bool
}

func newJobUncounted(u *batchv1.UncountedTerminatedPods) jobUncounted {
	out := jobUncounted{succeeded: map[types.UID]bool{}, failed: map[types.UID]bool{}}
	for _, uid := range u.Succeeded {
		out.succeeded[uid] = true
	}
	for _, uid := range u.Failed {
		out.failed[uid] = true
	}
	return out
}

func jobHasTrackingFinalizer(p *corev1.Pod) bool {
	for _, f := range p.Finalizers {
		if f == batchv1.JobTrackingFinalizer {
			return true
		}
	}
	return false
}

// jobPodFailed: a failed pod, or one being deleted before it finished
// (an evicted or deleted pod never reaches Failed, yet it did not
// succeed). With a pod failure policy, or podReplacementPolicy Failed,
// only the phase counts.
func jobPodFailed(p *corev1.Pod, job *batchv1.Job) bool {
	if p.Status.Phase == corev1.PodFailed {
		return true
	}
	if jobOnlyReplaceFailed(job) {
		return false
	}
	return p.DeletionTimestamp != nil && p.Status.Phase != corev1.PodSucceeded
}

// jobOnlyReplaceFailed: podReplacementPolicy Failed (implied by a pod
// failure policy) waits for a pod to be fully Failed before replacing it.
func jobOnlyReplaceFailed(job *batchv1.Job) bool {
	if p := job.Spec.PodReplacementPolicy; p != nil && *p == batchv1.Failed {
		return true
	}
	return job.Spec.PodFailurePolicy != nil
}

// jobNewFinishedPods are the pods finished since the last count: still
// holding the finalizer and not yet in the uncounted lists.
func jobNewFinishedPods(ctx *jobSyncCtx) (succeeded, failed []*corev1.Pod) {
	for _, p := range ctx.pods {
		if !jobHasTrackingFinalizer(p) || !jobValidIndex(ctx.job, p) {
			continue
		}
		if p.Status.Phase == corev1.PodSucceeded && !ctx.uncounted.succeeded[p.UID] {
			succeeded = append(succeeded, p)
		}
		if jobPodFailed(p, ctx.job) && !ctx.uncounted.failed[p.UID] {
			failed = append(failed, p)
		}
	}
	return succeeded, failed
}

// trackStatus counts finished pods, removes their finalizers, adds the
// terminal condition when the pods allow it, and writes the status.
func (j *Job) trackStatus(ctx *jobSyncCtx, needsFlush bool) {
	job := ctx.job
	indexed := jobIndexed(job)
	if indexed {
		sort.SliceStable(ctx.pods, func(a, b int) bool {
			return jobCompletionIndex(ctx.pods[a]) < jobCompletionIndex(ctx.pods[b])
		})
	}
	withFinalizer := map[types.UID]bool{}
	for _, p := range ctx.pods {
		if jobHasTrackingFinalizer(p) {
			withFinalizer[p.UID] = true
		}
	}
	old := jobCounters{job.Status.Succeeded, job.Status.Failed}
	if jobCleanUncounted(&job.Status, withFinalizer) {
		needsFlush = true
	}
	uncounted := job.Status.UncountedTerminatedPods
	var toRelease []*corev1.Pod
	var newIndexes []int
	full := false
	for _, p := range ctx.pods {
		if !jobHasTrackingFinalizer(p) {
			continue // counted in an earlier sync
		}
		failed := jobPodFailed(p, job)
		if !jobCanRemoveFinalizer(ctx, p, failed) {
			continue
		}
		toRelease = append(toRelease, p)
		switch {
		case p.Status.Phase == corev1.PodSucceeded && !ctx.uncounted.failed[p.UID]:
			if indexed {
				// The completion index is enough to never count a
				// success twice.
				ix := jobCompletionIndex(p)
				if ix >= 0 && ix < int(*job.Spec.Completions) && !ctx.prevSucceeded.has(ix) {
					newIndexes = append(newIndexes, ix)
					needsFlush = true
				}
			} else if !ctx.uncounted.succeeded[p.UID] {
				needsFlush = true
				uncounted.Succeeded = append(uncounted.Succeeded, p.UID)
			}
		case failed || (ctx.finished != nil && ctx.finished.Type != batchv1.JobSuccessCriteriaMet):
			// A Job that is failing counts every pod it stops as failed.
			if !ctx.uncounted.failed[p.UID] && jobValidIndex(job, p) {
				needsFlush = true
				uncounted.Failed = append(uncounted.Failed, p.UID)
			}
		}
		if len(newIndexes)+len(uncounted.Succeeded)+len(uncounted.Failed) >= jobMaxUncountedPods {
			// Keep the status small; the writes below bring the Job back.
			full = true
			break
		}
	}
	if indexed {
		ctx.succeededIx = ctx.succeededIx.withOrderedIndexes(newIndexes)
		if s := ctx.succeededIx.String(); s != job.Status.CompletedIndexes {
			needsFlush = true
			job.Status.CompletedIndexes = s
		}
		job.Status.Succeeded = int32(ctx.succeededIx.total())
	}
	if ctx.finished != nil && ctx.finished.Type == batchv1.JobFailureTarget {
		// Record the decision before the finalizers go, then aim for Failed.
		job.Status.Conditions = append(job.Status.Conditions, *ctx.finished)
		needsFlush = true
		ctx.finished = j.newJobCondition(batchv1.JobFailed, ctx.finished.Reason, ctx.finished.Message)
	}
	if ctx.finished != nil && ctx.finished.Type == batchv1.JobSuccessCriteriaMet {
		if jobSuccessCriteriaMet(job) == nil {
			job.Status.Conditions = append(job.Status.Conditions, *ctx.finished)
			needsFlush = true
		}
		ctx.finished = j.newJobCondition(batchv1.JobComplete, ctx.finished.Reason, ctx.finished.Message)
	}

	// Step one: the uids are in the status before any finalizer goes.
	if needsFlush {
		out, err := j.updateJobStatus(job)
		if err != nil {
			ctx.writeErr = true
			return
		}
		job = out
		ctx.job = out
		j.backoff[ctx.key] = ctx.backoff
		needsFlush = false
	}
	// Step two: release the pods.
	for _, p := range toRelease {
		if err := j.removeTrackingFinalizer(p); err == nil || apierrors.IsNotFound(err) {
			delete(withFinalizer, p.UID)
		}
	}
	// Step three: count what was released.
	if jobCleanUncounted(&job.Status, withFinalizer) {
		needsFlush = true
	}
	finished := !full && j.enactJobFinished(ctx)
	if finished {
		needsFlush = true
	}
	if !needsFlush {
		return
	}
	out, err := j.updateJobStatus(ctx.job)
	if err != nil {
		ctx.writeErr = true
		return
	}
	ctx.job = out
	j.narrateCounted(out, old)
	if finished {
		j.recordJobFinished(out, ctx.finished)
	}
}

type jobCounters struct{ succeeded, failed int32 }

// jobCanRemoveFinalizer: a pod is released once it succeeded, once it is
// counted as failed, or once the whole Job is finishing or deleted.
func jobCanRemoveFinalizer(ctx *jobSyncCtx, p *corev1.Pod, failed bool) bool {
	return ctx.job.DeletionTimestamp != nil || ctx.finished != nil || p.Status.Phase == corev1.PodSucceeded || failed
}

// jobCleanUncounted moves uids whose pods no longer hold the finalizer
// from the uncounted lists to the counters.
func jobCleanUncounted(status *batchv1.JobStatus, withFinalizer map[types.UID]bool) bool {
	u := status.UncountedTerminatedPods
	keep := func(uids []types.UID) []types.UID {
		var out []types.UID
		for _, uid := range uids {
			if withFinalizer[uid] {
				out = append(out, uid)
			}
		}
		return out
	}
	changed := false
	if left := keep(u.Succeeded); len(left) != len(u.Succeeded) {
		status.Succeeded += int32(len(u.Succeeded) - len(left))
		u.Succeeded = left
		changed = true
	}
	if left := keep(u.Failed); len(left) != len(u.Failed) {
		status.Failed += int32(len(u.Failed) - len(left))
		u.Failed = left
		changed = true
	}
	return changed
}

// enactJobFinished sets Complete or Failed once nothing is left to count
// and no pod of the Job is still terminating: a Job is not reported done
// while one of its pods may still be running.
func (j *Job) enactJobFinished(ctx *jobSyncCtx) bool {
	if ctx.finished == nil {
		return false
	}
	job := ctx.job
	if u := job.Status.UncountedTerminatedPods; u != nil && len(u.Succeeded)+len(u.Failed) > 0 {
		return false
	}
	if ctx.terminating > 0 {
		return false
	}
	c := ctx.finished
	job.Status.Conditions, _ = j.ensureJobCondition(job.Status.Conditions, c.Type, c.Status, c.Reason, c.Message)
	if c.Type == batchv1.JobComplete {
		t := j.conditionTime()
		job.Status.CompletionTime = &t
	}
	return true
}

func (j *Job) updateJobStatus(job *batchv1.Job) (*batchv1.Job, error) {
	// The sync goes on changing the status it gets back, so it gets a
	// working copy.
	out, err := j.API.Update(j.ctx(), jobKind, job.Namespace, job.Name, "status", job, owned)
	if err != nil {
		return nil, err
	}
	return jobWorkingCopy(out.(*batchv1.Job)), nil
}

// removeTrackingFinalizer releases a counted pod: without the finalizer
// it can be deleted (or, if already being deleted, it goes).
func (j *Job) removeTrackingFinalizer(p *corev1.Pod) error {
	obj, err := j.Store.Get(jobPodKind, p.Namespace, p.Name)
	if err != nil {
		return err
	}
	pod := obj.(*corev1.Pod)
	if pod.UID != p.UID {
		return apierrors.NewNotFound(corev1.Resource("pods"), p.Name)
	}
	if !jobHasTrackingFinalizer(pod) {
		return nil
	}
	kept := pod.Finalizers[:0:0]
	for _, f := range pod.Finalizers {
		if f != batchv1.JobTrackingFinalizer {
			kept = append(kept, f)
		}
	}
	pod.Finalizers = kept
	_, err = j.API.Update(j.ctx(), jobPodKind, pod.Namespace, pod.Name, "", pod, owned)
	return err
}

// cleanupPodFinalizers hands the pods of a deleted or finished Job that
// still hold the finalizer to the orphan queue.
func (j *Job) cleanupPodFinalizers(job *batchv1.Job) {
	for pk := range j.pods[job.UID] {
		ns, name := splitKey(pk)
		obj, err := j.Store.Get(jobPodKind, ns, name)
		if err != nil {
			continue
		}
		if pod := obj.(*corev1.Pod); jobHasTrackingFinalizer(pod) && metav1.IsControlledBy(pod, job) {
			j.orphans.Add(pk)
		}
	}
}

// syncOrphanPod removes the finalizer from a pod no running Job counts:
// orphaned, owned by a Job that is gone, or by one that has finished.
func (j *Job) syncOrphanPod(pk string) {
	ns, name := splitKey(pk)
	obj, err := j.Store.Get(jobPodKind, ns, name)
	if err != nil {
		return
	}
	pod := obj.(*corev1.Pod)
	if !jobHasTrackingFinalizer(pod) {
		return
	}
	if ref := metav1.GetControllerOf(pod); ref != nil {
		if jobControllerRef(pod) == nil {
			return // another kind's pod: not our finalizer to remove
		}
		if owner := j.ownerJob(ns, ref); owner != nil && !jobFinished(owner) {
			return // its Job still counts it
		}
	}
	j.removeTrackingFinalizer(pod)
}

// --- conditions ---------------------------------------------------------------

func findJobCondition(list []batchv1.JobCondition, t batchv1.JobConditionType) *batchv1.JobCondition {
	for i := range list {
		if list[i].Type == t {
			return &list[i]
		}
	}
	return nil
}

// jobFinished: Complete or Failed is true (IsJobFinished).
func jobFinished(job *batchv1.Job) bool {
	for _, c := range job.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// jobFinishedCondition returns Complete or Failed, whichever is true.
func jobFinishedCondition(job *batchv1.Job) (batchv1.JobConditionType, *batchv1.JobCondition) {
	for i, c := range job.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return c.Type, &job.Status.Conditions[i]
		}
	}
	return "", nil
}

func jobSuccessCriteriaMet(job *batchv1.Job) *batchv1.JobCondition {
	if c := findJobCondition(job.Status.Conditions, batchv1.JobSuccessCriteriaMet); c != nil && c.Status == corev1.ConditionTrue {
		out := *c
		return &out
	}
	return nil
}

// conditionTime is now as the API stores it, to the second.
func (j *Job) conditionTime() metav1.Time { return metav1.NewTime(j.now().Truncate(time.Second)) }

func (j *Job) newJobCondition(t batchv1.JobConditionType, reason, msg string) *batchv1.JobCondition {
	now := j.conditionTime()
	return &batchv1.JobCondition{Type: t, Status: corev1.ConditionTrue, LastProbeTime: now, LastTransitionTime: now, Reason: reason, Message: msg}
}

// ensureJobCondition sets a condition's status, reason and message,
// appending it unless it would be a new False condition (going from
// nothing to False says nothing).
func (j *Job) ensureJobCondition(list []batchv1.JobCondition, t batchv1.JobConditionType, status corev1.ConditionStatus, reason, msg string) ([]batchv1.JobCondition, bool) {
	now := j.conditionTime()
	if c := findJobCondition(list, t); c != nil {
		if c.Status != status || c.Reason != reason || c.Message != msg {
			*c = batchv1.JobCondition{Type: t, Status: status, LastProbeTime: now, LastTransitionTime: now, Reason: reason, Message: msg}
			return list, true
		}
		return list, false
	}
	if status == corev1.ConditionFalse {
		return list, false
	}
	return append(list, batchv1.JobCondition{Type: t, Status: status, LastProbeTime: now, LastTransitionTime: now, Reason: reason, Message: msg}), true
}
