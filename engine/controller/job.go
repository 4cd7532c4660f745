package controller

import (
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/store"
)

// The job controller's timings (pkg/controller/job): pod changes are
// batched for a second before a sync; a failed pod delays the next one by
// 10s, doubling per consecutive failure up to 10 minutes; at most 500 pods
// are created or deleted per sync; uncounted pods are flushed 500 at a time.
const (
	jobSyncBatchPeriod      = time.Second
	jobPodFailureBackoff    = 10 * time.Second
	jobMaxPodFailureBackoff = 10 * time.Minute
	jobMaxPodCreateDelete   = 500
	jobMaxUncountedPods     = 500
	jobControllerSource     = "job-controller"
)

var (
	jobKind, _ = kinds.ByResource("batch", "jobs")
	jobPodKind = kinds.Core("pods")
	jobGVK     = batchv1.SchemeGroupVersion.WithKind("Job")
)

// Job runs each Job's pods to completion as kube-controller-manager's job
// controller does: it keeps min(parallelism, completions - succeeded) pods
// active, counts finished pods through the batch.kubernetes.io/job-tracking
// finalizer and status.uncountedTerminatedPods, backs off after failures,
// enforces backoffLimit and activeDeadlineSeconds, suspends and resumes,
// and finishes with SuccessCriteriaMet/FailureTarget, then Complete/Failed.
type Job struct {
	Deps
	q       *Queue
	later   *delayedQueue
	orphans *Queue
	// pods indexes each Job's pods by the Job's uid: filled from the change
	// stream and from our own creates, so a pod made in one sync is seen by
	// the next even before its change is dispatched (what upstream's
	// expectations guard against). A sync reads only its own pods.
	pods map[types.UID]map[string]struct{}
	// backoff is upstream's backoffStore: consecutive failures per Job.
	backoff map[string]jobBackoff
	// apiFailures counts consecutive syncs that failed to write, for the
	// work queue's retry: 1s, 2s, 4s … up to a minute.
	apiFailures map[string]int
}

func init() {
	Register("job-controller", func(d Deps) Controller { return NewJob(d) })
}

// NewJob returns the controller.
func NewJob(d Deps) *Job {
	j := &Job{Deps: d, pods: map[types.UID]map[string]struct{}{}, backoff: map[string]jobBackoff{}, apiFailures: map[string]int{}}
	j.q = NewQueue(d.Loop, j.sync)
	j.later = newDelayedQueue(j.q)
	j.orphans = NewQueue(d.Loop, j.syncOrphanPod)
	return j
}

// Observe maps Job and pod changes to the Jobs they concern.
func (j *Job) Observe(c store.Change) {
	switch c.Kind {
	case jobKind:
		j.observeJob(c)
	case jobPodKind:
		j.observePod(c)
	}
}

func (j *Job) observeJob(c store.Change) {
	job := c.Object.(*batchv1.Job)
	k := key(job.Namespace, job.Name)
	switch c.Type {
	case watch.Added:
		j.q.Add(k)
	case watch.Deleted:
		j.q.Add(k)
		// Pods still holding the tracking finalizer would stay forever:
		// their Job is gone, so nobody else will count them.
		j.cleanupPodFinalizers(job)
		delete(j.pods, job.UID)
	case watch.Modified:
		old := c.Old.(*batchv1.Job)
		// A spec change is acted on at once; a status change (usually our
		// own write, after pod events) only after the batch period.
		if old.Generation != job.Generation {
			j.q.Add(k)
		} else {
			j.later.addAfter(k, jobSyncBatchPeriod)
		}
		// The Job just finished: no sync will count its pods again.
		if jobFinished(job) && !jobFinished(old) {
			j.cleanupPodFinalizers(job)
		}
		// A new or changed activeDeadlineSeconds needs a wake-up at the
		// new deadline.
		if job.Status.StartTime != nil && job.Spec.ActiveDeadlineSeconds != nil &&
			(old.Spec.ActiveDeadlineSeconds == nil || *old.Spec.ActiveDeadlineSeconds != *job.Spec.ActiveDeadlineSeconds) {
			left := time.Duration(*job.Spec.ActiveDeadlineSeconds)*time.Second - j.now().Sub(job.Status.StartTime.Time)
			j.later.addAfter(k, left)
		}
	}
}

func (j *Job) observePod(c store.Change) {
	pod := c.Object.(*corev1.Pod)
	pk := key(pod.Namespace, pod.Name)
	ref := jobControllerRef(pod)
	if c.Old != nil {
		// A pod released by one Job (its controller reference removed or
		// changed) leaves that Job's count.
		if oref := jobControllerRef(c.Old.(*corev1.Pod)); oref != nil && (ref == nil || oref.UID != ref.UID) {
			j.unindex(oref.UID, pk)
			j.later.addAfter(key(pod.Namespace, oref.Name), jobSyncBatchPeriod)
		}
	}
	if ref == nil {
		// An orphan still holding our finalizer: the garbage collector
		// orphaned it, or its Job is gone. Release it.
		if c.Type != watch.Deleted && jobHasTrackingFinalizer(pod) {
			j.orphans.Add(pk)
		}
		return
	}
	if c.Type == watch.Deleted {
		j.unindex(ref.UID, pk)
	} else {
		j.index(ref.UID, pk)
	}
	if c.Type != watch.Deleted && pod.DeletionTimestamp != nil && jobHasTrackingFinalizer(pod) {
		// A pod being deleted whose Job is gone or finished would keep
		// its finalizer forever: syncJob no longer looks at it.
		if owner := j.ownerJob(pod.Namespace, ref); owner == nil || jobFinished(owner) {
			j.orphans.Add(pk)
			return
		}
	}
	j.later.addAfter(key(pod.Namespace, ref.Name), jobSyncBatchPeriod)
}

func (j *Job) index(job types.UID, pod string) {
	set := j.pods[job]
	if set == nil {
		set = map[string]struct{}{}
		j.pods[job] = set
	}
	set[pod] = struct{}{}
}

func (j *Job) unindex(job types.UID, pod string) {
	if set := j.pods[job]; set != nil {
		delete(set, pod)
		if len(set) == 0 {
			delete(j.pods, job)
		}
	}
}

// jobControllerRef returns a pod's controller reference when it names a
// batch Job.
func jobControllerRef(m metav1.Object) *metav1.OwnerReference {
	ref := metav1.GetControllerOf(m)
	if ref == nil || ref.Kind != jobGVK.Kind || ref.APIVersion != jobGVK.GroupVersion().String() {
		return nil
	}
	return ref
}

// ownerJob resolves a controller reference to the Job it names, checking
// the uid: a Job deleted and re-created under the same name is another Job.
func (j *Job) ownerJob(ns string, ref *metav1.OwnerReference) *batchv1.Job {
	obj, err := j.Store.Get(jobKind, ns, ref.Name)
	if err != nil {
		return nil
	}
	job := obj.(*batchv1.Job)
	if job.UID != ref.UID {
		return nil
	}
	return job
}

// podsOf reads the Job's pods: those whose controller reference is the Job.
func (j *Job) podsOf(job *batchv1.Job) []*corev1.Pod {
	set := j.pods[job.UID]
	pods := make([]*corev1.Pod, 0, len(set))
	for pk := range set {
		ns, name := splitKey(pk)
		// Shared, read-only: writes to a pod re-read it (job_track.go).
		obj, found := j.Store.Peek(jobPodKind, ns, name)
		if !found {
			continue
		}
		pod := obj.(*corev1.Pod)
		if ref := jobControllerRef(pod); ref == nil || ref.UID != job.UID {
			continue
		}
		pods = append(pods, pod)
	}
	jobSortByName(pods)
	return pods
}

// jobSyncCtx is what one sync learned about a Job (syncJobCtx).
type jobSyncCtx struct {
	job  *batchv1.Job
	key  string
	pods []*corev1.Pod
	// active pods: neither finished nor being deleted.
	active []*corev1.Pod
	// finished is the condition the Job is reaching this sync, if any.
	finished                   *batchv1.JobCondition
	succeeded, failed          int32
	prevSucceeded, succeededIx jobIntervals
	backoff                    jobBackoff
	uncounted                  jobUncounted
	terminating, ready         int32
	// failed is set when a write of this sync failed (a pod refused by a
	// quota, a conflict): the sync is retried with a growing delay.
	writeErr bool
}

// sync is syncJob: read the Job and its pods, decide, write the status.
func (j *Job) sync(k string) {
	ns, name := splitKey(k)
	obj, ok := j.Store.Peek(jobKind, ns, name)
	if !ok {
		delete(j.backoff, k)
		delete(j.apiFailures, k)
		return
	}
	// A finished Job is never touched again: its status is final.
	if jobFinished(obj.(*batchv1.Job)) {
		delete(j.backoff, k)
		return
	}
	job := jobWorkingCopy(obj.(*batchv1.Job))
	// spec.managedBy hands the Job to another controller (Kueue,
	// MultiKueue): the built-in one keeps out.
	if m := job.Spec.ManagedBy; m != nil && *m != batchv1.JobControllerName {
		return
	}
	if m := job.Spec.CompletionMode; m != nil && *m != batchv1.NonIndexedCompletion && *m != batchv1.IndexedCompletion {
		j.Rec.Record(record.Decision{Source: jobControllerSource, Object: job, Type: corev1.EventTypeWarning,
			Reason: "UnknownCompletionMode", Message: "Skipped Job sync because completion mode is unknown"})
		return
	}
	if job.Status.UncountedTerminatedPods == nil {
		job.Status.UncountedTerminatedPods = &batchv1.UncountedTerminatedPods{}
	}
	pods := j.podsOf(job)
	ctx := &jobSyncCtx{job: job, key: k, pods: pods, active: jobActivePods(pods),
		uncounted: newJobUncounted(job.Status.UncountedTerminatedPods)}
	ctx.ready = jobCountReady(ctx.active)
	ctx.terminating = jobCountTerminating(pods)
	active := int32(len(ctx.active))
	newSucceeded, newFailed := jobNewFinishedPods(ctx)
	ctx.succeeded = job.Status.Succeeded + int32(len(newSucceeded)) + int32(len(ctx.uncounted.succeeded))
	ctx.failed = job.Status.Failed + int32(len(newFailed)) + int32(len(ctx.uncounted.failed))

	// The clock of activeDeadlineSeconds starts at the first sync of a Job
	// that is not suspended.
	if job.Status.StartTime == nil && !jobSuspended(job) {
		now := metav1.NewTime(j.now().Truncate(time.Second))
		job.Status.StartTime = &now
	}
	ctx.backoff = j.newBackoffRecord(k, newSucceeded, newFailed)

	ctx.finished = jobSuccessCriteriaMet(job)
	if ctx.finished == nil {
		if ft := findJobCondition(job.Status.Conditions, batchv1.JobFailureTarget); ft != nil && ft.Status == corev1.ConditionTrue {
			// Failure was decided in an earlier sync; only the pods'
			// termination was awaited.
			ctx.finished = j.newJobCondition(batchv1.JobFailed, ft.Reason, ft.Message)
		}
	}
	if ctx.finished == nil {
		switch {
		case ctx.failed > *job.Spec.BackoffLimit || jobPastBackoffLimitOnFailure(job, pods):
			ctx.finished = j.newJobCondition(batchv1.JobFailureTarget, batchv1.JobReasonBackoffLimitExceeded, "Job has reached the specified backoff limit")
		case j.pastActiveDeadline(job):
			ctx.finished = j.newJobCondition(batchv1.JobFailureTarget, batchv1.JobReasonDeadlineExceeded, "Job was active longer than specified deadline")
		case job.Spec.ActiveDeadlineSeconds != nil && !jobSuspended(job):
			left := time.Duration(*job.Spec.ActiveDeadlineSeconds)*time.Second - j.now().Sub(job.Status.StartTime.Time)
			j.later.addAfter(k, left)
		}
	}
	if jobIndexed(job) {
		ctx.prevSucceeded, ctx.succeededIx = jobSucceededIndexes(job, pods)
		ctx.succeeded = int32(ctx.succeededIx.total())
	}

	suspendChanged := false
	if ctx.finished != nil {
		// Failing (or succeeding by policy): every pod still running goes.
		why := jobDeleteWhy(ctx.finished.Reason)
		deletedReady, deleted := j.deleteActivePods(job, ctx.active, why)
		if deleted != active {
			// Some deletion failed: the Job cannot be declared finished
			// while pods of it may still run.
			ctx.finished = nil
		}
		active -= deleted
		ctx.terminating += deleted
		ctx.ready -= deletedReady
	} else {
		managed := false
		if job.DeletionTimestamp == nil {
			active = j.manageJob(ctx)
			managed = true
		}
		var complete bool
		if job.Spec.Completions == nil {
			// Work-queue Jobs: done once any pod succeeded and the others
			// have stopped.
			complete = ctx.succeeded > 0 && active == 0
		} else {
			complete = ctx.succeeded >= *job.Spec.Completions && active == 0
		}
		switch {
		case complete:
			ctx.finished = j.newJobCondition(batchv1.JobSuccessCriteriaMet, batchv1.JobReasonCompletionsReached, "Reached expected number of succeeded pods")
		case managed && jobSuspended(job):
			var changed bool
			job.Status.Conditions, changed = j.ensureJobCondition(job.Status.Conditions, batchv1.JobSuspended, corev1.ConditionTrue, "JobSuspended", "Job suspended")
			if changed {
				suspendChanged = true
				j.narrateSuspended(job)
			}
		case managed:
			var changed bool
			job.Status.Conditions, changed = j.ensureJobCondition(job.Status.Conditions, batchv1.JobSuspended, corev1.ConditionFalse, "JobResumed", "Job resumed")
			if changed {
				suspendChanged = true
				// activeDeadlineSeconds counts continuous activity: a
				// resumed Job starts its clock again.
				now := metav1.NewTime(j.now().Truncate(time.Second))
				job.Status.StartTime = &now
				j.narrateResumed(job)
			}
		}
	}

	ready := ctx.ready
	terminating := ctx.terminating
	needsUpdate := suspendChanged || active != job.Status.Active || job.Status.Ready == nil || *job.Status.Ready != ready ||
		job.Status.Terminating == nil || *job.Status.Terminating != terminating
	job.Status.Active = active
	job.Status.Ready = &ready
	job.Status.Terminating = &terminating
	j.trackStatus(ctx, needsUpdate)
	if ctx.writeErr {
		j.retry(k)
	} else {
		delete(j.apiFailures, k)
	}
}

// retry syncs a Job again after a failed write, 1s, 2s, 4s … up to a
// minute later (DefaultJobApiBackOff, MaxJobApiBackOff): a Job whose pods
// a ResourceQuota refuses keeps trying, without flooding the API.
func (j *Job) retry(k string) {
	n := j.apiFailures[k]
	j.apiFailures[k] = n + 1
	d := time.Second
	for i := 0; i < n && d < time.Minute; i++ {
		d *= 2
	}
	j.later.addAfter(k, min(d, time.Minute))
}

// pastActiveDeadline: the Job has been active (not suspended) for
// activeDeadlineSeconds.
func (j *Job) pastActiveDeadline(job *batchv1.Job) bool {
	if job.Spec.ActiveDeadlineSeconds == nil || job.Status.StartTime == nil || jobSuspended(job) {
		return false
	}
	return j.now().Sub(job.Status.StartTime.Time) >= time.Duration(*job.Spec.ActiveDeadlineSeconds)*time.Second
}

// jobPastBackoffLimitOnFailure: with restartPolicy OnFailure a failing
// container restarts in the same pod, so upstream counts the restarts of
// pending and running pods against the backoff limit instead.
func jobPastBackoffLimitOnFailure(job *batchv1.Job, pods []*corev1.Pod) bool {
	if job.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyOnFailure {
		return false
	}
	var restarts int32
	for _, p := range pods {
		if p.Status.Phase != corev1.PodRunning && p.Status.Phase != corev1.PodPending {
			continue
		}
		for _, s := range p.Status.InitContainerStatuses {
			restarts += s.RestartCount
		}
		for _, s := range p.Status.ContainerStatuses {
			restarts += s.RestartCount
		}
	}
	if *job.Spec.BackoffLimit == 0 {
		return restarts > 0
	}
	return restarts >= *job.Spec.BackoffLimit
}

func jobSuspended(job *batchv1.Job) bool { return job.Spec.Suspend != nil && *job.Spec.Suspend }

func jobIndexed(job *batchv1.Job) bool {
	return job.Spec.CompletionMode != nil && *job.Spec.CompletionMode == batchv1.IndexedCompletion
}

// jobActivePods: neither finished nor being deleted (FilterActivePods).
func jobActivePods(pods []*corev1.Pod) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range pods {
		if p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed && p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

func jobCountReady(pods []*corev1.Pod) int32 {
	var n int32
	for _, p := range pods {
		if podReady(p) {
			n++
		}
	}
	return n
}

// jobCountTerminating counts pods being deleted that have not finished:
// they may still run, so a failing Job waits for them before Failed.
func jobCountTerminating(pods []*corev1.Pod) int32 {
	var n int32
	for _, p := range pods {
		if p.DeletionTimestamp != nil && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			n++
		}
	}
	return n
}
