package controller

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// EventTTL is how long Kubernetes Events are kept after their last
// occurrence: the API server's default --event-ttl.
const EventTTL = time.Hour

// eventTTL deletes expired Events, as the API server's storage TTL does,
// so a long session keeps `kubectl get events` readable and memory flat.
type eventTTL struct{ Deps }

func init() { Register("event-ttl", func(d Deps) Controller { return newEventTTL(d) }) }

func newEventTTL(d Deps) *eventTTL {
	e := &eventTTL{Deps: d}
	d.Loop.After(5*time.Minute, e.sweep)
	return e
}

// Observe has nothing to do: expiry is driven by time alone.
func (e *eventTTL) Observe(store.Change) {}

func (e *eventTTL) sweep() {
	ek := kinds.Core("events")
	cutoff := e.now().Add(-EventTTL)
	// Filter in the list so that only the expired few are collected and
	// sorted, not the tens of thousands a busy hour leaves.
	expired := e.Store.ListShared(ek, store.ListOptions{Field: func(o runtime.Object) bool {
		ev := o.(*corev1.Event)
		last := ev.LastTimestamp.Time
		if last.IsZero() {
			last = ev.EventTime.Time
		}
		return last.Before(cutoff)
	}})
	for _, o := range expired {
		ev := o.(*corev1.Event)
		e.Store.Delete(ek, ev.Namespace, ev.Name, store.DeleteOptions{})
	}
	e.Loop.After(5*time.Minute, e.sweep)
}
