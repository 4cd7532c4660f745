package docker

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"

	"kubetour/engine/apps"
	"kubetour/engine/apps/memfs"
	"kubetour/engine/apps/shell"
	"kubetour/engine/runtime"
	"kubetour/internal/appmode"
)

// ctr is a container the runtime created, sandbox or app.
type ctr struct {
	id      string
	sb      *sandbox
	name    string // the container's name in the pod ("POD" for a sandbox)
	sandbox bool
	cfg     runtime.ContainerConfig
	img     *resolvedImage
	argv    []string // what an emulated image runs

	mu           sync.Mutex
	startErr     *runtime.ContainerStatus // a start that failed
	exitReported bool
	oom          bool
	pid          int
	cgroup       *cgroupDirs
}

func (r *Runtime) container(id string) (*ctr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.ctrs[id]
	if !ok || c.sandbox {
		return nil, fmt.Errorf("container %q: %w", id, runtime.ErrNotFound)
	}
	return c, nil
}

// forget drops a removed container from the runtime's records.
func (r *Runtime) forget(c *ctr) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.ctrs, c.id)
	if c.sb != nil {
		for i, x := range c.sb.ctrs {
			if x == c {
				c.sb.ctrs = append(c.sb.ctrs[:i:i], c.sb.ctrs[i+1:]...)
				break
			}
		}
	}
}

// CreateContainer creates an app container joined to the sandbox's
// network and IPC namespaces (and PID namespace when the pod shares it),
// with the pod's resources as cgroup limits and its volumes mounted.
func (r *Runtime) CreateContainer(ctx context.Context, sandboxID string, cfg *runtime.ContainerConfig) (string, error) {
	sb, err := r.sandbox(sandboxID)
	if err != nil {
		return "", err
	}
	ri, err := r.resolveImage(ctx, cfg.Image, false)
	if err != nil {
		return "", err
	}
	mounts, err := r.mountsFor(cfg.Mounts)
	if err != nil {
		return "", err
	}
	if sb.resolvConf != "" {
		mounts = append(mounts, resolvMount(sb.resolvConf))
	}
	r.mu.Lock()
	attempt := cfg.Attempt
	if last, ok := sb.attempts[cfg.Name]; ok && attempt <= last {
		attempt = last + 1
	}
	sb.attempts[cfg.Name] = attempt
	r.mu.Unlock()

	labels := map[string]string{
		labelDockerType: "container", labelSandboxID: sandboxID, labelCtrName: cfg.Name,
		labelPodName: sb.cfg.Name, labelPodNS: sb.cfg.Namespace, labelPodUID: sb.cfg.PodUID,
		labelCtrAttempt: strconv.Itoa(attempt), labelImage: cfg.Image, labelImageID: ri.id,
	}
	for k, v := range cfg.Labels {
		if _, set := labels[k]; !set {
			labels[k] = v
		}
	}
	c := &ctr{sb: sb, name: cfg.Name, cfg: *cfg, img: ri}
	ccfg := &container.Config{
		Image: ri.run, Tty: cfg.TTY, OpenStdin: cfg.Stdin, StdinOnce: cfg.StdinOnce, WorkingDir: cfg.WorkingDir,
	}
	if ri.emulated {
		labels[labelEmulated] = "true"
		c.argv = ri.b.Argv(cfg.Command, cfg.Args)
		ccfg.Cmd = appmode.RunArgv(cfg.Image, cfg.TTY, c.argv)
		env := apps.ContainerEnv(ri.b, sb.cfg.Hostname, cfg.Env)
		if cfg.TTY {
			env = dumbTerm(env)
		}
		ccfg.Env = envStrings(env)
		if ccfg.WorkingDir == "" {
			ccfg.WorkingDir = ri.b.WorkingDir
		}
	} else {
		if len(cfg.Command) > 0 {
			ccfg.Entrypoint = cfg.Command
			ccfg.Cmd = cfg.Args
		} else if len(cfg.Args) > 0 {
			ccfg.Cmd = cfg.Args
		}
		env := []apps.EnvVar{{Name: "HOSTNAME", Value: sb.cfg.Hostname}}
		for _, e := range cfg.Env {
			env = append(env, apps.EnvVar{Name: e.Name, Value: e.Value})
		}
		ccfg.Env = envStrings(env)
	}
	ccfg.Labels = r.labels(roleContainer, labels)
	joined := container.NetworkMode("container:" + sandboxID)
	hcfg := &container.HostConfig{
		NetworkMode: joined,
		IpcMode:     container.IpcMode("container:" + sandboxID),
		LogConfig:   logConfig(),
		Mounts:      mounts,
		Resources:   resources(cfg),
	}
	if sb.cfg.ShareProcessNamespace {
		hcfg.PidMode = container.PidMode("container:" + sandboxID)
	}
	name := r.containerName(cfg.Name, sb.cfg.Name, sb.cfg.Namespace, sb.cfg.PodUID, attempt)
	id, err := r.createUnique(ctx, ccfg, hcfg, nil, name)
	if err != nil {
		return "", fmt.Errorf("failed to create container %s: %w", cfg.Name, err)
	}
	c.id = id
	r.mu.Lock()
	r.ctrs[id] = c
	sb.ctrs = append(sb.ctrs, c)
	r.mu.Unlock()
	return id, nil
}

// resources maps a container's requests and limits to Docker's cgroup
// settings, as cri-dockerd does: memory with no swap beyond it, CPU quota
// from the limit (NanoCPUs: quota = limit × period), CPU shares from the
// request (2 when none, as the kubelet gives best-effort pods).
func resources(cfg *runtime.ContainerConfig) container.Resources {
	res := container.Resources{CPUShares: 2}
	if cfg.MemoryLimit > 0 {
		res.Memory = cfg.MemoryLimit
		res.MemorySwap = cfg.MemoryLimit
	}
	if cfg.CPULimit > 0 {
		res.NanoCPUs = cfg.CPULimit * 1_000_000
	}
	if cfg.CPURequest > 0 {
		res.CPUShares = min(max(cfg.CPURequest*1024/1000, 2), 262144)
	}
	return res
}

// dumbTerm sets TERM=dumb for the binary's start and keeps the terminal's
// own value for the process (appmode.TermEnv).
func dumbTerm(env []apps.EnvVar) []apps.EnvVar {
	term := "xterm" // what Docker sets for a terminal
	out := make([]apps.EnvVar, 0, len(env)+2)
	for _, e := range env {
		if e.Name == "TERM" {
			term = e.Value
			continue
		}
		out = append(out, e)
	}
	return append(out, apps.EnvVar{Name: "TERM", Value: "dumb"}, apps.EnvVar{Name: appmode.TermEnv, Value: term})
}

func envStrings(env []apps.EnvVar) []string {
	out := make([]string, len(env))
	for i, e := range env {
		out[i] = e.Name + "=" + e.Value
	}
	return out
}

// StartContainer starts a created container. For an emulated image the
// command is first looked up in the image's userland, so that a command
// the image lacks fails as runc fails it: StartError, exit code 128.
func (r *Runtime) StartContainer(ctx context.Context, id string) error {
	c, err := r.container(id)
	if err != nil {
		return err
	}
	if c.img.emulated {
		if err := checkCommand(c); err != nil {
			msg := fmt.Sprintf("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: %v: unknown", err)
			r.startFailed(c, msg)
			return errors.New(msg)
		}
	}
	if err := r.cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		if cerrdefs.IsNotFound(err) {
			return notFound("container", id, err)
		}
		r.startFailed(c, err.Error())
		return err
	}
	r.awaitListening(ctx, c)
	return nil
}

// awaitListening returns once an emulated server image accepts connections
// on its ports (at most listenWait). The process binds its ports in its
// first milliseconds, as nginx does; without the wait, a student who curls
// a pod the moment it is Running could be refused by a program that has
// not finished starting, which on a real node the status round trip hides.
func (r *Runtime) awaitListening(ctx context.Context, c *ctr) {
	if !c.img.emulated || len(c.cfg.Command) > 0 || c.sb == nil || c.sb.ip == "" || c.sb.cfg.HostNetwork {
		return
	}
	deadline := time.Now().Add(listenWait)
	for _, port := range c.img.b.Ports {
		addr := net.JoinHostPort(c.sb.ip, strconv.Itoa(port))
		for time.Now().Before(deadline) && ctx.Err() == nil {
			dctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			conn, err := r.Dial(dctx, addr)
			cancel()
			if err == nil {
				conn.Close()
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// listenWait bounds awaitListening: a server that cannot bind is the
// kubelet's and the probes' business, not a reason to hang.
const listenWait = 3 * time.Second

// startFailed records a start that did not happen and reports its exit.
func (r *Runtime) startFailed(c *ctr, msg string) {
	now := time.Now()
	c.mu.Lock()
	c.startErr = &runtime.ContainerStatus{ID: c.id, Name: c.name, State: runtime.StateExited, ExitCode: 128,
		Reason: "StartError", Message: msg, StartedAt: time.Unix(0, 0).UTC(), FinishedAt: now, ImageID: c.img.id}
	c.exitReported = true
	c.mu.Unlock()
	r.emit(runtime.Event{Type: runtime.EventExited, ContainerID: c.id, SandboxID: c.sb.id, ExitCode: 128, Time: now, Message: msg})
}

// checkCommand runs the shell's own exec lookup against the image's
// userland. Paths under a volume are left to the container to find.
func checkCommand(c *ctr) error {
	if len(c.argv) == 0 {
		return &shell.ExecError{Name: "", Reason: "no command specified"}
	}
	if strings.Contains(c.argv[0], "/") {
		for _, m := range c.cfg.Mounts {
			mp := path.Clean(m.ContainerPath)
			if p := path.Clean(c.argv[0]); p == mp || strings.HasPrefix(p, mp+"/") {
				return nil
			}
		}
	}
	tree := memfs.NewTree(time.Now)
	shell.PopulateRootFS(tree, c.img.b)
	dir := c.cfg.WorkingDir
	if dir == "" {
		dir = c.img.b.WorkingDir
	}
	if dir == "" {
		dir = "/"
	}
	tree.MkdirAll(dir)
	fs, err := memfs.New(memfs.Mount{Target: "/", Tree: tree})
	if err != nil {
		return nil
	}
	_, err = shell.New(shell.Config{Sys: checkSys{fs}, Image: c.img.b, Argv: c.argv,
		Env: apps.ContainerEnv(c.img.b, c.sb.cfg.Hostname, c.cfg.Env), Dir: dir})
	return err
}

// checkSys is the world of a command that is only looked up, never run.
type checkSys struct{ fs *memfs.FS }

func (s checkSys) FS() shell.FileSystem          { return s.fs }
func (checkSys) Hostname() string                { return "" }
func (checkSys) Now() time.Time                  { return time.Now() }
func (checkSys) KernelRelease() string           { return "" }
func (checkSys) Pid() int                        { return 1 }
func (checkSys) Processes() []shell.Proc         { return nil }
func (checkSys) Serve([]int) (func(bool), error) { return nil, errors.New("not running") }
func (checkSys) Alloc(int64) error               { return nil }
func (checkSys) SetCPU(int64)                    {}
func (checkSys) Kill(int, shell.Signal) error    { return nil }
func (checkSys) LookupHost(context.Context, string) (string, []string, error) {
	return "", nil, errors.New("not running")
}
func (checkSys) Dial(context.Context, string, int) (net.Conn, error) {
	return nil, errors.New("not running")
}

// StopContainer sends SIGTERM and SIGKILL after grace. It returns at once:
// Docker's stop runs in the background and the exit comes through Watch.
// A grace of zero kills now.
func (r *Runtime) StopContainer(ctx context.Context, id string, grace time.Duration) error {
	if _, err := r.container(id); err != nil {
		return err
	}
	if grace <= 0 {
		if err := r.cli.ContainerKill(ctx, id, "KILL"); err != nil && !isNotRunning(err) {
			return err
		}
		return nil
	}
	secs := int(math.Ceil(grace.Seconds()))
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return fmt.Errorf("runtime is closed")
	}
	r.wg.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.wg.Done()
		// Close cancels r.ctx: it removes the container by force anyway.
		ctx, cancel := context.WithTimeout(r.ctx, grace+30*time.Second)
		defer cancel()
		if err := r.cli.ContainerStop(ctx, id, container.StopOptions{Timeout: &secs}); err != nil && !isNotRunning(err) {
			r.opts.Logf("docker runtime: stopping %s: %v", id, err)
		}
	}()
	return nil
}

// RemoveContainer deletes a container, killing it if it still runs.
func (r *Runtime) RemoveContainer(ctx context.Context, id string) error {
	c, err := r.container(id)
	if err != nil {
		return err
	}
	if err := r.removeContainer(ctx, id); err != nil {
		return err
	}
	r.forget(c)
	return nil
}

// ContainerStatus reports a container's state from Docker. An exit seen
// here before its event arrived is reported to the watcher now, so that
// whoever reads an exited status finds the exit event too.
func (r *Runtime) ContainerStatus(ctx context.Context, id string) (*runtime.ContainerStatus, error) {
	c, err := r.container(id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.startErr != nil {
		st := *c.startErr
		c.mu.Unlock()
		return &st, nil
	}
	c.mu.Unlock()
	info, err := r.cli.ContainerInspect(ctx, id)
	if err != nil {
		return nil, notFound("container", id, err)
	}
	st := &runtime.ContainerStatus{ID: id, Name: c.name, ImageID: c.img.id}
	s := info.State
	if s == nil {
		return st, nil
	}
	st.StartedAt = parseDockerTime(s.StartedAt)
	switch s.Status {
	case container.StateCreated:
		st.State = runtime.StateCreated
		st.StartedAt = time.Time{}
	case container.StateExited, container.StateDead:
		st.State = runtime.StateExited
		st.ExitCode = s.ExitCode
		st.FinishedAt = parseDockerTime(s.FinishedAt)
		st.Message = s.Error
		switch {
		case s.OOMKilled && s.ExitCode == 137:
			st.Reason = "OOMKilled"
		case s.ExitCode == 0:
			st.Reason = "Completed"
		default:
			st.Reason = "Error"
		}
	default:
		st.State = runtime.StateRunning
		st.Pid = s.Pid
		c.mu.Lock()
		c.pid = s.Pid
		c.mu.Unlock()
	}
	if st.State == runtime.StateExited {
		r.reportExit(c, st.ExitCode, s.OOMKilled, st.FinishedAt)
	}
	return st, nil
}

// reportExit sends a container's exit (and OOM kill) once.
func (r *Runtime) reportExit(c *ctr, code int, oom bool, at time.Time) {
	c.mu.Lock()
	if c.exitReported {
		c.mu.Unlock()
		return
	}
	c.exitReported = true
	// An OOM kill ends the main process with SIGKILL; an exec'd process
	// killed by the OOM killer leaves a container that exits otherwise.
	oom = (oom || c.oom) && code == 137
	c.mu.Unlock()
	if at.IsZero() {
		at = time.Now()
	}
	reason := "Error"
	switch {
	case oom:
		reason = "OOMKilled"
	case code == 0:
		reason = "Completed"
	}
	if oom {
		r.emit(runtime.Event{Type: runtime.EventOOM, ContainerID: c.id, SandboxID: c.sb.id, ExitCode: code, Time: at, Message: "OOMKilled"})
	}
	r.emit(runtime.Event{Type: runtime.EventExited, ContainerID: c.id, SandboxID: c.sb.id, ExitCode: code, Time: at, Message: reason})
}

// parseDockerTime reads Docker's RFC 3339 times; its zero time is zero.
func parseDockerTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}
