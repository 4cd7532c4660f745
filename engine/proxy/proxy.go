// Package proxy is the cluster's DNS and kube-proxy: it turns Service
// names into ClusterIPs and ClusterIPs or NodePorts into a connection to
// one ready endpoint, spreading connections across endpoints.
package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"

	"kubetour/engine/kinds"
	"kubetour/engine/runtime"
	"kubetour/engine/store"
)

// Proxy resolves and routes cluster traffic. Safe for concurrent use: curl
// from scripts and exec sessions run on their own goroutines.
type Proxy struct {
	Store   *store.Store
	Runtime runtime.Runtime
	Domain  string // cluster.local

	mu   sync.Mutex
	next map[string]int // round-robin position per service port
}

// New returns a proxy.
func New(st *store.Store, rt runtime.Runtime) *Proxy {
	return &Proxy{Store: st, Runtime: rt, Domain: "cluster.local", next: map[string]int{}}
}

// ErrNXDomain is a name that does not resolve.
var ErrNXDomain = errors.New("no such host")

// LookupHost resolves host as a pod in namespace ns would, with the search
// list <ns>.svc.<domain>, svc.<domain>, <domain>.
func (p *Proxy) LookupHost(ns, host string) ([]string, error) {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if ip := net.ParseIP(host); ip != nil {
		return []string{host}, nil
	}
	candidates := []string{host}
	if strings.Count(host, ".") < 5 {
		candidates = []string{host + "." + ns + ".svc." + p.Domain, host + ".svc." + p.Domain, host + "." + p.Domain, host}
	}
	for _, name := range candidates {
		if ips, ok := p.lookupFQDN(name); ok {
			return ips, nil
		}
	}
	return nil, ErrNXDomain
}

// lookupFQDN answers <svc>.<ns>.svc.<domain> and <pod-hostname>.<svc>.<ns>.svc.<domain>.
func (p *Proxy) lookupFQDN(name string) ([]string, bool) {
	suffix := ".svc." + p.Domain
	if !strings.HasSuffix(name, suffix) {
		return nil, false
	}
	parts := strings.Split(strings.TrimSuffix(name, suffix), ".")
	if len(parts) != 2 {
		return nil, false
	}
	obj, err := p.Store.Get(kinds.Core("services"), parts[1], parts[0])
	if err != nil {
		return nil, false
	}
	svc := obj.(*corev1.Service)
	switch {
	case svc.Spec.Type == corev1.ServiceTypeExternalName:
		// A CNAME to a name outside the cluster: nothing here answers it.
		return nil, false
	case svc.Spec.ClusterIP == corev1.ClusterIPNone:
		var ips []string
		for _, ep := range p.readyEndpoints(svc, nil) {
			ips = append(ips, ep.ip)
		}
		return ips, len(ips) > 0
	}
	return []string{svc.Spec.ClusterIP}, true
}

type backend struct {
	ip   string
	port int32
	node string
}

// readyEndpoints lists ready addresses of a Service, with the target port
// for sp (nil: any port).
func (p *Proxy) readyEndpoints(svc *corev1.Service, sp *corev1.ServicePort) []backend {
	obj, err := p.Store.Get(kinds.Core("endpoints"), svc.Namespace, svc.Name)
	if err != nil {
		return nil
	}
	var out []backend
	for _, sub := range obj.(*corev1.Endpoints).Subsets {
		port := int32(0)
		for _, ep := range sub.Ports {
			if sp == nil || ep.Name == sp.Name {
				port = ep.Port
			}
		}
		if sp != nil && port == 0 {
			continue
		}
		for _, a := range sub.Addresses {
			b := backend{ip: a.IP, port: port}
			if a.NodeName != nil {
				b.node = *a.NodeName
			}
			out = append(out, b)
		}
	}
	return out
}

// Dial connects to addr (ip:port) on the cluster network: a ClusterIP or
// NodePort goes to one ready endpoint of its Service; anything else (a pod
// IP) is dialled directly.
func (p *Proxy) Dial(ctx context.Context, addr string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, _ := strconv.Atoi(portStr)
	svc, sp, err := p.serviceFor(host, int32(port))
	if err != nil {
		return nil, err
	}
	if svc == nil {
		if target, ok := p.hostPort(host, int32(port)); ok {
			return p.Runtime.Dial(ctx, target)
		}
		if p.isNodeIP(host) {
			// The nodes' addresses exist only in the cluster's picture (on
			// Docker every node is this one host): a port no NodePort or
			// hostPort holds is refused, as a node with nothing listening
			// refuses it, instead of being dialled out into the network.
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
		}
		return p.Runtime.Dial(ctx, addr)
	}
	backends := p.readyEndpoints(svc, sp)
	if node := p.nodeNamed(host); node != "" && svc.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal {
		// externalTrafficPolicy Local: a node answers its NodePort only
		// with the Service's pods on that node.
		var local []backend
		for _, b := range backends {
			if b.node == node {
				local = append(local, b)
			}
		}
		backends = local
	}
	if len(backends) == 0 {
		// kube-proxy rejects traffic to a Service with no endpoints.
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	}
	p.mu.Lock()
	k := svc.Namespace + "/" + svc.Name + ":" + sp.Name
	i := p.next[k] % len(backends)
	p.next[k]++
	p.mu.Unlock()
	b := backends[i]
	return p.Runtime.Dial(ctx, net.JoinHostPort(b.ip, strconv.Itoa(int(b.port))))
}

// serviceFor finds the Service behind a ClusterIP:port or a node
// address:NodePort; nil when addr is not a Service address.
func (p *Proxy) serviceFor(host string, port int32) (*corev1.Service, *corev1.ServicePort, error) {
	svcs := p.Store.ListShared(kinds.Core("services"), store.ListOptions{})
	isNode := p.isNodeIP(host)
	for _, o := range svcs {
		svc := o.(*corev1.Service)
		for i := range svc.Spec.Ports {
			sp := &svc.Spec.Ports[i]
			if svc.Spec.ClusterIP == host && sp.Port == port {
				return svc, sp, nil
			}
			if isNode && sp.NodePort == port && port != 0 {
				return svc, sp, nil
			}
		}
		if svc.Spec.ClusterIP == host {
			// A ClusterIP answers only on its ports; others time out on a
			// real cluster, refused here so the student is not left waiting.
			return nil, nil, fmt.Errorf("dial tcp %s: connect: connection refused", net.JoinHostPort(host, strconv.Itoa(int(port))))
		}
	}
	return nil, nil, nil
}

func (p *Proxy) isNodeIP(host string) bool {
	if host == "127.0.0.1" || host == "localhost" {
		return true
	}
	nodes := p.Store.ListShared(kinds.Core("nodes"), store.ListOptions{})
	for _, o := range nodes {
		for _, a := range o.(*corev1.Node).Status.Addresses {
			if a.Address == host {
				return true
			}
		}
	}
	return false
}

// hostPort finds the pod that publishes port on the node with address
// host (a container's hostPort, as DaemonSets often use), and returns the
// pod address to reach it at.
func (p *Proxy) hostPort(host string, port int32) (string, bool) {
	node := ""
	nodes := p.Store.ListShared(kinds.Core("nodes"), store.ListOptions{})
	for _, o := range nodes {
		n := o.(*corev1.Node)
		for _, a := range n.Status.Addresses {
			if a.Address == host {
				node = n.Name
			}
		}
	}
	if node == "" {
		return "", false
	}
	pods := p.Store.ListShared(kinds.Core("pods"), store.ListOptions{})
	for _, o := range pods {
		pod := o.(*corev1.Pod)
		if pod.Spec.NodeName != node || pod.Status.PodIP == "" || pod.DeletionTimestamp != nil {
			continue
		}
		for _, c := range pod.Spec.Containers {
			for _, cp := range c.Ports {
				if cp.HostPort == port && (cp.Protocol == "" || cp.Protocol == corev1.ProtocolTCP) {
					return net.JoinHostPort(pod.Status.PodIP, strconv.Itoa(int(cp.ContainerPort))), true
				}
			}
		}
	}
	return "", false
}

// nodeNamed returns the node whose address is host, or "".
func (p *Proxy) nodeNamed(host string) string {
	nodes := p.Store.ListShared(kinds.Core("nodes"), store.ListOptions{})
	for _, o := range nodes {
		n := o.(*corev1.Node)
		for _, a := range n.Status.Addresses {
			if a.Address == host {
				return n.Name
			}
		}
	}
	return ""
}
