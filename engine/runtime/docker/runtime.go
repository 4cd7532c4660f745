// Package docker is the container runtime on a real Docker Engine: pods
// are sandbox containers holding the pod's network, IPC and hostname, with
// app containers joined to them (cri-dockerd's layout), on one user-defined
// bridge network per cluster session.
//
// No image is pulled to run the course: kubetour builds its own image FROM
// scratch holding its running executable (and, when that is dynamically
// linked, its interpreter and libraries), and the catalogue's images
// (kubetm/*, nginx, busybox …) run that binary in a hidden mode that plays
// the image with kubetour's shell and apps over the real OS (package
// internal/appmode). A real local image runs as it is; any other image is
// pulled, and fails as a pull fails.
//
// Everything the runtime creates is labelled kubetour.io/managed=true and
// kubetour.io/session=<id>, with the owner's host, pid and process start
// time, so `docker ps` explains itself, Close removes a session's objects,
// and the next start sweeps what a crashed session left behind without
// touching a live one.
//
// Threading. Every method is safe for concurrent use. The kubelet calls the
// runtime on the engine loop, so calls are kept to one or two Docker API
// round trips; a graceful stop returns at once and the exit arrives
// through Watch. The slow work (hashing the binary, importing the image,
// creating the network, sweeping) happens once, in New.
package docker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"kubetour/engine/apps"
	"kubetour/engine/runtime"
)

// Options configure a Docker runtime.
type Options struct {
	// Host is the engine's address (DOCKER_HOST syntax); "" reads the
	// environment (DOCKER_HOST, else the local socket). The engine must
	// run on this machine: pod IPs are dialled from here and ConfigMap,
	// hostPath and Service folders are bind-mounted from here.
	Host string
	// Session names this cluster's Docker objects; "" picks a random id.
	// Two sessions on one engine never touch each other's objects.
	Session string
	// Binary is the kubetour executable the image holds; "" is the running
	// executable (os.Executable). It must answer `kubetour app …`.
	Binary string
	// StateDir holds the session's host folders under docker/<session>
	// (ConfigMap and Secret files, hostPath data, Service proxy
	// configuration); "" is $XDG_STATE_HOME/kubetour or
	// ~/.local/state/kubetour.
	StateDir string
	// Subnet forces the session network (an IPv4 /16, e.g.
	// "10.96.0.0/16"); "" takes the first free of 10.96.0.0/16,
	// 10.97.0.0/16 … See Plan.
	Subnet string
	// SearchFrom is the second octet where the search for a free /16
	// starts (default 96). The first session on 10.96.0.0/16 has the
	// addresses of a kubeadm cluster (lessons pin 10.96.100.100); test
	// sessions that do not need them start higher and leave them free.
	SearchFrom int
	// KeepVolumes keeps PersistentVolume data (named volumes) and hostPath
	// folders at Close, for a student who wants them; by default a session
	// leaves nothing behind, as its cluster does not outlive it.
	KeepVolumes bool
	// PullTimeout bounds the pull of an image that is neither local nor in
	// kubetour's catalogue (default 2 minutes).
	PullTimeout time.Duration
	// PingTimeout bounds New's first contact with the engine (default 3s).
	PingTimeout time.Duration
	// Logf receives problems met in the background (event stream, sweeps).
	Logf func(format string, args ...any)
}

// Runtime runs pods on a Docker Engine. Create it with New.
type Runtime struct {
	cli      *client.Client
	opts     Options
	session  string
	owner    owner
	image    string // kubetour/app image ID
	imageRef string // the same, by its tag (kubetour/app:<hash>) for docker ps
	plan     Plan
	netName  string
	netID    string
	dir      string // <StateDir>/docker/<session>

	serverVersion string
	apiVersion    string
	cgroupVersion int
	kernel        string

	ctx    context.Context // background work; cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	watch     func(runtime.Event)
	sandboxes map[string]*sandbox
	ctrs      map[string]*ctr
	volumes   map[string]*volume
	services  map[string]*service
	images    map[string]*resolvedImage
	closed    bool
	down      bool // the engine stopped answering
}

var _ runtime.Runtime = (*Runtime)(nil)

// ErrNoEngine wraps New's failure to reach an engine: the caller falls back
// to the simulation.
var ErrNoEngine = errors.New("no Docker engine reachable")

// New connects to the engine, makes sure kubetour's image exists (building
// it from the binary the first time: a second or two), sweeps what dead
// sessions left, and creates the session's network.
func New(ctx context.Context, opts Options) (*Runtime, error) {
	if opts.PullTimeout == 0 {
		opts.PullTimeout = 2 * time.Minute
	}
	if opts.PingTimeout == 0 {
		opts.PingTimeout = 3 * time.Second
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	copts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if opts.Host != "" {
		copts = append(copts, client.WithHost(opts.Host))
	}
	cli, err := client.NewClientWithOpts(copts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoEngine, err)
	}
	pctx, cancel := context.WithTimeout(ctx, opts.PingTimeout)
	ping, err := cli.Ping(pctx)
	cancel()
	if err != nil {
		cli.Close()
		return nil, fmt.Errorf("%w: %v", ErrNoEngine, err)
	}
	cli.NegotiateAPIVersionPing(ping)
	r := &Runtime{
		cli: cli, opts: opts, owner: currentOwner(),
		sandboxes: map[string]*sandbox{}, ctrs: map[string]*ctr{}, volumes: map[string]*volume{},
		services: map[string]*service{}, images: map[string]*resolvedImage{},
		apiVersion: cli.ClientVersion(), kernel: hostKernel(),
	}
	r.session = opts.Session
	if r.session == "" {
		r.session = newSessionID()
	}
	if !validSession(r.session) {
		cli.Close()
		return nil, fmt.Errorf("docker runtime: invalid session id %q (lower-case letters and digits, at most 16)", r.session)
	}
	fail := func(err error) (*Runtime, error) {
		r.closeObjects(context.Background())
		cli.Close()
		return nil, err
	}
	v, err := cli.ServerVersion(ctx)
	if err != nil {
		return fail(fmt.Errorf("%w: %v", ErrNoEngine, err))
	}
	r.serverVersion = v.Version
	info, err := cli.Info(ctx)
	if err != nil {
		return fail(fmt.Errorf("docker info: %w", err))
	}
	r.cgroupVersion = 1
	if info.CgroupVersion == "2" {
		r.cgroupVersion = 2
	}
	state := opts.StateDir
	if state == "" {
		if state, err = defaultStateDir(); err != nil {
			return fail(err)
		}
	}
	if state, err = filepath.Abs(state); err != nil {
		return fail(err)
	}
	r.opts.StateDir = state
	r.dir = filepath.Join(state, "docker", r.session)
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return fail(err)
	}
	if r.image, err = r.ensureImage(ctx); err != nil {
		return fail(err)
	}
	r.sweep(ctx)
	if err := r.createNetwork(ctx); err != nil {
		return fail(err)
	}
	r.pruneImages(ctx)
	r.ctx, r.cancel = context.WithCancel(context.Background())
	since := time.Now()
	msgs, errs := r.subscribe(r.ctx, time.Time{})
	r.wg.Add(1)
	go r.watchEvents(msgs, errs, since)
	return r, nil
}

// Name is "docker".
func (r *Runtime) Name() string { return "docker" }

// Session is the id on this session's labels and names.
func (r *Runtime) Session() string { return r.session }

// EngineVersion is what nodes report as their container runtime
// (`kubectl get nodes -o wide`): docker://20.10.24.
func (r *Runtime) EngineVersion() string { return "docker://" + r.serverVersion }

// APIVersion is the negotiated Docker API version (1.41 on a 20.10 engine).
func (r *Runtime) APIVersion() string { return r.apiVersion }

// CgroupVersion is the engine's cgroup version (1 or 2).
func (r *Runtime) CgroupVersion() int { return r.cgroupVersion }

// Image is the ID of kubetour's own image.
func (r *Runtime) Image() string { return r.image }

// Watch registers the handler for container events; it is called from the
// runtime's own goroutines (and, for an exit first seen by
// ContainerStatus, from that caller).
func (r *Runtime) Watch(h func(runtime.Event)) {
	r.mu.Lock()
	r.watch = h
	r.mu.Unlock()
}

func (r *Runtime) emit(ev runtime.Event) {
	r.mu.Lock()
	h := r.watch
	r.mu.Unlock()
	if h != nil {
		h(ev)
	}
}

// Close removes the session's containers, network and volumes (PV data
// and hostPath folders too, unless KeepVolumes) and its host folders.
func (r *Runtime) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
	r.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := r.closeObjects(ctx)
	r.cli.Close()
	return err
}

// closeObjects removes everything labelled with this session.
func (r *Runtime) closeObjects(ctx context.Context) error {
	return r.removeSession(ctx, r.session, r.dir, !r.opts.KeepVolumes)
}

func (r *Runtime) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// Label keys. The io.kubernetes ones are dockershim's, so that tools and
// people who know them read kubetour's containers alike.
const (
	labelManaged     = "kubetour.io/managed"
	labelSession     = "kubetour.io/session"
	labelOwnerHost   = "kubetour.io/owner-host"
	labelOwnerPid    = "kubetour.io/owner-pid"
	labelOwnerStart  = "kubetour.io/owner-start"
	labelRole        = "kubetour.io/role"
	labelImage       = "kubetour.io/image"
	labelImageID     = "kubetour.io/image-id"
	labelEmulated    = "kubetour.io/emulated"
	labelVolumeKind  = "kubetour.io/volume-kind"
	labelVolumeID    = "kubetour.io/volume-id"
	labelService     = "kubetour.io/service"
	labelBinarySHA   = "kubetour.io/binary-sha256"
	labelDockerType  = "io.kubernetes.docker.type"
	labelSandboxID   = "io.kubernetes.sandbox.id"
	labelPodName     = "io.kubernetes.pod.name"
	labelPodNS       = "io.kubernetes.pod.namespace"
	labelPodUID      = "io.kubernetes.pod.uid"
	labelCtrName     = "io.kubernetes.container.name"
	labelCtrAttempt  = "io.kubernetes.container.restartCount"
	roleSandbox      = "sandbox"
	roleContainer    = "container"
	roleServiceProxy = "service-proxy"
	roleHelper       = "helper"
)

// labels are the ones every object of the session carries, plus extra.
func (r *Runtime) labels(role string, extra map[string]string) map[string]string {
	l := map[string]string{
		labelManaged: "true", labelSession: r.session, labelRole: role,
		labelOwnerHost: r.owner.host, labelOwnerPid: strconv.Itoa(r.owner.pid), labelOwnerStart: r.owner.start,
	}
	for k, v := range extra {
		if _, reserved := l[k]; !reserved {
			l[k] = v
		}
	}
	return l
}

// sessionFilter selects this session's objects.
func (r *Runtime) sessionFilter(kv ...string) filters.Args {
	f := filters.NewArgs(filters.Arg("label", labelSession+"="+r.session))
	for _, s := range kv {
		f.Add("label", s)
	}
	return f
}

func newSessionID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func validSession(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// dockerName makes a string safe inside a container name.
func dockerName(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// containerName is dockershim's k8s_<container>_<pod>_<ns>_<uid>_<attempt>,
// with the session last so two sessions of one seed never collide.
func (r *Runtime) containerName(ctr, pod, ns, uid string, attempt int) string {
	return fmt.Sprintf("k8s_%s_%s_%s_%s_%d_%s", dockerName(ctr), dockerName(pod), dockerName(ns), dockerName(uid), attempt, r.session)
}

// owner identifies the process that owns a session: a session whose owner
// is gone from this host is swept.
type owner struct {
	host  string
	pid   int
	start string // the process start time in clock ticks since boot
}

func currentOwner() owner {
	h, _ := os.Hostname()
	return owner{host: h, pid: os.Getpid(), start: processStart(os.Getpid())}
}

// processStart reads field 22 of /proc/<pid>/stat; "" if the process is gone.
func processStart(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return ""
	}
	return f[19]
}

// alive reports whether the owner described by labels still runs here;
// an owner on another host is presumed alive (it cannot be checked).
func alive(labels map[string]string) bool {
	host, _ := os.Hostname()
	if labels[labelOwnerHost] != host {
		return true
	}
	pid, err := strconv.Atoi(labels[labelOwnerPid])
	if err != nil {
		return false
	}
	start := processStart(pid)
	return start != "" && start == labels[labelOwnerStart]
}

func defaultStateDir() (string, error) {
	if d := os.Getenv("KUBETOUR_STATE_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "kubetour"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state", "kubetour"), nil
}

func hostKernel() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// notFound wraps a Docker not-found error as runtime.ErrNotFound.
func notFound(what, id string, err error) error {
	if err == nil || cerrdefs.IsNotFound(err) {
		return fmt.Errorf("%s %q: %w", what, id, runtime.ErrNotFound)
	}
	return err
}

// removeContainer force-removes a container, ignoring one already gone.
func (r *Runtime) removeContainer(ctx context.Context, id string) error {
	err := r.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return err
	}
	return nil
}

// behaviourOf resolves a catalogue image (for emulated containers).
func behaviourOf(image string) (apps.Behaviour, bool) { return apps.Resolve(image) }
