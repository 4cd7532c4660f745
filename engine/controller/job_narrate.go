package controller

import (
	"fmt"
	"strconv"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/duration"

	"kubetour/engine/record"
	particle "kubetour/internal/ko"
)

// The job controller's Events, worded as upstream (pod control's
// SuccessfulCreate "Created pod: x", the controller's "Job completed" …),
// each with a sentence telling the student why.

// jobWhy is why a Job's pod is being deleted.
type jobWhy int

const (
	jobWhyTooMany jobWhy = iota
	jobWhySuspended
	jobWhyDeadline
	jobWhyBackoffLimit
	jobWhyFinished
)

func jobDeleteWhy(reason string) jobWhy {
	switch reason {
	case batchv1.JobReasonDeadlineExceeded:
		return jobWhyDeadline
	case batchv1.JobReasonBackoffLimitExceeded:
		return jobWhyBackoffLimit
	}
	return jobWhyFinished
}

func (j *Job) record(job *batchv1.Job, typ, reason, msg, en, ko string, fields map[string]string, related ...*corev1.Pod) {
	d := record.Decision{Source: jobControllerSource, Object: job, Type: typ, Reason: reason, Message: msg, EN: en, KO: ko, Fields: fields}
	for _, p := range related {
		r := record.RefOf(p)
		r.Kind = "Pod"
		d.Related = append(d.Related, r)
	}
	j.Rec.Record(d)
}

// jobProgress is "2/6" or, for a work-queue Job, "2 succeeded".
func jobProgress(job *batchv1.Job, succeeded int32) (en, ko string) {
	if job.Spec.Completions == nil {
		return fmt.Sprintf("%d succeeded", succeeded), fmt.Sprintf("%d개 성공", succeeded)
	}
	return fmt.Sprintf("%d/%d completions done", succeeded, *job.Spec.Completions),
		fmt.Sprintf("완료 %d/%d", succeeded, *job.Spec.Completions)
}

func (j *Job) narrateCreated(job *batchv1.Job, pod *corev1.Pod, ctx *jobSyncCtx, ix int) {
	progEN, progKO := jobProgress(job, ctx.succeeded)
	en := fmt.Sprintf("Job %s created pod %s (%s; up to %d pods run at once, its parallelism).", job.Name, pod.Name, progEN, *job.Spec.Parallelism)
	ko := fmt.Sprintf("%s 잡이 %s 파드를 만들었습니다(%s, parallelism에 따라 동시에 최대 %d개 실행).", job.Name, pod.Name, progKO, *job.Spec.Parallelism)
	if ctx.failed > 0 {
		en = fmt.Sprintf("Job %s created pod %s to retry: %d pod(s) failed so far, and the Job gives up once more than %d fail (backoffLimit).",
			job.Name, pod.Name, ctx.failed, *job.Spec.BackoffLimit)
		ko = fmt.Sprintf("%s 잡이 다시 시도하려고 %s 파드를 만들었습니다. 지금까지 파드 %d개가 실패했고, %d개를 넘게 실패하면(backoffLimit) 잡은 포기합니다.",
			job.Name, pod.Name, ctx.failed, *job.Spec.BackoffLimit)
	}
	if ix >= 0 {
		en += fmt.Sprintf(" It works on completion index %d.", ix)
		ko += fmt.Sprintf(" 이 파드는 완료 인덱스 %s 맡습니다.", particle.With(strconv.Itoa(ix), "을/를"))
	}
	j.record(job, corev1.EventTypeNormal, "SuccessfulCreate", "Created pod: "+pod.Name, en, ko, map[string]string{
		"pod": pod.Name, "succeeded": strconv.Itoa(int(ctx.succeeded)), "failed": strconv.Itoa(int(ctx.failed)),
		"retry": strconv.FormatBool(ctx.failed > 0), "index": strconv.Itoa(ix),
	}, pod)
}

func (j *Job) narrateFailedCreate(job *batchv1.Job, err error) {
	j.record(job, corev1.EventTypeWarning, "FailedCreate", fmt.Sprintf("Error creating: %v", err),
		fmt.Sprintf("Job %s could not create a pod: %v. It tries again on its next sync.", job.Name, err),
		fmt.Sprintf("%s 잡이 파드를 만들지 못했습니다: %v. 다음 동기화 때 다시 시도합니다.", job.Name, err),
		map[string]string{"error": err.Error()})
}

func (j *Job) narrateDeleted(job *batchv1.Job, pod *corev1.Pod, why jobWhy) {
	var en, ko string
	switch why {
	case jobWhyDeadline:
		ads := *job.Spec.ActiveDeadlineSeconds
		en = fmt.Sprintf("Job %s has been active for its activeDeadlineSeconds (%ds): pod %s is stopped, and no new pod will start.", job.Name, ads, pod.Name)
		ko = fmt.Sprintf("%s 잡이 activeDeadlineSeconds(%d초)만큼 실행되어 %s 파드를 중지합니다. 새 파드는 더 이상 시작하지 않습니다.", job.Name, ads, pod.Name)
	case jobWhyBackoffLimit:
		en = fmt.Sprintf("Job %s failed more often than its backoffLimit (%d) allows: pod %s, still running, is stopped.", job.Name, *job.Spec.BackoffLimit, pod.Name)
		ko = fmt.Sprintf("%s 잡의 실패 횟수가 backoffLimit(%d)을 넘어, 아직 실행 중인 %s 파드를 중지합니다.", job.Name, *job.Spec.BackoffLimit, pod.Name)
	case jobWhySuspended:
		en = fmt.Sprintf("Job %s is suspended: pod %s is deleted, and a new one starts when the Job is resumed.", job.Name, pod.Name)
		ko = fmt.Sprintf("%s 잡이 일시 중지(suspend)되어 %s 파드를 삭제합니다. 잡을 재개하면 새 파드를 다시 만듭니다.", job.Name, pod.Name)
	case jobWhyFinished:
		en = fmt.Sprintf("Job %s has finished: pod %s, still running, is stopped.", job.Name, pod.Name)
		ko = fmt.Sprintf("%s 잡이 끝났으므로 아직 실행 중인 %s 파드를 중지합니다.", job.Name, pod.Name)
	default:
		en = fmt.Sprintf("Job %s has more pods running than it needs (parallelism lowered, or few completions left): pod %s is deleted.", job.Name, pod.Name)
		ko = fmt.Sprintf("%s 잡에 필요한 것보다 많은 파드가 실행 중이라(parallelism을 줄였거나 남은 완료 수가 적음) %s 파드를 삭제합니다.", job.Name, pod.Name)
	}
	j.record(job, corev1.EventTypeNormal, "SuccessfulDelete", "Deleted pod: "+pod.Name, en, ko, map[string]string{"pod": pod.Name}, pod)
}

func (j *Job) narrateFailedDelete(job *batchv1.Job, pod *corev1.Pod, err error) {
	j.record(job, corev1.EventTypeWarning, "FailedDelete", fmt.Sprintf("Error deleting: %v", err),
		fmt.Sprintf("Job %s could not delete pod %s: %v.", job.Name, pod.Name, err),
		fmt.Sprintf("%s 잡이 %s 파드를 삭제하지 못했습니다: %v.", job.Name, pod.Name, err),
		map[string]string{"pod": pod.Name, "error": err.Error()}, pod)
}

func (j *Job) narrateSuspended(job *batchv1.Job) {
	j.record(job, corev1.EventTypeNormal, "Suspended", "Job suspended",
		fmt.Sprintf("Job %s is suspended (spec.suspend: true): its running pods are deleted and none start until it is resumed.", job.Name),
		fmt.Sprintf("%s 잡이 일시 중지되었습니다(spec.suspend: true). 실행 중인 파드를 삭제하고, 재개할 때까지 새 파드를 만들지 않습니다.", job.Name), nil)
}

func (j *Job) narrateResumed(job *batchv1.Job) {
	j.record(job, corev1.EventTypeNormal, "Resumed", "Job resumed",
		fmt.Sprintf("Job %s is resumed: it creates pods again, and its activeDeadlineSeconds clock starts over now.", job.Name),
		fmt.Sprintf("%s 잡이 재개되었습니다. 다시 파드를 만들고, activeDeadlineSeconds 시간도 지금부터 새로 잽니다.", job.Name), nil)
}

// narrateBackoff tells, once per failure, how long the Job waits before
// replacing a failed pod.
func (j *Job) narrateBackoff(job *batchv1.Job, ctx *jobSyncCtx, left time.Duration) {
	b := &ctx.backoff
	if b.narrated.Equal(b.lastFailure) {
		return
	}
	b.narrated = b.lastFailure
	if stored, ok := j.backoff[ctx.key]; ok && stored.lastFailure.Equal(b.lastFailure) {
		stored.narrated = b.lastFailure
		j.backoff[ctx.key] = stored
	}
	wait := duration.HumanDuration(b.delay())
	j.Rec.Record(record.Decision{Source: jobControllerSource, Object: job, Reason: "PodFailureBackOff", NoEvent: true,
		EN: fmt.Sprintf("Job %s waits %s before creating a new pod: after %d failure(s) in a row the wait starts at 10s and doubles each time, up to 10 minutes.",
			job.Name, wait, b.failuresAfterLastSuccess),
		KO: fmt.Sprintf("%s 잡은 파드가 연속으로 %d번 실패해서, 새 파드를 만들기 전에 %s 기다립니다. 대기 시간은 10초에서 시작해 실패할 때마다 두 배로 늘어납니다(최대 10분).",
			job.Name, b.failuresAfterLastSuccess, wait),
		Fields: map[string]string{"failures": strconv.Itoa(int(b.failuresAfterLastSuccess)), "wait": b.delay().String(), "left": left.String()}})
}

// narrateCounted reports pods counted into status.succeeded/failed.
func (j *Job) narrateCounted(job *batchv1.Job, old jobCounters) {
	ds, df := job.Status.Succeeded-old.succeeded, job.Status.Failed-old.failed
	if ds <= 0 && df <= 0 {
		return
	}
	progEN, progKO := jobProgress(job, job.Status.Succeeded)
	en := fmt.Sprintf("Job %s counted its finished pods: %s, %d failed.", job.Name, progEN, job.Status.Failed)
	ko := fmt.Sprintf("%s 잡이 끝난 파드를 집계했습니다: %s, 실패 %d개.", job.Name, progKO, job.Status.Failed)
	j.Rec.Record(record.Decision{Source: jobControllerSource, Object: job, Reason: "PodsCounted", NoEvent: true, EN: en, KO: ko,
		Fields: map[string]string{"succeeded": strconv.Itoa(int(job.Status.Succeeded)), "failed": strconv.Itoa(int(job.Status.Failed)),
			"newSucceeded": strconv.Itoa(int(ds)), "newFailed": strconv.Itoa(int(df))}})
}

// recordJobFinished records the Job's end: Completed, or the failure
// reason as a Warning.
func (j *Job) recordJobFinished(job *batchv1.Job, c *batchv1.JobCondition) {
	fields := map[string]string{"succeeded": strconv.Itoa(int(job.Status.Succeeded)), "failed": strconv.Itoa(int(job.Status.Failed))}
	progEN, progKO := jobProgress(job, job.Status.Succeeded)
	if c.Type == batchv1.JobComplete {
		if job.Spec.Completions != nil && job.Status.Succeeded > *job.Spec.Completions {
			j.record(job, corev1.EventTypeWarning, "TooManySucceededPods", "Too many succeeded pods running after completion count reached",
				fmt.Sprintf("Job %s had more pods succeed (%d) than its completions (%d).", job.Name, job.Status.Succeeded, *job.Spec.Completions),
				fmt.Sprintf("%s 잡에서 성공한 파드(%d개)가 completions(%d)보다 많습니다.", job.Name, job.Status.Succeeded, *job.Spec.Completions), fields)
		}
		j.record(job, corev1.EventTypeNormal, "Completed", "Job completed",
			fmt.Sprintf("Job %s is complete (%s). Its pods stay, Completed, so their logs can be read; deleting the Job deletes them.", job.Name, progEN),
			fmt.Sprintf("%s 잡이 완료되었습니다(%s). 파드는 Completed 상태로 남아 로그를 볼 수 있고, 잡을 지우면 함께 지워집니다.", job.Name, progKO), fields)
		return
	}
	var en, ko string
	switch c.Reason {
	case batchv1.JobReasonDeadlineExceeded:
		en = fmt.Sprintf("Job %s failed: it was active longer than activeDeadlineSeconds (%ds). Its running pods were stopped and the remaining work never runs (%s).",
			job.Name, *job.Spec.ActiveDeadlineSeconds, progEN)
		ko = fmt.Sprintf("%s 잡이 실패했습니다. activeDeadlineSeconds(%d초)보다 오래 실행되어, 실행 중이던 파드는 중지되고 남은 작업은 실행되지 않습니다(%s).",
			job.Name, *job.Spec.ActiveDeadlineSeconds, progKO)
	case batchv1.JobReasonBackoffLimitExceeded:
		if job.Spec.Template.Spec.RestartPolicy == corev1.RestartPolicyOnFailure {
			en = fmt.Sprintf("Job %s failed: with restartPolicy OnFailure its containers restarted as often as backoffLimit (%d) allows, so it gives up.", job.Name, *job.Spec.BackoffLimit)
			ko = fmt.Sprintf("%s 잡이 실패했습니다. restartPolicy가 OnFailure라 컨테이너 재시작 횟수가 backoffLimit(%d)에 이르러 더 이상 시도하지 않습니다.", job.Name, *job.Spec.BackoffLimit)
		} else {
			en = fmt.Sprintf("Job %s failed: %d pod(s) failed, more than its backoffLimit (%d), so it gives up and creates no more pods.", job.Name, job.Status.Failed, *job.Spec.BackoffLimit)
			ko = fmt.Sprintf("%s 잡이 실패했습니다. 실패한 파드가 %d개로 backoffLimit(%d)을 넘어, 더 이상 파드를 만들지 않습니다.", job.Name, job.Status.Failed, *job.Spec.BackoffLimit)
		}
	default:
		en = fmt.Sprintf("Job %s failed: %s.", job.Name, c.Message)
		ko = fmt.Sprintf("%s 잡이 실패했습니다: %s.", job.Name, c.Message)
	}
	fields["reason"] = c.Reason
	j.record(job, corev1.EventTypeWarning, c.Reason, c.Message, en, ko, fields)
}
