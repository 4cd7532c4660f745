package printers

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func template(names ...string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: containers(names...)}}
}

func TestWorkloadCells(t *testing.T) {
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	tests := map[string]struct {
		resource string
		obj      runtime.Object
		want     []interface{}
	}{
		"deployment": {
			resource: "deployments",
			obj: &appsv1.Deployment{ObjectMeta: objMeta("web", 3*time.Hour+4*time.Minute),
				Spec:   appsv1.DeploymentSpec{Replicas: ptrTo(int32(3)), Selector: sel, Template: template("nginx", "log")},
				Status: appsv1.DeploymentStatus{ReadyReplicas: 2, UpdatedReplicas: 3, AvailableReplicas: 2}},
			want: []interface{}{"web", "2/3", int64(3), int64(2), "3h4m", "nginx,log", "nginx:1,log:1", "app=web"},
		},
		"deployment without replicas or selector": {
			resource: "deployments",
			obj:      &appsv1.Deployment{ObjectMeta: objMeta("bare", time.Minute)},
			want:     []interface{}{"bare", "0/0", int64(0), int64(0), "60s", "", "", ""},
		},
		"deployment with an invalid selector": {
			resource: "deployments",
			obj: &appsv1.Deployment{ObjectMeta: objMeta("bad", time.Minute), Spec: appsv1.DeploymentSpec{
				Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "Bogus"}}}}},
			want: []interface{}{"bad", "0/0", int64(0), int64(0), "60s", "", "", "<invalid>"},
		},
		"replica set": {
			resource: "replicasets",
			obj: &appsv1.ReplicaSet{ObjectMeta: objMeta("web-5d4f8", 50*time.Hour),
				Spec:   appsv1.ReplicaSetSpec{Replicas: ptrTo(int32(3)), Selector: sel, Template: template("nginx")},
				Status: appsv1.ReplicaSetStatus{Replicas: 3, ReadyReplicas: 1}},
			want: []interface{}{"web-5d4f8", int64(3), int64(3), int64(1), "2d2h", "nginx", "nginx:1", "app=web"},
		},
		"replica set without selector": {
			resource: "replicasets",
			obj:      &appsv1.ReplicaSet{ObjectMeta: objMeta("rs", time.Hour)},
			want:     []interface{}{"rs", int64(0), int64(0), int64(0), "60m", "", "", "<none>"},
		},
		"replication controller": {
			resource: "replicationcontrollers",
			obj: &corev1.ReplicationController{ObjectMeta: objMeta("legacy", time.Hour),
				Spec: corev1.ReplicationControllerSpec{Replicas: ptrTo(int32(2)), Selector: map[string]string{"app": "legacy"},
					Template: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: containers("app")}}},
				Status: corev1.ReplicationControllerStatus{Replicas: 2, ReadyReplicas: 2}},
			want: []interface{}{"legacy", int64(2), int64(2), int64(2), "60m", "app", "app:1", "app=legacy"},
		},
		"replication controller without template": {
			resource: "replicationcontrollers",
			obj:      &corev1.ReplicationController{ObjectMeta: objMeta("empty", time.Hour)},
			want:     []interface{}{"empty", int64(0), int64(0), int64(0), "60m", "", "", "<none>"},
		},
		"daemon set": {
			resource: "daemonsets",
			obj: &appsv1.DaemonSet{ObjectMeta: objMeta("agent", 10*time.Minute),
				Spec: appsv1.DaemonSetSpec{Selector: sel, Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
					NodeSelector: map[string]string{"kubernetes.io/os": "linux"}, Containers: containers("agent")}}},
				Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: 3, CurrentNumberScheduled: 3, NumberReady: 2,
					UpdatedNumberScheduled: 3, NumberAvailable: 2}},
			want: []interface{}{"agent", int64(3), int64(3), int64(2), int64(3), int64(2), "kubernetes.io/os=linux", "10m",
				"agent", "agent:1", "app=web"},
		},
		"daemon set without node selector": {
			resource: "daemonsets",
			obj:      &appsv1.DaemonSet{ObjectMeta: objMeta("ds", time.Minute), Spec: appsv1.DaemonSetSpec{Template: template("x")}},
			want:     []interface{}{"ds", int64(0), int64(0), int64(0), int64(0), int64(0), "<none>", "60s", "x", "x:1", "<none>"},
		},
		"stateful set": {
			resource: "statefulsets",
			obj: &appsv1.StatefulSet{ObjectMeta: objMeta("db", 8*24*time.Hour),
				Spec:   appsv1.StatefulSetSpec{Replicas: ptrTo(int32(3)), Template: template("postgres")},
				Status: appsv1.StatefulSetStatus{ReadyReplicas: 1}},
			want: []interface{}{"db", "1/3", "8d", "postgres", "postgres:1"},
		},
		"controller revision owned by a stateful set": {
			resource: "controllerrevisions",
			obj: &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: "db-7c9f", CreationTimestamp: ago(time.Hour),
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "db", Controller: ptrTo(true)}}},
				Revision: 2},
			want: []interface{}{"db-7c9f", "statefulset.apps/db", int64(2), "60m"},
		},
		"controller revision owned by a core kind": {
			resource: "controllerrevisions",
			obj: &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: "cr", CreationTimestamp: ago(time.Hour),
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: "p", Controller: ptrTo(true)}}},
				Revision: 1},
			want: []interface{}{"cr", "pod/p", int64(1), "60m"},
		},
		"controller revision without controller": {
			resource: "controllerrevisions",
			obj:      &appsv1.ControllerRevision{ObjectMeta: objMeta("orphan", time.Hour), Revision: 1},
			want:     []interface{}{"orphan", "<none>", int64(1), "60m"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assertCells(t, cellsOf(t, tc.resource, tc.obj), tc.want)
		})
	}
}

func TestControllerRevisionBadOwner(t *testing.T) {
	cr := &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: "cr",
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "a/b/c", Kind: "X", Name: "x", Controller: ptrTo(true)}}}}
	if _, err := Cells("controllerrevisions", cr, now); err == nil {
		t.Fatal("expected an error for an unparsable owner apiVersion")
	}
}
