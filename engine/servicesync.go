package engine

import (
	"context"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"

	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/runtime"
	"kubetour/engine/store"
)

// serviceSync gives each Service a presence on a runtime that has its own
// network (Docker): a proxy holding the ClusterIP and DNS names, forwarding
// to the ready endpoints. The simulation needs none: the engine's proxy
// routes its traffic.
type serviceSync struct {
	c  *Cluster
	rt runtime.ServiceRuntime
	// pending holds, per Service, the newest state not yet handed to the
	// runtime; busy marks the Services with a runtime call under way.
	// Calls for one Service run one at a time and always apply the newest
	// state: two calls side by side could finish out of order and leave a
	// proxy with stale endpoints or a DNS zone without the newest name.
	// Both maps are touched only on the loop.
	pending map[string]serviceOp
	busy    map[string]bool
	// inflight counts Services with work queued or under way (read from
	// any goroutine).
	inflight atomic.Int64
}

// serviceOp is what the runtime should make of one Service.
type serviceOp struct {
	remove bool
	spec   *runtime.ServiceSpec
}

func newServiceSync(c *Cluster, rt runtime.ServiceRuntime) *serviceSync {
	return &serviceSync{c: c, rt: rt, pending: map[string]serviceOp{}, busy: map[string]bool{}}
}

// enqueue records the newest state of a Service and starts a runtime call
// unless one is under way; that one's completion picks the state up.
func (s *serviceSync) enqueue(ns, name string, op serviceOp) {
	key := ns + "/" + name
	s.pending[key] = op
	if s.busy[key] {
		return
	}
	s.busy[key] = true
	s.inflight.Add(1)
	s.next(ns, name)
}

// next hands the Service's pending state, if any, to the runtime off the
// loop, and comes back to the loop when the call is done.
func (s *serviceSync) next(ns, name string) {
	key := ns + "/" + name
	op, ok := s.pending[key]
	if !ok {
		delete(s.busy, key)
		s.inflight.Add(-1)
		return
	}
	delete(s.pending, key)
	s.c.Loop.Go(func() func() {
		var err error
		if op.remove {
			err = s.rt.RemoveService(context.Background(), ns, name)
		} else {
			err = s.rt.EnsureService(context.Background(), op.spec)
		}
		return func() {
			s.report(ns, name, err)
			s.next(ns, name)
		}
	})
}

// observe is called on the loop for every change.
func (s *serviceSync) observe(kind *kinds.Kind, obj k8sruntime.Object, deleted bool) {
	if kind != kinds.Core("services") && kind != kinds.Core("endpoints") {
		return
	}
	ns, name := objNsName(obj)
	if !(ns == dnsNamespace && name == dnsService) {
		// Every Service change is a change of the cluster's DNS records.
		defer s.observe(kinds.Core("services"), s.dnsObject(), false)
	}
	if kind == kinds.Core("services") && deleted {
		s.enqueue(ns, name, serviceOp{remove: true})
		return
	}
	spec, ok := s.spec(ns, name)
	if !ok {
		if _, exists := s.c.Store.Peek(kinds.Core("services"), ns, name); exists {
			// Turned into an ExternalName: it is a DNS alias now, not a proxy.
			s.enqueue(ns, name, serviceOp{remove: true})
		}
		return
	}
	s.enqueue(ns, name, serviceOp{spec: spec})
}

func (s *serviceSync) report(ns, name string, err error) {
	if err == nil {
		return
	}
	obj, gerr := s.c.Store.Get(kinds.Core("services"), ns, name)
	if gerr != nil {
		return
	}
	s.c.Rec.Record(record.Decision{Source: "kube-proxy", Object: obj, Type: corev1.EventTypeWarning, Reason: "FailedToSyncService",
		Message: err.Error(), NoEvent: true,
		EN: "The Service's proxy could not be set up on the container runtime: " + err.Error(),
		KO: "컨테이너 런타임에 서비스 프록시를 만들지 못했습니다: " + err.Error()})
}

// spec reads a Service and its ready endpoints as the runtime needs them.
func (s *serviceSync) spec(ns, name string) (*runtime.ServiceSpec, bool) {
	obj, err := s.c.Store.Get(kinds.Core("services"), ns, name)
	if err != nil {
		return nil, false
	}
	svc := obj.(*corev1.Service)
	if svc.Spec.Type == corev1.ServiceTypeExternalName {
		return nil, false
	}
	spec := &runtime.ServiceSpec{Namespace: ns, Name: name, ClusterIP: svc.Spec.ClusterIP}
	if ns == dnsNamespace && name == dnsService {
		spec.DNS = s.zone()
	}
	var subsets []corev1.EndpointSubset
	if eo, err := s.c.Store.Get(kinds.Core("endpoints"), ns, name); err == nil {
		subsets = eo.(*corev1.Endpoints).Subsets
	}
	for _, sp := range svc.Spec.Ports {
		p := runtime.ServicePort{Name: sp.Name, Protocol: string(sp.Protocol), Port: sp.Port, NodePort: sp.NodePort}
		for _, sub := range subsets {
			for _, ep := range sub.Ports {
				if ep.Name != sp.Name {
					continue
				}
				for _, a := range sub.Addresses {
					p.Endpoints = append(p.Endpoints, net.JoinHostPort(a.IP, strconv.Itoa(int(ep.Port))))
				}
			}
		}
		sort.Strings(p.Endpoints)
		spec.Ports = append(spec.Ports, p)
	}
	return spec, true
}

// The cluster DNS Service, as kubeadm names it.
const (
	dnsNamespace = "kube-system"
	dnsService   = "kube-dns"
	dnsDomain    = "cluster.local"
)

// dnsObject is a stand-in naming the DNS Service, for observe.
func (s *serviceSync) dnsObject() k8sruntime.Object {
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: dnsNamespace, Name: dnsService}}
}

// zone is the DNS records CoreDNS's kubernetes plugin would serve: each
// Service's ClusterIP, a headless Service's ready pod addresses, and an
// ExternalName Service as an alias.
func (s *serviceSync) zone() *runtime.DNSZone {
	z := &runtime.DNSZone{Domain: dnsDomain, A: map[string][]string{}, CNAME: map[string]string{}}
	for _, o := range s.c.Store.ListShared(kinds.Core("services"), store.ListOptions{}) {
		svc := o.(*corev1.Service)
		fqdn := strings.ToLower(svc.Name + "." + svc.Namespace + ".svc." + dnsDomain)
		switch {
		case svc.Spec.Type == corev1.ServiceTypeExternalName:
			z.CNAME[fqdn] = strings.ToLower(strings.TrimSuffix(svc.Spec.ExternalName, "."))
		case svc.Spec.ClusterIP == corev1.ClusterIPNone:
			var ips []string
			if eo, ok := s.c.Store.Peek(kinds.Core("endpoints"), svc.Namespace, svc.Name); ok {
				for _, sub := range eo.(*corev1.Endpoints).Subsets {
					for _, a := range sub.Addresses {
						ips = append(ips, a.IP)
					}
				}
			}
			sort.Strings(ips)
			z.A[fqdn] = slices.Compact(ips)
		case svc.Spec.ClusterIP != "":
			z.A[fqdn] = []string{svc.Spec.ClusterIP}
		}
	}
	return z
}

// ServicesSynced reports whether every Service change has reached the
// runtime (its proxy created, its endpoints pushed). Always true on the
// simulation, whose Services live in the engine.
func (c *Cluster) ServicesSynced() bool {
	return c.svcSync == nil || c.svcSync.inflight.Load() == 0
}
