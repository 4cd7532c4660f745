package sim

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"kubetour/engine/apps/memfs"
	"kubetour/engine/runtime"
)

// sandbox is a pod's shared environment: network (IP and ports), IPC and
// UTS namespaces, and the /etc files the kubelet manages.
type sandbox struct {
	id      string
	cfg     runtime.SandboxConfig
	ip      string
	ready   bool
	created time.Time
	ns      map[string]uint64 // net, ipc, uts, and pid when shared
	etc     *memfs.Tree       // hosts, hostname, resolv.conf
	ports   map[int]*listener // what listens on the pod IP
	ctrs    []*container      // in creation order
	pidSeq  int               // shared pid namespace counter
}

// defaultPodIP gives a sandbox without a kubelet-chosen IP an address in
// the pod range, deterministically.
func (r *Runtime) defaultPodIP() string {
	for n := 2; ; n++ {
		ip := fmt.Sprintf("10.244.0.%d", n)
		if n > 254 {
			ip = fmt.Sprintf("10.244.%d.%d", n/254, n%254+1)
		}
		if _, used := r.byIP[ip]; !used {
			return ip
		}
	}
}

// RunSandbox creates a pod sandbox with the IP the kubelet allocated.
func (r *Runtime) RunSandbox(ctx context.Context, cfg *runtime.SandboxConfig) (*runtime.Sandbox, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, fmt.Errorf("runtime is closed")
	}
	ip := cfg.IP
	if ip == "" {
		ip = r.defaultPodIP()
	}
	if net.ParseIP(ip) == nil {
		return nil, fmt.Errorf("invalid pod IP %q", ip)
	}
	if other, used := r.byIP[ip]; used && !cfg.HostNetwork {
		return nil, fmt.Errorf("failed to set up sandbox network: IP %s is already used by pod %s/%s", ip, other.cfg.Namespace, other.cfg.Name)
	}
	sb := &sandbox{
		id: r.newID("sandbox"), cfg: *cfg, ip: ip, ready: true, created: r.now(),
		ns: map[string]uint64{}, ports: map[int]*listener{}, pidSeq: 6,
	}
	if sb.cfg.Hostname == "" {
		sb.cfg.Hostname = cfg.Name
	}
	if cfg.HostNetwork {
		sb.ns["net"], sb.ns["uts"] = hostNamespaces["net"], hostNamespaces["uts"]
		if sb.cfg.Hostname == cfg.Name && cfg.Node != "" {
			sb.cfg.Hostname = cfg.Node
		}
	} else {
		sb.ns["net"], sb.ns["uts"] = r.nextNS(), r.nextNS()
	}
	sb.ns["ipc"] = r.nextNS()
	if cfg.ShareProcessNamespace {
		sb.ns["pid"] = r.nextNS()
	}
	sb.etc = memfs.NewTree(r.now)
	sb.etc.WriteFile("/hostname", []byte(sb.cfg.Hostname+"\n"), 0o644)
	sb.etc.WriteFile("/hosts", []byte(hostsFile(sb.ip, sb.cfg.Hostname)), 0o644)
	sb.etc.WriteFile("/resolv.conf", []byte(resolvConf(sb.cfg)), 0o644)
	if !cfg.HostNetwork {
		r.byIP[ip] = sb
	}
	r.sandboxes[sb.id] = sb
	return &runtime.Sandbox{ID: sb.id, IP: ip}, nil
}

// hostsFile is the /etc/hosts the kubelet writes for a pod.
func hostsFile(ip, hostname string) string {
	return "# Kubernetes-managed hosts file.\n" +
		"127.0.0.1\tlocalhost\n" +
		"::1\tlocalhost ip6-localhost ip6-loopback\n" +
		"fe00::0\tip6-localnet\n" +
		"fe00::0\tip6-mcastprefix\n" +
		"fe00::1\tip6-allnodes\n" +
		"fe00::2\tip6-allrouters\n" +
		ip + "\t" + hostname + "\n"
}

// searchList is the pod's DNS search path (ClusterFirst policy).
func searchList(cfg runtime.SandboxConfig) []string {
	if len(cfg.DNSSearch) > 0 {
		return cfg.DNSSearch
	}
	ns := cfg.Namespace
	if ns == "" {
		ns = "default"
	}
	return []string{ns + ".svc.cluster.local", "svc.cluster.local", "cluster.local"}
}

func resolvConf(cfg runtime.SandboxConfig) string {
	servers := cfg.DNSServers
	if len(servers) == 0 {
		servers = []string{"10.96.0.10"}
	}
	var b strings.Builder
	b.WriteString("search " + strings.Join(searchList(cfg), " ") + "\n")
	for _, s := range servers {
		b.WriteString("nameserver " + s + "\n")
	}
	b.WriteString("options ndots:5\n")
	return b.String()
}

func (r *Runtime) sandbox(id string) (*sandbox, error) {
	sb, ok := r.sandboxes[id]
	if !ok {
		return nil, fmt.Errorf("sandbox %q: %w", id, runtime.ErrNotFound)
	}
	return sb, nil
}

// StopSandbox kills what still runs in the pod and takes its network down.
// The kubelet stops containers gracefully first; this is the end.
func (r *Runtime) StopSandbox(ctx context.Context, id string) error {
	r.mu.Lock()
	sb, err := r.sandbox(id)
	if err != nil {
		r.mu.Unlock()
		return err
	}
	ctrs := append([]*container(nil), sb.ctrs...)
	r.mu.Unlock()
	for _, c := range ctrs {
		r.kill(c, 137, "")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	sb.ready = false
	for port, l := range sb.ports {
		l.close()
		delete(sb.ports, port)
	}
	if r.byIP[sb.ip] == sb {
		delete(r.byIP, sb.ip)
	}
	return nil
}

// RemoveSandbox removes a stopped sandbox and its containers.
func (r *Runtime) RemoveSandbox(ctx context.Context, id string) error {
	r.mu.Lock()
	sb, err := r.sandbox(id)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	if sb.ready {
		if err := r.StopSandbox(ctx, id); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range sb.ctrs {
		delete(r.containers, c.id)
	}
	delete(r.sandboxes, id)
	return nil
}
