package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"kubetour/engine"
	"kubetour/engine/kubelet"
	"kubetour/engine/runtime/docker"
)

// simLatency is how long node work takes on the simulation: long enough to
// see ContainerCreating, short enough not to bore.
var simLatency = kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second}

// clusterConfig picks the runtime: Docker when asked or, with auto, when an
// engine answers; else the simulation, saying which and why. A manual
// clock (scripts) is possible only on the simulation: real containers run
// in real time.
func clusterConfig(cf clusterFlags, manual bool, notice io.Writer) (engine.Config, error) {
	sim := engine.Config{Manual: manual, Seed: cf.seed, Latency: simLatency, NewRuntime: engine.SimRuntime}
	switch cf.runtime {
	case "sim":
		return sim, nil
	case "auto", "docker":
	default:
		return sim, fmt.Errorf("invalid --runtime %q: must be auto, docker or sim", cf.runtime)
	}
	dir, err := stateDir()
	if err != nil {
		return sim, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rt, err := docker.New(ctx, docker.Options{StateDir: dir})
	if err != nil {
		if cf.runtime == "docker" {
			return sim, fmt.Errorf("--runtime docker: %w", err)
		}
		reason := err.Error()
		if errors.Is(err, docker.ErrNoEngine) {
			reason = "no Docker engine answers (" + reason + ")"
		}
		fmt.Fprintf(notice, "kubetour: runtime auto: using the simulation: %s\n", reason)
		return sim, nil
	}
	plan := rt.Plan()
	fmt.Fprintf(notice, "kubetour: runtime %s: using Docker (pods are real containers; Services %s)\n", cf.runtime, plan.ServiceCIDR)
	nodes := engine.DefaultNodes()
	for i := range nodes {
		nodes[i].PodCIDR = plan.PodCIDR(i).String()
	}
	return engine.Config{Runtime: rt, Seed: cf.seed, Nodes: nodes, ContainerIDPrefix: "docker://",
		ServiceCIDR: plan.ServiceCIDR}, nil
}
