package printers

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
)

// listLimit is how many endpoints or ports upstream shows before "+ N more...".
const listLimit = 3

// loadBalancerIngress lists ingress IPs (or hostnames), sorted and unique.
// Upstream clips it to 16 characters only for non-wide output, and the API
// server always prints wide, so it is never clipped here.
func loadBalancerIngress(st corev1.LoadBalancerStatus) string {
	set := sets.New[string]()
	for _, in := range st.Ingress {
		switch {
		case in.IP != "":
			set.Insert(in.IP)
		case in.Hostname != "":
			set.Insert(in.Hostname)
		}
	}
	return strings.Join(sets.List(set), ",")
}

func serviceExternalIP(svc *corev1.Service) string {
	switch svc.Spec.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort:
		if len(svc.Spec.ExternalIPs) > 0 {
			return strings.Join(svc.Spec.ExternalIPs, ",")
		}
		return "<none>"
	case corev1.ServiceTypeLoadBalancer:
		lb := loadBalancerIngress(svc.Status.LoadBalancer)
		if len(svc.Spec.ExternalIPs) > 0 {
			var all []string
			if lb != "" {
				all = append(all, strings.Split(lb, ",")...)
			}
			return strings.Join(append(all, svc.Spec.ExternalIPs...), ",")
		}
		if lb != "" {
			return lb
		}
		return "<pending>"
	case corev1.ServiceTypeExternalName:
		return svc.Spec.ExternalName
	}
	return "<unknown>"
}

func servicePorts(ports []corev1.ServicePort) string {
	pieces := make([]string, len(ports))
	for i, p := range ports {
		if p.NodePort > 0 {
			pieces[i] = fmt.Sprintf("%d:%d/%s", p.Port, p.NodePort, p.Protocol)
		} else {
			pieces[i] = fmt.Sprintf("%d/%s", p.Port, p.Protocol)
		}
	}
	return orNone(strings.Join(pieces, ","))
}

// serviceClusterIP uses spec.clusterIPs like upstream; a bare spec.clusterIP
// counts too because the v1 conversion copies it into clusterIPs.
func serviceClusterIP(svc *corev1.Service) string {
	if len(svc.Spec.ClusterIPs) > 0 {
		return svc.Spec.ClusterIPs[0]
	}
	return orNone(svc.Spec.ClusterIP)
}

func serviceCells(svc *corev1.Service, now time.Time) []interface{} {
	return []interface{}{
		svc.Name, string(svc.Spec.Type), serviceClusterIP(svc), serviceExternalIP(svc),
		servicePorts(svc.Spec.Ports), since(svc.CreationTimestamp, now), labels.FormatLabels(svc.Spec.Selector),
	}
}

// endpointsList renders every address:port pair but keeps only the first
// three, counting the rest as upstream formatEndpoints does.
func endpointsList(ep *corev1.Endpoints) string {
	if len(ep.Subsets) == 0 {
		return "<none>"
	}
	var list []string
	total := 0
	add := func(s string) {
		if len(list) < listLimit {
			list = append(list, s)
		}
	}
	for _, ss := range ep.Subsets {
		if len(ss.Ports) == 0 {
			// Headless services may have no ports at all.
			total += len(ss.Addresses)
			for _, a := range ss.Addresses {
				add(a.IP)
			}
			continue
		}
		for _, p := range ss.Ports {
			total += len(ss.Addresses)
			for _, a := range ss.Addresses {
				add(net.JoinHostPort(a.IP, strconv.Itoa(int(p.Port))))
			}
		}
	}
	ret := strings.Join(list, ",")
	if total > listLimit {
		return fmt.Sprintf("%s + %d more...", ret, total-listLimit)
	}
	return ret
}

func endpointsCells(ep *corev1.Endpoints, now time.Time) []interface{} {
	return []interface{}{ep.Name, endpointsList(ep), since(ep.CreationTimestamp, now)}
}

func sliceCells(s *discoveryv1.EndpointSlice, now time.Time) []interface{} {
	var ports []string
	for _, p := range s.Ports {
		if len(ports) == listLimit {
			break
		}
		switch {
		case p.Port != nil:
			ports = append(ports, strconv.Itoa(int(*p.Port)))
		case p.Name != nil:
			ports = append(ports, *p.Name)
		default:
			ports = append(ports, "*")
		}
	}
	var addrs []string
	total := 0
	for _, e := range s.Endpoints {
		for _, a := range e.Addresses {
			if len(addrs) < listLimit {
				addrs = append(addrs, a)
			}
			total++
		}
	}
	return []interface{}{
		s.Name, string(s.AddressType),
		truncatedList(ports, len(s.Ports), listLimit),
		truncatedList(addrs, total, listLimit),
		since(s.CreationTimestamp, now),
	}
}
