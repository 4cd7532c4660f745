package sim

import (
	"fmt"
	"strings"

	"kubetour/engine/apps"
	"kubetour/engine/runtime"
)

// idleMillicores is what a container's main program uses with nothing to
// do: a real server wakes up now and then (timers, GC), the cluster's own
// components keep working. Without it `kubectl top` would print 0m for
// every pod, which no real cluster does; sleeping shells really use 0.
func idleMillicores(img apps.Behaviour) int64 {
	repo := img.Ref.Repository()
	switch {
	case strings.HasSuffix(repo, "/kube-apiserver"):
		return 42
	case strings.HasSuffix(repo, "/etcd"):
		return 18
	case strings.HasSuffix(repo, "/kube-controller-manager"):
		return 14
	case strings.HasSuffix(repo, "/kube-scheduler"):
		return 3
	case strings.HasSuffix(repo, "/coredns"):
		return 2
	}
	if img.Kind == apps.KindServer {
		return 1
	}
	return 0
}

// ContainerUsage reports what the kubelet's summary API (cAdvisor) reads
// from a running container's cgroup: the CPU time it has used since it
// started (nanoseconds of one core, cpu.stat's usage_usec × 1000, plus the
// program's idle wake-ups) and its memory working set in bytes. A
// metrics pipeline turns the CPU counter into a rate between two reads, as
// metrics-server does. ok is false for a container that is not running.
func (r *Runtime) ContainerUsage(id string) (cpuNanos, memoryBytes int64, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, found := r.containers[id]
	if !found || c.state != runtime.StateRunning {
		return 0, 0, false
	}
	r.chargeCPU(c)
	idle := idleMillicores(c.img) * int64(r.now().Sub(c.startedAt)) / 1000
	return c.cpuNanos + idle, r.memUsage(c), true
}

// ContainerCPU is a running container's CPU use right now, in millicores:
// its processes' demand throttled at the cgroup's limit, or its idle use.
func (r *Runtime) ContainerCPU(id string) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.container(id)
	if err != nil {
		return 0, err
	}
	if c.state != runtime.StateRunning {
		return 0, nil
	}
	var demand int64
	for _, p := range c.procs {
		demand += p.cpuMilli
	}
	if c.cfg.CPULimit > 0 && demand > c.cfg.CPULimit {
		demand = c.cfg.CPULimit
	}
	if demand == 0 {
		demand = idleMillicores(c.img)
	}
	return demand, nil
}

// SetLoad makes a running container's main program busy with millicores
// of CPU, as a server under a stream of requests is (the autoscaling
// lesson's load); 0 ends the load. The cgroup's CPU limit throttles it like
// any demand, so a container cannot use more than its limit. It replaces
// the main program's own demand (cpuburn's) until set again.
func (r *Runtime) SetLoad(containerID string, millicores int64) error {
	if millicores < 0 {
		return fmt.Errorf("negative CPU load %d", millicores)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.container(containerID)
	if err != nil {
		return err
	}
	if c.state != runtime.StateRunning {
		return fmt.Errorf("container %q is not running", containerID)
	}
	for _, p := range c.procs {
		if p.main {
			// Usage so far accrues at the old demand first.
			r.chargeCPU(c)
			p.cpuMilli = millicores
			return nil
		}
	}
	return fmt.Errorf("container %q has no main process", containerID)
}
