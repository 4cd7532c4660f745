package controller

import (
	"fmt"
	"sort"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"kubetour/engine/equal"
	"kubetour/engine/kinds"
	"kubetour/engine/store"
	"kubetour/internal/ko"
)

var (
	cronJobKind, _ = kinds.ByResource("batch", "cronjobs")
	cronJobGVK     = batchv1.SchemeGroupVersion.WithKind("CronJob")
)

const cronJobSource = "cronjob-controller"

// CronJob creates a Job at each scheduled time, as the CronJob controller
// v2 does: it requeues itself for the next schedule on the cluster clock,
// so a `sleep 10m` fires exactly the runs due in those ten minutes. Per
// sync it trims finished Jobs to the history limits, reconciles
// status.active with the Jobs it owns, and then, unless suspended, starts
// the most recent due run that startingDeadlineSeconds still allows,
// according to concurrencyPolicy (Allow, Forbid, Replace).
type CronJob struct {
	Deps
	q     *Queue
	later *delayedQueue
	// jobs caches, per controlling CronJob (namespace/name), its Jobs as
	// the change stream last showed them, like an informer's cache: the
	// objects are the store's own, read-only here, so a sync copies
	// nothing. Our own creates and deletes update it at once.
	jobs map[string]map[string]*batchv1.Job
	// uids maps each CronJob to its uid, to resolve a Job's controller
	// reference without reading the CronJob.
	uids   map[string]types.UID
	parser cronParser
	// failures counts consecutive failed syncs per CronJob, for the
	// rate-limited retry upstream's work queue gives an erroring sync.
	failures map[string]int
}

func init() {
	Register("cronjob-controller", func(d Deps) Controller { return NewCronJob(d) })
}

// NewCronJob returns the controller.
func NewCronJob(d Deps) *CronJob {
	c := &CronJob{Deps: d, jobs: map[string]map[string]*batchv1.Job{}, uids: map[string]types.UID{}, failures: map[string]int{}}
	c.q = NewQueue(d.Loop, c.sync)
	c.later = newDelayedQueue(c.q)
	return c
}

// Observe maps CronJob and Job changes to the CronJobs they concern.
func (c *CronJob) Observe(ch store.Change) {
	switch ch.Kind {
	case cronJobKind:
		c.observeCronJob(ch)
	case jobKind:
		c.observeJob(ch)
	}
}

func (c *CronJob) observeCronJob(ch store.Change) {
	cj := ch.Object.(*batchv1.CronJob)
	k := key(cj.Namespace, cj.Name)
	if ch.Type == watch.Deleted {
		delete(c.uids, k)
	} else {
		c.uids[k] = cj.UID
	}
	if ch.Type != watch.Modified {
		c.q.Add(k)
		return
	}
	old := ch.Old.(*batchv1.CronJob)
	if old.Generation == cj.Generation && (old.DeletionTimestamp == nil) == (cj.DeletionTimestamp == nil) {
		// Only status or metadata changed, nearly always by our own
		// status write: upstream syncs again, finds nothing to do (or
		// only lastSuccessfulTime, which our sync records at once).
		return
	}
	if old.Spec.Schedule == cj.Spec.Schedule && cronPtrEqual(old.Spec.TimeZone, cj.Spec.TimeZone) {
		// Anything else changed (suspend, policy …): sync now.
		c.q.Add(k)
		return
	}
	// A new schedule: wake at its next time. A wake-up already queued
	// for the old schedule finds nothing due and is harmless.
	sched, err := c.parser.parse(cronFormatSchedule(cj, nil))
	if err != nil {
		c.narrate(cj, corev1.EventTypeWarning, "UnParseableCronJobSchedule", "unparseable schedule for cronjob: "+cj.Spec.Schedule,
			fmt.Sprintf("CronJob %s's new schedule %q cannot be parsed: no Job starts until it is fixed.", cj.Name, cj.Spec.Schedule),
			fmt.Sprintf("%s 크론잡의 새 스케줄 %q%s 해석할 수 없어, 고칠 때까지 잡을 시작하지 않습니다.", cj.Name, cj.Spec.Schedule, ko.Particle(cj.Spec.Schedule, "을/를")), nil)
		return
	}
	c.later.addAfter(k, cronNextScheduleDuration(cj, c.now(), sched))
}

func (c *CronJob) observeJob(ch store.Change) {
	job := ch.Object.(*batchv1.Job)
	jk := key(job.Namespace, job.Name)
	ref := cronControllerRef(job)
	if ch.Old != nil {
		if oref := cronControllerRef(ch.Old.(*batchv1.Job)); oref != nil && (ref == nil || oref.UID != ref.UID) {
			c.unindex(key(job.Namespace, oref.Name), jk)
			c.enqueueOwner(job.Namespace, oref)
		}
	}
	if ref == nil {
		return
	}
	ck := key(job.Namespace, ref.Name)
	if ch.Type == watch.Deleted {
		c.unindex(ck, jk)
	} else {
		c.index(ck, job)
	}
	// Upstream wakes the CronJob on every update of its Jobs; a sync only
	// reads whether a Job exists, is finished and when it completed, so
	// the Job controller's other status writes (active, ready …) would
	// only bring no-op syncs.
	if ch.Type == watch.Modified && !cronJobChangeMatters(ch.Old.(*batchv1.Job), job) {
		return
	}
	c.enqueueOwner(job.Namespace, ref)
}

func cronJobChangeMatters(old, cur *batchv1.Job) bool {
	return jobFinished(old) != jobFinished(cur) || !old.Status.CompletionTime.Equal(cur.Status.CompletionTime) ||
		!old.Status.StartTime.Equal(cur.Status.StartTime) || (old.DeletionTimestamp == nil) != (cur.DeletionTimestamp == nil)
}

// enqueueOwner queues the CronJob a reference names, if it is still that
// CronJob (same uid).
func (c *CronJob) enqueueOwner(ns string, ref *metav1.OwnerReference) {
	k := key(ns, ref.Name)
	if uid, ok := c.uids[k]; ok && uid == ref.UID {
		c.q.Add(k)
	}
}

func (c *CronJob) index(cj string, job *batchv1.Job) {
	set := c.jobs[cj]
	if set == nil {
		set = map[string]*batchv1.Job{}
		c.jobs[cj] = set
	}
	set[key(job.Namespace, job.Name)] = job
}

func (c *CronJob) unindex(cj, job string) {
	if set := c.jobs[cj]; set != nil {
		delete(set, job)
		if len(set) == 0 {
			delete(c.jobs, cj)
		}
	}
}

func cronControllerRef(m metav1.Object) *metav1.OwnerReference {
	ref := metav1.GetControllerOf(m)
	if ref == nil || ref.Kind != cronJobGVK.Kind {
		return nil
	}
	return ref
}

// jobsOf returns the Jobs whose controller reference names the CronJob
// (by name, as upstream's getJobsToBeReconciled matches them), by name.
// They are shared: read them, never change them.
func (c *CronJob) jobsOf(cj *batchv1.CronJob) []*batchv1.Job {
	set := c.jobs[key(cj.Namespace, cj.Name)]
	out := make([]*batchv1.Job, 0, len(set))
	for _, job := range set {
		out = append(out, job)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

func (c *CronJob) sync(k string) {
	ns, name := splitKey(k)
	obj, ok := c.Store.Peek(cronJobKind, ns, name)
	if !ok {
		delete(c.failures, k)
		return
	}
	// The controller writes only the status, through the status
	// subresource: the status is copied, the rest shared with the stored
	// CronJob (and never changed).
	stored := obj.(*batchv1.CronJob)
	cur := *stored
	cur.Status = *stored.Status.DeepCopy()
	cj := &cur
	before := &stored.Status
	jobs := c.jobsOf(cj)
	// cj is our own copy: every change of this sync lands in one status
	// write. (Upstream writes whenever a step says so, even when the
	// status came out the same; that write changes nothing, so it is
	// skipped.)
	updated := c.cleanupFinishedJobs(cj, jobs)
	requeue, changed, syncErr := c.syncCronJob(cj, jobs)
	if (updated || changed) && !equal.Semantic(before, &cj.Status) {
		if _, err := c.API.Update(c.ctx(), cronJobKind, ns, name, "status", cj, owned); err != nil {
			c.retry(k)
			return
		}
	}
	if syncErr != nil {
		c.retry(k)
		return
	}
	delete(c.failures, k)
	if requeue != nil {
		c.later.addAfter(k, *requeue)
	}
}

// retry requeues a failed sync after 5ms, 10ms, 20ms … up to 1000s, the
// per-item exponential back-off of upstream's default rate limiter.
func (c *CronJob) retry(k string) {
	n := c.failures[k]
	c.failures[k] = n + 1
	d := 5 * time.Millisecond
	for i := 0; i < n && d < 1000*time.Second; i++ {
		d *= 2
	}
	c.later.addAfter(k, min(d, 1000*time.Second))
}

// cronSkip is an error that only asks for a retry.
type cronSkip string

func (e cronSkip) Error() string { return string(e) }

// syncCronJob is upstream's syncCronJob: it returns when to sync again,
// whether the status changed, and an error that asks for a retry.
func (c *CronJob) syncCronJob(cj *batchv1.CronJob, jobs []*batchv1.Job) (*time.Duration, bool, error) {
	now := c.now()
	changed := false
	children := map[types.UID]bool{}
	for _, j := range jobs {
		children[j.UID] = true
		found := cronInActive(cj, j.UID)
		switch {
		case !found && !jobFinished(j):
			// A Job of ours we did not start on schedule: usually
			// `kubectl create job --from=cronjob/...`.
			c.narrateUnexpected(cj, j)
		case jobFinished(j):
			t, _ := jobFinishedCondition(j)
			if found {
				cronRemoveActive(cj, j.UID)
				c.narrateSawCompleted(cj, j, t)
				changed = true
			}
			// A finished Job's success time counts, active or not.
			// Upstream records it in the sync after SawCompletedJob (the
			// one its own status write triggers); here in the same one.
			if t == batchv1.JobComplete && j.Status.CompletionTime != nil &&
				(cj.Status.LastSuccessfulTime == nil || j.Status.CompletionTime.After(cj.Status.LastSuccessfulTime.Time)) {
				cj.Status.LastSuccessfulTime = j.Status.CompletionTime
				changed = true
			}
		}
	}
	// An active Job that no longer exists would keep a Forbid CronJob
	// waiting forever.
	for _, ref := range append([]corev1.ObjectReference(nil), cj.Status.Active...) {
		if children[ref.UID] {
			continue
		}
		if _, found := c.Store.Peek(jobKind, ref.Namespace, ref.Name); !found {
			c.narrateMissing(cj, ref.Name)
			cronRemoveActive(cj, ref.UID)
			changed = true
		}
	}
	if cj.DeletionTimestamp != nil {
		return nil, changed, nil
	}
	if tz := cj.Spec.TimeZone; tz != nil {
		if _, err := time.LoadLocation(*tz); err != nil {
			c.narrate(cj, corev1.EventTypeWarning, "UnknownTimeZone", fmt.Sprintf("invalid timeZone: %q: %s", *tz, err),
				fmt.Sprintf("CronJob %s names a time zone this cluster does not know (%q): no Job starts.", cj.Name, *tz),
				fmt.Sprintf("%s 크론잡의 timeZone(%q)을 클러스터가 알지 못해 잡을 시작하지 않습니다.", cj.Name, *tz), nil)
			return nil, changed, nil
		}
	}
	if cj.Spec.Suspend != nil && *cj.Spec.Suspend {
		// No requeue: resuming (an update) brings the CronJob back.
		return nil, changed, nil
	}
	sched, err := c.parser.parse(cronFormatSchedule(cj, func(msg string) {
		c.narrate(cj, corev1.EventTypeWarning, "UnsupportedSchedule", msg,
			fmt.Sprintf("CronJob %s sets its time zone inside the schedule (%q); use spec.timeZone instead.", cj.Name, cj.Spec.Schedule),
			fmt.Sprintf("%s 크론잡이 스케줄 안에서 시간대를 정했습니다(%q). 대신 spec.timeZone을 쓰세요.", cj.Name, cj.Spec.Schedule), nil)
	}))
	if err != nil {
		c.narrate(cj, corev1.EventTypeWarning, "UnparseableSchedule", fmt.Sprintf("unparseable schedule: %q : %s", cj.Spec.Schedule, err),
			fmt.Sprintf("CronJob %s's schedule %q cannot be parsed (%s): no Job starts until it is fixed.", cj.Name, cj.Spec.Schedule, err),
			fmt.Sprintf("%s 크론잡의 스케줄 %q%s 해석할 수 없어(%s), 고칠 때까지 잡을 시작하지 않습니다.", cj.Name, cj.Spec.Schedule, ko.Particle(cj.Spec.Schedule, "을/를"), err), nil)
		return nil, changed, nil
	}
	scheduled, err := c.nextScheduleTime(cj, now, sched)
	if err != nil {
		c.narrate(cj, corev1.EventTypeWarning, "InvalidSchedule", fmt.Sprintf("invalid schedule: %s : %s", cj.Spec.Schedule, err),
			fmt.Sprintf("CronJob %s's schedule %q never comes round (%s): no Job starts.", cj.Name, cj.Spec.Schedule, err),
			fmt.Sprintf("%s 크론잡의 스케줄 %q%s 실제로 돌아오지 않는 시각이라(%s) 잡을 시작하지 않습니다.", cj.Name, cj.Spec.Schedule, ko.Particle(cj.Spec.Schedule, "은/는"), err), nil)
		return nil, changed, nil
	}
	next := func() *time.Duration {
		d := cronNextScheduleDuration(cj, now, sched)
		return &d
	}
	if scheduled == nil {
		return next(), changed, nil
	}
	if sd := cj.Spec.StartingDeadlineSeconds; sd != nil && scheduled.Add(time.Duration(*sd)*time.Second).Before(now) {
		c.narrateMissSchedule(cj, *scheduled)
		return next(), changed, nil
	}
	name := cronJobName(cj, *scheduled)
	if cronInActiveByName(cj, name) || (cj.Status.LastScheduleTime != nil && cj.Status.LastScheduleTime.Time.Equal(*scheduled)) {
		return next(), changed, nil // this run was already started
	}
	if cj.Spec.ConcurrencyPolicy == batchv1.ForbidConcurrent && len(cj.Status.Active) > 0 {
		c.narrateForbid(cj, *scheduled)
		return next(), changed, nil
	}
	if cj.Spec.ConcurrencyPolicy == batchv1.ReplaceConcurrent {
		for _, ref := range append([]corev1.ObjectReference(nil), cj.Status.Active...) {
			obj, err := c.Store.Get(jobKind, ref.Namespace, ref.Name)
			if err != nil {
				c.narrate(cj, corev1.EventTypeWarning, "FailedGet", fmt.Sprintf("Get job: %v", err),
					fmt.Sprintf("CronJob %s could not read its active Job %s: %v.", cj.Name, ref.Name, err),
					fmt.Sprintf("%s 크론잡이 실행 중인 %s 잡을 읽지 못했습니다: %v.", cj.Name, ref.Name, err), nil)
				return nil, changed, err
			}
			if !c.deleteJob(cj, obj.(*batchv1.Job), cronWhyReplace) {
				return nil, changed, cronSkip("could not replace job " + ref.Namespace + "/" + ref.Name)
			}
			changed = true
		}
	}
	req, err := cronJobFromTemplate(cj, *scheduled)
	if err != nil {
		return nil, changed, err
	}
	out, err := c.API.Create(c.ctx(), jobKind, cj.Namespace, req, owned)
	var created *batchv1.Job
	switch {
	case apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause):
		return nil, changed, err
	case apierrors.IsAlreadyExists(err):
		// Created before, but the status write that should have followed
		// was lost: adopt it into the active list if it is ours.
		got, gerr := c.Store.Get(jobKind, cj.Namespace, req.Name)
		if gerr != nil {
			return nil, changed, gerr
		}
		created = got.(*batchv1.Job)
		if !metav1.IsControlledBy(created, cj) || cronInActive(cj, created.UID) {
			return nil, changed, nil
		}
	case err != nil:
		c.narrate(cj, corev1.EventTypeWarning, "FailedCreate", fmt.Sprintf("Error creating job: %v", err),
			fmt.Sprintf("CronJob %s could not create the Job for its %s run: %v.", cj.Name, cronWhen(cj, *scheduled), err),
			fmt.Sprintf("%s 크론잡이 %s 실행분 잡을 만들지 못했습니다: %v.", cj.Name, cronWhen(cj, *scheduled), err), nil)
		return nil, changed, err
	default:
		created = out.(*batchv1.Job)
		c.index(key(cj.Namespace, cj.Name), created)
		c.narrateCreated(cj, created, *scheduled, now)
	}
	cj.Status.Active = append(cj.Status.Active, corev1.ObjectReference{Kind: "Job", Namespace: created.Namespace, Name: created.Name,
		UID: created.UID, APIVersion: "batch/v1", ResourceVersion: created.ResourceVersion})
	cj.Status.LastScheduleTime = &metav1.Time{Time: *scheduled}
	return next(), true, nil
}

// nextScheduleTime is the run due now, if any, warning when more than a
// hundred were missed.
func (c *CronJob) nextScheduleTime(cj *batchv1.CronJob, now time.Time, sched cronSchedule) (*time.Time, error) {
	_, recent, missed, err := cronMostRecentScheduleTime(cj, now, sched, true)
	if recent == nil || recent.After(now) {
		return nil, err
	}
	if missed == cronManyMissed {
		c.narrate(cj, corev1.EventTypeWarning, "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
			fmt.Sprintf("CronJob %s missed more than %d scheduled runs (the controller was down, it was suspended, or the clock jumped): only the most recent one is started.", cj.Name, cronMissedLimit),
			fmt.Sprintf("%s 크론잡이 예정된 실행을 %d번 넘게 놓쳤습니다(컨트롤러 중단, 일시 중지, 시계 변경 등). 가장 최근 한 번만 실행합니다.", cj.Name, cronMissedLimit),
			map[string]string{"missed": "many"})
	}
	return recent, err
}

// cleanupFinishedJobs deletes the oldest finished Jobs beyond
// successfulJobsHistoryLimit and failedJobsHistoryLimit.
func (c *CronJob) cleanupFinishedJobs(cj *batchv1.CronJob, jobs []*batchv1.Job) bool {
	if cj.Spec.SuccessfulJobsHistoryLimit == nil && cj.Spec.FailedJobsHistoryLimit == nil {
		return false
	}
	var succeeded, failed []*batchv1.Job
	for _, j := range jobs {
		switch t, _ := jobFinishedCondition(j); t {
		case batchv1.JobComplete:
			succeeded = append(succeeded, j)
		case batchv1.JobFailed:
			failed = append(failed, j)
		}
	}
	changed := false
	if l := cj.Spec.SuccessfulJobsHistoryLimit; l != nil && c.removeOldestJobs(cj, succeeded, *l, cronWhyHistorySucceeded) {
		changed = true
	}
	if l := cj.Spec.FailedJobsHistoryLimit; l != nil && c.removeOldestJobs(cj, failed, *l, cronWhyHistoryFailed) {
		changed = true
	}
	return changed
}

func (c *CronJob) removeOldestJobs(cj *batchv1.CronJob, jobs []*batchv1.Job, keep int32, why cronWhy) bool {
	n := len(jobs) - int(keep)
	if n <= 0 {
		return false
	}
	sort.SliceStable(jobs, func(a, b int) bool { return cronByStartTime(jobs[a], jobs[b]) })
	changed := false
	for _, j := range jobs[:n] {
		if c.deleteJob(cj, j, why) {
			changed = true
		}
	}
	return changed
}

// deleteJob deletes a Job in the background (the garbage collector then
// deletes its pods) and drops it from status.active.
func (c *CronJob) deleteJob(cj *batchv1.CronJob, job *batchv1.Job, why cronWhy) bool {
	bg := metav1.DeletePropagationBackground
	_, _, err := c.API.Delete(c.ctx(), jobKind, job.Namespace, job.Name, &metav1.DeleteOptions{PropagationPolicy: &bg})
	if apierrors.IsNotFound(err) {
		// Someone deleted it since our cache saw it: nothing to do, and
		// nothing to report.
		c.unindex(key(cj.Namespace, cj.Name), key(job.Namespace, job.Name))
		cronRemoveActive(cj, job.UID)
		return true
	}
	if err != nil {
		c.narrate(cj, corev1.EventTypeWarning, "FailedDelete", fmt.Sprintf("Deleted job: %v", err),
			fmt.Sprintf("CronJob %s could not delete Job %s: %v.", cj.Name, job.Name, err),
			fmt.Sprintf("%s 크론잡이 %s 잡을 삭제하지 못했습니다: %v.", cj.Name, job.Name, err), nil)
		return false
	}
	c.unindex(key(cj.Namespace, cj.Name), key(job.Namespace, job.Name))
	cronRemoveActive(cj, job.UID)
	c.narrateDeleted(cj, job, why)
	return true
}

func cronInActive(cj *batchv1.CronJob, uid types.UID) bool {
	for _, r := range cj.Status.Active {
		if r.UID == uid {
			return true
		}
	}
	return false
}

func cronInActiveByName(cj *batchv1.CronJob, name string) bool {
	for _, r := range cj.Status.Active {
		if r.Name == name && r.Namespace == cj.Namespace {
			return true
		}
	}
	return false
}

func cronRemoveActive(cj *batchv1.CronJob, uid types.UID) {
	kept := []corev1.ObjectReference{}
	for _, r := range cj.Status.Active {
		if r.UID != uid {
			kept = append(kept, r)
		}
	}
	cj.Status.Active = kept
}

func cronPtrEqual(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
