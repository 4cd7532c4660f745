package engine

import "time"

// ClockInfo is the cluster clock as a status line shows it.
type ClockInfo struct {
	Now    time.Time
	Speed  float64
	Paused bool
	// Manual is true when time moves only when advanced (tests, scripts):
	// the UI then says so instead of showing a speed.
	Manual bool
}

// ClockInfo reads the clock in one call, so a view refreshing its clock
// every second copies no objects (Snapshot would copy the whole store).
func (c *Cluster) ClockInfo() ClockInfo {
	return ClockInfo{Now: c.Clock.Now(), Speed: c.Clock.Speed(), Paused: c.Clock.Paused(), Manual: c.Clock.Manual()}
}

// RuntimeName names the runtime running the pods ("sim", "docker").
func (c *Cluster) RuntimeName() string { return c.cfg.Runtime.Name() }
