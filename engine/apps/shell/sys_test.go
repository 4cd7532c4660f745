package shell

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"kubetour/engine/apps"
	"kubetour/engine/apps/memfs"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeSys is a Sys over a memfs, a manual clock and in-process servers.
type fakeSys struct {
	fs       *memfs.FS
	now      time.Time
	host     string
	servers  map[string]http.Handler // "ip:port"
	dns      map[string]string       // fully qualified name -> ip
	search   []string
	limit    int64
	used     int64
	cpu      int64
	procs    []Proc
	serving  []int
	killed   []string
	serveErr error
}

func newFakeSys(t *testing.T, img apps.Behaviour) *fakeSys {
	t.Helper()
	root := memfs.NewTree(func() time.Time { return t0 })
	PopulateRootFS(root, img)
	root.WriteFile("/etc/hostname", []byte("pod-1\n"), 0o644)
	root.WriteFile("/etc/hosts", []byte("127.0.0.1\tlocalhost\n10.244.1.5\tpod-1\n"), 0o644)
	root.WriteFile("/etc/resolv.conf", []byte("search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"), 0o644)
	vol := memfs.NewTree(func() time.Time { return t0 })
	vol.WriteFile("/file-c.txt", []byte("Content\n"), 0o644)
	f, err := memfs.New(
		memfs.Mount{Target: "/", Tree: root, Source: "overlay", Type: "overlay", Options: "rw,relatime"},
		memfs.Mount{Target: "/mount", Tree: vol, ReadOnly: true, Source: "/dev/sda1", Type: "ext4", Options: "ro,relatime"},
	)
	if err != nil {
		t.Fatal(err)
	}
	return &fakeSys{
		fs: f, now: t0, host: "pod-1", servers: map[string]http.Handler{},
		dns:    map[string]string{"web.default.svc.cluster.local": "10.96.0.5"},
		search: []string{"default.svc.cluster.local", "svc.cluster.local", "cluster.local"},
		procs:  []Proc{{PID: 1, User: "root", TTY: "?", Start: t0, Argv: []string{"sleep", "infinity"}}},
	}
}

func (s *fakeSys) FS() FileSystem        { return s.fs }
func (s *fakeSys) Hostname() string      { return s.host }
func (s *fakeSys) Now() time.Time        { return s.now }
func (s *fakeSys) KernelRelease() string { return "6.8.0-test" }
func (s *fakeSys) Pid() int              { return 1 }
func (s *fakeSys) Processes() []Proc     { return append([]Proc(nil), s.procs...) }
func (s *fakeSys) SetCPU(m int64)        { s.cpu = m }
func (s *fakeSys) Kill(pid int, sig Signal) error {
	s.killed = append(s.killed, strconv.Itoa(pid)+":"+strconv.Itoa(int(sig)))
	return nil
}

func (s *fakeSys) resolve(host string) (string, string, bool) {
	if net.ParseIP(host) != nil {
		return host, host, true
	}
	for _, d := range s.search {
		if ip, ok := s.dns[host+"."+d]; ok {
			return host + "." + d, ip, true
		}
	}
	ip, ok := s.dns[host]
	return host, ip, ok
}

func (s *fakeSys) LookupHost(ctx context.Context, host string) (string, []string, error) {
	name, ip, ok := s.resolve(host)
	if !ok {
		return "", nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return name, []string{ip}, nil
}

func (s *fakeSys) Dial(ctx context.Context, host string, port int) (net.Conn, error) {
	_, ip, ok := s.resolve(host)
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	if ip == "127.0.0.1" {
		ip = "10.244.1.5"
	}
	h, ok := s.servers[net.JoinHostPort(ip, strconv.Itoa(port))]
	addr := &net.TCPAddr{IP: net.ParseIP(ip), Port: port}
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Addr: addr, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	client, server := net.Pipe()
	go serveOne(h, server)
	return addrConn{Conn: client, remote: addr}, nil
}

type addrConn struct {
	net.Conn
	remote net.Addr
}

func (c addrConn) RemoteAddr() net.Addr { return c.remote }

// serveOne serves HTTP on one connection.
func serveOne(h http.Handler, c net.Conn) {
	l := &oneListener{c: c, done: make(chan struct{})}
	var once sync.Once
	srv := &http.Server{Handler: h, ConnState: func(_ net.Conn, st http.ConnState) {
		if st == http.StateClosed || st == http.StateHijacked {
			once.Do(func() { close(l.done) })
		}
	}}
	srv.Serve(l)
}

type oneListener struct {
	mu   sync.Mutex
	c    net.Conn
	done chan struct{}
}

func (l *oneListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	c := l.c
	l.c = nil
	l.mu.Unlock()
	if c != nil {
		return c, nil
	}
	<-l.done
	return nil, net.ErrClosed
}
func (l *oneListener) Close() error   { return nil }
func (l *oneListener) Addr() net.Addr { return &net.TCPAddr{} }

func (s *fakeSys) Serve(ports []int) (func(bool), error) {
	if s.serveErr != nil {
		return nil, s.serveErr
	}
	s.serving = ports
	return func(bool) { s.serving = nil }, nil
}

func (s *fakeSys) Alloc(n int64) error {
	if s.limit > 0 && s.used+n > s.limit {
		return ErrOOMKilled
	}
	s.used += n
	return nil
}

// result of running a machine to its end on a manual clock.
type result struct {
	out, err string
	code     int
	elapsed  time.Duration
	state    State
}

// run drives a machine the way the simulated runtime does, advancing the
// fake clock through every sleep; it stops when the machine blocks.
func run(t *testing.T, sys *fakeSys, img apps.Behaviour, argv []string, pid1 bool) result {
	t.Helper()
	var out, errb bytes.Buffer
	m, err := New(Config{Sys: sys, Image: img, Argv: argv, Stdout: &out, Stderr: &errb, PID1: pid1,
		Env: []apps.EnvVar{{Name: "PATH", Value: img.Userland.Path}, {Name: "HOSTNAME", Value: "pod-1"}, {Name: "HOME", Value: "/root"}}})
	if err != nil {
		t.Fatalf("New(%q): %v", argv, err)
	}
	y := m.Step()
	for steps := 0; steps < 10000; steps++ {
		switch y.State {
		case Sleeping:
			sys.now = sys.now.Add(y.Sleep)
			y = m.Step()
			continue
		case WaitingInput:
			y = m.CloseInput()
			continue
		}
		break
	}
	return result{out: out.String(), err: errb.String(), code: y.Code, elapsed: sys.now.Sub(t0), state: y.State}
}

func image(t *testing.T, ref string) apps.Behaviour {
	t.Helper()
	b, ok := apps.Resolve(ref)
	if !ok {
		t.Fatalf("image %s not in the catalogue", ref)
	}
	return b
}
