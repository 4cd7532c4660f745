// Package controller holds the engine's reconcilers. Each is level-based:
// it reads current state and makes the world match it, so a missed or
// repeated change is harmless. They run on the engine loop, fed through a
// de-duplicating queue, as Kubernetes controllers are fed by a work queue.
package controller

import (
	"sort"
	"time"

	"kubetour/engine/loop"
)

// Queue collects keys to reconcile and runs them on the loop, each once per
// round however many changes named it.
type Queue struct {
	loop      *loop.Loop
	sync      func(key string)
	pending   map[string]bool
	scheduled bool
	// BeforeRound runs before each batch of keys: controllers use it to
	// read shared state once per batch instead of once per key.
	BeforeRound func()
}

// NewQueue returns a queue calling sync for each key.
func NewQueue(l *loop.Loop, sync func(key string)) *Queue {
	return &Queue{loop: l, sync: sync, pending: map[string]bool{}}
}

// Add queues key. Must be called on the loop.
func (q *Queue) Add(key string) {
	q.pending[key] = true
	if !q.scheduled {
		q.scheduled = true
		q.loop.Post(q.drain)
	}
}

// AddAfter queues key after d of cluster time (requeue-after).
func (q *Queue) AddAfter(key string, d time.Duration) {
	q.loop.After(d, func() { q.Add(key) })
}

func (q *Queue) drain() {
	q.scheduled = false
	keys := make([]string, 0, len(q.pending))
	for k := range q.pending {
		keys = append(keys, k)
	}
	// Sorted, so a run is deterministic.
	sort.Strings(keys)
	q.pending = map[string]bool{}
	if q.BeforeRound != nil {
		q.BeforeRound()
	}
	for _, k := range keys {
		q.sync(k)
	}
}
