package controller

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"kubetour/engine/apiserver"
	"kubetour/engine/clock"
	"kubetour/engine/events"
	"kubetour/engine/kinds"
	"kubetour/engine/loop"
	"kubetour/engine/record"
	"kubetour/engine/store"
)

func dsNode(name string, lbls map[string]string, taints ...corev1.Taint) *corev1.Node {
	l := map[string]string{"kubernetes.io/hostname": name}
	for k, v := range lbls {
		l[k] = v
	}
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l}, Spec: corev1.NodeSpec{Taints: taints}}
}

func TestDSNodeShouldRun(t *testing.T) {
	controlPlane := corev1.Taint{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}
	tests := map[string]struct {
		node      *corev1.Node
		edit      func(*corev1.PodSpec)
		run, cont bool
		why       string
	}{
		"plain node":          {node: dsNode("n1", nil), run: true, cont: true},
		"control-plane taint": {node: dsNode("m", nil, controlPlane), cont: true, why: "taint node-role.kubernetes.io/control-plane:NoSchedule"},
		"tolerated": {node: dsNode("m", nil, controlPlane), run: true, cont: true, edit: func(s *corev1.PodSpec) {
			s.Tolerations = []corev1.Toleration{{Key: controlPlane.Key, Operator: corev1.TolerationOpExists}}
		}},
		"NoExecute evicts":     {node: dsNode("n1", nil, corev1.Taint{Key: "x", Value: "y", Effect: corev1.TaintEffectNoExecute}), why: "taint x=y:NoExecute"},
		"not-ready tolerated":  {node: dsNode("n1", nil, corev1.Taint{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoExecute}), run: true, cont: true},
		"cordoned tolerated":   {node: dsNode("n1", nil, corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}), run: true, cont: true},
		"nodeSelector matches": {node: dsNode("n1", map[string]string{"os": "centos"}), run: true, cont: true, edit: func(s *corev1.PodSpec) { s.NodeSelector = map[string]string{"os": "centos"} }},
		"nodeSelector misses":  {node: dsNode("n1", map[string]string{"os": "ubuntu"}), why: "nodeSelector", edit: func(s *corev1.PodSpec) { s.NodeSelector = map[string]string{"os": "centos"} }},
		"affinity misses": {node: dsNode("n1", nil), why: "affinity", edit: func(s *corev1.PodSpec) {
			s.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "disk", Operator: corev1.NodeSelectorOpExists}}}}}}}
		}},
		"nodeName elsewhere": {node: dsNode("n1", nil), why: "nodeName", edit: func(s *corev1.PodSpec) { s.NodeName = "n2" }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ds := &appsv1.DaemonSet{Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "c", Image: "kubetm/app"}}}}}}
			if tc.edit != nil {
				tc.edit(&ds.Spec.Template.Spec)
			}
			v := dsNodeShouldRun(ds, tc.node)
			if v.ShouldRun != tc.run || v.ShouldContinue != tc.cont || v.Key != tc.why {
				t.Fatalf("got run=%v continue=%v key=%q, want %v %v %q", v.ShouldRun, v.ShouldContinue, v.Key, tc.run, tc.cont, tc.why)
			}
		})
	}
}

func TestDSTemplateAndPinning(t *testing.T) {
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{dsTemplateGenerationAnnotation: "3"}},
		Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "a"}},
			Spec: corev1.PodSpec{HostNetwork: true, Tolerations: []corev1.Toleration{
				{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To(int64(5))}}}}}}
	tmpl := dsPodTemplate(ds, "abc")
	if tmpl.Labels["controller-revision-hash"] != "abc" || tmpl.Labels["pod-template-generation"] != "3" || tmpl.Labels["app"] != "a" {
		t.Fatalf("labels %v", tmpl.Labels)
	}
	var keys []string
	for _, tol := range tmpl.Spec.Tolerations {
		keys = append(keys, tol.Key)
		if tol.Key == corev1.TaintNodeNotReady && tol.TolerationSeconds != nil {
			t.Errorf("the user's not-ready toleration with the same key, operator and effect is replaced: %+v", tol)
		}
	}
	want := "node.kubernetes.io/not-ready,node.kubernetes.io/unreachable,node.kubernetes.io/disk-pressure,node.kubernetes.io/memory-pressure,node.kubernetes.io/pid-pressure,node.kubernetes.io/unschedulable,node.kubernetes.io/network-unavailable"
	if strings.Join(keys, ",") != want {
		t.Fatalf("tolerations %s", strings.Join(keys, ","))
	}
	if ds.Spec.Template.Spec.Tolerations[0].TolerationSeconds == nil {
		t.Fatal("the DaemonSet's own template was changed")
	}
	aff := dsPinToNode(&corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "disk", Operator: corev1.NodeSelectorOpExists}}}}}}}, "n2")
	terms := aff.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	if len(terms) != 1 || len(terms[0].MatchExpressions) != 0 || terms[0].MatchFields[0].Values[0] != "n2" {
		t.Fatalf("terms %+v", terms)
	}
	pod := &corev1.Pod{Spec: corev1.PodSpec{Affinity: aff}}
	if n, ok := dsTargetNode(pod); !ok || n != "n2" {
		t.Fatalf("target %q %v", n, ok)
	}
	// The hash is a function of the template (and collision count) only.
	a, b := dsTemplateHash(&ds.Spec.Template, nil), dsTemplateHash(ds.Spec.Template.DeepCopy(), nil)
	if a != b || a == dsTemplateHash(&ds.Spec.Template, ptr.To(int32(1))) {
		t.Fatalf("hash %s %s", a, b)
	}
}

// dsEnv is the DaemonSet controller over a store on a manual clock; the
// tests call sync and play the scheduler and kubelet themselves.
type dsEnv struct {
	t   *testing.T
	clk *clock.Warp
	c   *DaemonSets
	st  *store.Store
	api *apiserver.API
}

func newDSEnv(t *testing.T, nodes ...string) *dsEnv {
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
	for _, name := range nodes {
		if _, err := st.Create(kinds.Core("nodes"), dsNode(name, nil)); err != nil {
			t.Fatal(err)
		}
	}
	api := apiserver.NewAPI(st, clk.Now, 1)
	d := Deps{API: api, Store: st, Loop: loop.New(clk), Rec: &record.Recorder{Bus: events.NewBus(10000), Store: st, Now: clk.Now}}
	return &dsEnv{t: t, clk: clk, c: NewDaemonSets(d), st: st, api: api}
}

// pods lists "node:image:ready" of the DaemonSet's pods not being deleted.
func (e *dsEnv) pods() string {
	objs, _ := e.st.List(kinds.Core("pods"), store.ListOptions{Namespace: "default"})
	var out []string
	for _, o := range objs {
		p := o.(*corev1.Pod)
		if p.DeletionTimestamp != nil {
			continue
		}
		node, _ := dsTargetNode(p)
		out = append(out, fmt.Sprintf("%s:%s:%v", node, p.Spec.Containers[0].Image, podReady(p)))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// settle plays scheduler and kubelet: pending pods are bound and become
// ready; pods being deleted are gone.
func (e *dsEnv) settle() {
	objs, _ := e.st.List(kinds.Core("pods"), store.ListOptions{Namespace: "default"})
	for _, o := range objs {
		p := o.(*corev1.Pod)
		if p.DeletionTimestamp != nil {
			e.st.Delete(kinds.Core("pods"), "default", p.Name, store.DeleteOptions{GracePeriod: ptr.To(int64(0))})
			continue
		}
		if p.Spec.NodeName == "" {
			node, _ := dsTargetNode(p)
			if err := e.api.Bind("default", p.Name, node); err != nil {
				e.t.Fatal(err)
			}
			obj, _ := e.st.Get(kinds.Core("pods"), "default", p.Name)
			p = obj.(*corev1.Pod)
		}
		if !podReady(p) {
			now := metav1.NewTime(e.clk.Now())
			p.Status = corev1.PodStatus{Phase: corev1.PodRunning, StartTime: &now,
				Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now}}}
			e.st.Update(kinds.Core("pods"), p, store.UpdateOptions{Status: true})
		}
	}
}

func (e *dsEnv) sync() { e.c.sync("default/agent") }

func (e *dsEnv) setImage(image string) {
	obj, _ := e.st.Get(dsKind(), "default", "agent")
	ds := obj.(*appsv1.DaemonSet)
	ds.Spec.Template.Spec.Containers[0].Image = image
	if _, err := e.api.Update(e.c.ctx(), dsKind(), "default", "agent", "", ds, apiserver.WriteOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func TestDSSurgeRollingUpdate(t *testing.T) {
	e := newDSEnv(t, "n1", "n2", "n3")
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: "default"},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "agent"}},
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType, RollingUpdate: &appsv1.RollingUpdateDaemonSet{
				MaxSurge: ptr.To(intstr.FromInt32(1)), MaxUnavailable: ptr.To(intstr.FromInt32(0))}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "agent"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "v1"}}}}}}
	if _, err := e.api.Create(e.c.ctx(), dsKind(), "default", ds, apiserver.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	e.sync()
	e.settle()
	e.sync()
	if got := e.pods(); got != "n1:v1:true n2:v1:true n3:v1:true" {
		t.Fatalf("pods %s", got)
	}
	e.setImage("v2")
	steps := []string{
		// One surge pod next to n1's old one; nothing is taken away first.
		"n1:v1:true n1:v2:false n2:v1:true n3:v1:true",
		"n1:v1:true n1:v2:true n2:v1:true n3:v1:true",
		"n1:v2:true n2:v1:true n2:v2:false n3:v1:true",
	}
	e.sync()
	if got := e.pods(); got != steps[0] {
		t.Fatalf("after the template change: %s", got)
	}
	e.settle()
	if got := e.pods(); got != steps[1] {
		t.Fatalf("after the new pod is ready: %s", got)
	}
	e.sync() // the old n1 pod goes
	e.sync() // the next surge
	if got := e.pods(); got != steps[2] {
		t.Fatalf("next node: %s", got)
	}
	for i := 0; i < 6; i++ {
		e.settle()
		e.sync()
	}
	if got := e.pods(); got != "n1:v2:true n2:v2:true n3:v2:true" {
		t.Fatalf("end: %s", got)
	}
	obj, _ := e.st.Get(dsKind(), "default", "agent")
	st := obj.(*appsv1.DaemonSet).Status
	if st.UpdatedNumberScheduled != 3 || st.NumberAvailable != 3 || st.NumberUnavailable != 0 {
		t.Fatalf("status %+v", st)
	}
}

func TestDSHistoryLimitAndRollback(t *testing.T) {
	e := newDSEnv(t, "n1")
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: "default"},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "agent"}},
			RevisionHistoryLimit: ptr.To(int32(1)),
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "agent"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "v1"}}}}}}
	if _, err := e.api.Create(e.c.ctx(), dsKind(), "default", ds, apiserver.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	revs := func() string {
		objs, _ := e.st.List(crKind(), store.ListOptions{Namespace: "default"})
		var out []string
		for _, o := range objs {
			cr := o.(*appsv1.ControllerRevision)
			out = append(out, fmt.Sprint(cr.Revision))
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	for _, img := range []string{"v1", "v2", "v3"} {
		if img != "v1" {
			e.setImage(img)
		}
		for i := 0; i < 4; i++ {
			e.sync()
			e.settle()
		}
	}
	// Revision 1 is beyond the limit and no pod runs it any longer.
	if got := revs(); got != "2,3" {
		t.Fatalf("revisions %s", got)
	}
	// Going back to v2's template renumbers its revision instead of
	// creating a new one.
	e.setImage("v2")
	e.sync()
	if got := revs(); got != "3,4" {
		t.Fatalf("revisions after rollback %s", got)
	}
}
