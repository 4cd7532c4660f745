package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"kubetour/engine/apps"
	"kubetour/engine/apps/shell"
	"kubetour/engine/runtime"
)

// errKilled ends an exec session that was sent a signal by `kill`.
var errKilled = errors.New("killed")

// sleepOnClock waits for d of cluster time, on a loop timer.
func (r *Runtime) sleepOnClock(ctx context.Context, d time.Duration) error {
	ch := make(chan struct{})
	t := r.l.After(d, func() { close(ch) })
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		r.l.Cancel(t)
		return ctx.Err()
	}
}

// Exec runs a command in a running container with the shell, against the
// container's file system, environment and network, and returns its exit
// code. A command the image does not have fails the way containerd fails
// through the CRI (the kubelet adds its own prefix): exit code 126 and the
// OCI message. Sleeps wait for cluster time, so call Exec off the loop
// thread. When the container stops, its exec sessions die with 137.
func (r *Runtime) Exec(ctx context.Context, id string, opts runtime.ExecOptions) (int, error) {
	r.mu.Lock()
	c, err := r.container(id)
	if err == nil && c.state != runtime.StateRunning {
		err = fmt.Errorf("failed to exec in container: container is in CONTAINER_EXITED state")
		if c.state == runtime.StateCreated {
			err = fmt.Errorf("failed to exec in container: container is in CONTAINER_CREATED state")
		}
	}
	if err != nil {
		r.mu.Unlock()
		return -1, err
	}
	p := &proc{argv: opts.Cmd, tty: "?", start: r.now()}
	if opts.TTY {
		p.tty = "pts/0"
	}
	if c.sb.cfg.ShareProcessNamespace {
		c.sb.pidSeq++
		p.pid = c.sb.pidSeq
	} else {
		c.pidSeq++
		p.pid = c.pidSeq
	}
	execID := r.newID("exec")
	r.mu.Unlock()

	env := append([]apps.EnvVar(nil), c.env...)
	if opts.TTY {
		env = append(env[:len(env)-1:len(env)-1], apps.EnvVar{Name: "TERM", Value: "xterm"}, env[len(env)-1])
	}
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	m, err := shell.New(shell.Config{
		Sys: &procSys{r: r, c: c, p: p}, Image: c.img, Argv: opts.Cmd, Env: env, Dir: c.dir,
		Stdin: opts.Stdin, Stdout: stdout, Stderr: stderr, TTY: opts.TTY,
	})
	if err != nil {
		return 126, fmt.Errorf("failed to exec in container: failed to start exec %q: OCI runtime exec failed: exec failed: unable to start container process: %v: unknown", execID, err)
	}
	ectx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r.mu.Lock()
	if c.state != runtime.StateRunning { // it stopped meanwhile
		r.mu.Unlock()
		return 137, nil
	}
	c.procs = append(c.procs, p)
	c.execs[p.pid] = cancel
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(c.execs, p.pid)
		for i, x := range c.procs {
			if x == p {
				c.procs = append(c.procs[:i:i], c.procs[i+1:]...)
				break
			}
		}
		r.mu.Unlock()
	}()
	if opts.Resize != nil {
		go drainResizes(ectx, opts.Resize)
	}
	code, err := m.RunSync(ectx, r.sleepOnClock)
	if err != nil {
		switch cause := context.Cause(ectx); {
		case errors.Is(cause, errContainerExited), errors.Is(cause, errKilled):
			return 137, nil // SIGKILLed with the container, or by kill
		case ctx.Err() != nil:
			return 137, ctx.Err()
		}
	}
	return code, nil
}
