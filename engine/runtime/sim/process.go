package sim

import (
	"context"
	"net"
	"syscall"
	"time"

	"kubetour/engine/apps/shell"
)

// procSys is the outside world of one process of a container.
type procSys struct {
	r *Runtime
	c *container
	p *proc
}

var _ shell.Sys = (*procSys)(nil)

func (s *procSys) FS() shell.FileSystem                  { return s.c.fs }
func (s *procSys) Hostname() string                      { return s.c.sb.cfg.Hostname }
func (s *procSys) Now() time.Time                        { return s.r.now() }
func (s *procSys) KernelRelease() string                 { return s.r.kernel }
func (s *procSys) Pid() int                              { return s.p.pid }
func (s *procSys) SetCPU(millicores int64)               { s.r.setCPU(s.c, s.p, millicores) }
func (s *procSys) Alloc(n int64) error                   { return s.r.alloc(s.c, s.p, n) }
func (s *procSys) Kill(pid int, sig shell.Signal) error  { return s.r.signalPid(s.c, pid, sig) }
func (s *procSys) Serve(ports []int) (func(bool), error) { return s.r.serve(s.c, ports) }

func (s *procSys) Dial(ctx context.Context, host string, port int) (net.Conn, error) {
	return s.r.dialFrom(ctx, s.c.sb, host, port)
}

func (s *procSys) LookupHost(ctx context.Context, host string) (string, []string, error) {
	return s.r.lookup(ctx, s.c.sb, host)
}

// Processes lists what ps sees: the container's processes, or, with a
// shared process namespace, the pod's (pause is PID 1).
func (s *procSys) Processes() []shell.Proc {
	r := s.r
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []shell.Proc
	ctrs := []*container{s.c}
	if s.c.sb.cfg.ShareProcessNamespace {
		ctrs = s.c.sb.ctrs
		out = append(out, shell.Proc{PID: 1, User: "65535", TTY: "?", Start: s.c.sb.created, Argv: []string{"/pause"}})
	}
	for _, c := range ctrs {
		r.chargeCPU(c)
		for _, p := range c.procs {
			sp := shell.Proc{PID: p.pid, PPID: p.ppid, User: "root", TTY: p.tty, Start: p.start, RSS: p.mem, Argv: p.argv}
			if p.main {
				sp.RSS += c.img.MemoryBase
				sp.CPU = time.Duration(c.cpuNanos)
			}
			out = append(out, sp)
		}
	}
	return out
}

// alloc accounts memory against the container's cgroup. Crossing the
// limit is an OOM kill: of the whole container, as cgroup v2 with
// memory.oom.group does for Kubernetes containers since 1.28.
func (r *Runtime) alloc(c *container, p *proc, n int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n > 0 && c.cfg.MemoryLimit > 0 && r.memUsage(c)+n > c.cfg.MemoryLimit {
		c.oom = true
		if !p.main {
			// An exec'd process crossed the limit: the main process dies
			// too, on the loop, as the kernel would do it asynchronously.
			r.l.Post(func() { r.kill(c, 137, "") })
		}
		return shell.ErrOOMKilled
	}
	p.mem += n
	if p.mem < 0 {
		p.mem = 0
	}
	return nil
}

// setCPU records a process's CPU demand; usage accrues at the demand,
// throttled to the cgroup's limit.
func (r *Runtime) setCPU(c *container, p *proc, millicores int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.chargeCPU(c)
	p.cpuMilli = millicores
}

// signalPid sends a signal to a process of the same pid namespace, as
// `kill` inside a container does. The main process gets it on the loop.
func (r *Runtime) signalPid(from *container, pid int, sig shell.Signal) error {
	r.mu.Lock()
	ctrs := []*container{from}
	if from.sb.cfg.ShareProcessNamespace {
		ctrs = from.sb.ctrs
		if pid == 1 {
			r.mu.Unlock()
			return nil // pause ignores what it does not handle
		}
	}
	for _, c := range ctrs {
		for _, p := range c.procs {
			if p.pid != pid {
				continue
			}
			if p.main {
				r.mu.Unlock()
				r.l.Post(func() { r.signalMain(c, sig) })
				return nil
			}
			if cancel, ok := c.execs[pid]; ok {
				cancel(errKilled)
			}
			r.mu.Unlock()
			return nil
		}
	}
	r.mu.Unlock()
	return syscall.ESRCH
}

// signalMain delivers a signal to a container's main process.
func (r *Runtime) signalMain(c *container, sig shell.Signal) {
	if sig == shell.SIGKILL {
		r.kill(c, 137, "")
		return
	}
	c.mmu.Lock()
	defer c.mmu.Unlock()
	if c.main == nil || c.main.Done() {
		return
	}
	if y, reacted := c.main.Signal(sig); reacted {
		c.gen++
		r.advance(c, y)
	}
}
