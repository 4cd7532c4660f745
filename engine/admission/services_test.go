package admission

import (
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func service(ns, name string, typ corev1.ServiceType, ports ...corev1.ServicePort) *corev1.Service {
	if len(ports) == 0 {
		ports = []corev1.ServicePort{{Port: 9000}}
	}
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: corev1.ServiceSpec{Type: typ, Selector: map[string]string{"app": "pod"}, Ports: ports}}
}

// existing is a Service already in the store with the given IP and ports.
func existing(ns, name, ip string, nodePorts ...int32) *corev1.Service {
	s := service(ns, name, corev1.ServiceTypeNodePort)
	s.Spec.ClusterIP, s.Spec.ClusterIPs = ip, []string{ip}
	s.Spec.Ports = nil
	for i, np := range nodePorts {
		s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Name: string(rune('a' + i)), Port: int32(80 + i), NodePort: np})
	}
	return s
}

func allocate(t *testing.T, s *corev1.Service, store fakeLister) error {
	t.Helper()
	a := createAttrs(s, "services")
	Default(a)
	return AllocateService(a, store, seeded())
}

func TestAllocateServiceCreate(t *testing.T) {
	store := baseCluster("nm-1", "nm-2").with("services",
		existing("default", "kubernetes", "10.96.0.1"),
		existing("nm-1", "svc-2", "10.96.0.10", 30001))
	tests := map[string]struct {
		svc   *corev1.Service
		want  string
		check func(*testing.T, *corev1.Service)
	}{
		"cluster IP from the dynamic band": {
			svc: service("nm-1", "svc-1", ""),
			check: func(t *testing.T, s *corev1.Service) {
				ip := netip.MustParseAddr(s.Spec.ClusterIP)
				if !DefaultServiceCIDR.Contains(ip) || ip.Less(netip.MustParseAddr("10.96.1.1")) || s.Spec.ClusterIPs[0] != s.Spec.ClusterIP {
					t.Fatalf("clusterIP %s outside the dynamic band", ip)
				}
			},
		},
		"requested IP": {
			svc: func() *corev1.Service { s := service("nm-1", "svc-1", ""); s.Spec.ClusterIP = "10.96.0.20"; return s }(),
			check: func(t *testing.T, s *corev1.Service) {
				if s.Spec.ClusterIP != "10.96.0.20" || s.Spec.ClusterIPs[0] != "10.96.0.20" {
					t.Fatalf("requested IP not kept: %v", s.Spec.ClusterIPs)
				}
			},
		},
		"requested IP in use": {
			svc:  func() *corev1.Service { s := service("nm-2", "svc-1", ""); s.Spec.ClusterIP = "10.96.0.10"; return s }(),
			want: `Service "svc-1" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated`,
		},
		"requested IP outside the range": {
			svc:  func() *corev1.Service { s := service("nm-1", "svc-1", ""); s.Spec.ClusterIP = "10.0.0.5"; return s }(),
			want: `Service "svc-1" is invalid: spec.clusterIPs: Invalid value: ["10.0.0.5"]: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12`,
		},
		"headless": {
			svc: func() *corev1.Service { s := service("nm-1", "h", ""); s.Spec.ClusterIP = "None"; return s }(),
			check: func(t *testing.T, s *corev1.Service) {
				if s.Spec.ClusterIP != "None" || len(s.Spec.ClusterIPs) != 1 || s.Spec.ClusterIPs[0] != "None" {
					t.Fatalf("headless got %v", s.Spec.ClusterIPs)
				}
			},
		},
		"external name": {
			svc: func() *corev1.Service {
				s := service("nm-1", "ext", corev1.ServiceTypeExternalName)
				s.Spec.ExternalName, s.Spec.Ports = "github.com", nil
				return s
			}(),
			check: func(t *testing.T, s *corev1.Service) {
				if s.Spec.ClusterIP != "" || s.Spec.ClusterIPs != nil {
					t.Fatalf("ExternalName got an IP: %v", s.Spec.ClusterIPs)
				}
			},
		},
		"node port from the dynamic band": {
			svc: service("nm-1", "np", corev1.ServiceTypeNodePort),
			check: func(t *testing.T, s *corev1.Service) {
				if np := s.Spec.Ports[0].NodePort; np < 30086 || np > 32767 {
					t.Fatalf("nodePort %d outside the dynamic band", np)
				}
			},
		},
		"requested node port": {
			svc: service("nm-1", "np", corev1.ServiceTypeNodePort, corev1.ServicePort{Port: 9000, NodePort: 30002}),
			check: func(t *testing.T, s *corev1.Service) {
				if s.Spec.Ports[0].NodePort != 30002 {
					t.Fatalf("nodePort = %d", s.Spec.Ports[0].NodePort)
				}
			},
		},
		"node port used in another namespace": {
			svc:  service("nm-2", "svc-2", corev1.ServiceTypeNodePort, corev1.ServicePort{Port: 9000, NodePort: 30001}),
			want: `Service "svc-2" is invalid: spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated`,
		},
		"node port outside the range": {
			svc:  service("nm-1", "np", corev1.ServiceTypeNodePort, corev1.ServicePort{Port: 9000, NodePort: 80}),
			want: `Service "np" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767`,
		},
		"same port number shares a node port": {
			svc: service("nm-1", "dns", corev1.ServiceTypeNodePort,
				corev1.ServicePort{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP}, corev1.ServicePort{Name: "dns-tcp", Port: 53, Protocol: corev1.ProtocolTCP}),
			check: func(t *testing.T, s *corev1.Service) {
				if s.Spec.Ports[0].NodePort == 0 || s.Spec.Ports[0].NodePort != s.Spec.Ports[1].NodePort {
					t.Fatalf("ports = %+v", s.Spec.Ports)
				}
			},
		},
		"load balancer gets node ports": {
			svc: service("nm-1", "lb", corev1.ServiceTypeLoadBalancer),
			check: func(t *testing.T, s *corev1.Service) {
				if s.Spec.Ports[0].NodePort == 0 || s.Spec.ClusterIP == "" {
					t.Fatalf("load balancer not allocated: %+v", s.Spec)
				}
			},
		},
		"load balancer without node ports": {
			svc: func() *corev1.Service {
				s := service("nm-1", "lb", corev1.ServiceTypeLoadBalancer)
				s.Spec.AllocateLoadBalancerNodePorts = ptr.To(false)
				return s
			}(),
			check: func(t *testing.T, s *corev1.Service) {
				if s.Spec.Ports[0].NodePort != 0 {
					t.Fatalf("node port allocated: %d", s.Spec.Ports[0].NodePort)
				}
			},
		},
		"local traffic policy gets a health check port": {
			svc: func() *corev1.Service {
				s := service("nm-1", "lb", corev1.ServiceTypeLoadBalancer)
				s.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal
				return s
			}(),
			check: func(t *testing.T, s *corev1.Service) {
				if s.Spec.HealthCheckNodePort == 0 || s.Spec.HealthCheckNodePort == s.Spec.Ports[0].NodePort {
					t.Fatalf("healthCheckNodePort = %d", s.Spec.HealthCheckNodePort)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := allocate(t, tc.svc, store)
			wantErr(t, err, tc.want, 422)
			if tc.check != nil {
				tc.check(t, tc.svc)
			}
		})
	}
}

func TestAllocateServiceDeterministic(t *testing.T) {
	first := service("nm-1", "svc-1", corev1.ServiceTypeNodePort)
	second := service("nm-1", "svc-1", corev1.ServiceTypeNodePort)
	if err := allocate(t, first, baseCluster("nm-1")); err != nil {
		t.Fatal(err)
	}
	if err := allocate(t, second, baseCluster("nm-1")); err != nil {
		t.Fatal(err)
	}
	if first.Spec.ClusterIP != second.Spec.ClusterIP || first.Spec.Ports[0].NodePort != second.Spec.Ports[0].NodePort {
		t.Fatalf("same seed, different result: %s/%d vs %s/%d", first.Spec.ClusterIP, first.Spec.Ports[0].NodePort,
			second.Spec.ClusterIP, second.Spec.Ports[0].NodePort)
	}
}

func TestAllocateServiceAvoidsUsedValues(t *testing.T) {
	// Fill every node port of the dynamic band but one: the allocator must
	// find the free one, then fall back to the static band.
	used := []int32{}
	for p := int32(30086); p <= 32767; p++ {
		if p != 31000 {
			used = append(used, p)
		}
	}
	store := baseCluster("nm-1").with("services", existing("nm-1", "hog", "10.96.0.9", used...))
	a := service("nm-1", "a", corev1.ServiceTypeNodePort)
	if err := allocate(t, a, store); err != nil {
		t.Fatal(err)
	}
	if a.Spec.Ports[0].NodePort != 31000 {
		t.Fatalf("nodePort = %d, want the last free one", a.Spec.Ports[0].NodePort)
	}
	store = store.with("services", a)
	b := service("nm-1", "b", corev1.ServiceTypeNodePort)
	if err := allocate(t, b, store); err != nil {
		t.Fatal(err)
	}
	if np := b.Spec.Ports[0].NodePort; np < 30000 || np >= 30086 {
		t.Fatalf("nodePort = %d, want one from the static band", np)
	}
}

func TestAllocateServiceUpdate(t *testing.T) {
	tests := map[string]struct {
		old, obj *corev1.Service
		want     string
		check    func(*testing.T, *corev1.Service)
	}{
		"values kept when the client omits them": {
			old: existing("nm-1", "svc", "10.96.3.3", 30500),
			obj: func() *corev1.Service {
				s := existing("nm-1", "svc", "", 0)
				s.Spec.ClusterIPs = nil
				return s
			}(),
			check: func(t *testing.T, s *corev1.Service) {
				if s.Spec.ClusterIP != "10.96.3.3" || s.Spec.Ports[0].NodePort != 30500 {
					t.Fatalf("allocated values lost: %+v", s.Spec)
				}
			},
		},
		"own node port is not a conflict": {
			old: existing("nm-1", "svc", "10.96.3.3", 30500),
			obj: existing("nm-1", "svc", "10.96.3.3", 30500),
		},
		"ClusterIP to NodePort allocates a port": {
			old: func() *corev1.Service {
				s := existing("nm-1", "svc", "10.96.3.3", 0)
				s.Spec.Type = corev1.ServiceTypeClusterIP
				return s
			}(),
			obj: existing("nm-1", "svc", "10.96.3.3", 0),
			check: func(t *testing.T, s *corev1.Service) {
				if s.Spec.Ports[0].NodePort == 0 {
					t.Fatal("no node port after type change")
				}
			},
		},
		"taking another service's port": {
			old:  existing("nm-1", "svc", "10.96.3.3", 30500),
			obj:  existing("nm-1", "svc", "10.96.3.3", 30001),
			want: `Service "svc" is invalid: spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			store := baseCluster("nm-1").with("services", existing("nm-2", "other", "10.96.0.10", 30001), tc.old)
			Default(createAttrs(tc.old, "services"))
			a := updateAttrs(tc.obj, tc.old, "services")
			Default(a)
			wantErr(t, AllocateService(a, store, seeded()), tc.want, 422)
			if tc.want == "" {
				wantErr(t, Validate(a), "", 0)
			}
			if tc.check != nil {
				tc.check(t, tc.obj)
			}
		})
	}
}
