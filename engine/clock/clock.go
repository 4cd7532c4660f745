// Package clock is the cluster's sense of time. Every component reads time
// from a Clock so that tests, scripts and lessons can run the cluster faster
// than the wall (x30 for a CronJob lesson), pause it, step it, or jump it
// forward without sleeping.
package clock

import (
	"sync"
	"time"
)

// Clock tells cluster time.
type Clock interface {
	Now() time.Time
}

// Warp is a clock derived from a base (the wall clock, or nothing at all in
// manual mode) through a speed factor, a pause switch and a jump offset.
// Cluster time is continuous: changing speed or pausing never moves time back.
type Warp struct {
	mu      sync.Mutex
	wall    func() time.Time // nil in manual mode: time moves only by Advance
	anchorW time.Time        // wall time when the current segment began
	anchorC time.Time        // cluster time when the current segment began
	speed   float64
	paused  bool
}

// NewManual returns a clock that stands still until Advance is called: the
// clock of tests and of `kubetour script` on the simulation.
func NewManual(start time.Time) *Warp {
	return &Warp{anchorC: start, speed: 1}
}

// NewReal returns a clock that follows the wall clock at speed 1.
func NewReal() *Warp {
	now := time.Now()
	return &Warp{wall: time.Now, anchorW: now, anchorC: now, speed: 1}
}

// Now returns the cluster time.
func (w *Warp) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.nowLocked()
}

func (w *Warp) nowLocked() time.Time {
	if w.wall == nil || w.paused {
		return w.anchorC
	}
	elapsed := w.wall().Sub(w.anchorW)
	return w.anchorC.Add(time.Duration(float64(elapsed) * w.speed))
}

// rebase starts a new segment at the current instant, so that a change of
// speed or pause state applies from now on only.
func (w *Warp) rebase() {
	w.anchorC = w.nowLocked()
	if w.wall != nil {
		w.anchorW = w.wall()
	}
}

// Advance jumps cluster time forward by d (d < 0 is ignored: time never runs back).
func (w *Warp) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rebase()
	w.anchorC = w.anchorC.Add(d)
}

// NewRealFrom returns a clock that follows the wall clock at speed 1 but
// starts at cluster time t (a cluster booted before the session began).
func NewRealFrom(t time.Time) *Warp {
	return &Warp{wall: time.Now, anchorW: time.Now(), anchorC: t, speed: 1}
}

// AdvanceTo jumps cluster time forward to t if t is later than now.
func (w *Warp) AdvanceTo(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rebase()
	if t.After(w.anchorC) {
		w.anchorC = t
	}
}

// SetSpeed sets how many cluster seconds pass per wall second.
func (w *Warp) SetSpeed(f float64) {
	if f <= 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rebase()
	w.speed = f
}

// Speed reports the speed factor.
func (w *Warp) Speed() float64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.speed
}

// SetPaused stops or restarts the flow of time (Advance still works while paused).
func (w *Warp) SetPaused(p bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rebase()
	w.paused = p
}

// Paused reports whether time is stopped.
func (w *Warp) Paused() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.paused
}

// Manual reports whether the clock only moves through Advance.
func (w *Warp) Manual() bool { return w.wall == nil }

// WallDelay converts a cluster-time duration into the wall time it takes at
// the current speed; the loop uses it to sleep until the next timer.
func (w *Warp) WallDelay(d time.Duration) (time.Duration, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.wall == nil || w.paused {
		return 0, false
	}
	return time.Duration(float64(d) / w.speed), true
}
