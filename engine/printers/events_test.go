package printers

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestEventCells(t *testing.T) {
	pod := corev1.ObjectReference{Kind: "Pod", Name: "web-1", FieldPath: "spec.containers{app}"}
	micro := func(d time.Duration) metav1.MicroTime { return metav1.NewMicroTime(now.Add(-d)) }
	tests := map[string]struct {
		obj runtime.Object
		// LAST SEEN, TYPE, REASON, OBJECT, SUBOBJECT, SOURCE, MESSAGE, FIRST SEEN, COUNT, NAME
		want []interface{}
	}{
		"legacy kubelet event": {
			obj: &corev1.Event{ObjectMeta: objMeta("web-1.17a", time.Hour), InvolvedObject: pod, Type: "Normal", Reason: "Pulled",
				Message: "  Successfully pulled image \"nginx\"\n", Source: corev1.EventSource{Component: "kubelet", Host: "node-1"},
				FirstTimestamp: ago(10 * time.Minute), LastTimestamp: ago(41 * time.Second), Count: 3},
			want: []interface{}{"41s", "Normal", "Pulled", "pod/web-1", "spec.containers{app}", "kubelet, node-1",
				"Successfully pulled image \"nginx\"", "10m", int64(3), "web-1.17a"},
		},
		"event without last timestamp repeats first seen": {
			obj: &corev1.Event{ObjectMeta: objMeta("e", time.Hour), InvolvedObject: corev1.ObjectReference{Kind: "Node"},
				Type: "Warning", Reason: "Rebooted", Source: corev1.EventSource{Component: "kubelet"}, FirstTimestamp: ago(5 * time.Minute)},
			want: []interface{}{"5m", "Warning", "Rebooted", "node", "", "kubelet", "", "5m", int64(1), "e"},
		},
		"new-style event uses event time, series and reporting controller": {
			obj: &corev1.Event{ObjectMeta: objMeta("s", time.Hour), InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "web-2"},
				Type: "Warning", Reason: "FailedScheduling", Message: "0/1 nodes are available",
				EventTime: micro(20 * time.Minute), Series: &corev1.EventSeries{Count: 7, LastObservedTime: micro(2 * time.Minute)},
				ReportingController: "default-scheduler", ReportingInstance: "default-scheduler-cp"},
			want: []interface{}{"2m", "Warning", "FailedScheduling", "pod/web-2", "", "default-scheduler, default-scheduler-cp",
				"0/1 nodes are available", "20m", int64(7), "s"},
		},
		"event without any time": {
			obj:  &corev1.Event{ObjectMeta: objMeta("z", time.Hour), InvolvedObject: pod},
			want: []interface{}{"<unknown>", "", "", "pod/web-1", "spec.containers{app}", "", "", "<unknown>", int64(1), "z"},
		},
		"events.k8s.io event": {
			obj: &eventsv1.Event{ObjectMeta: objMeta("d", time.Hour), Regarding: corev1.ObjectReference{Kind: "Deployment", Name: "web"},
				Type: "Normal", Reason: "ScalingReplicaSet", Note: "Scaled up replica set web-5d4f8 from 0 to 3",
				EventTime: micro(3 * time.Minute), ReportingController: "deployment-controller"},
			want: []interface{}{"3m", "Normal", "ScalingReplicaSet", "deployment/web", "", "deployment-controller",
				"Scaled up replica set web-5d4f8 from 0 to 3", "3m", int64(1), "d"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assertCells(t, cellsOf(t, "events", tc.obj), tc.want)
		})
	}
}
