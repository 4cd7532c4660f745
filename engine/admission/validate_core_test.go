package admission

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"
)

func svc(name string, mutate func(*corev1.ServiceSpec)) *corev1.Service {
	s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "nm-1"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "pod"}, Ports: []corev1.ServicePort{{Port: 9000, TargetPort: intstr.FromInt32(8080)}}}}
	if mutate != nil {
		mutate(&s.Spec)
	}
	return s
}

func TestValidateCreateCore(t *testing.T) {
	tests := map[string]struct {
		obj  runtime.Object
		res  string
		want string
	}{
		"service ok": {obj: svc("svc-1", nil), res: "services"},
		"service name must be DNS-1035": {
			obj:  svc("1svc", nil),
			res:  "services",
			want: `Service "1svc" is invalid: metadata.name: Invalid value: "1svc": ` + validation.IsDNS1035Label("1svc")[0],
		},
		"service without ports": {
			obj:  svc("svc-1", func(s *corev1.ServiceSpec) { s.Ports = nil }),
			res:  "services",
			want: `Service "svc-1" is invalid: spec.ports: Required value`,
		},
		"nodePort on ClusterIP": {
			obj:  svc("svc-1", func(s *corev1.ServiceSpec) { s.Ports[0].NodePort = 30001 }),
			res:  "services",
			want: "Service \"svc-1\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
		},
		"two unnamed ports": {
			obj:  svc("svc-1", func(s *corev1.ServiceSpec) { s.Ports = append(s.Ports, corev1.ServicePort{Port: 9443}) }),
			res:  "services",
			want: `Service "svc-1" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]`,
		},
		"duplicate port": {
			obj: svc("svc-1", func(s *corev1.ServiceSpec) {
				s.Ports = []corev1.ServicePort{{Name: "a", Port: 80}, {Name: "b", Port: 80}}
			}),
			res:  "services",
			want: `Service "svc-1" is invalid: spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}`,
		},
		"port out of range": {
			obj:  svc("svc-1", func(s *corev1.ServiceSpec) { s.Ports[0].Port = 0 }),
			res:  "services",
			want: `Service "svc-1" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive`,
		},
		"unknown type": {
			obj:  svc("svc-1", func(s *corev1.ServiceSpec) { s.Type = "Internal" }),
			res:  "services",
			want: `Service "svc-1" is invalid: spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
		},
		"headless NodePort": {
			obj:  svc("svc-1", func(s *corev1.ServiceSpec) { s.Type, s.ClusterIP = corev1.ServiceTypeNodePort, "None" }),
			res:  "services",
			want: `Service "svc-1" is invalid: spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`,
		},
		"externalName required": {
			obj:  svc("svc-1", func(s *corev1.ServiceSpec) { s.Type, s.Ports, s.Selector = corev1.ServiceTypeExternalName, nil, nil }),
			res:  "services",
			want: `Service "svc-1" is invalid: spec.externalName: Required value`,
		},
		"selector label value": {
			obj:  svc("svc-1", func(s *corev1.ServiceSpec) { s.Selector = map[string]string{"app": "a b"} }),
			res:  "services",
			want: `Service "svc-1" is invalid: spec.selector: Invalid value: "a b": ` + validation.IsValidLabelValue("a b")[0],
		},
		"namespace name": {
			obj:  &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "Nm-1"}},
			res:  "namespaces",
			want: `Namespace "Nm-1" is invalid: metadata.name: Invalid value: "Nm-1": ` + validation.IsDNS1123Label("Nm-1")[0],
		},
		"configmap key": {
			obj:  &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm-dev", Namespace: "nm-1"}, Data: map[string]string{"SSH key": "x"}},
			res:  "configmaps",
			want: `ConfigMap "cm-dev" is invalid: data[SSH key]: Invalid value: "SSH key": ` + validation.IsConfigMapKey("SSH key")[0],
		},
		"secret key": {
			obj:  &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "sec-dev", Namespace: "nm-1"}, Data: map[string][]byte{"a/b": nil}},
			res:  "secrets",
			want: `Secret "sec-dev" is invalid: data[a/b]: Invalid value: "a/b": ` + validation.IsConfigMapKey("a/b")[0],
		},
		"tls secret without keys": {
			obj:  &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "tls", Namespace: "nm-1"}, Type: corev1.SecretTypeTLS},
			res:  "secrets",
			want: `Secret "tls" is invalid: [data[tls.crt]: Required value, data[tls.key]: Required value]`,
		},
		"pvc without storage": {
			obj: &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "pvc-01", Namespace: "nm-1"},
				Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}}},
			res:  "persistentvolumeclaims",
			want: `PersistentVolumeClaim "pvc-01" is invalid: spec.resources[storage]: Required value`,
		},
		"pvc without access modes": {
			obj: &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "pvc-01", Namespace: "nm-1"},
				Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{Requests: rl("storage", "1G")}}},
			res:  "persistentvolumeclaims",
			want: `PersistentVolumeClaim "pvc-01" is invalid: spec.accessModes: Required value: at least 1 access mode is required`,
		},
		"pv ok": {
			obj: &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-03"}, Spec: corev1.PersistentVolumeSpec{
				Capacity: rl("storage", "2G"), AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/node-v"}}}},
			res: "persistentvolumes",
		},
		"pv without capacity or source": {
			obj: &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-03"}, Spec: corev1.PersistentVolumeSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}}},
			res:  "persistentvolumes",
			want: `PersistentVolume "pv-03" is invalid: [spec.capacity: Required value, spec.capacity: Unsupported value: null: supported values: "storage", spec: Required value: must specify a volume type]`,
		},
		"pv local without node affinity": {
			obj: &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-04"}, Spec: corev1.PersistentVolumeSpec{
				Capacity: rl("storage", "2G"), AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				PersistentVolumeSource: corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: "/node-v"}}}},
			res:  "persistentvolumes",
			want: `PersistentVolume "pv-04" is invalid: spec.nodeAffinity: Required value: Local volume requires node affinity`,
		},
		"replication controller selector": {
			obj: &corev1.ReplicationController{ObjectMeta: metav1.ObjectMeta{Name: "replication-1", Namespace: "nm-1"},
				Spec: corev1.ReplicationControllerSpec{Selector: map[string]string{"cascade": "false"},
					Template: &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"cascade": "true"}},
						Spec: corev1.PodSpec{Containers: []corev1.Container{ctr("c")}}}}},
			res:  "replicationcontrollers",
			want: "ReplicationController \"replication-1\" is invalid: spec.template.metadata.labels: Invalid value: {\"cascade\":\"true\"}: `selector` does not match template `labels`",
		},
		"quota resource name": {
			obj:  &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "rq-1", Namespace: "nm-3"}, Spec: corev1.ResourceQuotaSpec{Hard: rl("memroy", "1Gi")}},
			res:  "resourcequotas",
			want: `ResourceQuota "rq-1" is invalid: spec.hard[memroy]: Invalid value: "memroy": must be a standard resource for quota`,
		},
		"quota count must be integer": {
			obj:  &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "rq-2", Namespace: "nm-3"}, Spec: corev1.ResourceQuotaSpec{Hard: rl("pods", "1500m")}},
			res:  "resourcequotas",
			want: `ResourceQuota "rq-2" is invalid: spec.hard[pods]: Invalid value: "1500m": must be an integer`,
		},
		"limitrange min above max": {
			obj: &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "lr-1", Namespace: "nm-5"},
				Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer, Min: rl("memory", "1Gi"), Max: rl("memory", "512Mi")}}}},
			res:  "limitranges",
			want: `LimitRange "lr-1" is invalid: [spec.limits[0].min[memory]: Invalid value: "1Gi": min value 1Gi is greater than max value 512Mi, spec.limits[0].defaultRequest[memory]: Invalid value: "512Mi": min value 1Gi is greater than default request value 512Mi, spec.limits[0].default[memory]: Invalid value: "1Gi": min value 1Gi is greater than default value 512Mi]`,
		},
		"limitrange ratio below 1": {
			obj: &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "lr-1", Namespace: "nm-5"},
				Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer, MaxLimitRequestRatio: rl("memory", "500m")}}}},
			res:  "limitranges",
			want: `LimitRange "lr-1" is invalid: spec.limits[0].maxLimitRequestRatio[memory]: Invalid value: "500m": ratio 500m is less than 1`,
		},
		"course limitrange is valid": {
			obj: &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "lr-1", Namespace: "nm-5"},
				Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer,
					Min: rl("memory", "0.1Gi"), Max: rl("memory", "0.4Gi"), MaxLimitRequestRatio: rl("memory", "3"),
					DefaultRequest: rl("memory", "0.1Gi"), Default: rl("memory", "0.2Gi")}}}},
			res: "limitranges",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a := createAttrs(tc.obj, tc.res)
			Default(a)
			wantErr(t, Validate(a), tc.want, 422)
		})
	}
}

func TestValidateUpdateCore(t *testing.T) {
	allocated := func(s *corev1.ServiceSpec) {
		s.ClusterIP, s.ClusterIPs = "10.96.0.50", []string{"10.96.0.50"}
	}
	tests := map[string]struct {
		old, obj   runtime.Object
		res        string
		want       string
		wantPrefix string
	}{
		"service clusterIP is kept": {
			old:  svc("svc-1", allocated),
			obj:  svc("svc-1", func(s *corev1.ServiceSpec) { s.ClusterIP = "10.96.0.99" }),
			res:  "services",
			want: `Service "svc-1" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.99"]: may not change once set`,
		},
		"service without clusterIP keeps the old one": {
			old: svc("svc-1", allocated),
			obj: svc("svc-1", nil),
			res: "services",
		},
		"immutable configmap": {
			old:  &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm", Namespace: "nm-1", ResourceVersion: "3"}, Data: map[string]string{"a": "1"}, Immutable: ptr.To(true)},
			obj:  &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm", Namespace: "nm-1", ResourceVersion: "3"}, Data: map[string]string{"a": "2"}, Immutable: ptr.To(true)},
			res:  "configmaps",
			want: "ConfigMap \"cm\" is invalid: data: Forbidden: field is immutable when `immutable` is set",
		},
		"secret type": {
			old:  &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "nm-1"}},
			obj:  &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "nm-1"}, Type: corev1.SecretTypeBasicAuth, Data: map[string][]byte{"username": nil}},
			res:  "secrets",
			want: `Secret "s" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable`,
		},
		"pvc access modes": {
			old: &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "pvc-01", Namespace: "nm-1"},
				Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}, Resources: corev1.VolumeResourceRequirements{Requests: rl("storage", "1G")}}},
			obj: &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "pvc-01", Namespace: "nm-1"},
				Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}, Resources: corev1.VolumeResourceRequirements{Requests: rl("storage", "1G")}}},
			res:        "persistentvolumeclaims",
			wantPrefix: "PersistentVolumeClaim \"pvc-01\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n@@ -1,6 +1,6 @@\n {\n  \"AccessModes\": [\n-  \"ReadWriteOnce\"\n+  \"ReadWriteMany\"\n  ],\n  \"Selector\": null,",
		},
		"pv source": {
			old: &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-01"}, Spec: corev1.PersistentVolumeSpec{
				Capacity: rl("storage", "1G"), AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/a"}}}},
			obj: &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-01"}, Spec: corev1.PersistentVolumeSpec{
				Capacity: rl("storage", "1G"), AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/b"}}}},
			res:        "persistentvolumes",
			wantPrefix: "PersistentVolume \"pv-01\" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n@@",
		},
		"namespace finalizers and status are kept": {
			old: &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "nm-1"}},
			obj: &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "nm-1", Labels: map[string]string{"team": "a"}}},
			res: "namespaces",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			Default(createAttrs(tc.old, tc.res))
			a := updateAttrs(tc.obj, tc.old, tc.res)
			Default(a)
			err := Validate(a)
			if tc.wantPrefix != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantPrefix) {
					t.Fatalf("got %v\nwant prefix %q", err, tc.wantPrefix)
				}
				return
			}
			wantErr(t, err, tc.want, 422)
		})
	}
}

func TestValidateNameMismatch(t *testing.T) {
	old := pod("nm-1", "p")
	a := updateAttrs(pod("nm-1", "q"), old, "pods")
	a.Name = "p"
	wantErr(t, Validate(a), "the name of the object (q) does not match the name on the URL (p)", 400)
}

func TestValidateNamespaceMismatch(t *testing.T) {
	a := createAttrs(pod("nm-1", "p"), "pods")
	a.Namespace = "nm-2"
	wantErr(t, Validate(a), "the namespace of the provided object does not match the namespace sent on the request", 400)

	p := pod("", "p")
	a = createAttrs(p, "pods")
	a.Namespace = "nm-2"
	Default(a)
	wantErr(t, Validate(a), "", 0)
	if p.Namespace != "nm-2" {
		t.Fatalf("namespace not taken from the request: %q", p.Namespace)
	}
}
