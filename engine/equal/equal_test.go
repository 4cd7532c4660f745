package equal

import (
	"fmt"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func basePod() *corev1.Pod {
	t0 := metav1.NewTime(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	grace := int64(30)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", Labels: map[string]string{"app": "web"},
			CreationTimestamp: t0, Finalizers: []string{"batch.kubernetes.io/job-tracking"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: "j", UID: "u1", Controller: new(bool)}}},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "c", Image: "busybox", Command: []string{"sh", "-c", "echo hi"},
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")}}}},
			TerminationGracePeriodSeconds: &grace,
			NodeSelector:                  map[string]string{"disk": "ssd"},
		},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: t0}}},
	}
}

// variants returns pods that differ from basePod in one way each; some
// differences are only of form, which semantic equality ignores.
func variants() map[string]*corev1.Pod {
	v := map[string]func(p *corev1.Pod){
		"same": func(p *corev1.Pod) {},
		"cpu 0.1 for 100m": func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU] = resource.MustParse("0.1")
		},
		"cpu 200m": func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU] = resource.MustParse("200m")
		},
		"time in another zone": func(p *corev1.Pod) {
			p.CreationTimestamp = metav1.NewTime(p.CreationTimestamp.In(time.FixedZone("KST", 9*3600)))
		},
		"time a second later": func(p *corev1.Pod) { p.CreationTimestamp = metav1.NewTime(p.CreationTimestamp.Add(time.Second)) },
		"labels empty":        func(p *corev1.Pod) { p.Labels = map[string]string{} },
		"labels nil":          func(p *corev1.Pod) { p.Labels = nil },
		"label value":         func(p *corev1.Pod) { p.Labels["app"] = "api" },
		"label other key":     func(p *corev1.Pod) { p.Labels = map[string]string{"tier": "web"} },
		"finalizers nil":      func(p *corev1.Pod) { p.Finalizers = nil },
		"finalizers empty":    func(p *corev1.Pod) { p.Finalizers = []string{} },
		"grace nil":           func(p *corev1.Pod) { p.Spec.TerminationGracePeriodSeconds = nil },
		"grace 0":             func(p *corev1.Pod) { p.Spec.TerminationGracePeriodSeconds = new(int64) },
		"controller true":     func(p *corev1.Pod) { t := true; p.OwnerReferences[0].Controller = &t },
		"controller nil":      func(p *corev1.Pod) { p.OwnerReferences[0].Controller = nil },
		"command longer":      func(p *corev1.Pod) { p.Spec.Containers[0].Command = append(p.Spec.Containers[0].Command, "x") },
		"phase":               func(p *corev1.Pod) { p.Status.Phase = corev1.PodSucceeded },
		"conditions nil":      func(p *corev1.Pod) { p.Status.Conditions = nil },
		"volumes empty":       func(p *corev1.Pod) { p.Spec.Volumes = []corev1.Volume{} },
		"node selector nil":   func(p *corev1.Pod) { p.Spec.NodeSelector = nil },
		"resources nil":       func(p *corev1.Pod) { p.Spec.Containers[0].Resources.Requests = nil },
		"memory 67108864": func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests[corev1.ResourceMemory] = resource.MustParse("67108864")
		},
	}
	out := map[string]*corev1.Pod{}
	for name, f := range v {
		p := basePod()
		f(p)
		out[name] = p
	}
	return out
}

// TestAgreesWithUpstream compares every pair of variants, as whole objects
// and by part, with the upstream function the engine used before.
func TestAgreesWithUpstream(t *testing.T) {
	vs := variants()
	for an, a := range vs {
		for bn, b := range vs {
			pairs := []struct {
				what string
				x, y any
			}{
				{"pod", a, b}, {"spec", a.Spec, b.Spec}, {"&spec", &a.Spec, &b.Spec},
				{"status", &a.Status, &b.Status}, {"labels", a.Labels, b.Labels},
			}
			for _, p := range pairs {
				want := equality.Semantic.DeepEqual(p.x, p.y)
				if got := Semantic(p.x, p.y); got != want {
					t.Errorf("%s: %q vs %q: got %v, upstream says %v", p.what, an, bn, got, want)
				}
			}
		}
	}
}

func TestFormsThatAreEqual(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b any
		want bool
	}{
		{"nil and empty slice", []string(nil), []string{}, true},
		{"quantities", resource.MustParse("1"), resource.MustParse("1000m"), true},
		{"zero quantity", resource.Quantity{}, resource.MustParse("0"), true},
		{"different kinds", &corev1.Pod{}, &batchv1.Job{}, false},
		{"nil and value", nil, &corev1.Pod{}, false},
	} {
		if got := Semantic(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
		if up := equality.Semantic.DeepEqual(tc.a, tc.b); up != tc.want {
			t.Errorf("%s: the case itself is wrong: upstream says %v", tc.name, up)
		}
	}
}

func BenchmarkPodSpec(b *testing.B) {
	x, y := basePod(), basePod()
	for _, impl := range []struct {
		name string
		eq   func(a, b any) bool
	}{{"upstream", equality.Semantic.DeepEqual}, {"equal", Semantic}} {
		b.Run(impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if !impl.eq(&x.Spec, &y.Spec) {
					b.Fatal(fmt.Sprint("unequal"))
				}
			}
		})
	}
}
