package admission

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func limitRange(ns, name string, created int, items ...corev1.LimitRangeItem) *corev1.LimitRange {
	lr := &corev1.LimitRange{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, CreationTimestamp: metav1.NewTime(time.Unix(int64(1000+created), 0))},
		Spec:       corev1.LimitRangeSpec{Limits: items},
	}
	// Stored LimitRanges were defaulted when created.
	defaultLimitRange(lr)
	return lr
}

// courseLR is lr-1 of chapter 9: min 0.1Gi, max 0.4Gi, ratio 3,
// defaultRequest 0.1Gi, default 0.2Gi.
func courseLR() *corev1.LimitRange {
	return limitRange("nm-5", "lr-1", 0, corev1.LimitRangeItem{Type: corev1.LimitTypeContainer,
		Min: rl("memory", "0.1Gi"), Max: rl("memory", "0.4Gi"), MaxLimitRequestRatio: rl("memory", "3"),
		DefaultRequest: rl("memory", "0.1Gi"), Default: rl("memory", "0.2Gi")})
}

func TestLimitRanger(t *testing.T) {
	tests := map[string]struct {
		lrs  []*corev1.LimitRange
		pod  *corev1.Pod
		want string
	}{
		"course: over max and ratio": {
			lrs:  []*corev1.LimitRange{courseLR()},
			pod:  pod("nm-5", "pod-1", withResources(ctr("container"), rl("memory", "0.1Gi"), rl("memory", "0.5Gi"))),
			want: `pods "pod-1" is forbidden: [maximum memory usage per Container is 429496729600m, but limit is 512Mi, memory max limit to request ratio per Container is 3, but provided ratio is 5.000000]`,
		},
		"course: within range": {
			lrs: []*corev1.LimitRange{courseLR()},
			pod: pod("nm-5", "pod-2", withResources(ctr("container"), rl("memory", "0.2Gi"), rl("memory", "0.4Gi"))),
		},
		"course: two LimitRanges, the older one's default breaks the newer max": {
			lrs: []*corev1.LimitRange{
				limitRange("nm-6", "lr-5", 0, corev1.LimitRangeItem{Type: corev1.LimitTypeContainer, Min: rl("memory", "0.1Gi"), Max: rl("memory", "0.5Gi"),
					MaxLimitRequestRatio: rl("memory", "1"), DefaultRequest: rl("memory", "0.5Gi"), Default: rl("memory", "0.5Gi")}),
				limitRange("nm-6", "lr-3", 1, corev1.LimitRangeItem{Type: corev1.LimitTypeContainer, Min: rl("memory", "0.1Gi"), Max: rl("memory", "0.3Gi"),
					MaxLimitRequestRatio: rl("memory", "1"), DefaultRequest: rl("memory", "0.3Gi"), Default: rl("memory", "0.3Gi")}),
			},
			pod:  pod("nm-6", "pod-1"),
			want: `pods "pod-1" is forbidden: maximum memory usage per Container is 322122547200m, but limit is 512Mi`,
		},
		"max memory": {
			lrs:  []*corev1.LimitRange{limitRange("default", "lr", 0, corev1.LimitRangeItem{Type: corev1.LimitTypeContainer, Max: rl("memory", "1Gi")})},
			pod:  pod("default", "p", withResources(ctr("c"), rl("memory", "1Gi"), rl("memory", "2Gi"))),
			want: `pods "p" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi`,
		},
		"min cpu": {
			lrs:  []*corev1.LimitRange{limitRange("default", "lr", 0, corev1.LimitRangeItem{Type: corev1.LimitTypeContainer, Min: rl("cpu", "100m")})},
			pod:  pod("default", "p", withResources(ctr("c"), rl("cpu", "50m"), nil)),
			want: `pods "p" is forbidden: minimum cpu usage per Container is 100m, but request is 50m`,
		},
		"cpu ratio": {
			lrs:  []*corev1.LimitRange{limitRange("default", "lr", 0, corev1.LimitRangeItem{Type: corev1.LimitTypeContainer, MaxLimitRequestRatio: rl("cpu", "3")})},
			pod:  pod("default", "p", withResources(ctr("c"), rl("cpu", "250m"), rl("cpu", "1"))),
			want: `pods "p" is forbidden: cpu max limit to request ratio per Container is 3, but provided ratio is 4.000000`,
		},
		"ratio without limit": {
			lrs:  []*corev1.LimitRange{limitRange("default", "lr", 0, corev1.LimitRangeItem{Type: corev1.LimitTypeContainer, MaxLimitRequestRatio: rl("cpu", "3")})},
			pod:  pod("default", "p", withResources(ctr("c"), rl("cpu", "250m"), nil)),
			want: `pods "p" is forbidden: cpu max limit to request ratio per Container is 3, but no limit is specified or limit is 0`,
		},
		"pod min without requests": {
			lrs:  []*corev1.LimitRange{limitRange("default", "lr", 0, corev1.LimitRangeItem{Type: corev1.LimitTypePod, Min: rl("cpu", "100m")})},
			pod:  pod("default", "p"),
			want: `pods "p" is forbidden: minimum cpu usage per Pod is 100m.  No request is specified`,
		},
		"pod max without limits": {
			lrs:  []*corev1.LimitRange{limitRange("default", "lr", 0, corev1.LimitRangeItem{Type: corev1.LimitTypePod, Max: rl("cpu", "2")})},
			pod:  pod("default", "p"),
			want: `pods "p" is forbidden: maximum cpu usage per Pod is 2.  No limit is specified`,
		},
		"pod max sums containers": {
			lrs:  []*corev1.LimitRange{limitRange("default", "lr", 0, corev1.LimitRangeItem{Type: corev1.LimitTypePod, Max: rl("cpu", "1500m")})},
			pod:  pod("default", "p", withResources(ctr("a"), rl("cpu", "1"), rl("cpu", "1")), withResources(ctr("b"), rl("cpu", "1"), rl("cpu", "1"))),
			want: `pods "p" is forbidden: maximum cpu usage per Pod is 1500m, but limit is 2`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			l := baseCluster(tc.pod.Namespace)
			for _, lr := range tc.lrs {
				l = l.with("limitranges", lr)
			}
			a := createAttrs(tc.pod, "pods")
			Default(a)
			wantErr(t, Admit(a, l, seeded()), tc.want, 403)
		})
	}
}

func TestLimitRangerDefaults(t *testing.T) {
	tests := map[string]struct {
		container      corev1.Container
		wantReq        string
		wantLim        string
		wantAnnotation string
	}{
		"nothing set": {
			container: ctr("container"), wantReq: "107374182400m", wantLim: "214748364800m",
			wantAnnotation: "LimitRanger plugin set: memory request for container container; memory limit for container container",
		},
		"request set": {
			container: withResources(ctr("container"), rl("memory", "0.2Gi"), nil), wantReq: "214748364800m", wantLim: "214748364800m",
			wantAnnotation: "LimitRanger plugin set: memory limit for container container",
		},
		"all set": {
			container: withResources(ctr("container"), rl("memory", "0.2Gi"), rl("memory", "0.4Gi")), wantReq: "214748364800m", wantLim: "429496729600m",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			l := baseCluster("nm-5").with("limitranges", courseLR())
			p := pod("nm-5", "pod-3", tc.container)
			a := createAttrs(p, "pods")
			Default(a)
			if err := Admit(a, l, seeded()); err != nil {
				t.Fatal(err)
			}
			r := p.Spec.Containers[0].Resources
			if r.Requests.Memory().String() != tc.wantReq || r.Limits.Memory().String() != tc.wantLim {
				t.Fatalf("resources = %v / %v", r.Requests, r.Limits)
			}
			if got := p.Annotations["kubernetes.io/limit-ranger"]; got != tc.wantAnnotation {
				t.Fatalf("annotation = %q, want %q", got, tc.wantAnnotation)
			}
			if p.Status.QOSClass != corev1.PodQOSBurstable {
				t.Fatalf("qos not recomputed after defaults: %s", p.Status.QOSClass)
			}
		})
	}
}

func TestLimitRangerPVC(t *testing.T) {
	lr := limitRange("default", "storage", 0, corev1.LimitRangeItem{Type: corev1.LimitTypePersistentVolumeClaim, Min: rl("storage", "1Gi"), Max: rl("storage", "20Gi")})
	tests := map[string]struct {
		size, want string
	}{
		"too small": {"500Mi", `persistentvolumeclaims "pvc-min" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi`},
		"too big":   {"30Gi", `persistentvolumeclaims "pvc-min" is forbidden: maximum storage usage per PersistentVolumeClaim is 20Gi, but request is 30Gi`},
		"fits":      {"5Gi", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			pvc := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "pvc-min", Namespace: "default"},
				Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					Resources: corev1.VolumeResourceRequirements{Requests: rl("storage", tc.size)}}}
			a := createAttrs(pvc, "persistentvolumeclaims")
			Default(a)
			wantErr(t, Admit(a, baseCluster().with("limitranges", lr), seeded()), tc.want, 403)
		})
	}
}
