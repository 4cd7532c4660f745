package controller

import (
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	"k8s.io/utils/ptr"

	"kubetour/engine/apiserver"
	"kubetour/engine/clock"
	"kubetour/engine/events"
	"kubetour/engine/kinds"
	"kubetour/engine/loop"
	"kubetour/engine/record"
	"kubetour/engine/store"
)

// fakeMetrics is metrics-server with usage set by the test, in millicores
// per pod; a pod without an entry has no metrics.
type fakeMetrics struct {
	now   func() time.Time
	usage map[string]int64
}

func (f *fakeMetrics) PodMetrics(ns string, sel labels.Selector) []metricsv1beta1.PodMetrics {
	var out []metricsv1beta1.PodMetrics
	for name, m := range f.usage {
		out = append(out, metricsv1beta1.PodMetrics{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Timestamp:  metav1.NewTime(f.now()), Window: metav1.Duration{Duration: 15 * time.Second},
			Containers: []metricsv1beta1.ContainerMetrics{{Name: "app", Usage: corev1.ResourceList{
				corev1.ResourceCPU: *resource.NewMilliQuantity(m, resource.DecimalSI)}}},
		})
	}
	return out
}

// hpaEnv is a store, API and recorder on a manual clock with the HPA
// controller, whose sync the tests call themselves (its loop never runs).
// The tests play the Deployment controller by creating the pods.
type hpaEnv struct {
	t   *testing.T
	clk *clock.Warp
	h   *HPA
	bus *events.Bus
	st  *store.Store
	api *apiserver.API
	m   *fakeMetrics
}

func newHPAEnv(t *testing.T) *hpaEnv {
	t.Helper()
	clk := clock.NewManual(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	n := 0
	st := store.New(store.Options{Now: clk.Now,
		NewUID:     func() types.UID { n++; return types.UID(fmt.Sprintf("uid-%04d", n)) },
		NameSuffix: func() string { n++; return fmt.Sprintf("x%04d", n) }})
	if _, err := st.Create(kinds.Core("namespaces"), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"},
		Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}}); err != nil {
		t.Fatal(err)
	}
	api := apiserver.NewAPI(st, clk.Now, 1)
	bus := events.NewBus(100000)
	d := Deps{API: api, Store: st, Loop: loop.New(clk), Rec: &record.Recorder{Bus: bus, Store: st, Now: clk.Now}}
	m := &fakeMetrics{now: clk.Now, usage: map[string]int64{}}
	return &hpaEnv{t: t, clk: clk, h: NewHPA(d, m), bus: bus, st: st, api: api, m: m}
}

// deployment creates Deployment web with replicas and that many running,
// ready pods requesting 200m of CPU (request "" leaves it out).
func (e *hpaEnv) deployment(replicas int32, request string) {
	e.t.Helper()
	depK, _ := kinds.ByResource("apps", "deployments")
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: appsv1.DeploymentSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "kubetm/app"}}}}},
	}
	if _, err := e.api.Create(e.h.ctx(), depK, "default", d, apiserver.WriteOptions{}); err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i < int(replicas); i++ {
		e.pod(fmt.Sprintf("web-%d", i), request, true)
	}
}

// pod creates a running pod of web, started ten minutes ago.
func (e *hpaEnv) pod(name, request string, ready bool) {
	e.t.Helper()
	c := corev1.Container{Name: "app", Image: "kubetm/app"}
	if request != "" {
		c.Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(request)}
	}
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{c}}}
	obj, err := e.st.Create(kinds.Core("pods"), p)
	if err != nil {
		e.t.Fatal(err)
	}
	p = obj.(*corev1.Pod)
	start := metav1.NewTime(e.clk.Now().Add(-10 * time.Minute))
	status := corev1.ConditionTrue
	if !ready {
		status = corev1.ConditionFalse
	}
	p.Status = corev1.PodStatus{Phase: corev1.PodRunning, StartTime: &start,
		Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: status, LastTransitionTime: start}}}
	if _, err := e.st.Update(kinds.Core("pods"), p, store.UpdateOptions{Status: true}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *hpaEnv) hpa(min, max, target int32, edit ...func(*autoscalingv2.HorizontalPodAutoscaler)) {
	e.t.Helper()
	h := &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"},
			MinReplicas:    &min, MaxReplicas: max,
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &target}}}},
		},
	}
	for _, f := range edit {
		f(h)
	}
	if _, err := e.api.Create(e.h.ctx(), hpaKind(), "default", h, apiserver.WriteOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *hpaEnv) sync() *autoscalingv2.HorizontalPodAutoscaler {
	e.t.Helper()
	if !e.h.sync("default/web") {
		e.t.Fatal("the HPA is gone")
	}
	obj, err := e.st.Get(hpaKind(), "default", "web")
	if err != nil {
		e.t.Fatal(err)
	}
	return obj.(*autoscalingv2.HorizontalPodAutoscaler)
}

func (e *hpaEnv) replicas() int32 {
	depK, _ := kinds.ByResource("apps", "deployments")
	obj, err := e.st.Get(depK, "default", "web")
	if err != nil {
		e.t.Fatal(err)
	}
	return *obj.(*appsv1.Deployment).Spec.Replicas
}

// events lists "Reason: message" of the HPA's decisions so far.
func (e *hpaEnv) events() []string {
	var out []string
	for _, ev := range e.bus.History() {
		if ev.Source == hpaSource {
			out = append(out, ev.Reason+": "+ev.Message)
		}
	}
	return out
}

func hpaCondition(h *autoscalingv2.HorizontalPodAutoscaler, t autoscalingv2.HorizontalPodAutoscalerConditionType) string {
	for _, c := range h.Status.Conditions {
		if c.Type == t {
			return fmt.Sprintf("%s %s %s", c.Status, c.Reason, c.Message)
		}
	}
	return "<none>"
}

func TestHPAScalesUpByTheFormula(t *testing.T) {
	e := newHPAEnv(t)
	e.deployment(1, "200m")
	e.hpa(1, 5, 50)
	e.m.usage["web-0"] = 400 // 200% of the request, target 50%
	h := e.sync()
	if got := e.replicas(); got != 4 {
		t.Fatalf("replicas %d, want ceil(1 × 200/50) = 4", got)
	}
	want := "SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) above target"
	if ev := e.events(); len(ev) != 1 || ev[0] != want {
		t.Fatalf("events %q", ev)
	}
	if h.Status.CurrentReplicas != 1 || h.Status.DesiredReplicas != 4 || h.Status.LastScaleTime == nil {
		t.Fatalf("status %+v", h.Status)
	}
	cur := h.Status.CurrentMetrics[0].Resource.Current
	if *cur.AverageUtilization != 200 || cur.AverageValue.String() != "400m" {
		t.Fatalf("current metric %d%% %s", *cur.AverageUtilization, cur.AverageValue)
	}
	for ct, want := range map[autoscalingv2.HorizontalPodAutoscalerConditionType]string{
		autoscalingv2.AbleToScale:    "True SucceededRescale the HPA controller was able to update the target scale to 4",
		autoscalingv2.ScalingActive:  "True ValidMetricFound the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
		autoscalingv2.ScalingLimited: "False DesiredWithinRange the desired count is within the acceptable range",
	} {
		if got := hpaCondition(h, ct); got != want {
			t.Errorf("%s: %q, want %q", ct, got, want)
		}
	}
}

func TestHPAScaleUpLimitAndMax(t *testing.T) {
	e := newHPAEnv(t)
	e.deployment(1, "100m")
	e.hpa(1, 10, 50)
	e.m.usage["web-0"] = 1000 // 1000%: wants 20
	h := e.sync()
	if got := e.replicas(); got != 4 {
		t.Fatalf("replicas %d: without behavior a step is at most max(2×1, 4)", got)
	}
	if got := hpaCondition(h, autoscalingv2.ScalingLimited); got != "True ScaleUpLimit the desired replica count is increasing faster than the maximum scale rate" {
		t.Fatalf("ScalingLimited: %s", got)
	}

	e2 := newHPAEnv(t)
	e2.deployment(2, "100m")
	e2.hpa(1, 3, 50)
	e2.m.usage["web-0"], e2.m.usage["web-1"] = 500, 500
	h = e2.sync()
	if got := e2.replicas(); got != 3 {
		t.Fatalf("replicas %d, want maxReplicas 3", got)
	}
	if got := hpaCondition(h, autoscalingv2.ScalingLimited); got != "True TooManyReplicas the desired replica count is more than the maximum replica count" {
		t.Fatalf("ScalingLimited: %s", got)
	}
}

func TestHPAToleranceKeepsReplicas(t *testing.T) {
	e := newHPAEnv(t)
	e.deployment(4, "200m")
	e.hpa(1, 10, 50)
	for i := 0; i < 4; i++ {
		e.m.usage[fmt.Sprintf("web-%d", i)] = 108 // 54%: within 10% of 50%
	}
	h := e.sync()
	if e.replicas() != 4 || h.Status.DesiredReplicas != 4 || len(e.events()) != 0 {
		t.Fatalf("replicas %d, status %+v, events %v", e.replicas(), h.Status, e.events())
	}
	if got := hpaCondition(h, autoscalingv2.AbleToScale); got != "True ReadyForNewScale recommended size matches current size" {
		t.Fatalf("AbleToScale: %s", got)
	}
}

func TestHPAScaleDownWaitsForTheStabilizationWindow(t *testing.T) {
	e := newHPAEnv(t)
	e.deployment(4, "200m")
	e.hpa(1, 10, 50)
	for i := 0; i < 4; i++ {
		e.m.usage[fmt.Sprintf("web-%d", i)] = 100 // 50%
	}
	e.sync()
	for i := 0; i < 4; i++ {
		e.m.usage[fmt.Sprintf("web-%d", i)] = 1 // idle
	}
	var h *autoscalingv2.HorizontalPodAutoscaler
	for elapsed := 15 * time.Second; elapsed < 5*time.Minute; elapsed += 15 * time.Second {
		e.clk.Advance(15 * time.Second)
		h = e.sync()
		if e.replicas() != 4 {
			t.Fatalf("scaled down after %s, inside the 5-minute window", elapsed)
		}
	}
	if got := hpaCondition(h, autoscalingv2.AbleToScale); got != "True ScaleDownStabilized recent recommendations were higher than current one, applying the highest recent recommendation" {
		t.Fatalf("AbleToScale: %s", got)
	}
	e.clk.Advance(15 * time.Second)
	h = e.sync()
	if got := e.replicas(); got != 1 {
		t.Fatalf("replicas %d after the window", got)
	}
	ev := e.events()
	if last := ev[len(ev)-1]; last != "SuccessfulRescale: New size: 1; reason: All metrics below target" {
		t.Fatalf("event %q", last)
	}
	// Idle pods use 0% (1m of 200m rounds down): the formula asks for 0,
	// which minReplicas raises to 1.
	if got := hpaCondition(h, autoscalingv2.ScalingLimited); got != "True TooFewReplicas the desired replica count is less than the minimum replica count" {
		t.Fatalf("ScalingLimited: %s", got)
	}
}

func TestHPAMissingMetricsAndRequests(t *testing.T) {
	e := newHPAEnv(t)
	e.deployment(1, "200m")
	e.hpa(1, 5, 50)
	h := e.sync()
	want := []string{
		"FailedGetResourceMetric: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API",
		"FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API",
	}
	if got := e.events(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events:\n%s", strings.Join(got, "\n"))
	}
	if got := hpaCondition(h, autoscalingv2.ScalingActive); got != "False FailedGetResourceMetric the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API" {
		t.Fatalf("ScalingActive: %s", got)
	}
	if len(h.Status.CurrentMetrics) != 1 || h.Status.CurrentMetrics[0].Type != "" || h.Status.CurrentReplicas != 1 {
		t.Fatalf("status %+v", h.Status)
	}

	e = newHPAEnv(t)
	e.deployment(1, "")
	e.hpa(1, 5, 50)
	e.m.usage["web-0"] = 100
	h = e.sync()
	if got := hpaCondition(h, autoscalingv2.ScalingActive); got != "False FailedGetResourceMetric the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod web-0" {
		t.Fatalf("ScalingActive: %s", got)
	}
}

func TestHPAMissingAndUnreadyPods(t *testing.T) {
	// Scale-up: a pod without metrics counts as 0%, which may hold the
	// scale where it is rather than shrink.
	e := newHPAEnv(t)
	e.deployment(2, "100m")
	e.hpa(1, 10, 50)
	e.m.usage["web-0"] = 150 // 150%; web-1 has no metrics yet
	e.sync()
	if got := e.replicas(); got != 3 {
		t.Fatalf("replicas %d, want ceil(2 × 75/50) = 3 with the missing pod at 0%%", got)
	}
	// Scale-down: a pod without metrics counts as using its whole request.
	e = newHPAEnv(t)
	e.deployment(4, "100m")
	e.hpa(1, 10, 50)
	e.m.usage["web-0"], e.m.usage["web-1"], e.m.usage["web-2"] = 10, 10, 10
	e.h.DownscaleStabilization = 0
	e.clk.Advance(time.Second) // past the initial recommendation (4)
	e.sync()
	if got := e.replicas(); got != 3 {
		t.Fatalf("replicas %d, want ceil(4 × 32/50) = 3 with the missing pod at 100%%", got)
	}
	// Unready pods are left out, and count as 0% when scaling up: here
	// that flips the direction, so nothing changes (ready pods alone
	// would ask for ceil(2 × 60/50) = 3).
	e = newHPAEnv(t)
	e.deployment(2, "100m")
	e.pod("web-2", "100m", false)
	e.hpa(1, 10, 50)
	e.m.usage["web-0"], e.m.usage["web-1"], e.m.usage["web-2"] = 60, 60, 900
	e.sync()
	if got := e.replicas(); got != 2 {
		t.Fatalf("replicas %d, want 2 with the unready pod at 0%%", got)
	}
}

func TestHPAFailedGetScaleAndDisabled(t *testing.T) {
	e := newHPAEnv(t)
	e.hpa(1, 5, 50)
	h := e.sync()
	if got := hpaCondition(h, autoscalingv2.AbleToScale); got != `False FailedGetScale the HPA controller was unable to get the target's current scale: deployments.apps "web" not found` {
		t.Fatalf("AbleToScale: %s", got)
	}
	if ev := e.events(); len(ev) != 1 || ev[0] != `FailedGetScale: deployments.apps "web" not found` {
		t.Fatalf("events %q", ev)
	}

	e = newHPAEnv(t)
	e.deployment(0, "100m")
	e.hpa(1, 5, 50)
	h = e.sync()
	if got := hpaCondition(h, autoscalingv2.ScalingActive); got != "False ScalingDisabled scaling is disabled since the replica count of the target is zero" {
		t.Fatalf("ScalingActive: %s", got)
	}
}

func TestHPABehaviorPolicies(t *testing.T) {
	e := newHPAEnv(t)
	e.deployment(2, "100m")
	e.hpa(1, 20, 50, func(h *autoscalingv2.HorizontalPodAutoscaler) {
		h.Spec.Behavior = &autoscalingv2.HorizontalPodAutoscalerBehavior{
			ScaleUp: &autoscalingv2.HPAScalingRules{Policies: []autoscalingv2.HPAScalingPolicy{
				{Type: autoscalingv2.PodsScalingPolicy, Value: 1, PeriodSeconds: 60}}},
			ScaleDown: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: ptr.To(int32(0))},
		}
	})
	e.m.usage["web-0"], e.m.usage["web-1"] = 500, 500
	h := e.sync()
	if got := e.replicas(); got != 3 {
		t.Fatalf("replicas %d, want 2+1 (one pod per minute)", got)
	}
	if got := hpaCondition(h, autoscalingv2.ScalingLimited); !strings.HasPrefix(got, "True ScaleUpLimit") {
		t.Fatalf("ScalingLimited: %s", got)
	}
	e.pod("web-2", "100m", true)
	e.m.usage["web-2"] = 500
	e.clk.Advance(15 * time.Second)
	e.sync()
	if got := e.replicas(); got != 3 {
		t.Fatalf("replicas %d, still inside the 60s period", got)
	}
	e.clk.Advance(60 * time.Second)
	e.sync()
	if got := e.replicas(); got != 4 {
		t.Fatalf("replicas %d, a new period allows one more", got)
	}
	// Scale-down with a zero window and the default 100% policy: at once.
	for _, p := range []string{"web-0", "web-1", "web-2"} {
		e.m.usage[p] = 1
	}
	e.pod("web-3", "100m", true)
	e.m.usage["web-3"] = 1
	e.clk.Advance(15 * time.Second)
	e.sync()
	if got := e.replicas(); got != 1 {
		t.Fatalf("replicas %d, want min 1 at once", got)
	}
}
