package controller

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"kubetour/engine/apiserver"
	"kubetour/engine/clock"
	"kubetour/engine/events"
	"kubetour/engine/kinds"
	"kubetour/engine/loop"
	"kubetour/engine/record"
	"kubetour/engine/store"
)

// depEnv is a store, API and recorder on a manual clock, with only the
// Deployment controller. Its loop never runs: the tests call the
// controller's sync themselves and play the ReplicaSet controller's part
// by writing ReplicaSet status, so each step is exactly what they say.
type depEnv struct {
	t   *testing.T
	clk *clock.Warp
	dc  *Deployments
	bus *events.Bus
	st  *store.Store
	api *apiserver.API
}

func newDepEnv(t *testing.T) *depEnv {
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
	return &depEnv{t: t, clk: clk, dc: NewDeployments(d), bus: bus, st: st, api: api}
}

const webDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: "kubetm/app:v1"}]}
`

func (e *depEnv) create(manifest string, edit ...func(*appsv1.Deployment)) *appsv1.Deployment {
	e.t.Helper()
	d := &appsv1.Deployment{}
	if err := yaml.UnmarshalStrict([]byte(manifest), d); err != nil {
		e.t.Fatal(err)
	}
	for _, f := range edit {
		f(d)
	}
	out, err := e.api.Create(e.dc.ctx(), e.dc.depK, "default", d, apiserver.WriteOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.(*appsv1.Deployment)
}

func (e *depEnv) deployment(name string) *appsv1.Deployment {
	e.t.Helper()
	obj, err := e.st.Get(e.dc.depK, "default", name)
	if err != nil {
		e.t.Fatal(err)
	}
	return obj.(*appsv1.Deployment)
}

// update changes a Deployment as a user would (through admission).
func (e *depEnv) update(name string, f func(*appsv1.Deployment)) {
	e.t.Helper()
	d := e.deployment(name)
	f(d)
	if _, err := e.api.Update(e.dc.ctx(), e.dc.depK, "default", name, "", d, apiserver.WriteOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *depEnv) setImage(name, image string) {
	e.update(name, func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = image })
}

func (e *depEnv) sync(name string) {
	e.t.Helper()
	if err := e.dc.syncDeployment("default/" + name); err != nil {
		e.t.Fatalf("sync %s: %v", name, err)
	}
}

// rss returns the ReplicaSets, lowest revision first.
func (e *depEnv) rss() []*appsv1.ReplicaSet {
	objs, _ := e.st.List(e.dc.rsK, store.ListOptions{Namespace: "default"})
	var out []*appsv1.ReplicaSet
	for _, o := range objs {
		out = append(out, o.(*appsv1.ReplicaSet))
	}
	sort.Sort(depRSByRevision(out))
	return out
}

func (e *depEnv) rsByRevision(rev string) *appsv1.ReplicaSet {
	for _, rs := range e.rss() {
		if rs.Annotations[revisionAnnotation] == rev {
			return rs
		}
	}
	e.t.Fatalf("no replica set of revision %s", rev)
	return nil
}

// settle plays the ReplicaSet controller: each ReplicaSet has its pods,
// ready and available at once unless avail says otherwise.
func (e *depEnv) settle(avail func(rs *appsv1.ReplicaSet) int32) {
	e.t.Helper()
	for _, rs := range e.rss() {
		n := depReplicas(rs.Spec.Replicas)
		a := n
		if avail != nil {
			a = min(n, avail(rs))
		}
		rs.Status = appsv1.ReplicaSetStatus{Replicas: n, FullyLabeledReplicas: n, ReadyReplicas: a, AvailableReplicas: a,
			ObservedGeneration: rs.Generation, TerminatingReplicas: ptr.To(int32(0))}
		if _, err := e.st.Update(e.dc.rsK, rs, store.UpdateOptions{Status: true}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// scalings are the ScalingReplicaSet event messages so far.
func (e *depEnv) scalings() []string {
	var out []string
	for _, ev := range e.bus.History() {
		if ev.Source == deploymentSource && ev.Reason == "ScalingReplicaSet" {
			out = append(out, ev.Message)
		}
	}
	return out
}

func (e *depEnv) decisions(reason string) []events.Event {
	var out []events.Event
	for _, ev := range e.bus.History() {
		if ev.Source == deploymentSource && ev.Reason == reason {
			out = append(out, ev)
		}
	}
	return out
}

// rollout syncs and settles until nothing changes, checking after every
// step that availability never drops below minAvailable.
func (e *depEnv) rollout(name string, minAvailable int32) {
	e.t.Helper()
	for i := 0; i < 100; i++ {
		before := e.st.ResourceVersion()
		e.sync(name)
		e.settle(nil)
		var avail int32
		for _, rs := range e.rss() {
			avail += rs.Status.AvailableReplicas
		}
		if avail < minAvailable {
			e.t.Fatalf("step %d: %d available, below %d", i, avail, minAvailable)
		}
		if e.st.ResourceVersion() == before {
			return
		}
	}
	e.t.Fatal("rollout does not settle")
}

func condition(d *appsv1.Deployment, t appsv1.DeploymentConditionType) appsv1.DeploymentCondition {
	if c := getDeploymentCondition(d.Status, t); c != nil {
		return *c
	}
	return appsv1.DeploymentCondition{}
}

func TestDeploymentCreatesItsReplicaSet(t *testing.T) {
	e := newDepEnv(t)
	d := e.create(webDeployment, func(d *appsv1.Deployment) { d.Spec.MinReadySeconds = 5 })
	hash := deploymentTemplateHash(&d.Spec.Template, nil)
	e.sync("web")

	rss := e.rss()
	if len(rss) != 1 {
		t.Fatalf("replica sets: %d", len(rss))
	}
	rs := rss[0]
	if rs.Name != "web-"+hash || rs.Labels["pod-template-hash"] != hash || rs.Spec.Template.Labels["pod-template-hash"] != hash ||
		rs.Spec.Selector.MatchLabels["pod-template-hash"] != hash || rs.Spec.Selector.MatchLabels["app"] != "web" {
		t.Errorf("hash label everywhere: name %s labels %v template %v selector %v", rs.Name, rs.Labels, rs.Spec.Template.Labels, rs.Spec.Selector)
	}
	ref := metav1.GetControllerOf(rs)
	if ref == nil || ref.UID != d.UID || ref.Kind != "Deployment" || ref.APIVersion != "apps/v1" || !*ref.BlockOwnerDeletion {
		t.Errorf("controller reference: %+v", ref)
	}
	if *rs.Spec.Replicas != 3 || rs.Spec.MinReadySeconds != 5 {
		t.Errorf("replicas %d minReadySeconds %d", *rs.Spec.Replicas, rs.Spec.MinReadySeconds)
	}
	want := map[string]string{revisionAnnotation: "1", desiredReplicasAnnotation: "3", maxReplicasAnnotation: "4"}
	for k, v := range want {
		if rs.Annotations[k] != v {
			t.Errorf("annotation %s=%q, want %q", k, rs.Annotations[k], v)
		}
	}
	d = e.deployment("web")
	if d.Annotations[revisionAnnotation] != "1" || d.Status.ObservedGeneration != 1 {
		t.Errorf("deployment revision %q observedGeneration %d", d.Annotations[revisionAnnotation], d.Status.ObservedGeneration)
	}
	if c := condition(d, appsv1.DeploymentProgressing); c.Reason != reasonNewRSCreated || c.Message != fmt.Sprintf("Created new replica set %q", rs.Name) {
		t.Errorf("progressing: %+v", c)
	}
	if c := condition(d, appsv1.DeploymentAvailable); c.Status != corev1.ConditionFalse || c.Reason != reasonMinUnavailable || c.Message != "Deployment does not have minimum availability." {
		t.Errorf("available: %+v", c)
	}
	if got := e.scalings(); len(got) != 1 || got[0] != "Scaled up replica set "+rs.Name+" from 0 to 3" {
		t.Errorf("events: %q", got)
	}
	// The Kubernetes Event is on the Deployment.
	evs, _ := e.st.List(kinds.Core("events"), store.ListOptions{Namespace: "default"})
	found := false
	for _, o := range evs {
		ev := o.(*corev1.Event)
		if ev.Reason == "ScalingReplicaSet" && ev.InvolvedObject.Kind == "Deployment" && ev.Source.Component == "deployment-controller" {
			found = true
		}
	}
	if !found {
		t.Error("no ScalingReplicaSet Event on the Deployment")
	}

	e.settle(nil)
	e.sync("web")
	d = e.deployment("web")
	s := d.Status
	if s.Replicas != 3 || s.UpdatedReplicas != 3 || s.ReadyReplicas != 3 || s.AvailableReplicas != 3 || s.UnavailableReplicas != 0 || s.TerminatingReplicas == nil || *s.TerminatingReplicas != 0 {
		t.Errorf("status: %+v", s)
	}
	if c := condition(d, appsv1.DeploymentProgressing); c.Reason != reasonNewRSAvailable || c.Status != corev1.ConditionTrue ||
		c.Message != fmt.Sprintf("ReplicaSet %q has successfully progressed.", rs.Name) {
		t.Errorf("progressing: %+v", c)
	}
	if c := condition(d, appsv1.DeploymentAvailable); c.Status != corev1.ConditionTrue || c.Reason != reasonMinAvailable {
		t.Errorf("available: %+v", c)
	}
	// Upstream's order after a rollout: Available, then Progressing.
	if d.Status.Conditions[0].Type != appsv1.DeploymentAvailable {
		t.Errorf("condition order: %v", d.Status.Conditions)
	}
	// A resync changes nothing.
	rv := e.st.ResourceVersion()
	e.sync("web")
	if e.st.ResourceVersion() != rv {
		t.Error("a resync of a complete Deployment wrote something")
	}
}

// TestRollingUpdateSteps: maxSurge 1, maxUnavailable 0 on 3 replicas — one
// new pod, then one old pod less, each step waiting for availability.
func TestRollingUpdateSteps(t *testing.T) {
	e := newDepEnv(t)
	e.create(webDeployment, func(d *appsv1.Deployment) {
		d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromInt32(1)), MaxUnavailable: ptr.To(intstr.FromInt32(0))}
	})
	e.rollout("web", 0)
	v1 := e.rss()[0].Name
	e.setImage("web", "kubetm/app:v2")
	e.rollout("web", 3)
	v2 := e.rsByRevision("2").Name
	want := []string{
		"Scaled up replica set " + v1 + " from 0 to 3",
		"Scaled up replica set " + v2 + " from 0 to 1",
		"Scaled down replica set " + v1 + " from 3 to 2",
		"Scaled up replica set " + v2 + " from 1 to 2",
		"Scaled down replica set " + v1 + " from 2 to 1",
		"Scaled up replica set " + v2 + " from 2 to 3",
		"Scaled down replica set " + v1 + " from 1 to 0",
	}
	if got := e.scalings(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps\n got %q\nwant %q", got, want)
	}
	d := e.deployment("web")
	if d.Annotations[revisionAnnotation] != "2" || !deploymentComplete(d, &d.Status) {
		t.Errorf("revision %s status %+v", d.Annotations[revisionAnnotation], d.Status)
	}
	// The old ReplicaSet stays, at zero, for rollback.
	if old := e.rsByRevision("1"); *old.Spec.Replicas != 0 {
		t.Errorf("old replica set: %d", *old.Spec.Replicas)
	}
	// The narration gives the arithmetic.
	for _, ev := range e.decisions("ScalingReplicaSet") {
		if ev.Message == "Scaled down replica set "+v1+" from 3 to 2" {
			if !strings.Contains(ev.EN, "4 pods are available") || !strings.Contains(ev.EN, "3-0=3 must stay available") ||
				!strings.Contains(ev.KO, "최소 3-0=3개는") || ev.Fields["step"] != "scale-down-old" || ev.Fields["minAvailable"] != "3" {
				t.Errorf("narration: %s / %s / %v", ev.EN, ev.KO, ev.Fields)
			}
		}
		if ev.Message == "Scaled up replica set "+v2+" from 1 to 2" && (!strings.Contains(ev.EN, "up to 3+1=4 pods") || ev.Fields["step"] != "surge") {
			t.Errorf("narration: %s %v", ev.EN, ev.Fields)
		}
	}
}

// TestRollingUpdatePercentages: 25%/25% of 10 is surge 3 (rounded up) and
// unavailable 2 (rounded down): the first sync adds 3 and removes 2.
func TestRollingUpdatePercentages(t *testing.T) {
	for _, tc := range []struct {
		replicas     int32
		surge, unav  string
		first        []string // first sync after the template change: new from 0 to N, old from R to M
		minAvailable int32
	}{
		{10, "25%", "25%", []string{"0 to 3", "10 to 8"}, 8},
		{4, "25%", "25%", []string{"0 to 1", "4 to 3"}, 3},
		{3, "25%", "25%", []string{"0 to 1"}, 3},
		{10, "39%", "39%", []string{"0 to 4", "10 to 7"}, 7},
		{3, "0%", "10%", []string{"3 to 2"}, 2}, // both round to 0: unavailable is 1
		{5, "100%", "0%", []string{"0 to 5"}, 5},
	} {
		t.Run(fmt.Sprintf("%d-%s-%s", tc.replicas, tc.surge, tc.unav), func(t *testing.T) {
			e := newDepEnv(t)
			e.create(webDeployment, func(d *appsv1.Deployment) {
				d.Spec.Replicas = ptr.To(tc.replicas)
				d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromString(tc.surge)), MaxUnavailable: ptr.To(intstr.FromString(tc.unav))}
			})
			e.rollout("web", 0)
			n := len(e.scalings())
			e.setImage("web", "kubetm/app:v2")
			e.sync("web")
			got := e.scalings()[n:]
			if len(got) != len(tc.first) {
				t.Fatalf("first step %q, want %q", got, tc.first)
			}
			for i := range got {
				if !strings.HasSuffix(got[i], tc.first[i]) {
					t.Errorf("first step %q, want %q", got, tc.first)
				}
			}
			e.settle(nil)
			e.rollout("web", tc.minAvailable)
			d := e.deployment("web")
			if !deploymentComplete(d, &d.Status) {
				t.Errorf("not complete: %+v", d.Status)
			}
		})
	}
}

// TestRollingUpdateUnhealthyOldPodsGoFirst: old pods that are not
// available are removed before any available one, within maxScaledDown.
func TestRollingUpdateUnhealthyOldPodsGoFirst(t *testing.T) {
	e := newDepEnv(t)
	e.create(webDeployment, func(d *appsv1.Deployment) {
		d.Spec.Replicas = ptr.To(int32(4))
		d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromInt32(1)), MaxUnavailable: ptr.To(intstr.FromInt32(1))}
	})
	e.rollout("web", 0)
	v1 := e.rss()[0].Name
	e.settle(func(*appsv1.ReplicaSet) int32 { return 2 }) // two old pods broke
	e.sync("web")
	n := len(e.scalings())
	e.setImage("web", "kubetm/app:v2")
	e.sync("web")
	got := e.scalings()[n:]
	// New gets 1 (5 total allowed); maxScaledDown = 5 - 3 - 1 = 1: one
	// unhealthy old pod goes; available 2 <= minAvailable 3, so no more.
	if len(got) != 2 || !strings.HasSuffix(got[0], "from 0 to 1") || got[1] != "Scaled down replica set "+v1+" from 4 to 3" {
		t.Fatalf("got %q", got)
	}
	if ev := e.decisions("ScalingReplicaSet"); ev[len(ev)-1].Fields["step"] != "unhealthy" {
		t.Errorf("step: %v", ev[len(ev)-1].Fields)
	}
}

func TestRecreateWaitsForOldPods(t *testing.T) {
	e := newDepEnv(t)
	e.create(webDeployment, func(d *appsv1.Deployment) {
		d.Spec.Replicas = ptr.To(int32(2))
		d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
	})
	e.rollout("web", 0)
	v1 := e.rss()[0]
	// A pod of the old ReplicaSet, still terminating.
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: v1.Name + "-abcde", Namespace: "default", Labels: v1.Spec.Template.Labels,
		OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(v1, e.dc.rsK.GVK)}},
		Spec:   corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "app", Image: "kubetm/app:v1"}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	if _, err := e.st.Create(kinds.Core("pods"), pod); err != nil {
		t.Fatal(err)
	}
	n := len(e.scalings())
	e.setImage("web", "kubetm/app:v2")
	e.sync("web")
	if got := e.scalings()[n:]; len(got) != 1 || got[0] != "Scaled down replica set "+v1.Name+" from 2 to 0" {
		t.Fatalf("scale down first: %q", got)
	}
	if len(e.rss()) != 1 {
		t.Fatal("a new replica set before the old pods are gone")
	}
	d := e.deployment("web")
	if c := condition(d, appsv1.DeploymentAvailable); c.Status != corev1.ConditionTrue {
		// Recreate has maxUnavailable 0 but minAvailable counts
		// replicas-0: with 2 available it is still Available until the
		// ReplicaSet reports its pods gone.
		t.Logf("available: %+v", c)
	}
	e.sync("web") // the ReplicaSet still reports 2 pods
	if len(e.rss()) != 1 {
		t.Fatal("new replica set while the old one reports pods")
	}
	e.settle(nil) // the ReplicaSet counts 0, but a pod is still there
	e.sync("web")
	if len(e.rss()) != 1 {
		t.Fatal("new replica set while an old pod still runs")
	}
	if d := e.deployment("web"); d.Status.Replicas != 0 || d.Status.AvailableReplicas != 0 || condition(d, appsv1.DeploymentAvailable).Status != corev1.ConditionFalse {
		t.Errorf("downtime status: %+v", d.Status)
	}
	// A pod that finished does not count.
	pod = e.podGet(pod.Name)
	pod.Status.Phase = corev1.PodSucceeded
	e.st.Update(kinds.Core("pods"), pod, store.UpdateOptions{Status: true})
	e.sync("web")
	if len(e.rss()) != 2 {
		t.Fatal("no new replica set once the old pods are gone")
	}
	v2 := e.rsByRevision("2")
	if got := e.scalings(); got[len(got)-1] != "Scaled up replica set "+v2.Name+" from 0 to 2" {
		t.Errorf("scale up: %q", got)
	}
	if ev := e.decisions("ScalingReplicaSet"); !strings.Contains(ev[len(ev)-1].EN, "Recreate") || !strings.Contains(ev[len(ev)-1].KO, "Recreate 전략") {
		t.Errorf("narration: %s", ev[len(ev)-1].EN)
	}
	e.rollout("web", 0)
	if d := e.deployment("web"); !deploymentComplete(d, &d.Status) {
		t.Errorf("not complete: %+v", d.Status)
	}
}

func (e *depEnv) podGet(name string) *corev1.Pod {
	obj, err := e.st.Get(kinds.Core("pods"), "default", name)
	if err != nil {
		e.t.Fatal(err)
	}
	return obj.(*corev1.Pod)
}

// TestPausedDeployment: paused, a template change makes no ReplicaSet,
// scaling still applies, and resuming rolls out.
func TestPausedDeployment(t *testing.T) {
	e := newDepEnv(t)
	e.create(webDeployment)
	e.rollout("web", 0)
	v1 := e.rss()[0].Name
	e.update("web", func(d *appsv1.Deployment) { d.Spec.Paused = true })
	e.sync("web")
	d := e.deployment("web")
	if c := condition(d, appsv1.DeploymentProgressing); c.Status != corev1.ConditionUnknown || c.Reason != reasonPaused || c.Message != "Deployment is paused" {
		t.Fatalf("paused condition: %+v", c)
	}
	e.setImage("web", "kubetm/app:v2")
	e.sync("web")
	if len(e.rss()) != 1 {
		t.Fatal("a paused Deployment rolled out")
	}
	d = e.deployment("web")
	if d.Status.ObservedGeneration != d.Generation || d.Status.UpdatedReplicas != 0 {
		t.Errorf("paused status: generation %d observed %d updated %d", d.Generation, d.Status.ObservedGeneration, d.Status.UpdatedReplicas)
	}
	n := len(e.scalings())
	e.update("web", func(d *appsv1.Deployment) { d.Spec.Replicas = ptr.To(int32(5)) })
	e.sync("web")
	if got := e.scalings()[n:]; len(got) != 1 || got[0] != "Scaled up replica set "+v1+" from 3 to 5" {
		t.Fatalf("scaling while paused: %q", got)
	}
	e.settle(nil)
	e.sync("web")
	if d := e.deployment("web"); d.Status.Replicas != 5 || d.Status.AvailableReplicas != 5 {
		t.Fatalf("paused status: %+v", d.Status)
	}
	e.update("web", func(d *appsv1.Deployment) { d.Spec.Paused = false })
	e.sync("web")
	if len(e.decisions(reasonResumed)) != 1 {
		t.Error("no resume narration")
	}
	if len(e.rss()) != 2 {
		t.Fatal("resume did not roll out")
	}
	if c := condition(e.deployment("web"), appsv1.DeploymentProgressing); c.Reason != reasonNewRSCreated {
		t.Errorf("progressing after resume: %+v", c)
	}
	e.rollout("web", 4)
}

// TestProportionalScaling is upstream's TestScale: the ReplicaSets are
// sized for the old Deployment (annotations), the Deployment was resized.
func TestProportionalScaling(t *testing.T) {
	type rsSpec struct {
		name string
		size int32
		age  int // minutes before now: larger is older
	}
	i := intstr.FromInt32
	tests := []struct {
		name              string
		replicas, before  int32
		surge, surgeAfter *intstr.IntOrString
		newRS             *rsSpec
		old               []rsSpec
		want              map[string]int32
	}{
		{name: "normal scaling event: 10 -> 12", replicas: 12, before: 10, newRS: &rsSpec{"v1", 10, 0}, want: map[string]int32{"v1": 12}},
		{name: "normal scaling event: 10 -> 5", replicas: 5, before: 10, newRS: &rsSpec{"v1", 10, 0}, want: map[string]int32{"v1": 5}},
		{name: "proportional scaling: 5 -> 10", replicas: 10, before: 5, newRS: &rsSpec{"v2", 2, 0}, old: []rsSpec{{"v1", 3, 1}}, want: map[string]int32{"v2": 4, "v1": 6}},
		{name: "proportional scaling: 5 -> 3", replicas: 3, before: 5, newRS: &rsSpec{"v2", 2, 0}, old: []rsSpec{{"v1", 3, 1}}, want: map[string]int32{"v2": 1, "v1": 2}},
		{name: "proportional scaling: 9 -> 4", replicas: 4, before: 9, newRS: &rsSpec{"v2", 8, 0}, old: []rsSpec{{"v1", 1, 1}}, want: map[string]int32{"v2": 4, "v1": 0}},
		{name: "proportional scaling: 7 -> 10", replicas: 10, before: 7, newRS: &rsSpec{"v3", 2, 0}, old: []rsSpec{{"v2", 3, 1}, {"v1", 2, 2}}, want: map[string]int32{"v3": 3, "v2": 4, "v1": 3}},
		{name: "proportional scaling: 13 -> 8", replicas: 8, before: 13, newRS: &rsSpec{"v3", 2, 0}, old: []rsSpec{{"v2", 8, 1}, {"v1", 3, 2}}, want: map[string]int32{"v3": 1, "v2": 5, "v1": 2}},
		{name: "leftover distribution: 3 -> 4", replicas: 4, before: 3, newRS: &rsSpec{"v3", 1, 0}, old: []rsSpec{{"v2", 1, 1}, {"v1", 1, 2}}, want: map[string]int32{"v3": 2, "v2": 1, "v1": 1}},
		{name: "leftover distribution: 3 -> 2", replicas: 2, before: 3, newRS: &rsSpec{"v3", 1, 0}, old: []rsSpec{{"v2", 1, 1}, {"v1", 1, 2}}, want: map[string]int32{"v3": 1, "v2": 1, "v1": 0}},
		{name: "proportional scaling (no new rs): 4 -> 5", replicas: 5, before: 4, old: []rsSpec{{"v2", 2, 1}, {"v1", 2, 2}}, want: map[string]int32{"v2": 3, "v1": 2}},
		{name: "proportional scaling: 6 -> 0", replicas: 0, before: 6, newRS: &rsSpec{"v3", 3, 0}, old: []rsSpec{{"v2", 2, 1}, {"v1", 1, 2}}, want: map[string]int32{"v3": 0, "v2": 0, "v1": 0}},
		{name: "proportional scaling: 0 -> 6", replicas: 6, before: 6, newRS: &rsSpec{"v3", 0, 0}, old: []rsSpec{{"v2", 0, 1}, {"v1", 0, 2}}, want: map[string]int32{"v3": 6, "v2": 0, "v1": 0}},
		{name: "deployment with surge pods", replicas: 20, before: 10, surge: ptr.To(i(2)), surgeAfter: ptr.To(i(2)), newRS: &rsSpec{"v2", 6, 0}, old: []rsSpec{{"v1", 6, 1}}, want: map[string]int32{"v2": 11, "v1": 11}},
		{name: "change both surge and size", replicas: 50, before: 10, surge: ptr.To(i(3)), surgeAfter: ptr.To(i(6)), newRS: &rsSpec{"v2", 5, 0}, old: []rsSpec{{"v1", 8, 1}}, want: map[string]int32{"v2": 22, "v1": 34}},
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newDepEnv(t)
			surge, surgeAfter := ptr.To(i(0)), ptr.To(i(0))
			if tc.surge != nil {
				surge, surgeAfter = tc.surge, tc.surgeAfter
			}
			d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "foo", Namespace: "default", UID: "dep"},
				Spec: appsv1.DeploymentSpec{Replicas: ptr.To(tc.replicas), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "foo"}},
					Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType,
						RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: surgeAfter, MaxUnavailable: ptr.To(i(0))}}}}
			before := d.DeepCopy()
			before.Spec.Replicas = ptr.To(tc.before)
			before.Spec.Strategy.RollingUpdate.MaxSurge = surge
			mk := func(s rsSpec) *appsv1.ReplicaSet {
				rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "foo-" + s.name, Namespace: "default",
					CreationTimestamp: metav1.NewTime(now.Add(-time.Duration(s.age) * time.Minute))},
					Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(s.size), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "foo", "v": s.name}},
						Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "foo", "v": s.name}},
							Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "img:" + s.name}}}}}}
				setReplicasAnnotations(rs, tc.before, tc.before+maxSurgeOf(before))
				out, err := e.st.Create(e.dc.rsK, rs)
				if err != nil {
					t.Fatal(err)
				}
				created := out.(*appsv1.ReplicaSet)
				// The store stamps creation time; keep the case's ages.
				created.CreationTimestamp = rs.CreationTimestamp
				return created
			}
			var newRS *appsv1.ReplicaSet
			if tc.newRS != nil {
				newRS = mk(*tc.newRS)
			}
			var old []*appsv1.ReplicaSet
			for _, s := range tc.old {
				old = append(old, mk(s))
			}
			if err := e.dc.scale(d, newRS, old); err != nil {
				t.Fatal(err)
			}
			for name, want := range tc.want {
				obj, err := e.st.Get(e.dc.rsK, "default", "foo-"+name)
				if err != nil {
					t.Fatal(err)
				}
				rs := obj.(*appsv1.ReplicaSet)
				if *rs.Spec.Replicas != want {
					t.Errorf("%s: %d, want %d", name, *rs.Spec.Replicas, want)
				}
				// Every active ReplicaSet is re-annotated for the new size.
				if want > 0 && rs.Annotations[desiredReplicasAnnotation] != fmt.Sprint(tc.replicas) {
					t.Errorf("%s: desired-replicas %q", name, rs.Annotations[desiredReplicasAnnotation])
				}
			}
		})
	}
}

// TestProportionalScalingMidRollout: scaling a Deployment in the middle
// of a rollout goes through sync, not the strategy.
func TestProportionalScalingMidRollout(t *testing.T) {
	e := newDepEnv(t)
	e.create(webDeployment, func(d *appsv1.Deployment) {
		d.Spec.Replicas = ptr.To(int32(10))
		d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromInt32(3)), MaxUnavailable: ptr.To(intstr.FromInt32(2))}
	})
	e.rollout("web", 0)
	e.setImage("web", "kubetm/app:bad") // its pods never become available
	e.sync("web")
	e.settle(func(rs *appsv1.ReplicaSet) int32 {
		if rs.Annotations[revisionAnnotation] == "2" {
			return 0
		}
		return depReplicas(rs.Spec.Replicas)
	})
	// 13 pods allowed: new 3, old 8 (2 below 10 allowed unavailable).
	if v1, v2 := e.rsByRevision("1"), e.rsByRevision("2"); *v1.Spec.Replicas != 8 || *v2.Spec.Replicas != 3 {
		t.Fatalf("mid-rollout: v1 %d v2 %d", *v1.Spec.Replicas, *v2.Spec.Replicas)
	}
	e.update("web", func(d *appsv1.Deployment) { d.Spec.Replicas = ptr.To(int32(15)) })
	e.sync("web")
	// 15+3=18 allowed, 11 asked: 7 more. v1 8*18/13 rounds to 11 (+3),
	// v2 3*18/13 to 4 (+1); the leftover 3 goes to the largest, v1.
	v1, v2 := e.rsByRevision("1"), e.rsByRevision("2")
	if *v1.Spec.Replicas != 14 || *v2.Spec.Replicas != 4 {
		t.Fatalf("proportional: v1 %d v2 %d", *v1.Spec.Replicas, *v2.Spec.Replicas)
	}
	if ev := e.decisions("ScalingReplicaSet"); ev[len(ev)-1].Fields["step"] != "proportional" || !strings.Contains(ev[len(ev)-1].KO, "비례 스케일링") {
		t.Errorf("narration: %v %s", ev[len(ev)-1].Fields, ev[len(ev)-1].KO)
	}
}

// TestRevisionsAndRollback: undoing a rollout (kubectl patches the old
// template back) reuses the old ReplicaSet as the newest revision.
func TestRevisionsAndRollback(t *testing.T) {
	e := newDepEnv(t)
	e.create(webDeployment)
	e.rollout("web", 0)
	e.update("web", func(d *appsv1.Deployment) {
		d.Annotations = map[string]string{changeCauseAnnotation: "image v2"}
		d.Spec.Template.Spec.Containers[0].Image = "kubetm/app:v2"
	})
	e.rollout("web", 0)
	if len(e.rss()) != 2 || e.rsByRevision("2").Annotations[changeCauseAnnotation] != "image v2" {
		t.Fatalf("change-cause on the new ReplicaSet: %v", e.rsByRevision("2").Annotations)
	}
	// What kubectl rollout undo does: revision 1's template, without its
	// hash label, and its annotations.
	v1 := e.rsByRevision("1")
	e.update("web", func(d *appsv1.Deployment) {
		d.Spec.Template = *v1.Spec.Template.DeepCopy()
		delete(d.Spec.Template.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
		delete(d.Annotations, changeCauseAnnotation)
	})
	e.rollout("web", 0)
	rss := e.rss()
	if len(rss) != 2 {
		t.Fatalf("rollback made a new ReplicaSet: %d", len(rss))
	}
	back := e.rsByRevision("3")
	if back.Name != v1.Name || back.Annotations[revisionHistoryAnnotation] != "1" || *back.Spec.Replicas != 3 {
		t.Errorf("reused: %s history %q replicas %d", back.Name, back.Annotations[revisionHistoryAnnotation], *back.Spec.Replicas)
	}
	if d := e.deployment("web"); d.Annotations[revisionAnnotation] != "3" {
		t.Errorf("deployment revision %s", d.Annotations[revisionAnnotation])
	}
	if len(e.decisions("RevisionUpdated")) != 1 {
		t.Error("no narration of the reused revision")
	}
	// And back again: revision 2 becomes 4, with history "2".
	v2 := e.rsByRevision("2")
	e.update("web", func(d *appsv1.Deployment) {
		d.Spec.Template = *v2.Spec.Template.DeepCopy()
		delete(d.Spec.Template.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	})
	e.rollout("web", 0)
	if rs := e.rsByRevision("4"); rs.Name != v2.Name || rs.Annotations[revisionHistoryAnnotation] != "2" {
		t.Errorf("second undo: %s %v", rs.Name, rs.Annotations)
	}
}

// TestRevisionHistoryLimit: the course's question — limit 1, v1 -> v2 ->
// v3 leaves one old ReplicaSet (v2's) at zero.
func TestRevisionHistoryLimit(t *testing.T) {
	for _, limit := range []int32{1, 0} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			e := newDepEnv(t)
			e.create(webDeployment, func(d *appsv1.Deployment) { d.Spec.RevisionHistoryLimit = ptr.To(limit) })
			e.rollout("web", 0)
			e.setImage("web", "kubetm/app:v2")
			e.rollout("web", 0)
			e.setImage("web", "kubetm/app:v3")
			e.rollout("web", 0)
			var revs []string
			for _, rs := range e.rss() {
				revs = append(revs, rs.Annotations[revisionAnnotation])
			}
			want := "2,3"
			if limit == 0 {
				want = "3"
			}
			if strings.Join(revs, ",") != want {
				t.Errorf("revisions left: %v, want %s", revs, want)
			}
			if len(e.decisions("OldReplicaSetDeleted")) == 0 {
				t.Error("no narration of the cleanup")
			}
		})
	}
}

// TestNoCleanupOfReplicaSetsWithPods: an old ReplicaSet whose pods have
// not all gone is not deleted, whatever the limit.
func TestNoCleanupOfReplicaSetsWithPods(t *testing.T) {
	e := newDepEnv(t)
	e.create(webDeployment, func(d *appsv1.Deployment) { d.Spec.RevisionHistoryLimit = ptr.To(int32(0)) })
	e.rollout("web", 0)
	e.setImage("web", "kubetm/app:v2")
	for i := 0; i < 20; i++ {
		e.sync("web")
		// The old ReplicaSet keeps reporting a pod (terminating).
		e.settle(nil)
		if old := e.rsByRevision("1"); *old.Spec.Replicas == 0 {
			old.Status.Replicas = 1
			e.st.Update(e.dc.rsK, old, store.UpdateOptions{Status: true})
			e.sync("web")
			e.sync("web")
			if len(e.rss()) != 2 {
				t.Fatal("deleted a ReplicaSet that still has a pod")
			}
			return
		}
	}
	t.Fatal("rollout did not finish")
}

func TestProgressDeadlineExceeded(t *testing.T) {
	e := newDepEnv(t)
	e.create(webDeployment, func(d *appsv1.Deployment) { d.Spec.ProgressDeadlineSeconds = ptr.To(int32(30)) })
	e.rollout("web", 0)
	e.setImage("web", "kubetm/app:bad")
	e.sync("web")
	stuck := func(rs *appsv1.ReplicaSet) int32 {
		if rs.Annotations[revisionAnnotation] == "2" {
			return 0
		}
		return depReplicas(rs.Spec.Replicas)
	}
	e.settle(stuck)
	e.sync("web")
	e.sync("web")
	v2 := e.rsByRevision("2").Name
	d := e.deployment("web")
	c := condition(d, appsv1.DeploymentProgressing)
	if c.Reason != reasonRSUpdated || c.Message != fmt.Sprintf("ReplicaSet %q is progressing.", v2) {
		t.Fatalf("progressing: %+v", c)
	}
	// The controller asked to come back one second after the deadline.
	due := e.dc.progressDue["default/web"]
	if want := c.LastUpdateTime.Add(31 * time.Second); !due.Equal(want) {
		t.Errorf("progress check due %v, want %v", due, want)
	}
	e.clk.Advance(30 * time.Second)
	e.sync("web")
	if c := condition(e.deployment("web"), appsv1.DeploymentProgressing); c.Reason == reasonTimedOut {
		t.Fatal("timed out at the deadline itself")
	}
	e.clk.Advance(time.Second)
	e.sync("web")
	d = e.deployment("web")
	c = condition(d, appsv1.DeploymentProgressing)
	if c.Status != corev1.ConditionFalse || c.Reason != reasonTimedOut || c.Message != fmt.Sprintf("ReplicaSet %q has timed out progressing.", v2) {
		t.Fatalf("timed out: %+v", c)
	}
	if ev := e.decisions(reasonTimedOut); len(ev) != 1 || ev[0].Type != corev1.EventTypeWarning {
		t.Errorf("narration: %+v", ev)
	}
	// A paused condition does not hide the timeout.
	e.update("web", func(d *appsv1.Deployment) { d.Spec.Paused = true })
	e.sync("web")
	if c := condition(e.deployment("web"), appsv1.DeploymentProgressing); c.Reason != reasonTimedOut {
		t.Errorf("pause replaced the timeout: %+v", c)
	}
}

func TestMinReadySecondsFollowsTheDeployment(t *testing.T) {
	e := newDepEnv(t)
	e.create(webDeployment)
	e.rollout("web", 0)
	e.update("web", func(d *appsv1.Deployment) { d.Spec.MinReadySeconds = 10 })
	e.sync("web")
	if rs := e.rss()[0]; rs.Spec.MinReadySeconds != 10 || len(e.rss()) != 1 {
		t.Errorf("minReadySeconds %d on %d replica sets", rs.Spec.MinReadySeconds, len(e.rss()))
	}
}

// TestHashCollision: a ReplicaSet with the new one's name but another
// template makes the controller bump collisionCount and rehash.
func TestHashCollision(t *testing.T) {
	e := newDepEnv(t)
	d := e.create(webDeployment)
	hash := deploymentTemplateHash(&d.Spec.Template, nil)
	squatter := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web-" + hash, Namespace: "default", Labels: map[string]string{"other": "x"}},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(int32(0)), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"other": "x"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"other": "x"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "other"}}}}}}
	if _, err := e.st.Create(e.dc.rsK, squatter); err != nil {
		t.Fatal(err)
	}
	if err := e.dc.syncDeployment("default/web"); !apierrors.IsAlreadyExists(err) {
		t.Fatalf("want AlreadyExists, got %v", err)
	}
	d = e.deployment("web")
	if d.Status.CollisionCount == nil || *d.Status.CollisionCount != 1 {
		t.Fatalf("collisionCount: %v", d.Status.CollisionCount)
	}
	e.sync("web")
	want := "web-" + deploymentTemplateHash(&d.Spec.Template, ptr.To(int32(1)))
	if _, err := e.st.Get(e.dc.rsK, "default", want); err != nil {
		t.Fatalf("rehashed replica set %s: %v", want, err)
	}
}

// TestAdoptAndRelease: a matching orphan is adopted (and, having the
// template, becomes the new ReplicaSet); one relabelled away is released.
func TestAdoptAndRelease(t *testing.T) {
	e := newDepEnv(t)
	d := e.create(webDeployment)
	orphan := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "by-hand", Namespace: "default", Labels: map[string]string{"app": "web"}},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(int32(3)), Selector: d.Spec.Selector.DeepCopy(), Template: *d.Spec.Template.DeepCopy()}}
	if _, err := e.st.Create(e.dc.rsK, orphan); err != nil {
		t.Fatal(err)
	}
	e.sync("web")
	rss := e.rss()
	if len(rss) != 1 || rss[0].Name != "by-hand" {
		t.Fatalf("adopted and reused: %d", len(rss))
	}
	if ref := metav1.GetControllerOf(rss[0]); ref == nil || ref.UID != d.UID {
		t.Fatalf("no controller reference after adoption")
	}
	if rss[0].Annotations[revisionAnnotation] != "1" {
		t.Errorf("revision: %v", rss[0].Annotations)
	}
	rs := rss[0]
	rs.Labels = map[string]string{"app": "other"}
	if _, err := e.api.Update(e.dc.ctx(), e.dc.rsK, "default", rs.Name, "", rs, apiserver.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	e.sync("web")
	released, _ := e.st.Get(e.dc.rsK, "default", "by-hand")
	if metav1.GetControllerOf(released.(*appsv1.ReplicaSet)) != nil {
		t.Error("not released")
	}
}

// TestDeprecatedRollbackAnnotation: the server-side rollback apps/v1 still
// honours through deprecated.deployment.rollback.to.
func TestDeprecatedRollbackAnnotation(t *testing.T) {
	e := newDepEnv(t)
	e.create(webDeployment)
	e.rollout("web", 0)
	e.setImage("web", "kubetm/app:v2")
	e.rollout("web", 0)
	e.update("web", func(d *appsv1.Deployment) { d.Annotations[appsv1.DeprecatedRollbackTo] = "0" })
	e.sync("web")
	d := e.deployment("web")
	if d.Spec.Template.Spec.Containers[0].Image != "kubetm/app:v1" || d.Annotations[appsv1.DeprecatedRollbackTo] != "" {
		t.Fatalf("rolled back: %s %v", d.Spec.Template.Spec.Containers[0].Image, d.Annotations)
	}
	if ev := e.decisions(reasonRollbackDone); len(ev) != 1 || ev[0].Message != `Rolled back deployment "web" to revision 1` {
		t.Errorf("event: %+v", ev)
	}
	e.rollout("web", 0)
	if e.deployment("web").Annotations[revisionAnnotation] != "3" {
		t.Error("rollback did not become revision 3")
	}
	e.update("web", func(d *appsv1.Deployment) { d.Annotations[appsv1.DeprecatedRollbackTo] = "9" })
	e.sync("web")
	if ev := e.decisions(reasonRollbackNotFound); len(ev) != 1 || ev[0].Message != "Unable to find the revision to rollback to." {
		t.Errorf("not found: %+v", ev)
	}
}
