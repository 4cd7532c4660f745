package printers

import (
	"reflect"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// now is the fixed cluster clock every test renders against.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ago(d time.Duration) metav1.Time { return metav1.NewTime(now.Add(-d)) }

func agoPtr(d time.Duration) *metav1.Time {
	t := ago(d)
	return &t
}

func ptrTo[T any](v T) *T { return &v }

func objMeta(name string, age time.Duration) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: "default", CreationTimestamp: ago(age)}
}

// cellsOf renders obj and checks the row has one cell per column, which is
// what lets kubectl line cells up with headers.
func cellsOf(t *testing.T, resource string, obj runtime.Object) []interface{} {
	t.Helper()
	cells, err := Cells(resource, obj, now)
	if err != nil {
		t.Fatalf("Cells(%q): %v", resource, err)
	}
	if got, want := len(cells), len(Columns(resource)); got != want {
		t.Fatalf("Cells(%q) gave %d cells for %d columns: %#v", resource, got, want, cells)
	}
	return cells
}

func assertCells(t *testing.T, got, want []interface{}) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cells differ\n got: %#v\nwant: %#v", got, want)
	}
}
