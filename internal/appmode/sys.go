package appmode

import (
	"bufio"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"kubetour/engine/apps"
	"kubetour/engine/apps/shell"
)

// osSys is the world of a process inside a real container: the real file
// system, clock, kernel, processes, network and memory.
type osSys struct {
	img            apps.Behaviour
	stdout, stderr io.Writer

	mu     sync.Mutex
	mem    [][]byte
	burn   chan struct{} // closed to stop the CPU burners
	server *apps.Server
}

var _ shell.Sys = (*osSys)(nil)

func newOSSys(img apps.Behaviour, stdout, stderr io.Writer) *osSys {
	return &osSys{img: img, stdout: stdout, stderr: stderr}
}

func (s *osSys) shutdown() { s.SetCPU(0) }

func (s *osSys) FS() shell.FileSystem { return osFS{} }
func (s *osSys) Now() time.Time       { return time.Now() }
func (s *osSys) Pid() int             { return os.Getpid() }

func (s *osSys) Hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	return h
}

func (s *osSys) KernelRelease() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

func (s *osSys) Kill(pid int, sig shell.Signal) error {
	return syscall.Kill(pid, syscall.Signal(sig))
}

// Alloc takes real memory and touches every page, so the cgroup charges
// it: past the limit the kernel's OOM killer ends the process, and Alloc
// never returns.
func (s *osSys) Alloc(n int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < 0 {
		for n < 0 && len(s.mem) > 0 {
			last := s.mem[len(s.mem)-1]
			s.mem = s.mem[:len(s.mem)-1]
			n += int64(len(last))
		}
		debug.FreeOSMemory()
		return nil
	}
	b := make([]byte, n)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	s.mem = append(s.mem, b)
	return nil
}

// SetCPU keeps millicores of CPU busy with spinning goroutines; the
// cgroup's quota throttles them.
func (s *osSys) SetCPU(millicores int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.burn != nil {
		close(s.burn)
		s.burn = nil
	}
	if millicores <= 0 {
		return
	}
	n := (millicores + 999) / 1000
	duty := float64(millicores) / float64(n*1000)
	stop := make(chan struct{})
	s.burn = stop
	for i := int64(0); i < n; i++ {
		go burn(stop, duty)
	}
}

func burn(stop <-chan struct{}, duty float64) {
	const window = 10 * time.Millisecond
	busy := time.Duration(float64(window) * duty)
	x := 1.0
	for {
		select {
		case <-stop:
			return
		default:
		}
		start := time.Now()
		for time.Since(start) < busy {
			for i := 0; i < 1000; i++ {
				x = x*1.0000001 + 1e-9
			}
		}
		if idle := window - busy; idle > 0 {
			time.Sleep(idle)
		}
	}
}

// Serve runs the image's HTTP app on real ports of the pod.
func (s *osSys) Serve(ports []int) (func(bool), error) {
	var ls []net.Listener
	for _, p := range ports {
		l, err := net.Listen("tcp", ":"+strconv.Itoa(p))
		if err != nil {
			for _, o := range ls {
				o.Close()
			}
			return nil, err
		}
		ls = append(ls, l)
	}
	s.mu.Lock()
	if s.server == nil {
		s.server = apps.NewServer(s.img, apps.AppEnv{
			Hostname: s.Hostname(), IP: podIP(), Getenv: os.Getenv, Now: time.Now,
			Files: osFS{}, Stdout: s.stdout, Stderr: s.stderr,
		}).(*apps.Server)
	}
	server := s.server
	s.mu.Unlock()
	srv := &http.Server{Handler: server, ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: time.Minute}
	for _, l := range ls {
		go srv.Serve(l)
	}
	server.Start()
	return func(graceful bool) {
		if !graceful {
			srv.Close()
			return
		}
		server.Stop()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// podIP is the first non-loopback IPv4 address: the pod's.
func podIP() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}

// Dial connects as a process in the pod does: names through the pod's
// resolver, then a real TCP connection.
func (s *osSys) Dial(ctx context.Context, host string, port int) (net.Conn, error) {
	ip := host
	if net.ParseIP(host) == nil {
		_, addrs, err := s.LookupHost(ctx, host)
		if err != nil {
			return nil, err
		}
		ip = addrs[0]
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
}

var goResolver = &net.Resolver{PreferGo: true}

// LookupHost resolves as the pod's resolver does with its search list and
// ndots, and says which name answered.
func (s *osSys) LookupHost(ctx context.Context, host string) (string, []string, error) {
	if net.ParseIP(host) != nil {
		return host, []string{host}, nil
	}
	search, ndots := resolvConf("/etc/resolv.conf")
	name := strings.TrimSuffix(host, ".")
	var cands []string
	switch {
	case strings.HasSuffix(host, "."):
		cands = []string{name}
	case strings.Count(name, ".") < ndots:
		for _, d := range search {
			cands = append(cands, name+"."+d)
		}
		cands = append(cands, name)
	default:
		cands = append([]string{name}, cands...)
		for _, d := range search {
			cands = append(cands, name+"."+d)
		}
	}
	hosts := hostsFile("/etc/hosts")
	for _, c := range cands {
		if ips, ok := hosts[strings.ToLower(c)]; ok {
			return c, ips, nil
		}
	}
	for _, c := range cands {
		addrs, err := goResolver.LookupHost(ctx, c+".")
		if err == nil && len(addrs) > 0 {
			sort.SliceStable(addrs, func(i, j int) bool {
				return net.ParseIP(addrs[i]).To4() != nil && net.ParseIP(addrs[j]).To4() == nil
			})
			return c, addrs, nil
		}
		if ctx.Err() != nil {
			return "", nil, ctx.Err()
		}
	}
	return "", nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// resolvConf reads the search list and ndots (default 1).
func resolvConf(file string) ([]string, int) {
	ndots := 1
	var search []string
	f, err := os.Open(file)
	if err != nil {
		return nil, ndots
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		switch fs[0] {
		case "search", "domain":
			search = fs[1:]
		case "options":
			for _, o := range fs[1:] {
				if v, ok := strings.CutPrefix(o, "ndots:"); ok {
					if n, err := strconv.Atoi(v); err == nil {
						ndots = n
					}
				}
			}
		}
	}
	return search, ndots
}

// hostsFile maps lower-cased names to addresses.
func hostsFile(file string) map[string][]string {
	out := map[string][]string{}
	data, err := os.ReadFile(file)
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fs := strings.Fields(line)
		if len(fs) < 2 || net.ParseIP(fs[0]) == nil {
			continue
		}
		for _, n := range fs[1:] {
			n = strings.ToLower(n)
			out[n] = append(out[n], fs[0])
		}
	}
	return out
}

// Processes lists what ps sees: the processes of this PID namespace, each
// shown as the command it stands for.
func (s *osSys) Processes() []shell.Proc {
	boot := bootTime()
	entries, _ := os.ReadDir("/proc")
	var out []shell.Proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		p, ok := readProc(pid, boot)
		if ok {
			out = append(out, p)
		}
	}
	return out
}

const clockTicks = 100 // USER_HZ on Linux

func bootTime() time.Time {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return time.Unix(n, 0)
		}
	}
	return time.Time{}
}

func readProc(pid int, boot time.Time) (shell.Proc, bool) {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return shell.Proc{}, false
	}
	i := strings.LastIndexByte(string(stat), ')')
	if i < 0 {
		return shell.Proc{}, false
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 20 {
		return shell.Proc{}, false
	}
	num := func(k int) int64 { n, _ := strconv.ParseInt(f[k], 10, 64); return n }
	p := shell.Proc{PID: pid, PPID: int(num(1)), User: "root", TTY: "?"}
	if tty := num(4); tty != 0 {
		major, minor := (tty>>8)&0xfff, (tty&0xff)|((tty>>12)&0xfff00)
		if major >= 136 && major <= 143 {
			p.TTY = "pts/" + strconv.FormatInt(minor, 10)
		}
	}
	p.CPU = time.Duration(num(11)+num(12)) * time.Second / clockTicks
	p.Start = boot.Add(time.Duration(num(19)) * time.Second / clockTicks)
	if statm, err := os.ReadFile(filepath.Join(dir, "statm")); err == nil {
		if fs := strings.Fields(string(statm)); len(fs) > 1 {
			pages, _ := strconv.ParseInt(fs[1], 10, 64)
			p.RSS = pages * int64(os.Getpagesize())
		}
	}
	if status, err := os.ReadFile(filepath.Join(dir, "status")); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "Uid:"); ok {
				if fs := strings.Fields(v); len(fs) > 0 && fs[0] != "0" {
					p.User = fs[0]
				}
			}
		}
	}
	cmdline, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
	argv := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	if len(cmdline) == 0 {
		comm, _ := os.ReadFile(filepath.Join(dir, "comm"))
		argv = []string{"[" + strings.TrimSpace(string(comm)) + "]"}
	}
	p.Argv = DisplayArgv(argv)
	return p, true
}
