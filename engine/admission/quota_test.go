package admission

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

func quota(ns, name string, hard corev1.ResourceList, scopes ...corev1.ResourceQuotaScope) *corev1.ResourceQuota {
	return &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: corev1.ResourceQuotaSpec{Hard: hard, Scopes: scopes}}
}

// stored returns a pod as the store would hold it after admission.
func stored(p *corev1.Pod, phase corev1.PodPhase) *corev1.Pod {
	Default(createAttrs(p, "pods"))
	if phase != "" {
		p.Status.Phase = phase
	}
	return p
}

func memPod(ns, name, mem string) *corev1.Pod {
	return pod(ns, name, withResources(ctr("container"), rl("memory", mem), rl("memory", mem)))
}

func TestResourceQuotaAdmission(t *testing.T) {
	rq1 := quota("nm-3", "rq-1", rl("requests.memory", "1Gi", "limits.memory", "1Gi"))
	tests := map[string]struct {
		store fakeLister
		obj   runtime.Object
		res   string
		want  string
	}{
		"course: pod without resources": {
			store: baseCluster("nm-3").with("resourcequotas", rq1),
			obj:   pod("nm-3", "pod-2", ctr("container")),
			res:   "pods",
			want:  `pods "pod-2" is forbidden: failed quota: rq-1: must specify limits.memory for: container; requests.memory for: container`,
		},
		"several containers miss the same resource": {
			store: baseCluster("nm-3").with("resourcequotas", quota("nm-3", "rq", rl("cpu", "2"))),
			obj:   pod("nm-3", "p", ctr("web"), ctr("log"), withResources(ctr("ok"), rl("cpu", "100m"), nil)),
			res:   "pods",
			want:  `pods "p" is forbidden: failed quota: rq: must specify cpu for: log,web`,
		},
		"course: pod within quota": {
			store: baseCluster("nm-3").with("resourcequotas", rq1),
			obj:   memPod("nm-3", "pod-3", "0.5Gi"),
			res:   "pods",
		},
		"course: pod beyond quota": {
			store: baseCluster("nm-3").with("resourcequotas", rq1).with("pods", stored(memPod("nm-3", "pod-3", "0.5Gi"), corev1.PodRunning)),
			obj:   memPod("nm-3", "pod-4", "0.8Gi"),
			res:   "pods",
			want:  `pods "pod-4" is forbidden: exceeded quota: rq-1, requested: limits.memory=858993459200m,requests.memory=858993459200m, used: limits.memory=512Mi,requests.memory=512Mi, limited: limits.memory=1Gi,requests.memory=1Gi`,
		},
		"requested above an empty namespace": {
			store: baseCluster().with("resourcequotas", quota("default", "rq", rl("requests.memory", "500Mi"))),
			obj:   pod("default", "p", withResources(ctr("c"), rl("memory", "1Gi"), nil)),
			res:   "pods",
			want:  `pods "p" is forbidden: exceeded quota: rq, requested: requests.memory=1Gi, used: requests.memory=0, limited: requests.memory=500Mi`,
		},
		"pod count": {
			store: baseCluster("nm-3").with("resourcequotas", quota("nm-3", "rq-2", rl("pods", "2"))).
				with("pods", stored(pod("nm-3", "a"), corev1.PodRunning), stored(pod("nm-3", "b"), corev1.PodPending)),
			obj:  pod("nm-3", "c"),
			res:  "pods",
			want: `pods "c" is forbidden: exceeded quota: rq-2, requested: pods=1, used: pods=2, limited: pods=2`,
		},
		"finished pods are not counted": {
			store: baseCluster("nm-3").with("resourcequotas", quota("nm-3", "rq-2", rl("pods", "2"))).
				with("pods", stored(pod("nm-3", "a"), corev1.PodSucceeded), stored(pod("nm-3", "b"), corev1.PodFailed), stored(pod("nm-3", "c"), corev1.PodRunning)),
			obj: pod("nm-3", "d"),
			res: "pods",
		},
		"count/pods counts finished pods": {
			store: baseCluster("nm-3").with("resourcequotas", quota("nm-3", "rq", rl("count/pods", "1"))).
				with("pods", stored(pod("nm-3", "a"), corev1.PodSucceeded)),
			obj:  pod("nm-3", "b"),
			res:  "pods",
			want: `pods "b" is forbidden: exceeded quota: rq, requested: count/pods=1, used: count/pods=1, limited: count/pods=1`,
		},
		"other namespaces do not count": {
			store: baseCluster("nm-3", "nm-4").with("resourcequotas", quota("nm-3", "rq-2", rl("pods", "1"))).
				with("pods", stored(pod("nm-4", "a"), corev1.PodRunning)),
			obj: pod("nm-3", "b"),
			res: "pods",
		},
		"best effort scope ignores burstable pods": {
			store: baseCluster().with("resourcequotas", quota("default", "be", rl("pods", "0"), corev1.ResourceQuotaScopeBestEffort)),
			obj:   pod("default", "p", withResources(ctr("c"), rl("cpu", "100m"), nil)),
			res:   "pods",
		},
		"best effort scope catches best effort pods": {
			store: baseCluster().with("resourcequotas", quota("default", "be", rl("pods", "0"), corev1.ResourceQuotaScopeBestEffort)),
			obj:   pod("default", "p"),
			res:   "pods",
			want:  `pods "p" is forbidden: exceeded quota: be, requested: pods=1, used: pods=0, limited: pods=0`,
		},
		"configmaps": {
			store: baseCluster().with("resourcequotas", quota("default", "objects", rl("configmaps", "1"))).
				with("configmaps", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "kube-root-ca.crt", Namespace: "default"}}),
			obj:  &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm-dev", Namespace: "default"}},
			res:  "configmaps",
			want: `configmaps "cm-dev" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=1, limited: configmaps=1`,
		},
		"count of deployments": {
			store: baseCluster().with("resourcequotas", quota("default", "objects", rl("count/deployments.apps", "1"))).
				with("deployments", deployment(nil)),
			obj:  deployment(func(d *appsv1.Deployment) { d.Name = "deployment-2" }),
			res:  "deployments",
			want: `deployments.apps "deployment-2" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1`,
		},
		"node ports": {
			store: baseCluster().with("resourcequotas", quota("default", "svc", rl("services.nodeports", "1"))),
			obj: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "np", Namespace: "default"}, Spec: corev1.ServiceSpec{
				Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{Name: "a", Port: 80}, {Name: "b", Port: 443}}}},
			res:  "services",
			want: `services "np" is forbidden: exceeded quota: svc, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1`,
		},
		"load balancers": {
			store: baseCluster().with("resourcequotas", quota("default", "s4-quota", rl("services.loadbalancers", "1"))).
				with("services", &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "lb-1", Namespace: "default"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer}}),
			obj:  &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "q-lb", Namespace: "default"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 80}}}},
			res:  "services",
			want: `services "q-lb" is forbidden: exceeded quota: s4-quota, requested: services.loadbalancers=1, used: services.loadbalancers=1, limited: services.loadbalancers=1`,
		},
		"storage": {
			store: baseCluster().with("resourcequotas", quota("default", "s4-quota", rl("requests.storage", "10Gi"))).
				with("persistentvolumeclaims", &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "a", Namespace: "default"},
					Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{Requests: rl("storage", "5Gi")}}}),
			obj: &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "q-pvc-storage", Namespace: "default"},
				Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}, Resources: corev1.VolumeResourceRequirements{Requests: rl("storage", "6Gi")}}},
			res:  "persistentvolumeclaims",
			want: `persistentvolumeclaims "q-pvc-storage" is forbidden: exceeded quota: s4-quota, requested: requests.storage=6Gi, used: requests.storage=5Gi, limited: requests.storage=10Gi`,
		},
		"oldest refusing quota is reported": {
			store: baseCluster().with("resourcequotas",
				&corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "zz-old", Namespace: "default", CreationTimestamp: metav1.NewTime(time.Unix(1, 0))}, Spec: corev1.ResourceQuotaSpec{Hard: rl("pods", "0")}},
				&corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "aa-new", Namespace: "default", CreationTimestamp: metav1.NewTime(time.Unix(2, 0))}, Spec: corev1.ResourceQuotaSpec{Hard: rl("pods", "0")}}),
			obj:  pod("default", "p"),
			res:  "pods",
			want: `pods "p" is forbidden: exceeded quota: zz-old, requested: pods=1, used: pods=0, limited: pods=0`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a := createAttrs(tc.obj, tc.res)
			Default(a)
			wantErr(t, Admit(a, tc.store, seeded()), tc.want, 403)
		})
	}
}

func TestResourceQuotaUpdateDelta(t *testing.T) {
	base := func(typ corev1.ServiceType) *corev1.Service {
		return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "svc", Namespace: "default", ResourceVersion: "5"},
			Spec: corev1.ServiceSpec{Type: typ, ClusterIP: "10.96.5.5", ClusterIPs: []string{"10.96.5.5"}, Ports: []corev1.ServicePort{{Port: 80}}}}
	}
	tests := map[string]struct {
		old, obj *corev1.Service
		want     string
	}{
		"ClusterIP to NodePort is charged the new node port": {
			old:  base(corev1.ServiceTypeClusterIP),
			obj:  base(corev1.ServiceTypeNodePort),
			want: `services "svc" is forbidden: exceeded quota: svc, requested: services.nodeports=1, used: services.nodeports=0, limited: services.nodeports=0`,
		},
		"an unchanged update costs nothing": {
			old: base(corev1.ServiceTypeClusterIP),
			obj: base(corev1.ServiceTypeClusterIP),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			Default(createAttrs(tc.old, "services"))
			store := baseCluster().with("resourcequotas", quota("default", "svc", rl("services.nodeports", "0", "services", "1"))).with("services", tc.old)
			a := updateAttrs(tc.obj, tc.old, "services")
			Default(a)
			wantErr(t, Admit(a, store, seeded()), tc.want, 403)
		})
	}
}

func TestQuotaUsage(t *testing.T) {
	store := baseCluster("nm-3").
		with("pods",
			stored(memPod("nm-3", "a", "512Mi"), corev1.PodRunning),
			stored(pod("nm-3", "b", withResources(ctr("c"), rl("cpu", "250m", "memory", "256Mi"), rl("cpu", "500m", "memory", "256Mi"))), corev1.PodPending),
			stored(memPod("nm-3", "done", "1Gi"), corev1.PodSucceeded),
			stored(memPod("default", "elsewhere", "1Gi"), corev1.PodRunning)).
		with("services",
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "np", Namespace: "nm-3"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{Port: 1}, {Port: 2}}}},
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "nm-3"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP}}).
		with("configmaps", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "kube-root-ca.crt", Namespace: "nm-3"}}).
		with("secrets", &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "nm-3"}}).
		with("persistentvolumeclaims", &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "pvc", Namespace: "nm-3"},
			Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: ptr.To("fast"), Resources: corev1.VolumeResourceRequirements{Requests: rl("storage", "1Gi")}}}).
		with("deployments", deployment(func(d *appsv1.Deployment) { d.Namespace = "nm-3" })).
		with("replicationcontrollers", &corev1.ReplicationController{ObjectMeta: metav1.ObjectMeta{Name: "rc", Namespace: "nm-3"}})
	tests := map[string]struct {
		hard, want corev1.ResourceList
		scopes     []corev1.ResourceQuotaScope
	}{
		"compute": {
			hard: rl("requests.memory", "10Gi", "limits.memory", "10Gi", "requests.cpu", "10", "limits.cpu", "10", "cpu", "10", "memory", "10Gi"),
			want: rl("requests.memory", "768Mi", "limits.memory", "768Mi", "requests.cpu", "250m", "limits.cpu", "500m", "cpu", "250m", "memory", "768Mi"),
		},
		"objects": {
			hard: rl("pods", "10", "count/pods", "10", "services", "10", "services.nodeports", "10", "configmaps", "10", "secrets", "10",
				"persistentvolumeclaims", "10", "requests.storage", "10Gi", "count/deployments.apps", "10", "replicationcontrollers", "10", "resourcequotas", "10",
				"fast.storageclass.storage.k8s.io/requests.storage", "10Gi"),
			want: rl("pods", "2", "count/pods", "3", "services", "2", "services.nodeports", "2", "configmaps", "1", "secrets", "1",
				"persistentvolumeclaims", "1", "requests.storage", "1Gi", "count/deployments.apps", "1", "replicationcontrollers", "1", "resourcequotas", "0",
				"fast.storageclass.storage.k8s.io/requests.storage", "1Gi"),
		},
		"not best effort scope": {
			hard:   rl("pods", "10"),
			scopes: []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeNotBestEffort},
			want:   rl("pods", "2"),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := QuotaUsage(quota("nm-3", "rq", tc.hard, tc.scopes...), store)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for n, w := range tc.want {
				if g := got[n]; g.Cmp(w) != 0 {
					t.Fatalf("%s = %s, want %s (all: %v)", n, g.String(), w.String(), got)
				}
			}
		})
	}
}
