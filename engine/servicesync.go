package engine

import (
	"context"
	"net"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"

	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/runtime"
)

// serviceSync gives each Service a presence on a runtime that has its own
// network (Docker): a proxy holding the ClusterIP and DNS names, forwarding
// to the ready endpoints. The simulation needs none: the engine's proxy
// routes its traffic.
type serviceSync struct {
	c  *Cluster
	rt runtime.ServiceRuntime
}

// observe is called on the loop for every change.
func (s *serviceSync) observe(kind *kinds.Kind, obj k8sruntime.Object, deleted bool) {
	if kind != kinds.Core("services") && kind != kinds.Core("endpoints") {
		return
	}
	ns, name := objNsName(obj)
	if kind == kinds.Core("services") && deleted {
		s.c.Loop.Go(func() func() {
			err := s.rt.RemoveService(context.Background(), ns, name)
			return func() { s.report(ns, name, err) }
		})
		return
	}
	spec, ok := s.spec(ns, name)
	if !ok {
		return
	}
	s.c.Loop.Go(func() func() {
		err := s.rt.EnsureService(context.Background(), spec)
		return func() { s.report(ns, name, err) }
	})
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
