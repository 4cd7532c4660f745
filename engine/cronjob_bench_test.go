package engine

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// BenchmarkCronJobsDay: 100 CronJobs firing every minute for a simulated
// day (144,000 Jobs, each with a pod that echoes and exits), with the
// default history limits trimming Jobs as they finish. KUBETOUR_BENCH_HOURS
// shortens the day while profiling.
func BenchmarkCronJobsDay(b *testing.B) {
	day := 24 * time.Hour
	if h := os.Getenv("KUBETOUR_BENCH_HOURS"); h != "" {
		var n int
		fmt.Sscan(h, &n)
		day = time.Duration(n) * time.Hour
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c := bigCluster(b)
		raisePodLimit(c)
		for n := 0; n < 100; n++ {
			cj := &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cron-%03d", n)},
				Spec: batchv1.CronJobSpec{Schedule: "*/1 * * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{
					Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
						TerminationGracePeriodSeconds: new(int64),
						Containers:                    []corev1.Container{{Name: "c", Image: "busybox", Command: []string{"sh", "-c", "echo hi"}}}}}}}}}
			var err error
			c.onLoop(func() {
				_, err = c.API.Create(context.Background(), cronJobsKind, "default", cj, apiserver.WriteOptions{})
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		counts := map[string]int{}
		c.Store.OnChange(func(ch store.Change) { counts[ch.Kind.Plural+" "+string(ch.Type)]++ })
		b.StartTimer()
		c.Advance(day)
		b.StopTimer()
		jobs := c.List(jobsKind, "default")
		complete := 0
		for _, o := range jobs {
			for _, cond := range o.(*batchv1.Job).Status.Conditions {
				if cond.Type == batchv1.JobComplete {
					complete++
				}
			}
		}
		// Three kept per CronJob, plus at most the run of the last minute.
		if complete < 300 || len(jobs) > 400 {
			b.Fatalf("jobs %d, complete %d", len(jobs), complete)
		}
		b.ReportMetric(float64(len(c.List(kinds.Core("pods"), "default"))), "pods-left")
		b.ReportMetric(float64(c.Store.Count(kinds.Core("events"), "")), "events-stored")
		b.ReportMetric(float64(c.Store.ResourceVersion()), "writes")
		if os.Getenv("KUBETOUR_BENCH_COUNTS") != "" {
			b.Log(counts)
		}
		c.Stop()
		b.StartTimer()
	}
}
