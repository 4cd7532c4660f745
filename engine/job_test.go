package engine

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"

	"kubetour/engine/apiserver"
	"kubetour/engine/events"
	"kubetour/engine/kinds"
)

var jobsKind, _ = kinds.ByResource("batch", "jobs")

func getJob(t *testing.T, c *Cluster, name string) *batchv1.Job {
	t.Helper()
	obj, err := c.Get(jobsKind, "default", name)
	if err != nil {
		t.Fatalf("get job %s: %v", name, err)
	}
	return obj.(*batchv1.Job)
}

// jobPods lists the pods a Job controls, by name.
func jobPods(c *Cluster, job *batchv1.Job) []*corev1.Pod {
	var out []*corev1.Pod
	for _, o := range c.List(kinds.Core("pods"), job.Namespace) {
		p := o.(*corev1.Pod)
		for _, r := range p.OwnerReferences {
			if r.UID == job.UID {
				out = append(out, p)
			}
		}
	}
	return out
}

func jobCondition(job *batchv1.Job, typ batchv1.JobConditionType) *batchv1.JobCondition {
	for i := range job.Status.Conditions {
		if job.Status.Conditions[i].Type == typ {
			return &job.Status.Conditions[i]
		}
	}
	return nil
}

func patchJob(t *testing.T, c *Cluster, name, patch string) {
	t.Helper()
	var err error
	c.onLoop(func() {
		_, err = c.API.Patch(context.Background(), jobsKind, "default", name, "", types.MergePatchType, []byte(patch), apiserver.WriteOptions{})
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Settle()
}

func patchCronJob(t *testing.T, c *Cluster, name, patch string) {
	t.Helper()
	var err error
	c.onLoop(func() {
		_, err = c.API.Patch(context.Background(), cronJobsKind, "default", name, "", types.MergePatchType, []byte(patch), apiserver.WriteOptions{})
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Settle()
}

func decisions(c *Cluster, source, object string) []events.Event {
	var out []events.Event
	for _, e := range c.History() {
		if e.Kind == events.Decision && e.Source == source && len(e.Objects) > 0 && e.Objects[0].Name == object {
			out = append(out, e)
		}
	}
	return out
}

func reasons(evs []events.Event) string {
	var r []string
	for _, e := range evs {
		r = append(r, e.Reason)
	}
	return strings.Join(r, ",")
}

// The course's job-1: one pod, 20 seconds of work, Completed and kept.
func TestJobRunsToCompletion(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: batch/v1
kind: Job
metadata: {name: job-1}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: container
        image: kubetm/init
        command: ["sh", "-c", "echo 'job start';sleep 20; echo 'job end'"]
      terminationGracePeriodSeconds: 0
`)
	job := getJob(t, c, "job-1")
	pods := jobPods(c, job)
	if len(pods) != 1 {
		t.Fatalf("pods: %d", len(pods))
	}
	p := pods[0]
	if !strings.HasPrefix(p.Name, "job-1-") || len(p.Name) != len("job-1-")+5 {
		t.Errorf("pod name %q", p.Name)
	}
	if p.Labels[batchv1.JobNameLabel] != "job-1" || p.Labels[batchv1.ControllerUidLabel] != string(job.UID) {
		t.Errorf("labels %v", p.Labels)
	}
	if len(p.Finalizers) != 1 || p.Finalizers[0] != batchv1.JobTrackingFinalizer {
		t.Errorf("finalizers %v", p.Finalizers)
	}
	if job.Status.StartTime == nil || job.Status.Active != 1 {
		t.Errorf("status after the first sync: %+v", job.Status)
	}
	c.Advance(30 * time.Second)
	job = getJob(t, c, "job-1")
	if job.Status.Succeeded != 1 || job.Status.Active != 0 || job.Status.CompletionTime == nil {
		t.Fatalf("status: %+v", job.Status)
	}
	scm, done := jobCondition(job, batchv1.JobSuccessCriteriaMet), jobCondition(job, batchv1.JobComplete)
	if scm == nil || done == nil || done.Reason != "CompletionsReached" || done.Message != "Reached expected number of succeeded pods" {
		t.Fatalf("conditions: %+v", job.Status.Conditions)
	}
	if job.Status.Conditions[0].Type != batchv1.JobSuccessCriteriaMet {
		t.Errorf("SuccessCriteriaMet comes first: %+v", job.Status.Conditions)
	}
	if u := job.Status.UncountedTerminatedPods; u == nil || len(u.Succeeded)+len(u.Failed) != 0 {
		t.Errorf("uncounted: %+v", u)
	}
	p = pod(t, c, "default", p.Name)
	if p.Status.Phase != corev1.PodSucceeded || len(p.Finalizers) != 0 {
		t.Errorf("the finished pod stays, released: %s %v", p.Status.Phase, p.Finalizers)
	}
	var logs bytes.Buffer
	if err := c.Logs(context.Background(), "default", p.Name, &corev1.PodLogOptions{}, &logs); err != nil || logs.String() != "job start\njob end\n" {
		t.Errorf("logs %q %v", logs.String(), err)
	}
	if got := reasons(decisions(c, "job-controller", "job-1")); !strings.Contains(got, "SuccessfulCreate") || !strings.HasSuffix(got, "Completed") {
		t.Errorf("narration: %s", got)
	}
}

// The course's job-2: completions 6, parallelism 2, activeDeadlineSeconds
// 30, 20s per pod: two pods complete, the next two are stopped at 30s, the
// last two never start.
func TestJobActiveDeadline(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: batch/v1
kind: Job
metadata: {name: job-2}
spec:
  completions: 6
  parallelism: 2
  activeDeadlineSeconds: 30
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: container
        image: kubetm/init
        command: ["sh", "-c", "echo 'job start';sleep 20; echo 'job end'"]
      terminationGracePeriodSeconds: 0
`)
	job := getJob(t, c, "job-2")
	if n := len(jobPods(c, job)); n != 2 {
		t.Fatalf("two pods at once, got %d", n)
	}
	c.Advance(25 * time.Second)
	job = getJob(t, c, "job-2")
	if job.Status.Succeeded != 2 || job.Status.Active != 2 {
		t.Fatalf("after the first pair: %+v", job.Status)
	}
	c.Advance(10 * time.Second)
	job = getJob(t, c, "job-2")
	failed := jobCondition(job, batchv1.JobFailed)
	if failed == nil || failed.Reason != "DeadlineExceeded" || failed.Message != "Job was active longer than specified deadline" {
		t.Fatalf("conditions: %+v", job.Status.Conditions)
	}
	if ft := jobCondition(job, batchv1.JobFailureTarget); ft == nil || ft.Reason != "DeadlineExceeded" {
		t.Errorf("FailureTarget first: %+v", job.Status.Conditions)
	}
	if job.Status.Succeeded != 2 || job.Status.Failed != 2 || job.Status.Active != 0 || job.Status.CompletionTime != nil {
		t.Errorf("status: %+v", job.Status)
	}
	pods := jobPods(c, job)
	if len(pods) != 2 {
		t.Errorf("the two stopped pods are gone, the two completed stay: %d", len(pods))
	}
	for _, p := range pods {
		if p.Status.Phase != corev1.PodSucceeded {
			t.Errorf("%s %s", p.Name, p.Status.Phase)
		}
	}
	var warn *events.Event
	for _, e := range decisions(c, "job-controller", "job-2") {
		if e.Reason == "DeadlineExceeded" {
			e := e
			warn = &e
		}
	}
	if warn == nil || warn.Type != "Warning" || warn.Message != "Job was active longer than specified deadline" {
		t.Errorf("DeadlineExceeded event: %+v", warn)
	}
}

// restartPolicy Never: every failure is a new pod, after 10s, 20s … of
// back-off, until more than backoffLimit pods failed.
func TestJobBackoffLimitNever(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: batch/v1
kind: Job
metadata: {name: fail}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "sleep 5; exit 1"]
`)
	created := func() []time.Time {
		var out []time.Time
		for _, e := range decisions(c, "job-controller", "fail") {
			if e.Reason == "SuccessfulCreate" {
				out = append(out, e.Time)
			}
		}
		return out
	}
	c.Advance(5 * time.Minute)
	job := getJob(t, c, "fail")
	f := jobCondition(job, batchv1.JobFailed)
	if f == nil || f.Reason != "BackoffLimitExceeded" || f.Message != "Job has reached the specified backoff limit" {
		t.Fatalf("conditions %+v", job.Status.Conditions)
	}
	if job.Status.Failed != 3 {
		t.Errorf("failed %d", job.Status.Failed)
	}
	times := created()
	if len(times) != 3 {
		t.Fatalf("pods created: %v", times)
	}
	// Each pod runs ~5s after its start; the back-off is counted from the
	// failure: the gaps grow by the doubled wait.
	g1, g2 := times[1].Sub(times[0]), times[2].Sub(times[1])
	if g2-g1 < 9*time.Second || g2-g1 > 11*time.Second {
		t.Errorf("back-off should double (10s then 20s): gaps %v, %v", g1, g2)
	}
	for _, p := range jobPods(c, job) {
		if p.Status.Phase != corev1.PodFailed || len(p.Finalizers) != 0 {
			t.Errorf("failed pods stay as Error, released: %s %s %v", p.Name, p.Status.Phase, p.Finalizers)
		}
	}
}

// restartPolicy OnFailure: the same pod restarts; its restarts count
// against the backoff limit, and the Job deletes it when it gives up.
func TestJobBackoffLimitOnFailure(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: batch/v1
kind: Job
metadata: {name: crash}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: OnFailure
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "exit 1"]
      terminationGracePeriodSeconds: 0
`)
	c.Advance(2 * time.Minute)
	job := getJob(t, c, "crash")
	f := jobCondition(job, batchv1.JobFailed)
	if f == nil || f.Reason != "BackoffLimitExceeded" {
		t.Fatalf("conditions %+v", job.Status.Conditions)
	}
	if n := len(decisions(c, "job-controller", "crash")); n == 0 {
		t.Fatal("no narration")
	}
	var creates int
	for _, e := range decisions(c, "job-controller", "crash") {
		if e.Reason == "SuccessfulCreate" {
			creates++
		}
	}
	if creates != 1 {
		t.Errorf("one pod, restarted in place: %d creates", creates)
	}
	if pods := jobPods(c, job); len(pods) != 0 {
		t.Errorf("the failing pod is deleted: %d left", len(pods))
	}
	if job.Status.Failed != 1 {
		t.Errorf("the deleted pod counts as failed: %d", job.Status.Failed)
	}
}

func TestJobSuspendResume(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: batch/v1
kind: Job
metadata: {name: s}
spec:
  suspend: true
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "sleep 10"]
`)
	c.Advance(5 * time.Second)
	job := getJob(t, c, "s")
	if len(jobPods(c, job)) != 0 || job.Status.StartTime != nil {
		t.Fatalf("a suspended Job starts nothing: %+v", job.Status)
	}
	if s := jobCondition(job, batchv1.JobSuspended); s == nil || s.Status != corev1.ConditionTrue || s.Reason != "JobSuspended" {
		t.Fatalf("conditions %+v", job.Status.Conditions)
	}
	patchJob(t, c, "s", `{"spec":{"suspend":false}}`)
	job = getJob(t, c, "s")
	if s := jobCondition(job, batchv1.JobSuspended); s == nil || s.Status != corev1.ConditionFalse || s.Reason != "JobResumed" {
		t.Fatalf("conditions %+v", job.Status.Conditions)
	}
	if len(jobPods(c, job)) != 1 || job.Status.StartTime == nil {
		t.Fatalf("resumed: %+v", job.Status)
	}
	c.Advance(30 * time.Second)
	if job = getJob(t, c, "s"); jobCondition(job, batchv1.JobComplete) == nil {
		t.Fatalf("conditions %+v", job.Status.Conditions)
	}
}

func TestJobTTLAfterFinished(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: batch/v1
kind: Job
metadata: {name: short}
spec:
  ttlSecondsAfterFinished: 30
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "echo done"]
`)
	c.Advance(10 * time.Second)
	job := getJob(t, c, "short")
	done := jobCondition(job, batchv1.JobComplete)
	if done == nil {
		t.Fatalf("conditions %+v", job.Status.Conditions)
	}
	expire := done.LastTransitionTime.Add(30 * time.Second)
	c.Loop.AdvanceTo(expire.Add(-time.Second))
	if _, err := c.Get(jobsKind, "default", "short"); err != nil {
		t.Fatalf("deleted before its TTL: %v", err)
	}
	c.Advance(2 * time.Second)
	if _, err := c.Get(jobsKind, "default", "short"); !apierrors.IsNotFound(err) {
		t.Fatalf("not deleted after its TTL: %v", err)
	}
	if len(decisions(c, "ttl-after-finished-controller", "short")) == 0 {
		t.Error("no narration of the TTL")
	}
}

// A ResourceQuota refusing a pod: FailedCreate with the API server's
// words, then retries with a growing delay until the quota has room.
func TestJobQuotaRetries(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, `
apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec:
  hard: {pods: "1"}
`)
	c.Advance(time.Second)
	apply(t, c, `
apiVersion: batch/v1
kind: Job
metadata: {name: q}
spec:
  completions: 2
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "sleep 5"]
`)
	job := getJob(t, c, "q")
	if n := len(jobPods(c, job)); n != 1 {
		t.Fatalf("one pod fits the quota: %d", n)
	}
	var failed *events.Event
	for _, e := range decisions(c, "job-controller", "q") {
		if e.Reason == "FailedCreate" {
			e := e
			failed = &e
		}
	}
	if failed == nil || failed.Type != "Warning" || !strings.HasPrefix(failed.Message, "Error creating: ") || !strings.Contains(failed.Message, "exceeded quota: q") {
		t.Fatalf("FailedCreate: %+v", failed)
	}
	c.Advance(2 * time.Minute)
	job = getJob(t, c, "q")
	if jobCondition(job, batchv1.JobComplete) == nil || job.Status.Succeeded != 2 {
		t.Fatalf("the second pod runs once the first has finished: %+v", job.Status)
	}
}
