package printers

import (
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestCoreCells(t *testing.T) {
	quantities := func(kv ...string) corev1.ResourceList {
		out := corev1.ResourceList{}
		for i := 0; i < len(kv); i += 2 {
			out[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
		}
		return out
	}
	tests := map[string]struct {
		resource string
		obj      runtime.Object
		want     []interface{}
	}{
		"namespace": {
			resource: "namespaces",
			obj:      &corev1.Namespace{ObjectMeta: objMeta("shop", 30*time.Second), Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}},
			want:     []interface{}{"shop", "Active", "30s"},
		},
		"terminating namespace": {
			resource: "namespaces",
			obj:      &corev1.Namespace{ObjectMeta: objMeta("old", 30*time.Second), Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}},
			want:     []interface{}{"old", "Terminating", "30s"},
		},
		"config map counts data and binary data": {
			resource: "configmaps",
			obj: &corev1.ConfigMap{ObjectMeta: objMeta("cfg", time.Hour), Data: map[string]string{"a": "1", "b": "2"},
				BinaryData: map[string][]byte{"c": {0}}},
			want: []interface{}{"cfg", int64(3), "60m"},
		},
		"secret counts string data merged into data": {
			resource: "secrets",
			obj: &corev1.Secret{ObjectMeta: objMeta("creds", time.Hour), Type: corev1.SecretTypeOpaque,
				Data: map[string][]byte{"user": []byte("u")}, StringData: map[string]string{"user": "v", "pass": "p"}},
			want: []interface{}{"creds", "Opaque", int64(2), "60m"},
		},
		"tls secret": {
			resource: "secrets",
			obj: &corev1.Secret{ObjectMeta: objMeta("tls", time.Hour), Type: corev1.SecretTypeTLS,
				Data: map[string][]byte{"tls.crt": nil, "tls.key": nil}},
			want: []interface{}{"tls", "kubernetes.io/tls", int64(2), "60m"},
		},
		"service account": {
			resource: "serviceaccounts",
			obj:      &corev1.ServiceAccount{ObjectMeta: objMeta("default", time.Hour)},
			want:     []interface{}{"default", int64(0), "60m"},
		},
		"lease with holder": {
			resource: "leases",
			obj:      &coordinationv1.Lease{ObjectMeta: objMeta("node-1", time.Hour), Spec: coordinationv1.LeaseSpec{HolderIdentity: ptrTo("node-1")}},
			want:     []interface{}{"node-1", "node-1", "60m"},
		},
		"lease without holder": {
			resource: "leases",
			obj:      &coordinationv1.Lease{ObjectMeta: objMeta("free", time.Hour)},
			want:     []interface{}{"free", "", "60m"},
		},
		"resource quota splits requests and limits": {
			resource: "resourcequotas",
			obj: &corev1.ResourceQuota{ObjectMeta: objMeta("compute", time.Hour), Status: corev1.ResourceQuotaStatus{
				Hard: quantities("pods", "10", "requests.cpu", "1", "limits.memory", "2Gi", "limits.cpu", "2", "requests.memory", "1Gi"),
				Used: quantities("pods", "2", "requests.cpu", "500m", "limits.memory", "1Gi"),
			}},
			want: []interface{}{"compute", "pods: 2/10, requests.cpu: 500m/1, requests.memory: 0/1Gi",
				"limits.cpu: 0/2, limits.memory: 1Gi/2Gi", "60m"},
		},
		"resource quota before the controller fills status": {
			resource: "resourcequotas",
			obj: &corev1.ResourceQuota{ObjectMeta: objMeta("new", time.Second),
				Spec: corev1.ResourceQuotaSpec{Hard: quantities("pods", "10")}},
			want: []interface{}{"new", "", "", "1s"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assertCells(t, cellsOf(t, tc.resource, tc.obj), tc.want)
		})
	}
}

func TestDefaultCells(t *testing.T) {
	tests := map[string]struct {
		resource string
		obj      runtime.Object
		want     []interface{}
	}{
		"limit ranges have no dedicated printer": {
			resource: "limitranges",
			obj:      &corev1.LimitRange{ObjectMeta: objMeta("limits", 3*time.Hour)},
			want:     []interface{}{"limits", "2026-03-01T09:00:00Z"},
		},
		"roles use the generic table": {
			resource: "roles",
			obj:      &rbacv1.Role{ObjectMeta: objMeta("reader", 0)},
			want:     []interface{}{"reader", "2026-03-01T12:00:00Z"},
		},
		"zero creation time": {
			resource: "widgets",
			obj:      &corev1.LimitRange{},
			want:     []interface{}{"", "0001-01-01T00:00:00Z"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assertCells(t, cellsOf(t, tc.resource, tc.obj), tc.want)
		})
	}
}

func TestCellsErrors(t *testing.T) {
	tests := map[string]struct {
		resource string
		obj      runtime.Object
	}{
		"pod printed as a service":   {resource: "services", obj: &corev1.Pod{}},
		"unsupported type for pods":  {resource: "pods", obj: &corev1.PodList{}},
		"list under a generic table": {resource: "limitranges", obj: &corev1.LimitRangeList{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if cells, err := Cells(tc.resource, tc.obj, now); err == nil {
				t.Fatalf("expected an error, got cells %#v", cells)
			}
		})
	}
}
