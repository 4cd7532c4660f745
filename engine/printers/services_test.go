package printers

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
)

func TestServiceCells(t *testing.T) {
	http := corev1.ServicePort{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}
	selector := map[string]string{"app": "web"}
	tests := map[string]struct {
		spec   corev1.ServiceSpec
		status corev1.ServiceStatus
		// TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), SELECTOR
		want []interface{}
	}{
		"cluster IP": {
			spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: "10.96.0.10", ClusterIPs: []string{"10.96.0.10"},
				Ports: []corev1.ServicePort{http}, Selector: selector},
			want: []interface{}{"ClusterIP", "10.96.0.10", "<none>", "80/TCP", "app=web"},
		},
		"cluster IP from the singular field": {
			spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: "10.96.0.11", Ports: []corev1.ServicePort{http}},
			want: []interface{}{"ClusterIP", "10.96.0.11", "<none>", "80/TCP", "<none>"},
		},
		"dual stack shows the first cluster IP": {
			spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIPs: []string{"10.96.0.12", "fd00::12"},
				Ports: []corev1.ServicePort{http, {Port: 53, Protocol: corev1.ProtocolUDP}}},
			want: []interface{}{"ClusterIP", "10.96.0.12", "<none>", "80/TCP,53/UDP", "<none>"},
		},
		"headless without ports": {
			spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: "None", ClusterIPs: []string{"None"}, Selector: selector},
			want: []interface{}{"ClusterIP", "None", "<none>", "<none>", "app=web"},
		},
		"cluster IP with external IPs": {
			spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIPs: []string{"10.96.0.13"},
				ExternalIPs: []string{"192.0.2.1", "192.0.2.2"}, Ports: []corev1.ServicePort{http}},
			want: []interface{}{"ClusterIP", "10.96.0.13", "192.0.2.1,192.0.2.2", "80/TCP", "<none>"},
		},
		"node port": {
			spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, ClusterIPs: []string{"10.96.0.14"},
				Ports: []corev1.ServicePort{{Port: 80, NodePort: 30080, Protocol: corev1.ProtocolTCP}}},
			want: []interface{}{"NodePort", "10.96.0.14", "<none>", "80:30080/TCP", "<none>"},
		},
		"load balancer without ingress is pending": {
			spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, ClusterIPs: []string{"10.96.0.15"},
				Ports: []corev1.ServicePort{{Port: 443, NodePort: 31443, Protocol: corev1.ProtocolTCP}}},
			want: []interface{}{"LoadBalancer", "10.96.0.15", "<pending>", "443:31443/TCP", "<none>"},
		},
		"load balancer ingress is sorted, unique and not clipped": {
			spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, ClusterIPs: []string{"10.96.0.16"},
				Ports: []corev1.ServicePort{{Port: 80, NodePort: 30001, Protocol: corev1.ProtocolTCP}}},
			status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{
				{IP: "203.0.113.9"}, {Hostname: "lb.example.com"}, {IP: "203.0.113.9"}}}},
			want: []interface{}{"LoadBalancer", "10.96.0.16", "203.0.113.9,lb.example.com", "80:30001/TCP", "<none>"},
		},
		"load balancer ingress followed by external IPs": {
			spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, ClusterIPs: []string{"10.96.0.17"},
				ExternalIPs: []string{"192.0.2.7"}, Ports: []corev1.ServicePort{{Port: 80, NodePort: 30002, Protocol: corev1.ProtocolTCP}}},
			status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "203.0.113.1"}}}},
			want:   []interface{}{"LoadBalancer", "10.96.0.17", "203.0.113.1,192.0.2.7", "80:30002/TCP", "<none>"},
		},
		"external name": {
			spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "db.example.com"},
			want: []interface{}{"ExternalName", "<none>", "db.example.com", "<none>", "<none>"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			svc := &corev1.Service{ObjectMeta: objMeta("web", 2*time.Hour+3*time.Minute), Spec: tc.spec, Status: tc.status}
			cells := cellsOf(t, "services", svc)
			assertCells(t, []interface{}{cells[1], cells[2], cells[3], cells[4], cells[6]}, tc.want)
			if cells[0] != "web" || cells[5] != "123m" {
				t.Errorf("NAME/AGE = %v/%v, want web/123m", cells[0], cells[5])
			}
		})
	}
}

func TestEndpointsCells(t *testing.T) {
	addrs := func(ips ...string) []corev1.EndpointAddress {
		out := make([]corev1.EndpointAddress, len(ips))
		for i, ip := range ips {
			out[i] = corev1.EndpointAddress{IP: ip}
		}
		return out
	}
	port := func(n int32) corev1.EndpointPort { return corev1.EndpointPort{Port: n, Protocol: corev1.ProtocolTCP} }
	tests := map[string]struct {
		subsets []corev1.EndpointSubset
		want    string
	}{
		"no subsets": {want: "<none>"},
		"subset without addresses": {
			subsets: []corev1.EndpointSubset{{Ports: []corev1.EndpointPort{port(80)}}},
			want:    "",
		},
		"two addresses": {
			subsets: []corev1.EndpointSubset{{Addresses: addrs("10.0.0.1", "10.0.0.2"), Ports: []corev1.EndpointPort{port(80)}}},
			want:    "10.0.0.1:80,10.0.0.2:80",
		},
		"more than three addresses": {
			subsets: []corev1.EndpointSubset{{Addresses: addrs("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"),
				Ports: []corev1.EndpointPort{port(8080)}}},
			want: "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 2 more...",
		},
		"every port multiplies the addresses": {
			subsets: []corev1.EndpointSubset{{Addresses: addrs("10.0.0.1", "10.0.0.2"), Ports: []corev1.EndpointPort{port(80), port(443)}}},
			want:    "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...",
		},
		"headless without ports lists IPs": {
			subsets: []corev1.EndpointSubset{{Addresses: addrs("10.0.0.1")}, {Addresses: addrs("10.0.0.9")}},
			want:    "10.0.0.1,10.0.0.9",
		},
		"IPv6 addresses are bracketed": {
			subsets: []corev1.EndpointSubset{{Addresses: addrs("fd00::1"), Ports: []corev1.EndpointPort{port(80)}}},
			want:    "[fd00::1]:80",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ep := &corev1.Endpoints{ObjectMeta: objMeta("web", 90*time.Second), Subsets: tc.subsets}
			assertCells(t, cellsOf(t, "endpoints", ep), []interface{}{"web", tc.want, "90s"})
		})
	}
}

func TestEndpointSliceCells(t *testing.T) {
	ep := func(ips ...string) discoveryv1.Endpoint { return discoveryv1.Endpoint{Addresses: ips} }
	tests := map[string]struct {
		ports     []discoveryv1.EndpointPort
		endpoints []discoveryv1.Endpoint
		wantPorts string
		wantEps   string
	}{
		"empty slice": {wantPorts: "<unset>", wantEps: "<unset>"},
		"numbered, named and wildcard ports": {
			ports:     []discoveryv1.EndpointPort{{Port: ptrTo(int32(80))}, {Name: ptrTo("metrics")}, {}},
			endpoints: []discoveryv1.Endpoint{ep("10.0.0.1"), ep("10.0.0.2")},
			wantPorts: "80,metrics,*",
			wantEps:   "10.0.0.1,10.0.0.2",
		},
		"long lists are truncated": {
			ports: []discoveryv1.EndpointPort{{Port: ptrTo(int32(1))}, {Port: ptrTo(int32(2))}, {Port: ptrTo(int32(3))},
				{Port: ptrTo(int32(4))}, {Port: ptrTo(int32(5))}},
			endpoints: []discoveryv1.Endpoint{ep("10.0.0.1", "10.0.0.2"), ep("10.0.0.3"), ep("10.0.0.4")},
			wantPorts: "1,2,3 + 2 more...",
			wantEps:   "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := &discoveryv1.EndpointSlice{ObjectMeta: objMeta("web-abcde", time.Hour), AddressType: discoveryv1.AddressTypeIPv4,
				Ports: tc.ports, Endpoints: tc.endpoints}
			assertCells(t, cellsOf(t, "endpointslices", s), []interface{}{"web-abcde", "IPv4", tc.wantPorts, tc.wantEps, "60m"})
		})
	}
}
