package engine

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"kubetour/engine/apiserver"
)

// BenchmarkDeploymentRollout1000: a 1,000-replica Deployment (maxSurge
// 25%, maxUnavailable 25%) rolled to a new image on the simulation, timed
// from the image change until the rollout is complete. The Deployment is
// created and fully up before the timer starts.
func BenchmarkDeploymentRollout1000(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c := bigCluster(b)
		raisePodLimit(c)
		n, quarter := int32(1000), intstr.FromString("25%")
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web"},
			Spec: appsv1.DeploymentSpec{Replicas: &n, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				Strategy: appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &quarter, MaxUnavailable: &quarter}},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
					Spec: corev1.PodSpec{TerminationGracePeriodSeconds: new(int64),
						Containers: []corev1.Container{{Name: "app", Image: "kubetm/app:v1"}}}}}}
		var err error
		c.onLoop(func() {
			_, err = c.API.Create(context.Background(), deploymentsKind, "default", d, apiserver.WriteOptions{})
		})
		if err != nil {
			b.Fatal(err)
		}
		waitRolledOut(b, c, 120)
		b.StartTimer()
		start := c.Clock.Now()
		setImage(b, c, "web", "kubetm/app:v2")
		waitRolledOut(b, c, 600)
		b.StopTimer()
		b.ReportMetric(c.Clock.Now().Sub(start).Seconds(), "cluster-s/rollout")
		c.Stop()
		b.StartTimer()
	}
}

// waitRolledOut advances the cluster a second at a time until the
// Deployment's rollout is complete.
func waitRolledOut(b *testing.B, c *Cluster, seconds int) {
	b.Helper()
	for s := 0; s < seconds; s++ {
		obj, err := c.Get(deploymentsKind, "default", "web")
		if err != nil {
			b.Fatal(err)
		}
		if rolledOut(obj.(*appsv1.Deployment)) {
			return
		}
		c.Advance(time.Second)
	}
	obj, _ := c.Get(deploymentsKind, "default", "web")
	b.Fatalf("not rolled out after %ds: %+v", seconds, obj.(*appsv1.Deployment).Status)
}
