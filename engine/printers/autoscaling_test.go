package printers

import (
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func cpuUtilization(target int32) autoscalingv2.MetricSpec {
	return autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
		Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &target}}}
}

func cpuCurrent(pct int32) autoscalingv2.MetricStatus {
	return autoscalingv2.MetricStatus{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{
		Name: corev1.ResourceCPU, Current: autoscalingv2.MetricValueStatus{AverageUtilization: &pct}}}
}

func TestHPATargets(t *testing.T) {
	q := func(s string) *resource.Quantity { v := resource.MustParse(s); return &v }
	memAvg := autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
		Name: corev1.ResourceMemory, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: q("200Mi")}}}
	pods := autoscalingv2.MetricSpec{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricSource{
		Metric: autoscalingv2.MetricIdentifier{Name: "rps"}, Target: autoscalingv2.MetricTarget{AverageValue: q("10")}}}
	objectAvg := autoscalingv2.MetricSpec{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
		Metric: autoscalingv2.MetricIdentifier{Name: "hits"}, Target: autoscalingv2.MetricTarget{AverageValue: q("5")}}}
	external := autoscalingv2.MetricSpec{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
		Metric: autoscalingv2.MetricIdentifier{Name: "queue"}, Target: autoscalingv2.MetricTarget{Value: q("30")}}}
	containerAuto := autoscalingv2.MetricSpec{Type: autoscalingv2.ContainerResourceMetricSourceType,
		ContainerResource: &autoscalingv2.ContainerResourceMetricSource{Name: corev1.ResourceCPU, Container: "app"}}

	tests := map[string]struct {
		metrics []autoscalingv2.MetricSpec
		current []autoscalingv2.MetricStatus
		want    string
	}{
		"no metrics":               {want: "<none>"},
		"cpu utilization measured": {metrics: []autoscalingv2.MetricSpec{cpuUtilization(50)}, current: []autoscalingv2.MetricStatus{cpuCurrent(30)}, want: "cpu: 30%/50%"},
		"cpu utilization not yet measured": {
			metrics: []autoscalingv2.MetricSpec{cpuUtilization(50)},
			want:    "cpu: <unknown>/50%",
		},
		"memory average value": {
			metrics: []autoscalingv2.MetricSpec{memAvg},
			current: []autoscalingv2.MetricStatus{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{
				Name: corev1.ResourceMemory, Current: autoscalingv2.MetricValueStatus{AverageValue: q("100Mi")}}}},
			want: "memory: 100Mi/200Mi",
		},
		"pods, object and external metrics": {
			metrics: []autoscalingv2.MetricSpec{pods, objectAvg},
			current: []autoscalingv2.MetricStatus{{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricStatus{
				Current: autoscalingv2.MetricValueStatus{AverageValue: q("7")}}}},
			want: "7/10, <unknown>/5 (avg)",
		},
		"external value target": {
			metrics: []autoscalingv2.MetricSpec{external},
			current: []autoscalingv2.MetricStatus{{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricStatus{
				Current: autoscalingv2.MetricValueStatus{Value: q("12")}}}},
			want: "12/30",
		},
		"container resource without a target shows auto": {
			metrics: []autoscalingv2.MetricSpec{containerAuto},
			want:    "cpu: <unknown>/<auto>",
		},
		"more than two metrics are truncated": {
			metrics: []autoscalingv2.MetricSpec{cpuUtilization(50), memAvg, pods},
			current: []autoscalingv2.MetricStatus{cpuCurrent(80)},
			want:    "cpu: 80%/50%, memory: <unknown>/200Mi + 1 more...",
		},
		"metric without its source": {
			metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.PodsMetricSourceType}},
			want:    "<unknown type>",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hpa := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: objMeta("web", time.Hour),
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "web", APIVersion: "apps/v1"},
					MinReplicas:    ptrTo(int32(1)), MaxReplicas: 10, Metrics: tc.metrics},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: 2, CurrentMetrics: tc.current}}
			assertCells(t, cellsOf(t, "horizontalpodautoscalers", hpa),
				[]interface{}{"web", "Deployment/web", tc.want, "1", int64(10), int64(2), "60m"})
		})
	}
}

func TestHPAWithoutMinReplicas(t *testing.T) {
	hpa := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: objMeta("web", time.Hour),
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "StatefulSet", Name: "db"}, MaxReplicas: 3}}
	assertCells(t, cellsOf(t, "horizontalpodautoscalers", hpa),
		[]interface{}{"web", "StatefulSet/db", "<none>", "<unset>", int64(3), int64(0), "60m"})
}
