package docker

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/go-connections/nat"

	"kubetour/engine/runtime"
	"kubetour/internal/appmode"
)

var _ runtime.ServiceRuntime = (*Runtime)(nil)

// ClusterDomain is the DNS domain of Service names.
const ClusterDomain = "cluster.local"

// service is a Service's proxy container.
type service struct {
	spec runtime.ServiceSpec // the shape it was created with
	id   string
	ip   string
	dir  string
}

func serviceKey(ns, name string) string { return ns + "/" + name }

// EnsureService makes a Service reachable from the pods: a proxy
// container (kubetour app proxy) holding the ClusterIP on the session
// network when the plan's Service range contains it (else an address
// Docker picks), under the DNS aliases <svc>.<ns>.svc.cluster.local,
// <svc>.<ns>.svc and <svc>.<ns>, which the pods' search list completes
// from a short name; each NodePort is published on 127.0.0.1. When only
// the endpoints changed, the proxy's configuration file is rewritten and
// nothing else happens. Headless Services ("None") have no proxy.
func (r *Runtime) EnsureService(ctx context.Context, spec *runtime.ServiceSpec) error {
	if spec.ClusterIP == "" || spec.ClusterIP == "None" {
		return r.RemoveService(ctx, spec.Namespace, spec.Name)
	}
	key := serviceKey(spec.Namespace, spec.Name)
	dir := filepath.Join(r.dir, "services", dockerName(spec.Namespace+"_"+spec.Name))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cfg := appmode.ProxyConfig{Service: key}
	if z := spec.DNS; z != nil {
		// Names outside the cluster go to Docker's resolver inside the
		// proxy's own container.
		cfg.DNS = &appmode.DNSZone{Domain: z.Domain, A: z.A, CNAME: z.CNAME, Upstream: "127.0.0.11:53"}
	}
	for _, p := range spec.Ports {
		if p.Protocol != "" && !strings.EqualFold(p.Protocol, "TCP") {
			continue
		}
		cfg.Ports = append(cfg.Ports, appmode.ProxyPort{Name: p.Name, Port: int(p.Port), NodePort: int(p.NodePort), Endpoints: append([]string{}, p.Endpoints...)})
	}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, appmode.ProxyConfigFile), data); err != nil {
		return err
	}
	r.mu.Lock()
	old := r.services[key]
	r.mu.Unlock()
	if old != nil && sameShape(&old.spec, spec) {
		return nil
	}
	if old != nil {
		if err := r.removeContainer(ctx, old.id); err != nil {
			return err
		}
	}
	svc, err := r.createProxy(ctx, spec, dir)
	if err != nil {
		return fmt.Errorf("service %s: %w", key, err)
	}
	r.mu.Lock()
	r.services[key] = svc
	r.mu.Unlock()
	return nil
}

// sameShape reports whether a proxy created for a serves b: the same
// address and the same ports (published ports are fixed at creation).
func sameShape(a, b *runtime.ServiceSpec) bool {
	if a.ClusterIP != b.ClusterIP || len(a.Ports) != len(b.Ports) {
		return false
	}
	for i := range a.Ports {
		x, y := a.Ports[i], b.Ports[i]
		if x.Port != y.Port || x.NodePort != y.NodePort || !strings.EqualFold(x.Protocol, y.Protocol) {
			return false
		}
	}
	return true
}

func (r *Runtime) createProxy(ctx context.Context, spec *runtime.ServiceSpec, dir string) (*service, error) {
	ccfg := &container.Config{
		Image: r.imageRef, Cmd: appmode.ProxyArgv(),
		Labels: r.labels(roleServiceProxy, map[string]string{
			labelService:                 serviceKey(spec.Namespace, spec.Name),
			"io.kubernetes.service.name": spec.Name, "io.kubernetes.service.namespace": spec.Namespace,
		}),
	}
	hcfg := &container.HostConfig{
		NetworkMode: container.NetworkMode(r.netName),
		LogConfig:   logConfig(),
		Mounts:      []mount.Mount{{Type: mount.TypeBind, Source: dir, Target: appmode.ProxyConfigDir, ReadOnly: true}},
	}
	for _, p := range spec.Ports {
		if p.NodePort == 0 || (p.Protocol != "" && !strings.EqualFold(p.Protocol, "TCP")) {
			continue
		}
		if ccfg.ExposedPorts == nil {
			ccfg.ExposedPorts, hcfg.PortBindings = nat.PortSet{}, nat.PortMap{}
		}
		port := nat.Port(fmt.Sprintf("%d/tcp", p.NodePort))
		ccfg.ExposedPorts[port] = struct{}{}
		hcfg.PortBindings[port] = []nat.PortBinding{{HostIP: "127.0.0.1", HostPort: strconv.Itoa(int(p.NodePort))}}
	}
	ep := &network.EndpointSettings{Aliases: []string{
		spec.Name + "." + spec.Namespace + ".svc." + ClusterDomain,
		spec.Name + "." + spec.Namespace + ".svc",
		spec.Name + "." + spec.Namespace,
	}}
	static := ""
	if a, err := netip.ParseAddr(spec.ClusterIP); err == nil && r.plan.ServiceCIDR.Contains(a) {
		static = a.String()
		ep.IPAMConfig = &network.EndpointIPAMConfig{IPv4Address: static}
	}
	ncfg := &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{r.netName: ep}}
	name := fmt.Sprintf("kubetour_svc_%s_%s_%s", dockerName(spec.Name), dockerName(spec.Namespace), r.session)
	id, err := r.createUnique(ctx, ccfg, hcfg, ncfg, name)
	if err != nil {
		return nil, err
	}
	if err := r.cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		r.removeContainer(context.WithoutCancel(ctx), id)
		return nil, err
	}
	ip := static
	if ip == "" {
		if info, err := r.cli.ContainerInspect(ctx, id); err == nil {
			if e := info.NetworkSettings.Networks[r.netName]; e != nil {
				ip = e.IPAddress
			}
		}
	}
	s := &service{spec: *spec, id: id, ip: ip, dir: dir}
	s.spec.Ports = slices.Clone(spec.Ports)
	return s, nil
}

// ServiceAddress is the address a Service's proxy really holds ("" when
// it has none): the ClusterIP, unless the plan's range does not hold it.
func (r *Runtime) ServiceAddress(namespace, name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.services[serviceKey(namespace, name)]; s != nil {
		return s.ip
	}
	return ""
}

// RemoveService removes a Service's proxy and its configuration.
func (r *Runtime) RemoveService(ctx context.Context, namespace, name string) error {
	key := serviceKey(namespace, name)
	r.mu.Lock()
	s := r.services[key]
	delete(r.services, key)
	r.mu.Unlock()
	if s == nil {
		return nil
	}
	if err := r.removeContainer(ctx, s.id); err != nil {
		return err
	}
	return r.removeDir(ctx, s.dir)
}

// writeFileAtomic replaces a file in one rename, so the proxy never reads
// half a configuration.
func writeFileAtomic(name string, data []byte) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
