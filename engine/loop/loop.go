// Package loop is the engine's single thread of control. Controllers, the
// scheduler, the kubelets and the simulated runtime all run their work as
// functions posted here, one at a time, so none of them needs locks and, on a
// manual clock, a cluster run is deterministic: the same inputs give the same
// objects, names and timings.
package loop

import (
	"container/heap"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"kubetour/engine/clock"
)

// Loop runs posted work and timers on one goroutine.
type Loop struct {
	clock *clock.Warp

	mu   sync.Mutex
	cond *sync.Cond
	work []func()
	// idleWork runs only when nothing else is queued, running off-loop or
	// due: writes from API clients wait until the consequences of earlier
	// writes have settled, so their order never depends on timing.
	idleWork []func()
	timers   timerHeap
	seq      uint64
	running  bool // a function is executing right now
	// inflight counts work running off the loop (Go) whose result has not
	// been posted yet: the loop is not idle while any is out.
	inflight int
	stopped  bool
	wake     chan struct{}

	// OnPanic receives a recovered panic from posted work; the loop keeps
	// going, because one broken reconcile must not take the cluster down.
	OnPanic func(msg string)
}

// New returns a loop on clock c. Call Run in a goroutine to start it.
func New(c *clock.Warp) *Loop {
	l := &Loop{clock: c, wake: make(chan struct{}, 1)}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// Clock returns the loop's clock.
func (l *Loop) Clock() *clock.Warp { return l.clock }

// Now is the cluster time.
func (l *Loop) Now() time.Time { return l.clock.Now() }

// Post queues fn to run on the loop. Safe from any goroutine.
func (l *Loop) Post(fn func()) {
	l.mu.Lock()
	l.work = append(l.work, fn)
	l.mu.Unlock()
	l.poke()
}

// Go runs work on its own goroutine — for calls that may block, such as an
// exec probe — and then runs the function it returns on the loop. Until
// then the loop does not count as idle, so a settled cluster has no result
// still on its way.
func (l *Loop) Go(work func() func()) {
	l.mu.Lock()
	l.inflight++
	l.mu.Unlock()
	go func() {
		var done func()
		defer func() {
			l.mu.Lock()
			l.inflight--
			if done != nil {
				l.work = append(l.work, done)
			}
			l.mu.Unlock()
			l.poke()
			l.cond.Broadcast()
		}()
		done = work()
	}()
}

// PostIdle queues fn to run once the loop has nothing else to do.
func (l *Loop) PostIdle(fn func()) {
	l.mu.Lock()
	l.idleWork = append(l.idleWork, fn)
	l.mu.Unlock()
	l.poke()
}

// Timer identifies a pending After call.
type Timer uint64

// After runs fn on the loop once cluster time has moved d past now.
func (l *Loop) After(d time.Duration, fn func()) Timer {
	return l.At(l.clock.Now().Add(d), fn)
}

// At runs fn on the loop once cluster time reaches t.
func (l *Loop) At(t time.Time, fn func()) Timer {
	l.mu.Lock()
	l.seq++
	id := l.seq
	heap.Push(&l.timers, &timer{at: t, seq: id, fn: fn})
	l.mu.Unlock()
	l.poke()
	return Timer(id)
}

// Cancel drops a pending timer; cancelling a fired timer does nothing.
func (l *Loop) Cancel(id Timer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, t := range l.timers {
		if t.seq == uint64(id) {
			heap.Remove(&l.timers, i)
			return
		}
	}
}

// NextTimer returns when the earliest pending timer is due.
func (l *Loop) NextTimer() (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.timers) == 0 {
		return time.Time{}, false
	}
	return l.timers[0].at, true
}

func (l *Loop) poke() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Stop ends Run.
func (l *Loop) Stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
	l.poke()
	l.cond.Broadcast()
}

// Run executes work until Stop. Timers fire when the clock reaches them: on
// a real clock the loop sleeps until then (scaled by the clock's speed); on a
// manual clock only Advance moves time, and Run fires what became due.
func (l *Loop) Run() {
	for {
		fn, wait, ok := l.next()
		if !ok {
			return
		}
		if fn != nil {
			l.exec(fn)
			continue
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-l.wake:
			case <-t.C:
			}
			t.Stop()
		} else {
			<-l.wake
		}
	}
}

// next picks the next function to run, or how long to wait for one.
func (l *Loop) next() (fn func(), wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return nil, 0, false
	}
	if len(l.work) > 0 {
		fn = l.work[0]
		l.work[0] = nil
		l.work = l.work[1:]
		l.running = true
		return fn, 0, true
	}
	if len(l.timers) > 0 && !l.timers[0].at.After(l.clock.Now()) {
		t := heap.Pop(&l.timers).(*timer)
		l.running = true
		return t.fn, 0, true
	}
	if len(l.idleWork) > 0 && l.inflight == 0 {
		fn = l.idleWork[0]
		l.idleWork[0] = nil
		l.idleWork = l.idleWork[1:]
		l.running = true
		return fn, 0, true
	}
	if len(l.timers) > 0 {
		now := l.clock.Now()
		if d, real := l.clock.WallDelay(l.timers[0].at.Sub(now)); real {
			if d < time.Millisecond {
				d = time.Millisecond
			}
			// Poll at least every 250ms so speed changes take effect promptly.
			if d > 250*time.Millisecond {
				d = 250 * time.Millisecond
			}
			l.cond.Broadcast()
			return nil, d, true
		}
	}
	l.cond.Broadcast() // idle: wake WaitIdle callers
	return nil, 0, true
}

func (l *Loop) exec(fn func()) {
	defer func() {
		if r := recover(); r != nil && l.OnPanic != nil {
			l.OnPanic(fmt.Sprintf("%v\n%s", r, debug.Stack()))
		}
		l.mu.Lock()
		l.running = false
		l.mu.Unlock()
	}()
	fn()
}

// idleLocked reports that nothing is queued, running or due.
func (l *Loop) idleLocked() bool {
	if l.running || len(l.work) > 0 || l.inflight > 0 || len(l.idleWork) > 0 {
		return false
	}
	return l.noTimerDueLocked()
}

func (l *Loop) noTimerDueLocked() bool {
	return len(l.timers) == 0 || l.timers[0].at.After(l.clock.Now())
}

// WaitIdle blocks until the loop has nothing to do at the current cluster
// time: all posted work ran and no timer is due. Scripts and tests call it
// after each step, so that what they read next is the settled state.
func (l *Loop) WaitIdle() { l.waitUntil(l.idleLocked) }

// WaitQuiet is WaitIdle without waiting for work under way on its own
// goroutine (Go): everything posted ran and no timer is due. A prompt uses
// it, so that a real container's creation does not hold the next command.
func (l *Loop) WaitQuiet() { l.waitUntil(l.quietLocked) }

// waitUntil blocks until done (called with l.mu held) or the loop stops.
func (l *Loop) waitUntil(done func() bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for !done() && !l.stopped {
		l.poke()
		l.cond.Wait()
	}
}

func (l *Loop) quietLocked() bool {
	if len(l.idleWork) > 0 && l.inflight == 0 {
		return false // it runs next
	}
	return !l.running && len(l.work) == 0 && l.noTimerDueLocked()
}

// Idle reports, without blocking, whether the loop has nothing to do now.
func (l *Loop) Idle() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.idleLocked()
}

// AdvanceTo moves a manual clock forward to t, firing every timer due on
// the way in order, each at its own instant, and letting the cluster settle
// after each: so a 10-minute `sleep` in a script sees every intermediate
// reconcile exactly as a real cluster would, only instantly.
func (l *Loop) AdvanceTo(t time.Time) {
	for {
		l.WaitIdle()
		next, ok := l.NextTimer()
		if !ok || next.After(t) {
			break
		}
		l.clock.AdvanceTo(next)
		l.poke()
	}
	l.clock.AdvanceTo(t)
	l.poke()
	l.WaitIdle()
}

// Advance is AdvanceTo(now + d).
func (l *Loop) Advance(d time.Duration) { l.AdvanceTo(l.clock.Now().Add(d)) }

type timer struct {
	at  time.Time
	seq uint64
	fn  func()
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at.Equal(h[j].at) {
		return h[i].seq < h[j].seq
	}
	return h[i].at.Before(h[j].at)
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)   { *h = append(*h, x.(*timer)) }
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	*h = old[:n-1]
	return t
}
