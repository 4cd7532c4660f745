package controller

import (
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"kubetour/engine/record"
)

// The CronJob controller's Events, worded as upstream (SuccessfulCreate
// "Created job x", SawCompletedJob "Saw completed job: x, status:
// Complete", JobAlreadyActive …), each with a sentence telling the
// student why.

// cronWhy is why a CronJob deletes one of its Jobs.
type cronWhy int

const (
	cronWhyReplace cronWhy = iota
	cronWhyHistorySucceeded
	cronWhyHistoryFailed
)

func (c *CronJob) narrate(cj *batchv1.CronJob, typ, reason, msg, en, ko string, fields map[string]string, related ...*batchv1.Job) {
	d := record.Decision{Source: cronJobSource, Object: cj, Type: typ, Reason: reason, Message: msg, EN: en, KO: ko, Fields: fields}
	for _, j := range related {
		r := record.RefOf(j)
		r.Kind = "Job"
		d.Related = append(d.Related, r)
	}
	c.Rec.Record(d)
}

// cronWhen writes a scheduled time for a sentence, in the CronJob's zone.
func cronWhen(cj *batchv1.CronJob, t time.Time) string {
	loc := time.UTC
	if tz := cj.Spec.TimeZone; tz != nil {
		if l, err := time.LoadLocation(*tz); err == nil {
			loc = l
		}
	}
	return t.In(loc).Format("15:04 MST")
}

func (c *CronJob) narrateCreated(cj *batchv1.CronJob, job *batchv1.Job, scheduled, now time.Time) {
	en := fmt.Sprintf("CronJob %s created Job %s for its %s run (schedule %q).", cj.Name, job.Name, cronWhen(cj, scheduled), cj.Spec.Schedule)
	ko := fmt.Sprintf("%s 크론잡이 %s 실행분으로 %s 잡을 만들었습니다(스케줄 %q).", cj.Name, cronWhen(cj, scheduled), job.Name, cj.Spec.Schedule)
	if late := now.Sub(scheduled); late >= time.Minute {
		en += fmt.Sprintf(" It starts %s late: that run was missed and is still within reach.", late.Truncate(time.Second))
		ko += fmt.Sprintf(" 놓쳤던 실행이라 %s 늦게 시작합니다.", late.Truncate(time.Second))
	}
	if cj.Spec.ConcurrencyPolicy == batchv1.AllowConcurrent && len(cj.Status.Active) > 0 {
		en += fmt.Sprintf(" %d earlier Job(s) still run alongside it: concurrencyPolicy is Allow.", len(cj.Status.Active))
		ko += fmt.Sprintf(" concurrencyPolicy가 Allow라서 이전 잡 %d개도 함께 실행 중입니다.", len(cj.Status.Active))
	}
	c.narrate(cj, corev1.EventTypeNormal, "SuccessfulCreate", "Created job "+job.Name, en, ko,
		map[string]string{"job": job.Name, "scheduled": scheduled.UTC().Format(time.RFC3339), "active": fmt.Sprint(len(cj.Status.Active))}, job)
}

func (c *CronJob) narrateSawCompleted(cj *batchv1.CronJob, job *batchv1.Job, t batchv1.JobConditionType) {
	en := fmt.Sprintf("CronJob %s saw its Job %s finish (%s): it is no longer active.", cj.Name, job.Name, t)
	ko := fmt.Sprintf("%s 크론잡이 %s 잡의 종료(%s)를 확인했습니다. 이제 실행 중인 잡 목록에서 빠집니다.", cj.Name, job.Name, t)
	c.narrate(cj, corev1.EventTypeNormal, "SawCompletedJob", fmt.Sprintf("Saw completed job: %s, status: %s", job.Name, t), en, ko,
		map[string]string{"job": job.Name, "status": string(t)}, job)
}

func (c *CronJob) narrateUnexpected(cj *batchv1.CronJob, job *batchv1.Job) {
	en := fmt.Sprintf("CronJob %s owns Job %s but did not start it on schedule (kubectl create job --from=cronjob/%s makes such Jobs): it is not counted as active, but the history limits apply to it once it finishes.",
		cj.Name, job.Name, cj.Name)
	ko := fmt.Sprintf("%s 크론잡이 소유한 %s 잡은 스케줄에 따라 만든 것이 아닙니다(kubectl create job --from=cronjob/%s 로 만든 잡 등). 실행 중 목록에는 넣지 않지만, 끝나면 히스토리 개수 제한은 똑같이 적용됩니다.",
		cj.Name, job.Name, cj.Name)
	c.narrate(cj, corev1.EventTypeWarning, "UnexpectedJob", "Saw a job that the controller did not create or forgot: "+job.Name, en, ko,
		map[string]string{"job": job.Name, "manual": fmt.Sprint(job.Annotations["cronjob.kubernetes.io/instantiate"] == "manual")}, job)
}

func (c *CronJob) narrateMissing(cj *batchv1.CronJob, name string) {
	c.narrate(cj, corev1.EventTypeNormal, "MissingJob", "Active job went missing: "+name,
		fmt.Sprintf("CronJob %s's active Job %s was deleted by someone else: it is dropped from the active list.", cj.Name, name),
		fmt.Sprintf("%s 크론잡이 실행 중으로 알던 %s 잡이 삭제되어, 실행 중 목록에서 뺍니다.", cj.Name, name),
		map[string]string{"job": name})
}

func (c *CronJob) narrateMissSchedule(cj *batchv1.CronJob, scheduled time.Time) {
	sd := *cj.Spec.StartingDeadlineSeconds
	c.narrate(cj, corev1.EventTypeWarning, "MissSchedule", "Missed scheduled time to start a job: "+scheduled.UTC().Format(time.RFC1123Z),
		fmt.Sprintf("CronJob %s missed its %s run: it is more than startingDeadlineSeconds (%ds) late, so that run is skipped.", cj.Name, cronWhen(cj, scheduled), sd),
		fmt.Sprintf("%s 크론잡이 %s 실행을 놓쳤습니다. startingDeadlineSeconds(%d초)보다 늦어서 이번 실행은 건너뜁니다.", cj.Name, cronWhen(cj, scheduled), sd),
		map[string]string{"scheduled": scheduled.UTC().Format(time.RFC3339), "skipped": "true"})
}

func (c *CronJob) narrateForbid(cj *batchv1.CronJob, scheduled time.Time) {
	running := ""
	if len(cj.Status.Active) > 0 {
		running = cj.Status.Active[0].Name
	}
	c.narrate(cj, corev1.EventTypeNormal, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid",
		fmt.Sprintf("CronJob %s skipped its %s run: Job %s is still running and concurrencyPolicy is Forbid. As soon as it finishes, the most recent missed run starts (if still within its starting deadline).", cj.Name, cronWhen(cj, scheduled), running),
		fmt.Sprintf("%s 크론잡이 %s 실행을 건너뛰었습니다. %s 잡이 아직 실행 중이고 concurrencyPolicy가 Forbid이기 때문입니다. 그 잡이 끝나면 놓친 실행 중 가장 최근 것이 곧바로 시작됩니다(시작 기한 안이라면).", cj.Name, cronWhen(cj, scheduled), running),
		map[string]string{"policy": "Forbid", "skipped": "true", "running": running, "scheduled": scheduled.UTC().Format(time.RFC3339)})
}

func (c *CronJob) narrateDeleted(cj *batchv1.CronJob, job *batchv1.Job, why cronWhy) {
	var en, ko, reason string
	switch why {
	case cronWhyReplace:
		reason = "replace"
		en = fmt.Sprintf("CronJob %s deleted Job %s, still running at the next scheduled time: concurrencyPolicy is Replace, so the new run replaces it (its pods go with it).", cj.Name, job.Name)
		ko = fmt.Sprintf("%s 크론잡이 다음 스케줄 시각에도 실행 중이던 %s 잡을 삭제했습니다. concurrencyPolicy가 Replace라서 새 실행이 이 잡을 대신합니다(파드도 함께 삭제).", cj.Name, job.Name)
	case cronWhyHistorySucceeded:
		reason = "history"
		en = fmt.Sprintf("CronJob %s keeps only its last %d successful Jobs (successfulJobsHistoryLimit): the oldest, %s, is deleted with its pods.", cj.Name, *cj.Spec.SuccessfulJobsHistoryLimit, job.Name)
		ko = fmt.Sprintf("%s 크론잡은 성공한 잡을 최근 %d개만 남깁니다(successfulJobsHistoryLimit). 가장 오래된 %s 잡을 파드와 함께 삭제합니다.", cj.Name, *cj.Spec.SuccessfulJobsHistoryLimit, job.Name)
	default:
		reason = "history"
		en = fmt.Sprintf("CronJob %s keeps only its last %d failed Jobs (failedJobsHistoryLimit): the oldest, %s, is deleted with its pods.", cj.Name, *cj.Spec.FailedJobsHistoryLimit, job.Name)
		ko = fmt.Sprintf("%s 크론잡은 실패한 잡을 최근 %d개만 남깁니다(failedJobsHistoryLimit). 가장 오래된 %s 잡을 파드와 함께 삭제합니다.", cj.Name, *cj.Spec.FailedJobsHistoryLimit, job.Name)
	}
	c.narrate(cj, corev1.EventTypeNormal, "SuccessfulDelete", "Deleted job "+job.Name, en, ko,
		map[string]string{"job": job.Name, "why": reason}, job)
}
