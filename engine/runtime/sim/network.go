package sim

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"kubetour/engine/apps"
	"kubetour/engine/runtime"
)

// listener is a port a container's app listens on. Dial hands it one end
// of a net.Pipe; an http.Server serves the other, as on a real socket.
type listener struct {
	owner *container
	port  int
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	srv   *http.Server
}

func (l *listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *listener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *listener) Addr() net.Addr { return &net.TCPAddr{Port: l.port} }

// close stops accepting and drops open connections.
func (l *listener) close() {
	l.Close()
	l.srv.Close()
}

// simConn is a pipe end with the TCP addresses a socket would have, so
// access logs and curl -v show pod IPs.
type simConn struct {
	net.Conn
	local, remote net.Addr
}

func (c *simConn) LocalAddr() net.Addr  { return c.local }
func (c *simConn) RemoteAddr() net.Addr { return c.remote }

func opError(ip net.IP, port int, errno syscall.Errno) error {
	return &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: ip, Port: port}, Err: os.NewSyscallError("connect", errno)}
}

// serve binds a container's app to ports of its pod. Ports are the pod's:
// a second container binding the same port fails, with Go's wording since
// kubetour's own binary runs the apps in real containers too.
func (r *Runtime) serve(c *container, ports []int) (func(graceful bool), error) {
	r.mu.Lock()
	if c.state != runtime.StateRunning {
		r.mu.Unlock()
		return nil, fmt.Errorf("container is not running")
	}
	for _, p := range ports {
		if _, taken := c.sb.ports[p]; taken {
			r.mu.Unlock()
			return nil, fmt.Errorf("listen tcp :%d: bind: address already in use", p)
		}
	}
	if c.server == nil {
		env := c.env
		c.server = apps.NewServer(c.img, apps.AppEnv{
			Hostname: c.sb.cfg.Hostname, IP: c.sb.ip, Now: r.now, Files: c.fs,
			Getenv: func(name string) string {
				for _, e := range env {
					if e.Name == name {
						return e.Value
					}
				}
				return ""
			},
			Stdout: c.logs.writer(streamStdout), Stderr: c.logs.writer(streamStderr),
		}).(*apps.Server)
		if c.unhealthy {
			c.server.SetHealthy(false)
		}
	}
	srv := &http.Server{Handler: c.server, ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: time.Minute}
	for _, p := range ports {
		l := &listener{owner: c, port: p, conns: make(chan net.Conn), done: make(chan struct{}), srv: srv}
		c.sb.ports[p] = l
		go srv.Serve(l)
	}
	server := c.server
	r.mu.Unlock()
	server.Start()
	return func(graceful bool) {
		if graceful {
			server.Stop()
		}
		r.mu.Lock()
		r.unbindLocked(c)
		r.mu.Unlock()
	}, nil
}

// unbindLocked closes the ports a container holds; callers hold r.mu.
func (r *Runtime) unbindLocked(c *container) {
	for p, l := range c.sb.ports {
		if l.owner == c {
			l.close()
			delete(c.sb.ports, p)
		}
	}
}

// connect opens a connection to port of sandbox sb, addressed as dst, from src.
func (r *Runtime) connect(ctx context.Context, sb *sandbox, port int, dst, src net.IP) (net.Conn, error) {
	r.mu.Lock()
	l := sb.ports[port]
	ready := sb.ready
	r.ports++
	ephemeral := r.ports
	r.mu.Unlock()
	if l == nil || !ready {
		return nil, opError(dst, port, syscall.ECONNREFUSED)
	}
	client, server := net.Pipe()
	srcAddr := &net.TCPAddr{IP: src, Port: ephemeral}
	dstAddr := &net.TCPAddr{IP: dst, Port: port}
	select {
	case l.conns <- &simConn{Conn: server, local: dstAddr, remote: srcAddr}:
		return &simConn{Conn: client, local: srcAddr, remote: dstAddr}, nil
	case <-l.done:
		client.Close()
		server.Close()
		return nil, opError(dst, port, syscall.ECONNREFUSED)
	case <-ctx.Done():
		client.Close()
		server.Close()
		return nil, &net.OpError{Op: "dial", Net: "tcp", Addr: dstAddr, Err: ctx.Err()}
	}
}

// dialIP reaches ip:port from src: a pod IP directly; anything else (a
// Service ClusterIP, a NodePort) through the engine's proxy when viaProxy.
func (r *Runtime) dialIP(ctx context.Context, ip string, port int, src net.IP, viaProxy bool) (net.Conn, error) {
	r.mu.Lock()
	target := r.byIP[ip]
	hook := r.opts.DialService
	r.mu.Unlock()
	dst := net.ParseIP(ip)
	switch {
	case target != nil:
		return r.connect(ctx, target, port, dst, src)
	case hook != nil && viaProxy:
		return hook(ctx, ip, port)
	}
	return nil, opError(dst, port, syscall.EHOSTUNREACH)
}

// Dial connects from the node to a pod IP: probes, and the engine's proxy
// once it has picked a Service's pod. It never goes back to the proxy (the
// proxy calls Dial for addresses that are not Services: that would loop);
// an address with no pod behind it has no route. The source address is
// the pod network's gateway, as traffic from the node has.
func (r *Runtime) Dial(ctx context.Context, addr string) (net.Conn, error) {
	host, ps, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(ps)
	if err != nil || net.ParseIP(host) == nil {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf("address %s: not an IP and port", addr)}
	}
	return r.dialIP(ctx, host, port, gateway(host), false)
}

// gateway is the .1 of an IPv4 address's /24, where node traffic to pods
// comes from (the cni0 bridge).
func gateway(ip string) net.IP {
	v4 := net.ParseIP(ip).To4()
	if v4 == nil {
		return net.ParseIP(ip)
	}
	return net.IPv4(v4[0], v4[1], v4[2], 1)
}

// dialFrom connects from inside sandbox sb: localhost is the pod itself.
func (r *Runtime) dialFrom(ctx context.Context, sb *sandbox, host string, port int) (net.Conn, error) {
	ip := host
	if host == "localhost" {
		ip = "127.0.0.1"
	}
	if net.ParseIP(ip) == nil {
		_, addrs, err := r.lookup(ctx, sb, host)
		if err != nil {
			return nil, err
		}
		ip = addrs[0]
	}
	dst := net.ParseIP(ip)
	if dst.IsLoopback() {
		return r.connect(ctx, sb, port, dst, dst)
	}
	return r.dialIP(ctx, ip, port, net.ParseIP(sb.ip), true)
}

// lookup resolves a name as the pod's resolver does: with ndots:5 a short
// name is tried with each search domain first.
func (r *Runtime) lookup(ctx context.Context, sb *sandbox, host string) (string, []string, error) {
	if net.ParseIP(host) != nil {
		return host, []string{host}, nil
	}
	notFound := &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	if r.opts.Resolve == nil {
		return "", nil, notFound
	}
	name := strings.TrimSuffix(host, ".")
	var cands []string
	switch {
	case strings.HasSuffix(host, "."):
		cands = []string{name}
	case strings.Count(name, ".") < 5:
		for _, s := range searchList(sb.cfg) {
			cands = append(cands, name+"."+s)
		}
		cands = append(cands, name)
	default:
		cands = []string{name}
		for _, s := range searchList(sb.cfg) {
			cands = append(cands, name+"."+s)
		}
	}
	for _, cand := range cands {
		if ip, err := r.opts.Resolve(ctx, sb.cfg.Namespace, cand); err == nil && ip != "" {
			return cand, []string{ip}, nil
		}
	}
	return "", nil, notFound
}
