package controller

import (
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func cronMustParse(t *testing.T, cj *batchv1.CronJob) cron.Schedule {
	t.Helper()
	s, err := cron.ParseStandard(cronFormatSchedule(cj, nil))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testCronJob(schedule string, created time.Time, last *time.Time) *batchv1.CronJob {
	cj := &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "cj", Namespace: "default", CreationTimestamp: metav1.NewTime(created)},
		Spec: batchv1.CronJobSpec{Schedule: schedule}}
	if last != nil {
		cj.Status.LastScheduleTime = &metav1.Time{Time: *last}
	}
	return cj
}

// The cases of upstream's TestMostRecentScheduleTime, on a 10:00 base.
func TestCronMostRecentScheduleTime(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 3, 1, h, m, 0, 0, time.UTC) }
	tp := func(t time.Time) *time.Time { return &t }
	for name, tc := range map[string]struct {
		schedule string
		created  time.Time
		last     *time.Time
		deadline *int64
		now      time.Time
		want     *time.Time
		missed   cronMissed
		wantErr  bool
	}{
		"not yet due":                {schedule: "0 * * * *", created: at(10, 1), now: at(10, 30)},
		"due":                        {schedule: "0 * * * *", created: at(9, 59), now: at(10, 0), want: tp(at(10, 0))},
		"just after":                 {schedule: "0 * * * *", created: at(9, 59), now: at(10, 5), want: tp(at(10, 0))},
		"from the last schedule":     {schedule: "*/5 * * * *", created: at(8, 0), last: tp(at(10, 0)), now: at(10, 4)},
		"missed a few":               {schedule: "*/5 * * * *", created: at(8, 0), last: tp(at(10, 0)), now: at(10, 23), want: tp(at(10, 20)), missed: cronFewMissed},
		"missed more than a hundred": {schedule: "* * * * *", created: at(8, 0), now: at(10, 0), want: tp(at(10, 0)), missed: cronManyMissed},
		"exactly a hundred is a few": {schedule: "* * * * *", created: at(8, 20), now: at(9, 59), want: tp(at(9, 59)), missed: cronFewMissed},
		"deadline hides old misses":  {schedule: "* * * * *", created: at(8, 0), deadline: ptr.To(int64(200)), now: at(10, 0), want: tp(at(10, 0)), missed: cronFewMissed},
		"deadline before the next":   {schedule: "0 * * * *", created: at(8, 0), deadline: ptr.To(int64(60)), now: at(10, 30)},
		"@every":                     {schedule: "@every 90m", created: at(7, 0), now: at(10, 0), want: tp(at(10, 0)), missed: cronFewMissed},
		"irregular hours":            {schedule: "30 6-16/4 * * 1-5", created: time.Date(2026, 2, 27, 0, 0, 0, 0, time.UTC), now: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC), want: tp(time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)), missed: cronFewMissed},
		"hourly descriptor":          {schedule: "@hourly", created: at(8, 30), now: at(10, 10), want: tp(at(10, 0)), missed: cronFewMissed},
		"a date that never comes":    {schedule: "59 23 31 2 *", created: at(8, 0), now: at(10, 0), wantErr: true},
	} {
		t.Run(name, func(t *testing.T) {
			cj := testCronJob(tc.schedule, tc.created, tc.last)
			cj.Spec.StartingDeadlineSeconds = tc.deadline
			_, got, missed, err := cronMostRecentScheduleTime(cj, tc.now, cronMustParse(t, cj), true)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v", err)
			}
			switch {
			case tc.want == nil && got != nil:
				t.Errorf("got %v, want none", got)
			case tc.want != nil && (got == nil || !got.Equal(*tc.want)):
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if missed != tc.missed {
				t.Errorf("missed %v, want %v", missed, tc.missed)
			}
		})
	}
}

func TestCronNextScheduleDuration(t *testing.T) {
	base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	cj := testCronJob("*/1 * * * *", base.Add(-30*time.Second), nil)
	sched := cronMustParse(t, cj)
	if got := cronNextScheduleDuration(cj, base.Add(-30*time.Second), sched); got != 30*time.Second+cronNextDelta {
		t.Errorf("first: %v", got)
	}
	last := base
	cj.Status.LastScheduleTime = &metav1.Time{Time: last}
	if got := cronNextScheduleDuration(cj, base.Add(20*time.Second), sched); got != 40*time.Second+cronNextDelta {
		t.Errorf("after a run: %v", got)
	}
	// Missed runs: the next one after now.
	if got := cronNextScheduleDuration(cj, base.Add(10*time.Minute+15*time.Second), sched); got != 45*time.Second+cronNextDelta {
		t.Errorf("after missed runs: %v", got)
	}
}

func TestCronTimeZone(t *testing.T) {
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cj := testCronJob("0 9 * * *", base, nil)
	cj.Spec.TimeZone = ptr.To("Asia/Seoul")
	sched := cronMustParse(t, cj)
	// 09:00 in Seoul is 00:00 UTC.
	if next := sched.Next(base); !next.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("next %v", next.UTC())
	}
	job, err := cronJobFromTemplate(cj, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if got := job.Annotations[batchv1.CronJobScheduledTimestampAnnotation]; got != "2026-03-02T09:00:00+09:00" {
		t.Errorf("scheduled annotation %q", got)
	}
	// No zone: UTC, whatever the machine's zone.
	cj.Spec.TimeZone = nil
	if next := cronMustParse(t, cj).Next(base); !next.Equal(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("next %v", next.UTC())
	}
	// A zone written in the schedule is accepted, with a warning.
	cj.Spec.Schedule = "CRON_TZ=America/New_York 0 9 * * *"
	var warned string
	s := cronFormatSchedule(cj, func(m string) { warned = m })
	if s != cj.Spec.Schedule || !strings.Contains(warned, "is not officially supported") {
		t.Errorf("%q %q", s, warned)
	}
}

func TestCronJobNameAndTemplate(t *testing.T) {
	cj := testCronJob("*/1 * * * *", time.Now(), nil)
	cj.UID = "cj-uid"
	cj.Spec.JobTemplate.Labels = map[string]string{"app": "x"}
	cj.Spec.JobTemplate.Annotations = map[string]string{"note": "y"}
	cj.Spec.JobTemplate.Spec.BackoffLimit = ptr.To(int32(2))
	at := time.Date(2026, 3, 1, 9, 1, 0, 0, time.UTC)
	job, err := cronJobFromTemplate(cj, at)
	if err != nil {
		t.Fatal(err)
	}
	if job.Name != "cj-29539261" {
		t.Errorf("name %s", job.Name)
	}
	ref := metav1.GetControllerOf(job)
	if ref == nil || ref.Kind != "CronJob" || ref.APIVersion != "batch/v1" || ref.UID != "cj-uid" || !*ref.BlockOwnerDeletion {
		t.Errorf("owner %+v", ref)
	}
	if job.Labels["app"] != "x" || job.Annotations["note"] != "y" || *job.Spec.BackoffLimit != 2 {
		t.Errorf("template not copied: %+v", job)
	}
	job.Labels["app"] = "changed"
	if cj.Spec.JobTemplate.Labels["app"] != "x" {
		t.Error("the template's labels were shared")
	}
}
