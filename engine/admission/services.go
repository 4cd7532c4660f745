package admission

import (
	"fmt"
	"math/rand"
	"net/netip"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

// Service IP and node port allocation, as the Service REST storage does it
// in BeginCreate/BeginUpdate (pkg/registry/core/service/storage, ipallocator,
// portallocator). What is in use is read from the Lister each time, so there
// is no allocator state to keep or repair.

// DefaultServiceCIDR and the node port range are the kube-apiserver
// defaults (--service-cluster-ip-range 10.96.0.0/12 as kubeadm sets it,
// --service-node-port-range 30000-32767). A cluster may set its own range
// (Attributes.ServiceCIDR): on Docker it is carved from the cluster's
// network.
var (
	DefaultServiceCIDR = netip.MustParsePrefix("10.96.0.0/12")
	NodePortRangeMin   = 30000
	NodePortRangeMax   = 32767
)

var serviceKind = schema.GroupKind{Kind: "Service"}

// AllocateService assigns spec.clusterIP(s) and node ports to a Service
// being created or updated. Requested values are honoured when free and in
// range; otherwise the error is the API server's 422, e.g.
// `spec.ports[0].nodePort: Invalid value: 30080: provided port is already
// allocated`. Headless and ExternalName services get no IP; LoadBalancer
// services get node ports unless allocateLoadBalancerNodePorts is false.
// On update, values already allocated are kept (Default restores any the
// client left out) and only newly needed ones are allocated.
func AllocateService(a *Attributes, l Lister, rnd *rand.Rand) error {
	svc, ok := a.Object.(*corev1.Service)
	if !ok || a.Subresource != "" || (a.Op != Create && a.Op != Update) {
		return nil
	}
	if rnd == nil {
		rnd = rand.New(rand.NewSource(time.Now().UnixNano()))
	}
	old, _ := a.OldObject.(*corev1.Service)
	usedIPs, usedPorts, err := allocatedByOthers(svc, l)
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	cidr := a.ServiceCIDR
	if !cidr.IsValid() {
		cidr = DefaultServiceCIDR
	}
	if err := allocateClusterIP(cidr, svc, old, usedIPs, rnd); err != nil {
		return err
	}
	return allocateNodePorts(svc, old, usedPorts, rnd)
}

// allocatedByOthers collects the IPs and node ports of every other Service
// in the cluster: both are cluster-wide, whatever the namespace.
func allocatedByOthers(svc *corev1.Service, l Lister) (map[netip.Addr]bool, map[int32]bool, error) {
	objs, err := l.List("services", "")
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, nil, err
	}
	ips, ports := map[netip.Addr]bool{}, map[int32]bool{}
	for _, o := range objs {
		s, ok := o.(*corev1.Service)
		if !ok || (s.Namespace == svc.Namespace && s.Name == svc.Name) {
			continue
		}
		for _, ip := range append([]string{s.Spec.ClusterIP}, s.Spec.ClusterIPs...) {
			if addr, err := netip.ParseAddr(ip); err == nil {
				ips[addr] = true
			}
		}
		for _, p := range s.Spec.Ports {
			if p.NodePort != 0 {
				ports[p.NodePort] = true
			}
		}
		if s.Spec.HealthCheckNodePort != 0 {
			ports[s.Spec.HealthCheckNodePort] = true
		}
	}
	return ips, ports, nil
}

func allocateClusterIP(cidr netip.Prefix, svc, old *corev1.Service, used map[netip.Addr]bool, rnd *rand.Rand) error {
	s := &svc.Spec
	if s.Type == corev1.ServiceTypeExternalName {
		return nil
	}
	if s.ClusterIP == "" && len(s.ClusterIPs) > 0 {
		s.ClusterIP = s.ClusterIPs[0]
	}
	if s.ClusterIP == corev1.ClusterIPNone {
		s.ClusterIPs = []string{corev1.ClusterIPNone}
		return nil
	}
	if old != nil && old.Spec.ClusterIP != "" && old.Spec.ClusterIP == s.ClusterIP {
		// Already ours; immutability is validation's business.
		if len(s.ClusterIPs) == 0 {
			s.ClusterIPs = []string{s.ClusterIP}
		}
		return nil
	}
	if s.ClusterIP != "" {
		addr, err := netip.ParseAddr(s.ClusterIP)
		if err != nil {
			// Validation reports a malformed address with its own words.
			return nil
		}
		if msg := checkServiceIP(cidr, addr, used); msg != "" {
			ips := s.ClusterIPs
			if len(ips) == 0 {
				ips = []string{s.ClusterIP}
			}
			return apierrors.NewInvalid(serviceKind, svc.Name, field.ErrorList{
				field.Invalid(field.NewPath("spec", "clusterIPs"), ips, fmt.Sprintf("failed to allocate IP %s: %s", s.ClusterIP, msg)),
			})
		}
		if len(s.ClusterIPs) == 0 {
			s.ClusterIPs = []string{s.ClusterIP}
		}
		return nil
	}
	addr, ok := nextServiceIP(cidr, used, rnd)
	if !ok {
		return apierrors.NewInternalError(fmt.Errorf("failed to allocate a serviceIP: range is full"))
	}
	s.ClusterIP = addr.String()
	s.ClusterIPs = []string{s.ClusterIP}
	return nil
}

// serviceRange returns the first and last assignable addresses: the
// network and broadcast addresses are never handed out.
func serviceRange(cidr netip.Prefix) (first netip.Addr, size int) {
	bits := cidr.Addr().BitLen() - cidr.Bits()
	total := 1 << bits
	return cidr.Masked().Addr().Next(), total - 2
}

func checkServiceIP(cidr netip.Prefix, addr netip.Addr, used map[netip.Addr]bool) string {
	first, size := serviceRange(cidr)
	last := addAddr(first, size-1)
	if !cidr.Contains(addr) || addr.Less(first) || last.Less(addr) {
		return fmt.Sprintf("the provided IP (%s) is not in the valid range. The range of valid IPs is %s", addr, cidr)
	}
	if used[addr] {
		return "provided IP is already allocated"
	}
	return ""
}

func addAddr(a netip.Addr, n int) netip.Addr {
	b := a.As16()
	carry := n
	for i := 15; i >= 0 && carry > 0; i-- {
		sum := int(b[i]) + carry
		b[i] = byte(sum & 0xff)
		carry = sum >> 8
	}
	out := netip.AddrFrom16(b)
	if a.Is4() {
		return out.Unmap()
	}
	return out
}

// rangeOffset is the size of the lower "static" band that dynamic
// allocation avoids so that hand-picked values rarely collide:
// min(max(min, size/step), max), as both allocators compute it.
func rangeOffset(size, lo, step, hi int) int {
	if size <= lo {
		return 0
	}
	off := size / step
	if off < lo {
		return lo
	}
	if off > hi {
		return hi
	}
	return off
}

// nextServiceIP picks a random free address in the upper band, then the
// lower one; the first address (x.x.0.1, the kubernetes Service) is never
// handed out dynamically.
func nextServiceIP(cidr netip.Prefix, used map[netip.Addr]bool, rnd *rand.Rand) (netip.Addr, bool) {
	first, size := serviceRange(cidr)
	off := rangeOffset(size+2, 16, 16, 256)
	try := func(lo, hi int) (netip.Addr, bool) { // offsets [lo, hi)
		n := hi - lo
		if n <= 0 {
			return netip.Addr{}, false
		}
		start := rnd.Intn(n)
		for i := 0; i < n; i++ {
			o := lo + (start+i)%n
			if o == 0 {
				continue
			}
			if addr := addAddr(first, o); !used[addr] {
				return addr, true
			}
		}
		return netip.Addr{}, false
	}
	if addr, ok := try(off, size); ok {
		return addr, true
	}
	return try(0, off)
}

func needsHealthCheckNodePort(svc *corev1.Service) bool {
	return svc.Spec.Type == corev1.ServiceTypeLoadBalancer && svc.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal
}

func allocateNodePorts(svc, old *corev1.Service, used map[int32]bool, rnd *rand.Rand) error {
	mine := map[int32]bool{}
	if old != nil {
		for _, p := range old.Spec.Ports {
			if p.NodePort != 0 {
				mine[p.NodePort] = true
			}
		}
		if old.Spec.HealthCheckNodePort != 0 {
			mine[old.Spec.HealthCheckNodePort] = true
		}
	}
	taken := map[int32]bool{}
	for p := range used {
		taken[p] = true
	}
	claim := func(port int32, p *field.Path) error {
		if int(port) < NodePortRangeMin || int(port) > NodePortRangeMax {
			return apierrors.NewInvalid(serviceKind, svc.Name, field.ErrorList{field.Invalid(p, port,
				fmt.Sprintf("provided port is not in the valid range. The range of valid ports is %d-%d", NodePortRangeMin, NodePortRangeMax))})
		}
		if taken[port] && !mine[port] {
			return apierrors.NewInvalid(serviceKind, svc.Name, field.ErrorList{field.Invalid(p, port, "provided port is already allocated")})
		}
		taken[port] = true
		return nil
	}
	next := func() (int32, error) {
		port, ok := nextNodePort(taken, rnd)
		if !ok {
			return 0, apierrors.NewInternalError(fmt.Errorf("failed to allocate a nodePort: range is full"))
		}
		taken[port] = true
		return port, nil
	}

	wantAll := needsNodePorts(svc)
	explicitOnly := svc.Spec.Type == corev1.ServiceTypeLoadBalancer && !wantAll
	if !wantAll && !explicitOnly {
		return nil
	}
	// Two ports with the same number (TCP and UDP 53) share one node port.
	byPort := map[int32]int32{}
	for i := range svc.Spec.Ports {
		sp := &svc.Spec.Ports[i]
		pp := field.NewPath("spec", "ports").Index(i).Child("nodePort")
		if sp.NodePort == 0 && explicitOnly {
			continue
		}
		if shared, ok := byPort[sp.Port]; ok {
			if sp.NodePort == 0 {
				sp.NodePort = shared
				continue
			}
			if sp.NodePort != shared {
				if err := claim(sp.NodePort, pp); err != nil {
					return err
				}
			}
			continue
		}
		if requested := firstRequestedNodePort(svc.Spec.Ports[i:], sp.Port); requested != 0 {
			if err := claim(requested, pp); err != nil {
				return err
			}
			sp.NodePort = requested
		} else {
			port, err := next()
			if err != nil {
				return err
			}
			sp.NodePort = port
		}
		byPort[sp.Port] = sp.NodePort
	}
	if needsHealthCheckNodePort(svc) {
		if svc.Spec.HealthCheckNodePort != 0 {
			if err := claim(svc.Spec.HealthCheckNodePort, field.NewPath("spec", "healthCheckNodePort")); err != nil {
				return err
			}
		} else {
			port, err := next()
			if err != nil {
				return err
			}
			svc.Spec.HealthCheckNodePort = port
		}
	}
	return nil
}

// firstRequestedNodePort finds a user-given nodePort for this port number
// among the remaining entries, as findRequestedNodePort does.
func firstRequestedNodePort(ports []corev1.ServicePort, port int32) int32 {
	for _, p := range ports {
		if p.Port == port && p.NodePort != 0 {
			return p.NodePort
		}
	}
	return 0
}

// nextNodePort picks a random free port in the upper band of the range,
// then in the lower band kept for hand-picked ports.
func nextNodePort(taken map[int32]bool, rnd *rand.Rand) (int32, bool) {
	size := NodePortRangeMax - NodePortRangeMin + 1
	off := rangeOffset(size, 16, 32, 128)
	try := func(lo, hi int) (int32, bool) {
		n := hi - lo
		if n <= 0 {
			return 0, false
		}
		start := rnd.Intn(n)
		for i := 0; i < n; i++ {
			p := int32(NodePortRangeMin + lo + (start+i)%n)
			if !taken[p] {
				return p, true
			}
		}
		return 0, false
	}
	if p, ok := try(off, size); ok {
		return p, true
	}
	return try(0, off)
}

// normalizeClusterIPsOnUpdate keeps clusterIP and clusterIPs in step when a
// client changed or cleared only one of them (normalizeClusterIPs).
func normalizeClusterIPsOnUpdate(svc, old *corev1.Service) {
	if len(old.Spec.ClusterIPs) > 0 && len(svc.Spec.ClusterIPs) == 0 && old.Spec.ClusterIP == svc.Spec.ClusterIP {
		svc.Spec.ClusterIPs = append([]string(nil), old.Spec.ClusterIPs...)
	}
	if old.Spec.ClusterIP != svc.Spec.ClusterIP && sameStrings(old.Spec.ClusterIPs, svc.Spec.ClusterIPs) {
		if svc.Spec.ClusterIP == "" {
			svc.Spec.ClusterIPs = nil
		} else {
			svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
		}
	}
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// dropTypeDependentFields clears what a type change makes meaningless when
// the client did not touch it: node ports when leaving NodePort, the IP
// when becoming ExternalName, externalTrafficPolicy when no longer exposed.
// Without it `kubectl edit` of the type alone would fail validation.
func dropTypeDependentFields(svc, old *corev1.Service) {
	if needsClusterIP(old) && !needsClusterIP(svc) {
		if svc.Spec.ClusterIP == old.Spec.ClusterIP && sameStrings(svc.Spec.ClusterIPs, old.Spec.ClusterIPs) {
			svc.Spec.ClusterIP = ""
			svc.Spec.ClusterIPs = nil
		}
		if equalFamilies(svc.Spec.IPFamilies, old.Spec.IPFamilies) {
			svc.Spec.IPFamilies = nil
		}
		if ptr.Equal(svc.Spec.IPFamilyPolicy, old.Spec.IPFamilyPolicy) {
			svc.Spec.IPFamilyPolicy = nil
		}
	}
	if needsNodePorts(old) && !needsNodePorts(svc) && sameNodePorts(svc, old) {
		for i := range svc.Spec.Ports {
			svc.Spec.Ports[i].NodePort = 0
		}
	}
	if needsHealthCheckNodePort(old) && !needsHealthCheckNodePort(svc) && svc.Spec.HealthCheckNodePort == old.Spec.HealthCheckNodePort {
		svc.Spec.HealthCheckNodePort = 0
	}
	if old.Spec.Type == corev1.ServiceTypeLoadBalancer && svc.Spec.Type != corev1.ServiceTypeLoadBalancer &&
		ptr.Equal(svc.Spec.AllocateLoadBalancerNodePorts, old.Spec.AllocateLoadBalancerNodePorts) {
		svc.Spec.AllocateLoadBalancerNodePorts = nil
	}
	external := func(s *corev1.Service) bool {
		return s.Spec.Type == corev1.ServiceTypeLoadBalancer || s.Spec.Type == corev1.ServiceTypeNodePort ||
			(s.Spec.Type == corev1.ServiceTypeClusterIP && len(s.Spec.ExternalIPs) > 0)
	}
	if external(old) && !external(svc) && svc.Spec.ExternalTrafficPolicy == old.Spec.ExternalTrafficPolicy {
		svc.Spec.ExternalTrafficPolicy = ""
	}
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		svc.Status.LoadBalancer = corev1.LoadBalancerStatus{}
	}
}

// sameNodePorts is true when the client added no node port of its own:
// every non-zero nodePort it sends was already allocated.
func sameNodePorts(svc, old *corev1.Service) bool {
	had := map[int32]bool{}
	for _, p := range old.Spec.Ports {
		if p.NodePort != 0 {
			had[p.NodePort] = true
		}
	}
	for _, p := range svc.Spec.Ports {
		if p.NodePort != 0 && !had[p.NodePort] {
			return false
		}
	}
	return true
}

func equalFamilies(a, b []corev1.IPFamily) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
