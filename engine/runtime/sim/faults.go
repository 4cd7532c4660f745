package sim

import (
	"fmt"

	"kubetour/engine/runtime"
)

// FaultKind names something a lesson can make go wrong.
type FaultKind string

const (
	// FaultCrash makes the main process exit now with Fault.ExitCode
	// (default 1), writing Fault.Message to stderr first.
	FaultCrash FaultKind = "crash"
	// FaultOOM makes the kernel OOM-kill the container (137, OOMKilled).
	FaultOOM FaultKind = "oom"
	// FaultUnhealthy makes the app answer 500 (kubetm/app: on /health,
	// as after /status500; other apps: on every path).
	FaultUnhealthy FaultKind = "unhealthy"
	// FaultHealthy undoes FaultUnhealthy.
	FaultHealthy FaultKind = "healthy"
)

// Fault is an injected failure.
type Fault struct {
	Kind     FaultKind
	ExitCode int
	Message  string
}

// Inject applies a fault to a container. Safe from any goroutine.
func (r *Runtime) Inject(containerID string, f Fault) error {
	r.mu.Lock()
	c, err := r.container(containerID)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	switch f.Kind {
	case FaultCrash:
		code := f.ExitCode
		if code == 0 {
			code = 1
		}
		r.kill(c, code, f.Message)
	case FaultOOM:
		r.mu.Lock()
		running := c.state == runtime.StateRunning
		if running {
			c.oom = true
		}
		r.mu.Unlock()
		if running {
			r.kill(c, 137, "")
		}
	case FaultUnhealthy, FaultHealthy:
		r.mu.Lock()
		c.unhealthy = f.Kind == FaultUnhealthy
		srv := c.server
		r.mu.Unlock()
		if srv != nil {
			srv.SetHealthy(f.Kind == FaultHealthy)
		}
	default:
		return fmt.Errorf("unknown fault %q", f.Kind)
	}
	return nil
}

// FailPull makes pulls of image fail with reason (ErrImagePull in the
// kubelet); an empty reason lets them succeed again.
func (r *Runtime) FailPull(image, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if reason == "" {
		delete(r.pullFaults, image)
		return
	}
	r.pullFaults[image] = reason
}
