package runtime

import "context"

// ServiceRuntime is an optional extension of a Runtime that gives Services
// a presence on the runtime's own network, so that a process inside a pod
// reaches a Service by name and ClusterIP (`curl web` in a container) and
// the host reaches a NodePort. The engine checks for it with a type
// assertion; the simulation does without (its DNS and proxy are the
// engine's).
//
// The Docker runtime implements a Service as a proxy container that holds
// the ClusterIP on the cluster network, is found under the DNS names
// <svc>.<ns>.svc.<domain>, <svc>.<ns>.svc and <svc>.<ns>, forwards each
// port to the ready endpoints, and publishes NodePorts on 127.0.0.1.
//
// Both calls may block for a container's creation (a fraction of a
// second): call them off the engine loop (loop.Go). EnsureService is
// idempotent and cheap when only the endpoints changed.
type ServiceRuntime interface {
	EnsureService(ctx context.Context, spec *ServiceSpec) error
	RemoveService(ctx context.Context, namespace, name string) error
}

// ServiceSpec is a Service as the runtime realises it.
type ServiceSpec struct {
	Namespace, Name string
	// ClusterIP is the Service's address; "" or "None" (headless) makes no
	// proxy. An address the runtime's network cannot hold is replaced by
	// one it picks; the DNS names still lead to the proxy.
	ClusterIP string
	Ports     []ServicePort
	// DNS is set on the cluster DNS Service (kube-dns) only: its proxy
	// then answers DNS itself from these records, which is how pods
	// resolve headless and ExternalName Services.
	DNS *DNSZone
}

// DNSZone is the cluster's DNS records, as CoreDNS serves them. Names are
// fully qualified, lower case, without the final dot.
type DNSZone struct {
	Domain string
	A      map[string][]string // a Service's ClusterIP, or a headless Service's ready pod IPs
	CNAME  map[string]string   // ExternalName Services
}

// ServicePort is one port of a Service with its ready endpoints.
type ServicePort struct {
	Name     string
	Protocol string // "TCP" (others are not proxied)
	Port     int32
	NodePort int32 // 0: none
	// Endpoints are the ready pod addresses, "ip:port", the target port
	// already resolved per pod (a named targetPort may differ by pod).
	Endpoints []string
}
