package printers

import (
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func jobCond(t batchv1.JobConditionType, s corev1.ConditionStatus) batchv1.JobCondition {
	return batchv1.JobCondition{Type: t, Status: s}
}

func TestJobCells(t *testing.T) {
	tests := map[string]struct {
		spec   batchv1.JobSpec
		status batchv1.JobStatus
		del    *metav1.Time
		// STATUS, COMPLETIONS, DURATION
		want [3]string
	}{
		"not started": {
			want: [3]string{"Running", "0/1", ""},
		},
		"running for 41s": {
			spec:   batchv1.JobSpec{Completions: ptrTo(int32(3))},
			status: batchv1.JobStatus{StartTime: agoPtr(41 * time.Second), Succeeded: 1},
			want:   [3]string{"Running", "1/3", "41s"},
		},
		"work queue with parallelism": {
			spec:   batchv1.JobSpec{Parallelism: ptrTo(int32(4))},
			status: batchv1.JobStatus{StartTime: agoPtr(5 * time.Minute)},
			want:   [3]string{"Running", "0/1 of 4", "5m"},
		},
		"complete": {
			spec: batchv1.JobSpec{Completions: ptrTo(int32(1))},
			status: batchv1.JobStatus{Succeeded: 1, StartTime: agoPtr(10 * time.Minute), CompletionTime: agoPtr(10*time.Minute - 123*time.Second),
				Conditions: []batchv1.JobCondition{jobCond(batchv1.JobSuccessCriteriaMet, corev1.ConditionTrue), jobCond(batchv1.JobComplete, corev1.ConditionTrue)}},
			want: [3]string{"Complete", "1/1", "2m3s"},
		},
		"failed": {
			status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{jobCond(batchv1.JobFailureTarget, corev1.ConditionTrue), jobCond(batchv1.JobFailed, corev1.ConditionTrue)}},
			want:   [3]string{"Failed", "0/1", ""},
		},
		"failure target": {
			status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{jobCond(batchv1.JobFailureTarget, corev1.ConditionTrue)}},
			want:   [3]string{"FailureTarget", "0/1", ""},
		},
		"success criteria met": {
			status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{jobCond(batchv1.JobSuccessCriteriaMet, corev1.ConditionTrue)}},
			want:   [3]string{"SuccessCriteriaMet", "0/1", ""},
		},
		"suspended": {
			spec:   batchv1.JobSpec{Suspend: ptrTo(true)},
			status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{jobCond(batchv1.JobSuspended, corev1.ConditionTrue)}},
			want:   [3]string{"Suspended", "0/1", ""},
		},
		"resumed job with a false suspended condition runs": {
			status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{jobCond(batchv1.JobSuspended, corev1.ConditionFalse)}},
			want:   [3]string{"Running", "0/1", ""},
		},
		"deleted job is terminating before suspended": {
			status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{jobCond(batchv1.JobSuspended, corev1.ConditionTrue)}},
			del:    agoPtr(time.Second),
			want:   [3]string{"Terminating", "0/1", ""},
		},
		"deleted complete job stays complete": {
			status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{jobCond(batchv1.JobComplete, corev1.ConditionTrue)}},
			del:    agoPtr(time.Second),
			want:   [3]string{"Complete", "0/1", ""},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.spec.Template = template("worker")
			tc.spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"batch.kubernetes.io/job-name": "pi"}}
			job := &batchv1.Job{ObjectMeta: objMeta("pi", 20*time.Minute), Spec: tc.spec, Status: tc.status}
			job.DeletionTimestamp = tc.del
			assertCells(t, cellsOf(t, "jobs", job), []interface{}{"pi", tc.want[0], tc.want[1], tc.want[2], "20m",
				"worker", "worker:1", "batch.kubernetes.io/job-name=pi"})
		})
	}
}

func TestCronJobCells(t *testing.T) {
	tests := map[string]struct {
		spec   batchv1.CronJobSpec
		status batchv1.CronJobStatus
		// TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE
		want []interface{}
	}{
		"never scheduled": {
			want: []interface{}{"<none>", "<unset>", int64(0), "<none>"},
		},
		"scheduled with a time zone": {
			spec: batchv1.CronJobSpec{TimeZone: ptrTo("Europe/Paris"), Suspend: ptrTo(false)},
			status: batchv1.CronJobStatus{LastScheduleTime: agoPtr(4 * time.Minute),
				Active: []corev1.ObjectReference{{Name: "hello-29000000"}}},
			want: []interface{}{"Europe/Paris", "False", int64(1), "4m"},
		},
		"suspended": {
			spec: batchv1.CronJobSpec{Suspend: ptrTo(true)},
			want: []interface{}{"<none>", "True", int64(0), "<none>"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.spec.Schedule = "*/5 * * * *"
			tc.spec.JobTemplate.Spec.Template = template("hello")
			cj := &batchv1.CronJob{ObjectMeta: objMeta("hello", time.Hour), Spec: tc.spec, Status: tc.status}
			want := append([]interface{}{"hello", "*/5 * * * *"}, tc.want...)
			want = append(want, "60m", "hello", "hello:1", "<none>")
			assertCells(t, cellsOf(t, "cronjobs", cj), want)
		})
	}
}
