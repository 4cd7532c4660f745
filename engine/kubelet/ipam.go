package kubelet

import (
	"fmt"
	"net/netip"
)

// ipPool hands out pod IPs from a node's range the way host-local IPAM
// does: round-robin after the last address given, so a re-created pod gets
// a new IP (as students see on real clusters), and .1 stays the gateway.
type ipPool struct {
	prefix netip.Prefix
	last   netip.Addr
	used   map[netip.Addr]bool
}

func newIPPool(cidr string) (*ipPool, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil, fmt.Errorf("pod range %q: %w", cidr, err)
	}
	p = p.Masked()
	return &ipPool{prefix: p, last: p.Addr().Next(), used: map[netip.Addr]bool{}}, nil
}

func (p *ipPool) allocate() (string, error) {
	a := p.last
	for i := 0; i < 1<<16; i++ {
		a = a.Next()
		if !p.prefix.Contains(a) || isBroadcast(p.prefix, a) {
			a = p.prefix.Addr().Next().Next() // wrap to .2
		}
		if !p.used[a] {
			p.used[a] = true
			p.last = a
			return a.String(), nil
		}
		if a == p.last {
			break
		}
	}
	return "", fmt.Errorf("no IP addresses available in range set: %s", p.prefix)
}

func (p *ipPool) release(ip string) {
	if a, err := netip.ParseAddr(ip); err == nil {
		delete(p.used, a)
	}
}

func isBroadcast(p netip.Prefix, a netip.Addr) bool {
	b := a.As4()
	bits := p.Bits()
	host := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	mask := uint32(1)<<(32-bits) - 1
	return host&mask == mask
}
