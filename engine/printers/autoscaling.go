package printers

import (
	"fmt"
	"strings"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
)

// hpaMetricLimit is how many metrics TARGETS shows before "+ N more...".
const hpaMetricLimit = 2

const unknownMetric = "<unknown>"

func percent(p *int32) string {
	return fmt.Sprintf("%d%%", *p)
}

// resourceTarget renders "name: current/target" for Resource and
// ContainerResource metrics, whose current value is either an average value
// or a utilization percentage.
func resourceTarget(name string, target autoscalingv2.MetricTarget, current *autoscalingv2.MetricValueStatus) string {
	cur := unknownMetric
	if target.AverageValue != nil {
		if current != nil {
			cur = current.AverageValue.String()
		}
		return fmt.Sprintf("%s: %s/%s", name, cur, target.AverageValue.String())
	}
	if current != nil && current.AverageUtilization != nil {
		cur = percent(current.AverageUtilization)
	}
	want := "<auto>"
	if target.AverageUtilization != nil {
		want = percent(target.AverageUtilization)
	}
	return fmt.Sprintf("%s: %s/%s", name, cur, want)
}

// valueTarget renders Object and External metrics, which show "(avg)" when
// they target an average value rather than a total.
func valueTarget(target autoscalingv2.MetricTarget, current *autoscalingv2.MetricValueStatus) string {
	cur := unknownMetric
	if target.AverageValue != nil {
		if current != nil && current.AverageValue != nil {
			cur = current.AverageValue.String()
		}
		return fmt.Sprintf("%s/%s (avg)", cur, target.AverageValue.String())
	}
	if current != nil {
		cur = current.Value.String()
	}
	return fmt.Sprintf("%s/%s", cur, target.Value.String())
}

// metricTarget pairs spec i with status i by position, as upstream does. A
// spec whose source is missing (upstream would panic) is shown as an
// unknown type.
func metricTarget(spec autoscalingv2.MetricSpec, statuses []autoscalingv2.MetricStatus, i int) string {
	var st *autoscalingv2.MetricStatus
	if i < len(statuses) {
		st = &statuses[i]
	}
	switch {
	case spec.Type == autoscalingv2.ExternalMetricSourceType && spec.External != nil:
		var cur *autoscalingv2.MetricValueStatus
		if st != nil && st.External != nil {
			cur = &st.External.Current
		}
		return valueTarget(spec.External.Target, cur)
	case spec.Type == autoscalingv2.PodsMetricSourceType && spec.Pods != nil:
		cur := unknownMetric
		if st != nil && st.Pods != nil {
			cur = st.Pods.Current.AverageValue.String()
		}
		return fmt.Sprintf("%s/%s", cur, spec.Pods.Target.AverageValue.String())
	case spec.Type == autoscalingv2.ObjectMetricSourceType && spec.Object != nil:
		var cur *autoscalingv2.MetricValueStatus
		if st != nil && st.Object != nil {
			cur = &st.Object.Current
		}
		return valueTarget(spec.Object.Target, cur)
	case spec.Type == autoscalingv2.ResourceMetricSourceType && spec.Resource != nil:
		var cur *autoscalingv2.MetricValueStatus
		if st != nil && st.Resource != nil {
			cur = &st.Resource.Current
		}
		return resourceTarget(spec.Resource.Name.String(), spec.Resource.Target, cur)
	case spec.Type == autoscalingv2.ContainerResourceMetricSourceType && spec.ContainerResource != nil:
		var cur *autoscalingv2.MetricValueStatus
		if st != nil && st.ContainerResource != nil {
			cur = &st.ContainerResource.Current
		}
		return resourceTarget(spec.ContainerResource.Name.String(), spec.ContainerResource.Target, cur)
	}
	return "<unknown type>"
}

func hpaTargets(hpa *autoscalingv2.HorizontalPodAutoscaler) string {
	specs := hpa.Spec.Metrics
	if len(specs) == 0 {
		return "<none>"
	}
	list := make([]string, len(specs))
	for i, spec := range specs {
		list[i] = metricTarget(spec, hpa.Status.CurrentMetrics, i)
	}
	if len(list) > hpaMetricLimit {
		return fmt.Sprintf("%s + %d more...", strings.Join(list[:hpaMetricLimit], ", "), len(list)-hpaMetricLimit)
	}
	return strings.Join(list, ", ")
}

func hpaCells(hpa *autoscalingv2.HorizontalPodAutoscaler, now time.Time) []interface{} {
	ref := hpa.Spec.ScaleTargetRef
	minPods := "<unset>"
	if hpa.Spec.MinReplicas != nil {
		minPods = fmt.Sprintf("%d", *hpa.Spec.MinReplicas)
	}
	return []interface{}{
		hpa.Name, ref.Kind + "/" + ref.Name, hpaTargets(hpa), minPods,
		int64(hpa.Spec.MaxReplicas), int64(hpa.Status.CurrentReplicas), since(hpa.CreationTimestamp, now),
	}
}
