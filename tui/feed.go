package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"kubetour/engine"
	"kubetour/engine/events"
)

// frame is one screen refresh at 60 Hz. The narration is delivered at most
// every half frame (batchEvery), however fast the engine publishes: an event
// then waits at most half a frame for its batch, and the batch's Update and
// View (up to ~8 ms for a 1,000-pod rollout's burst) still fit in the
// frame. Bubble Tea's renderer draws at most once a frame either way.
const (
	frame      = 16 * time.Millisecond
	batchEvery = frame / 2
)

// eventsMsg is one batch of narration: everything published since the
// previous batch.
type eventsMsg struct {
	events []events.Event
	at     time.Time // when the batch was handed over, to pace the next one
	closed bool
}

// waitEvents is the kl pattern, paced by frames: the Cmd blocks for the
// first events, then — if the previous batch went out less than a frame
// ago — keeps draining until a frame has passed, and returns everything as
// one message. Update re-arms it. A quiet cluster's event reaches the
// screen at once; a 1,000-pod rollout produces one Update per frame, not
// one per event.
func waitEvents(ctx context.Context, sub *events.Subscription, last time.Time) tea.Cmd {
	return func() tea.Msg {
		evs := sub.Next(ctx)
		if evs == nil {
			return eventsMsg{closed: true}
		}
		if wait := time.Until(last.Add(batchEvery)); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return eventsMsg{closed: true}
			}
			evs = append(evs, sub.Drain()...)
		}
		return eventsMsg{events: evs, at: time.Now()}
	}
}

// snapshotMsg carries a fresh copy of the cluster's objects.
type snapshotMsg struct {
	snap engine.Snapshot
	took time.Duration
}

// The objects and nodes views refresh from a snapshot at most every
// minSnapshotInterval, and less often when a refresh costs more (8× its
// cost, up to maxSnapshotInterval): copying the store must not compete
// with the engine for the CPU during an event storm.
const (
	minSnapshotInterval = 50 * time.Millisecond
	maxSnapshotInterval = 500 * time.Millisecond
)

// takeSnapshot copies the cluster's objects off the UI thread, after
// waiting out the rest of the refresh interval.
func takeSnapshot(c Cluster, notBefore time.Time) tea.Cmd {
	return func() tea.Msg {
		if d := time.Until(notBefore); d > 0 {
			time.Sleep(d)
		}
		start := time.Now()
		s := c.Snapshot()
		return snapshotMsg{snap: s, took: time.Since(start)}
	}
}

// clockMsg is the cluster clock, read every second and after every time
// control.
type clockMsg struct{ info engine.ClockInfo }

func readClock(c Cluster) tea.Cmd {
	return func() tea.Msg { return clockMsg{info: c.ClockInfo()} }
}

func clockTick(c Cluster) tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return clockTickMsg{info: c.ClockInfo()} })
}

// historyMsg is the narration retained before the UI subscribed.
type historyMsg struct{ events []events.Event }

func loadNarration(c Cluster) tea.Cmd {
	return func() tea.Msg { return historyMsg{events: c.History()} }
}

// timeControl runs one of the clock's controls and reports the clock.
func timeControl(c Cluster, fn func(Cluster)) tea.Cmd {
	return func() tea.Msg {
		fn(c)
		return clockMsg{info: c.ClockInfo()}
	}
}
