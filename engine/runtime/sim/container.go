package sim

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"kubetour/engine/apps"
	"kubetour/engine/apps/memfs"
	"kubetour/engine/apps/shell"
	"kubetour/engine/loop"
	"kubetour/engine/runtime"
)

// container is one container of a sandbox and its processes.
type container struct {
	id      string
	sb      *sandbox
	cfg     runtime.ContainerConfig
	img     apps.Behaviour
	imageID string
	argv    []string
	env     []apps.EnvVar
	dir     string

	// Guarded by Runtime.mu.
	state                            runtime.State
	exitCode                         int
	reason, message                  string
	createdAt, startedAt, finishedAt time.Time
	hostPid                          int
	ns                               map[string]uint64 // pid, mnt, cgroup
	procs                            []*proc
	pidSeq                           int
	server                           *apps.Server
	unhealthy                        bool
	oom                              bool
	execs                            map[int]context.CancelCauseFunc
	cpuNanos                         int64
	cpuSince                         time.Time

	fs   *memfs.FS
	logs *logBuffer

	// mmu serialises everything that runs the main machine.
	mmu       sync.Mutex
	main      *shell.Machine
	gen       int // bumped when a pending wake-up becomes stale
	killTimer loop.Timer
	killArmed bool
}

// proc is a process of a container, as ps and the cgroup see it.
type proc struct {
	main      bool // the container's main process (the cgroup dies with it)
	pid, ppid int
	argv      []string
	tty       string
	start     time.Time
	mem       int64
	cpuMilli  int64
}

// errContainerExited ends the exec sessions of a container that stopped.
var errContainerExited = errors.New("container exited")

func (r *Runtime) container(id string) (*container, error) {
	c, ok := r.containers[id]
	if !ok {
		return nil, fmt.Errorf("container %q: %w", id, runtime.ErrNotFound)
	}
	return c, nil
}

// CreateContainer prepares a container: its image, environment and file
// system with the volumes mounted. Nothing runs until StartContainer.
func (r *Runtime) CreateContainer(ctx context.Context, sandboxID string, cfg *runtime.ContainerConfig) (string, error) {
	ref, err := apps.ParseRef(cfg.Image)
	if err != nil {
		return "", &runtime.ImageError{Image: cfg.Image, Reason: err.Error()}
	}
	img, ok := apps.Resolve(cfg.Image)
	if !ok {
		return "", &runtime.ImageError{Image: cfg.Image, Reason: apps.PullFailure(cfg.Image)}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	sb, err := r.sandbox(sandboxID)
	if err != nil {
		return "", err
	}
	if !sb.ready {
		return "", fmt.Errorf("sandbox %s is not ready", sandboxID)
	}
	c := &container{
		id: r.newID("container"), sb: sb, cfg: *cfg, img: img, imageID: imageID(ref, img),
		argv:  img.Argv(cfg.Command, cfg.Args),
		state: runtime.StateCreated, createdAt: r.now(),
		ns:    map[string]uint64{"mnt": r.nextNS(), "cgroup": r.nextNS()},
		execs: map[int]context.CancelCauseFunc{}, pidSeq: 6,
	}
	if !sb.cfg.ShareProcessNamespace {
		c.ns["pid"] = r.nextNS()
	}
	c.env = apps.ContainerEnv(img, sb.cfg.Hostname, cfg.Env)
	c.dir = cfg.WorkingDir
	if c.dir == "" {
		c.dir = img.WorkingDir
	}
	if c.dir == "" {
		c.dir = "/"
	}
	if c.fs, err = r.buildFS(c); err != nil {
		return "", err
	}
	c.logs = newLogBuffer(r.now)
	r.containers[c.id] = c
	sb.ctrs = append(sb.ctrs, c)
	return c.id, nil
}

// buildFS assembles the container's view: the image's root file system,
// /proc and the cgroup files, the pod's /etc files, then the volumes.
// Callers hold r.mu.
func (r *Runtime) buildFS(c *container) (*memfs.FS, error) {
	root := r.imageTree(c).Clone()
	root.MkdirAll(c.dir)
	mounts := []memfs.Mount{
		{Target: "/", Tree: root, Source: "overlay", Type: "overlay", Options: "rw,relatime"},
		{Target: "/proc", Tree: r.procTree(c), Source: "proc", Type: "proc", Options: "rw,nosuid,nodev,noexec,relatime"},
		{Target: "/sys/fs/cgroup", Tree: r.cgroupTree(c), Source: "cgroup", Type: "cgroup2", Options: "ro,nosuid,nodev,noexec,relatime", ReadOnly: true},
		{Target: "/etc/hosts", Tree: c.sb.etc, SubPath: "hosts", Source: "/dev/sda1", Type: "ext4", Options: "rw,relatime"},
		{Target: "/etc/hostname", Tree: c.sb.etc, SubPath: "hostname", Source: "/dev/sda1", Type: "ext4", Options: "rw,relatime"},
		{Target: "/etc/resolv.conf", Tree: c.sb.etc, SubPath: "resolv.conf", Source: "/dev/sda1", Type: "ext4", Options: "rw,relatime"},
	}
	vols := append([]runtime.Mount(nil), c.cfg.Mounts...)
	// Parents are mounted before children, whatever the pod spec's order.
	sort.SliceStable(vols, func(i, j int) bool {
		return strings.Count(path.Clean(vols[i].ContainerPath), "/") < strings.Count(path.Clean(vols[j].ContainerPath), "/")
	})
	for _, m := range vols {
		v, ok := r.volumes[m.VolumeID]
		if !ok {
			return nil, fmt.Errorf("volume %q: %w", m.VolumeID, runtime.ErrNotFound)
		}
		mm := memfs.Mount{
			Target: m.ContainerPath, Tree: v.tree, SubPath: path.Join(v.sub, m.SubPath),
			ReadOnly: m.ReadOnly || v.v.Kind == runtime.VolumeFiles,
			Source:   "/dev/sda1", Type: "ext4",
		}
		if v.v.Medium == "Memory" {
			mm.Source, mm.Type = "tmpfs", "tmpfs"
		}
		mm.Options = "rw,relatime"
		if mm.ReadOnly {
			mm.Options = "ro,relatime"
		}
		mounts = append(mounts, mm)
	}
	return memfs.New(mounts...)
}

// StartContainer runs the container's process at once (the kubelet models
// ContainerCreating delays itself). It runs until the process first
// sleeps, blocks or exits: a command that exits at once (busybox's sh
// without a terminal) is already exited when StartContainer returns.
func (r *Runtime) StartContainer(ctx context.Context, id string) error {
	r.mu.Lock()
	c, err := r.container(id)
	if err == nil && c.state != runtime.StateCreated {
		err = fmt.Errorf("container %s is %s, not created", id, c.state)
	}
	if err == nil && !c.sb.ready {
		err = fmt.Errorf("sandbox of container %s is not ready", id)
	}
	r.mu.Unlock()
	if err != nil {
		return err
	}
	c.mmu.Lock()
	defer c.mmu.Unlock()
	p := &proc{main: true, pid: 1, argv: c.argv, tty: "?", start: r.now()}
	if c.cfg.TTY {
		p.tty = "pts/0"
	}
	r.mu.Lock()
	if c.sb.cfg.ShareProcessNamespace {
		c.sb.pidSeq++
		p.pid = c.sb.pidSeq
	}
	r.mu.Unlock()
	m, err := shell.New(shell.Config{
		Sys: &procSys{r: r, c: c, p: p}, Image: c.img, Argv: c.argv, Env: c.env, Dir: c.dir,
		Stdout: c.logs.writer(streamStdout), Stderr: c.logs.writer(streamStderr),
		TTY: c.cfg.TTY, PID1: !c.sb.cfg.ShareProcessNamespace,
	})
	if err != nil {
		// runc cannot start it: the kubelet reports StartError, exit 128.
		msg := fmt.Sprintf("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: %v: unknown", err)
		r.mu.Lock()
		c.state, c.exitCode, c.reason, c.message = runtime.StateExited, 128, "StartError", msg
		c.startedAt, c.finishedAt = time.Unix(0, 0).UTC(), r.now()
		r.emit(runtime.Event{Type: runtime.EventExited, ContainerID: c.id, SandboxID: c.sb.id, ExitCode: 128, Time: r.now(), Message: msg})
		r.mu.Unlock()
		c.logs.close()
		return errors.New(msg)
	}
	r.mu.Lock()
	r.hostPid++
	c.hostPid = r.hostPid
	c.state, c.startedAt, c.cpuSince = runtime.StateRunning, r.now(), r.now()
	c.procs = append(c.procs, p)
	r.mu.Unlock()
	c.main = m
	r.advance(c, m.Step())
	return nil
}

// advance schedules what the main process waits for. Callers hold c.mmu.
func (r *Runtime) advance(c *container, y shell.Yield) {
	for {
		switch y.State {
		case shell.Sleeping:
			c.gen++
			gen := c.gen
			r.l.After(y.Sleep, func() { r.wake(c, gen) })
		case shell.WaitingInput:
			if !c.cfg.Stdin {
				y = c.main.CloseInput() // no stdin: the process reads EOF
				continue
			}
			// stdin is open but nothing attaches: it waits forever.
		case shell.Exited:
			r.exited(c, y.Code)
		}
		return
	}
}

// wake resumes the main process after its sleep, unless something else
// resumed or ended it since.
func (r *Runtime) wake(c *container, gen int) {
	c.mmu.Lock()
	defer c.mmu.Unlock()
	if c.gen != gen || c.main == nil || c.main.Done() {
		return
	}
	r.advance(c, c.main.Step())
}

// exited records the end of the main process. Callers hold c.mmu.
func (r *Runtime) exited(c *container, code int) {
	if c.killArmed {
		r.l.Cancel(c.killTimer)
		c.killArmed = false
	}
	c.gen++
	r.mu.Lock()
	if c.state != runtime.StateRunning {
		r.mu.Unlock()
		return
	}
	r.chargeCPU(c)
	c.state, c.exitCode, c.finishedAt = runtime.StateExited, code, r.now()
	switch {
	case c.oom:
		c.reason = "OOMKilled"
	case code == 0:
		c.reason = "Completed"
	default:
		c.reason = "Error"
	}
	r.unbindLocked(c)
	for _, cancel := range c.execs {
		cancel(errContainerExited)
	}
	c.procs = nil
	if c.oom {
		r.emit(runtime.Event{Type: runtime.EventOOM, ContainerID: c.id, SandboxID: c.sb.id, ExitCode: code, Time: c.finishedAt, Message: "OOMKilled"})
	}
	r.emit(runtime.Event{Type: runtime.EventExited, ContainerID: c.id, SandboxID: c.sb.id, ExitCode: code, Time: c.finishedAt, Message: c.reason})
	r.mu.Unlock()
	c.logs.close()
}

// kill ends the main process at once with code (SIGKILL: 137).
func (r *Runtime) kill(c *container, code int, message string) {
	c.mmu.Lock()
	defer c.mmu.Unlock()
	if c.main == nil || c.main.Done() {
		return
	}
	if message != "" {
		c.logs.writer(streamStderr).Write([]byte(message + "\n"))
	}
	c.main.Kill(code)
	r.exited(c, code)
}

// StopContainer sends SIGTERM and, if the process is still there after
// grace, SIGKILL. It returns at once: the exit is reported through Watch
// when it happens, right away for a server (which stops cleanly on its stop
// signal) and after grace for a shell running as PID 1, which the kernel
// shields from SIGTERM unless it traps it: `sh -c "sleep 3600"` ends with
// 137 after 30 s, which is why the course sets terminationGracePeriodSeconds
// to 0.
func (r *Runtime) StopContainer(ctx context.Context, id string, grace time.Duration) error {
	r.mu.Lock()
	c, err := r.container(id)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	c.mmu.Lock()
	defer c.mmu.Unlock()
	if c.main == nil || c.main.Done() {
		return nil
	}
	if y, reacted := c.main.Signal(shell.SIGTERM); reacted {
		c.gen++ // the sleep it was in is over
		r.advance(c, y)
	}
	if c.main.Done() {
		return nil
	}
	if grace <= 0 {
		// Also when a graceful stop is pending: a forced delete wins.
		c.main.Kill(137)
		r.exited(c, 137)
		return nil
	}
	if c.killArmed {
		return nil // the first stop's deadline stands
	}
	c.killArmed = true
	c.killTimer = r.l.After(grace, func() {
		c.mmu.Lock()
		defer c.mmu.Unlock()
		c.killArmed = false
		if c.main.Done() {
			return
		}
		c.main.Kill(137)
		r.exited(c, 137)
	})
	return nil
}

// RemoveContainer deletes a container (killing it if it still runs).
func (r *Runtime) RemoveContainer(ctx context.Context, id string) error {
	r.mu.Lock()
	c, err := r.container(id)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	r.kill(c, 137, "")
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.containers, id)
	for i, x := range c.sb.ctrs {
		if x == c {
			c.sb.ctrs = append(c.sb.ctrs[:i:i], c.sb.ctrs[i+1:]...)
			break
		}
	}
	return nil
}

// ContainerStatus reports a container's state.
func (r *Runtime) ContainerStatus(ctx context.Context, id string) (*runtime.ContainerStatus, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.container(id)
	if err != nil {
		return nil, err
	}
	st := &runtime.ContainerStatus{
		ID: c.id, Name: c.cfg.Name, State: c.state, StartedAt: c.startedAt,
		ImageID: c.imageID,
	}
	if c.state == runtime.StateRunning {
		st.Pid = c.hostPid
	}
	if c.state == runtime.StateExited {
		st.ExitCode, st.Reason, st.Message, st.FinishedAt = c.exitCode, c.reason, c.message, c.finishedAt
	}
	return st, nil
}

// imageTree returns the image's root filesystem, unpacking it on first use.
func (r *Runtime) imageTree(c *container) *memfs.Tree {
	t, ok := r.images[c.imageID]
	if !ok {
		t = memfs.NewTree(r.now)
		shell.PopulateRootFS(t, c.img)
		r.images[c.imageID] = t
	}
	return t
}
