package controller

import (
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"kubetour/engine/store"
)

func (h *batchHarness) createCronJob(name, schedule string, mutate func(*batchv1.CronJob)) *batchv1.CronJob {
	h.t.Helper()
	cj := &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: batchv1.CronJobSpec{Schedule: schedule, JobTemplate: batchv1.JobTemplateSpec{Spec: jobFixture("t", nil).Spec}}}
	if mutate != nil {
		mutate(cj)
	}
	out, err := h.d.API.Create(h.d.ctx(), cronJobKind, "default", cj, internal)
	if err != nil {
		h.t.Fatal(err)
	}
	return out.(*batchv1.CronJob)
}

func (h *batchHarness) cronJob(name string) *batchv1.CronJob {
	h.t.Helper()
	obj, err := h.d.Store.Get(cronJobKind, "default", name)
	if err != nil {
		h.t.Fatal(err)
	}
	return obj.(*batchv1.CronJob)
}

func (h *batchHarness) jobNames() []string {
	objs, _ := h.d.Store.List(jobKind, store.ListOptions{Namespace: "default"})
	var out []string
	for _, o := range objs {
		out = append(out, o.(*batchv1.Job).Name)
	}
	return out
}

// endJob marks a Job Complete or Failed as the Job controller would.
func (h *batchHarness) endJob(name string, t batchv1.JobConditionType, started time.Time) {
	h.t.Helper()
	job := h.job(name)
	now := metav1.NewTime(h.clk.Now())
	st := metav1.NewTime(started)
	job.Status.StartTime = &st
	job.Status.Conditions = append(job.Status.Conditions, batchv1.JobCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: now})
	if t == batchv1.JobComplete {
		job.Status.CompletionTime = &now
	}
	if _, err := h.d.API.Update(h.d.ctx(), jobKind, "default", name, "status", job, internal); err != nil {
		h.t.Fatal(err)
	}
}

func (h *batchHarness) cronEvents(c *CronJob) []string {
	var out []string
	for _, e := range h.bus.History() {
		if e.Source == cronJobSource {
			out = append(out, e.Reason+": "+e.Message)
		}
	}
	return out
}

func cronHasEvent(evs []string, prefix string) bool {
	for _, e := range evs {
		if strings.HasPrefix(e, prefix) {
			return true
		}
	}
	return false
}

func TestCronJobSyncCreatesOnSchedule(t *testing.T) {
	h := newBatchHarness(t)
	c := NewCronJob(h.d)
	h.createCronJob("every", "*/5 * * * *", nil)
	h.observe(c)
	c.sync("default/every")
	if n := len(h.jobNames()); n != 0 {
		t.Fatalf("nothing due yet: %d jobs", n)
	}
	h.clk.Advance(5*time.Minute + 100*time.Millisecond)
	c.sync("default/every")
	names := h.jobNames()
	if len(names) != 1 || names[0] != "every-29539265" {
		t.Fatalf("jobs %v", names)
	}
	cj := h.cronJob("every")
	if len(cj.Status.Active) != 1 || cj.Status.Active[0].Kind != "Job" || cj.Status.Active[0].APIVersion != "batch/v1" ||
		!cj.Status.LastScheduleTime.Time.Equal(harnessStart.Add(5*time.Minute)) {
		t.Errorf("status %+v", cj.Status)
	}
	// The same run is never started twice.
	h.observe(c)
	c.sync("default/every")
	if n := len(h.jobNames()); n != 1 {
		t.Errorf("jobs %d", n)
	}
	// Finished: SawCompletedJob, then lastSuccessfulTime.
	h.clk.Advance(30 * time.Second)
	h.endJob("every-29539265", batchv1.JobComplete, harnessStart.Add(5*time.Minute))
	h.observe(c)
	c.sync("default/every")
	c.sync("default/every")
	cj = h.cronJob("every")
	if len(cj.Status.Active) != 0 || cj.Status.LastSuccessfulTime == nil {
		t.Errorf("status %+v", cj.Status)
	}
	if evs := h.cronEvents(c); !cronHasEvent(evs, "SawCompletedJob: Saw completed job: every-29539265, status: Complete") {
		t.Errorf("events %v", evs)
	}
}

func TestCronJobSyncForbidAndReplace(t *testing.T) {
	for _, policy := range []batchv1.ConcurrencyPolicy{batchv1.ForbidConcurrent, batchv1.ReplaceConcurrent, batchv1.AllowConcurrent} {
		t.Run(string(policy), func(t *testing.T) {
			h := newBatchHarness(t)
			c := NewCronJob(h.d)
			h.createCronJob("p", "* * * * *", func(cj *batchv1.CronJob) { cj.Spec.ConcurrencyPolicy = policy })
			h.observe(c)
			h.clk.Advance(time.Minute + 100*time.Millisecond)
			c.sync("default/p")
			h.observe(c)
			h.clk.Advance(time.Minute)
			c.sync("default/p")
			names := h.jobNames()
			evs := h.cronEvents(c)
			switch policy {
			case batchv1.ForbidConcurrent:
				if len(names) != 1 || !cronHasEvent(evs, "JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid") {
					t.Errorf("jobs %v events %v", names, evs)
				}
			case batchv1.ReplaceConcurrent:
				if len(names) != 1 || names[0] != "p-29539262" || !cronHasEvent(evs, "SuccessfulDelete: Deleted job p-29539261") {
					t.Errorf("jobs %v events %v", names, evs)
				}
				if cj := h.cronJob("p"); len(cj.Status.Active) != 1 || cj.Status.Active[0].Name != "p-29539262" {
					t.Errorf("active %+v", cj.Status.Active)
				}
			default:
				if len(names) != 2 || len(h.cronJob("p").Status.Active) != 2 {
					t.Errorf("jobs %v", names)
				}
			}
		})
	}
}

func TestCronJobSyncHistoryLimits(t *testing.T) {
	h := newBatchHarness(t)
	c := NewCronJob(h.d)
	h.createCronJob("h", "* * * * *", func(cj *batchv1.CronJob) {
		cj.Spec.SuccessfulJobsHistoryLimit = ptr.To(int32(2))
		cj.Spec.FailedJobsHistoryLimit = ptr.To(int32(1))
	})
	h.observe(c)
	for i := 1; i <= 6; i++ {
		h.clk.Advance(time.Minute)
		c.sync("default/h")
		h.observe(c)
		name := h.cronJob("h").Status.Active[0].Name
		typ := batchv1.JobComplete
		if i%3 == 0 {
			typ = batchv1.JobFailed
		}
		h.endJob(name, typ, h.clk.Now())
		h.observe(c)
		c.sync("default/h")
		h.observe(c)
	}
	// Runs 1..6: 3 and 6 failed. Kept: the two newest successes (4, 5)
	// and the newest failure (6).
	names := h.jobNames()
	want := []string{"h-29539264", "h-29539265", "h-29539266"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("jobs %v, want %v", names, want)
	}
	if evs := h.cronEvents(c); !cronHasEvent(evs, "SuccessfulDelete: Deleted job h-29539261") {
		t.Errorf("events %v", evs)
	}
}

func TestCronJobSyncMissedSchedules(t *testing.T) {
	h := newBatchHarness(t)
	c := NewCronJob(h.d)
	h.createCronJob("m", "* * * * *", nil)
	h.observe(c)
	// Three hours without a sync: more than 100 missed. The most recent
	// runs, with a warning.
	h.clk.Advance(3*time.Hour + 10*time.Second)
	c.sync("default/m")
	if names := h.jobNames(); len(names) != 1 || names[0] != "m-29539440" {
		t.Errorf("jobs %v", names)
	}
	if evs := h.cronEvents(c); !cronHasEvent(evs, "TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew") {
		t.Errorf("events %v", evs)
	}

	// With a starting deadline the late run is skipped instead.
	h2 := newBatchHarness(t)
	c2 := NewCronJob(h2.d)
	h2.createCronJob("late", "0 * * * *", func(cj *batchv1.CronJob) { cj.Spec.StartingDeadlineSeconds = ptr.To(int64(30)) })
	h2.observe(c2)
	h2.clk.Advance(time.Hour + 20*time.Second)
	c2.sync("default/late")
	if n := len(h2.jobNames()); n != 1 {
		t.Errorf("within the deadline: %d jobs", n)
	}
	h2.clk.Advance(time.Hour + 20*time.Second) // 11:00:40: 40s late
	c2.sync("default/late")
	if n := len(h2.jobNames()); n != 1 {
		t.Errorf("past the deadline: %d jobs", n)
	}
}

// A Job the CronJob owns but did not start (kubectl create job --from)
// is not active, and a Job that vanished leaves the active list.
func TestCronJobSyncUnexpectedAndMissing(t *testing.T) {
	h := newBatchHarness(t)
	c := NewCronJob(h.d)
	cj := h.createCronJob("u", "* * * * *", nil)
	manual := jobFixture("u-manual", nil)
	manual.Annotations = map[string]string{"cronjob.kubernetes.io/instantiate": "manual"}
	manual.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(cj, cronJobGVK)}
	h.createJob(manual)
	h.observe(c)
	c.sync("default/u")
	if evs := h.cronEvents(c); !cronHasEvent(evs, "UnexpectedJob: Saw a job that the controller did not create or forgot: u-manual") {
		t.Errorf("events %v", evs)
	}
	if len(h.cronJob("u").Status.Active) != 0 {
		t.Error("a manual Job is not active")
	}
	h.clk.Advance(time.Minute)
	c.sync("default/u")
	active := h.cronJob("u").Status.Active
	if len(active) != 1 {
		t.Fatalf("active %+v", active)
	}
	h.d.Store.Delete(jobKind, "default", active[0].Name, store.DeleteOptions{})
	h.observe(c)
	c.sync("default/u")
	if evs := h.cronEvents(c); !cronHasEvent(evs, "MissingJob: Active job went missing: "+active[0].Name) || len(h.cronJob("u").Status.Active) != 0 {
		t.Errorf("events %v", evs)
	}
}

func TestCronJobSyncSuspendAndTimeZone(t *testing.T) {
	h := newBatchHarness(t)
	c := NewCronJob(h.d)
	h.createCronJob("s", "* * * * *", func(cj *batchv1.CronJob) { cj.Spec.Suspend = ptr.To(true) })
	h.createCronJob("tz", "0 18 * * *", func(cj *batchv1.CronJob) { cj.Spec.TimeZone = ptr.To("Asia/Seoul") })
	h.observe(c)
	// 09:00 UTC is 18:00 in Seoul.
	h.clk.Advance(10 * time.Second)
	c.sync("default/s")
	c.sync("default/tz")
	names := h.jobNames()
	if len(names) != 0 {
		t.Fatalf("jobs %v", names)
	}
	h.clk.Advance(24 * time.Hour)
	c.sync("default/s")
	c.sync("default/tz")
	names = h.jobNames()
	if len(names) != 1 || !strings.HasPrefix(names[0], "tz-") {
		t.Fatalf("jobs %v", names)
	}
	if got := h.job(names[0]).Annotations[batchv1.CronJobScheduledTimestampAnnotation]; got != "2026-03-02T18:00:00+09:00" {
		t.Errorf("annotation %q", got)
	}
}
