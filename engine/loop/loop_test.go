package loop

import (
	"strings"
	"testing"
	"time"

	"kubetour/engine/clock"
)

func TestTimersFireInOrderOnAdvance(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(clock.NewManual(start))
	go l.Run()
	defer l.Stop()

	var got []string
	var seenAt []time.Duration
	rec := func(s string) func() {
		return func() { got = append(got, s); seenAt = append(seenAt, l.Now().Sub(start)) }
	}
	l.After(3*time.Second, rec("c"))
	l.After(1*time.Second, rec("a"))
	cancelled := l.After(2*time.Second, rec("x"))
	l.Cancel(cancelled)
	// A timer that schedules another timer inside the advanced window fires too.
	l.After(2*time.Second, func() { rec("b")(); l.After(500*time.Millisecond, rec("b2")) })
	l.Post(rec("now"))
	l.WaitIdle()
	if len(got) != 1 || got[0] != "now" {
		t.Fatalf("before advance: %v", got)
	}
	l.Advance(3 * time.Second)
	want := []string{"now", "a", "b", "b2", "c"}
	wantAt := []time.Duration{0, time.Second, 2 * time.Second, 2500 * time.Millisecond, 3 * time.Second}
	if len(got) != len(want) {
		t.Fatalf("got %v want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] || seenAt[i] != wantAt[i] {
			t.Fatalf("step %d: got %s at %v, want %s at %v", i, got[i], seenAt[i], want[i], wantAt[i])
		}
	}
}

func TestPanicIsReportedAndLoopContinues(t *testing.T) {
	l := New(clock.NewManual(time.Unix(0, 0)))
	var reported string
	l.OnPanic = func(m string) { reported = m }
	go l.Run()
	defer l.Stop()
	ran := false
	l.Post(func() { panic("boom") })
	l.Post(func() { ran = true })
	l.WaitIdle()
	if !ran || reported == "" {
		t.Fatalf("ran=%v reported=%q", ran, reported)
	}
}

func TestPostIdleWaitsForEverythingElse(t *testing.T) {
	l := New(clock.NewManual(time.Unix(0, 0)))
	go l.Run()
	defer l.Stop()
	var order []string
	gate := make(chan struct{})
	l.Post(func() {
		order = append(order, "work")
		// Work that itself posts more work, and off-loop work whose
		// result arrives later: the idle task must wait for all of it.
		l.Post(func() { order = append(order, "follow-up") })
		l.Go(func() func() { <-gate; return func() { order = append(order, "off-loop result") } })
	})
	l.PostIdle(func() { order = append(order, "idle") })
	close(gate)
	l.WaitIdle()
	want := "work,follow-up,off-loop result,idle"
	if got := strings.Join(order, ","); got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}

// WaitQuiet returns once posted work ran, while work under way on its own
// goroutine (a real container's creation) still keeps the loop from idle.
func TestWaitQuietDoesNotWaitForGoWork(t *testing.T) {
	l := New(clock.NewManual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	go l.Run()
	defer l.Stop()
	release := make(chan struct{})
	ran := false
	l.Go(func() func() { <-release; return func() {} })
	l.Post(func() { ran = true })
	l.WaitQuiet()
	if !ran {
		t.Fatal("WaitQuiet returned before the posted work ran")
	}
	if l.Idle() {
		t.Fatal("the loop is idle with work under way")
	}
	close(release)
	l.WaitIdle()
}
