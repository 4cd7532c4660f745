package scheduler

import (
	"fmt"
	"net"

	corev1 "k8s.io/api/core/v1"
)

// hostPort is one (IP, protocol, port) a Pod opens on its node.
type hostPort struct {
	ip       string // "0.0.0.0" means every address of the node
	protocol string
	port     int32
}

func (h hostPort) String() string {
	return fmt.Sprintf("%s:%d/%s", h.ip, h.port, h.protocol)
}

const bindAll = "0.0.0.0"

// podHostPorts lists the host ports of every container, init containers
// included (a sidecar can expose one too). An empty or unspecified IP ("::"
// too) means all addresses and an empty protocol means TCP, as upstream
// normalises them.
//
// A hostNetwork Pod opens its containerPorts on the node itself; the API
// server normally copies them into hostPort when the Pod is created. We do
// the same here so that a store without that defaulting still sees the
// conflict.
func podHostPorts(pod *corev1.Pod) []hostPort {
	var out []hostPort
	collect := func(containers []corev1.Container) {
		for _, c := range containers {
			for _, p := range c.Ports {
				port := p.HostPort
				if port == 0 && pod.Spec.HostNetwork {
					port = p.ContainerPort
				}
				if port <= 0 {
					continue
				}
				ip := p.HostIP
				if ip == "" || net.ParseIP(ip).IsUnspecified() {
					ip = bindAll
				}
				proto := string(p.Protocol)
				if proto == "" {
					proto = string(corev1.ProtocolTCP)
				}
				out = append(out, hostPort{ip: ip, protocol: proto, port: port})
			}
		}
	}
	collect(pod.Spec.InitContainers)
	collect(pod.Spec.Containers)
	return out
}

// conflicts reports whether want clashes with a port already in use. The
// same port and protocol clash when either side binds all addresses or both
// bind the same address; different protocols never clash.
func (want hostPort) conflicts(used hostPort) bool {
	if want.port != used.port || want.protocol != used.protocol {
		return false
	}
	return want.ip == bindAll || used.ip == bindAll || want.ip == used.ip
}

// firstPortConflict returns the first wanted port that is already taken.
func firstPortConflict(want, used []hostPort) (hostPort, bool) {
	for _, w := range want {
		for _, u := range used {
			if w.conflicts(u) {
				return w, true
			}
		}
	}
	return hostPort{}, false
}
