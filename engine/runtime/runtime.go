// Package runtime is the seam between the kubelet and whatever runs
// containers: the simulation (runtime/sim) or the Docker engine
// (runtime/docker). It is kept small on purpose; both implementations pass
// the same contract suite.
package runtime

import (
	"context"
	"errors"
	"io"
	"net"
	"time"
)

// Runtime runs pod sandboxes and their containers.
//
// Methods may block on I/O (Docker); the simulation answers at once. State
// changes that happen on their own (a process exits, the kernel OOM-kills a
// container) are reported through the handler given to Watch.
type Runtime interface {
	// Name is "sim" or "docker".
	Name() string

	// PullImage makes image available. An image that cannot be had fails
	// with an *ImageError, which the kubelet turns into ErrImagePull.
	PullImage(ctx context.Context, image string) (*ImageInfo, error)

	RunSandbox(ctx context.Context, cfg *SandboxConfig) (*Sandbox, error)
	StopSandbox(ctx context.Context, id string) error
	RemoveSandbox(ctx context.Context, id string) error

	CreateContainer(ctx context.Context, sandboxID string, cfg *ContainerConfig) (string, error)
	StartContainer(ctx context.Context, id string) error
	// StopContainer sends SIGTERM, then SIGKILL after grace.
	StopContainer(ctx context.Context, id string, grace time.Duration) error
	RemoveContainer(ctx context.Context, id string) error
	ContainerStatus(ctx context.Context, id string) (*ContainerStatus, error)

	// Logs writes the container's output to w; with Follow it keeps writing
	// until ctx ends or the container stops.
	Logs(ctx context.Context, id string, opts LogOptions, w io.Writer) error
	// Exec runs a command in a running container and returns its exit code.
	Exec(ctx context.Context, id string, opts ExecOptions) (int, error)

	// Dial opens a TCP connection to addr (ip:port) on the cluster network,
	// as a process on that network would: probes, Services and `curl` use it.
	Dial(ctx context.Context, addr string) (net.Conn, error)

	// Volumes are named storage a sandbox's containers mount (emptyDir,
	// hostPath, PV, ConfigMap and Secret files).
	EnsureVolume(ctx context.Context, v *Volume) error
	WriteVolumeFiles(ctx context.Context, volumeID string, files map[string][]byte) error
	RemoveVolume(ctx context.Context, volumeID string) error

	// Isolation reports the kernel facts that separate a sandbox's
	// containers from each other and from the host.
	Isolation(ctx context.Context, sandboxID string) (*Isolation, error)

	// Watch registers the handler for container events. Called once.
	Watch(h func(Event))

	Close() error
}

// SandboxConfig describes a pod's shared environment.
type SandboxConfig struct {
	PodUID    string
	Name      string // pod name
	Namespace string
	Node      string
	Hostname  string
	// IP is the address the kubelet allocated from the node's pod range.
	// A runtime that picks its own (Docker IPAM) may ignore it; Sandbox.IP
	// says which address the pod really has.
	IP                    string
	DNSSearch             []string
	DNSServers            []string
	Ports                 []PortMapping
	Labels                map[string]string
	ShareProcessNamespace bool
	HostNetwork           bool
}

// PortMapping publishes a container port on the node (hostPort).
type PortMapping struct {
	ContainerPort int32
	HostPort      int32
	Protocol      string
	HostIP        string
}

// Sandbox is a running pod sandbox.
type Sandbox struct {
	ID string
	IP string
}

// ContainerConfig describes one container of a pod.
type ContainerConfig struct {
	Name       string
	Image      string
	Command    []string
	Args       []string
	Env        []EnvVar
	WorkingDir string
	Mounts     []Mount
	Ports      []int32
	// Resources as the cgroup sees them; zero means unlimited.
	MemoryLimit int64 // bytes
	CPULimit    int64 // millicores
	CPURequest  int64 // millicores (cpu shares)
	TTY, Stdin  bool
	// StdinOnce closes the process's input when the first attached
	// client detaches (kubectl run -i), instead of leaving it open.
	StdinOnce bool
	Labels    map[string]string
	// Attempt counts restarts, for naming (dockershim's _<attempt> suffix).
	Attempt int
}

// EnvVar is one environment variable.
type EnvVar struct{ Name, Value string }

// Mount places a volume in a container.
type Mount struct {
	VolumeID      string
	ContainerPath string
	SubPath       string
	ReadOnly      bool
}

// VolumeKind says where a volume's data lives and how long.
type VolumeKind string

const (
	// VolumePod lives and dies with one pod (emptyDir).
	VolumePod VolumeKind = "pod"
	// VolumeNode lives on one node (hostPath).
	VolumeNode VolumeKind = "node"
	// VolumeCluster outlives pods and nodes (a PersistentVolume).
	VolumeCluster VolumeKind = "cluster"
	// VolumeFiles holds files the kubelet writes (ConfigMap, Secret, projected).
	VolumeFiles VolumeKind = "files"
)

// Volume names a piece of storage.
type Volume struct {
	ID   string
	Kind VolumeKind
	// Node and Path identify a hostPath volume: the same node and path is
	// the same data.
	Node, Path string
	// Medium "Memory" asks for tmpfs.
	Medium string
}

// ImageInfo describes an image the runtime can run.
type ImageInfo struct {
	Ref string // what the pod asked for
	ID  string // sha256:…
	// Emulated is true when a built-in mode of kubetour's own image stands
	// in for the named image (the course's sample apps, nginx, busybox …).
	Emulated bool
	Size     int64
}

// State of a container.
type State string

const (
	StateCreated State = "created"
	StateRunning State = "running"
	StateExited  State = "exited"
)

// ContainerStatus is what the runtime knows about a container.
type ContainerStatus struct {
	ID         string
	Name       string
	State      State
	ExitCode   int
	Reason     string // "Completed", "Error", "OOMKilled" when exited
	Message    string
	StartedAt  time.Time
	FinishedAt time.Time
	ImageID    string
	Pid        int // host pid of the main process, 0 if unknown
}

// LogOptions selects log lines.
type LogOptions struct {
	Follow     bool
	TailLines  int64 // <0: all
	SinceTime  time.Time
	Timestamps bool
	LimitBytes int64
}

// ExecOptions runs a command in a container.
type ExecOptions struct {
	Cmd    []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	TTY    bool
	// Resize delivers terminal sizes while a TTY session runs.
	Resize <-chan TermSize
}

// TermSize is a terminal's size.
type TermSize struct{ Width, Height uint16 }

// EventType names something that happened to a container on its own.
type EventType string

const (
	EventExited EventType = "exited"
	EventOOM    EventType = "oom"
	// EventRuntimeDown and EventRuntimeUp report the engine itself going
	// away and coming back (Docker restarted mid-session).
	EventRuntimeDown EventType = "runtime-down"
	EventRuntimeUp   EventType = "runtime-up"
)

// Event is a container state change the kubelet did not ask for.
type Event struct {
	Type        EventType
	ContainerID string
	SandboxID   string
	ExitCode    int
	Time        time.Time
	Message     string
}

// Isolation is what separates a pod's containers.
type Isolation struct {
	Source        string // "docker" or "simulated"
	Kernel        string // kernel release: the same for host and containers
	Host          ProcessFacts
	Containers    []ProcessFacts
	CgroupVersion int
	// Notes explain any fact that could not be read and how it was obtained instead.
	Notes []string
}

// ProcessFacts are the namespace and cgroup facts of one process.
type ProcessFacts struct {
	Name       string // container name, or "host"
	Pid        int    // host pid
	Pid1       string // command of PID 1 as the container sees it
	Hostname   string
	Namespaces map[string]string // "net" -> "net:[4026532281]"
	Cgroup     CgroupFacts
}

// CgroupFacts are a cgroup's limits and current use.
type CgroupFacts struct {
	Path          string
	MemoryLimit   int64 // bytes; 0 = unlimited
	MemoryUsage   int64
	CPUQuota      int64 // microseconds per period; 0 = unlimited
	CPUPeriod     int64
	CPUUsageNanos int64
	PidsLimit     int64
	PidsCurrent   int64
}

// ImageError means an image cannot be pulled.
type ImageError struct {
	Image  string
	Reason string
}

func (e *ImageError) Error() string {
	return "failed to pull image \"" + e.Image + "\": " + e.Reason
}

// ErrNotFound is returned for an unknown sandbox, container or volume id.
var ErrNotFound = errors.New("not found")

// NamespaceKinds are the namespace links shown by the isolation view, in order.
var NamespaceKinds = []string{"net", "pid", "mnt", "ipc", "uts", "user", "cgroup"}
