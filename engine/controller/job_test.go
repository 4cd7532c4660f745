package controller

import (
	"fmt"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"kubetour/engine/store"
)

// batchHarness drives the Job and CronJob controllers (see harness).
type batchHarness struct{ *harness }

var harnessStart = testStart

func newBatchHarness(t *testing.T) *batchHarness { return &batchHarness{newHarness(t, "x")} }

func (h *batchHarness) reasons(source string) []string {
	var out []string
	for _, e := range h.bus.History() {
		if e.Source == source {
			out = append(out, e.Reason)
		}
	}
	return out
}

func (h *batchHarness) createJob(j *batchv1.Job) *batchv1.Job {
	h.t.Helper()
	out, err := h.d.API.Create(h.d.ctx(), jobKind, "default", j, internal)
	if err != nil {
		h.t.Fatal(err)
	}
	return out.(*batchv1.Job)
}

func (h *batchHarness) job(name string) *batchv1.Job {
	h.t.Helper()
	obj, err := h.d.Store.Get(jobKind, "default", name)
	if err != nil {
		h.t.Fatal(err)
	}
	return obj.(*batchv1.Job)
}

func (h *batchHarness) pods(job *batchv1.Job) []*corev1.Pod {
	objs, _ := h.d.Store.List(jobPodKind, store.ListOptions{Namespace: job.Namespace})
	var out []*corev1.Pod
	for _, o := range objs {
		p := o.(*corev1.Pod)
		if metav1.IsControlledBy(p, job) {
			out = append(out, p)
		}
	}
	return out
}

// finish ends a pod as the kubelet would: phase, a terminated container.
func (h *batchHarness) finish(p *corev1.Pod, phase corev1.PodPhase, at time.Time) {
	h.t.Helper()
	obj, err := h.d.Store.Get(jobPodKind, p.Namespace, p.Name)
	if err != nil {
		h.t.Fatal(err)
	}
	pod := obj.(*corev1.Pod)
	pod.Spec.NodeName = "node-1"
	code := int32(0)
	if phase == corev1.PodFailed {
		code = 1
	}
	pod.Status.Phase = phase
	pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "c",
		State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code, FinishedAt: metav1.NewTime(at)}}}}
	if _, err := h.d.Store.Update(jobPodKind, pod, store.UpdateOptions{KeepGeneration: true}); err != nil {
		h.t.Fatal(err)
	}
}

func jobFixture(name string, mutate func(*batchv1.Job)) *batchv1.Job {
	j := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "c", Image: "busybox", Command: []string{"sh", "-c", "true"}}},
		}}}}
	if mutate != nil {
		mutate(j)
	}
	return j
}

func TestJobSyncCreatesPodsUpToParallelism(t *testing.T) {
	h := newBatchHarness(t)
	j := NewJob(h.d)
	job := h.createJob(jobFixture("work", func(j *batchv1.Job) {
		j.Spec.Completions, j.Spec.Parallelism = ptr.To(int32(5)), ptr.To(int32(2))
	}))
	h.observe(j)
	j.sync("default/work")
	pods := h.pods(job)
	if len(pods) != 2 {
		t.Fatalf("pods %d", len(pods))
	}
	for _, p := range pods {
		if p.GenerateName != "work-" || len(p.Finalizers) != 1 || p.Finalizers[0] != batchv1.JobTrackingFinalizer {
			t.Errorf("pod %s: generateName %q finalizers %v", p.Name, p.GenerateName, p.Finalizers)
		}
		if ref := metav1.GetControllerOf(p); ref == nil || ref.Kind != "Job" || ref.APIVersion != "batch/v1" || !*ref.BlockOwnerDeletion {
			t.Errorf("controller ref %+v", ref)
		}
	}
	job = h.job("work")
	if job.Status.Active != 2 || job.Status.StartTime == nil || *job.Status.Ready != 0 || *job.Status.Terminating != 0 {
		t.Errorf("status %+v", job.Status)
	}
	// A second sync with nothing changed creates nothing more.
	h.observe(j)
	j.sync("default/work")
	if n := len(h.pods(job)); n != 2 {
		t.Errorf("pods after a no-op sync: %d", n)
	}

	// One pod succeeds: it is counted through uncountedTerminatedPods and
	// released; a replacement keeps two running.
	h.finish(pods[0], corev1.PodSucceeded, h.clk.Now())
	h.observe(j)
	j.sync("default/work")
	job = h.job("work")
	if job.Status.Succeeded != 1 || job.Status.Active != 2 || len(job.Status.UncountedTerminatedPods.Succeeded) != 0 {
		t.Errorf("status %+v", job.Status)
	}
	obj, _ := h.d.Store.Get(jobPodKind, "default", pods[0].Name)
	if len(obj.(*corev1.Pod).Finalizers) != 0 {
		t.Error("a counted pod keeps no finalizer")
	}
	if n := len(h.pods(job)); n != 3 {
		t.Errorf("pods %d", n)
	}
}

// completions 3, parallelism 3: when the last pods finish the Job gets
// SuccessCriteriaMet then Complete, in one sync.
func TestJobSyncCompletes(t *testing.T) {
	h := newBatchHarness(t)
	j := NewJob(h.d)
	job := h.createJob(jobFixture("three", func(j *batchv1.Job) {
		j.Spec.Completions, j.Spec.Parallelism = ptr.To(int32(3)), ptr.To(int32(3))
	}))
	h.observe(j)
	j.sync("default/three")
	for _, p := range h.pods(job) {
		h.finish(p, corev1.PodSucceeded, h.clk.Now())
	}
	h.clk.Advance(5 * time.Second)
	h.observe(j)
	j.sync("default/three")
	job = h.job("three")
	if len(job.Status.Conditions) != 2 || job.Status.Conditions[0].Type != batchv1.JobSuccessCriteriaMet || job.Status.Conditions[1].Type != batchv1.JobComplete {
		t.Fatalf("conditions %+v", job.Status.Conditions)
	}
	if job.Status.Succeeded != 3 || job.Status.CompletionTime == nil || !job.Status.CompletionTime.Time.Equal(h.clk.Now()) {
		t.Errorf("status %+v", job.Status)
	}
	if got := h.reasons(jobControllerSource); got[len(got)-1] != "Completed" {
		t.Errorf("events %v", got)
	}
	// A finished Job is left alone.
	rv := job.ResourceVersion
	j.sync("default/three")
	if h.job("three").ResourceVersion != rv {
		t.Error("a finished Job was written again")
	}
}

func TestJobBackoffDelays(t *testing.T) {
	want := []time.Duration{0, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 160 * time.Second,
		320 * time.Second, 600 * time.Second, 600 * time.Second}
	for n, w := range want {
		if got := (jobBackoff{failuresAfterLastSuccess: int32(n)}).delay(); got != w {
			t.Errorf("%d failures: %v, want %v", n, got, w)
		}
	}
	b := jobBackoff{failuresAfterLastSuccess: 2, lastFailure: harnessStart}
	if got := b.remaining(harnessStart.Add(5 * time.Second)); got != 15*time.Second {
		t.Errorf("remaining %v", got)
	}
	if got := b.remaining(harnessStart.Add(25 * time.Second)); got != 0 {
		t.Errorf("remaining %v", got)
	}
}

func TestJobBackoffRecord(t *testing.T) {
	h := newBatchHarness(t)
	j := NewJob(h.d)
	pod := func(at time.Duration) *corev1.Pod {
		return &corev1.Pod{Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{State: corev1.ContainerState{
			Terminated: &corev1.ContainerStateTerminated{FinishedAt: metav1.NewTime(harnessStart.Add(at))}}}}}}
	}
	b := j.newBackoffRecord("k", nil, []*corev1.Pod{pod(3 * time.Second), pod(time.Second)})
	if b.failuresAfterLastSuccess != 2 || !b.lastFailure.Equal(harnessStart.Add(3*time.Second)) {
		t.Errorf("%+v", b)
	}
	j.backoff["k"] = b
	// A success resets the run, except for failures after it.
	b = j.newBackoffRecord("k", []*corev1.Pod{pod(5 * time.Second)}, []*corev1.Pod{pod(4 * time.Second), pod(7 * time.Second)})
	if b.failuresAfterLastSuccess != 1 || !b.lastFailure.Equal(harnessStart.Add(7*time.Second)) {
		t.Errorf("%+v", b)
	}
}

// restartPolicy Never: a failed pod is replaced only after the back-off;
// more failures than backoffLimit fail the Job.
func TestJobSyncBackoffAndLimit(t *testing.T) {
	h := newBatchHarness(t)
	j := NewJob(h.d)
	job := h.createJob(jobFixture("f", func(j *batchv1.Job) { j.Spec.BackoffLimit = ptr.To(int32(1)) }))
	h.observe(j)
	j.sync("default/f")
	first := h.pods(job)[0]
	h.finish(first, corev1.PodFailed, h.clk.Now())
	h.observe(j)
	j.sync("default/f")
	job = h.job("f")
	if job.Status.Failed != 1 || job.Status.Active != 0 || len(h.pods(job)) != 1 {
		t.Fatalf("during the back-off: %+v, %d pods", job.Status, len(h.pods(job)))
	}
	h.clk.Advance(9 * time.Second)
	j.sync("default/f")
	if n := len(h.pods(job)); n != 1 {
		t.Fatalf("replaced before 10s: %d pods", n)
	}
	h.clk.Advance(time.Second)
	j.sync("default/f")
	pods := h.pods(job)
	if len(pods) != 2 {
		t.Fatalf("replaced at 10s: %d pods", len(pods))
	}
	for _, p := range pods {
		if p.Name != first.Name {
			h.finish(p, corev1.PodFailed, h.clk.Now())
		}
	}
	h.observe(j)
	j.sync("default/f")
	job = h.job("f")
	var types []batchv1.JobConditionType
	for _, c := range job.Status.Conditions {
		types = append(types, c.Type)
		if c.Reason != batchv1.JobReasonBackoffLimitExceeded || c.Message != "Job has reached the specified backoff limit" {
			t.Errorf("condition %+v", c)
		}
	}
	if len(types) != 2 || types[0] != batchv1.JobFailureTarget || types[1] != batchv1.JobFailed {
		t.Errorf("conditions %v", types)
	}
	if job.Status.Failed != 2 || job.Status.CompletionTime != nil {
		t.Errorf("status %+v", job.Status)
	}
}

func TestJobPastBackoffLimitOnFailure(t *testing.T) {
	job := jobFixture("x", func(j *batchv1.Job) { j.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyOnFailure })
	running := func(restarts int32) *corev1.Pod {
		return &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{RestartCount: restarts}}}}
	}
	for _, tc := range []struct {
		limit    int32
		restarts int32
		want     bool
	}{{0, 0, false}, {0, 1, true}, {3, 2, false}, {3, 3, true}} {
		job.Spec.BackoffLimit = ptr.To(tc.limit)
		if got := jobPastBackoffLimitOnFailure(job, []*corev1.Pod{running(tc.restarts)}); got != tc.want {
			t.Errorf("limit %d restarts %d: %v", tc.limit, tc.restarts, got)
		}
	}
	succeeded := &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodSucceeded, ContainerStatuses: []corev1.ContainerStatus{{RestartCount: 9}}}}
	job.Spec.BackoffLimit = ptr.To(int32(1))
	if jobPastBackoffLimitOnFailure(job, []*corev1.Pod{succeeded}) {
		t.Error("restarts of finished pods do not count")
	}
}

// activeDeadlineSeconds: at the deadline the running pods are deleted and
// counted as failed; Failed waits until none is terminating.
func TestJobSyncDeadline(t *testing.T) {
	h := newBatchHarness(t)
	j := NewJob(h.d)
	job := h.createJob(jobFixture("d", func(j *batchv1.Job) {
		j.Spec.ActiveDeadlineSeconds = ptr.To(int64(30))
		j.Spec.Template.Spec.TerminationGracePeriodSeconds = ptr.To(int64(30))
	}))
	h.observe(j)
	j.sync("default/d")
	p := h.pods(job)[0]
	// Bound, so the pod is deleted gracefully (it stays Terminating).
	obj, _ := h.d.Store.Get(jobPodKind, "default", p.Name)
	bound := obj.(*corev1.Pod)
	bound.Spec.NodeName = "node-1"
	bound.Status.Phase = corev1.PodRunning
	h.d.Store.Update(jobPodKind, bound, store.UpdateOptions{KeepGeneration: true})
	h.clk.Advance(30 * time.Second)
	h.observe(j)
	j.sync("default/d")
	job = h.job("d")
	if ft := findJobCondition(job.Status.Conditions, batchv1.JobFailureTarget); ft == nil || ft.Reason != "DeadlineExceeded" {
		t.Fatalf("conditions %+v", job.Status.Conditions)
	}
	if jobFinished(job) || *job.Status.Terminating != 1 || job.Status.Failed != 1 {
		t.Fatalf("a terminating pod holds Failed back: %+v", job.Status)
	}
	obj, _ = h.d.Store.Get(jobPodKind, "default", p.Name)
	if gone := obj.(*corev1.Pod); gone.DeletionTimestamp == nil || len(gone.Finalizers) != 0 {
		t.Fatalf("the pod is deleted and released: %+v %v", gone.DeletionTimestamp, gone.Finalizers)
	}
	// The kubelet finishes the pod off.
	zero := int64(0)
	h.d.Store.Delete(jobPodKind, "default", p.Name, store.DeleteOptions{GracePeriod: &zero})
	h.observe(j)
	j.sync("default/d")
	job = h.job("d")
	if f := findJobCondition(job.Status.Conditions, batchv1.JobFailed); f == nil || f.Message != "Job was active longer than specified deadline" {
		t.Fatalf("conditions %+v", job.Status.Conditions)
	}
}

func TestJobSyncSuspendDeletesWithoutCounting(t *testing.T) {
	h := newBatchHarness(t)
	j := NewJob(h.d)
	job := h.createJob(jobFixture("s", func(j *batchv1.Job) { j.Spec.Parallelism = ptr.To(int32(2)); j.Spec.Completions = ptr.To(int32(4)) }))
	h.observe(j)
	j.sync("default/s")
	job = h.job("s")
	job.Spec.Suspend = ptr.To(true)
	if _, err := h.d.API.Update(h.d.ctx(), jobKind, "default", "s", "", job, internal); err != nil {
		t.Fatal(err)
	}
	h.observe(j)
	j.sync("default/s")
	job = h.job("s")
	if len(h.pods(job)) != 0 || job.Status.Failed != 0 || job.Status.Active != 0 {
		t.Errorf("suspended: %+v, %d pods", job.Status, len(h.pods(job)))
	}
	if c := findJobCondition(job.Status.Conditions, batchv1.JobSuspended); c == nil || c.Status != corev1.ConditionTrue {
		t.Errorf("conditions %+v", job.Status.Conditions)
	}
}

func TestJobIndexed(t *testing.T) {
	h := newBatchHarness(t)
	j := NewJob(h.d)
	job := h.createJob(jobFixture("ix", func(j *batchv1.Job) {
		j.Spec.Completions, j.Spec.Parallelism = ptr.To(int32(4)), ptr.To(int32(2))
		j.Spec.CompletionMode = ptr.To(batchv1.IndexedCompletion)
	}))
	h.observe(j)
	j.sync("default/ix")
	pods := h.pods(job)
	if len(pods) != 2 {
		t.Fatalf("pods %d", len(pods))
	}
	seen := map[int]bool{}
	for _, p := range pods {
		ix := jobCompletionIndex(p)
		seen[ix] = true
		if p.Labels[batchv1.JobCompletionIndexAnnotation] != fmt.Sprint(ix) || p.Spec.Hostname != fmt.Sprintf("ix-%d", ix) ||
			p.GenerateName != fmt.Sprintf("ix-%d-", ix) || p.Spec.Containers[0].Env[0].Name != "JOB_COMPLETION_INDEX" {
			t.Errorf("pod %s: %v %q %q %v", p.Name, p.Labels, p.Spec.Hostname, p.GenerateName, p.Spec.Containers[0].Env)
		}
	}
	if !seen[0] || !seen[1] {
		t.Fatalf("indexes %v", seen)
	}
	for _, p := range pods {
		if jobCompletionIndex(p) == 1 {
			h.finish(p, corev1.PodSucceeded, h.clk.Now())
		}
	}
	h.observe(j)
	j.sync("default/ix")
	job = h.job("ix")
	if job.Status.CompletedIndexes != "1" || job.Status.Succeeded != 1 {
		t.Errorf("status %+v", job.Status)
	}
	seen = map[int]bool{}
	for _, p := range jobActivePods(h.pods(job)) {
		seen[jobCompletionIndex(p)] = true
	}
	if !seen[0] || !seen[2] || len(seen) != 2 {
		t.Errorf("the next pending index is 2: %v", seen)
	}
}

func TestJobIntervals(t *testing.T) {
	for in, want := range map[string]string{"": "", "1": "1", "1,2": "1,2", "1,2,3": "1-3", "0-2,4,7,8": "0-2,4,7,8", "5,3-4,9": "3-5,9"} {
		if got := jobParseIntervals(in, 100).String(); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	s := jobParseIntervals("0-2,9", 5)
	if s.total() != 3 || !s.has(2) || s.has(3) || s.has(9) {
		t.Errorf("%v", s)
	}
	if got := s.withOrderedIndexes([]int{3, 4}).String(); got != "0-4" {
		t.Errorf("merge: %q", got)
	}
}

func TestJobRemovalOrder(t *testing.T) {
	now := metav1.NewTime(harnessStart)
	later := metav1.NewTime(harnessStart.Add(time.Minute))
	mk := func(name, node string, phase corev1.PodPhase, ready bool, created metav1.Time) *corev1.Pod {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: created}, Spec: corev1.PodSpec{NodeName: node},
			Status: corev1.PodStatus{Phase: phase}}
		if ready {
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: created}}
		}
		return p
	}
	pods := []*corev1.Pod{
		mk("running-ready-old", "n", corev1.PodRunning, true, now),
		mk("running-ready-new", "n", corev1.PodRunning, true, later),
		mk("pending", "n", corev1.PodPending, false, now),
		mk("unscheduled", "", corev1.PodPending, false, now),
		mk("running-unready", "n", corev1.PodRunning, false, now),
	}
	got := jobPodsForRemoval(jobFixture("x", nil), pods, 5)
	want := []string{"unscheduled", "pending", "running-unready", "running-ready-new", "running-ready-old"}
	for i, p := range got {
		if p.Name != want[i] {
			t.Fatalf("order %d: %s, want %s", i, p.Name, want[i])
		}
	}
}
