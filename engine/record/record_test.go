package record

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"kubetour/engine/events"
	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

func TestRecorderCountsRepeatsAndCombinesSimilar(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	n := 0
	st := store.New(store.Options{Now: func() time.Time { return now },
		NewUID: func() types.UID { n++; return types.UID(fmt.Sprint(n)) }, NameSuffix: func() string { return "x" }})
	r := &Recorder{Bus: events.NewBus(100), Store: st, Now: func() time.Time { return now }}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "u1"}}
	for i := 0; i < 3; i++ {
		r.Record(Decision{Source: "kubelet", Object: pod, Type: "Warning", Reason: "BackOff", Message: "Back-off restarting failed container"})
		now = now.Add(time.Second)
	}
	evs, _ := st.List(kinds.Core("events"), store.ListOptions{})
	if len(evs) != 1 || evs[0].(*corev1.Event).Count != 3 {
		t.Fatalf("repeats counted on one event: %d events", len(evs))
	}
	for i := 0; i < 12; i++ {
		r.Record(Decision{Source: "replicaset-controller", Object: pod, Type: "Warning", Reason: "FailedCreate", Message: fmt.Sprintf("Error creating: attempt %d", i)})
	}
	evs, _ = st.List(kinds.Core("events"), store.ListOptions{})
	combined := 0
	for _, o := range evs {
		e := o.(*corev1.Event)
		if e.Reason == "FailedCreate" && e.Message == "(combined from similar events): Error creating: attempt 11" {
			combined++
			if e.Count != 2 {
				t.Fatalf("the combined event counts the folded ones: %d", e.Count)
			}
		}
	}
	if combined != 1 || len(evs) != 1+10+1 {
		t.Fatalf("ten distinct events then one combined: %d events, %d combined", len(evs), combined)
	}
}
