package controller

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Schedules, as the CronJob controller (v2) computes them from
// github.com/robfig/cron/v3's standard parser: five fields or a descriptor
// (@hourly, @every 5m …), in spec.timeZone or a CRON_TZ=/TZ= prefix.

// cronNextDelta pads each requeue a little past the scheduled instant, as
// upstream does against clock skew (nextScheduleDelta): the sync for 10:05
// runs at 10:05:00.1 and sees the 10:05 schedule as due.
const cronNextDelta = 100 * time.Millisecond

// cronMissedLimit: more missed schedules than this and the controller
// warns (TooManyMissedTimes) instead of quietly catching up.
const cronMissedLimit = 100

type cronSchedule = cron.Schedule

type cronMissed int

const (
	cronNoneMissed cronMissed = iota
	cronFewMissed
	cronManyMissed
)

// cronFormatSchedule is the schedule the parser reads. spec.timeZone
// becomes a TZ= prefix. A schedule with no zone is read in UTC: upstream
// reads it in kube-controller-manager's local zone, which is UTC on
// practically every cluster (its image has no /etc/localtime); kubetour
// must not depend on the student's own zone. warn is told when the
// schedule itself carries TZ or CRON_TZ (accepted, but unsupported).
func cronFormatSchedule(cj *batchv1.CronJob, warn func(string)) string {
	if strings.Contains(cj.Spec.Schedule, "TZ") {
		if warn != nil {
			warn(fmt.Sprintf("CRON_TZ or TZ used in schedule %q is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details", cj.Spec.Schedule))
		}
		return cj.Spec.Schedule
	}
	if tz := cj.Spec.TimeZone; tz != nil {
		if _, err := time.LoadLocation(*tz); err == nil {
			return "TZ=" + *tz + " " + cj.Spec.Schedule
		}
		return cj.Spec.Schedule
	}
	return "TZ=UTC " + cj.Spec.Schedule
}

// cronParser parses schedules once: a day of 100 CronJobs would otherwise
// parse the same few strings hundreds of thousands of times.
type cronParser struct {
	cache map[string]cronParsed
}

type cronParsed struct {
	sched cron.Schedule
	err   error
}

func (p *cronParser) parse(spec string) (cron.Schedule, error) {
	if r, ok := p.cache[spec]; ok {
		return r.sched, r.err
	}
	if p.cache == nil || len(p.cache) > 4096 {
		p.cache = map[string]cronParsed{}
	}
	s, err := cron.ParseStandard(spec)
	p.cache[spec] = cronParsed{s, err}
	return s, err
}

// cronMostRecentScheduleTime returns the time counting starts from
// (lastScheduleTime, else the CronJob's creation; moved up to now minus
// startingDeadlineSeconds when asked), the most recent schedule at or
// before now that is after it (nil if none), and how many were missed.
// A schedule that parses but never fires twice (Feb 31st) is an error.
func cronMostRecentScheduleTime(cj *batchv1.CronJob, now time.Time, sched cron.Schedule, withDeadline bool) (time.Time, *time.Time, cronMissed, error) {
	earliest := cj.CreationTimestamp.Time
	if cj.Status.LastScheduleTime != nil {
		earliest = cj.Status.LastScheduleTime.Time
	}
	if withDeadline && cj.Spec.StartingDeadlineSeconds != nil {
		// Nothing older than the deadline will be started anyway.
		if d := now.Add(-time.Duration(*cj.Spec.StartingDeadlineSeconds) * time.Second); d.After(earliest) {
			earliest = d
		}
	}
	t1 := sched.Next(earliest)
	t2 := sched.Next(t1)
	if now.Before(t1) {
		return earliest, nil, cronNoneMissed, nil
	}
	if now.Before(t2) {
		return earliest, &t1, cronNoneMissed, nil
	}
	between := int64(t2.Sub(t1).Round(time.Second).Seconds())
	if between < 1 {
		return earliest, nil, cronNoneMissed, fmt.Errorf("time difference between two schedules is less than 1 second")
	}
	// Estimate how many runs fit between t1 and now from the gap between
	// two runs, jump close to the end and walk the rest: exact for regular
	// schedules and @every, cheap for irregular ones.
	elapsed := int64(now.Sub(t1).Seconds())
	missedCount := elapsed/between + 1
	start := t1.Add(time.Duration((missedCount-2)*between) * time.Second)
	var recent time.Time
	for t := sched.Next(start); !t.After(now); t = sched.Next(t) {
		recent = t
	}
	missed := cronFewMissed
	if missedCount > cronMissedLimit {
		missed = cronManyMissed
	}
	if recent.IsZero() {
		return earliest, nil, missed, nil
	}
	return earliest, &recent, missed, nil
}

// cronNextScheduleDuration is how long until the sync after the next
// schedule, padded by cronNextDelta.
func cronNextScheduleDuration(cj *batchv1.CronJob, now time.Time, sched cron.Schedule) time.Duration {
	earliest, recent, missed, err := cronMostRecentScheduleTime(cj, now, sched, false)
	switch {
	case err != nil:
		recent = &now
	case recent == nil && missed == cronNoneMissed:
		recent = &earliest
	case recent == nil:
		recent = &now
	}
	return sched.Next(*recent).Add(cronNextDelta).Sub(now)
}

// cronJobName is <cronjob>-<scheduled time in minutes since the epoch>:
// one name per scheduled time, so the same run can never be created twice.
func cronJobName(cj *batchv1.CronJob, scheduled time.Time) string {
	return fmt.Sprintf("%s-%d", cj.Name, scheduled.Unix()/60)
}

// cronJobFromTemplate builds the Job of one scheduled run: the template's
// labels, annotations and spec, the scheduled time as an annotation (in
// the CronJob's zone), and the CronJob as controller.
func cronJobFromTemplate(cj *batchv1.CronJob, scheduled time.Time) (*batchv1.Job, error) {
	labels := map[string]string{}
	for k, v := range cj.Spec.JobTemplate.Labels {
		labels[k] = v
	}
	annotations := map[string]string{}
	for k, v := range cj.Spec.JobTemplate.Annotations {
		annotations[k] = v
	}
	zone := ""
	if cj.Spec.TimeZone != nil {
		zone = *cj.Spec.TimeZone
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, err
	}
	annotations[batchv1.CronJobScheduledTimestampAnnotation] = scheduled.In(loc).Format(time.RFC3339)
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name: cronJobName(cj, scheduled), Namespace: cj.Namespace,
			Labels: labels, Annotations: annotations,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(cj, cronJobGVK)},
		},
	}
	cj.Spec.JobTemplate.Spec.DeepCopyInto(&job.Spec)
	return job, nil
}

// cronByStartTime orders Jobs oldest start first (Jobs never started
// last), names breaking ties: the history limits delete from the front.
func cronByStartTime(a, b *batchv1.Job) bool {
	sa, sb := a.Status.StartTime, b.Status.StartTime
	switch {
	case sa == nil && sb != nil:
		return false
	case sa != nil && sb == nil:
		return true
	case sa == nil && sb == nil, sa.Equal(sb):
		return a.Name < b.Name
	}
	return sa.Before(sb)
}
