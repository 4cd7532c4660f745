package shell

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"time"

	"kubetour/engine/apps/memfs"
)

// FileSystem is the file view of a process. *memfs.FS implements it; the
// Docker-side binary implements it over the real container file system.
type FileSystem interface {
	Stat(name string) (fs.FileInfo, error)
	ReadFile(name string) ([]byte, error)
	ReadDir(name string) ([]fs.DirEntry, error)
	OpenWriter(name string, appendTo bool) (io.WriteCloser, error)
	Mkdir(name string, parents bool) error
	Remove(name string, recursive bool) error
	Touch(name string) error
	Mounts() []memfs.Mount
}

// Proc is one process as `ps` shows it.
type Proc struct {
	PID, PPID int
	User      string
	TTY       string // "?" or "pts/0"
	Start     time.Time
	CPU       time.Duration
	RSS       int64 // bytes
	Argv      []string
}

// Sys is everything a process reaches outside itself. The simulated
// runtime gives each process its own Sys; the methods may be called from
// any goroutine but never concurrently for one process.
type Sys interface {
	FS() FileSystem
	Hostname() string
	Now() time.Time
	// KernelRelease is the host's: containers share the host kernel.
	KernelRelease() string
	// Pid is the process's id in its pid namespace.
	Pid() int
	// Processes lists the processes this one can see.
	Processes() []Proc

	// Dial connects to host:port on the cluster network, resolving host
	// through cluster DNS. Failures are *net.DNSError (no such host) or
	// *net.OpError wrapping ECONNREFUSED, EHOSTUNREACH or a timeout.
	Dial(ctx context.Context, host string, port int) (net.Conn, error)
	// LookupHost resolves a name as the pod's resolver would, returning the
	// name that answered (after the search list) and its addresses.
	LookupHost(ctx context.Context, host string) (name string, addrs []string, err error)

	// Serve starts the image's app listening on ports inside this process.
	// It fails with a bind error when another process of the pod holds a
	// port. stop ends the app (graceful is false for a kill).
	Serve(ports []int) (stop func(graceful bool), err error)
	// Alloc accounts n more bytes of memory (negative frees). It fails
	// with ErrOOMKilled when the cgroup limit would be crossed: the
	// process is then dead, killed by the kernel.
	Alloc(n int64) error
	// SetCPU declares how many millicores the process keeps busy.
	SetCPU(millicores int64)
	// Kill sends sig to the process pid of the same pid namespace.
	Kill(pid int, sig Signal) error
}

// ErrOOMKilled is what Alloc returns when the kernel kills the process.
var ErrOOMKilled = errors.New("killed by the OOM killer")
