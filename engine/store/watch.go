package store

import (
	"strconv"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	"kubetour/engine/kinds"
)

var accessor = meta.Accessor

// Watcher receives the changes of one kind. Its queue is unbounded, so the
// store never waits for a slow reader (an idle kubectl -w, a stuck TUI).
type Watcher struct {
	store *Store
	kind  *kinds.Kind
	opts  ListOptions

	mu     sync.Mutex
	queue  []Change
	ready  chan struct{}
	closed bool
}

// Watch starts a watch of kind k. With fromRV > 0 it first replays the
// changes after fromRV (410 Gone if they are no longer kept); with
// initial, it first delivers every current object as Added — the
// sendInitialEvents behaviour.
func (s *Store) Watch(k *kinds.Kind, o ListOptions, fromRV uint64, initial bool) (*Watcher, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := &Watcher{store: s, kind: k, opts: o, ready: make(chan struct{}, 1)}
	if initial {
		var objs []runtime.Object
		for _, obj := range s.data[k] {
			objs = append(objs, obj)
		}
		sortObjects(objs)
		for _, obj := range objs {
			w.offer(Change{Type: watch.Added, Kind: k, Object: obj, RV: s.rv})
		}
	} else if fromRV > 0 && fromRV < s.rv {
		if len(s.log) > 0 && s.log[0].RV > fromRV+1 {
			return nil, 0, apierrors.NewResourceExpired("too old resource version: " + itoa(fromRV) + " (" + itoa(s.log[0].RV-1) + ")")
		}
		for _, c := range s.log {
			if c.RV > fromRV && c.Kind == k {
				w.offer(c)
			}
		}
	}
	s.watchers[w] = struct{}{}
	return w, s.rv, nil
}

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

// offer queues c if it concerns this watcher. A change that moves an object
// out of the watcher's selector is delivered as Deleted, and into it as
// Added, as the API server's watch cache does.
func (w *Watcher) offer(c Change) {
	if c.Kind != w.kind {
		return
	}
	now := matches(c.Object, w.opts)
	before := c.Old != nil && matches(c.Old, w.opts)
	switch {
	case c.Type == watch.Modified && now && !before:
		c.Type = watch.Added
	case c.Type == watch.Modified && !now && before:
		c.Type = watch.Deleted
	case !now && !(c.Type == watch.Deleted && before):
		return
	}
	w.mu.Lock()
	if !w.closed {
		w.queue = append(w.queue, c)
	}
	w.mu.Unlock()
	select {
	case w.ready <- struct{}{}:
	default:
	}
}

// Ready is signalled when changes are queued.
func (w *Watcher) Ready() <-chan struct{} { return w.ready }

// Take returns the queued changes, copying objects so the reader owns them.
func (w *Watcher) Take() []Change {
	w.mu.Lock()
	q := w.queue
	w.queue = nil
	w.mu.Unlock()
	for i := range q {
		q[i].Object = q[i].Object.DeepCopyObject()
		q[i].Old = nil
	}
	return q
}

// Stop ends the watch.
func (w *Watcher) Stop() {
	w.store.mu.Lock()
	delete(w.store.watchers, w)
	w.store.mu.Unlock()
	w.mu.Lock()
	w.closed = true
	w.queue = nil
	w.mu.Unlock()
}
