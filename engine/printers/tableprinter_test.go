package printers

import (
	"bytes"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	cliprinters "k8s.io/cli-runtime/pkg/printers"
)

// render prints a Table built from Columns and Cells with kubectl's own
// table printer, the way `kubectl get` shows a server-side table.
func render(t *testing.T, resource string, wide bool, objs ...runtime.Object) string {
	t.Helper()
	table := &metav1.Table{ColumnDefinitions: Columns(resource)}
	for _, o := range objs {
		cells, err := Cells(resource, o, now)
		if err != nil {
			t.Fatal(err)
		}
		table.Rows = append(table.Rows, metav1.TableRow{Cells: cells, Object: runtime.RawExtension{Object: o}})
	}
	var buf bytes.Buffer
	if err := cliprinters.NewTablePrinter(cliprinters.PrintOptions{Wide: wide}).PrintObj(table, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestKubectlRendering(t *testing.T) {
	web := &corev1.Pod{ObjectMeta: objMeta("web", 5*time.Minute),
		Spec: corev1.PodSpec{NodeName: "node-1", Containers: containers("app")},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "10.244.0.5",
			Conditions:        []corev1.PodCondition{condition(corev1.PodReady, corev1.ConditionTrue)},
			ContainerStatuses: []corev1.ContainerStatus{{Name: "app", Ready: true, State: running()}}}}
	crash := &corev1.Pod{ObjectMeta: objMeta("crash", 2*time.Hour),
		Spec: corev1.PodSpec{Containers: containers("app")},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{Name: "app", RestartCount: 12,
			State: waiting("CrashLoopBackOff"), LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{FinishedAt: ago(41 * time.Second)}}}}}}
	svc := &corev1.Service{ObjectMeta: objMeta("web", 5*time.Minute), Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort,
		ClusterIPs: []string{"10.96.12.7"}, Ports: []corev1.ServicePort{{Port: 80, NodePort: 30080, Protocol: corev1.ProtocolTCP}},
		Selector: map[string]string{"app": "web"}}}

	tests := map[string]struct {
		resource string
		wide     bool
		objs     []runtime.Object
		want     string
	}{
		"pods": {
			resource: "pods", objs: []runtime.Object{web, crash},
			want: "NAME    READY   STATUS             RESTARTS       AGE\n" +
				"web     1/1     Running            0              5m\n" +
				"crash   0/1     CrashLoopBackOff   12 (41s ago)   120m\n",
		},
		"pods wide": {
			resource: "pods", wide: true, objs: []runtime.Object{web},
			want: "NAME   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n" +
				"web    1/1     Running   0          5m    10.244.0.5   node-1   <none>           <none>\n",
		},
		"services": {
			resource: "services", objs: []runtime.Object{svc},
			want: "NAME   TYPE       CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE\n" +
				"web    NodePort   10.96.12.7   <none>        80:30080/TCP   5m\n",
		},
		"generic table": {
			resource: "limitranges", objs: []runtime.Object{&corev1.LimitRange{ObjectMeta: objMeta("limits", time.Hour)}},
			want: "NAME     CREATED AT\n" +
				"limits   2026-03-01T11:00:00Z\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := render(t, tc.resource, tc.wide, tc.objs...); got != tc.want {
				t.Errorf("kubectl output differs\n got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
