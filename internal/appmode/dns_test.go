package appmode

import (
	"context"
	"errors"
	"net"
	"slices"
	"testing"
)

// The cluster DNS as a pod's resolver sees it: a headless Service's name
// gives the pod addresses, an ExternalName Service is an alias, unknown
// cluster names do not exist, and the rest goes upstream.
func TestClusterDNS(t *testing.T) {
	up, err := startDNS("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer up.close()
	up.zone.Store(&DNSZone{Domain: "example.test", A: map[string][]string{"www.example.test": {"192.0.2.7"}}})

	d, err := startDNS("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	d.zone.Store(&DNSZone{Domain: "cluster.local",
		A: map[string][]string{
			"headless.default.svc.cluster.local": {"10.244.1.3", "10.244.2.4"},
			"web.default.svc.cluster.local":      {"10.96.0.20"},
		},
		CNAME:    map[string]string{"ext.default.svc.cluster.local": "www.example.test"},
		Upstream: up.udp.LocalAddr().String(),
	})
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var dl net.Dialer
		return dl.DialContext(ctx, "udp", d.udp.LocalAddr().String())
	}}
	ctx := context.Background()

	got, err := r.LookupHost(ctx, "headless.default.svc.cluster.local")
	slices.Sort(got)
	if err != nil || !slices.Equal(got, []string{"10.244.1.3", "10.244.2.4"}) {
		t.Errorf("headless: %v %v", got, err)
	}
	if got, err := r.LookupHost(ctx, "WEB.default.svc.cluster.local"); err != nil || !slices.Equal(got, []string{"10.96.0.20"}) {
		t.Errorf("names are case-insensitive: %v %v", got, err)
	}
	if cn, err := r.LookupCNAME(ctx, "ext.default.svc.cluster.local"); err != nil || cn != "www.example.test." {
		t.Errorf("ExternalName: %q %v", cn, err)
	}
	if got, err := r.LookupHost(ctx, "ext.default.svc.cluster.local"); err != nil || !slices.Equal(got, []string{"192.0.2.7"}) {
		t.Errorf("ExternalName resolved through upstream: %v %v", got, err)
	}
	var dnsErr *net.DNSError
	if _, err := r.LookupHost(ctx, "nope.default.svc.cluster.local"); !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Errorf("unknown cluster name: want not found, got %v", err)
	}
	if got, err := r.LookupHost(ctx, "www.example.test"); err != nil || !slices.Equal(got, []string{"192.0.2.7"}) {
		t.Errorf("outside the cluster domain goes upstream: %v %v", got, err)
	}
}
