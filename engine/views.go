package engine

import (
	"context"

	"kubetour/engine/runtime"
	"kubetour/engine/scheduler"
)

// Isolation is what separates a pod's containers from each other and from
// the host (namespaces, cgroups, PID 1, hostname, kernel).
type Isolation = runtime.Isolation

// ProcessFacts are one process's namespace and cgroup facts.
type ProcessFacts = runtime.ProcessFacts

// SchedulingDecision is the scheduler's verdict on every node for a pod.
type SchedulingDecision = scheduler.Decision

// Isolation reads the isolation facts of a running pod.
func (c *Cluster) Isolation(ctx context.Context, ns, pod string) (*Isolation, error) {
	return c.Kubelet.Isolation(ctx, ns, pod)
}

// LastScheduling returns the scheduler's latest decision for a pod, if any.
func (c *Cluster) LastScheduling(ns, pod string) (SchedulingDecision, bool) {
	var d SchedulingDecision
	var ok bool
	c.onLoop(func() { d, ok = c.Sched.Last[ns+"/"+pod] })
	return d, ok
}
