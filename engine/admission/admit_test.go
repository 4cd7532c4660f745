package admission

import (
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

func TestNamespaceLifecycle(t *testing.T) {
	terminating := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "nm-2"}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}}
	store := baseCluster("nm-1").with("namespaces", terminating)
	tests := map[string]struct {
		a    *Attributes
		want string
		code int32
	}{
		"missing namespace": {
			a:    createAttrs(pod("nm-9", "pod-1"), "pods"),
			want: `namespaces "nm-9" not found`, code: 404,
		},
		"terminating namespace": {
			a:    createAttrs(pod("nm-2", "pod-1"), "pods"),
			want: `pods "pod-1" is forbidden: unable to create new content in namespace nm-2 because it is being terminated`, code: 403,
		},
		"update in terminating namespace is fine": {
			a: updateAttrs(pod("nm-2", "pod-1"), pod("nm-2", "pod-1"), "pods"),
		},
		"existing namespace": {
			a: createAttrs(pod("nm-1", "pod-1"), "pods"),
		},
		"delete default": {
			a:    &Attributes{Op: Delete, Resource: "namespaces", Name: "default"},
			want: `namespaces "default" is forbidden: this namespace may not be deleted`, code: 403,
		},
		"delete kube-system": {
			a:    &Attributes{Op: Delete, Resource: "namespaces", Name: "kube-system"},
			want: `namespaces "kube-system" is forbidden: this namespace may not be deleted`, code: 403,
		},
		"delete nm-1": {
			a: &Attributes{Op: Delete, Resource: "namespaces", Name: "nm-1"},
		},
		"create a namespace": {
			a: createAttrs(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "nm-3"}}, "namespaces"),
		},
		"cluster-scoped object": {
			a: createAttrs(&corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-1"}}, "persistentvolumes"),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			Default(tc.a)
			wantErr(t, Admit(tc.a, store, seeded()), tc.want, tc.code)
		})
	}
	t.Run("terminating cause", func(t *testing.T) {
		err := Admit(createAttrs(pod("nm-2", "pod-1"), "pods"), store, seeded())
		causes := err.(*apierrors.StatusError).ErrStatus.Details.Causes
		if len(causes) != 1 || causes[0].Type != corev1.NamespaceTerminatingCause || causes[0].Field != "metadata.namespace" {
			t.Fatalf("causes = %+v", causes)
		}
	})
}

var apiAccessName = regexp.MustCompile(`^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$`)

func TestServiceAccountAdmission(t *testing.T) {
	store := baseCluster("nm-1").with("namespaces", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "nm-new"}}).with("serviceaccounts",
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "no-mount", Namespace: "nm-1"}, AutomountServiceAccountToken: ptr.To(false),
			ImagePullSecrets: []corev1.LocalObjectReference{{Name: "regcred"}}})
	tests := map[string]struct {
		mutate func(*corev1.Pod)
		want   string
		check  func(*testing.T, *corev1.Pod)
	}{
		"default account and token volume": {
			mutate: func(p *corev1.Pod) { p.Spec.InitContainers = []corev1.Container{ctr("init")} },
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Spec.ServiceAccountName != "default" || p.Spec.DeprecatedServiceAccount != "default" {
					t.Fatalf("service account = %q/%q", p.Spec.ServiceAccountName, p.Spec.DeprecatedServiceAccount)
				}
				if len(p.Spec.Volumes) != 1 || !apiAccessName.MatchString(p.Spec.Volumes[0].Name) {
					t.Fatalf("volumes = %+v", p.Spec.Volumes)
				}
				v := p.Spec.Volumes[0].Projected
				if *v.DefaultMode != 420 || *v.Sources[0].ServiceAccountToken.ExpirationSeconds != 3607 || v.Sources[0].ServiceAccountToken.Path != "token" ||
					v.Sources[1].ConfigMap.Name != "kube-root-ca.crt" || v.Sources[1].ConfigMap.Items[0].Key != "ca.crt" ||
					v.Sources[2].DownwardAPI.Items[0].FieldRef.FieldPath != "metadata.namespace" {
					t.Fatalf("projected source = %+v", v)
				}
				for _, c := range append(p.Spec.InitContainers, p.Spec.Containers...) {
					m := c.VolumeMounts[len(c.VolumeMounts)-1]
					if m.Name != p.Spec.Volumes[0].Name || m.MountPath != "/var/run/secrets/kubernetes.io/serviceaccount" || !m.ReadOnly {
						t.Fatalf("mount of %s = %+v", c.Name, m)
					}
				}
			},
		},
		"automount off in the pod": {
			mutate: func(p *corev1.Pod) { p.Spec.AutomountServiceAccountToken = ptr.To(false) },
			check: func(t *testing.T, p *corev1.Pod) {
				if len(p.Spec.Volumes) != 0 || len(p.Spec.Containers[0].VolumeMounts) != 0 {
					t.Fatal("token mounted although automount is off")
				}
			},
		},
		"automount off in the account, pull secrets copied": {
			mutate: func(p *corev1.Pod) { p.Spec.ServiceAccountName = "no-mount" },
			check: func(t *testing.T, p *corev1.Pod) {
				if len(p.Spec.Volumes) != 0 || len(p.Spec.ImagePullSecrets) != 1 || p.Spec.ImagePullSecrets[0].Name != "regcred" {
					t.Fatalf("spec = %+v", p.Spec)
				}
			},
		},
		"own mount at the path wins": {
			mutate: func(p *corev1.Pod) {
				p.Spec.Volumes = []corev1.Volume{{Name: "mine"}}
				p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "mine", MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				if len(p.Spec.Volumes) != 1 || len(p.Spec.Containers[0].VolumeMounts) != 1 {
					t.Fatalf("spec = %+v", p.Spec)
				}
			},
		},
		"default account not created yet": {
			mutate: func(p *corev1.Pod) { p.Namespace = "nm-new" },
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Spec.ServiceAccountName != "default" || len(p.Spec.Volumes) != 1 {
					t.Fatalf("spec = %+v", p.Spec)
				}
			},
		},
		"missing account": {
			mutate: func(p *corev1.Pod) { p.Spec.ServiceAccountName = "robot" },
			want:   `pods "pod-1" is forbidden: error looking up service account nm-1/robot: serviceaccount "robot" not found`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := pod("nm-1", "pod-1")
			if tc.mutate != nil {
				tc.mutate(p)
			}
			a := createAttrs(p, "pods")
			Default(a)
			wantErr(t, Admit(a, store, seeded()), tc.want, 403)
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
	t.Run("suffix is reproducible", func(t *testing.T) {
		a, b := pod("nm-1", "x"), pod("nm-1", "y")
		_ = Admit(createAttrs(a, "pods"), store, seeded())
		_ = Admit(createAttrs(b, "pods"), store, seeded())
		if a.Spec.Volumes[0].Name != b.Spec.Volumes[0].Name {
			t.Fatalf("%s != %s", a.Spec.Volumes[0].Name, b.Spec.Volumes[0].Name)
		}
	})
}

func TestPodPlugins(t *testing.T) {
	high := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "high"}, Value: 1000, PreemptionPolicy: ptr.To(corev1.PreemptNever)}
	tests := map[string]struct {
		store  fakeLister
		mutate func(*corev1.Pod)
		want   string
		check  func(*testing.T, *corev1.Pod)
	}{
		"priority 0 and two tolerations": {
			store: baseCluster(),
			check: func(t *testing.T, p *corev1.Pod) {
				if *p.Spec.Priority != 0 || *p.Spec.PreemptionPolicy != corev1.PreemptLowerPriority || p.Spec.PriorityClassName != "" {
					t.Fatalf("priority = %v %v %q", *p.Spec.Priority, *p.Spec.PreemptionPolicy, p.Spec.PriorityClassName)
				}
				want := []corev1.Toleration{
					{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To(int64(300))},
					{Key: "node.kubernetes.io/unreachable", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To(int64(300))},
				}
				if len(p.Spec.Tolerations) != 2 || *p.Spec.Tolerations[0].TolerationSeconds != 300 ||
					p.Spec.Tolerations[0].Key != want[0].Key || p.Spec.Tolerations[1].Key != want[1].Key {
					t.Fatalf("tolerations = %+v", p.Spec.Tolerations)
				}
			},
		},
		"own not-ready toleration is kept": {
			store: baseCluster(),
			mutate: func(p *corev1.Pod) {
				p.Spec.Tolerations = []corev1.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To(int64(10))}}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				if len(p.Spec.Tolerations) != 2 || *p.Spec.Tolerations[0].TolerationSeconds != 10 || p.Spec.Tolerations[1].Key != "node.kubernetes.io/unreachable" {
					t.Fatalf("tolerations = %+v", p.Spec.Tolerations)
				}
			},
		},
		"priority class": {
			store:  baseCluster().with("priorityclasses", high),
			mutate: func(p *corev1.Pod) { p.Spec.PriorityClassName = "high" },
			check: func(t *testing.T, p *corev1.Pod) {
				if *p.Spec.Priority != 1000 || *p.Spec.PreemptionPolicy != corev1.PreemptNever {
					t.Fatalf("priority = %d %s", *p.Spec.Priority, *p.Spec.PreemptionPolicy)
				}
			},
		},
		"global default class": {
			store: baseCluster().with("priorityclasses", &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "normal"}, Value: 50, GlobalDefault: true}),
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Spec.PriorityClassName != "normal" || *p.Spec.Priority != 50 {
					t.Fatalf("priority = %q %d", p.Spec.PriorityClassName, *p.Spec.Priority)
				}
			},
		},
		"system class without object": {
			store:  baseCluster(),
			mutate: func(p *corev1.Pod) { p.Spec.PriorityClassName = "system-cluster-critical" },
			check: func(t *testing.T, p *corev1.Pod) {
				if *p.Spec.Priority != 2000000000 {
					t.Fatalf("priority = %d", *p.Spec.Priority)
				}
			},
		},
		"unknown class": {
			store:  baseCluster(),
			mutate: func(p *corev1.Pod) { p.Spec.PriorityClassName = "urgent" },
			want:   `pods "pod-1" is forbidden: no PriorityClass with name urgent was found`,
		},
		"priority given by hand": {
			store:  baseCluster().with("priorityclasses", high),
			mutate: func(p *corev1.Pod) { p.Spec.PriorityClassName, p.Spec.Priority = "high", ptr.To(int32(5)) },
			want:   `pods "pod-1" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := pod("default", "pod-1")
			if tc.mutate != nil {
				tc.mutate(p)
			}
			a := createAttrs(p, "pods")
			Default(a)
			wantErr(t, Admit(a, tc.store, seeded()), tc.want, 403)
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

func TestStoragePlugins(t *testing.T) {
	pvc := func(size string, class *string, phase corev1.PersistentVolumeClaimPhase) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "pvc-01", Namespace: "default", ResourceVersion: "3"},
			Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}, StorageClassName: class,
				Resources: corev1.VolumeResourceRequirements{Requests: rl("storage", size)}},
			Status: corev1.PersistentVolumeClaimStatus{Phase: phase}}
	}
	standard := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "standard", Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
		AllowVolumeExpansion: ptr.To(true)}
	tests := map[string]struct {
		a     *Attributes
		store fakeLister
		want  string
		check func(*testing.T, runtime.Object)
	}{
		"pvc protection finalizer": {
			a: createAttrs(pvc("1Gi", nil, ""), "persistentvolumeclaims"), store: baseCluster(),
			check: func(t *testing.T, o runtime.Object) {
				p := o.(*corev1.PersistentVolumeClaim)
				if len(p.Finalizers) != 1 || p.Finalizers[0] != "kubernetes.io/pvc-protection" || p.Spec.StorageClassName != nil {
					t.Fatalf("pvc = %+v", p.ObjectMeta)
				}
			},
		},
		"pv protection finalizer": {
			a: createAttrs(&corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-01"}}, "persistentvolumes"), store: baseCluster(),
			check: func(t *testing.T, o runtime.Object) {
				if f := o.(*corev1.PersistentVolume).Finalizers; len(f) != 1 || f[0] != "kubernetes.io/pv-protection" {
					t.Fatalf("finalizers = %v", f)
				}
			},
		},
		"default storage class": {
			a: createAttrs(pvc("1Gi", nil, ""), "persistentvolumeclaims"), store: baseCluster().with("storageclasses", standard),
			check: func(t *testing.T, o runtime.Object) {
				if c := o.(*corev1.PersistentVolumeClaim).Spec.StorageClassName; c == nil || *c != "standard" {
					t.Fatalf("storageClassName = %v", c)
				}
			},
		},
		"empty class stays empty": {
			a: createAttrs(pvc("1Gi", ptr.To(""), ""), "persistentvolumeclaims"), store: baseCluster().with("storageclasses", standard),
			check: func(t *testing.T, o runtime.Object) {
				if c := o.(*corev1.PersistentVolumeClaim).Spec.StorageClassName; *c != "" {
					t.Fatalf("storageClassName = %q", *c)
				}
			},
		},
		"growing a claim without expandable class": {
			a: updateAttrs(pvc("2Gi", ptr.To(""), corev1.ClaimBound), pvc("1Gi", ptr.To(""), corev1.ClaimBound), "persistentvolumeclaims"), store: baseCluster(),
			want: `persistentvolumeclaims "pvc-01" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize`,
		},
		"growing an unbound claim": {
			a: updateAttrs(pvc("2Gi", ptr.To("standard"), ""), pvc("1Gi", ptr.To("standard"), corev1.ClaimPending), "persistentvolumeclaims"), store: baseCluster().with("storageclasses", standard),
			want: `persistentvolumeclaims "pvc-01" is forbidden: Only bound persistent volume claims can be expanded`,
		},
		"growing with an expandable class": {
			a: updateAttrs(pvc("2Gi", ptr.To("standard"), corev1.ClaimBound), pvc("1Gi", ptr.To("standard"), corev1.ClaimBound), "persistentvolumeclaims"), store: baseCluster().with("storageclasses", standard),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			wantErr(t, Admit(tc.a, tc.store, seeded()), tc.want, 403)
			if tc.check != nil {
				tc.check(t, tc.a.Object)
			}
		})
	}
}

// TestProcess runs whole requests in kube-apiserver's order.
func TestProcess(t *testing.T) {
	lr := limitRange("default", "mem", 0, corev1.LimitRangeItem{Type: corev1.LimitTypeContainer, Default: rl("memory", "512Mi"), DefaultRequest: rl("memory", "256Mi")})
	tests := map[string]struct {
		a     *Attributes
		store fakeLister
		want  string
		check func(*testing.T, runtime.Object)
	}{
		"a LimitRange default below the request fails validation": {
			a:     createAttrs(pod("default", "p", withResources(ctr("c"), rl("memory", "1Gi"), nil)), "pods"),
			store: baseCluster().with("limitranges", lr),
			want:  `Pod "p" is invalid: spec.containers[0].resources.requests: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi`,
		},
		"invalid pod in a missing namespace reports the namespace": {
			a:     createAttrs(pod("nm-9", "P"), "pods"),
			store: baseCluster(),
			want:  `namespaces "nm-9" not found`,
		},
		"a full pod": {
			a:     createAttrs(pod("default", "pod-1"), "pods"),
			store: baseCluster().with("limitranges", lr),
			check: func(t *testing.T, o runtime.Object) {
				p := o.(*corev1.Pod)
				if p.Status.QOSClass != corev1.PodQOSBurstable || p.Spec.Priority == nil || len(p.Spec.Tolerations) != 2 ||
					len(p.Spec.Volumes) != 1 || p.Spec.Containers[0].Resources.Limits.Memory().String() != "512Mi" {
					t.Fatalf("pod = %+v", p.Spec)
				}
			},
		},
		"a service gets its address before validation": {
			a:     createAttrs(service("default", "svc-1", corev1.ServiceTypeNodePort, corev1.ServicePort{Port: 9000, NodePort: 30001}), "services"),
			store: baseCluster(),
			check: func(t *testing.T, o runtime.Object) {
				s := o.(*corev1.Service)
				if s.Spec.ClusterIP == "" || s.Spec.Ports[0].NodePort != 30001 {
					t.Fatalf("service = %+v", s.Spec)
				}
			},
		},
		"quota is checked after validation": {
			a:     createAttrs(pod("default", "Bad_Name"), "pods"),
			store: baseCluster().with("resourcequotas", quota("default", "rq", rl("pods", "0"))),
			want:  `Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := Process(tc.a, tc.store, seeded())
			wantErr(t, err, tc.want, 0)
			if tc.check != nil {
				tc.check(t, tc.a.Object)
			}
		})
	}
}

func TestGenerateName(t *testing.T) {
	tests := map[string]struct {
		base string
		want *regexp.Regexp
	}{
		"replica set pod":  {"web-7d4b9c-", regexp.MustCompile(`^web-7d4b9c-[bcdfghjklmnpqrstvwxz2456789]{5}$`)},
		"long base is cut": {strings.Repeat("a", 70), regexp.MustCompile(`^a{58}[bcdfghjklmnpqrstvwxz2456789]{5}$`)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := GenerateName(tc.base, seeded()); !tc.want.MatchString(got) {
				t.Fatalf("got %q", got)
			}
		})
	}
}

func TestDefaultNamespaceFromRequest(t *testing.T) {
	p := pod("", "p")
	a := createAttrs(p, "pods")
	a.Namespace = "nm-1"
	Default(a)
	pv := &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv", Namespace: "nm-1"}}
	Default(createAttrs(pv, "persistentvolumes"))
	if p.Namespace != "nm-1" || pv.Namespace != "" {
		t.Fatalf("pod namespace %q, pv namespace %q", p.Namespace, pv.Namespace)
	}
}
