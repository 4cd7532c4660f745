package controller

import (
	"fmt"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"kubetour/engine/apiserver"
	"kubetour/engine/clock"
	"kubetour/engine/events"
	"kubetour/engine/kinds"
	"kubetour/engine/loop"
	"kubetour/engine/record"
	"kubetour/engine/store"
)

// harness is a store, API and loop on a manual clock, with no loop
// running: a test calls a controller's sync itself, sample-controller
// style, and replays the store's changes into Observe when it wants the
// controller to see them.
type harness struct {
	t   *testing.T
	clk *clock.Warp
	d   Deps
	bus *events.Bus

	mu      sync.Mutex
	changes []store.Change
}

var testStart = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, suffix string) *harness {
	t.Helper()
	h := &harness{t: t, clk: clock.NewManual(testStart)}
	n := 0
	st := store.New(store.Options{Now: h.clk.Now,
		NewUID:     func() types.UID { n++; return types.UID(fmt.Sprintf("uid-%04d", n)) },
		NameSuffix: func() string { n++; return fmt.Sprintf("%s%04d", suffix, n) }})
	st.OnChange(func(c store.Change) {
		h.mu.Lock()
		h.changes = append(h.changes, c)
		h.mu.Unlock()
	})
	h.bus = events.NewBus(1000)
	h.d = Deps{API: apiserver.NewAPI(st, h.clk.Now, 1), Store: st, Loop: loop.New(h.clk),
		Rec: &record.Recorder{Bus: h.bus, Store: st, Now: h.clk.Now}}
	for _, obj := range []struct {
		k   *kinds.Kind
		obj runtime.Object
	}{
		{kinds.Core("namespaces"), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}}},
		{kinds.Core("serviceaccounts"), &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: "default"}}},
	} {
		if _, err := st.Create(obj.k, obj.obj); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// observe hands the changes so far to each controller.
func (h *harness) observe(cs ...Controller) {
	for {
		h.mu.Lock()
		pending := h.changes
		h.changes = nil
		h.mu.Unlock()
		if len(pending) == 0 {
			return
		}
		for _, c := range pending {
			for _, ctl := range cs {
				ctl.Observe(c)
			}
		}
	}
}
