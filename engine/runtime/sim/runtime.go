// Package sim is the simulated container runtime: pods and containers that
// behave like Docker's — states, exit codes, logs, exec, networking between
// pods, volumes, OOM kills, namespace facts — driven by the cluster clock
// on the engine's loop, so that every run is deterministic and needs no
// Docker.
//
// What runs inside a container is kubetour's shell and app behaviours
// (package apps): the course's images answer HTTP as the real ones do,
// `sh -c "…; sleep 20"` really sleeps 20 cluster seconds, memhog really
// crosses its memory limit.
//
// Threading. The runtime's maps are guarded by one mutex. Each container's
// main process is a resumable shell.Machine stepped only while holding that
// container's own mutex, from the caller of StartContainer/StopContainer or
// from loop timers: on the loop thread in a cluster, so its output is
// deterministic. Exec sessions run their own machine on the caller's
// goroutine and sleep on loop timers. HTTP servers answer on goroutines of
// their own and never need the loop, so the loop thread may itself Dial and
// read a response (probes, curl in a container) without deadlock.
//
// Two rules for callers follow: Exec of a command that sleeps waits for
// cluster time, so it must not be called from the loop thread; and the
// Resolve/DialService hooks are called from the loop thread during
// container steps, so they must not wait for the loop either.
package sim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"kubetour/engine/apps"
	"kubetour/engine/apps/memfs"
	"kubetour/engine/loop"
	"kubetour/engine/runtime"
)

// Options are the seams the engine fills.
type Options struct {
	// Resolve answers a DNS query of a pod in fromNamespace. The runtime
	// calls it with the names a resolver with the pod's search list tries,
	// in order (web.default.svc.cluster.local, web.svc.cluster.local,
	// web.cluster.local, web); the first answer wins. Nil: only IPs and
	// /etc/hosts names work.
	Resolve func(ctx context.Context, fromNamespace, host string) (ip string, err error)
	// DialService connects a container's process to an address that is
	// not a pod IP (a Service ClusterIP or a NodePort); the engine's proxy
	// picks a pod and calls Runtime.Dial with its IP. Runtime.Dial itself
	// never calls it. Nil: such addresses are unreachable.
	DialService func(ctx context.Context, ip string, port int) (net.Conn, error)
	// KernelRelease is reported for host and containers alike ("" reads
	// the host's /proc/sys/kernel/osrelease: containers share the kernel).
	KernelRelease string
}

// Runtime is the simulated runtime. Create it with New.
type Runtime struct {
	l    *loop.Loop
	opts Options

	mu         sync.Mutex
	watch      func(runtime.Event)
	sandboxes  map[string]*sandbox
	containers map[string]*container
	volumes    map[string]*volume
	nodes      map[string]*memfs.Tree // each node's disk, for hostPath
	byIP       map[string]*sandbox
	seq        int
	nsSeq      uint64
	hostPid    int
	ports      int // ephemeral client ports, for addresses in logs
	pullFaults map[string]string
	kernel     string
	closed     bool
	// images keeps each image's unpacked root filesystem; a container
	// starts from a clone, as an overlay starts from the image's layers.
	images map[string]*memfs.Tree
}

var _ runtime.Runtime = (*Runtime)(nil)

// New returns a simulated runtime whose time is l's clock.
func New(l *loop.Loop, opts Options) *Runtime {
	r := &Runtime{
		l: l, opts: opts,
		sandboxes: map[string]*sandbox{}, containers: map[string]*container{},
		volumes: map[string]*volume{}, nodes: map[string]*memfs.Tree{},
		byIP: map[string]*sandbox{}, pullFaults: map[string]string{},
		images: map[string]*memfs.Tree{},
		nsSeq:  firstNamespaceInode, hostPid: 4100, ports: 40000,
	}
	r.kernel = opts.KernelRelease
	if r.kernel == "" {
		r.kernel = hostKernelRelease()
	}
	return r
}

// hostKernelRelease reads the kernel the simulation runs on: a container
// reports its host's kernel, which is the lesson of the isolation pane.
func hostKernelRelease() string {
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		return strings.TrimSpace(string(b))
	}
	return "unknown"
}

// Name is "sim".
func (r *Runtime) Name() string { return "sim" }

// Watch registers the handler for container events, delivered on the loop.
func (r *Runtime) Watch(h func(runtime.Event)) {
	r.mu.Lock()
	r.watch = h
	r.mu.Unlock()
}

// emit queues an event for the watch handler; callers hold r.mu.
func (r *Runtime) emit(ev runtime.Event) {
	h := r.watch
	if h == nil {
		return
	}
	r.l.Post(func() { h(ev) })
}

// newID returns the next deterministic 64-hex id of a kind of object.
func (r *Runtime) newID(kind string) string {
	r.seq++
	sum := sha256.Sum256([]byte(fmt.Sprintf("kubetour-sim/%s/%d", kind, r.seq)))
	return hex.EncodeToString(sum[:])
}

func imageID(ref apps.Ref, b apps.Behaviour) string {
	sum := sha256.Sum256([]byte(ref.String() + "\x00" + b.Version))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// PullImage checks that the catalogue knows the image (or a lesson made its
// pull fail) and describes it.
func (r *Runtime) PullImage(ctx context.Context, image string) (*runtime.ImageInfo, error) {
	r.mu.Lock()
	reason, failed := r.pullFaults[image]
	r.mu.Unlock()
	if failed {
		return nil, &runtime.ImageError{Image: image, Reason: reason}
	}
	ref, err := apps.ParseRef(image)
	if err != nil {
		return nil, &runtime.ImageError{Image: image, Reason: err.Error()}
	}
	b, ok := apps.Resolve(image)
	if !ok {
		return nil, &runtime.ImageError{Image: image, Reason: apps.PullFailure(image)}
	}
	return &runtime.ImageInfo{Ref: image, ID: imageID(ref, b), Emulated: true, Size: b.Size}, nil
}

// Close kills everything still running.
func (r *Runtime) Close() error {
	r.mu.Lock()
	r.closed = true
	var running []*container
	for _, c := range r.containers {
		running = append(running, c)
	}
	r.mu.Unlock()
	for _, c := range running {
		r.kill(c, 137, "")
	}
	return nil
}

// now is the cluster time.
func (r *Runtime) now() time.Time { return r.l.Now() }
