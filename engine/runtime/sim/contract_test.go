package sim_test

import (
	"testing"
	"time"

	"kubetour/engine/clock"
	"kubetour/engine/loop"
	"kubetour/engine/runtime/contract"
	"kubetour/engine/runtime/sim"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// newLoop starts a loop on a manual clock.
func newLoop(t *testing.T) *loop.Loop {
	l := loop.New(clock.NewManual(t0))
	go l.Run()
	t.Cleanup(l.Stop)
	return l
}

func TestContract(t *testing.T) {
	contract.Run(t, contract.Harness{
		New: func(t *testing.T) contract.Env {
			l := newLoop(t)
			rt := sim.New(l, sim.Options{KernelRelease: "6.8.0-sim"})
			t.Cleanup(func() { rt.Close() })
			return contract.Env{Runtime: rt, Advance: l.Advance}
		},
		HonoursIP: true,
	})
}
