package engine

import (
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"kubetour/engine/kinds"
)

var cronJobsKind, _ = kinds.ByResource("batch", "cronjobs")

func getCronJob(t *testing.T, c *Cluster, name string) *batchv1.CronJob {
	t.Helper()
	obj, err := c.Get(cronJobsKind, "default", name)
	if err != nil {
		t.Fatalf("get cronjob %s: %v", name, err)
	}
	return obj.(*batchv1.CronJob)
}

func cronJobs(c *Cluster, cj string) []*batchv1.Job {
	var out []*batchv1.Job
	for _, o := range c.List(jobsKind, "default") {
		j := o.(*batchv1.Job)
		if strings.HasPrefix(j.Name, cj+"-") {
			out = append(out, j)
		}
	}
	return out
}

func cronManifest(name, schedule, policy, command string) string {
	return `
apiVersion: batch/v1
kind: CronJob
metadata: {name: ` + name + `}
spec:
  schedule: "` + schedule + `"
  concurrencyPolicy: ` + policy + `
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: container
            image: kubetm/init
            command: ["sh", "-c", "` + command + `"]
          terminationGracePeriodSeconds: 0
`
}

// Every minute, Allow: a Job per minute, named after its minute, and the
// three latest successful Jobs kept.
func TestCronJobEveryMinute(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, cronManifest("cron-job", "*/1 * * * *", "Allow", "echo 'job start';sleep 20; echo 'job end'"))
	start := c.Clock.Now()
	next := start.Truncate(time.Minute).Add(time.Minute)
	c.Loop.AdvanceTo(next.Add(time.Second))
	jobs := cronJobs(c, "cron-job")
	if len(jobs) != 1 {
		t.Fatalf("one Job at the first minute: %d", len(jobs))
	}
	j := jobs[0]
	if want := "cron-job-" + itoa64(next.Unix()/60); j.Name != want {
		t.Errorf("job name %s, want %s", j.Name, want)
	}
	if j.Annotations[batchv1.CronJobScheduledTimestampAnnotation] != next.UTC().Format(time.RFC3339) {
		t.Errorf("annotations %v", j.Annotations)
	}
	cj := getCronJob(t, c, "cron-job")
	if len(cj.Status.Active) != 1 || cj.Status.LastScheduleTime == nil || !cj.Status.LastScheduleTime.Time.Equal(next) {
		t.Errorf("status %+v", cj.Status)
	}
	c.Advance(10 * time.Minute)
	jobs = cronJobs(c, "cron-job")
	complete := 0
	for _, j := range jobs {
		if jobCondition(j, batchv1.JobComplete) != nil {
			complete++
		}
	}
	if complete != 3 {
		t.Errorf("successfulJobsHistoryLimit 3 keeps 3 finished Jobs, found %d of %d", complete, len(jobs))
	}
	cj = getCronJob(t, c, "cron-job")
	if cj.Status.LastSuccessfulTime == nil {
		t.Errorf("lastSuccessfulTime unset: %+v", cj.Status)
	}
	got := reasons(decisions(c, "cronjob-controller", "cron-job"))
	for _, want := range []string{"SuccessfulCreate", "SawCompletedJob", "SuccessfulDelete"} {
		if !strings.Contains(got, want) {
			t.Errorf("narration lacks %s: %s", want, got)
		}
	}
	for _, e := range decisions(c, "cronjob-controller", "cron-job") {
		if e.Reason == "SawCompletedJob" && !strings.HasSuffix(e.Message, ", status: Complete") {
			t.Errorf("message %q", e.Message)
		}
	}
}

// Forbid with a 140s Job on "20,21,22 * * * *": the :21 run is skipped,
// the :22 run starts when the :20 Job has finished.
func TestCronJobForbid(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, cronManifest("cron-job-2", "20,21,22 * * * *", "Forbid", "sleep 140"))
	at20 := c.Clock.Now().Truncate(time.Hour).Add(20 * time.Minute)
	c.Loop.AdvanceTo(at20.Add(time.Second))
	if n := len(cronJobs(c, "cron-job-2")); n != 1 {
		t.Fatalf("jobs at :20: %d", n)
	}
	c.Loop.AdvanceTo(at20.Add(61 * time.Second))
	if n := len(cronJobs(c, "cron-job-2")); n != 1 {
		t.Fatalf(":21 must be skipped: %d jobs", n)
	}
	skipped := false
	for _, e := range decisions(c, "cronjob-controller", "cron-job-2") {
		if e.Reason == "JobAlreadyActive" && e.Message == "Not starting job because prior execution is running and concurrency policy is Forbid" {
			skipped = true
		}
	}
	if !skipped {
		t.Error("no JobAlreadyActive event")
	}
	c.Loop.AdvanceTo(at20.Add(2*time.Minute + time.Second))
	if n := len(cronJobs(c, "cron-job-2")); n != 1 {
		t.Fatalf(":22 waits for the first Job: %d jobs", n)
	}
	c.Loop.AdvanceTo(at20.Add(3 * time.Minute))
	jobs := cronJobs(c, "cron-job-2")
	if len(jobs) != 2 {
		t.Fatalf("the :22 run starts once the first Job is done: %d jobs", len(jobs))
	}
	late := jobs[1]
	if jobs[0].CreationTimestamp.After(late.CreationTimestamp.Time) {
		late = jobs[0]
	}
	if d := late.CreationTimestamp.Sub(at20); d < 140*time.Second || d > 150*time.Second {
		t.Errorf("the :22 Job started at +%v, want just after the first Job finished", d)
	}
}

// Replace: at :21 the running :20 Job is deleted and a new one starts.
func TestCronJobReplace(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, cronManifest("cron-job-2", "20,21,22 * * * *", "Replace", "sleep 140"))
	at20 := c.Clock.Now().Truncate(time.Hour).Add(20 * time.Minute)
	c.Loop.AdvanceTo(at20.Add(time.Second))
	first := cronJobs(c, "cron-job-2")
	if len(first) != 1 {
		t.Fatalf("jobs at :20: %d", len(first))
	}
	c.Loop.AdvanceTo(at20.Add(61 * time.Second))
	jobs := cronJobs(c, "cron-job-2")
	if len(jobs) != 1 || jobs[0].Name == first[0].Name {
		t.Fatalf("the :20 Job is replaced by the :21 one: %v", jobs)
	}
	c.Advance(5 * time.Second)
	for _, o := range c.List(kinds.Core("pods"), "default") {
		p := o.(*corev1.Pod)
		if strings.HasPrefix(p.Name, first[0].Name) {
			t.Errorf("the replaced Job's pod %s is still there (%s)", p.Name, p.Status.Phase)
		}
	}
	cj := getCronJob(t, c, "cron-job-2")
	if len(cj.Status.Active) != 1 || cj.Status.Active[0].Name != jobs[0].Name {
		t.Errorf("active %+v", cj.Status.Active)
	}
}

func TestCronJobSuspend(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, cronManifest("s", "*/1 * * * *", "Allow", "echo hi"))
	patchCronJob(t, c, "s", `{"spec":{"suspend":true}}`)
	c.Advance(5 * time.Minute)
	if n := len(cronJobs(c, "s")); n != 0 {
		t.Fatalf("suspended, yet %d jobs", n)
	}
	patchCronJob(t, c, "s", `{"spec":{"suspend":false}}`)
	// Resuming starts the most recent missed run at once (no
	// startingDeadlineSeconds), as upstream does.
	if n := len(cronJobs(c, "s")); n != 1 {
		t.Fatalf("after resume: %d jobs", n)
	}
}

func TestCronJobStartingDeadline(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: batch/v1
kind: CronJob
metadata: {name: d}
spec:
  schedule: "*/1 * * * *"
  startingDeadlineSeconds: 10
  suspend: true
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - {name: c, image: busybox, command: ["sh", "-c", "echo hi"]}
`)
	c.Advance(5*time.Minute + 30*time.Second)
	patchCronJob(t, c, "d", `{"spec":{"suspend":false}}`)
	if n := len(cronJobs(c, "d")); n != 0 {
		t.Fatalf("the missed runs are past their deadline: %d jobs", n)
	}
	c.Advance(time.Minute)
	if n := len(cronJobs(c, "d")); n != 1 {
		t.Fatalf("the next run starts on time: %d jobs", n)
	}
}

func itoa64(n int64) string {
	var b [20]byte
	i := len(b)
	for n >= 10 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	b[i] = byte('0' + n)
	return string(b[i:])
}
