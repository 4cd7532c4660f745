package docker

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/go-connections/nat"

	"kubetour/engine/runtime"
	"kubetour/internal/appmode"
)

// sandbox is a pod's infra container and what the runtime knows of it.
type sandbox struct {
	id, name string
	cfg      runtime.SandboxConfig
	ip       string
	ctrs     []*ctr         // app containers, in creation order
	attempts map[string]int // container name -> last attempt number used
	// resolvConf is the pod's /etc/resolv.conf on the host, mounted into
	// the sandbox and every container ("" leaves Docker's own).
	resolvConf string
}

// RunSandbox creates and starts the pod's sandbox container (kubetour's
// pause mode), which holds the pod's network namespace on the session
// network with the kubelet's IP when it lies in the plan's pod ranges, its
// IPC namespace (shareable), hostname, DNS search list and hostPorts.
func (r *Runtime) RunSandbox(ctx context.Context, cfg *runtime.SandboxConfig) (*runtime.Sandbox, error) {
	if r.isClosed() {
		return nil, fmt.Errorf("runtime is closed")
	}
	hostname := cfg.Hostname
	if hostname == "" {
		hostname = cfg.Name
	}
	labels := map[string]string{
		labelDockerType: "podsandbox", labelCtrName: "POD",
		labelPodName: cfg.Name, labelPodNS: cfg.Namespace, labelPodUID: cfg.PodUID,
	}
	for k, v := range cfg.Labels {
		if _, set := labels[k]; !set {
			labels[k] = v
		}
	}
	ccfg := &container.Config{
		Image: r.imageRef, Cmd: appmode.PauseArgv(),
		Labels: r.labels(roleSandbox, labels),
	}
	hcfg := &container.HostConfig{
		IpcMode:   container.IPCModeShareable,
		LogConfig: logConfig(),
		Resources: container.Resources{CPUShares: 2},
	}
	var ncfg *network.NetworkingConfig
	static, resolvConf := "", ""
	if cfg.HostNetwork {
		hcfg.NetworkMode = "host"
	} else {
		ccfg.Hostname = hostname
		hcfg.NetworkMode = container.NetworkMode(r.netName)
		hcfg.DNSSearch = searchList(cfg)
		hcfg.DNSOptions = []string{"ndots:5"}
		// Docker's own resolver answers the names of containers and
		// Services' proxies, and asks these servers for everything else:
		// the cluster DNS, which knows headless and ExternalName Services.
		for _, s := range cfg.DNSServers {
			if a, err := netip.ParseAddr(s); err == nil && r.plan.ServiceCIDR.Contains(a) {
				hcfg.DNS = append(hcfg.DNS, s)
			}
		}
		// Docker writes its embedded resolver (127.0.0.11) into every
		// container on a user network. A pod's resolv.conf names the
		// cluster DNS, as the kubelet writes it: the file is mounted over
		// Docker's, and kube-dns's proxy answers at its ClusterIP (names
		// outside the cluster go on to Docker's resolver from there).
		if len(hcfg.DNS) > 0 {
			path, err := r.writeResolvConf(cfg, hcfg.DNS)
			if err != nil {
				return nil, fmt.Errorf("failed to write resolv.conf for pod %q: %w", cfg.Name, err)
			}
			resolvConf = path
			hcfg.Mounts = append(hcfg.Mounts, resolvMount(path))
		}
		if len(cfg.Ports) > 0 {
			ccfg.ExposedPorts = nat.PortSet{}
			hcfg.PortBindings = nat.PortMap{}
			for _, p := range cfg.Ports {
				proto := strings.ToLower(p.Protocol)
				if proto == "" {
					proto = "tcp"
				}
				port := nat.Port(fmt.Sprintf("%d/%s", p.ContainerPort, proto))
				hostIP := p.HostIP
				if hostIP == "" {
					hostIP = nodeLoopback(cfg.Node)
				}
				ccfg.ExposedPorts[port] = struct{}{}
				hcfg.PortBindings[port] = append(hcfg.PortBindings[port], nat.PortBinding{HostIP: hostIP, HostPort: strconv.Itoa(int(p.HostPort))})
			}
		}
		ep := &network.EndpointSettings{}
		if a, err := netip.ParseAddr(cfg.IP); err == nil && r.plan.isPodIP(a) {
			static = a.String()
			ep.IPAMConfig = &network.EndpointIPAMConfig{IPv4Address: static}
		}
		ncfg = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{r.netName: ep}}
	}
	name := r.containerName("POD", cfg.Name, cfg.Namespace, cfg.PodUID, 0)
	id, err := r.createUnique(ctx, ccfg, hcfg, ncfg, name)
	if err != nil {
		return nil, fmt.Errorf("failed to create a sandbox for pod %q: %w", cfg.Name, err)
	}
	if err := r.cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		if static == "" || !strings.Contains(err.Error(), "ddress already in use") {
			r.removeContainer(context.WithoutCancel(ctx), id)
			return nil, fmt.Errorf("failed to start sandbox container for pod %q: %w", cfg.Name, err)
		}
		// The address is still held (a pod being removed): let Docker pick.
		r.removeContainer(context.WithoutCancel(ctx), id)
		ncfg.EndpointsConfig[r.netName].IPAMConfig = nil
		static = ""
		if id, err = r.createUnique(ctx, ccfg, hcfg, ncfg, name); err != nil {
			return nil, fmt.Errorf("failed to create a sandbox for pod %q: %w", cfg.Name, err)
		}
		if err := r.cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
			r.removeContainer(context.WithoutCancel(ctx), id)
			return nil, fmt.Errorf("failed to start sandbox container for pod %q: %w", cfg.Name, err)
		}
	}
	ip := static
	if cfg.HostNetwork {
		ip = cfg.IP
	} else if ip == "" {
		info, err := r.cli.ContainerInspect(ctx, id)
		if err != nil {
			r.removeContainer(context.WithoutCancel(ctx), id)
			return nil, fmt.Errorf("failed to inspect the sandbox of pod %q: %w", cfg.Name, err)
		}
		if ep := info.NetworkSettings.Networks[r.netName]; ep != nil {
			ip = ep.IPAddress
		}
	}
	sb := &sandbox{id: id, name: name, cfg: *cfg, ip: ip, attempts: map[string]int{}, resolvConf: resolvConf}
	sb.cfg.Hostname = hostname
	r.mu.Lock()
	r.sandboxes[id] = sb
	r.ctrs[id] = &ctr{id: id, sb: sb, name: "POD", sandbox: true}
	r.mu.Unlock()
	return &runtime.Sandbox{ID: id, IP: ip}, nil
}

// createUnique creates a container named name, or name-2, name-3 … when a
// container of that name exists already.
func (r *Runtime) createUnique(ctx context.Context, c *container.Config, h *container.HostConfig, n *network.NetworkingConfig, name string) (string, error) {
	for i := 1; ; i++ {
		try := name
		if i > 1 {
			try = fmt.Sprintf("%s-%d", name, i)
		}
		resp, err := r.cli.ContainerCreate(ctx, c, h, n, nil, try)
		if err == nil {
			return resp.ID, nil
		}
		if !cerrdefs.IsConflict(err) || i > 20 {
			return "", err
		}
	}
}

// writeResolvConf writes a pod's resolv.conf under the session's state
// directory, as the kubelet forms it for the ClusterFirst policy.
func (r *Runtime) writeResolvConf(cfg *runtime.SandboxConfig, servers []string) (string, error) {
	dir := filepath.Join(r.dir, "pods", dockerName(cfg.Namespace+"_"+cfg.Name+"_"+cfg.PodUID))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("search " + strings.Join(searchList(cfg), " ") + "\n")
	for _, s := range servers {
		b.WriteString("nameserver " + s + "\n")
	}
	b.WriteString("options ndots:5\n")
	path := filepath.Join(dir, "resolv.conf")
	return path, writeFileAtomic(path, []byte(b.String()))
}

func resolvMount(path string) mount.Mount {
	return mount.Mount{Type: mount.TypeBind, Source: path, Target: "/etc/resolv.conf", ReadOnly: true}
}

// searchList is the pod's DNS search path (ClusterFirst policy).
func searchList(cfg *runtime.SandboxConfig) []string {
	if len(cfg.DNSSearch) > 0 {
		return cfg.DNSSearch
	}
	ns := cfg.Namespace
	if ns == "" {
		ns = "default"
	}
	return []string{ns + ".svc.cluster.local", "svc.cluster.local", "cluster.local"}
}

// logConfig keeps logs in json-file, which `docker logs` and the runtime
// read, bounded as the kubelet's rotation bounds them.
func logConfig() container.LogConfig {
	return container.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "10m", "max-file": "2"}}
}

func (r *Runtime) sandbox(id string) (*sandbox, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sb, ok := r.sandboxes[id]
	if !ok {
		return nil, fmt.Errorf("sandbox %q: %w", id, runtime.ErrNotFound)
	}
	return sb, nil
}

// StopSandbox kills what still runs in the pod, then the sandbox.
func (r *Runtime) StopSandbox(ctx context.Context, id string) error {
	sb, err := r.sandbox(id)
	if err != nil {
		return err
	}
	r.mu.Lock()
	ctrs := append([]*ctr(nil), sb.ctrs...)
	r.mu.Unlock()
	for _, c := range ctrs {
		if err := r.cli.ContainerKill(ctx, c.id, "KILL"); err != nil && !isNotRunning(err) {
			return err
		}
	}
	zero := 0
	if err := r.cli.ContainerStop(ctx, id, container.StopOptions{Timeout: &zero}); err != nil && !cerrdefs.IsNotFound(err) {
		return err
	}
	return nil
}

// RemoveSandbox removes the sandbox and whatever containers it still has.
func (r *Runtime) RemoveSandbox(ctx context.Context, id string) error {
	sb, err := r.sandbox(id)
	if err != nil {
		return err
	}
	r.mu.Lock()
	ctrs := append([]*ctr(nil), sb.ctrs...)
	r.mu.Unlock()
	for _, c := range ctrs {
		if err := r.removeContainer(ctx, c.id); err != nil {
			return err
		}
		r.forget(c)
	}
	if err := r.removeContainer(ctx, id); err != nil {
		return err
	}
	if sb.resolvConf != "" {
		os.RemoveAll(filepath.Dir(sb.resolvConf))
	}
	r.mu.Lock()
	delete(r.sandboxes, id)
	delete(r.ctrs, id)
	r.mu.Unlock()
	return nil
}

// isNotRunning is Docker's answer to killing a stopped container.
func isNotRunning(err error) bool {
	return err != nil && (cerrdefs.IsNotFound(err) || cerrdefs.IsConflict(err) || strings.Contains(err.Error(), "is not running"))
}

// nodeLoopback is where a node's hostPorts appear on this machine. Every
// node of the cluster is the same host here, so a DaemonSet's hostPort
// published by each node's pod would clash on one address; each node gets
// its own loopback address instead: k8s-master 127.0.0.1, k8s-node1
// 127.0.0.2, k8s-node2 127.0.0.3 (a name ending in N gets 127.0.0.N+1).
func nodeLoopback(node string) string {
	i := len(node)
	for i > 0 && node[i-1] >= '0' && node[i-1] <= '9' {
		i--
	}
	n, err := strconv.Atoi(node[i:])
	if err != nil || n < 0 || n > 250 {
		return "127.0.0.1"
	}
	return "127.0.0." + strconv.Itoa(n+1)
}
