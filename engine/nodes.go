package engine

import (
	"os"
	"strings"
)

// NodeSpec describes one node.
type NodeSpec struct {
	Name         string
	ControlPlane bool
	IP           string
	PodCIDR      string
	CPU          string // capacity, e.g. "2"
	Memory       string // capacity, e.g. "4005624Ki"
}

// DefaultNodes is the course's lab: one control-plane node and two workers
// with the addresses of its Vagrant set-up and kubeadm's default pod range.
func DefaultNodes() []NodeSpec {
	return []NodeSpec{
		{Name: "k8s-master", ControlPlane: true, IP: "192.168.56.30", PodCIDR: "10.244.0.0/24", CPU: "2", Memory: "4005624Ki"},
		{Name: "k8s-node1", IP: "192.168.56.31", PodCIDR: "10.244.1.0/24", CPU: "2", Memory: "4005624Ki"},
		{Name: "k8s-node2", IP: "192.168.56.32", PodCIDR: "10.244.2.0/24", CPU: "2", Memory: "4005624Ki"},
	}
}

// hostFacts are read from the machine: nodes report the real kernel and OS,
// because containers share the host's kernel — a fact the course teaches.
func hostFacts() (kernel, osImage string) {
	kernel = "unknown"
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = strings.TrimSpace(string(b))
	}
	osImage = "Linux"
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				osImage = strings.Trim(v, `"`)
			}
		}
	}
	return kernel, osImage
}
