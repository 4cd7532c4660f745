package controller

import (
	"errors"
	"fmt"
	"math"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
)

// This file is upstream's replica_calculator.go and the resource half of
// metrics/client.go: from the pods' usage and requests to a proposed
// replica count, with the rules for pods that are missing metrics, not
// ready yet or going away.

// ResourceMetrics is the resource metrics API (metrics.k8s.io) as the
// autoscaler reads it: metrics-server's latest PodMetrics of the pods of a
// namespace matching a selector. apiserver.MetricsServer implements it.
type ResourceMetrics interface {
	PodMetrics(ns string, sel labels.Selector) []metricsv1beta1.PodMetrics
}

// hpaPodMetric is one pod's usage of a resource, in milli-units.
type hpaPodMetric struct {
	at     time.Time
	window time.Duration
	value  int64
}

// errNoMetricsAPI is what the metrics client says when no metrics-server
// answers (kubetour on a runtime that reports no usage).
var errNoMetricsAPI = errors.New("unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)")

// hpaResourceMetric is GetResourceMetric: each pod's summed usage of one
// resource (of one container when container is set). A pod missing the
// resource in any container is left out.
func hpaResourceMetric(m ResourceMetrics, res corev1.ResourceName, ns string, sel labels.Selector, container string) (map[string]hpaPodMetric, error) {
	if m == nil {
		return nil, errNoMetricsAPI
	}
	raw := m.PodMetrics(ns, sel)
	if len(raw) == 0 {
		return nil, errors.New("no metrics returned from resource metrics API")
	}
	out := make(map[string]hpaPodMetric, len(raw))
	for _, pm := range raw {
		if container != "" {
			// One container's usage; a pod without that container is an
			// error, as getContainerMetrics says.
			found := false
			for _, c := range pm.Containers {
				if c.Name != container {
					continue
				}
				found = true
				if q, ok := c.Usage[res]; ok {
					out[pm.Name] = hpaPodMetric{at: pm.Timestamp.Time, window: pm.Window.Duration, value: q.MilliValue()}
				}
				break
			}
			if !found {
				return nil, fmt.Errorf("container %s not present in metrics for pod %s/%s", container, pm.Namespace, pm.Name)
			}
			continue
		}
		var sum int64
		missing := len(pm.Containers) == 0
		for _, c := range pm.Containers {
			q, ok := c.Usage[res]
			if !ok {
				missing = true
				break
			}
			sum += q.MilliValue()
		}
		if !missing {
			out[pm.Name] = hpaPodMetric{at: pm.Timestamp.Time, window: pm.Window.Duration, value: sum}
		}
	}
	return out, nil
}

// hpaTolerance is how far from the target the usage ratio must move before
// the autoscaler acts (--horizontal-pod-autoscaler-tolerance, 10%, or the
// behavior's per-direction tolerance).
type hpaTolerance struct{ down, up float64 }

func (t hpaTolerance) within(ratio float64) bool {
	return 1.0-t.down <= ratio && ratio <= 1.0+t.up
}

// hpaCalc is one metric's proposal, with what the narration explains.
type hpaCalc struct {
	replicas    int32
	utilization int32 // percent of request (utilization targets)
	rawAverage  int64 // milli-units per pod
	ready       int   // pods that counted
	ratio       float64
	// adjusted: missing or unready pods were counted at 0% or 100%;
	// formula is then the recomputed utilization (or average) behind
	// replicas, while utilization stays what the pods with metrics use.
	adjusted bool
	formula  int64
}

// hpaReplicaCalc holds the controller's calculation settings.
type hpaReplicaCalc struct {
	metrics           ResourceMetrics
	now               time.Time
	cpuInitialization time.Duration // --horizontal-pod-autoscaler-cpu-initialization-period
	readinessDelay    time.Duration // --horizontal-pod-autoscaler-initial-readiness-delay
}

// groupPods is upstream's groupPods: pods being deleted or failed are
// ignored; pending pods and (for CPU) pods not ready yet, or ready so
// recently that their metric still covers their start-up, count as
// unready; pods without a metric are missing; the rest are ready.
func (c hpaReplicaCalc) groupPods(pods []*corev1.Pod, metrics map[string]hpaPodMetric, res corev1.ResourceName) (ready int, unready, missing, ignored map[string]bool) {
	unready, missing, ignored = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, pod := range pods {
		if pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodFailed {
			ignored[pod.Name] = true
			continue
		}
		if pod.Status.Phase == corev1.PodPending {
			unready[pod.Name] = true
			continue
		}
		metric, found := metrics[pod.Name]
		if !found {
			missing[pod.Name] = true
			continue
		}
		if res == corev1.ResourceCPU {
			var cond *corev1.PodCondition
			for i := range pod.Status.Conditions {
				if pod.Status.Conditions[i].Type == corev1.PodReady {
					cond = &pod.Status.Conditions[i]
				}
			}
			isUnready := false
			if cond == nil || pod.Status.StartTime == nil {
				isUnready = true
			} else if pod.Status.StartTime.Add(c.cpuInitialization).After(c.now) {
				// Still starting: a sample taken before a full window of
				// readiness includes the start-up burst.
				isUnready = cond.Status == corev1.ConditionFalse || metric.at.Before(cond.LastTransitionTime.Time.Add(metric.window))
			} else {
				// Never ready since its start: unready.
				isUnready = cond.Status == corev1.ConditionFalse && pod.Status.StartTime.Add(c.readinessDelay).After(cond.LastTransitionTime.Time)
			}
			if isUnready {
				unready[pod.Name] = true
				continue
			}
		}
		ready++
	}
	return ready, unready, missing, ignored
}

// hpaRequests is calculateRequests: each pod's summed request of res over
// its containers (and restartable init containers), or of one container.
func hpaRequests(pods []*corev1.Pod, container string, res corev1.ResourceName) (map[string]int64, error) {
	out := make(map[string]int64, len(pods))
	for _, pod := range pods {
		var sum int64
		containers := append([]corev1.Container{}, pod.Spec.Containers...)
		for _, ic := range pod.Spec.InitContainers {
			if ic.RestartPolicy != nil && *ic.RestartPolicy == corev1.ContainerRestartPolicyAlways {
				containers = append(containers, ic)
			}
		}
		for _, ct := range containers {
			if container != "" && container != ct.Name {
				continue
			}
			q, ok := ct.Resources.Requests[res]
			if !ok {
				return nil, fmt.Errorf("missing request for %s in container %s of Pod %s", res, ct.Name, pod.Name)
			}
			sum += q.MilliValue()
		}
		out[pod.Name] = sum
	}
	return out, nil
}

// hpaUtilizationRatio is GetResourceUtilizationRatio.
func hpaUtilizationRatio(metrics map[string]hpaPodMetric, requests map[string]int64, target int32) (ratio float64, utilization int32, rawAverage int64, err error) {
	var total, reqTotal int64
	n := 0
	for name, m := range metrics {
		r, ok := requests[name]
		if !ok {
			continue
		}
		total += m.value
		reqTotal += r
		n++
	}
	if reqTotal == 0 {
		return 0, 0, 0, errors.New("no metrics returned matched known pods")
	}
	utilization = int32(total * 100 / reqTotal)
	return float64(utilization) / float64(target), utilization, total / int64(n), nil
}

// resourceReplicas is GetResourceReplicas: desired = ceil(ready pods ×
// utilization / target), kept as is within the tolerance. Pods missing
// metrics count as using 100% of their request (or the target, if higher)
// when scaling down and 0% when scaling up; unready pods count as 0% when
// scaling up; if that flips the direction, nothing changes.
func (c hpaReplicaCalc) resourceReplicas(current int32, target int32, res corev1.ResourceName, tol hpaTolerance, pods []*corev1.Pod, ns string, sel labels.Selector, container string) (hpaCalc, error) {
	metrics, err := hpaResourceMetric(c.metrics, res, ns, sel, container)
	if err != nil {
		return hpaCalc{}, fmt.Errorf("unable to get metrics for resource %s: %v", res, err)
	}
	if len(pods) == 0 {
		return hpaCalc{}, errors.New("no pods returned by selector while calculating replica count")
	}
	ready, unready, missing, ignored := c.groupPods(pods, metrics, res)
	for n := range ignored {
		delete(metrics, n)
	}
	for n := range unready {
		delete(metrics, n)
	}
	if len(metrics) == 0 {
		return hpaCalc{}, errors.New("did not receive metrics for targeted pods (pods might be unready)")
	}
	requests, err := hpaRequests(pods, container, res)
	if err != nil {
		return hpaCalc{}, err
	}
	ratio, util, raw, err := hpaUtilizationRatio(metrics, requests, target)
	if err != nil {
		return hpaCalc{}, err
	}
	out := hpaCalc{replicas: current, utilization: util, rawAverage: raw, ready: ready, ratio: ratio, formula: int64(util)}
	scaleUpWithUnready := len(unready) > 0 && ratio > 1.0
	if !scaleUpWithUnready && len(missing) == 0 {
		if tol.within(ratio) {
			return out, nil
		}
		out.replicas = int32(math.Ceil(ratio * float64(ready)))
		return out, nil
	}
	out.adjusted = true
	if len(missing) > 0 {
		fallback := int64(100)
		if int64(target) > fallback {
			fallback = int64(target)
		}
		for n := range missing {
			switch {
			case ratio < 1.0:
				metrics[n] = hpaPodMetric{value: requests[n] * fallback / 100}
			case ratio > 1.0:
				metrics[n] = hpaPodMetric{value: 0}
			}
		}
	}
	if scaleUpWithUnready {
		for n := range unready {
			metrics[n] = hpaPodMetric{value: 0}
		}
	}
	newRatio, newUtil, _, err := hpaUtilizationRatio(metrics, requests, target)
	if err != nil {
		return out, err
	}
	if tol.within(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0) {
		return out, nil
	}
	next := int32(math.Ceil(newRatio * float64(len(metrics))))
	if (newRatio < 1.0 && next > current) || (newRatio > 1.0 && next < current) {
		return out, nil
	}
	out.replicas, out.ready, out.ratio, out.formula = next, len(metrics), newRatio, int64(newUtil)
	return out, nil
}

// rawResourceReplicas is GetRawResourceReplicas (an averageValue target):
// the same rules on plain per-pod usage.
func (c hpaReplicaCalc) rawResourceReplicas(current int32, target int64, res corev1.ResourceName, tol hpaTolerance, pods []*corev1.Pod, ns string, sel labels.Selector, container string) (hpaCalc, error) {
	metrics, err := hpaResourceMetric(c.metrics, res, ns, sel, container)
	if err != nil {
		return hpaCalc{}, fmt.Errorf("unable to get metrics for resource %s: %v", res, err)
	}
	if len(pods) == 0 {
		return hpaCalc{}, errors.New("no pods returned by selector while calculating replica count")
	}
	ready, unready, missing, ignored := c.groupPods(pods, metrics, res)
	for n := range ignored {
		delete(metrics, n)
	}
	for n := range unready {
		delete(metrics, n)
	}
	if len(metrics) == 0 {
		return hpaCalc{}, errors.New("did not receive metrics for targeted pods (pods might be unready)")
	}
	avg := func() (float64, int64) {
		var total int64
		for _, m := range metrics {
			total += m.value
		}
		return float64(total) / float64(int64(len(metrics))*target), total / int64(len(metrics))
	}
	ratio, raw := avg()
	out := hpaCalc{replicas: current, rawAverage: raw, ready: ready, ratio: ratio, formula: raw}
	scaleUpWithUnready := len(unready) > 0 && ratio > 1.0
	if !scaleUpWithUnready && len(missing) == 0 {
		if tol.within(ratio) {
			return out, nil
		}
		out.replicas = int32(math.Ceil(ratio * float64(ready)))
		return out, nil
	}
	out.adjusted = true
	for n := range missing {
		if ratio < 1.0 {
			metrics[n] = hpaPodMetric{value: target}
		} else {
			metrics[n] = hpaPodMetric{value: 0}
		}
	}
	if scaleUpWithUnready {
		for n := range unready {
			metrics[n] = hpaPodMetric{value: 0}
		}
	}
	newRatio, newRaw := avg()
	if tol.within(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0) {
		return out, nil
	}
	out.replicas, out.ready, out.ratio, out.formula = int32(math.Ceil(newRatio*float64(len(metrics)))), len(metrics), newRatio, newRaw
	return out, nil
}

// hpaTolerances reads the behavior's tolerances (HPAConfigurableTolerance)
// over the controller's default.
func hpaTolerances(h *autoscalingv2.HorizontalPodAutoscaler, def float64) hpaTolerance {
	t := hpaTolerance{down: def, up: def}
	if b := h.Spec.Behavior; b != nil {
		if b.ScaleDown != nil && b.ScaleDown.Tolerance != nil {
			t.down = b.ScaleDown.Tolerance.AsApproximateFloat64()
		}
		if b.ScaleUp != nil && b.ScaleUp.Tolerance != nil {
			t.up = b.ScaleUp.Tolerance.AsApproximateFloat64()
		}
	}
	return t
}
