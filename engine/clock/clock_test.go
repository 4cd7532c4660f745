package clock

import (
	"testing"
	"time"
)

// fakeWall lets the test move the wall clock by hand.
type fakeWall struct{ t time.Time }

func (f *fakeWall) now() time.Time { return f.t }

func TestWarpSpeedPauseAdvance(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fw := &fakeWall{t: start}
	w := &Warp{wall: fw.now, anchorW: start, anchorC: start, speed: 1}

	fw.t = fw.t.Add(10 * time.Second)
	if got := w.Now().Sub(start); got != 10*time.Second {
		t.Fatalf("speed 1: got %v", got)
	}
	w.SetSpeed(30)
	fw.t = fw.t.Add(2 * time.Second)
	if got := w.Now().Sub(start); got != 70*time.Second {
		t.Fatalf("speed 30 after 2s: got %v, want 70s", got)
	}
	w.SetPaused(true)
	fw.t = fw.t.Add(time.Hour)
	if got := w.Now().Sub(start); got != 70*time.Second {
		t.Fatalf("paused clock moved: %v", got)
	}
	w.Advance(5 * time.Minute)
	if got := w.Now().Sub(start); got != 70*time.Second+5*time.Minute {
		t.Fatalf("advance while paused: %v", got)
	}
	w.SetPaused(false)
	fw.t = fw.t.Add(time.Second)
	if got := w.Now().Sub(start); got != 70*time.Second+5*time.Minute+30*time.Second {
		t.Fatalf("resume at speed 30: %v", got)
	}
	before := w.Now()
	w.Advance(-time.Hour)
	w.AdvanceTo(start)
	if !w.Now().Equal(before) {
		t.Fatalf("time ran backwards")
	}
}

func TestManualClockStandsStill(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w := NewManual(start)
	if !w.Manual() || !w.Now().Equal(start) {
		t.Fatal("manual clock must start at its start time")
	}
	if _, ok := w.WallDelay(time.Second); ok {
		t.Fatal("manual clock has no wall delay")
	}
	w.AdvanceTo(start.Add(time.Minute))
	if got := w.Now().Sub(start); got != time.Minute {
		t.Fatalf("got %v", got)
	}
}
