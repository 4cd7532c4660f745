package engine

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"kubetour/engine/kinds"
	"kubetour/engine/runtime/sim"
)

const hpaDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: app
        image: kubetm/app
        resources:
          requests: {cpu: 200m}
          limits: {cpu: 500m}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
`

func webPods(t *testing.T, c *Cluster) []*corev1.Pod {
	t.Helper()
	var out []*corev1.Pod
	for _, o := range c.List(kinds.Core("pods"), "default") {
		p := o.(*corev1.Pod)
		if p.Labels["app"] == "web" && p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

func webReplicas(t *testing.T, c *Cluster) int32 {
	t.Helper()
	k, _ := kinds.ByResource("apps", "deployments")
	obj, err := c.Get(k, "default", "web")
	if err != nil {
		t.Fatal(err)
	}
	return *obj.(*appsv1.Deployment).Spec.Replicas
}

func getHPA(t *testing.T, c *Cluster) *autoscalingv2.HorizontalPodAutoscaler {
	t.Helper()
	k, _ := kinds.ByResource("autoscaling", "horizontalpodautoscalers")
	obj, err := c.Get(k, "default", "web")
	if err != nil {
		t.Fatal(err)
	}
	return obj.(*autoscalingv2.HorizontalPodAutoscaler)
}

// load makes pod's container keep millicores of CPU busy.
func load(t *testing.T, c *Cluster, p *corev1.Pod, millicores int64) {
	t.Helper()
	id := p.Status.ContainerStatuses[0].ContainerID
	id = id[strings.Index(id, "://")+3:]
	if err := c.Runtime().(*sim.Runtime).SetLoad(id, millicores); err != nil {
		t.Fatal(err)
	}
}

// The autoscaling demo: load raises CPU, the HPA scales up by the
// formula; the load stops and, after the five-minute stabilization
// window, it scales back down.
func TestHPAAutoscalingDemo(t *testing.T) {
	c := newTestCluster(t)
	apply(t, c, hpaDeployment)
	c.Advance(time.Minute)
	pods := webPods(t, c)
	if len(pods) != 1 || pods[0].Status.Phase != corev1.PodRunning {
		t.Fatalf("pods: %d", len(pods))
	}
	h := getHPA(t, c)
	if h.Status.CurrentMetrics == nil || *h.Status.CurrentMetrics[0].Resource.Current.AverageUtilization != 0 {
		t.Fatalf("idle status: %+v", h.Status)
	}
	pm := c.Metrics.PodMetrics("default", labels.SelectorFromSet(labels.Set{"app": "web"}))
	if len(pm) != 1 || pm[0].Containers[0].Usage.Cpu().MilliValue() != 1 {
		t.Fatalf("pod metrics while idle: %+v", pm)
	}

	// 400m of a 200m request: 200% against 50%, so ceil(1 × 4) = 4.
	load(t, c, pods[0], 400)
	var scaledAt time.Time
	for i := 0; i < 8 && webReplicas(t, c) == 1; i++ {
		c.Advance(15 * time.Second)
		scaledAt = c.Clock.Now()
	}
	if got := webReplicas(t, c); got != 4 {
		t.Fatalf("replicas %d after load, want 4", got)
	}
	var rescale string
	for _, e := range c.History() {
		if e.Reason == "SuccessfulRescale" {
			rescale = e.Message
		}
	}
	if rescale != "New size: 4; reason: cpu resource utilization (percentage of request) above target" {
		t.Fatalf("event %q", rescale)
	}
	c.Advance(2 * time.Minute)
	if got := len(webPods(t, c)); got != 4 {
		t.Fatalf("%d pods running for 4 replicas", got)
	}
	if got := webReplicas(t, c); got != 4 {
		t.Fatalf("replicas moved to %d under steady load (50%% average)", got)
	}

	// Load stops: the recommendation drops to 1 at once, the scale only
	// after five minutes of low recommendations.
	for _, p := range webPods(t, c) {
		load(t, c, p, 0)
	}
	stopped := c.Clock.Now()
	for webReplicas(t, c) == 4 && c.Clock.Now().Sub(stopped) < 10*time.Minute {
		c.Advance(15 * time.Second)
	}
	waited := c.Clock.Now().Sub(stopped)
	if webReplicas(t, c) != 1 || waited < 4*time.Minute || waited > 6*time.Minute {
		t.Fatalf("replicas %d after %s without load (scaled up at %s)", webReplicas(t, c), waited, scaledAt.Format(time.TimeOnly))
	}
	h = getHPA(t, c)
	if h.Status.CurrentReplicas != 1 && h.Status.DesiredReplicas != 1 {
		t.Fatalf("status %+v", h.Status)
	}
}
