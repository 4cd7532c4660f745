package controller

import (
	"errors"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"kubetour/engine/equal"
	"kubetour/engine/kinds"
	"kubetour/engine/loop"
	"kubetour/engine/record"
	"kubetour/engine/store"
)

// HPA is the HorizontalPodAutoscaler controller (upstream
// pkg/controller/podautoscaler/horizontal.go). Every sync period (15s of
// cluster time, the first one a period after the HPA is created) it reads
// the target's scale, computes the replicas each metric asks for from
// metrics-server's figures, takes the largest, smooths it — a scale-down
// only to the highest recommendation of the last five minutes, a scale-up
// within the rate limits — and writes the target's spec.replicas through
// its scale.
type HPA struct {
	Deps
	metrics ResourceMetrics

	// The kube-controller-manager flags, at their defaults.
	SyncPeriod             time.Duration // --horizontal-pod-autoscaler-sync-period
	DownscaleStabilization time.Duration // --horizontal-pod-autoscaler-downscale-stabilization
	Tolerance              float64       // --horizontal-pod-autoscaler-tolerance
	CPUInitialization      time.Duration // --horizontal-pod-autoscaler-cpu-initialization-period
	InitialReadinessDelay  time.Duration // --horizontal-pod-autoscaler-initial-readiness-delay

	hpaK   *kinds.Kind
	timers map[string]loop.Timer
	recs   map[string][]hpaRecommendation
	ups    map[string][]hpaScaleEvent
	downs  map[string][]hpaScaleEvent
}

type hpaRecommendation struct {
	replicas int32
	at       time.Time
}

type hpaScaleEvent struct {
	change   int32
	at       time.Time
	outdated bool
}

const (
	hpaSource = "horizontal-pod-autoscaler"
	// The legacy scale-up limit without behavior: at most double, at
	// least 4 (scaleUpLimitFactor, scaleUpLimitMinimum).
	hpaScaleUpFactor  = 2.0
	hpaScaleUpMinimum = 4.0
)

// NewHPA returns the controller reading metrics from m (nil when no
// metrics API is served).
func NewHPA(d Deps, m ResourceMetrics) *HPA {
	return &HPA{Deps: d, metrics: m,
		SyncPeriod: 15 * time.Second, DownscaleStabilization: 5 * time.Minute, Tolerance: 0.1,
		CPUInitialization: 5 * time.Minute, InitialReadinessDelay: 30 * time.Second,
		hpaK: hpaKind(), timers: map[string]loop.Timer{}, recs: map[string][]hpaRecommendation{},
		ups: map[string][]hpaScaleEvent{}, downs: map[string][]hpaScaleEvent{}}
}

func hpaKind() *kinds.Kind {
	k, _ := kinds.ByResource("autoscaling", "horizontalpodautoscalers")
	return k
}

// Observe starts a sync cycle for each new HPA and ends it when the HPA goes.
// Upstream queues every HPA with a fixed delay of one sync period, so a
// new one is first looked at a period after its creation, and changes to an
// HPA wait for its next turn.
func (h *HPA) Observe(ch store.Change) {
	if ch.Kind != h.hpaK {
		return
	}
	ns, name := nsName(ch.Object)
	k := key(ns, name)
	if ch.Type == "DELETED" {
		if t, ok := h.timers[k]; ok {
			h.Loop.Cancel(t)
		}
		delete(h.timers, k)
		delete(h.recs, k)
		delete(h.ups, k)
		delete(h.downs, k)
		return
	}
	if _, ok := h.timers[k]; !ok {
		h.schedule(k)
	}
}

func (h *HPA) schedule(k string) {
	h.timers[k] = h.Loop.After(h.SyncPeriod, func() {
		delete(h.timers, k)
		if h.sync(k) {
			h.schedule(k)
		}
	})
}

// sync reconciles one HPA and reports whether it still exists.
func (h *HPA) sync(k string) bool {
	ns, name := splitKey(k)
	obj, err := h.Store.Get(hpaKind(), ns, name)
	if err != nil {
		delete(h.recs, k)
		delete(h.ups, k)
		delete(h.downs, k)
		return false
	}
	hpa := obj.(*autoscalingv2.HorizontalPodAutoscaler)
	orig := hpa.Status.DeepCopy()
	h.reconcile(hpa, k)
	if !equal.Semantic(orig, &hpa.Status) {
		h.API.Update(h.ctx(), hpaKind(), ns, name, "status", hpa, internal)
	}
	return true
}

// hpaSetCondition is setConditionInList: the transition time moves only
// when the status flips.
func (h *HPA) setCondition(hpa *autoscalingv2.HorizontalPodAutoscaler, t autoscalingv2.HorizontalPodAutoscalerConditionType, status corev1.ConditionStatus, reason, msg string) {
	var c *autoscalingv2.HorizontalPodAutoscalerCondition
	for i := range hpa.Status.Conditions {
		if hpa.Status.Conditions[i].Type == t {
			c = &hpa.Status.Conditions[i]
			break
		}
	}
	if c == nil {
		hpa.Status.Conditions = append(hpa.Status.Conditions, autoscalingv2.HorizontalPodAutoscalerCondition{Type: t})
		c = &hpa.Status.Conditions[len(hpa.Status.Conditions)-1]
	}
	if c.Status != status {
		c.LastTransitionTime = metav1.NewTime(h.now().Truncate(time.Second))
	}
	c.Status, c.Reason, c.Message = status, reason, msg
}

func (h *HPA) warn(hpa *autoscalingv2.HorizontalPodAutoscaler, reason, msg, en, ko string) {
	h.Rec.Record(record.Decision{Source: hpaSource, Object: hpa, Type: corev1.EventTypeWarning, Reason: reason, Message: msg, EN: en, KO: ko})
}

// scaleTarget finds the scalable kind an HPA points at, as the REST mapper
// and the scale client do.
func (h *HPA) scaleTarget(hpa *autoscalingv2.HorizontalPodAutoscaler) (*kinds.Kind, *autoscalingv1.Scale, error) {
	ref := hpa.Spec.ScaleTargetRef
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return nil, nil, err
	}
	gk := schema.GroupKind{Group: gv.Group, Kind: ref.Kind}
	var found *kinds.Kind
	for _, kd := range kinds.All {
		if kd.GVK.GroupKind() == gk {
			found = kd
			break
		}
	}
	if found == nil {
		return nil, nil, &meta.NoKindMatchError{GroupKind: gk}
	}
	if !found.HasSub("scale") {
		return nil, nil, apierrors.NewGenericServerResponse(404, "get", schema.GroupResource{}, "", "the server could not find the requested resource", 0, false)
	}
	sc, err := h.API.Scale(found, hpa.Namespace, ref.Name)
	return found, sc, err
}

// setReplicas writes the target's spec.replicas, as an update of its scale
// subresource does.
func (h *HPA) setReplicas(k *kinds.Kind, ns, name string, n int32) error {
	obj, err := h.Store.Get(k, ns, name)
	if err != nil {
		return err
	}
	switch o := obj.(type) {
	case *appsv1.Deployment:
		o.Spec.Replicas = &n
	case *appsv1.ReplicaSet:
		o.Spec.Replicas = &n
	case *appsv1.StatefulSet:
		o.Spec.Replicas = &n
	case *corev1.ReplicationController:
		o.Spec.Replicas = &n
	default:
		return fmt.Errorf("%s has no scale subresource", k.Plural)
	}
	_, err = h.API.Update(h.ctx(), k, ns, name, "", obj, internal)
	return err
}

// reconcile is reconcileAutoscaler.
func (h *HPA) reconcile(hpa *autoscalingv2.HorizontalPodAutoscaler, k string) {
	ref := hpa.Spec.ScaleTargetRef
	reference := fmt.Sprintf("%s/%s/%s", ref.Kind, hpa.Namespace, ref.Name)
	targetKind, scale, err := h.scaleTarget(hpa)
	if err != nil {
		h.warn(hpa, "FailedGetScale", err.Error(),
			fmt.Sprintf("HorizontalPodAutoscaler %s cannot read the scale of its target %s %s: %v. The target must be an existing Deployment, ReplicaSet, StatefulSet or ReplicationController.", hpa.Name, ref.Kind, ref.Name, err),
			fmt.Sprintf("%s 오토스케일러(HPA)가 대상인 %s %s의 스케일을 읽지 못했습니다: %v. 대상은 실제로 있는 디플로이먼트, 레플리카셋, 스테이트풀셋 또는 레플리케이션 컨트롤러여야 합니다.", hpa.Name, ref.Kind, ref.Name, err))
		h.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionFalse, "FailedGetScale",
			fmt.Sprintf("the HPA controller was unable to get the target's current scale: %v", err))
		return
	}
	h.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "SucceededGetScale", "the HPA controller was able to get the target's current scale")
	current := scale.Spec.Replicas
	now := h.now()
	if h.recs[k] == nil {
		h.recs[k] = []hpaRecommendation{{replicas: current, at: now}}
	}
	minReplicas := int32(1)
	if hpa.Spec.MinReplicas != nil {
		minReplicas = *hpa.Spec.MinReplicas
	}

	var (
		statuses []autoscalingv2.MetricStatus
		desired  int32
		reason   string
		best     hpaProposal
		rescale  = true
	)
	switch {
	case current == 0 && minReplicas != 0:
		desired, rescale = 0, false
		h.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionFalse, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero")
	case current > hpa.Spec.MaxReplicas:
		reason, desired = "Current number of replicas above Spec.MaxReplicas", hpa.Spec.MaxReplicas
	case current < minReplicas:
		reason, desired = "Current number of replicas below Spec.MinReplicas", minReplicas
	default:
		var proposal int32
		var metricName string
		proposal, metricName, statuses, best, err = h.computeReplicasForMetrics(hpa, scale)
		if err != nil && proposal == -1 {
			h.setStatus(hpa, current, hpa.Status.DesiredReplicas, statuses, false)
			h.warn(hpa, "FailedComputeMetricsReplicas", err.Error(),
				fmt.Sprintf("HorizontalPodAutoscaler %s computed no replica count this round (%v), so %s %s stays at %d replica(s).", hpa.Name, err, strings.ToLower(ref.Kind), ref.Name, current),
				fmt.Sprintf("%s 오토스케일러(HPA)가 이번에는 레플리카 수를 계산하지 못해(%v), %s %s의 레플리카는 %d개 그대로입니다.", hpa.Name, err, hpaKindKO(ref.Kind), ref.Name, current))
			return
		}
		if proposal > desired {
			desired = proposal
		}
		if desired > current {
			reason = fmt.Sprintf("%s above target", metricName)
		}
		if desired < current {
			reason = "All metrics below target"
		}
		best.prenormalized = desired
		if hpa.Spec.Behavior == nil {
			desired = h.normalize(hpa, k, current, desired, minReplicas, &best)
		} else {
			desired = h.normalizeWithBehaviors(hpa, k, current, desired, minReplicas, &best)
		}
		rescale = desired != current
	}

	if rescale {
		if err := h.setReplicas(targetKind, hpa.Namespace, ref.Name, desired); err != nil {
			h.warn(hpa, "FailedRescale", fmt.Sprintf("New size: %d; reason: %s; error: %v", desired, reason, err),
				fmt.Sprintf("HorizontalPodAutoscaler %s could not set %s %s to %d replica(s): %v", hpa.Name, strings.ToLower(ref.Kind), ref.Name, desired, err),
				fmt.Sprintf("%s 오토스케일러(HPA)가 %s %s의 레플리카를 %d개로 바꾸지 못했습니다: %v", hpa.Name, hpaKindKO(ref.Kind), ref.Name, desired, err))
			h.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionFalse, "FailedUpdateScale",
				fmt.Sprintf("the HPA controller was unable to update the target scale: %v", err))
			h.setStatus(hpa, current, hpa.Status.DesiredReplicas, statuses, false)
			return
		}
		h.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "SucceededRescale",
			fmt.Sprintf("the HPA controller was able to update the target scale to %d", desired))
		en, ko := h.explainRescale(hpa, reference, current, desired, reason, best)
		h.Rec.Record(record.Decision{Source: hpaSource, Object: hpa, Reason: "SuccessfulRescale",
			Message: fmt.Sprintf("New size: %d; reason: %s", desired, reason), EN: en, KO: ko,
			Fields: map[string]string{"from": fmt.Sprint(current), "to": fmt.Sprint(desired), "target": reference}})
		h.storeScaleEvent(hpa.Spec.Behavior, k, current, desired)
	} else {
		desired = current
	}
	h.setStatus(hpa, current, desired, statuses, rescale)
}

// setStatus keeps lastScaleTime and conditions and replaces the rest.
func (h *HPA) setStatus(hpa *autoscalingv2.HorizontalPodAutoscaler, current, desired int32, statuses []autoscalingv2.MetricStatus, rescale bool) {
	hpa.Status = autoscalingv2.HorizontalPodAutoscalerStatus{
		CurrentReplicas: current, DesiredReplicas: desired, LastScaleTime: hpa.Status.LastScaleTime,
		CurrentMetrics: statuses, Conditions: hpa.Status.Conditions,
	}
	if rescale {
		t := metav1.NewTime(h.now().Truncate(time.Second))
		hpa.Status.LastScaleTime = &t
	}
}

// hpaProposal is the winning metric's calculation, for the narration.
type hpaProposal struct {
	calc          hpaCalc
	resource      corev1.ResourceName
	target        string // "50%" or "200m"
	utilization   bool
	prenormalized int32
	// stabilized is the recommendation after the stabilization windows;
	// limit the ScalingLimited reason that moved it further, if any.
	stabilized int32
	limit      string
	// window is the stabilization window that applied to the change.
	window time.Duration
}

// computeReplicasForMetrics asks every metric for a replica count and
// takes the largest. If every metric failed, or some failed and the rest
// would scale down, it does nothing (-1) and reports the first failure.
func (h *HPA) computeReplicasForMetrics(hpa *autoscalingv2.HorizontalPodAutoscaler, scale *autoscalingv1.Scale) (int32, string, []autoscalingv2.MetricStatus, hpaProposal, error) {
	sel, err := h.selector(hpa, scale.Status.Selector)
	if err != nil {
		return -1, "", nil, hpaProposal{}, err
	}
	specReplicas := scale.Spec.Replicas
	statuses := make([]autoscalingv2.MetricStatus, len(hpa.Spec.Metrics))
	podObjs, _ := h.Store.List(kinds.Core("pods"), store.ListOptions{Namespace: hpa.Namespace, Labels: sel})
	pods := make([]*corev1.Pod, 0, len(podObjs))
	for _, o := range podObjs {
		pods = append(pods, o.(*corev1.Pod))
	}
	var (
		replicas   int32
		metricName string
		best       hpaProposal
		invalid    int
		firstErr   error
		firstCond  autoscalingv2.HorizontalPodAutoscalerCondition
	)
	for i, spec := range hpa.Spec.Metrics {
		p, name, cond, err := h.computeReplicasForMetric(hpa, spec, specReplicas, sel, pods, &statuses[i])
		if err != nil {
			if invalid == 0 {
				firstErr, firstCond = err, cond
			}
			invalid++
			continue
		}
		if replicas == 0 || p.calc.replicas > replicas {
			replicas, metricName, best = p.calc.replicas, name, p
		}
	}
	if firstErr != nil {
		firstErr = fmt.Errorf("invalid metrics (%v invalid out of %v), first error is: %v", invalid, len(hpa.Spec.Metrics), firstErr)
	}
	if invalid >= len(hpa.Spec.Metrics) || (invalid > 0 && replicas < specReplicas) {
		h.setCondition(hpa, firstCond.Type, firstCond.Status, firstCond.Reason, firstCond.Message)
		return -1, "", statuses, best, firstErr
	}
	h.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionTrue, "ValidMetricFound",
		fmt.Sprintf("the HPA was able to successfully calculate a replica count from %s", metricName))
	return replicas, metricName, statuses, best, firstErr
}

// selector is validateAndParseSelector.
func (h *HPA) selector(hpa *autoscalingv2.HorizontalPodAutoscaler, s string) (labels.Selector, error) {
	if s == "" {
		h.warn(hpa, "SelectorRequired", "selector is required",
			fmt.Sprintf("The target of HorizontalPodAutoscaler %s reports no pod selector in its scale, so there are no pods to measure.", hpa.Name),
			fmt.Sprintf("%s 오토스케일러(HPA)의 대상이 스케일에 파드 셀렉터를 알려 주지 않아, 측정할 파드가 없습니다.", hpa.Name))
		h.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionFalse, "InvalidSelector", "the HPA target's scale is missing a selector")
		return nil, errors.New("selector is required")
	}
	sel, err := labels.Parse(s)
	if err != nil {
		msg := fmt.Sprintf("couldn't convert selector into a corresponding internal selector object: %v", err)
		h.warn(hpa, "InvalidSelector", msg, msg, msg)
		h.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionFalse, "InvalidSelector", msg)
		return nil, errors.New(msg)
	}
	// Two HPAs over the same pods would fight: upstream refuses both.
	objs, _ := h.Store.List(hpaKind(), store.ListOptions{Namespace: hpa.Namespace})
	var others []string
	for _, o := range objs {
		other := o.(*autoscalingv2.HorizontalPodAutoscaler)
		if other.Name == hpa.Name {
			continue
		}
		_, sc, err := h.scaleTarget(other)
		if err != nil || sc.Status.Selector == "" {
			continue
		}
		osel, err := labels.Parse(sc.Status.Selector)
		if err != nil {
			continue
		}
		pods, _ := h.Store.List(kinds.Core("pods"), store.ListOptions{Namespace: hpa.Namespace, Labels: sel})
		for _, p := range pods {
			if osel.Matches(labels.Set(p.(*corev1.Pod).Labels)) {
				others = append(others, other.Namespace+"/"+other.Name)
				break
			}
		}
	}
	if len(others) > 0 {
		all := append([]string{hpa.Namespace + "/" + hpa.Name}, others...)
		msg := fmt.Sprintf("pods by selector %v are controlled by multiple HPAs: %v", s, all)
		h.warn(hpa, "AmbiguousSelector", msg,
			fmt.Sprintf("The pods of HorizontalPodAutoscaler %s are also measured by %v; two autoscalers over the same pods would fight, so neither acts.", hpa.Name, others),
			fmt.Sprintf("%s 오토스케일러(HPA)가 맡은 파드를 %v도 측정합니다. 두 오토스케일러가 같은 파드를 두고 다투게 되므로 어느 쪽도 동작하지 않습니다.", hpa.Name, others))
		h.setCondition(hpa, autoscalingv2.ScalingActive, corev1.ConditionFalse, "AmbiguousSelector", msg)
		return nil, errors.New(msg)
	}
	return sel, nil
}

// computeReplicasForMetric handles one metric spec. Resource and
// ContainerResource metrics come from metrics.k8s.io; kubetour serves no
// custom or external metrics API, so those fail as they do on a cluster
// without an adapter.
func (h *HPA) computeReplicasForMetric(hpa *autoscalingv2.HorizontalPodAutoscaler, spec autoscalingv2.MetricSpec, specReplicas int32, sel labels.Selector, pods []*corev1.Pod, status *autoscalingv2.MetricStatus) (hpaProposal, string, autoscalingv2.HorizontalPodAutoscalerCondition, error) {
	unable := func(reason string, err error) autoscalingv2.HorizontalPodAutoscalerCondition {
		h.warn(hpa, reason, err.Error(), h.explainMetricFailure(hpa, err), h.explainMetricFailureKO(hpa, err))
		return autoscalingv2.HorizontalPodAutoscalerCondition{Type: autoscalingv2.ScalingActive, Status: corev1.ConditionFalse,
			Reason: reason, Message: fmt.Sprintf("the HPA was unable to compute the replica count: %v", err)}
	}
	switch spec.Type {
	case autoscalingv2.ResourceMetricSourceType, autoscalingv2.ContainerResourceMetricSourceType:
		var res corev1.ResourceName
		var target autoscalingv2.MetricTarget
		container, reason, what := "", "FailedGetResourceMetric", "resource"
		if spec.Type == autoscalingv2.ResourceMetricSourceType && spec.Resource != nil {
			res, target = spec.Resource.Name, spec.Resource.Target
		} else if spec.ContainerResource != nil {
			res, target, container = spec.ContainerResource.Name, spec.ContainerResource.Target, spec.ContainerResource.Container
			reason, what = "FailedGetContainerResourceMetric", "container resource"
		} else {
			err := fmt.Errorf("invalid %s metric source: the %s was not set", what, what)
			return hpaProposal{}, "", unable(reason, err), err
		}
		p, name, value, err := h.resourceProposal(hpa, specReplicas, res, target, container, sel, pods)
		if err != nil {
			cond := unable(reason, err)
			if spec.Type == autoscalingv2.ContainerResourceMetricSourceType {
				return p, "", cond, fmt.Errorf("failed to get %s container metric value: %v", res, err)
			}
			return p, "", cond, fmt.Errorf("failed to get %s resource metric value: %v", res, err)
		}
		if spec.Type == autoscalingv2.ResourceMetricSourceType {
			*status = autoscalingv2.MetricStatus{Type: spec.Type, Resource: &autoscalingv2.ResourceMetricStatus{Name: res, Current: value}}
		} else {
			*status = autoscalingv2.MetricStatus{Type: spec.Type, ContainerResource: &autoscalingv2.ContainerResourceMetricStatus{Name: res, Container: container, Current: value}}
		}
		return p, name, autoscalingv2.HorizontalPodAutoscalerCondition{}, nil
	case autoscalingv2.PodsMetricSourceType:
		name := ""
		if spec.Pods != nil {
			name = spec.Pods.Metric.Name
		}
		err := fmt.Errorf("unable to get metric %s: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered", name)
		return hpaProposal{}, "", unable("FailedGetPodsMetric", err), fmt.Errorf("failed to get pods metric value: %v", err)
	case autoscalingv2.ObjectMetricSourceType:
		name := ""
		if spec.Object != nil {
			name = spec.Object.Metric.Name
		}
		err := fmt.Errorf("unable to get metric %s: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered", name)
		return hpaProposal{}, "", unable("FailedGetObjectMetric", err), fmt.Errorf("failed to get object metric value: %v", err)
	case autoscalingv2.ExternalMetricSourceType:
		name := ""
		if spec.External != nil {
			name = spec.External.Metric.Name
		}
		err := fmt.Errorf("unable to get external metric %s/%s: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered", hpa.Namespace, name)
		return hpaProposal{}, "", unable("FailedGetExternalMetric", err), fmt.Errorf("failed to get external metric value: %v", err)
	}
	err := fmt.Errorf("unknown metric source type %q", string(spec.Type))
	return hpaProposal{}, "", unable("InvalidMetricSourceType", err), err
}

// resourceProposal is computeStatusForResourceMetricGeneric.
func (h *HPA) resourceProposal(hpa *autoscalingv2.HorizontalPodAutoscaler, current int32, res corev1.ResourceName, target autoscalingv2.MetricTarget, container string, sel labels.Selector, pods []*corev1.Pod) (hpaProposal, string, autoscalingv2.MetricValueStatus, error) {
	calc := hpaReplicaCalc{metrics: h.metrics, now: h.now(), cpuInitialization: h.CPUInitialization, readinessDelay: h.InitialReadinessDelay}
	tol := hpaTolerances(hpa, h.Tolerance)
	p := hpaProposal{resource: res}
	if target.AverageValue != nil {
		c, err := calc.rawResourceReplicas(current, target.AverageValue.MilliValue(), res, tol, pods, hpa.Namespace, sel, container)
		if err != nil {
			return p, "", autoscalingv2.MetricValueStatus{}, fmt.Errorf("failed to get %s usage: %v", res, err)
		}
		p.calc, p.target = c, target.AverageValue.String()
		return p, fmt.Sprintf("%s resource", res), autoscalingv2.MetricValueStatus{AverageValue: resource.NewMilliQuantity(c.rawAverage, resource.DecimalSI)}, nil
	}
	if target.AverageUtilization == nil {
		return p, "", autoscalingv2.MetricValueStatus{}, errors.New("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set")
	}
	c, err := calc.resourceReplicas(current, *target.AverageUtilization, res, tol, pods, hpa.Namespace, sel, container)
	if err != nil {
		return p, "", autoscalingv2.MetricValueStatus{}, fmt.Errorf("failed to get %s utilization: %v", res, err)
	}
	p.calc, p.utilization, p.target = c, true, fmt.Sprintf("%d%%", *target.AverageUtilization)
	name := fmt.Sprintf("%s resource utilization (percentage of request)", res)
	if container != "" {
		name = fmt.Sprintf("%s container resource utilization (percentage of request)", res)
	}
	util := c.utilization
	return p, name, autoscalingv2.MetricValueStatus{AverageUtilization: &util, AverageValue: resource.NewMilliQuantity(c.rawAverage, resource.DecimalSI)}, nil
}
