package docker

import (
	"context"
	"strconv"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"

	"kubetour/engine/runtime"
)

// subscribe opens the engine's event stream for this session's
// containers' exits and OOM kills, from since on. It returns once the
// stream is established.
func (r *Runtime) subscribe(ctx context.Context, since time.Time) (<-chan events.Message, <-chan error) {
	f := filters.NewArgs(
		filters.Arg("type", "container"),
		filters.Arg("label", labelSession+"="+r.session),
		filters.Arg("event", "die"),
		filters.Arg("event", "oom"),
	)
	opts := events.ListOptions{Filters: f}
	if !since.IsZero() {
		opts.Since = strconv.FormatInt(since.Unix(), 10)
	}
	return r.cli.Events(ctx, opts)
}

// watchEvents turns the event stream into runtime events until Close. When
// the stream breaks it checks the engine: an engine that stopped
// answering is reported down, then up when it answers again, and every
// container's exit missed meanwhile is reported.
func (r *Runtime) watchEvents(msgs <-chan events.Message, errs <-chan error, since time.Time) {
	defer r.wg.Done()
	for {
		if msgs == nil {
			msgs, errs = r.subscribe(r.ctx, since)
		}
		broken := false
		for !broken {
			select {
			case m, ok := <-msgs:
				if !ok {
					broken = true
					break
				}
				if m.TimeNano > 0 {
					since = time.Unix(0, m.TimeNano)
				}
				r.onEvent(m)
			case <-errs:
				broken = true
			}
		}
		msgs, errs = nil, nil
		if r.ctx.Err() != nil {
			return
		}
		if err := r.ping(); err != nil {
			r.setDown(err)
			for r.ping() != nil {
				select {
				case <-r.ctx.Done():
					return
				case <-time.After(time.Second):
				}
			}
			r.setUp()
			continue
		}
		select {
		case <-r.ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (r *Runtime) ping() error {
	ctx, cancel := context.WithTimeout(r.ctx, 2*time.Second)
	defer cancel()
	_, err := r.cli.Ping(ctx)
	return err
}

func (r *Runtime) setDown(err error) {
	r.mu.Lock()
	was := r.down
	r.down = true
	r.mu.Unlock()
	if !was {
		r.opts.Logf("docker runtime: the engine stopped answering: %v", err)
		r.emit(runtime.Event{Type: runtime.EventRuntimeDown, Time: time.Now(), Message: "the Docker engine stopped answering: " + err.Error()})
	}
}

// setUp reports the engine back and the exits that happened meanwhile.
func (r *Runtime) setUp() {
	r.mu.Lock()
	r.down = false
	var live []*ctr
	for _, c := range r.ctrs {
		if !c.sandbox {
			live = append(live, c)
		}
	}
	r.mu.Unlock()
	r.emit(runtime.Event{Type: runtime.EventRuntimeUp, Time: time.Now(), Message: "the Docker engine answers again"})
	for _, c := range live {
		c.mu.Lock()
		done := c.exitReported || c.startErr != nil
		c.mu.Unlock()
		if done {
			continue
		}
		info, err := r.cli.ContainerInspect(r.ctx, c.id)
		switch {
		case cerrdefs.IsNotFound(err):
			r.reportExit(c, 137, false, time.Now())
		case err == nil && info.State != nil && (info.State.Status == "exited" || info.State.Status == "dead"):
			r.reportExit(c, info.State.ExitCode, info.State.OOMKilled, parseDockerTime(info.State.FinishedAt))
		}
	}
}

// Down reports whether the engine has stopped answering.
func (r *Runtime) Down() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.down
}

func (r *Runtime) onEvent(m events.Message) {
	r.mu.Lock()
	c := r.ctrs[m.Actor.ID]
	r.mu.Unlock()
	if c == nil {
		return
	}
	switch m.Action {
	case events.ActionOOM:
		c.mu.Lock()
		c.oom = true
		c.mu.Unlock()
	case events.ActionDie:
		code, _ := strconv.Atoi(m.Actor.Attributes["exitCode"])
		at := time.Unix(0, m.TimeNano)
		if c.sandbox {
			c.mu.Lock()
			seen := c.exitReported
			c.exitReported = true
			c.mu.Unlock()
			if seen {
				return
			}
			r.emit(runtime.Event{Type: runtime.EventExited, ContainerID: c.id, SandboxID: c.id, ExitCode: code, Time: at, Message: "sandbox exited"})
			return
		}
		oom := false
		if code == 137 {
			// The oom event may trail die; Docker's state knows.
			if info, err := r.cli.ContainerInspect(r.ctx, c.id); err == nil && info.State != nil {
				oom = info.State.OOMKilled
				if t := parseDockerTime(info.State.FinishedAt); !t.IsZero() {
					at = t
				}
			}
		}
		r.reportExit(c, code, oom, at)
	}
}
