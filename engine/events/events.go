// Package events is the engine's narration: one stream of structured events
// telling what changed in the cluster and why each component decided what it
// did. The TUI's controller-actions pane, the lesson checks and Kubernetes
// Events (`kubectl get events`, `describe`) are all fed from it.
package events

import (
	"context"
	"sync"
	"time"
)

// Kind separates object changes from component decisions.
type Kind string

const (
	// Change is an object added, modified or deleted in the store.
	Change Kind = "change"
	// Decision is a component acting: the scheduler binding a pod, the
	// kubelet starting a container, admission rejecting a request.
	Decision Kind = "decision"
)

// Ref names an object an event is about.
type Ref struct {
	Kind      string // "Pod", "ReplicaSet", …
	Namespace string
	Name      string
	UID       string
}

// Event is one thing that happened.
type Event struct {
	Seq    uint64
	Time   time.Time
	Kind   Kind
	Source string // "scheduler", "kubelet/k8s-node1", "admission", "replicaset-controller", "store"
	// Reason is the upstream reason where one exists (Scheduled,
	// FailedScheduling, Pulled, Created, Started, Killing, BackOff,
	// SuccessfulCreate …); for changes it is ADDED, MODIFIED or DELETED.
	Reason string
	// Type is Normal or Warning, as for Kubernetes Events.
	Type    string
	Objects []Ref // the first is the object the event is about
	// Message is the Kubernetes Event message, worded as upstream.
	Message string
	// EN and KO explain the event to a student.
	EN, KO string
	// Fields carries structured facts for checks (e.g. "exitCode": "1").
	Fields map[string]string
}

// Bus fans events out to subscribers. Publish never blocks: every subscriber
// has an unbounded queue, drained in batches, so a slow reader (a busy
// terminal) can never stall the engine.
type Bus struct {
	mu      sync.Mutex
	seq     uint64
	subs    map[*Subscription]struct{}
	history []Event
	limit   int
}

// NewBus returns a bus keeping the last limit events for late readers.
func NewBus(limit int) *Bus {
	return &Bus{subs: map[*Subscription]struct{}{}, limit: limit}
}

// Publish stamps e with a sequence number and hands it to every subscriber.
func (b *Bus) Publish(e Event) Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	e.Seq = b.seq
	if b.limit > 0 {
		if len(b.history) >= b.limit {
			// Drop the oldest quarter at once so appends stay amortised O(1).
			n := copy(b.history, b.history[b.limit/4:])
			b.history = b.history[:n]
		}
		b.history = append(b.history, e)
	}
	for s := range b.subs {
		s.push(e)
	}
	return e
}

// Seq is the sequence number of the latest event published.
func (b *Bus) Seq() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seq
}

// History returns the retained events, oldest first.
func (b *Bus) History() []Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Event(nil), b.history...)
}

// Subscribe starts a subscription receiving every event published from now on.
func (b *Bus) Subscribe() *Subscription {
	s := &Subscription{bus: b, ready: make(chan struct{}, 1)}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Subscription is one reader's queue.
type Subscription struct {
	bus    *Bus
	mu     sync.Mutex
	queue  []Event
	ready  chan struct{}
	closed bool
}

func (s *Subscription) push(e Event) {
	s.mu.Lock()
	s.queue = append(s.queue, e)
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// Next blocks until at least one event is queued, then returns everything
// queued so far. It returns nil when ctx ends or the subscription is closed.
func (s *Subscription) Next(ctx context.Context) []Event {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil
		}
		if len(s.queue) > 0 {
			out := s.queue
			s.queue = nil
			s.mu.Unlock()
			return out
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil
		case <-s.ready:
		}
	}
}

// Drain returns whatever is queued without blocking.
func (s *Subscription) Drain() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.queue
	s.queue = nil
	return out
}

// Close ends the subscription.
func (s *Subscription) Close() {
	s.bus.mu.Lock()
	delete(s.bus.subs, s)
	s.bus.mu.Unlock()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
}
