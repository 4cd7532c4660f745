package main

import (
	"fmt"
	"io"
	"time"

	"kubetour/engine"
	"kubetour/engine/kubelet"
)

// simLatency is how long node work takes on the simulation: long enough to
// see ContainerCreating, short enough not to bore.
var simLatency = kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second}

// clusterConfig picks the runtime. Docker support arrives with the Docker
// runtime; until then auto uses the simulation and says so.
func clusterConfig(cf clusterFlags, manual bool, notice io.Writer) (engine.Config, error) {
	cfg := engine.Config{Manual: manual, Seed: cf.seed, Latency: simLatency}
	switch cf.runtime {
	case "sim":
	case "auto":
		fmt.Fprintln(notice, "kubetour: runtime auto: using the simulation (the Docker runtime is not built into this version yet)")
	case "docker":
		return cfg, fmt.Errorf("--runtime docker: the Docker runtime is not built into this version yet; use --runtime sim")
	default:
		return cfg, fmt.Errorf("invalid --runtime %q: must be auto, docker or sim", cf.runtime)
	}
	cfg.NewRuntime = engine.SimRuntime
	return cfg, nil
}
