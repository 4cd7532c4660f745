package docker

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"

	"github.com/docker/docker/api/types/network"
)

// Plan is how a session's /16 is laid out. Pods and Services share one
// bridge network (Docker's bridge driver takes one IPv4 subnet), so each
// session's pod ranges and Service range live in its own /16, and two
// sessions on one engine never overlap:
//
//	10.B.0.0/17                   Service ClusterIPs (ServiceCIDR)
//	10.B.128.0/24 … 10.B.254.0/24 pod ranges, one per node (PodCIDR(i))
//	10.B.255.0/24                 Docker's own pick (DynamicRange) + gateway 10.B.255.254
//
// The first session takes B = 96, so its Services have kubeadm's familiar
// addresses (10.96.0.1 for kubernetes, 10.96.0.10 for kube-dns) and a
// manifest that pins a ClusterIP such as 10.96.100.100, as the course's do,
// works as it does on a kubeadm cluster. Pods cannot also have flannel's
// 10.244.x.x: Docker's bridge driver takes a single subnet.
type Plan struct {
	Subnet       netip.Prefix
	Gateway      netip.Addr
	DynamicRange netip.Prefix
	ServiceCIDR  netip.Prefix
}

// planFor lays out a /16.
func planFor(subnet netip.Prefix) Plan {
	b := subnet.Masked().Addr().As4()
	return Plan{
		Subnet:       subnet.Masked(),
		Gateway:      netip.AddrFrom4([4]byte{b[0], b[1], 255, 254}),
		DynamicRange: netip.PrefixFrom(netip.AddrFrom4([4]byte{b[0], b[1], 255, 0}), 24),
		ServiceCIDR:  netip.PrefixFrom(netip.AddrFrom4([4]byte{b[0], b[1], 0, 0}), 17),
	}
}

// PodCIDR is node i's pod range (i from 0 to 126).
func (p Plan) PodCIDR(i int) netip.Prefix {
	b := p.Subnet.Addr().As4()
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{b[0], b[1], byte(128 + i), 0}), 24)
}

// ServiceIP is the n-th address of the Service range: 1 is the kubernetes
// Service, 10 is kube-dns, as kubeadm chooses them.
func (p Plan) ServiceIP(n int) netip.Addr {
	a := p.ServiceCIDR.Addr()
	for ; n > 0; n-- {
		a = a.Next()
	}
	return a
}

// isPodIP reports whether a is in a node's pod range (static IPs allowed).
func (p Plan) isPodIP(a netip.Addr) bool {
	return p.Subnet.Contains(a) && !p.DynamicRange.Contains(a) && !p.ServiceCIDR.Contains(a)
}

// Plan is this session's address plan; the engine gives nodes PodCIDR(i)
// and Services addresses from ServiceCIDR, so that the addresses the API
// shows are the ones containers really have.
func (r *Runtime) Plan() Plan { return r.plan }

// NetworkName is the session's Docker network.
func (r *Runtime) NetworkName() string { return r.netName }

// createNetwork makes the session's bridge on the first free /16.
func (r *Runtime) createNetwork(ctx context.Context) error {
	var candidates []netip.Prefix
	if r.opts.Subnet != "" {
		p, err := netip.ParsePrefix(r.opts.Subnet)
		if err != nil || !p.Addr().Is4() || p.Bits() != 16 {
			return fmt.Errorf("docker runtime: subnet %q: want an IPv4 /16 such as 10.244.0.0/16", r.opts.Subnet)
		}
		candidates = []netip.Prefix{p.Masked()}
	} else {
		from := 96
		if r.opts.SearchFrom > 16 && r.opts.SearchFrom <= 254 {
			from = r.opts.SearchFrom
		}
		for b := from; b <= 254; b++ {
			candidates = append(candidates, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(b), 0, 0}), 16))
		}
		for b := from - 1; b >= 16; b-- {
			candidates = append(candidates, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(b), 0, 0}), 16))
		}
	}
	taken, err := r.usedPrefixes(ctx)
	if err != nil {
		return err
	}
	r.netName = "kubetour-" + r.session
	var lastErr error
	for _, c := range candidates {
		if overlapsAny(c, taken) {
			continue
		}
		plan := planFor(c)
		resp, err := r.cli.NetworkCreate(ctx, r.netName, network.CreateOptions{
			Driver: "bridge",
			IPAM: &network.IPAM{Config: []network.IPAMConfig{{
				Subnet: plan.Subnet.String(), IPRange: plan.DynamicRange.String(), Gateway: plan.Gateway.String(),
			}}},
			Options: map[string]string{"com.docker.network.bridge.name": "kt-" + r.session},
			Labels:  r.labels("network", map[string]string{labelImageID: r.image}),
		})
		if err != nil {
			lastErr = err
			if r.opts.Subnet != "" || !strings.Contains(err.Error(), "overlap") {
				break
			}
			continue // another session took it meanwhile
		}
		r.plan, r.netID = plan, resp.ID
		return nil
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("every candidate /16 overlaps a network or route of this host")
	}
	return fmt.Errorf("docker runtime: creating network %s: %w", r.netName, lastErr)
}

// usedPrefixes are the IPv4 ranges a new network must not overlap: other
// Docker networks, the host's routes and addresses, its DNS servers.
func (r *Runtime) usedPrefixes(ctx context.Context) ([]netip.Prefix, error) {
	var out []netip.Prefix
	nets, err := r.cli.NetworkList(ctx, network.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("docker runtime: listing networks: %w", err)
	}
	for _, n := range nets {
		for _, c := range n.IPAM.Config {
			if p, err := netip.ParsePrefix(c.Subnet); err == nil {
				out = append(out, p)
			}
		}
	}
	out = append(out, hostRoutes()...)
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				if p, err := netip.ParsePrefix(n.String()); err == nil && p.Addr().Is4() {
					out = append(out, p.Masked())
				}
			}
		}
	}
	if data, err := os.ReadFile("/etc/resolv.conf"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			if len(f) == 2 && f[0] == "nameserver" {
				if a, err := netip.ParseAddr(f[1]); err == nil && a.Is4() {
					out = append(out, netip.PrefixFrom(a, 32))
				}
			}
		}
	}
	return out, nil
}

// hostRoutes reads the IPv4 routing table, without the default route.
func hostRoutes() []netip.Prefix {
	f, err := os.Open("/proc/net/route")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []netip.Prefix
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 8 {
			continue
		}
		dst, err1 := hex.DecodeString(fs[1])
		mask, err2 := hex.DecodeString(fs[7])
		if err1 != nil || err2 != nil || len(dst) != 4 || len(mask) != 4 {
			continue
		}
		m := binary.LittleEndian.Uint32(mask)
		bits := 0
		for m != 0 {
			bits += int(m & 1)
			m >>= 1
		}
		if bits == 0 {
			continue
		}
		a := netip.AddrFrom4([4]byte{dst[0], dst[1], dst[2], dst[3]})
		out = append(out, netip.PrefixFrom(a, bits).Masked())
	}
	return out
}

func overlapsAny(p netip.Prefix, others []netip.Prefix) bool {
	for _, o := range others {
		if p.Overlaps(o) {
			return true
		}
	}
	return false
}

// Dial connects from this host to addr on the session network: Linux
// routes the /16 to the network's bridge, so pod IPs answer directly.
func (r *Runtime) Dial(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}
