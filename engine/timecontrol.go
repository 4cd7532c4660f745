package engine

import "time"

// Time control: a lesson runs the cluster faster (a CronJob lesson at ×30),
// pauses it to look, steps it, or jumps ahead. Every timer due on the way
// fires at its own instant, so jumping ahead is the same as waiting.

// SetSpeed sets how many cluster seconds pass per wall second.
func (c *Cluster) SetSpeed(factor float64) { c.Clock.SetSpeed(factor); c.Loop.Post(func() {}) }

// Pause stops cluster time (the API keeps answering).
func (c *Cluster) Pause() { c.Clock.SetPaused(true) }

// Resume lets cluster time flow again.
func (c *Cluster) Resume() { c.Clock.SetPaused(false); c.Loop.Post(func() {}) }

// Step moves time forward by d and returns when everything due has run:
// for stepping a paused clock one event at a time.
func (c *Cluster) Step(d time.Duration) { c.Loop.Advance(d) }

// Now is the cluster time.
func (c *Cluster) Now() time.Time { return c.Clock.Now() }
